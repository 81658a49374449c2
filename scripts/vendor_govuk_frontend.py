#!/usr/bin/env python3
"""Vendor GOV.UK Frontend into static/vendor/govuk-frontend/ from the npm registry.

Run it to change the pinned version (edit VERSION), then commit what it writes:

    python scripts/vendor_govuk_frontend.py

It needs node and npm, only here (the app never runs them). Steps:
1. `npm pack govuk-frontend@VERSION` (npm checks the tarball against the registry's integrity hash;
   the hash is recorded in the manifest);
2. compiles the package's own Sass with the toolkit's settings for a service that is not on GOV.UK:
   `$govuk-font-family: arial, sans-serif` and `$govuk-include-default-font-face: false`, so no GDS
   Transport font is declared or downloaded (Sass `SASS_VERSION`, installed in a temporary folder);
3. copies the compiled CSS and the package's built JavaScript (an ES module), and writes
   MANIFEST.json: the version, licence, the tarball's integrity, the settings and every file's SHA-256.
No crown, crest, favicon or font file is copied. tests/test_vendored_assets.py checks the committed
files against the manifest.
"""

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "govuk-frontend"
VERSION = "6.0.0"
SASS_VERSION = "1.89.2"
SASS_SETTINGS = {
    "govuk-font-family": "arial, sans-serif",
    "govuk-include-default-font-face": "false",
    "govuk-assets-path": '"../assets/"',
    # Wider than GOV.UK's 960px: the Business Manager's menu and the audit's tables fit at 1280px.
    "govuk-page-width": "1200px",
    # The only image the CSS names is the crown crest in the footer: none here (defined below).
    "govuk-image-url-function": '"app-no-image"',
}
SASS_PRELUDE = "@function app-no-image($filename) {\n  @return none;\n}\n"
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "static" / "vendor" / PACKAGE
MANIFEST = TARGET / "MANIFEST.json"


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args, cwd):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout  # noqa: S603 (fixed argv)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        packed = json.loads(run("npm", "pack", "--json", f"{PACKAGE}@{VERSION}", cwd=tmp))[0]
        with tarfile.open(tmp / packed["filename"]) as tar:
            tar.extractall(tmp, filter="data")
        dist = tmp / "package" / "dist" / "govuk"

        run("npm", "install", "--silent", "--no-audit", "--no-fund", f"sass@{SASS_VERSION}", cwd=tmp)
        settings = "".join(f"${name}: {value};\n" for name, value in SASS_SETTINGS.items())
        (tmp / "entry.scss").write_text(SASS_PRELUDE + settings + '@import "package/dist/govuk/index";\n')
        run(
            str(tmp / "node_modules" / ".bin" / "sass"),
            "--style=compressed",
            "--no-source-map",
            "--quiet-deps",
            "--silence-deprecation=import,global-builtin,mixed-decls",
            "entry.scss",
            "govuk-frontend.min.css",
            cwd=tmp,
        )
        css = (tmp / "govuk-frontend.min.css").read_text()
        if "GDS Transport" in css or "url(" in css:
            sys.exit("The compiled CSS still names GDS Transport or an asset: the settings did not apply.")

        if TARGET.exists():
            shutil.rmtree(TARGET)
        (TARGET / "css").mkdir(parents=True)
        (TARGET / "js").mkdir()
        shutil.copy(tmp / "govuk-frontend.min.css", TARGET / "css" / "govuk-frontend.min.css")
        shutil.copy(dist / "govuk-frontend.min.js", TARGET / "js" / "govuk-frontend.min.js")
        package_json = json.loads((tmp / "package" / "package.json").read_text())

        files = sorted(p for p in TARGET.rglob("*") if p.is_file() and p != MANIFEST)
        manifest = {
            "package": PACKAGE,
            "version": VERSION,
            "tarball": packed["filename"],
            "integrity": packed["integrity"],
            "license": package_json["license"],
            "sass": SASS_VERSION,
            "sass_settings": SASS_SETTINGS,
            "files": {p.relative_to(TARGET).as_posix(): sha256(p) for p in files},
        }
        MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{PACKAGE} {VERSION} vendored into {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
