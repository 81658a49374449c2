"""core.links.absolute_url: the one way e-mails build links (no more SITE_URL + path by hand)."""

import pathlib

import pytest
from django.template import engines

from core.links import absolute_url, site_host

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("site", ["https://audit.example.org", "https://audit.example.org/"])
def test_names_and_paths_become_absolute(settings, site):
    settings.SITE_URL = site
    assert absolute_url("cases:return_detail", return_pk=4) == "https://audit.example.org/returns/4/"
    assert absolute_url("role_grants").startswith("https://audit.example.org/")
    assert absolute_url("/returns/4/") == "https://audit.example.org/returns/4/"
    assert site_host() == "audit.example.org"


def test_a_path_takes_no_arguments():
    with pytest.raises(TypeError):
        absolute_url("/returns/4/", return_pk=4)


def test_the_template_tag(settings):
    settings.SITE_URL = "https://audit.example.org/"
    template = engines["django"].from_string("{% absolute_url 'cases:return_detail' return_pk=9 %}")
    assert template.render({}) == "https://audit.example.org/returns/9/"


def test_no_module_builds_a_link_from_site_url_itself():
    allowed = {pathlib.Path("core/links.py"), pathlib.Path("pscb_audit/settings.py")}
    offenders = []
    for top in ROOT.iterdir():
        if not top.is_dir() or top.is_symlink() or top.name.startswith(".") or top.name in {"tests", "bench"}:
            continue
        for path in top.rglob("*.py"):
            relative = path.relative_to(ROOT)
            if relative not in allowed and "SITE_URL" in path.read_text(encoding="utf-8"):
                offenders.append(str(relative))
    assert offenders == []
