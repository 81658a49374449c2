"""Dead-code check (part of `make lint`): vulture over the project's apps, Django-aware.

Vulture reads Python only, so three kinds of use it cannot see are added here, not silenced one by one:
- names Django calls by convention (Meta options, admin and form options, `handle`, `ready`, …):
  DJANGO_NAMES;
- functions registered by a decorator (template tags, signal receivers, Celery tasks, admin):
  REGISTERING_DECORATORS;
- names a template reads ({{ case.pseudonym }}, {% if r.is_overdue %}): every identifier inside a
  template tag or variable of every *.html / *.txt template counts as used;
- names given as dotted paths in strings (settings' MIDDLEWARE, AUTHENTICATION_BACKENDS, an admin
  site, a Celery task name): each part of every "package.module.Name" string counts as used.
Only definitions are reported (functions, classes, methods, properties, imports) and what vulture is
sure of: a class-level variable may be a model field or a form option read through the ORM by keyword.
What is left after that and is really used (a name only a library calls) goes in
scripts/deadcode_whitelist.txt, each with the reason. Code the benchmark or the tests call counts as used. Exit status 1 when anything is reported.

    .venv/bin/python scripts/deadcode.py
"""

import keyword
import pathlib
import re
import sys

import vulture

ROOT = pathlib.Path(__file__).resolve().parents[1]
WHITELIST = ROOT / "scripts" / "deadcode_whitelist.txt"
# Read for uses only (what they define is not reported): the benchmark and the tests call the apps.
USERS_ONLY = ("bench", "tests")
NOT_APPS = {"tests", "bench", "scripts", "static", "templates", "docs", "deploy", "staticfiles", "var"}
MIN_CONFIDENCE = 60

DJANGO_NAMES = [
    # Model, form and admin options Django reads by name.
    "Meta",
    "ordering",
    "constraints",
    "indexes",
    "verbose_name",
    "verbose_name_plural",
    "abstract",
    "default_related_name",
    "get_latest_by",
    "permissions",
    "unique_together",
    "db_table",
    "model",
    "fields",
    "exclude",
    "widgets",
    "labels",
    "help_texts",
    "error_messages",
    "formfield_callback",
    "field_classes",
    "template_name",
    "success_url",
    "form_class",
    "list_display",
    "list_filter",
    "list_select_related",
    "search_fields",
    "readonly_fields",
    "raw_id_fields",
    "autocomplete_fields",
    "inlines",
    "date_hierarchy",
    "list_per_page",
    "ordering",
    "has_add_permission",
    "has_change_permission",
    "has_delete_permission",
    "has_view_permission",
    "has_module_permission",
    "get_queryset",
    "get_readonly_fields",
    "formfield_overrides",
    "site_header",
    "site_title",
    "index_title",
    "empty_label",
    "strip",
    "input_type",
    "format_key",
    # App configs, management commands, middleware, URL modules, auth backends, migrations.
    "default_auto_field",
    "name",
    "label",
    "ready",
    "Command",
    "help",
    "add_arguments",
    "handle",
    "requires_system_checks",
    "process_view",
    "process_request",
    "process_response",
    "process_exception",
    "urlpatterns",
    "app_name",
    "handler400",
    "handler403",
    "handler404",
    "handler500",
    "authenticate",
    "get_user",
    "user_can_authenticate",
    # Model and form hooks Django calls.
    "clean",
    "clean_*",
    "save",
    "delete",
    "get_absolute_url",
    "natural_key",
    "get_by_natural_key",
    "__str__",
    "from_db_value",
    "to_python",
    "get_prep_value",
    "deconstruct",
    "get_context",
    "get_context_data",
    "value_from_datadict",
    "format_value",
    "decompress",
    "id_for_label",
    "filter_*",
    "qs",
    "base_fields",
    "declared_fields",
    "use_required_attribute",
    # WSGI and Celery entry points, settings read by name.
    "application",
    "app",
    "beat_schedule",
    "*_SETTINGS",
    # App configs (found by Django from INSTALLED_APPS), and hooks of Django's own classes.
    "*Config",
    "validate_unique",
    "label_from_instance",
    "create_superuser",
    "get_full_name",
    "get_short_name",
]

REGISTERING_DECORATORS = [
    "@register.*",
    "@admin.register",
    "@admin.action",
    "@admin.display",
    "@receiver",
    "@shared_task",
    "@app.task",
    "@*.task",
    "@method_decorator",
    "@pytest.fixture",
]

REPORTED_KINDS = {"function", "class", "method", "property", "import"}

_DOTTED = re.compile(r"""["']([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)["']""")
_TEMPLATE_CODE = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.S)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def template_names():
    """Every identifier used inside a template's tags and variables, anywhere in the project."""
    names = set()
    for pattern in ("*.html", "*.txt"):
        for path in ROOT.rglob(pattern):
            if any(part.startswith(".") or part in {"node_modules", "staticfiles"} for part in path.parts):
                continue
            if "templates" not in path.parts:
                continue
            for match in _TEMPLATE_CODE.finditer(path.read_text(encoding="utf-8", errors="replace")):
                names.update(_IDENTIFIER.findall(match.group(1) or match.group(2)))
    return names


def dotted_string_names(paths):
    """Each part of every dotted path written as a string in the apps ("accounts.backends.EmailBackend")."""
    names = set()
    for top in paths:
        for path in pathlib.Path(top).rglob("*.py"):
            for match in _DOTTED.finditer(path.read_text(encoding="utf-8")):
                names.update(match.group(1).split("."))
    return names


def app_paths():
    return [
        str(path)
        for path in sorted(ROOT.iterdir())
        if path.is_dir()
        and not path.is_symlink()
        and not path.name.startswith(".")
        and path.name not in NOT_APPS
        and any(path.glob("*.py"))
    ]


def whitelisted_names():
    lines = WHITELIST.read_text(encoding="utf-8").splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def unused():
    paths = app_paths()
    users = [str(ROOT / name) for name in USERS_ONLY if (ROOT / name).is_dir()]
    scanner = vulture.Vulture(ignore_names=DJANGO_NAMES, ignore_decorators=REGISTERING_DECORATORS)
    scanner.scavenge([*paths, *users], exclude=["*/migrations/*"])
    used = template_names() | dotted_string_names(paths) | whitelisted_names()
    used -= set(keyword.kwlist) | set(keyword.softkwlist)
    scanner.scan("\n".join(sorted(used)), filename="<templates, dotted paths, whitelist>")
    reported = tuple(str(pathlib.Path(path)) + "/" for path in paths)
    return [
        item
        for item in scanner.get_unused_code(min_confidence=MIN_CONFIDENCE)
        if str(item.filename).startswith(reported) and (item.typ in REPORTED_KINDS or item.confidence >= 100)
    ]


def main():
    items = unused()
    for item in items:
        print(item.get_report())
    if items:
        print(
            f"\n{len(items)} unused name(s): remove them, or add one to {WHITELIST.relative_to(ROOT)} with why."
        )
    return 1 if items else 0


if __name__ == "__main__":
    sys.exit(main())
