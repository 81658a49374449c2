from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from accounts.models import Role, User

from .models import Agency, Audit, Case, IdentifyingTerm, PanelMembership


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
