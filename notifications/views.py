from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import permission_required

from . import selectors, services
from .filters import NotificationFilter
from .reminders import kind_labels, lead_times

PAGE_SIZE = 50
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@permission_required("manage_audits")
@require_safe
def notification_log(request):
    """Every e-mail the system queued: sent, failed or waiting, to whom, when and about what."""
    filterset = NotificationFilter(
        request.GET or None, queryset=selectors.notification_list_get_for_user(request=request)
    )
    page = Paginator(filterset.qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    attention_qs = selectors.notification_needs_attention_for_user(user=request.user)
    needs_attention = list(attention_qs[: PAGE_SIZE + 1])
    # One query while the list is short (the usual case); a count only when it overflows.
    attention_count = len(needs_attention) if len(needs_attention) <= PAGE_SIZE else attention_qs.count()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/log.html",
        {
            "filter": filterset,
            "page": page,
            "querystring": query.urlencode(),
            "kind_labels": kind_labels(),
            "needs_attention": needs_attention[:PAGE_SIZE],
            "needs_attention_count": attention_count,
        },
    )


@permission_required("manage_audits")
@require_POST
def notification_resend(request, notification_pk):
    """Send a failed reminder (or one waiting for a later try) again now."""
    notification = selectors.notification_get_for_user_to_edit(request=request, pk=notification_pk)
    try:
        services.notification_resend(notification=notification, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The e-mail to {notification.to} is being sent again.")
    return redirect(reverse("notifications:log") + "#needs-attention")


@permission_required("use_service")
@require_safe
def reminder_settings(request):
    """When reminders go out: every lead time, the daily run and the weekly digest."""
    return render(
        request,
        "notifications/settings.html",
        {
            "lead_times": [
                {"name": name, "meaning": meaning, "value": getattr(settings, name)}
                for name, meaning in lead_times()
            ],
            "daily_at": f"{settings.REMINDER_DAILY_HOUR:02d}:{settings.REMINDER_DAILY_MINUTE:02d}",
            "digest_weekday": WEEKDAYS[settings.REMINDER_DIGEST_WEEKDAY % 7],
            "stale_minutes": settings.NOTIFICATION_STALE_MINUTES,
        },
    )
