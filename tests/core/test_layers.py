"""The layer contract (.importlinter) holds, and it names every app: an app left out of it would be
free to import anything. `make lint` runs the same check."""

import configparser
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _contract():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def test_every_app_is_in_the_contract():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    config = _contract()
    roots = set(config["importlinter"]["root_packages"].split())
    layered = {
        name.strip().split(".")[0]
        for line in config["importlinter:contract:layers"]["layers"].split("\n")
        for name in line.split("|")
        if name.strip()
    }
    assert apps <= roots, f"apps missing from root_packages: {sorted(apps - roots)}"
    assert apps <= layered, f"apps in no layer: {sorted(apps - layered)}"


def test_no_import_climbs_a_layer():
    lint_imports = shutil.which("lint-imports", path=str(pathlib.Path(sys.executable).parent))
    if lint_imports is None:
        pytest.skip("import-linter is not installed (requirements-dev.txt)")
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:]
