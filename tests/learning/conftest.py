import hashlib

import pytest

from reports.models import ReportBuild, ReportVersion

PDF = b"%PDF-1.7\n% learning fixture\n%%EOF\n"


def publish(audit, by):
    """A published report version for `audit` (what makes its learning 'published')."""
    build = ReportBuild.objects.create(
        audit=audit,
        status=ReportBuild.Status.DONE,
        progress=100,
        build_date=audit.period_end,
        requested_by=by,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    number = ReportVersion.objects.filter(audit=audit).count() + 1
    return ReportVersion.objects.create(
        audit=audit,
        number=number,
        build=build,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        build_date=audit.period_end,
        published_by=by,
    )


@pytest.fixture
def themes(db):
    from learning.models import Theme

    return {t.name: t for t in Theme.objects.all()}
