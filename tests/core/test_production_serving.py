"""Production serving: static files hashed, compressed and cached for ever by whitenoise; database
connections kept and health-checked; gunicorn's config file loads with threaded workers."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "9f8e7d6c5b4a3210-random-enough-for-the-check-!@#$%"

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
url = static("css/app.css")
response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, br")
db = settings.DATABASES["default"]
print(json.dumps({
    "url": url,
    "status": response.status_code,
    "cache_control": response.headers.get("Cache-Control"),
    "encoding": response.headers.get("Content-Encoding"),
    "conn_max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
}))
"""


def test_static_files_are_hashed_compressed_and_cached_for_ever(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pscb_audit.production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["url"].startswith("/static/css/app.") and seen["url"] != "/static/css/app.css"  # hashed
    assert seen["status"] == 200
    assert seen["cache_control"] == "max-age=315360000, public, immutable"
    assert seen["encoding"] in ("br", "gzip")
    assert seen["conn_max_age"] == 60 and seen["health_checks"] is True


def test_gunicorn_config_loads_with_threaded_workers():
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gunicorn.app.wsgiapp import WSGIApplication as A; import sys; sys.argv=['gunicorn','pscb_audit.wsgi'];"
            "a=A(); print(a.cfg.worker_class_str, a.cfg.workers, a.cfg.threads, a.cfg.timeout)",
        ],
        cwd=ROOT,
        env={**os.environ, "WEB_CONCURRENCY": "2"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    worker_class, workers, threads, timeout = probe.stdout.split()
    assert (worker_class, workers, threads) == ("gthread", "2", "4")
    assert int(timeout) >= 30
