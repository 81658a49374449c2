"""Confirmation pages in place of the browser's confirm() dialog, and the panel shown afterwards.

An action that matters (submitting a return, publishing the report, removing a panel member, a
register term, a learning point...) answers GET with a page that says what will happen and POST by
doing it. The same view serves both, behind the same decorators and the same scoped lookup, so the
page is permission-checked exactly like the action: whoever may not do it cannot see the page either.

After the action the view calls `announce()`; the next full page shows a GOV.UK confirmation panel
with what happens next (the context processor below hands it to base.html once, then forgets it).
"""

from dataclasses import dataclass

from django.shortcuts import render

SESSION_KEY = "confirmation_panel"


@dataclass(frozen=True)
class Row:
    """One row of a summary list: a key, its value, and optionally a link to change it."""

    key: str
    value: str
    change_url: str = ""
    change_label: str = ""


@dataclass(frozen=True)
class Section:
    """A titled summary list (check your answers groups rows by the section they come from)."""

    title: str
    rows: tuple
    change_url: str = ""


def confirmation_page(
    request,
    *,
    title,
    button,
    cancel_url,
    caption="",
    summary=(),
    sections=(),
    paragraphs=(),
    warning="",
    problems=(),
    destructive=True,
    hidden=None,
    cancel_label="Cancel",
    status=200,
):
    """Render the page that asks the user to confirm an action; its form POSTs back to this URL.

    `summary` is a sequence of Row (what the action is about), `sections` of Section (check your
    answers), `paragraphs` what will happen, `warning` what cannot be undone. `problems`, when given,
    say why the action cannot be done now: the page then shows them and no button.
    """
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "caption": caption,
            "button": button,
            "cancel_url": cancel_url,
            "cancel_label": cancel_label,
            "summary": list(summary),
            "sections": list(sections),
            "paragraphs": list(paragraphs),
            "warning": warning,
            "problems": list(problems),
            "destructive": destructive,
            "hidden": sorted((hidden or {}).items()),
        },
        status=status,
    )


def announce(request, *, title, next_steps=(), body=""):
    """Show a confirmation panel (title, optional body) and 'What happens next' on the next full page."""
    request.session[SESSION_KEY] = {
        "title": str(title),
        "body": str(body),
        "next_steps": [str(step) for step in next_steps],
    }


def confirmation_panel(request):
    """Context processor: `confirmation_panel` is a callable the base template calls once, which
    takes the panel out of the session (so a partial rendered meanwhile never swallows it)."""

    def take():
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return None
        return session.pop(SESSION_KEY)

    return {"confirmation_panel": take}
