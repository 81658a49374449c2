import django_filters
from django.db.models import Count, Q

from cases.models import Agency, Audit

from .selectors import tracker_filter_choices_for_user
from .tracker import OPEN_STATES, RagState

SHOW_OPEN, SHOW_ALL = "open", "all"


class TrackerFilter(django_filters.FilterSet):
    """The tracker's filters. `state` is derived (annotated by with_rag_state), so it filters in SQL
    like the others and the page, the chart and the exports stay one query each.

    Open recommendations (on track, due soon, overdue) are shown unless the user asks for all of them
    or for one state: years of assured and closed ones would otherwise bury what needs attention."""

    show = django_filters.ChoiceFilter(
        method="filter_show",
        choices=[(SHOW_OPEN, "Open recommendations"), (SHOW_ALL, "All, with assured and closed")],
        empty_label=None,
        label="Show",
    )
    audit = django_filters.ModelChoiceFilter(queryset=Audit.objects.none(), empty_label="All audits")
    agency = django_filters.ModelChoiceFilter(
        field_name="owners", queryset=Agency.objects.none(), label="Owner agency", empty_label="All agencies"
    )
    state = django_filters.ChoiceFilter(
        field_name="rag", choices=RagState.choices, label="Tracker state", empty_label="All states"
    )

    def __init__(self, data=None, *args, user, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("show") not in (SHOW_OPEN, SHOW_ALL):
            data["show"] = SHOW_OPEN
        super().__init__(data, *args, **kwargs)
        audits, agencies = tracker_filter_choices_for_user(user=user)
        self.filters["audit"].queryset = audits
        self.filters["agency"].queryset = agencies
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter_show(self, queryset, name, value):
        if value == SHOW_ALL or self.form.cleaned_data.get("state"):
            return queryset
        return queryset.filter(rag__in=OPEN_STATES)

    @property
    def valid(self):
        return self.is_valid()

    @property
    def showing_all(self):
        return self.valid and (
            self.form.cleaned_data.get("show") == SHOW_ALL or bool(self.form.cleaned_data["state"])
        )

    @property
    def rows(self):
        """The filtered rows, or none when a filter value is not one the user may choose."""
        if not self.valid:
            return []
        return list(self.qs)

    def shown_states(self):
        """The tracker states the rows are drawn from, under the current filters."""
        if not self.valid:
            return []
        state = self.form.cleaned_data.get("state")
        if state:
            return [state]
        return list(RagState.values) if self.form.cleaned_data["show"] == SHOW_ALL else list(OPEN_STATES)

    def state_counts(self):
        """Recommendations per state under the audit and agency filters (whatever is shown), in one
        aggregate query: the chart and the row count both come from it."""
        totals = dict.fromkeys(RagState.values, 0)
        if self.valid:
            queryset = self.queryset
            for name in ("audit", "agency"):
                queryset = self.filters[name].filter(queryset, self.form.cleaned_data.get(name))
            totals.update(
                queryset.order_by().aggregate(
                    **{value: Count("pk", distinct=True, filter=Q(rag=value)) for value in RagState.values}
                )
            )
        return [(RagState(value), totals[value]) for value in RagState.values]
