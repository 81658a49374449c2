from django import forms

from cases.models import Case

from .models import Theme
from .selectors import KINDS


class ThemeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(
        label="Description (optional)",
        max_length=300,
        required=False,
        help_text="One line: what the theme covers.",
    )


class ThemeMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Merge into", queryset=Theme.objects.none(), empty_label="Choose a theme"
    )

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Theme.objects.filter(is_active=True).exclude(pk=source.pk)


class LibraryForm(forms.Form):
    """The library's search box and filters (a GET form: the URL of a search can be shared)."""

    q = forms.CharField(label="Search words", max_length=200, required=False)
    theme = forms.ModelChoiceField(
        label="Theme", queryset=Theme.objects.all(), required=False, empty_label="Any theme"
    )
    year = forms.TypedChoiceField(label="Year", coerce=int, required=False, empty_value=None)
    agency = forms.ModelChoiceField(label="Agency", queryset=None, required=False, empty_label="Any agency")
    method = forms.ChoiceField(label="Audit method", required=False)
    kind = forms.ChoiceField(label="Kind of record", required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(merged_into__isnull=True).order_by("name")
        self.fields["year"].choices = [("", "Any year")] + [(y, str(y)) for y in choices["years"]]
        self.fields["agency"].queryset = choices["agencies"]
        self.fields["method"].choices = [("", "Any method")] + list(Case.Method.choices)
        self.fields["kind"].choices = [("", "Everything")] + list(KINDS.items())


class SimilarForm(forms.Form):
    text = forms.CharField(
        label="Recommendation text", max_length=5000, required=False, widget=forms.Textarea
    )
    audit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    exclude = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
