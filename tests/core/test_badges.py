"""core.badges: one mapping from every status to its tag, drawn by one template."""

import pytest
from django.template import engines

from cases.models import AgencyReturn, Audit
from core.badges import STATUS_TAGS, Colour, status_tag
from notifications.models import Notification
from recommendations.tracker import RagState
from reviews.models import ReflectivePracticeMeeting

MODEL_STATUSES = {
    "return": AgencyReturn.Status,
    "audit": Audit.Status,
    "meeting": ReflectivePracticeMeeting.Status,
    "notification": Notification.Status,
    "recommendation": RagState,
}


@pytest.mark.parametrize("kind", sorted(MODEL_STATUSES))
def test_every_status_of_the_models_has_a_tag_with_its_own_words(kind):
    choices = MODEL_STATUSES[kind]
    for value, label in choices.choices:
        assert value in STATUS_TAGS[kind], f"{kind}:{value} has no tag"
        tag_label, colour = STATUS_TAGS[kind][value]
        assert tag_label == label  # the tag says what the rest of the page says
        assert isinstance(colour, Colour)


def _render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("kind", "value", "css", "label"),
    [
        ("return", "accepted", "govuk-tag govuk-tag--green", "Accepted"),
        ("return", "returned", "govuk-tag govuk-tag--yellow", "Returned for changes"),
        ("return", "draft", "govuk-tag govuk-tag--light-blue", "Draft"),
        ("return_remark", "overdue", "govuk-tag govuk-tag--red", "Overdue"),
        ("notification", "withheld", "govuk-tag govuk-tag--red", "Withheld by the leak guard"),
        ("recommendation", "assured", "govuk-tag govuk-tag--blue", "Assured"),
        ("meeting", "cancelled", "govuk-tag govuk-tag--grey", "Cancelled"),
    ],
)
def test_one_function_draws_label_and_colour(kind, value, css, label):
    html = _render("{% status_tag kind value %}", kind=kind, value=value)
    assert html == f'<span class="{css}">{label}</span>'


def test_an_unknown_status_still_shows_its_words_and_an_unknown_kind_fails():
    assert status_tag("return", "on_hold") == ("On hold", Colour.GREY)
    with pytest.raises(KeyError):
        status_tag("no such kind", "draft")


def test_a_late_return_shows_both_tags():
    class Late:
        status = "draft"
        is_overdue = True
        entered_on_behalf = False

    html = _render('{% include "cases/_return_status.html" %}', r=Late())
    assert (
        '<span class="govuk-tag govuk-tag--light-blue">Draft</span> <span class="govuk-tag govuk-tag--red">Overdue</span>'
        in html
    )


def test_labels_are_escaped():
    from core.badges import tag_html

    assert (
        tag_html("<b>x</b>", "green")
        == '<span class="govuk-tag govuk-tag--green">&lt;b&gt;x&lt;/b&gt;</span>'
    )
