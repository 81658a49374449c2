from django import forms

from core.forms import GovukFormMixin


class LegalHoldForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the data must be kept",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="For example: a civil claim, an inquiry, a request from the police.",
    )
