import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from .permissions import SecondFactorRequired, log_denial
from .two_factor import next_step_url

# Set at log-in (accounts.signals); the absolute session limit counts from it.
AUTH_STARTED_KEY = "auth_started_at"


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a logged-in user may hold case data: never let a browser or proxy keep them.
    Also logs every 403/404 a logged-in user meets, since a scoped 404 is an authorisation failure."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
            if response.status_code in (403, 404):
                log_denial(request, f"status_{response.status_code}")
        return response


class SessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_TIMEOUT seconds after log-in, however active it has been.
    (Inactivity is handled by SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST: the server-side
    expiry moves on with each request and an idle session simply expires.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(AUTH_STARTED_KEY)
            if started is None:
                request.session[AUTH_STARTED_KEY] = int(time.time())
            elif time.time() - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, "Your session has ended. Please log in again.")
        return self.get_response(request)


class SecondFactorMiddleware:
    """Turns SecondFactorRequired (raised by permissions.check) into a redirect to the verify page, or to
    enrolment for a user who has no device yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SecondFactorRequired):
            next_url = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
            return redirect(next_step_url(request.user, next_url))
        return None


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy on every response, denying the browser features the application never
    uses (settings.PERMISSIONS_POLICY), so an injected script or a framed page cannot ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
