"""Views fetch objects through their app's accessors (`<entity>_get_for_user` and
`<entity>_get_for_user_to_edit` in selectors.py), which scope to what the user may see, answer 404
for anything else and write the access-log entry in one call. So no view module may call
get_object_or_404 / get_list_or_404 on a model itself, nor write the access log: this test parses
every views module of the project and fails on either."""

import ast
from pathlib import Path

from django.conf import settings

FORBIDDEN_CALLS = {"get_object_or_404", "get_list_or_404", "access_record", "get_for_user"}
FORBIDDEN_MODULES = {"accesslog.services"}
# The Django admin is not a view module of ours (its ModelAdmin classes fetch for the admin site).
NOT_VIEWS = {"accounts/admin.py"}


def _view_modules():
    root = Path(settings.BASE_DIR)
    for path in (
        sorted(root.glob("*/views.py"))
        + sorted(root.glob("*/views_*.py"))
        + sorted(root.glob("*/views/*.py"))
    ):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in {"tests", ".venv", "node_modules"} or rel in NOT_VIEWS:
            continue
        yield rel, path


def _offences(source):
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name in FORBIDDEN_CALLS:
                found.append(f"line {node.lineno}: calls {name}")
        elif isinstance(node, ast.ImportFrom):
            if node.module in FORBIDDEN_MODULES:
                found.append(f"line {node.lineno}: imports {node.module}")
            for alias in node.names:
                if alias.name in FORBIDDEN_CALLS:
                    found.append(f"line {node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in FORBIDDEN_MODULES:
                    found.append(f"line {node.lineno}: imports {alias.name}")
    return found


def test_there_are_view_modules_to_check():
    modules = [rel for rel, _ in _view_modules()]
    assert "cases/views.py" in modules and "reviews/views/review.py" in modules


def test_no_view_fetches_or_logs_by_hand():
    problems = []
    for rel, path in _view_modules():
        problems += [f"{rel} {o}" for o in _offences(path.read_text())]
    assert not problems, "Use the app's accessor (selectors.<entity>_get_for_user...) instead:\n" + "\n".join(
        problems
    )


def test_the_check_catches_each_forbidden_form():
    source = (
        "from django.shortcuts import get_object_or_404\n"
        "from accesslog.services import access_record\n"
        "import accesslog.services\n"
        "def v(request):\n"
        "    shortcuts.get_list_or_404(Model)\n"
    )
    assert len(_offences(source)) == 5
