"""The chronology editor's rows, rendered in Python.

A return of 1,000 rows is 10,000 form controls: through the template engine (one variable lookup
and localisation per attribute) that took seconds; built here with the same escaping it takes
milliseconds. One function renders both the rows and the empty row the page's JavaScript copies,
so the two cannot drift apart. Names follow the form's `entries-<index>-<field>` convention,
read back by cases.forms.ChronologyRows.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import ChronologyEntry

_PRECISIONS = [("", "From the date"), *ChronologyEntry.Precision.choices]


def _text(value):
    return escape("" if value is None else str(value))


def _error_block(field_id, messages):
    if not messages:
        return ""
    return (
        f'<p class="govuk-error-message" id="{field_id}-error"><span class="govuk-visually-hidden">Error:</span> '
        f"{_text(' '.join(str(m) for m in messages))}</p>"
    )


def _control_attrs(field_id, label, n, errors):
    described = f' aria-describedby="{field_id}-error"' if errors else ""
    return f'name="{field_id}" id="{field_id}" aria-label="{_text(label)}, row {n}"{described}'


def _cell(errors):
    return '<td class="govuk-table__cell app-cell--error">' if errors else '<td class="govuk-table__cell">'


def _input(prefix, i, n, name, label, value, errors, *, width=None, maxlength=None):
    field_id = f"{prefix}-{i}-{name}"
    extra = f' maxlength="{maxlength}"' if maxlength else ""
    css = (
        "govuk-input"
        + (f" govuk-input--width-{width}" if width else "")
        + (" govuk-input--error" if errors else "")
    )
    return (
        f'{_cell(errors)}{_error_block(field_id, errors)}<input class="{css}" type="text"{extra} '
        f'{_control_attrs(field_id, label, n, errors)} value="{_text(value)}"></td>'
    )


def _textarea(prefix, i, n, name, label, value, errors):
    field_id = f"{prefix}-{i}-{name}"
    invalid = " govuk-textarea--error" if errors else ""
    return (
        f'{_cell(errors)}{_error_block(field_id, errors)}<textarea class="govuk-textarea chron-text{invalid}" rows="1" '
        f"{_control_attrs(field_id, label, n, errors)}>{_text(value)}</textarea></td>"
    )


def _select(prefix, i, n, value, errors):
    field_id = f"{prefix}-{i}-date_precision"
    options = "".join(
        f'<option value="{v}"{" selected" if (value or "") == v else ""}>{_text(label)}</option>'
        for v, label in _PRECISIONS
    )
    invalid = " govuk-select--error" if errors else ""
    return (
        f'{_cell(errors)}{_error_block(field_id, errors)}<select class="govuk-select{invalid}" '
        f"{_control_attrs(field_id, 'Date precision', n, errors)}>{options}</select></td>"
    )


def _button(i, n, action, symbol, words, style):
    return (
        f'<button class="govuk-button govuk-button--{style} app-button--icon" type="submit" name="action" '
        f'value="{action}:{i}" data-chron-action="{action}" formnovalidate title="{words}">'
        f'<span aria-hidden="true">{symbol}</span><span class="govuk-visually-hidden">{words} row {n}</span></button>'
    )


def render_row(row, *, i, n, prefix, imported=False):
    row = row or {}
    errors = row.get("errors") or {}
    entry_id = row.get("id")
    classes = "chron-row" + (" chron-imported" if imported else "") + (" chron-invalid" if errors else "")
    key = " checked" if row.get("is_key_event") else ""
    return "".join(
        [
            f'<tr id="row-{n}" class="{classes}" data-chron-row>',
            f'<th scope="row" class="govuk-table__header chron-number"><span data-chron-number>{n}</span>',
            '<span class="govuk-visually-hidden"> (imported)</span>' if imported else "",
            f'<input type="hidden" name="{prefix}-{i}-id" value="{_text(entry_id)}"></th>',
            _input(prefix, i, n, "date", "Date", row.get("date"), errors.get("date"), width=10),
            _select(prefix, i, n, row.get("date_precision"), errors.get("date_precision")),
            _input(prefix, i, n, "time", "Time", row.get("time"), errors.get("time"), width=4),
            _textarea(
                prefix,
                i,
                n,
                "what_happened",
                "What happened",
                row.get("what_happened"),
                errors.get("what_happened"),
            ),
            _input(
                prefix,
                i,
                n,
                "who_involved",
                "Who was involved (by role)",
                row.get("who_involved"),
                errors.get("who_involved"),
                maxlength=250,
            ),
            _input(
                prefix,
                i,
                n,
                "source",
                "Source document",
                row.get("source"),
                errors.get("source"),
                maxlength=250,
            ),
            _textarea(
                prefix,
                i,
                n,
                "significance",
                "Significance",
                row.get("significance"),
                errors.get("significance"),
            ),
            '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small">'
            f'<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" type="checkbox" '
            f'name="{prefix}-{i}-is_key_event" id="{prefix}-{i}-is_key_event" aria-label="Key event, row {n}"{key}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="{prefix}-{i}-is_key_event">'
            '<span class="govuk-visually-hidden">Key event</span></label></div></div></td>',
            '<td class="govuk-table__cell app-nowrap">',
            _button(i, n, "up", "↑", "Move up", "secondary"),
            " ",
            _button(i, n, "down", "↓", "Move down", "secondary"),
            " ",
            _button(i, n, "remove", "✕", "Remove", "warning"),
            "</td></tr>\n",
        ]
    )


def render_rows(rows, *, prefix, imported_ids=()):
    imported_ids = {str(pk) for pk in imported_ids}
    # Safe: every value a user typed or stored passes through escape() in render_row; the rest is
    # markup written here, the prefix constant and row numbers.
    return mark_safe(  # noqa: S308
        "".join(
            render_row(row, i=i, n=i + 1, prefix=prefix, imported=str(row.get("id") or "") in imported_ids)
            for i, row in enumerate(rows)
        )
    )


def render_empty_row(*, prefix):
    """The row the page's JavaScript copies when 'Add row' is pressed."""
    return mark_safe(render_row({}, i="__prefix__", n="", prefix=prefix))  # noqa: S308 (no user data)
