"""The real parts: PostgreSQL and a Celery worker on Redis. These skip on a laptop without them and
fail under REQUIRE_SERVICES=1 (CI)."""

import pytest
from django.db import connection

from pscb_audit.celery import app as celery_app
from pscb_audit.celery import ping


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 130000


def _forget_cached_backend():
    # Celery caches the result backend on first use; an earlier test that ran a task eagerly leaves the
    # disabled backend cached, so drop it whenever the setting changes.
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.mark.redis
@pytest.mark.real_celery
def test_a_real_worker_on_redis_runs_a_task():
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    celery_app.conf.result_backend = celery_app.conf.broker_url
    _forget_cached_backend()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = ping.apply_async(ignore_result=False)
            assert result.get(timeout=20) == "pong"
    finally:
        celery_app.conf.result_backend = None
        _forget_cached_backend()
