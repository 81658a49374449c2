from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .two_factor import next_step_url


class VerifiedAdminSite(admin.AdminSite):
    """The admin site, entered only through the application's own log-in (password, then second factor).
    Its own password-only login form is never shown."""

    site_header = "PSCB Audit administration"
    site_title = "PSCB Audit"

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or request.path
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if not request.user.is_verified():
            return redirect(next_step_url(request.user, next_url))
        raise PermissionDenied
