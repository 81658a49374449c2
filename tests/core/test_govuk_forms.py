"""GOV.UK form conventions from core.forms, on any form: messages, dates, optional labels, selects,
character counts, the error summary."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from core.forms import CrispyFormMixin, GovukDateField, GovukFormMixin


class Sample(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name of the agency")
    kind = forms.ChoiceField(
        label="Kind of agency", choices=[("", "---------"), ("a", "Health"), ("b", "Police")]
    )
    many = forms.ChoiceField(
        label="Council", required=False, choices=[("", "---------")] + [(str(n), f"C{n}") for n in range(8)]
    )
    due = GovukDateField(label="Date the return is due", future=True)
    born = GovukDateField(label="Date of birth", past=True, required=False)
    notes = forms.CharField(label="Notes", required=False, max_length=500, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree", required=True)
    custom = forms.CharField(label="Code", error_messages={"required": "Enter the code from the e-mail"})


def render(form):
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


class Words(GovukFormMixin, forms.Form):
    note = forms.CharField(label="Note")
    role = forms.ChoiceField(label="Role", choices=[(str(n), str(n)) for n in range(9)])
    evidence = forms.FileField(label="Evidence file")
    attend = forms.ChoiceField(label="Will you attend?", choices=[("y", "Yes"), ("n", "No")])
    why = forms.CharField(label="Why they need this role")
    agencies = forms.CharField(label="Agencies")


def test_messages_read_as_sentences():
    form = Words(data={})
    form.is_valid()
    assert {name: errors[0] for name, errors in form.errors.items()} == {
        "note": "Enter a note",
        "role": "Select a role",
        "evidence": "Choose the evidence file",
        "attend": "Answer the question ‘Will you attend?’",
        "why": "Enter why they need this role",
        "agencies": "Enter the agencies",
    }


def test_missing_answers_get_specific_messages_never_the_generic_one():
    form = Sample(data={})
    assert not form.is_valid()
    assert form.errors["name"] == ["Enter the name of the agency"]
    assert form.errors["kind"] == ["Select the kind of agency"]
    assert form.errors["due"] == ["Enter the date the return is due"]
    assert form.errors["agree"] == ["Select I agree"]
    assert form.errors["custom"] == ["Enter the code from the e-mail"]
    assert "This field is required." not in str(form.errors)


@pytest.mark.parametrize(
    "day,month,year,message",
    [
        ("12", "", "2030", "Date the return is due must include a month"),
        ("", "", "2030", "Date the return is due must include a day and month"),
        ("31", "2", "2030", "Date the return is due must be a real date"),
        ("x", "2", "2030", "Date the return is due must be a real date"),
        ("1", "2", "30", "Date the return is due: the year must include 4 numbers"),
        ("1", "1", "2000", "Date the return is due must be today or in the future"),
        ("1", "1", "2150", "Date the return is due must be between 1 January 1900 and 31 December 2099"),
    ],
)
def test_the_date_input_says_what_is_wrong(day, month, year, message):
    form = Sample(data={"due_day": day, "due_month": month, "due_year": year})
    form.is_valid()
    assert form.errors["due"] == [message]


def test_a_date_typed_in_three_boxes_or_posted_whole_is_read():
    later = timezone.localdate() + datetime.timedelta(days=30)
    form = Sample(
        data={"due_day": str(later.day), "due_month": str(later.month), "due_year": str(later.year)}
    )
    form.is_valid()
    assert form.cleaned_data["due"] == later
    for whole in (later.isoformat(), later.strftime("%d/%m/%Y")):
        form = Sample(data={"due": whole})
        form.is_valid()
        assert form.cleaned_data["due"] == later


def test_past_limit():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = Sample(data={"born": tomorrow.isoformat()})
    form.is_valid()
    assert form.errors["born"] == ["Date of birth must be today or in the past"]


def test_few_choices_become_radios_and_many_get_a_prompt_not_dashes():
    form = Sample()
    html = render(form)
    assert isinstance(form.fields["kind"].widget, forms.RadioSelect)
    assert ("", "---------") not in form.fields["kind"].choices
    assert isinstance(form.fields["many"].widget, forms.Select)
    assert form.fields["many"].choices[0] == ("", "Select a council")
    assert "---------" not in html


def test_optional_fields_say_so_and_required_ones_have_no_asterisk():
    html = render(Sample())
    assert "Notes (optional)" in html
    assert "Date of birth (optional)" in html
    assert "Name of the agency (optional)" not in html
    assert "asteriskField" not in html and "*</" not in html


def test_a_long_text_with_a_limit_has_a_character_count():
    html = render(Sample())
    assert 'data-module="govuk-character-count" data-maxlength="500"' in html
    assert "You can enter up to 500 characters" in html
    assert ' maxlength="500"' not in html  # the count warns; the browser does not cut the text


def test_the_date_input_is_three_labelled_boxes_in_a_fieldset():
    html = render(Sample())
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date the return is due</legend>'
        in html
    )
    for part, box_id in (("Day", "id_due"), ("Month", "id_due_month"), ("Year", "id_due_year")):
        assert f'<label class="govuk-label govuk-date-input__label" for="{box_id}">{part}</label>' in html
    for box in ("due_day", "due_month", "due_year"):
        assert f'name="{box}"' in html  # what the form reads back
    assert 'type="date"' not in html


def test_the_error_summary_links_to_each_invalid_field():
    form = Sample(data={"kind": "a", "due_day": "1", "due_year": "2030"})
    html = render(form)
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_name">Enter the name of the agency</a>' in html
    assert '<a href="#id_due">Date the return is due must include a month</a>' in html
    assert '<a href="#id_agree">Select I agree</a>' in html
    # The field that is wrong is marked, with its message inside the field's group.
    assert "govuk-form-group govuk-form-group--error" in html
    assert "govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" in html


def test_the_error_summary_is_drawn_once_when_the_page_already_drew_it():
    form = Sample(data={})
    page = Template(
        "{% load govuk crispy_forms_tags %}{% govuk_error_summary form %}{{ form|crispy }}"
    ).render(Context({"form": form}))
    assert page.count("govuk-error-summary__title") == 1


def test_a_page_with_problems_beyond_its_form_lists_them_all_in_the_one_summary():
    """The chronology editor: each row's problem links to the input at fault; past the limit the rest
    are counted, and the form's own summary is not drawn a second time."""
    form = Sample(data={})
    items = [
        {"text": f"Row {n}, Date: Enter a date", "anchor": f"entries-{n - 1}-date"} for n in range(1, 203)
    ]
    page = Template(
        "{% load govuk crispy_forms_tags %}"
        "{% govuk_error_summary form items=items title='There is a problem: nothing was saved' %}"
        "{% govuk_error_summary form %}{{ form|crispy }}"
    ).render(Context({"form": form, "items": items}))
    assert page.count("govuk-error-summary__title") == 1
    assert "There is a problem: nothing was saved</h2>" in page
    assert '<li><a href="#entries-0-date">Row 1, Date: Enter a date</a></li>' in page
    assert '<li><a href="#entries-199-date">Row 200, Date: Enter a date</a></li>' in page
    assert "#entries-200-date" not in page
    assert "… and 2 more problems, marked in their rows." in page


def test_no_items_and_a_valid_form_draw_no_summary():
    form = Sample(
        data={"name": "A", "kind": "a", "due_day": "1", "due_month": "2", "due_year": "2030", "agree": "on"}
    )
    form.is_valid()
    html = Template("{% load govuk %}{% govuk_error_summary form items=items %}").render(
        Context({"form": form, "items": []})
    )
    assert "govuk-error-summary" not in html


class WithButton(CrispyFormMixin, forms.Form):
    submit_label = "Add to panel"
    name = forms.CharField()


def test_the_crispy_helper_button_says_what_it_does_in_govuk_style():
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": WithButton()}))
    assert 'value="Add to panel"' in html and "govuk-button" in html


class Limits(GovukFormMixin, forms.Form):
    who = forms.CharField(label="Who was involved", max_length=10, required=False)
    code = forms.CharField(label="Code", min_length=4, required=False)
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2100, required=False)
    own = forms.CharField(
        label="Own", max_length=3, required=False, error_messages={"max_length": "Too long"}
    )


def test_a_value_out_of_bounds_gets_a_gov_uk_message_not_djangos():
    form = Limits(data={"who": "x" * 11, "code": "ab", "year": "1999", "own": "abcd"})
    form.is_valid()
    assert form.errors == {
        "who": ["Who was involved must be 10 characters or fewer"],
        "code": ["Code must be 4 characters or more"],
        "year": ["Year must be 2000 or more"],
        "own": ["Too long"],
    }
    form = Limits(data={"year": "2200"})
    form.is_valid()
    assert form.errors["year"] == ["Year must be 2100 or less"]
    form = Limits(data={"year": "next year"})
    form.is_valid()
    assert form.errors["year"] == ["Year must be a number"]
