"""CSV and XLSX export of the tracker, with spreadsheet formula injection neutralised (CWE-1236)."""

import csv
import io

from openpyxl import Workbook

from core.spreadsheet import export_cell

from .tracker import RagState

HEADER = [
    "Audit",
    "Letter",
    "Recommendation",
    "Owner agencies",
    "Deadline",
    "Board meeting",
    "Status",
    "Tracker state",
]


def tracker_row(recommendation):
    """One tracker row as plain values, in HEADER order (the page shows the same)."""
    deadline = recommendation.deadline
    return [
        recommendation.audit.title,
        f"({recommendation.letter})",
        recommendation.text,
        ", ".join(agency.name for agency in recommendation.owners.all()),
        f"{deadline.day} {deadline:%B %Y}" if deadline else "",
        recommendation.deadline_meeting.title if recommendation.deadline_meeting_id else "",
        recommendation.get_status_display(),
        RagState(recommendation.rag).label,
    ]


def tracker_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([export_cell(value) for value in tracker_row(row)])
    return out.getvalue()


def tracker_xlsx(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Recommendations")
    sheet.append(HEADER)
    for row in rows:
        sheet.append([export_cell(value) for value in tracker_row(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
