from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from .models import Role

# Where each role lands after logging in.
HOME_FOR_ROLE = {
    Role.BUSINESS_MANAGER: "cases:audit_list",
    Role.PANEL_MEMBER: "cases:audit_list",
    Role.AGENCY_CONTRIBUTOR: "cases:portal",
    Role.BOARD_MEMBER: "recommendations:board_home",
    Role.ADMINISTRATOR: "admin:index",
}


@login_required
@require_safe
def home(request):
    """Send each role to its own home page."""
    return redirect(HOME_FOR_ROLE[request.user.role])
