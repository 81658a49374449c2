from crispy_forms.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms

from cases.writing import RegisterGuardMixin
from core.forms import CleanTextMixin, GovukFormMixin

from .models import AuditReport


class ReportFramingForm(RegisterGuardMixin, CleanTextMixin, forms.ModelForm):
    """The Business Manager's framing text. Each field starts from the default drawn from the
    audit's records; clearing a field brings the default back."""

    class Meta:
        model = AuditReport
        fields = ["what_we_did", "how_we_did_this", "assurance"]
        widgets = {name: forms.Textarea(attrs={"rows": 7}) for name in fields}
        help_texts = {
            "what_we_did": "Opens 'What we did'; the audit's purpose bullets follow it.",
            "how_we_did_this": "Opens 'How we did this'; case selection, the methods with their case counts, "
            "the panel by role and the contributing agencies follow it, from the records.",
            "assurance": "Opens 'What we found'. Blank paragraphs separate paragraphs.",
        }

    guarded_fields = ("what_we_did", "how_we_did_this", "assurance")

    def __init__(self, *args, defaults, **kwargs):
        super().__init__(*args, **kwargs)
        for name, default in defaults.items():
            if not getattr(self.instance, name, ""):
                self.initial[name] = default
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save framing text"))


class LeakHitOverrideForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why this is not an identifying detail",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=2000,
        help_text="Kept on record with your name and the time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("submit", "Override as a false positive", css_class="govuk-button--warning")
        )
