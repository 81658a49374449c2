"""The completion matrix's cell: one return's status, lateness and due date. The matrix shows each
return twice (the table on wider screens, a case's card on a phone), so the cell is built once per
return and kept on it; an audit of many cases and agencies draws its matrix at the cost of one."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html

from core import badges

register = template.Library()


def _days(n):
    return f"{n} day" if n == 1 else f"{n} days"


def _due_line(r):
    due = date_filter(r.due_date, "j F Y")
    if r.cell_status not in ("accepted", "submitted"):
        return f"Due {due}"
    if r.days_late:
        return f"Submitted {_days(r.days_late)} late (due {due})"
    if r.submitted_at:
        return "Submitted on time"
    return ""


@register.simple_tag
def return_matrix_cell(r, case):
    """{% return_matrix_cell r case %}: the cell's HTML (r carries cell_status from the selector)."""
    cached = getattr(r, "_matrix_cell_html", None)
    if cached is not None:
        return cached
    html = format_html(
        '<a href="{}" class="govuk-link govuk-link--no-underline">{}'
        '<span class="govuk-visually-hidden"> ({}, {})</span></a>',
        reverse("cases:return_detail", kwargs={"return_pk": r.pk}),
        badges.tag_html(*badges.status_tag("return", r.cell_status)),
        r.agency.name,
        case.pseudonym,
    )
    if r.is_overdue:
        html += format_html(
            '<span class="app-matrix__line"><span class="govuk-tag govuk-tag--red">Overdue by {}</span></span>',
            _days(r.days_overdue),
        )
    html += format_html('<span class="app-matrix__line govuk-!-font-size-16">{}</span>', _due_line(r))
    r._matrix_cell_html = html
    return html
