"""Status tags: the one mapping from a status to the words and the colour it is shown with.

Every page shows a status through ``{% status_tag "<kind>" value %}`` (core_tags), drawn by
``tag_html`` below with the classes of ``TAG_CLASSES``: restyling the tags (GOV.UK
``govuk-tag govuk-tag--<colour>``) touches those two. The HTML is built in Python, not by a template:
a tag sits on every row of the long tables (tracker, returns matrix), where a template render per
tag was a measurable part of the page.
Colours are named by what they look like, not by the CSS framework's words; the meaning is always in
the label too, never in the colour alone.

Unknown values still render (their own text, in grey): a page never fails over a new status, and
``tests/core/test_badges.py`` checks every status of the models has an entry here.
"""

from enum import StrEnum

from django.utils.html import format_html


class Colour(StrEnum):
    GREY = "grey"
    WHITE = "white"  # an outlined tag: a remark beside a status, not a status of its own
    BLUE = "blue"
    LIGHT_BLUE = "light-blue"
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


# The one place a colour becomes CSS.
TAG_CLASSES = {
    "grey": "govuk-tag govuk-tag--grey",
    "white": "govuk-tag app-tag--remark",
    "blue": "govuk-tag govuk-tag--blue",
    "light-blue": "govuk-tag govuk-tag--light-blue",
    "green": "govuk-tag govuk-tag--green",
    "yellow": "govuk-tag govuk-tag--yellow",
    "red": "govuk-tag govuk-tag--red",
}

STATUS_TAGS = {
    # A return asked of an agency (cases.AgencyReturn.Status), and the remarks shown beside it.
    "return": {
        "requested": ("Requested", Colour.GREY),
        "draft": ("Draft", Colour.LIGHT_BLUE),
        "submitted": ("Submitted", Colour.BLUE),
        "returned": ("Returned for changes", Colour.YELLOW),
        "accepted": ("Accepted", Colour.GREEN),
    },
    "return_remark": {
        "overdue": ("Overdue", Colour.RED),
        "entered_on_behalf": ("Entered by the Business Manager", Colour.WHITE),
    },
    # An audit's stage (cases.Audit.Status).
    "audit": {
        "planning": ("Planning", Colour.GREY),
        "collecting": ("Collecting returns", Colour.LIGHT_BLUE),
        "panel_review": ("Panel review", Colour.BLUE),
        "reporting": ("Reporting", Colour.BLUE),
        "monitoring": ("Monitoring", Colour.YELLOW),
        "closed": ("Closed", Colour.GREEN),
    },
    # A reflective practice meeting (reviews.ReflectivePracticeMeeting.Status).
    "meeting": {
        "scheduled": ("Scheduled", Colour.BLUE),
        "held": ("Held", Colour.GREEN),
        "cancelled": ("Cancelled", Colour.GREY),
    },
    # An e-mail (notifications.Notification.Status); "retrying" is a pending one with a next attempt.
    "notification": {
        "pending": ("Pending", Colour.GREY),
        "retrying": ("Waiting to retry", Colour.YELLOW),
        "sending": ("Sending", Colour.YELLOW),
        "sent": ("Sent", Colour.GREEN),
        "failed": ("Failed", Colour.RED),
        "withheld": ("Withheld by the leak guard", Colour.RED),
    },
    # A recommendation on the tracker (recommendations.tracker.RagState).
    "recommendation": {
        "on_track": ("On track", Colour.GREEN),
        "due_soon": ("Due soon", Colour.YELLOW),
        "overdue": ("Overdue", Colour.RED),
        "assured": ("Assured", Colour.BLUE),
        "closed": ("Closed", Colour.GREY),
    },
}


def status_tag(kind, value):
    """(label, colour) for a status of a kind. KeyError for an unknown kind (a typo in a template
    should fail its test); an unknown value shows as its own text in grey."""
    statuses = STATUS_TAGS[kind]
    value = "" if value is None else str(value)
    if value in statuses:
        return statuses[value]
    return value.replace("_", " ").capitalize(), Colour.GREY


def tag_html(label, colour):
    """The one drawing of a tag: <span class="…">label</span>, the label escaped."""
    return format_html('<span class="{}">{}</span>', TAG_CLASSES.get(str(colour), TAG_CLASSES["grey"]), label)
