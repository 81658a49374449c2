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
