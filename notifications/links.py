"""Where each reminder's link points: the page on which the recipient can act."""

from core.links import absolute_url as _absolute


def return_link(agency_return):
    # The return page serves both: the agency completes it there, the Business Manager reviews it.
    return _absolute("cases:return_detail", return_pk=agency_return.pk)


def meeting_link(meeting):
    # Practitioners have no login: their invitation carries its own answer link (reviews app). The
    # meeting page is for panel members and the Business Manager.
    return _absolute("reviews:meeting_detail", meeting_pk=meeting.pk)


def action_link(action, *, for_manager=False):
    if for_manager:
        return _absolute("reviews:findings", case_pk=action.case_id)
    return _absolute("reviews:action_respond", action_pk=action.pk)


def recommendation_link(recommendation):
    return _absolute("recommendations:recommendation_detail", recommendation_pk=recommendation.pk)


def log_link():
    return _absolute("notifications:log")


def settings_link():
    return _absolute("notifications:settings")
