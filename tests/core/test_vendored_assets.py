"""The vendored GOV.UK Frontend is exactly what scripts/vendor_govuk_frontend.py wrote."""

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "static" / "vendor" / "govuk-frontend"
MANIFEST = json.loads((TARGET / "MANIFEST.json").read_text())


def test_every_committed_file_matches_its_checksum_and_nothing_else_is_there():
    on_disk = {p.relative_to(TARGET).as_posix() for p in TARGET.rglob("*") if p.is_file()} - {"MANIFEST.json"}
    assert on_disk == set(MANIFEST["files"])
    for name, digest in MANIFEST["files"].items():
        assert hashlib.sha256((TARGET / name).read_bytes()).hexdigest() == digest, name


def test_the_manifest_records_the_pinned_version_the_script_asks_for():
    script = (ROOT / "scripts" / "vendor_govuk_frontend.py").read_text()
    assert re.search(rf'^VERSION = "{re.escape(MANIFEST["version"])}"$', script, re.M)
    assert MANIFEST["package"] == "govuk-frontend"
    assert MANIFEST["integrity"].startswith("sha512-")


def test_no_gds_transport_font_and_no_crown_assets_are_shipped():
    css = (TARGET / "css" / "govuk-frontend.min.css").read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "url(" not in css  # no crest, no font: nothing for collectstatic to find missing
    assert "font-family:arial,sans-serif" in css
    assert not any(p.suffix in {".woff", ".woff2", ".svg", ".png", ".ico"} for p in TARGET.rglob("*"))
