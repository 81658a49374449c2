"""Every form of the app, found from the resolver, sent back with invalid data, answers the GOV.UK way.

The pages come from the authorisation matrix (tests/authz): every URL, as every persona allowed to
open it. Each `<form method="post">` on a page that has a field a person fills in (not a
confirmation page whose only control is its button) is sent as that persona, with the page's CSRF
token and hidden fields, first with every field left empty, then, where the form has them, with text
over its limit and an impossible date. The answer must:

- show the form again (200/400/422), not redirect as if something had been saved. A form with no
  required field may accept an empty answer: that is read from the form itself, not assumed;
- carry exactly one GOV.UK error summary, each link of it pointing at an element of the page;
- link every field the page marks in error, and list every error the form has, its non-field
  errors included;
- never say "This field is required.";
- keep what was typed.

The test reports every offending form at once and fails if fewer forms than expected were tried, so a
broken discovery cannot make it pass by testing nothing.
"""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django import forms
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from tests.authz import test_matrix as matrix
from tests.authz.test_matrix import RULES, URLS
from tests.conftest import PERSONAS
from tests.helpers import login

GENERIC_REQUIRED = "This field is required."
# Django's other catch-all messages, which say nothing of the field: none may be left either.
GENERIC_MESSAGES = (
    GENERIC_REQUIRED,
    "Ensure this value has at most",
    "Ensure this value has at least",
    "Ensure this value is less than",
    "Ensure this value is greater than",
    "Enter a whole number.",
    "Enter a valid date.",
)
# Fewer distinct forms than this means discovery broke (65 found on 2 December 2026).
MINIMUM_FORMS_TRIED = 60

# Forms drawn by templates another piece of work is converting off Bootstrap (return editor,
# chronology, merged timeline): each entry says why it fails today. The test fails when one of them
# starts passing, so the entry is removed as soon as the conversion lands. Keyed by the URL name the
# form posts to and its button.
KNOWN_FAILURES = {
    # None now: the return editor, chronology and merged timeline were converted off Bootstrap and
    # pass. An entry is "url name[ button=value]": "why it fails".
}

# Buttons that do not check the answers: they change the form itself and draw it again, as typed.
NOT_CHECKING = {
    "cases:return_edit action=add": "adds a chronology row and shows what was typed again; nothing is saved",
    "cases:return_edit action=up": "moves a chronology row up; nothing is saved",
    "cases:return_edit action=down": "moves a chronology row down; nothing is saved",
    "cases:return_edit action=remove": "takes a chronology row out of the page; nothing is saved",
}


def _not_checking(known):
    """The NOT_CHECKING reason for a button, whatever row it is for ("up:3" is "up")."""
    return NOT_CHECKING.get(re.sub(r":\d+$", "", known))


# --- A small HTML tree --------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict
    parent: "Node | None" = None
    children: list = field(default_factory=list)

    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag=None, cls=None):
        return [
            n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
        ]

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def ancestor(self, predicate):
        node = self.parent
        while node is not None:
            if predicate(node):
                return node
            node = node.parent
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- Reading a form -----------------------------------------------------------------------------

NOT_FILLED_IN = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class PageForm:
    action: str
    hidden: list  # (name, value) pairs sent as the page has them
    fields: list  # the controls a person fills in
    buttons: list  # (name, value, formaction) of each submit button

    def names(self):
        return sorted({f.attrs.get("name", "") for f in self.fields})


def _in_template(node):
    return node.ancestor(lambda n: n.tag == "template") is not None


def _fillable(control):
    if "disabled" in control.attrs or not control.attrs.get("name") or _in_template(control):
        return False
    if control.tag == "input":
        return control.attrs.get("type", "text").lower() not in NOT_FILLED_IN
    return control.tag in {"select", "textarea"}


def page_forms(tree, page_url):
    found = []
    for form in tree.find_all("form"):
        if form.attrs.get("method", "get").lower() != "post":
            continue
        # Rows a script copies from a <template> are not sent.
        controls = [
            n
            for n in form.iter()
            if n.tag in {"input", "select", "textarea", "button"} and not _in_template(n)
        ]
        hidden = [
            (c.attrs["name"], c.attrs.get("value", ""))
            for c in controls
            if c.tag == "input" and c.attrs.get("type", "").lower() == "hidden" and c.attrs.get("name")
        ]
        buttons = [
            (c.attrs.get("name", ""), c.attrs.get("value", ""), c.attrs.get("formaction", ""))
            for c in controls
            if (c.tag == "button" and c.attrs.get("type", "submit").lower() == "submit")
            or (c.tag == "input" and c.attrs.get("type", "").lower() in {"submit", "image"})
        ]
        found.append(
            PageForm(
                action=urljoin(page_url, form.attrs.get("action") or page_url),
                hidden=hidden,
                fields=[c for c in controls if _fillable(c)],
                buttons=buttons or [("", "", "")],
            )
        )
    return found


def _limit(control):
    boxes = {"text", "email", "url", "tel", "search"}
    if (
        control.tag == "input"
        and control.attrs.get("type", "text") in boxes
        and control.attrs.get("maxlength", "").isdigit()
    ):
        return int(control.attrs["maxlength"])
    if control.tag == "textarea":
        counted = control.ancestor(lambda n: "data-maxlength" in n.attrs)
        if counted is not None and counted.attrs["data-maxlength"].isdigit():
            return int(counted.attrs["data-maxlength"])
        if control.attrs.get("maxlength", "").isdigit():
            return int(control.attrs["maxlength"])
    return None


def _is_date_part(control):
    return "govuk-date-input__input" in control.classes()


def empty_answers(form):
    """What a browser sends for the form with nothing filled in: text boxes and selects empty,
    nothing ticked, no file."""
    data = {}
    for control in form.fields:
        kind = control.attrs.get("type", "text").lower() if control.tag == "input" else control.tag
        if kind in {"checkbox", "radio", "file"}:
            continue
        if kind == "select":
            # A browser cannot send nothing for a select: it sends its first option, or the one
            # selected, when there is no empty one.
            options = [o for o in control.iter() if o.tag == "option"]
            values = [o.attrs.get("value", o.text()) for o in options]
            if "" not in values and values:
                chosen = [v for o, v in zip(options, values, strict=True) if "selected" in o.attrs]
                data[control.attrs["name"]] = (chosen or values)[0]
                continue
        data[control.attrs["name"]] = ""
    return data


BAD_DATE = {"_day": "31", "_month": "2", "_year": "2030"}  # 31 February: not a real date


def wrong_answers(form):
    """Text one character over each box's limit and 31 February in each date; None when the form
    has neither."""
    data = empty_answers(form)
    typed = {}
    for control in form.fields:
        name = control.attrs["name"]
        limit = _limit(control)
        if limit:
            typed[name] = "Too long " + "x" * limit
        elif _is_date_part(control):
            typed[name] = next((v for suffix, v in BAD_DATE.items() if name.endswith(suffix)), "1")
    if not typed:
        return None, {}
    data.update(typed)
    return data, typed


# --- The forms behind the page ------------------------------------------------------------------


def _context_forms(response):
    seen, found = set(), []
    for context in response.context or []:
        for value in context.dicts if hasattr(context, "dicts") else [context]:
            if not isinstance(value, dict):
                continue
            for item in value.values():
                candidates = [item]
                if isinstance(item, forms.BaseFormSet):
                    candidates = [item, *item.forms]
                for candidate in candidates:
                    if (
                        isinstance(candidate, (forms.BaseForm, forms.BaseFormSet))
                        and id(candidate) not in seen
                    ):
                        seen.add(id(candidate))
                        found.append(candidate)
    return found


def _matching_form(context_forms, names):
    """The Django form among the page's whose fields are the HTML form's (a date's three boxes
    count as its field)."""
    best, best_overlap = None, 0
    for form in context_forms:
        if not isinstance(form, forms.BaseForm):
            continue
        html_names = {bf.html_name for bf in form}
        overlap = sum(1 for n in names if n in html_names or any(n.startswith(h + "_") for h in html_names))
        if overlap > best_overlap:
            best, best_overlap = form, overlap
    return best


def _unanswered_required(form, data):
    """The required fields of `form` left empty in `data` (a select with no empty option always
    sends a choice: its field is answered)."""
    return [
        name
        for name, f in form.fields.items()
        if f.required
        and not f.disabled
        and not any(
            value and (key == form.add_prefix(name) or key.startswith(form.add_prefix(name) + "_"))
            for key, value in data.items()
        )
    ]


# --- Checking an answer -------------------------------------------------------------------------


def _linked_ids(summary):
    return [a.attrs["href"][1:] for a in summary.find_all("a") if a.attrs.get("href", "").startswith("#")]


def _field_ids(group):
    return {
        n.attrs["id"] for n in group.iter() if n.tag in {"input", "select", "textarea"} and n.attrs.get("id")
    }


def _marked_in_error(owner):
    """A field is marked in error by its group or cell (govuk-form-group--error, app-cell--error)
    or by its control (govuk-input--error ...)."""
    around = [owner]
    node = owner.parent
    while node is not None:
        around.append(node)
        node = node.parent
    if any(c.endswith("--error") for n in around for c in n.classes()):
        return True
    return any(c.endswith("--error") for n in owner.iter() for c in n.classes())


def _error_texts(response):
    texts = []
    for form in _context_forms(response):
        if isinstance(form, forms.BaseFormSet):
            texts += [str(e) for e in form.non_form_errors()]
            continue
        for errors in form.errors.values():
            texts += [str(e) for e in errors]
    return texts


def problems_with(response, *, typed=None):
    """What is wrong with the page a form answered invalid data with ([] when it is right)."""
    if response.status_code not in (200, 400, 422):
        return [f"answered {response.status_code}, not the form again"]
    html = response.content.decode()
    tree = parse(html)
    found = []
    found += [f"says {text!r}" for text in GENERIC_MESSAGES if text in html]
    summaries = tree.find_all(cls="govuk-error-summary")
    if len(summaries) != 1:
        found.append(f"{len(summaries)} error summaries, expected 1")
        if not summaries:
            return found
    summary = summaries[0]
    ids = {n.attrs["id"] for n in tree.iter() if n.attrs.get("id")}
    linked = _linked_ids(summary)
    if not linked:
        found.append("the error summary links to nothing")
    for target in linked:
        if target not in ids:
            found.append(f"the error summary links to #{target}, which is not on the page")
    linked = set(linked)
    for group in tree.find_all(cls="govuk-form-group--error"):
        controls = _field_ids(group)
        if controls and not controls & linked:
            found.append(
                f"the field {sorted(controls)[0]} is marked in error but not linked from the summary"
            )
    for message in tree.find_all(cls="govuk-error-message"):
        # The message belongs to the nearest field around it (its form group, or its table cell in
        # the chronology editor), which must be marked in error and linked from the summary.
        owner = message.ancestor(lambda n: bool(_field_ids(n)))
        text = message.text().strip()
        if owner is None or not (_field_ids(owner) & linked):
            found.append(f"an error message whose field is not linked from the summary: {text!r}")
        elif not _marked_in_error(owner):
            found.append(f"an error message whose field is not marked in error: {text!r}")
    listed = {re.sub(r"\s+", " ", a.text()).strip() for a in summary.find_all("a")}
    for text in _error_texts(response):
        # Listed as it is, or with the field's name before it ("Involvement: Enter the description ...").
        wanted = re.sub(r"\s+", " ", text).strip()
        if not any(item == wanted or item.endswith(f": {wanted}") for item in listed):
            found.append(f"the error {text!r} is not in the summary")
    for name, value in (typed or {}).items():
        shown = [
            n.text().removeprefix("\n") if n.tag == "textarea" else n.attrs.get("value", "")
            for n in tree.iter()
            if n.tag in {"input", "textarea"} and n.attrs.get("name") == name
        ]
        if value not in shown:
            found.append(f"what was typed in {name} is not kept")
    return found


# --- The walk -----------------------------------------------------------------------------------


def _personas_for(rule):
    allowed = set(rule.get or ())
    return [p for p in PERSONAS if p in allowed]


def _post_allowed(action, persona):
    try:
        match = resolve(urlsplit(action).path)
    except Resolver404:
        return False
    rule = RULES.get(match.view_name)
    return rule is not None and persona in rule.post_allowed, match.view_name


class _Rollback(Exception):
    pass


def _in_rollback(fn):
    """Run fn in a savepoint that is rolled back, so a form that wrongly accepts an empty answer
    leaves nothing behind for the next page."""
    result = None
    try:
        with transaction.atomic():
            result = fn()
            raise _Rollback
    except _Rollback:
        pass
    return result


def later_in_life(cast):
    """Move the cast's records on to where their later forms show: the reflective practice meeting
    has started, the other audit is closed."""
    from cases.models import Audit

    now = timezone.now()
    type(cast.meeting).objects.filter(pk=cast.meeting.pk).update(
        starts_at=now - datetime.timedelta(hours=2), ends_at=now - datetime.timedelta(hours=1)
    )
    Audit.objects.filter(pk=cast.other_audit.pk).update(status=Audit.Status.CLOSED, closed_at=now)


def test_every_form_answers_invalid_data_with_an_error_summary(full_cast):
    client = Client(enforce_csrf_checks=True)
    tried, accepted_empty, offending, passing_known = {}, {}, {}, []

    def try_forms(page, url, where, persona, depth=0):
        """Send each form of `page` invalid data. A button that only changes the form (adds a row)
        is pressed instead, and the forms of the page it draws are tried in turn (once)."""
        tree = parse(page.content.decode())
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        for form in page_forms(tree, url):
            if not form.fields:
                continue  # a confirmation page or a button: nothing to fill in
            for button_name, button_value, formaction in form.buttons:
                action = urljoin(url, formaction) if formaction else form.action
                action = action.split("#", 1)[0]
                allowed = _post_allowed(action, persona)
                if not allowed or not allowed[0]:
                    continue
                key = (allowed[1], urlsplit(action).query, tuple(form.names()), button_name, button_value)
                if key in tried:
                    continue
                known = f"{allowed[1]} {button_name}={button_value}" if button_name else allowed[1]
                base = {**dict(form.hidden), "csrfmiddlewaretoken": token}
                if button_name:
                    base[button_name] = button_value
                if _not_checking(known):
                    if depth == 0:
                        changed = client.post(action, {**base, **empty_answers(form)})
                        tried[key] = f"{where} as {persona} (pressed: {_not_checking(known)})"
                        if changed.status_code == 200:
                            try_forms(changed, action, f"{where}, then {known}", persona, depth + 1)
                    continue
                tried[key] = f"{where} as {persona}"
                label = f"{known} ({action}) from {where} as {persona}, fields {form.names()}"
                found = _check_form(client, page, form, action, base, label, accepted_empty)
                if found:
                    offending.setdefault(known, []).append((label, found))

    def walk(when):
        for url_name in sorted(URLS):
            rule = RULES[url_name]
            if rule.get is None:
                continue
            url = matrix.matrix_url(url_name, full_cast)
            for persona in _personas_for(rule):

                def visit(url=url, persona=persona, url_name=url_name):
                    client.logout()
                    if persona != "anon":
                        login(client, getattr(full_cast, persona))
                    page = client.get(url)
                    if page.status_code == 200 and "text/html" in page.get("Content-Type", ""):
                        try_forms(page, url, f"{url_name}{when}", persona)

                _in_rollback(visit)

    walk("")
    # Some forms appear only later in a record's life: walk again once the meeting has started
    # (attendance) and the other audit is closed (legal hold); forms already tried are not sent again.
    later_in_life(full_cast)
    walk(" (later)")

    for label in sorted(KNOWN_FAILURES):
        if label not in offending:
            passing_known.append(label)
    unexpected = {label: found for label, found in offending.items() if label not in KNOWN_FAILURES}
    report = "\n".join(
        f"- {label}:\n    " + "\n    ".join(found)
        for _known, cases in sorted(unexpected.items())
        for label, found in cases
    )
    # Shown with -s (or -rP): the forms that rightly took an empty answer, and why.
    for known in sorted(set(offending) & set(KNOWN_FAILURES)):
        print(f"known failure {known}: {offending[known]}")
    print(f"{len(tried)} forms tried; accepted an empty answer, rightly:")
    for label, why in sorted(accepted_empty.items()):
        print(f"  {label}: {why}")
    assert not unexpected, (
        f"{len(unexpected)} of the {len(tried)} forms tried answer invalid data wrongly:\n{report}"
    )
    assert not passing_known, (
        f"Known failures that now pass (remove them from KNOWN_FAILURES): {passing_known}"
    )
    assert len(tried) >= MINIMUM_FORMS_TRIED, f"only {len(tried)} forms tried: {sorted(tried)}"


def _label_text(tree, control_id):
    """The label of a box, or the legend of the fieldset around radios, checkboxes or a date."""
    node = next((n for n in tree.iter() if n.attrs.get("id") == control_id), None)
    if node is None:
        return None
    fieldset = node.ancestor(lambda n: n.tag == "fieldset")
    grouped = node.attrs.get("type") in {"radio", "checkbox"} or "govuk-date-input__input" in node.classes()
    if grouped and fieldset is not None:
        legend = next((n for n in fieldset.iter() if n.tag == "legend"), None)
        if legend is not None:
            return legend.text()
    label = next((n for n in tree.iter() if n.tag == "label" and n.attrs.get("for") == control_id), None)
    return label.text() if label is not None else None


def problems_with_labels(page, tree, form):
    """Optional fields say "(optional)"; no select offers Django's "---------"."""
    found = []
    for select in (c for c in form.fields if c.tag == "select"):
        if any(
            o.tag == "option" and o.text().strip().strip("-") == "" and o.text().strip()
            for o in select.iter()
        ):
            found.append(f'the select {select.attrs["name"]} offers "---------"')
    matched = _matching_form(_context_forms(page), form.names())
    if matched is None:
        return found
    names = set(form.names())
    for bound in matched:
        widget = bound.field.widget
        # A field blank in a draft but required when the whole is submitted (the return's tool
        # questions: `required_on_submit`) is not optional either.
        if (
            bound.field.required
            or getattr(bound.field, "required_on_submit", False)
            or bound.is_hidden
            or isinstance(widget, forms.CheckboxInput)
        ):
            continue
        if not any(n == bound.html_name or n.startswith(bound.html_name + "_") for n in names):
            continue
        anchor = (
            bound.auto_id
            if not isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))
            else f"{bound.auto_id}_0"
        )
        text = _label_text(tree, anchor)
        if text is not None and "(optional)" not in text:
            found.append(f"the optional field {bound.html_name} is not marked (optional): {text.strip()!r}")
    return found


def _check_form(client, page, form, action, base, label, accepted_empty):
    """What is wrong with the answers the form gives to invalid data ([] when all is right)."""
    found = problems_with_labels(page, parse(page.content.decode()), form)

    def send(data):
        return _in_rollback(lambda: client.post(action, {**base, **data}))

    empty = empty_answers(form)
    response = send(empty)
    if response.status_code in (301, 302, 303):
        matched = _matching_form(_context_forms(page), form.names())
        if matched is not None and not _unanswered_required(matched, {**base, **empty}):
            accepted_empty[label] = "no required field left empty: an empty answer is a valid one"
        elif matched is None and all(c.attrs.get("type") == "checkbox" for c in form.fields):
            accepted_empty[label] = "only checkboxes: ticking none is an answer"
        else:
            found.append(f"empty: redirected to {response['Location']} (saved with nothing filled in?)")
    else:
        found += [f"empty: {p}" for p in problems_with(response)]
    data, typed = wrong_answers(form)
    if data is not None:
        response = send(data)
        if response.status_code in (301, 302, 303):
            found.append(f"too long / not a date: redirected to {response['Location']}")
        else:
            found += [f"too long / not a date: {p}" for p in problems_with(response, typed=typed)]
    return found
