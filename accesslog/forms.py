from django import forms

from accounts.models import User
from cases.models import Case
from pscb_audit.dates import BoundedDateField


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.audit.title} — {obj.pseudonym}"


class AccessLogSearchForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.order_by("full_name"), required=False, empty_label="Anyone"
    )
    case = CaseChoiceField(
        queryset=Case.objects.select_related("audit").order_by("audit__title", "number"),
        required=False,
        empty_label="Any case",
    )
    date_from = BoundedDateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return cleaned
