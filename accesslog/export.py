"""CSV export of the access log, safe to open in a spreadsheet."""

import csv
import io

from django.utils import timezone

from core.spreadsheet import export_cell

HEADER = [
    "When (UK time)",
    "User",
    "E-mail",
    "Action",
    "What",
    "Object id",
    "Audit id",
    "Case id",
    "Path",
    "IP",
]


def access_log_csv(entries):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for e in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                export_cell(v)
                for v in (
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.user.full_name if e.user else "",
                    e.user.email if e.user else "",
                    e.get_action_display(),
                    e.what,
                    e.object_id,
                    e.audit_id,
                    e.case_id,
                    e.shown_path,
                    e.ip_address,
                )
            ]
        )
    return out.getvalue()
