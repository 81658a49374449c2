"""A small HTML tree for tests (standard library only): find elements by tag, class and attribute,
and read forms the way a browser would submit them."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = {k: (v if v is not None else "") for k, v in attrs}
        self.parent = parent
        self.children = []
        self.text_parts = []

    @property
    def classes(self):
        return self.attrs.get("class", "").split()

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag in ((tag,) if isinstance(tag, str) else tag))
            and (cls is None or cls in el.classes)
            and all(el.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self):
        return " ".join(
            " ".join(p.split())
            for p in [*self.text_parts, *(c.text() for c in self.children)]
            if p and p.strip()
        )

    def ancestors(self):
        el = self.parent
        while el is not None:
            yield el
            el = el.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [])
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        el = Element(tag, attrs, self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        el = self.current
        while el is not None and el.tag != tag:
            el = el.parent
        if el is not None and el.parent is not None:
            self.current = el.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


def parse(html):
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


USER_INPUT_TYPES = {
    "text",
    "email",
    "number",
    "date",
    "password",
    "search",
    "tel",
    "url",
    "radio",
    "checkbox",
    "file",
    "time",
}


def user_fields(form):
    """The controls a person fills in (not hidden inputs, not buttons)."""
    fields = []
    for el in form.find_all(("input", "select", "textarea")):
        if el.tag == "input" and el.get("type", "text").lower() not in USER_INPUT_TYPES:
            continue
        if "disabled" in el.attrs or not el.get("name"):
            continue
        fields.append(el)
    return fields


def empty_submission(form):
    """What the browser posts when the person fills nothing in and presses the form's first button:
    hidden inputs as they are, every text box empty, no choice made, no box ticked."""
    data = {}
    for el in form.find_all(("input", "select", "textarea")):
        name = el.get("name")
        if not name or "disabled" in el.attrs:
            continue
        kind = el.get("type", "text").lower() if el.tag == "input" else el.tag
        if kind == "hidden":
            data.setdefault(name, []).append(el.get("value", ""))
        elif kind in ("radio", "checkbox", "submit", "button", "image", "reset", "file"):
            continue
        else:
            data.setdefault(name, []).append("")
    button = next(
        (
            b
            for b in form.find_all(("button", "input"))
            if (b.tag == "button" and b.get("type", "submit") == "submit")
            or (b.tag == "input" and b.get("type") == "submit")
        ),
        None,
    )
    if button is not None and button.get("name"):
        data.setdefault(button.get("name"), []).append(button.get("value", ""))
    return data
