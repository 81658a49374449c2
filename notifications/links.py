"""Where each reminder's link points: the page on which the recipient can act.

Each function tries the page made for the object first and falls back to a page that exists today,
so links improve by themselves when those pages land (only the URL names below need to match).
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def _absolute(*candidates):
    for name, kwargs in candidates:
        try:
            return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return settings.SITE_URL.rstrip("/") + "/"


def return_link(agency_return, *, for_manager=False):
    # The return page serves both: the agency completes it there, the Business Manager reviews it.
    return _absolute(("cases:return_detail", {"return_pk": agency_return.pk}))


def meeting_link(meeting):
    # Practitioners have no login: their invitation carries its own answer link (reviews app). The
    # meeting page is for panel members and the Business Manager.
    return _absolute(
        ("reviews:meeting_detail", {"meeting_pk": meeting.pk}),
        ("cases:case_detail", {"case_pk": meeting.case_id}),
    )


def action_link(action, *, for_manager=False):
    if for_manager:
        return _absolute(("reviews:findings", {"case_pk": action.case_id}))
    return _absolute(("reviews:action_respond", {"action_pk": action.pk}))


def recommendation_link(recommendation):
    return _absolute(
        ("recommendations:recommendation_detail", {"recommendation_pk": recommendation.pk}),
        ("recommendations:board_home", {}),
    )


def manager_home_link():
    return _absolute(("cases:audit_list", {}))


def log_link():
    return _absolute(("notifications:log", {}))


def settings_link():
    return _absolute(("notifications:settings", {}))
