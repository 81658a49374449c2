import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "9f8e7d6c5b4a3210-random-enough-for-the-check-!@#$%"


def _manage(*args, env_extra=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pscb_audit.production", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_check_deploy_is_clean():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "audit.example.org"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "secret", ["", "short", "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"]
)
def test_production_refuses_to_start_without_a_real_secret(secret):
    result = _manage("check", env_extra={"SECRET_KEY": secret, "ALLOWED_HOSTS": "audit.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_defaults_need_nothing_installed():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL")
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "pscb_audit.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ], result.stderr


def test_real_parts_are_chosen_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pscb_audit.settings",
        "DATABASE_URL": "postgres://u:p@db.example:5432/audit",
        "REDIS_URL": "redis://cache.example:6379/0",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, "
        "s.EMAIL_HOST, s.EMAIL_USE_TLS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://cache.example:6379/0",
        "False",
        "smtp.example",
        "True",
    ], result.stderr


def test_site_url_follows_the_host_and_port_the_demo_runs_on_unless_set():
    """`make run PORT=8123` exports HOST and PORT: links in e-mails must point at that port."""
    import os
    import subprocess
    import sys

    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='pscb_audit.settings'; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    run = lambda extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert run({"PORT": "8123"}) == "http://127.0.0.1:8123"
    assert run({"HOST": "0.0.0.0", "PORT": "9000"}) == "http://0.0.0.0:9000"
    assert run({"PORT": "8123", "SITE_URL": "https://audit.example.org"}) == "https://audit.example.org"
