"""The real parts: PostgreSQL and a Celery worker on Redis. These skip on a laptop without them and
fail under REQUIRE_SERVICES=1 (CI)."""

import time

import pytest
from celery.backends.redis import RedisBackend
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


@pytest.mark.redis
@pytest.mark.real_celery
def test_a_real_worker_on_redis_runs_a_task():
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    celery_app.conf.result_backend = celery_app.conf.broker_url
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = ping.apply_async(ignore_result=False)
            # Read the result through a fresh Redis backend: an earlier eager task in this thread
            # (any test that sends a notification) has cached Celery's disabled backend here.
            backend = RedisBackend(app=celery_app, url=celery_app.conf.broker_url)
            deadline = time.monotonic() + 20
            while backend.get_state(result.id) != "SUCCESS" and time.monotonic() < deadline:
                time.sleep(0.2)
            assert backend.get_result(result.id) == "pong"
    finally:
        celery_app.conf.result_backend = None
