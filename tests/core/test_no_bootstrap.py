"""Bootstrap is gone: the app is drawn with GOV.UK Frontend alone. No vendored Bootstrap file, no page
that loads it, no crispy-forms Bootstrap pack, no dependency on it, and no Bootstrap class left in a
template, a Python-built piece of markup or a script (such a class would now style nothing, leaving
a control unstyled or a layout collapsed without any test noticing)."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", ".venv-lock", ".git", "node_modules", "staticfiles", "tests", "var"}
# The app's own markup. PDFs (WeasyPrint, their own stylesheets) have their own class names.
PDF_TEMPLATES = ("/pdf/", "case_pack_pdf.html")

BOOTSTRAP_CLASS = re.compile(
    r"^(?:"
    r"btn(?:-[a-z-]+)?|alert(?:-[a-z-]+)?|badge|card(?:-[a-z]+)?|navbar(?:-[a-z-]+)?|"
    r"table(?:-(?:sm|striped|bordered|hover|responsive|light|dark|warning|danger|info|success))?|"
    r"form-(?:control|select|check|label|text|range|floating)(?:-[a-z]+)?|input-group(?:-[a-z]+)?|"
    r"col(?:-(?:sm|md|lg|xl|xxl))?(?:-(?:\d+|auto))?|row(?:-cols(?:-[a-z]+)?-\d+)?|row-cols-\d+|container(?:-fluid)?|"
    r"[mp][tbsexy]?-(?:(?:sm|md|lg|xl|xxl)-)?(?:[0-5]|auto)|g[xy]?-[0-5]|gap-[0-5]|"
    r"d-(?:(?:sm|md|lg|xl)-)?(?:none|flex|block|inline|inline-block|grid)|flex-(?:wrap|column|row|grow-1)|"
    r"justify-content-[a-z]+|align-(?:items|self)-[a-z]+|align-(?:top|middle|bottom|baseline)|"
    r"text-(?:muted|center|end|start|nowrap|danger|success|warning|body-secondary|secondary|bg-[a-z]+)|"
    r"fw-[a-z]+|fs-\d|small|h[1-6]|lead|visually-hidden(?:-focusable)?|is-(?:invalid|valid)|invalid-feedback|"
    r"pagination(?:-sm|-lg)?|page-(?:item|link)|breadcrumb(?:-item)?|list-group(?:-[a-z]+)?|"
    r"border(?:-(?:top|bottom|start|end|danger|warning|success|primary))?|rounded(?:-\d)?|shadow(?:-sm)?|"
    r"overflow-(?:auto|hidden)|[wh]-(?:25|50|75|100)|me-auto|ms-auto"
    r")$"
)
CLASS_ATTRIBUTE = re.compile(r"""(?:class(?:Name)?|css_class)\s*=\s*(["'])(.*?)\1""", re.S)
TEMPLATE_TAG = re.compile(r"\{[%{#].*?[%}#]\}", re.S)


def _files(*suffixes):
    for path in ROOT.rglob("*"):
        if (
            path.suffix in suffixes
            and path.is_file()
            and not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
        ):
            yield path


def test_no_bootstrap_file_is_served_or_vendored():
    static = ROOT / "static"
    named = [p for p in static.rglob("*") if "bootstrap" in p.name.lower()]
    assert not named, named
    mentioning = [p for p in static.rglob("*") if p.is_file() and b"bootstrap" in p.read_bytes().lower()]
    assert not mentioning, mentioning


def test_no_template_script_or_code_names_bootstrap():
    mentioning = [
        p.relative_to(ROOT).as_posix()
        for p in _files(".html", ".py", ".js", ".mjs", ".css", ".txt", ".lock")
        if "bootstrap" in p.read_text(errors="ignore").lower()
    ]
    assert not mentioning, mentioning


def test_no_bootstrap_class_is_left_in_markup():
    found = []
    for path in _files(".html", ".py", ".js", ".mjs"):
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix == ".html" and any(part in rel for part in PDF_TEMPLATES):
            continue
        for match in CLASS_ATTRIBUTE.finditer(path.read_text(errors="ignore")):
            for name in TEMPLATE_TAG.sub(" ", match.group(2)).replace('"', " ").replace("+", " ").split():
                if BOOTSTRAP_CLASS.match(name):
                    found.append(f"{rel}: {name}")
    assert not found, found


def test_the_pattern_would_find_bootstrap_classes():
    for name in (
        "btn",
        "btn-outline-primary",
        "alert-danger",
        "table-responsive",
        "form-control",
        "col-md-6",
        "d-flex",
        "mb-3",
        "text-muted",
        "badge",
        "visually-hidden",
        "page-link",
        "is-invalid",
    ):
        assert BOOTSTRAP_CLASS.match(name), name
    for name in ("govuk-button", "govuk-table", "app-table-container", "chron-table", "timeline", "lane-bar"):
        assert not BOOTSTRAP_CLASS.match(name), name


def test_no_bootstrap_forms_pack_and_no_dependency():
    assert not any("bootstrap" in app for app in settings.INSTALLED_APPS)
    assert settings.CRISPY_TEMPLATE_PACK == "gds"
    assert all("bootstrap" not in pack for pack in settings.CRISPY_ALLOWED_TEMPLATE_PACKS)
    for name in ("requirements.txt", "requirements-dev.txt", "requirements.lock", "requirements-dev.lock"):
        assert "bootstrap" not in (ROOT / name).read_text().lower(), name


def test_a_page_loads_only_the_design_system(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "bootstrap" not in html.lower()
    assert "vendor/govuk-frontend/css/govuk-frontend.min.css" in html
