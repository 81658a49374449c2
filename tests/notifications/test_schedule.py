"""The schedule: lead times come from the environment; beat runs one daily job in Europe/London and
the sweep, both by polling (no task is ever scheduled far ahead)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from pscb_audit.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def test_beat_runs_the_daily_job_and_the_sweep_in_london_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    daily = schedule["reminders-daily"]
    assert daily["task"] == "notifications.run_daily_reminders"
    assert daily["schedule"].hour == {settings.REMINDER_DAILY_HOUR}
    assert daily["schedule"].minute == {settings.REMINDER_DAILY_MINUTE}
    assert schedule["notifications-recover-stale"]["task"] == "notifications.recover_stale_notifications"
    assert celery_app.conf.timezone == "Europe/London"
    celery_app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks
        assert "options" not in entry  # no eta/countdown


def test_the_sweep_waits_longer_than_any_attempt_can_last():
    from notifications.tasks import RETRY_BACKOFF_MAX

    stale_seconds = settings.NOTIFICATION_STALE_MINUTES * 60
    assert stale_seconds > settings.CELERY_TASK_TIME_LIMIT
    assert stale_seconds > RETRY_BACKOFF_MAX
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > RETRY_BACKOFF_MAX


def test_lead_times_are_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REMINDER_RETURN_DAYS_BEFORE, s.REMINDER_DIGEST_WEEKDAY, "
        "s.CELERY_BEAT_SCHEDULE['reminders-daily']['schedule'].hour)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pscb_audit.settings",
        "REMINDER_RETURN_DAYS_BEFORE": "3",
        "REMINDER_DIGEST_WEEKDAY": "4",
        "REMINDER_DAILY_HOUR": "6",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "4", "{6}"]
