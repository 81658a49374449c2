"""Spreadsheet limits enforced before parsing: a workbook that declares a huge size, a truncated
worksheet and a sheet 16,384 columns wide each get a clear error, never a 500, with flat memory.

Memory is measured with tracemalloc around the whole request through the real view. The bound
asserted is 40 MiB of peak Python allocation per upload (the issue's ceiling is 100 MiB above the idle
process); before these checks the 5 KB "column XFD" workbook alone drove the server up by ~250 MiB.
"""

import datetime
import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import AgencyReturn
from tests.helpers import login

pytestmark = pytest.mark.django_db

MEMORY_BOUND_MIB = 40
HEADER = ["Date", "What happened", "Who was involved (by role)"]


def _workbook(rows=5):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for i in range(rows):
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=i)
        sheet.append([day.strftime("%d/%m/%Y"), f"Event {i + 1}", "Social worker"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rewrite_sheet(content, change):
    """The same workbook with its first worksheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info.filename, data)
    return out.getvalue()


def _huge_dimension():
    return _rewrite_sheet(
        _workbook(), lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml)
    )


def _truncated_sheet():
    return _rewrite_sheet(_workbook(rows=50), lambda xml: xml[: len(xml) // 2])


def _sixteen_thousand_columns():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER + [f"Extra {i}" for i in range(16384 - len(HEADER))])
    sheet.append(["03/02/2026", "Event", "Social worker"] + ["x"] * (16384 - len(HEADER)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(client, cast, name, content):
    url = reverse("cases:return_import", kwargs={"return_pk": cast.agency_return.pk})
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    tracemalloc.start()
    try:
        response = client.post(url, {"file": upload, "mode": "append"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak / 1024 / 1024


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_huge_dimension, "The worksheet declares 16,384 columns"),
        (_truncated_sheet, "The workbook is damaged and cannot be read"),
        (_sixteen_thousand_columns, "The worksheet has data in column"),
    ],
    ids=["declared XFD1048576", "truncated worksheet", "16,384 columns"],
)
def test_hostile_workbooks_get_a_clear_error_with_flat_memory(cast, client, make, message):
    content = make()
    login(client, cast.contributor)
    response, peak_mib = _import(client, cast, "chronology.xlsx", content)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem: nothing was imported" in page
    assert peak_mib < MEMORY_BOUND_MIB, f"{peak_mib:.1f} MiB allocated for a {len(content):,}-byte file"
    assert not cast.agency_return.entries.exists()
    assert AgencyReturn.objects.get(pk=cast.agency_return.pk).version == 1


def test_a_huge_declared_dimension_is_small_on_disk(cast):
    # The attack is cheap to send: a few kilobytes.
    assert len(_huge_dimension()) < 10_000


def test_a_well_formed_workbook_still_imports_within_the_same_bound(cast, client):
    login(client, cast.contributor)
    response, peak_mib = _import(client, cast, "chronology.xlsx", _workbook(rows=2000))
    assert response.status_code == 200, response.content.decode()[:300]
    assert len(response.context["preview"]["rows"]) == 2000
    assert peak_mib < MEMORY_BOUND_MIB
