"""Every page the app serves is well-formed HTML: each element closed where it was opened, no stray
closing tag, no id used twice. A stray `</div>` silently moves what follows out of the page's
width container (a button drawn against the window's edge); a duplicated id sends an error
summary's link, or a label, to the wrong field. Checked on every page of the authorisation matrix,
for every persona allowed to open it, from what the server sends (no browser needed)."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

from tests.authz.test_matrix import RULES, URLS, matrix_url
from tests.helpers import login

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag HTML lets the author leave out: closed implicitly by their parent's end.
OPTIONAL_END = {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot"}
# Inside these the parser must not look for tags (their text is not HTML).
RAW_TEXT = {"script", "style", "textarea", "title"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids = [], [], {}

    def _where(self):
        line, _ = self.getpos()
        return f"line {line}"

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                if value in self.ids:
                    self.problems.append(f"id {value!r} used twice ({self.ids[value]} and {self._where()})")
                else:
                    self.ids[value] = self._where()
        if tag not in VOID:
            self.stack.append((tag, self._where()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not any(open_tag == tag for open_tag, _ in self.stack):
            self.problems.append(f"stray </{tag}> at {self._where()}")
            return
        while self.stack:
            open_tag, where = self.stack.pop()
            if open_tag == tag:
                return
            if open_tag not in OPTIONAL_END:
                self.problems.append(f"<{open_tag}> of {where} closed by </{tag}> at {self._where()}")

    def result(self):
        unclosed = [
            f"<{tag}> of {where} never closed" for tag, where in self.stack if tag not in OPTIONAL_END
        ]
        return self.problems + unclosed


def html_problems(text):
    checker = Checker()
    checker.feed(text)
    checker.close()
    return checker.result()


def test_the_checker_finds_what_it_should():
    assert html_problems("<main><div><p>Fine<ul><li>one<li>two</ul></div></main>") == []
    assert html_problems("<main><div></div></div></main>") == ["stray </div> at line 1"]
    assert html_problems('<div><span id="a"></span><input id="a"></div>') == [
        "id 'a' used twice (line 1 and line 1)"
    ]
    assert html_problems("<main><div><section></div></main>") == [
        "<section> of line 1 closed by </div> at line 1"
    ]
    assert html_problems("<main><div>") == ["<main> of line 1 never closed", "<div> of line 1 never closed"]


def test_every_page_is_well_formed(full_cast, client):
    """One walk over every URL of the matrix that answers GET, as each persona allowed on it; answers
    that are not an HTML page (downloads, redirects) are passed over, and the walk must have checked
    at least as many pages as the app has now, so it cannot pass by checking none."""
    failures, pages = [], 0
    for url_name in sorted(URLS):
        rule = RULES[url_name]
        if not rule.get:
            continue
        url = matrix_url(url_name, full_cast)
        for persona in sorted(rule.get - {"anon"}):
            client.logout()
            login(client, getattr(full_cast, persona))
            response = client.get(url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            failures += [f"{url} as {persona}: {p}" for p in html_problems(response.content.decode())]
    assert not failures, "\n".join(failures)
    assert pages >= 240, f"only {pages} pages checked"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.add(href)


def _internal_links(page_url, html):
    """The page's links to this app's pages: same site, not a fragment of the page, not a file."""
    parser = _Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or parts.path == urlsplit(page_url).path and not parts.query:
            continue  # another site, a mail link, or a place on this page
        if parts.path.startswith(("/static/", "/media/")):
            continue
        links.add(urlunsplit(("", "", parts.path, parts.query, "")))
    return links


def test_no_page_offers_a_link_its_reader_may_not_follow(full_cast, client):
    """Every link a page shows to a persona opens for that persona: no button to a page their role
    is refused (403), no link to something that is not there (404), nothing that fails (500). A link
    shown to the wrong role is the first thing a new user clicks and an attacker reads."""
    failures, followed = [], 0
    for persona in sorted(set().union(*(r.get or set() for r in RULES.values())) - {"anon"}):
        client.logout()
        login(client, getattr(full_cast, persona))
        links = {}
        for url_name in sorted(URLS):
            rule = RULES[url_name]
            if not rule.get or persona not in rule.get:
                continue
            url = matrix_url(url_name, full_cast)
            response = client.get(url)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                for link in _internal_links(url, response.content.decode()):
                    links.setdefault(link, url)
        for link, source in sorted(links.items()):
            if link.startswith("/accounts/logout"):
                continue
            followed += 1
            status = client.get(link).status_code
            if status not in (200, 302):
                failures.append(f"{persona}: {source} links to {link}, which answers {status}")
    assert not failures, "\n".join(failures)
    assert followed >= 300, f"only {followed} links followed"
