"""Importing chronology rows from CSV and XLSX: all rows valid or nothing saved; bad files refused."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import AgencyReturn, ChronologyEntry
from tests.factories import ChronologyEntryFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

HEADER = [
    "Date",
    "Date precision",
    "Time",
    "What happened",
    "Who was involved (by role)",
    "Source document",
    "Significance",
    "Key event",
]
GOOD_ROWS = [
    [
        "03/02/2026",
        "",
        "09:30",
        "Referral received from school.",
        "Designated safeguarding lead",
        "Referral form",
        "First disclosure",
        "yes",
    ],
    ["March 2026", "", "", "Home visit; child seen alone.", "Social worker; child", "Case note", "", "no"],
    ["c. 14/04/2026", "", "", "Strategy discussion.", "Police officer; social worker", "Minutes", "", "Y"],
]
BAD_ROWS = [
    GOOD_ROWS[0],
    ["31/02/2026", "", "", "A row with an impossible date.", "", "", "", "no"],  # row 3: bad date
    ["04/02/2026", "", "", "", "Health visitor", "", "", "no"],  # row 4: missing text
]


def _csv(rows, header=HEADER):
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows, header=HEADER, native_dates=False):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        row = list(row)
        if native_dates and "/" in row[0] and not row[0].startswith("c."):
            row[0] = datetime.datetime.strptime(row[0], "%d/%m/%Y")
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _post(client, cast, name, content, content_type="text/csv", mode="append"):
    """Choose the file: the page checks it and shows its rows (nothing is saved yet)."""
    url = reverse("cases:return_import", kwargs={"return_pk": cast.agency_return.pk})
    return client.post(
        url, {"file": SimpleUploadedFile(name, content, content_type=content_type), "mode": mode}
    )


def _import(client, cast, name, content, mode="append", confirm=True):
    """Choose the file, read the preview, then confirm the import, as a person does."""
    preview = _post(client, cast, name, content, mode=mode)
    if preview.status_code != 200:
        return preview
    url = reverse("cases:return_import", kwargs={"return_pk": cast.agency_return.pk})
    data = {"step": "commit", "token": preview.context["preview"]["token"]}
    if confirm:
        data["confirm_replace"] = "on"
    return client.post(url, data)


@pytest.fixture
def contributor_client(cast, client):
    return login(client, cast.contributor)


@pytest.mark.parametrize(("name", "make"), [("chronology.csv", _csv), ("chronology.xlsx", _xlsx)])
def test_a_file_with_bad_rows_imports_nothing_and_reports_row_and_column(
    cast, contributor_client, name, make
):
    ChronologyEntryFactory(agency_return=cast.agency_return, what_happened="Already there")
    response = _post(contributor_client, cast, name, make(BAD_ROWS))
    assert response.status_code == 400
    errors = response.context["row_errors"]
    assert (3, "Date") in [(n, c) for n, c, _ in errors]
    assert (4, "What happened") in [(n, c) for n, c, _ in errors]
    assert len(errors) == 2
    page = response.content.decode()
    assert "Nothing was imported" in page and "Describe what happened." in page and "is not a date" in page
    assert list(
        ChronologyEntry.objects.filter(agency_return=cast.agency_return).values_list(
            "what_happened", flat=True
        )
    ) == ["Already there"]
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == "requested" and r.version == 1


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("chronology.csv", _csv),
        ("chronology.xlsx", _xlsx),
        ("dates.xlsx", lambda rows: _xlsx(rows, native_dates=True)),
    ],
)
def test_a_valid_file_imports_every_row(cast, contributor_client, name, make):
    ChronologyEntryFactory(agency_return=cast.agency_return, position=0, what_happened="Already there")
    response = _import(contributor_client, cast, name, make(GOOD_ROWS))
    assert response.status_code == 302
    entries = list(ChronologyEntry.objects.filter(agency_return=cast.agency_return).order_by("position"))
    assert [e.what_happened for e in entries] == ["Already there", *[row[3] for row in GOOD_ROWS]]
    first, month, approx = entries[1:]
    assert (first.date, first.date_precision, first.time, first.is_key_event) == (
        datetime.date(2026, 2, 3),
        "day",
        datetime.time(9, 30),
        True,
    )
    assert (month.date, month.date_precision, month.is_key_event) == (
        datetime.date(2026, 3, 1),
        "month",
        False,
    )
    assert (approx.date, approx.date_precision, approx.is_key_event) == (
        datetime.date(2026, 4, 14),
        "approximate",
        True,
    )
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == "draft" and r.transitions.filter(to_status="draft").exists()
    follow = contributor_client.get(response["Location"])
    assert "3 chronology rows imported" in follow.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"Date,What happened\n03/02/2026,x\n", "Choose a CSV (.csv) or Excel (.xlsx) file."),
        ("macro.xlsm", b"PK\x03\x04whatever", "Workbooks with macros (.xlsm) are not accepted"),
        ("empty.csv", b"", "The file is empty."),
        ("fake.xlsx", b"Date,What happened\n03/02/2026,x\n", "is not an Excel workbook"),
        ("headers-only.csv", b"Date,What happened\n", "no rows"),
        ("wrong-columns.csv", b"When,Notes\n03/02/2026,x\n", "missing"),
    ],
)
def test_unacceptable_files_get_a_clear_error(cast, contributor_client, name, content, message):
    response = _post(contributor_client, cast, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChronologyEntry.objects.filter(agency_return=cast.agency_return).exists()


def test_a_workbook_named_csv_is_refused(cast, contributor_client):
    response = _post(contributor_client, cast, "chronology.csv", _xlsx(GOOD_ROWS))
    assert response.status_code == 400
    assert "is a workbook" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(cast, contributor_client, settings):
    settings.RETURN_IMPORT_MAX_BYTES = 1000
    content = _csv(GOOD_ROWS * 20)
    assert len(content) > 1000
    response = _post(contributor_client, cast, "big.csv", content)
    assert response.status_code == 400
    assert "too big" in response.content.decode()
    assert not ChronologyEntry.objects.filter(agency_return=cast.agency_return).exists()


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def test_a_workbook_with_too_many_parts_is_refused_before_parsing(cast, contributor_client):
    parts = [("[Content_Types].xml", "<x/>"), ("xl/workbook.xml", "<x/>")] + [
        (f"xl/p{i}.xml", "") for i in range(300)
    ]
    response = _post(contributor_client, cast, "many.xlsx", _zip(parts))
    assert response.status_code == 400 and "too many parts" in response.content.decode()


def test_a_zip_bomb_is_refused_before_parsing(cast, contributor_client):
    parts = [
        ("[Content_Types].xml", "<x/>"),
        ("xl/workbook.xml", "<x/>"),
        ("xl/big.xml", "0" * (60 * 1024 * 1024)),
    ]
    content = _zip(parts)
    assert len(content) < 2 * 1024 * 1024  # small on disk, huge once expanded
    response = _post(contributor_client, cast, "bomb.xlsx", content)
    assert response.status_code == 400 and "too much data" in response.content.decode()


def test_a_workbook_hiding_macros_is_refused(cast, contributor_client):
    parts = [("[Content_Types].xml", "<x/>"), ("xl/workbook.xml", "<x/>"), ("xl/vbaProject.bin", "macro")]
    response = _post(contributor_client, cast, "sneaky.xlsx", _zip(parts))
    assert response.status_code == 400 and "macros" in response.content.decode()


def test_defusedxml_is_installed_for_openpyxl():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


@pytest.mark.parametrize("name", ["return_template_csv", "return_template_xlsx"])
def test_downloaded_templates_import_back_once_filled_in(cast, contributor_client, name):
    response = contributor_client.get(reverse(f"cases:{name}"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if name.endswith("csv"):
        header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
        filled = _csv(GOOD_ROWS, header=header)
        upload = "filled.csv"
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        header = list(next(workbook.worksheets[0].iter_rows(values_only=True)))
        assert "Guidance" in workbook.sheetnames
        filled = _xlsx(GOOD_ROWS, header=header)
        upload = "filled.xlsx"
    assert header[0] == "Date" and "What happened" in header
    assert _import(contributor_client, cast, upload, filled).status_code == 302
    assert ChronologyEntry.objects.filter(agency_return=cast.agency_return).count() == len(GOOD_ROWS)


def test_business_manager_uploads_on_the_agencys_behalf(cast, client):
    login(client, cast.bm)
    assert _import(client, cast, "chronology.csv", _csv(GOOD_ROWS)).status_code == 302
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.entered_on_behalf and r.entries.count() == 3
    assert r.transitions.get(to_status="draft").on_behalf


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/02/2026", (datetime.date(2026, 2, 3), "day")),
        ("3/2/26", (datetime.date(2026, 2, 3), "day")),
        ("3 February 2026", (datetime.date(2026, 2, 3), "day")),
        ("3rd Feb 2026", (datetime.date(2026, 2, 3), "day")),
        ("2026-02-03", (datetime.date(2026, 2, 3), "day")),
        ("March 2026", (datetime.date(2026, 3, 1), "month")),
        ("Mar 2026", (datetime.date(2026, 3, 1), "month")),
        ("c. March 2026", (datetime.date(2026, 3, 1), "approximate")),
        ("approx 03/02/2026", (datetime.date(2026, 2, 3), "approximate")),
    ],
)
def test_uk_dates_are_understood(text, expected):
    from cases.chronology import parse_uk_date

    assert parse_uk_date(text) == expected


@pytest.mark.parametrize("text", ["02/31/2026", "31/02/2026", "next Tuesday", ""])
def test_dates_that_are_not_dates_are_refused(text):
    from cases.chronology import parse_uk_date

    with pytest.raises(ValueError):
        parse_uk_date(text)


def test_replace_lists_what_it_removes_and_needs_confirming(cast, contributor_client):
    ChronologyEntryFactory(agency_return=cast.agency_return, position=0, what_happened="Old row to go")
    preview = _post(contributor_client, cast, "chronology.csv", _csv(GOOD_ROWS), mode="replace")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "These 1 row will be removed" in page and "Old row to go" in page
    assert "Referral received from school." in page  # the file's rows, before anything is saved
    # Not confirmed: nothing changes.
    refused = _import(
        contributor_client, cast, "chronology.csv", _csv(GOOD_ROWS), mode="replace", confirm=False
    )
    assert refused.status_code == 400
    assert "Tick the box to confirm" in refused.content.decode()
    assert list(cast.agency_return.entries.values_list("what_happened", flat=True)) == ["Old row to go"]
    # Confirmed: the old row is gone, the file's rows are the chronology, highlighted once on the edit page.
    done = _import(contributor_client, cast, "chronology.csv", _csv(GOOD_ROWS), mode="replace")
    assert done.status_code == 302
    assert [e.what_happened for e in cast.agency_return.entries.order_by("position")] == [
        r[3] for r in GOOD_ROWS
    ]
    edit = contributor_client.get(done["Location"]).content.decode()
    assert "imported, replacing the previous rows" in edit
    assert edit.count('class="chron-row chron-imported"') == 3
    again = contributor_client.get(done["Location"]).content.decode()
    assert "chron-imported" not in again.replace("chron-imported-key", "")


def test_the_template_has_an_example_row_that_is_skipped_if_left_in(cast, contributor_client):
    template = contributor_client.get(reverse("cases:return_template_csv")).content.decode("utf-8-sig")
    lines = template.splitlines()
    assert len(lines) == 2 and "Example (replace this row)" in lines[1]
    filled = (template + "04/02/2026,,,A real row,Health visitor,,,no\n").encode()
    preview = _post(contributor_client, cast, "filled.csv", filled)
    assert [r["what_happened"] for r in preview.context["preview"]["rows"]] == ["A real row"]


def test_a_save_between_preview_and_import_refuses_the_import(cast, contributor_client):
    from cases.services import return_save_draft

    preview = _post(contributor_client, cast, "chronology.csv", _csv(GOOD_ROWS))
    return_save_draft(
        agency_return=cast.agency_return, actor=cast.bm, version=1, fields={"involvement": "BM"}, entries=[]
    )
    url = reverse("cases:return_import", kwargs={"return_pk": cast.agency_return.pk})
    response = contributor_client.post(url, {"step": "commit", "token": preview.context["preview"]["token"]})
    assert response.status_code == 409
    assert "Someone saved this return after you chose the file" in response.content.decode()
    assert not cast.agency_return.entries.exists()
