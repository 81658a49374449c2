from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from core.dates import bounded_formfield, validate_sensible_date
from core.forms import CleanTextMixin, CrispyFormMixin, GovukDateField, GovukFormMixin

from .limits import CHRONOLOGY_MAX_ROWS, CHRONOLOGY_OVER_LIMIT_MARGIN
from .models import Agency, AgencyReturn, Audit, Case, ChronologyEntry, IdentifyingTerm, PanelMembership
from .services import REQUIRED_TO_SUBMIT, send_back_default_due_date

MAX_CHRONOLOGY_ROWS = CHRONOLOGY_MAX_ROWS


class AuditForm(CrispyFormMixin, forms.ModelForm):
    @property
    def submit_label(self):
        return "Save changes to the audit" if self.instance.pk else "Create the audit"

    class Meta:
        model = Audit
        fields = ["title", "theme", "purpose", "period_start", "period_end", "status"]
        formfield_callback = bounded_formfield
        widgets = {"purpose": forms.Textarea(attrs={"rows": 5})}

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
    @property
    def submit_label(self):
        return "Save changes to the case" if self.instance.pk else "Add the case"

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

    share = forms.ChoiceField(
        label="Share with contributing agencies",
        choices=[
            ("", "As usual for its kind (shared: child's name, date of birth, address)"),
            ("yes", "Share"),
            ("no", "Do not share"),
        ],
        required=False,
        help_text="Shared entries are shown to the contributors of agencies asked for a return on this "
        "case, on the return page only, so they can find their records.",
    )

    class Meta:
        model = IdentifyingTerm
        fields = ["kind", "value"]
        labels = {"value": "Term"}

    def clean_share(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("share"))

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


class ReturnRequestForm(GovukFormMixin, forms.Form):
    """Which agencies to ask for a return on a case, and by when."""

    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Agencies to ask",
        error_messages={"required": "Select at least one agency to ask"},
    )
    due_date = GovukDateField(
        label="Date the return is due",
        future=True,
        help_text="For example, 27 3 2027. Reminders follow this date.",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        already = set(case.returns.values_list("agency_id", flat=True))
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True).exclude(pk__in=already)
        if not self.is_bound:
            self.initial["agencies"] = [a.pk for a in case.agencies.all() if a.pk not in already]
        self.already_requested = already


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


class ReturnForm(GovukFormMixin, forms.ModelForm):
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
        # A draft may leave them blank, but the return cannot be submitted without them: not "(optional)".
        for name in REQUIRED_TO_SUBMIT[self.instance.template]:
            if name in self.fields:
                self.fields[name].required_on_submit = True
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def text_fields(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ChronologyEntryForm(CleanTextMixin, GovukFormMixin, forms.Form):
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


ROWS_PREFIX = "entries"
ROW_TEXT_FIELDS = (
    "date",
    "date_precision",
    "time",
    "what_happened",
    "who_involved",
    "source",
    "significance",
)


@dataclass
class RowProblem:
    """One problem in one row of the chronology editor, for the summary at the top of the page."""

    row: int  # 1-based, as the page numbers rows
    field: str
    label: str
    message: str

    @property
    def anchor(self):
        return f"{ROWS_PREFIX}-{self.row - 1}-{self.field}"


class ChronologyRows:
    """The chronology as posted by the edit page: every row as typed (for showing it again, whatever
    happens) and, once validated, the clean rows for the service.

    Rows are read up to the row limit plus a margin, so a chronology that passes the limit comes back
    as typed with the limit explained; each row is checked with ChronologyEntryForm, the same rules
    as the import."""

    def __init__(self, data=None, *, initial=None):
        self.is_bound = data is not None
        self.rows = self._read(data) if self.is_bound else list(initial or [])
        self.problems = []
        self.too_many = False
        self._cleaned = None

    @staticmethod
    def _read(data):
        try:
            total = int(data.get(f"{ROWS_PREFIX}-TOTAL_FORMS", 0))
        except (TypeError, ValueError):
            total = 0
        total = max(0, min(total, CHRONOLOGY_MAX_ROWS + CHRONOLOGY_OVER_LIMIT_MARGIN))
        rows = []
        for i in range(total):
            row = {name: data.get(f"{ROWS_PREFIX}-{i}-{name}", "") for name in ROW_TEXT_FIELDS}
            row["id"] = data.get(f"{ROWS_PREFIX}-{i}-id", "")
            row["is_key_event"] = bool(data.get(f"{ROWS_PREFIX}-{i}-is_key_event"))
            rows.append(row)
        return rows

    @staticmethod
    def _is_blank(row):
        return not any(
            str(row.get(name) or "").strip() for name in ROW_TEXT_FIELDS if name != "date_precision"
        )

    def is_valid(self):
        if self._cleaned is not None:
            return not self.problems and not self.too_many
        self._cleaned = []
        # A row left completely empty (added and not filled in) is dropped, not an error.
        self.rows = [r for r in self.rows if r.get("id") or not self._is_blank(r)]
        if len(self.rows) > CHRONOLOGY_MAX_ROWS:
            self.too_many = True
        labels = {name: str(f.label) for name, f in ChronologyEntryForm.base_fields.items()}
        # One form, re-bound to each row: building a form deep-copies its fields, which for 2,000
        # rows cost more than the checking itself.
        form = ChronologyEntryForm(data={})
        for number, row in enumerate(self.rows, start=1):
            form.data = {**row, "is_key_event": "on" if row["is_key_event"] else ""}
            form._errors = None
            if form.is_valid():
                self._cleaned.append({**form.cleaned_data, "id": row.get("id") or None})
                row["errors"] = {}
            else:
                row["errors"] = {}
                for name, messages in form.errors.items():
                    # A problem with the row as a whole is shown at its first cell.
                    field = name if name in labels else "date"
                    row["errors"].setdefault(field, []).extend(messages)
                    for message in messages:
                        self.problems.append(RowProblem(number, field, labels.get(name, "Row"), message))
        return not self.problems and not self.too_many

    def entries(self):
        """The clean rows, in the order shown, each with the id of the entry it edits (or None)."""
        return self._cleaned

    @property
    def count(self):
        return len(self.rows)


class SendBackForm(GovukFormMixin, forms.Form):
    comment = forms.CharField(
        label="What must change",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the agency needs to change."},
    )
    due_date = GovukDateField(
        label="New date the return is due",
        required=False,
        future=True,
        help_text="The agency's reminders follow this date. Left blank: 10 working days from today.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["due_date"] = send_back_default_due_date()

    def clean_due_date(self):

        return self.cleaned_data["due_date"] or send_back_default_due_date()


class ChronologyImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Chronology file (.csv or .xlsx)",
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
    )
    mode = forms.ChoiceField(
        label="What to do with the rows already in the return",
        choices=[
            ("append", "Keep them and add the file's rows after them"),
            ("replace", "Replace them with the file's rows"),
        ],
        initial="append",
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_mode(self):
        return self.cleaned_data.get("mode") or "append"


class TimelineFilterForm(forms.Form):
    agency = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
        required=False,
        label="Agencies",
    )
    key_events = forms.BooleanField(
        label="Key events only",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
