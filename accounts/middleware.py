from .permissions import log_denial


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
