from django import forms
from django.db.models import Q

from core.dates import BoundedDateField
from core.forms import CleanTextMixin, GovukFormMixin

from .models import Theme


class ThemeForm(CleanTextMixin, GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, widget=forms.TextInput(attrs={"class": "govuk-input--width-20"})
    )
    description = forms.CharField(
        label="Description",
        max_length=300,
        required=False,
        help_text="One line: what the theme covers.",
    )


class ThemeMergeForm(CleanTextMixin, GovukFormMixin, forms.Form):
    target = forms.ModelChoiceField(
        label="Merge into", queryset=Theme.objects.none(), empty_label="Choose a theme"
    )

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Theme.objects.filter(is_active=True).exclude(pk=source.pk)


class LibraryForm(forms.Form):
    """The library's search box and filters (a GET form: the URL of a search can be shared). The theme
    and agency filters give their pk; their options come from `library_filter_choices` (one query)."""

    q = forms.CharField(label="Search words", max_length=200, required=False)
    theme = forms.TypedChoiceField(label="Theme", coerce=int, required=False, empty_value=None)
    year = forms.TypedChoiceField(label="Year", coerce=int, required=False, empty_value=None)
    agency = forms.TypedChoiceField(label="Agency", coerce=int, required=False, empty_value=None)
    method = forms.ChoiceField(label="Audit method", required=False)
    kind = forms.ChoiceField(label="Kind of record", required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Any theme")] + list(choices["themes"])
        self.fields["year"].choices = [("", "Any year")] + [(y, str(y)) for y in choices["years"]]
        self.fields["agency"].choices = [("", "Any agency")] + list(choices["agencies"])
        self.fields["method"].choices = [("", "Any method")] + list(choices["methods"])
        self.fields["kind"].choices = [("", "Everything")] + list(choices["kinds"])


class SimilarForm(CleanTextMixin, GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation text", max_length=5000, required=False, widget=forms.Textarea
    )
    audit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    exclude = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ProgrammeEntryForm(CleanTextMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        from .models import ProgrammeEntry

        model = ProgrammeEntry
        fields = ["year", "title", "theme", "reason", "reason_detail", "quarter", "lead", "status"]

    def __init__(self, *args, **kwargs):
        from accounts.models import Role

        super().__init__(*args, **kwargs)
        current = self.instance.theme_id if self.instance.pk else None
        self.fields["theme"].queryset = Theme.objects.filter(Q(is_active=True) | Q(pk=current)).order_by(
            "name"
        )
        self.fields["lead"].queryset = self.fields["lead"].queryset.filter(
            role__in=[Role.BUSINESS_MANAGER, Role.PANEL_MEMBER], is_active=True
        )
        self.fields["lead"].required = False
        self.fields["year"].widget.attrs["class"] = "govuk-input--width-4"
        self.fields["year"].min_value = 2000
        self.fields["year"].max_value = 2100

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Give a year between 2000 and 2100.")
        return year


class SamplingForm(CleanTextMixin, GovukFormMixin, forms.Form):
    cohort = forms.CharField(label="Cohort the case was drawn from", max_length=250)
    threshold = forms.ChoiceField(label="Threshold level")

    def __init__(self, *args, **kwargs):
        from .models import CaseSampling

        super().__init__(*args, **kwargs)
        self.fields["threshold"].choices = CaseSampling.Threshold.choices


class ReAuditForm(CleanTextMixin, GovukFormMixin, forms.Form):
    earlier = forms.ModelChoiceField(
        label="Earlier audit", queryset=None, empty_label="Choose the earlier audit"
    )
    recommendations = forms.ModelMultipleChoiceField(
        label="Recommendations it re-tests",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, audit, **kwargs):
        from cases.models import Audit
        from recommendations.models import Recommendation

        super().__init__(*args, **kwargs)
        self.fields["earlier"].queryset = (
            Audit.objects.exclude(pk=audit.pk)
            .filter(period_end__lte=audit.period_end)
            .order_by("-period_end")
        )
        self.fields["recommendations"].queryset = Recommendation.objects.filter(
            audit__in=self.fields["earlier"].queryset
        ).select_related("audit")
        self.fields["recommendations"].label_from_instance = lambda r: f"{r.audit.title} ({r.letter})"


class FollowUpForm(CleanTextMixin, GovukFormMixin, forms.Form):
    reaudit_by = BoundedDateField(label="Re-audit by", required=False, help_text="For example, 31/3/2028")
    audit = forms.ModelChoiceField(
        label="Follow-up audit", queryset=None, required=False, empty_label="None yet"
    )

    def __init__(self, *args, recommendation, **kwargs):
        from cases.models import Audit

        super().__init__(*args, **kwargs)
        self.fields["audit"].queryset = Audit.objects.exclude(pk=recommendation.audit_id).order_by(
            "-period_end"
        )

    def clean_reaudit_by(self):
        import datetime

        value = self.cleaned_data["reaudit_by"]
        if value and not datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31):
            raise forms.ValidationError("Give a date between 2000 and 2100.")
        return value


class BriefingForm(CleanTextMixin, GovukFormMixin, forms.Form):
    why_it_matters = forms.CharField(
        label="Why it matters",
        widget=forms.Textarea,
        max_length=2000,
        required=False,
        help_text="Leave empty to use the audit's purpose.",
    )
    questions = forms.CharField(
        label="Questions to ask yourself",
        widget=forms.Textarea,
        max_length=2000,
        required=False,
        help_text="One question per line.",
    )
    find_out_more = forms.CharField(
        label="Find out more", widget=forms.Textarea, max_length=1000, required=False
    )


class PeriodForm(CleanTextMixin, GovukFormMixin, forms.Form):
    start = BoundedDateField(label="From", help_text="For example, 1/4/2026")
    end = BoundedDateField(label="To", help_text="For example, 31/3/2027")

    def clean(self):
        import datetime

        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name in ("start", "end"):
            value = data.get(name)
            if value and not datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31):
                self.add_error(name, "Give a date between 2000 and 2100.")
        if start and end and (end < start or (end - start).days > 400):
            self.add_error("end", "The period ends after it starts and lasts at most a year.")
        return data
