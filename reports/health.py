"""reports' row of the health page (registered with operations.health in ready()): the oldest report
build still queued."""

import datetime

from operations.health import Check
from operations.selectors import age, oldest

from .models import ReportBuild


def build_checks(*, now):
    builds = ReportBuild.objects.filter(status=ReportBuild.Status.QUEUED)
    first = oldest(builds)
    return [
        Check(
            "Oldest queued report build",
            first is None or now - first < datetime.timedelta(minutes=10),
            "None queued." if first is None else f"Queued {age(now, first)} ago ({builds.count()} queued).",
        )
    ]
