"""'Fix the text': the editor a leak guard hit links to shows the hit highlighted (see
reports/middleware.py for the way back to the report page)."""

from django.utils.http import url_has_allowed_host_and_scheme

from accounts.permissions import can_override_leak_hit

from .selectors import hit_list_for_user


def safe_next(request):
    target = request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def leak_fix(request):
    """The hit being fixed, for the Business Manager who followed its 'Fix the text' link."""
    pk = request.GET.get("leak_hit", "")
    user = getattr(request, "user", None)
    if not pk.isdigit() or not can_override_leak_hit(user):
        return {}

    hit = hit_list_for_user(user=user).filter(pk=int(pk)).first()
    if hit is None:
        return {}
    context = hit.context or hit.matched
    before, found, after = context.partition(hit.matched)
    if not found:
        before, after = context, ""
    return {
        "leak_fix_hit": hit,
        "leak_fix_before": before,
        "leak_fix_after": after,
        "leak_fix_next": safe_next(request),
    }
