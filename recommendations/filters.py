import django_filters
from django import forms
from django.db.models import Count, Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from cases.models import Agency, Audit

from .selectors import tracker_filter_choices_for_user
from .tracker import OPEN_STATES, RagState

SHOW_OPEN, SHOW_ALL = "open", "all"


class PlainSelect(forms.Select):
    """A <select> rendered in Python: the same markup as Django's, without a template per <option>
    (ten years of audits make a long list, and the template-per-option cost was most of the page)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, " selected" if str(option_value) in chosen else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)


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
            field.widget = PlainSelect(attrs={"class": "govuk-select"}, choices=field.choices)

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
                    # No DISTINCT: each filter joins at most one row per recommendation (an owner agency,
                    # the user's own panel membership), and DISTINCT makes PostgreSQL sort five times.
                    **{value: Count("pk", filter=Q(rag=value)) for value in RagState.values}
                )
            )
        return [(RagState(value), totals[value]) for value in RagState.values]
