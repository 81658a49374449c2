"""The standing cast and the service rules shared by every test.

Services: a test marked `postgres`, `redis` or `browser` skips when that service is absent, but
fails under REQUIRE_SERVICES=1 (as in CI), so a green CI never hides a skipped integration test.
"""

import os
import shutil
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Role
from pscb_audit.celery import app as celery_app

from .factories import (
    AgencyFactory,
    AgencyReturnFactory,
    AuditFactory,
    CaseFactory,
    IdentifyingTermFactory,
    PanelMembershipFactory,
    UserFactory,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _redis_available():
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return False, f"no Redis broker configured (CELERY_BROKER_URL={url!r}); set REDIS_URL"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return False, f"Redis at {url} is not answering: {exc}"
    return True, ""


def _postgres_available():
    if connection.vendor != "postgresql":
        return False, f"the test database is {connection.vendor}; set DATABASE_URL to PostgreSQL"
    return True, ""


def _browser_available():
    if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        return False, "Debian's chromium is not installed (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False, "playwright is not installed"
    return True, ""


SERVICE_CHECKS = {"postgres": _postgres_available, "redis": _redis_available, "browser": _browser_available}


@pytest.fixture(autouse=True)
def _require_services(request):
    for marker, check in SERVICE_CHECKS.items():
        if request.node.get_closest_marker(marker):
            ok, why = check()
            if not ok:
                if REQUIRE_SERVICES:
                    pytest.fail(f"REQUIRE_SERVICES=1 but {why}")
                pytest.skip(why)


def _forget_cached_result_backend():
    celery_app._backend_cache = None
    vars(celery_app._local).pop("backend", None)


@pytest.fixture(autouse=True)
def _celery_inline(request):
    """Tasks run inline in tests unless a test asks for a real worker (marker real_celery)."""
    if request.node.get_closest_marker("real_celery"):
        # Celery caches the app's result backend on first use: one cached while tasks ran inline (or
        # by this test's worker) must not outlive the test that configured it.
        _forget_cached_result_backend()
        yield
        _forget_cached_result_backend()
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached timelines are keyed by row ids, which tests reuse)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a temporary private folder, never the developer's."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture
def full_cast(cast):
    """The standing cast with every object the authorisation matrix's pages need (tests/authz)."""
    from tests.authz.test_matrix import extend_for_every_page

    return extend_for_every_page(cast)


@pytest.fixture
def cast(db):
    """One user per role, plus the outsiders every permission test needs: a contributor of another
    agency and a panel member of another audit (healthchecks' alice/bob/charlie, for this domain)."""
    agency = AgencyFactory(
        name="Riverton Children's Social Care",
        senior_manager_name="Pat Senior",
        senior_manager_email="pat.senior@riverton.example",
    )
    other_agency = AgencyFactory(name="Riverton Police", kind="police")
    bm = UserFactory(email="bm@test.example", full_name="Beatrice Manager", role=Role.BUSINESS_MANAGER)
    panel = UserFactory(email="panel@test.example", full_name="Paula Panel", role=Role.PANEL_MEMBER)
    panel_other = UserFactory(
        email="panel.other@test.example", full_name="Oscar Otherpanel", role=Role.PANEL_MEMBER
    )
    contributor = UserFactory(
        email="contrib@test.example",
        full_name="Cora Contributor",
        role=Role.AGENCY_CONTRIBUTOR,
        agency=agency,
    )
    contributor_other = UserFactory(
        email="contrib.other@test.example",
        full_name="Carl Othercontrib",
        role=Role.AGENCY_CONTRIBUTOR,
        agency=other_agency,
    )
    board = UserFactory(email="board@test.example", full_name="Bo Board", role=Role.BOARD_MEMBER)
    qa = UserFactory(email="qa@test.example", full_name="Quinn Assurance", role=Role.QUALITY_ASSURANCE)
    admin = UserFactory(
        email="admin@test.example", full_name="Ada Admin", role=Role.ADMINISTRATOR, is_staff=True
    )

    audit = AuditFactory(title="Audit under test", created_by=bm)
    other_audit = AuditFactory(title="Another audit", created_by=bm)
    PanelMembershipFactory(audit=audit, user=panel, panel_role="Chair of the panel", is_chair=True)
    PanelMembershipFactory(audit=other_audit, user=panel_other, panel_role="Police Inspector")
    case = CaseFactory(audit=audit, number=1, method="meeting", child_status="cp_plan")
    case.agencies.set([agency, other_agency])
    other_case = CaseFactory(audit=other_audit, number=1)
    term = IdentifyingTermFactory(case=case, kind="child_name", value="Zephyrine Quillfeather", created_by=bm)
    agency_return = AgencyReturnFactory(case=case, agency=agency, requested_by=bm)
    other_return = AgencyReturnFactory(case=other_case, agency=other_agency, requested_by=bm)
    return SimpleNamespace(
        agency=agency,
        other_agency=other_agency,
        bm=bm,
        panel=panel,
        panel_other=panel_other,
        contributor=contributor,
        contributor_other=contributor_other,
        board=board,
        qa=qa,
        admin=admin,
        audit=audit,
        other_audit=other_audit,
        case=case,
        other_case=other_case,
        term=term,
        agency_return=agency_return,
        other_return=other_return,
    )


PERSONAS = ("anon", "bm", "panel", "panel_other", "contributor", "contributor_other", "board", "qa", "admin")
