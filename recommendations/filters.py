import django_filters

from cases.models import Agency, Audit

from .selectors import tracker_filter_choices_for_user
from .tracker import RagState


class TrackerFilter(django_filters.FilterSet):
    """The tracker's filters. `state` is derived (annotated by with_rag_state), so it filters in SQL
    like the others and the page, the chart and the exports stay one query each."""

    audit = django_filters.ModelChoiceFilter(queryset=Audit.objects.none(), empty_label="All audits")
    agency = django_filters.ModelChoiceFilter(
        field_name="owners", queryset=Agency.objects.none(), label="Owner agency", empty_label="All agencies"
    )
    state = django_filters.ChoiceFilter(
        field_name="rag", choices=RagState.choices, label="Tracker state", empty_label="All states"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        audits, agencies = tracker_filter_choices_for_user(user=user)
        self.filters["audit"].queryset = audits
        self.filters["agency"].queryset = agencies
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def rows(self):
        """The filtered rows, or none when a filter value is not one the user may choose."""
        if self.is_bound and not self.is_valid():
            return []
        return list(self.qs)
