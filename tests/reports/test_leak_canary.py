"""Every printed field is checked: a unique canary goes into every user-editable text field of every
row of every model of the apps the report reads (the list is derived from the models, never written
by hand), the canaries are registered, the report is built, and every canary found in the PDF's text
must be reported by the leak guard. A field printed tomorrow without a check fails this test."""

import string
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from core.text import folded
from reports.models import ReportBuild
from reports.services import report_build_run
from tests.factories import IdentifyingTermFactory

from .conftest import flat, pdf_text

# Every app of the project (not Django's or a library's), less those the report cannot read: the
# access log and change history (append-only records about reads and writes) and the e-mail outbox.
NOT_READ_BY_THE_REPORT = {"accesslog", "history", "notifications"}
REPORT_APPS = sorted(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).resolve().is_relative_to(Path(settings.BASE_DIR).resolve())
    and ".venv" not in Path(config.path).parts
    and config.label not in NOT_READ_BY_THE_REPORT
)
SKIPPED_MODELS = {("cases", "identifyingterm")}


def _canary(n):
    letters = ""
    n += 26 * 26  # at least three letters
    while n:
        n, r = divmod(n, 26)
        letters = string.ascii_lowercase[r] + letters
    return f"Qzx{letters}"


def printable_text_fields():
    """(model, field) for every user-editable text field, from the models themselves."""
    for app in REPORT_APPS:
        for model in apps.get_app_config(app).get_models():
            if (model._meta.app_label, model._meta.model_name) in SKIPPED_MODELS:
                continue
            for f in model._meta.concrete_fields:
                if not isinstance(f, models.CharField | models.TextField) or not f.editable or f.choices:
                    continue
                if isinstance(f, models.EmailField | models.URLField | models.SlugField) or f.primary_key:
                    continue
                if f.name in ("password", "username", "sha256", "inputs_sha256", "signature", "key", "token"):
                    continue
                if f.max_length is not None and f.max_length < 10:
                    continue
                yield model, f


def test_every_canary_printed_in_the_pdf_is_reported_by_the_guard(cast, seeded):
    canaries = {}
    n = 0
    for model, f in printable_text_fields():
        for pk in model._base_manager.values_list("pk", flat=True):
            value = _canary(n)
            n += 1
            # A canary among ordinary words, as a person would type it (purpose items are lines).
            model._base_manager.filter(pk=pk).update(**{f.attname: f"Note {value} here"})
            canaries[value] = f"{model._meta.label}.{f.name}#{pk}"
    assert n > 30, "the seeded audit should give many rows to plant canaries in"
    for value in canaries:
        IdentifyingTermFactory(case=seeded.cases[1], kind="other", value=value, created_by=cast.bm)

    build = ReportBuild.objects.create(
        audit=seeded.audit, requested_by=cast.bm, build_date=seeded.cases[1].created_at.date()
    )
    build = report_build_run(build_id=build.pk)
    text = folded(flat(pdf_text(bytes(build.pdf))))
    printed = {value for value in canaries if value.lower() in text}
    reported = {folded(hit.matched) for hit in build.hits.all()}
    # The report prints the audit's texts: many canaries must be there for the test to mean anything.
    assert len(printed) >= 10, sorted(canaries[v] for v in printed)
    missed = sorted(canaries[v] for v in printed if v.lower() not in reported)
    assert not missed, f"printed in the PDF but not reported by the leak guard: {missed}"
    # And where a printed field is one the guard locates, the hit names it, not only the page.
    located = {h.label for h in build.hits.exclude(object_type="pdf_page")}
    assert {"Audit title", "Audit theme", "Learning point i", "Recommendation a"} <= located


def test_a_term_printed_only_in_the_pdf_blocks_located_by_page(cast, seeded, settings, build_of):
    """The Board's name comes from a setting, not a field the guard locates: found in the PDF's own
    text and metadata, it still blocks, located by page."""
    import pytest
    from django.core.exceptions import ValidationError

    from reports import services

    settings.BOARD_NAME = "Quenby Safeguarding Children Partnership"
    # The Business Manager's own framing text, so the default (which names the Board) is not printed.
    services.report_framing_save(
        audit=seeded.audit,
        actor=cast.bm,
        what_we_did="The audit team looked at four cases.",
        how_we_did_this="Agencies sent returns.",
        assurance="No child was left unsafe.",
    )
    build = build_of(seeded.audit, cast.bm)
    where = {(h.section, h.label, h.kind) for h in build.hits.all()}
    assert ("Printed PDF", "Page 1", "register") in where
    assert ("PDF metadata", "Author", "register") in where
    assert build.hits.get(section="Printed PDF", label="Page 1").page == 1
    with pytest.raises(ValidationError, match="leak guard found"):
        services.report_publish(build=build, actor=cast.bm)
