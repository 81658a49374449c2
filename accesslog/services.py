from django.shortcuts import get_object_or_404

from .models import AccessLogEntry, path_without_secrets


def access_record(*, request, what, obj=None, case=None, audit=None, action=AccessLogEntry.Action.VIEW):
    """Append one read of case data to the access log. Call it from every view that shows case data."""
    audit_id = case.audit_id if case is not None and audit is None else getattr(audit, "pk", None)
    return AccessLogEntry.objects.create(
        user=request.user if request.user.is_authenticated else None,
        action=action,
        what=what,
        object_id=getattr(obj, "pk", None),
        audit_id=audit_id,
        case_id=getattr(case, "pk", None),
        path=path_without_secrets(request.get_full_path())[:500],
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def get_for_user(
    queryset, *, request, what, case=None, audit=None, action=AccessLogEntry.Action.VIEW, **lookups
):
    """The one object of `queryset` (already scoped to what request.user may see or change) matching
    `lookups`, or 404 for anything else (missing and forbidden look alike); then one access-log entry
    for each name in `what` (a name, a tuple of names, or None for a record that holds no case
    data). `case` and `audit` take the object and give the case and audit the entry names.

    This is what every app's `<entity>_get_for_user` accessor is made of: views call the accessor,
    never this, get_object_or_404 or access_record themselves."""
    obj = get_object_or_404(queryset, **lookups)
    names = (what,) if isinstance(what, str) else tuple(what or ())
    if names:
        the_case = case(obj) if case is not None else None
        the_audit = audit(obj) if audit is not None else None
        for name in names:
            access_record(request=request, what=name, obj=obj, case=the_case, audit=the_audit, action=action)
    return obj
