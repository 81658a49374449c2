from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, User
from pscb_audit.dates import BoundedDateField, bounded_formfield, validate_sensible_date

from .models import Agency, AgencyReturn, Audit, Case, ChronologyEntry, IdentifyingTerm, PanelMembership

MAX_CHRONOLOGY_ROWS = 500


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CrispyFormMixin:
    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class AuditForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Audit
        fields = ["title", "theme", "purpose", "period_start", "period_end", "status"]
        formfield_callback = bounded_formfield
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after the day it starts.")
        return cleaned


class PanelMembershipForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Add to panel"

    class Meta:
        model = PanelMembership
        fields = ["user", "panel_role", "is_chair"]
        labels = {"user": "Panel member", "is_chair": "Chairs the panel"}

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit = audit
        self.fields["user"].queryset = User.objects.filter(role=Role.PANEL_MEMBER, is_active=True).exclude(
            panel_memberships__audit=audit
        )

    def validate_unique(self):
        # The audit is not a form field; the service and the constraint guard it.
        pass


class CaseForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Case
        fields = ["selection_basis", "child_status", "method", "agencies", "summary"]
        widgets = {"agencies": forms.CheckboxSelectMultiple, "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "method": "Paper audit where the process has concluded; a reflective practice meeting "
            "where the child is looked after or on a child protection plan."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True)


class IdentifyingTermForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Add to register"

    class Meta:
        model = IdentifyingTerm
        fields = ["kind", "value"]
        labels = {"value": "Term"}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_value(self):
        value = self.cleaned_data["value"].strip()
        if len(value) < 2:
            raise forms.ValidationError("Enter at least two characters.")
        if self.case.identifying_terms.filter(
            value__iexact=value, kind=self.cleaned_data.get("kind")
        ).exists():
            raise forms.ValidationError("This term is already in the register.")
        return value


# --- Agency returns ---------------------------------------------------------------------------


class ReturnRequestForm(forms.Form):
    """Which agencies to ask for a return on a case, and by when."""

    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Agencies to ask",
        error_messages={"required": "Choose at least one agency."},
    )
    due_date = BoundedDateField(label="Due date", widget=DateInput())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        already = set(case.returns.values_list("agency_id", flat=True))
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True).exclude(pk__in=already)
        if not self.is_bound:
            self.initial["agencies"] = [a.pk for a in case.agencies.all() if a.pk not in already]
        self.already_requested = already

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.")
        return due


# The return's own text fields, per template (the chronology is shared by both).
RETURN_TEMPLATE_FIELDS = {
    AgencyReturn.Template.KEY_EVENTS_ANALYSIS: ["involvement", "engagement_evaluation"],
    AgencyReturn.Template.KEY_EVENTS_CHRONOLOGY: [
        "involvement",
        "policy_analysis",
        "practice_analysis",
        "lessons_learnt",
    ],
}


class ReturnForm(forms.ModelForm):
    """The return's text, with the version the editor started from (optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = AgencyReturn
        fields = [
            "involvement",
            "engagement_evaluation",
            "policy_analysis",
            "practice_analysis",
            "lessons_learnt",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in [
                "involvement",
                "engagement_evaluation",
                "policy_analysis",
                "practice_analysis",
                "lessons_learnt",
            ]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = RETURN_TEMPLATE_FIELDS[self.instance.template]
        for name in list(self.fields):
            if name != "version" and name not in keep:
                del self.fields[name]
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def text_fields(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ChronologyEntryForm(forms.Form):
    """One chronology row, online or imported. The date is typed the UK way; a month alone
    ("March 2026") sets the precision to month."""

    date = forms.CharField(
        label="Date",
        max_length=40,
        help_text="dd/mm/yyyy, or a month such as March 2026",
        error_messages={"required": "Enter a date."},
    )
    date_precision = forms.ChoiceField(
        label="Date precision",
        choices=[("", "Work out from the date"), *ChronologyEntry.Precision.choices],
        required=False,
    )
    time = forms.TimeField(
        label="Time",
        required=False,
        input_formats=["%H:%M", "%H:%M:%S", "%H.%M", "%I:%M%p", "%I:%M %p", "%I%p"],
        widget=forms.TimeInput(format="%H:%M"),
        help_text="24-hour, e.g. 14:30",
        error_messages={"invalid": "Enter a time such as 14:30."},
    )
    what_happened = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe what happened."},
    )
    who_involved = forms.CharField(label="Who was involved (by role)", max_length=250, required=False)
    source = forms.CharField(label="Source document", max_length=250, required=False)
    significance = forms.CharField(
        label="Significance", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    is_key_event = forms.BooleanField(label="Key event", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)

    def clean(self):
        from .chronology import parse_uk_date

        cleaned = super().clean()
        text = cleaned.get("date")
        if text:
            try:
                value, precision = parse_uk_date(text)
                validate_sensible_date(value)
            except ValueError as exc:
                self.add_error("date", str(exc))
            except ValidationError as exc:
                self.add_error("date", exc)
            else:
                cleaned["date"] = value
                cleaned["date_precision"] = cleaned.get("date_precision") or precision
        return cleaned


class BaseChronologyFormSet(forms.BaseFormSet):
    def entries(self):
        """The filled rows, in the order shown."""
        return [f.cleaned_data for f in self.forms if f.cleaned_data and f.has_changed()]


ChronologyFormSet = forms.formset_factory(
    ChronologyEntryForm,
    formset=BaseChronologyFormSet,
    extra=0,
    max_num=MAX_CHRONOLOGY_ROWS,
    absolute_max=MAX_CHRONOLOGY_ROWS,
    validate_max=True,
)


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the agency needs to change."},
    )


class ChronologyImportForm(forms.Form):
    file = forms.FileField(
        label="Chronology file (.csv or .xlsx)",
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
    )


class TimelineFilterForm(forms.Form):
    agency = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        label="Agencies",
    )
    key_events = forms.BooleanField(
        label="Key events only",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
