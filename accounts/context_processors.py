from functools import cached_property

from django.conf import settings

from .models import Role
from .two_factor import needs_verification


def roles(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {"Role": Role, "user_role": role}


class _NavLocked:
    """True for a logged-in user who has not passed the second factor (the header then shows nothing
    but 'Sign out'). Worked out once, and only if the template asks (it may need a query)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def value(self):
        user = self.user
        return bool(user is not None and user.is_authenticated and needs_verification(user))

    def __bool__(self):
        return self.value


def service(request):
    """The partnership's and the service's names, and whether the navigation is held back."""
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "service_name": settings.SERVICE_NAME,
        "nav_locked": _NavLocked(getattr(request, "user", None)),
    }
