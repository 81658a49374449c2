"""Form plumbing shared by every app: GOV.UK Design System conventions applied to any Django form.

`GovukFormMixin` (through `CrispyFormMixin`, which also adds the crispy helper and its submit button)
gives every form, whatever its fields:

- a specific message for a missing answer instead of "This field is required.": "Enter <label>" for
  a box to type in, "Select <label>" for a choice, "Choose <label>" for a file. A message the form
  sets itself (error_messages={"required": ...}) is kept;
- GOV.UK messages for a value out of bounds ("<Label> must be 250 characters or fewer", "... must be
  a number") where Django would say "Ensure this value has at most 250 characters";
- a prompt instead of Django's "---------" in a select ("Select <label>"), or radios for a required
  choice with few options;
- the three-field GOV.UK date input for every date (`GovukDateField`), with messages that say which
  part is missing or wrong, and optional past/future limits;
- labels are not marked when required; optional ones read "(optional)" (templates/gds/field.html);
- a character count on a long text with a limit (max_length on a Textarea; templates/gds/field.html).
The error summary that links to each invalid field is drawn by templates/gds/errors.html.
"""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.utils import timezone

from core.text import clean as clean_text

GENERIC_REQUIRED = str(forms.Field.default_error_messages["required"])
# A required choice with at most this many options is shown as radios rather than a select.
RADIOS_UP_TO = 5
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2099, 12, 31)


class CleanTextMixin:
    """Every text a form accepts is stored clean (core.text.clean: NFKC, no format or control
    characters), so that what is stored, what the leak guard checks and what is printed are one
    string. Runs before the form's own clean() and before anything neutralises spreadsheet formulas."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str):
                self.cleaned_data[name] = clean_text(value)


def add_service_errors(form, exc):
    """Put a service's ValidationError next to the fields it names (the rest above the form), so a
    rule enforced in a service reads like any other field error and the typed input is kept."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _lower_label(field, name):
    label = str(field.label if field.label is not None else pretty_name(name))
    # Keep "I …", acronyms and names (two capitals in a row) as written.
    first = label.split(" ", 1)[0]
    if len(first) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return label


DETERMINERS = (
    "the",
    "a",
    "an",
    "your",
    "their",
    "its",
    "his",
    "her",
    "our",
    "this",
    "that",
    "these",
    "those",
    "why",
    "what",
    "how",
    "when",
    "where",
    "who",
    "which",
    "whether",
    "if",
    "any",
    "at",
    "one",
    "i",
)


def _with_article(label):
    """'note' -> 'a note', 'name of the agency' -> 'the name of the agency'; 'your role',
    'why they need it' and names (capitals kept) are left as they are."""
    first = label.split(" ", 1)[0]
    if first.lower() in DETERMINERS or first[:1].isupper() or first[:1].isdigit():
        return label
    if " " in label or (first.endswith("s") and not first.endswith("ss")):
        return f"the {label}"
    return f"{'an' if first[0] in 'aeiou' else 'a'} {label}"


def required_message(field, name):
    """'Enter …', 'Select …' or 'Choose …', from the kind of field and its label: 'Enter the date
    the return is due', 'Select a role', 'Choose a file'. A question as a label gets 'Answer …'."""
    label = _lower_label(field, name).rstrip(" :")
    if label.endswith("?"):
        return f"Answer the question ‘{label[0].upper()}{label[1:]}’"
    phrase = _with_article(label)
    if isinstance(field, forms.FileField):
        return f"Choose {phrase}"
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField)) or isinstance(
        field.widget, (forms.Select, forms.RadioSelect, forms.CheckboxInput)
    ):
        return f"Select {phrase}"
    return f"Enter {phrase}"


# Django's own messages for a value out of bounds, and what GOV.UK says instead. Each is used only
# where the form has not set its own; "%(limit_value)s" is filled in by Django.
LIMIT_MESSAGES = {
    "max_length": "{label} must be %(limit_value)s characters or fewer",
    "min_length": "{label} must be %(limit_value)s characters or more",
    "max_value": "{label} must be %(limit_value)s or less",
    "min_value": "{label} must be %(limit_value)s or more",
}
NUMBER_INVALID = "{label} must be a number"


def limit_messages(field, name):
    """GOV.UK messages for a value too long, too short, too big or not a number ("Who was involved
    must be 250 characters or fewer"), for the limits the field has and no message of its own."""
    label = str(field.label if field.label is not None else pretty_name(name)).rstrip(" :?")
    label = label.replace("%", "%%")
    defaults = {**forms.Field.default_error_messages, **type(field).default_error_messages}
    messages = {}
    for code, text in LIMIT_MESSAGES.items():
        if str(field.error_messages.get(code, "")) in ("", str(defaults.get(code, ""))):
            messages[code] = text.format(label=label)
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)) and str(
        field.error_messages.get("invalid")
    ) == str(defaults.get("invalid")):
        messages["invalid"] = NUMBER_INVALID.format(label=label).replace("%%", "%")
    return messages


# --- Dates: the GOV.UK date input ------------------------------------------------------------------


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes (GOV.UK date input). The day box carries the field's own id, so a
    link to the field (the error summary's) lands on it. A single value posted under the field's
    own name (an ISO or a UK date, as older clients and scripts send) is still read."""

    template_name = "core/widgets/govuk_date.html"
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {
            part: forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                }
            )
            for part, _label, width in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, DateParts):
            return list(value.parts)
        if isinstance(value, str):
            value = _parse_single(value)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if any(f"{name}_{part}" in data for part, _l, _w in self.parts):
            return DateParts([data.get(f"{name}_{part}", "") for part, _l, _w in self.parts])
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part, _l, _w in self.parts)

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error = attrs.pop("data-govuk-error", "")
        attrs.pop("aria-describedby", None)  # the fieldset carries it
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        for (part, label, width), sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub["attrs"]["id"] = base_id if part == "day" else f"{base_id}_{part}"
            sub["attrs"]["class"] = f"govuk-input govuk-date-input__input govuk-input--width-{width}" + (
                " govuk-input--error" if error else ""
            )
            sub["label"] = label
        context["widget"]["base_id"] = base_id
        return context

    def id_for_label(self, id_):
        return id_


class DateParts(str):
    """What the date input posts: the day, month and year as typed (`parts`), and, as a string, the
    date in ISO form when the parts make one (so a plain DateField given this widget still works)."""

    def __new__(cls, parts):
        day, month, year = (str(p or "").strip() for p in parts)
        try:
            text = datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            text = f"{day}/{month}/{year}" if (day or month or year) else ""
        value = super().__new__(cls, text)
        value.parts = (day, month, year)
        return value


def _parse_single(value):
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


class GovukDateField(forms.DateField):
    """A date typed as day, month and year, with the GOV.UK messages: '<Label> must include a month',
    '<Label> must be a real date', 'Enter <label>', and, when asked for, '<Label> must be today or in
    the past' (past=True) or '... today or in the future' (future=True). The sensible range
    (1900-2099) always applies."""

    widget = GovukDateInput

    def __init__(self, *, past=False, future=False, strictly=False, **kwargs):
        kwargs.pop("input_formats", None)
        super().__init__(**kwargs)
        self.past, self.future, self.strictly = past, future, strictly

    def _name(self):
        return str(self.label or "The date")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str) and not isinstance(value, DateParts):
            parsed = _parse_single(value)
            if parsed is None:
                raise ValidationError(f"{self._name()} must be a real date", code="invalid")
            return parsed
        day, month, year = (
            value.parts if isinstance(value, DateParts) else (str(p or "").strip() for p in value)
        )
        if not (day or month or year):
            return None
        named = zip(GovukDateInput.parts, (day, month, year), strict=True)
        missing = [label.lower() for (_p, label, _w), part in named if not part]
        if missing:
            raise ValidationError(f"{self._name()} must include a {' and '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self._name()} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError(f"{self._name()}: the year must include 4 numbers", code="invalid_year")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self._name()} must be a real date", code="invalid") from None

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        super().run_validators(value)
        if value in self.empty_values:
            return
        if not EARLIEST <= value <= LATEST:
            raise ValidationError(
                f"{self._name()} must be between 1 January 1900 and 31 December 2099",
                code="date_out_of_range",
            )
        today = timezone.localdate()
        if self.past and (value > today or (self.strictly and value == today)):
            when = "in the past" if self.strictly else "today or in the past"
            raise ValidationError(f"{self._name()} must be {when}", code="not_past")
        if self.future and (value < today or (self.strictly and value == today)):
            when = "in the future" if self.strictly else "today or in the future"
            raise ValidationError(f"{self._name()} must be {when}", code="not_future")

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        initial = self.to_python(initial) if initial not in self.empty_values else None
        return initial != data


def as_govuk_date_field(field):
    """The same field as a GovukDateField (keeping its label, help, initial, validators, messages)."""
    if isinstance(field, (GovukDateField, forms.DateTimeField)):
        return field
    messages = {
        k: v for k, v in field.error_messages.items() if k == "required" and str(v) != GENERIC_REQUIRED
    }
    new = GovukDateField(
        required=field.required,
        label=field.label,
        help_text=field.help_text,
        initial=field.initial,
        disabled=field.disabled,
        validators=[v for v in field.validators if v not in forms.DateField.default_validators],
        error_messages=messages or None,
    )
    new.past = getattr(field, "past", False)
    new.future = getattr(field, "future", False)
    return new


# --- The mixin -------------------------------------------------------------------------------------


class GovukFormMixin:
    """GOV.UK conventions on every field of the form (see the module docstring). Applied once, when
    the form is first validated or drawn, so that choices and querysets a subclass sets after
    super().__init__() are covered too."""

    radios_up_to = RADIOS_UP_TO
    _govuk_ready = False

    def govuk_prepare(self):
        if self._govuk_ready:
            return
        self._govuk_ready = True
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                field = self.fields[name] = as_govuk_date_field(field)
            self._govuk_choices(name, field)
            if field.required and str(field.error_messages.get("required")) == GENERIC_REQUIRED:
                field.error_messages["required"] = required_message(field, name)
            field.error_messages.update(limit_messages(field, name))
            if (
                isinstance(field, forms.CharField)
                and isinstance(field.widget, forms.Textarea)
                and field.max_length
            ):
                # The character count states the limit and counts down; the browser does not cut text.
                field.widget.attrs.pop("maxlength", None)

    def full_clean(self):
        self.govuk_prepare()
        super().full_clean()

    def __iter__(self):
        self.govuk_prepare()
        return super().__iter__()

    def __getitem__(self, name):
        self.govuk_prepare()
        return super().__getitem__(name)

    def _govuk_choices(self, name, field):
        widget = field.widget
        if type(widget) is not forms.Select:
            return
        prompt = f"Select {_with_article(_lower_label(field, name))}"
        if isinstance(field, forms.ModelChoiceField):
            # Only Django's "---------": a prompt the form chose ("Any agency") is kept.
            if field.empty_label is not None and str(field.empty_label).strip("-") == "":
                field.empty_label = prompt
            return
        if not isinstance(field, forms.ChoiceField):
            return
        choices = list(field.choices)
        real = [c for c in choices if c[0] not in ("", None)]
        blank = [c for c in choices if c[0] in ("", None)]
        if (
            field.required
            and len(real) <= self.radios_up_to
            and all(not isinstance(c[1], (list, tuple)) for c in real)
        ):
            field.choices = real
            field.widget = forms.RadioSelect(choices=real, attrs=widget.attrs)
            return
        if blank and str(blank[0][1]).strip("-") == "":
            field.choices = [("", prompt)] + real


class CrispyFormMixin(CleanTextMixin, GovukFormMixin):
    """Clean text, GOV.UK conventions, and a crispy helper with one button that says what it does."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


# Kept for forms that still name a widget for a date: the three-field input.
DateInput = GovukDateInput


class ServicePageForm(CrispyFormMixin, forms.Form):
    submit_label = "Save the page"

    title = forms.CharField(label="Page title", max_length=120)
    body = forms.CharField(
        label="Page text",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Plain text. Leave a blank line between paragraphs. {partnership} and {service} are "
        "replaced by the partnership's and the service's names.",
    )
