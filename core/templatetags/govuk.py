"""Template tags for GOV.UK Frontend markup: form fields (templates/gds/field.html) and navigation."""

from django import forms, template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django_filters import FilterSet

from core.forms import GovukDateInput

register = template.Library()

WIDGET_CLASSES = (
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.ClearableFileInput, "govuk-file-upload"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.widgets.Input, "govuk-input"),
)
SELECT_MULTIPLE = (forms.CheckboxSelectMultiple, forms.RadioSelect)


def _max_characters(field):
    form_field = field.field
    if isinstance(form_field, forms.CharField) and isinstance(form_field.widget, forms.Textarea):
        return form_field.max_length
    return None


@register.simple_tag
def govuk_field_info(field):
    """How to draw a bound field: its kind, whether it says '(optional)', its character limit and
    the ids that describe it (hint, errors)."""
    widget = field.field.widget
    info = {"kind": "input", "choice_kind": None, "is_date": False, "max_characters": _max_characters(field)}
    if isinstance(widget, GovukDateInput):
        info.update(kind="fieldset", is_date=True)
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        info.update(kind="fieldset", choice_kind="checkboxes")
    elif isinstance(widget, forms.RadioSelect):
        info.update(kind="fieldset", choice_kind="radios")
    elif isinstance(widget, forms.CheckboxInput):
        info["kind"] = "checkbox"
    # A field left blank in a draft but required when the whole is submitted is not "optional".
    info["optional"] = (
        not field.field.required
        and not getattr(field.field, "required_on_submit", False)
        and info["kind"] != "checkbox"
    )
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_hint")
    ids += [f"{field.auto_id}_{n}_error" for n in range(1, len(field.errors) + 1)]
    if info["max_characters"]:
        ids.append(f"{field.auto_id}-info")
    info["describedby"] = " ".join(ids)
    return info


@register.simple_tag
def govuk_widget(field, info):
    """The field's widget with the GOV.UK classes, its error state and aria-describedby."""
    widget = field.field.widget
    attrs = {}
    if isinstance(widget, GovukDateInput):
        attrs["data-govuk-error"] = "1" if field.errors else ""
        return field.as_widget(attrs=attrs)
    css = next((cls for kind, cls in WIDGET_CLASSES if isinstance(widget, kind)), "")
    if field.errors and css in {"govuk-input", "govuk-textarea", "govuk-select", "govuk-file-upload"}:
        css += f" {css}--error"
    if info.get("max_characters"):
        css += " govuk-js-character-count"
    existing = widget.attrs.get("class", "")
    attrs["class"] = " ".join(c for c in [css, *existing.split()] if c and not c.startswith(("form-", "btn")))
    if info.get("describedby"):
        attrs["aria-describedby"] = info["describedby"]
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("includes/nav_link.html", takes_context=True)
def nav_link(context, url_name, label, *also):
    """A service navigation item, marked as the current page when the path is its URL or under it
    (or under any URL named in `also`). In the 'Manage the service' page's list the same items are
    drawn as a list of links."""
    request = context.get("request")
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        url = url_name
    path = request.path if request else ""
    prefixes = [url]
    for name in also:
        try:
            prefixes.append(reverse(name))
        except NoReverseMatch:
            prefixes.append(name)
    current = any(path == p or (p != "/" and path.startswith(p)) for p in prefixes)
    return {
        "url": url,
        "label": label,
        "current": current,
        "exact": path == url,
        "as_list": context.get("nav_as_list"),
    }


@register.filter
def govuk_anchor(field):
    """The id the error summary links to for a field: its box, the first box of a date, the first
    option of radios or checkboxes (Django gives such a field no id of its own)."""
    if isinstance(field.field.widget, SELECT_MULTIPLE):
        options = field.subwidgets
        return options[0].id_for_label if options else field.auto_id
    return field.id_for_label or field.auto_id


ERROR_SUMMARY_LIMIT = 200


@register.simple_tag
def govuk_error_summary(form, items=None, title=None):
    """The form's error summary, once per page: base.html draws it at the top of the main content
    for the page's `form`; a form drawn later by crispy (templates/gds/errors.html) draws its own
    only if it has not been drawn already.

    A page whose problems are not all the form's (the chronology editor's rows) passes them as
    `items`, a list of {"text", "anchor"} (the anchor is the id of the input at fault), which then
    replace the form's own list; at most ERROR_SUMMARY_LIMIT are linked, the rest counted. `title`
    replaces "There is a problem"."""
    if items is None:
        if (
            not isinstance(form, forms.BaseForm)
            or not form.errors
            or getattr(form, "govuk_summary_shown", False)
        ):
            return ""
    elif not items:
        return ""
    if isinstance(form, forms.BaseForm):
        form.govuk_summary_shown = True
    context = {
        "forms": [form] if isinstance(form, forms.BaseForm) else [],
        "title": title or "There is a problem",
    }
    if items is not None:
        context.update(items=items[:ERROR_SUMMARY_LIMIT], more=max(0, len(items) - ERROR_SUMMARY_LIMIT))
    return render_to_string("gds/error_summary.html", context)


def _bound_forms(context):
    """Every form in the template's context that has errors, `form` first (a filter set's too)."""
    found = []
    flat = context.flatten()
    for value in [flat.get("form"), *flat.values()]:
        if isinstance(value, FilterSet):  # a list's filters (django-filter): their form
            value = value.form
        if isinstance(value, forms.BaseForm) and value.is_bound and value.errors and value not in found:
            found.append(value)
    return found


@register.simple_tag(takes_context=True)
def govuk_error_prefix(context):
    """'Error: ' before the page title when a form of the page has errors (GOV.UK's pattern)."""
    return "Error: " if _bound_forms(context) else ""


@register.simple_tag(takes_context=True)
def govuk_page_error_summary(context):
    """The page's error summary (base.html, top of the main content): the errors of every form of
    the page that has them, whatever name the view gave it (`form`, `note_form`, ...). A page with
    several forms gets one summary; a form it lists draws none of its own later."""
    shown = [f for f in _bound_forms(context) if not getattr(f, "govuk_summary_shown", False)]
    if not shown:
        return ""
    for form in shown:
        form.govuk_summary_shown = True
    return render_to_string("gds/error_summary.html", {"forms": shown})


@register.simple_tag
def govuk_error_summary_handled(form):
    """For a page that draws its own error summary: base.html and crispy then draw none for `form`."""
    if isinstance(form, forms.BaseForm):
        form.govuk_summary_shown = True
    return ""
