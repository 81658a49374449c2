from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import permission_required
from pscb_audit.celery import app as celery_app

from . import selectors


@permission_required("manage_audits")
@require_safe
def health(request):
    """The moving parts at a glance: broker, worker, beat, what is queued, what failed."""
    checks = selectors.health_for_business_manager(app=celery_app)
    response = render(request, "operations/health.html", {"checks": checks})
    response["Cache-Control"] = "no-store"
    return response
