"""Role rules, one per rule, named for the rule.

Roles decide which *kind* of page a user may open; which *objects* they see is decided by the
selectors of each app, which scope every queryset by the user (an object outside the scope is a 404).
The authorisation-matrix test (tests/authz) checks every URL against these rules.
"""

import logging
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role
from .two_factor import needs_verification

security_log = logging.getLogger("pscb_audit.security")

CASE_DATA_ROLES = (Role.BUSINESS_MANAGER, Role.PANEL_MEMBER, Role.AGENCY_CONTRIBUTOR)


def log_denial(request, reason):
    """Record an authorisation failure. Only ids and the path: never a child's details."""
    user = getattr(request, "user", None)
    security_log.warning(
        "authorisation_denied user_id=%s role=%s method=%s path=%s reason=%s",
        getattr(user, "pk", None),
        getattr(user, "role", None),
        request.method,
        request.path,
        reason,
    )


class SecondFactorRequired(PermissionDenied):
    """The user has the role but has not passed their second factor in this session.
    accounts.middleware.SecondFactorMiddleware turns it into a redirect to verify or enrol; anywhere
    that middleware is missing it is still a PermissionDenied (403), never access."""


def check_role(request, roles):
    """Raise PermissionDenied unless the logged-in user has one of `roles`, and SecondFactorRequired
    unless they have passed the second factor their role (or their own choice) demands. Every role
    rule goes through here, so this is the one place two-factor authentication is enforced."""

    if request.user.role not in roles or not request.user.is_active:
        log_denial(request, "role")
        raise PermissionDenied
    if needs_verification(request.user):
        raise SecondFactorRequired


class RoleRequiredMixin(AccessMixin):
    """Anonymous users go to the login page; a logged-in user without the role gets 403."""

    allowed_roles: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check_role(request, self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)


def role_required(*roles):
    """Function-view form of RoleRequiredMixin."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_role(request, roles)
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


# --- The rules ------------------------------------------------------------------------------


class BusinessManagerRequired(RoleRequiredMixin):
    """Setting up audits and cases, requesting and accepting returns, publishing: Business Manager."""

    allowed_roles = (Role.BUSINESS_MANAGER,)


class CaseReaderRequired(RoleRequiredMixin):
    """Reading case detail: the Business Manager and panel members (scoped to their panels)."""

    allowed_roles = (Role.BUSINESS_MANAGER, Role.PANEL_MEMBER)


class AgencyContributorRequired(RoleRequiredMixin):
    """The agency portal: contributors, scoped to their own agency."""

    allowed_roles = (Role.AGENCY_CONTRIBUTOR,)


class ReturnWorkerRequired(RoleRequiredMixin):
    """Working on a return: its agency's contributors, or the Business Manager on their behalf."""

    allowed_roles = (Role.AGENCY_CONTRIBUTOR, Role.BUSINESS_MANAGER)


class BoardReaderRequired(RoleRequiredMixin):
    """Published reports and the recommendation tracker: everyone but the administrator."""

    allowed_roles = (Role.BOARD_MEMBER, Role.BUSINESS_MANAGER, Role.PANEL_MEMBER, Role.AGENCY_CONTRIBUTOR)


class AccessLogReaderRequired(RoleRequiredMixin):
    """Searching and exporting the access log: the Business Manager and the administrator."""

    allowed_roles = (Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)


class AnyRoleRequired(RoleRequiredMixin):
    """Pages every logged-in user may open (home, own account)."""

    allowed_roles = tuple(Role.values)


business_manager_required = role_required(*BusinessManagerRequired.allowed_roles)
case_reader_required = role_required(*CaseReaderRequired.allowed_roles)
agency_contributor_required = role_required(*AgencyContributorRequired.allowed_roles)
return_worker_required = role_required(*ReturnWorkerRequired.allowed_roles)
board_reader_required = role_required(*BoardReaderRequired.allowed_roles)
access_log_reader_required = role_required(*AccessLogReaderRequired.allowed_roles)
any_role_required = role_required(*AnyRoleRequired.allowed_roles)
