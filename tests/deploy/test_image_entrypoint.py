"""The image's own command, run without a container (this machine has no container engine and no
registry access; docs/deployment.md). What the Dockerfile does is done here the same way: its
collectstatic under the settings module its ENV names, then its CMD (gunicorn with gunicorn.conf.py)
on a loopback port. The login page must answer 200 with its static files served, DEBUG off, and a
body over the limit refused in front of Django."""

import http.client
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def dockerfile_env():
    """The ENV of the image (KEY=value pairs, with line continuations)."""
    text = DOCKERFILE.replace("\\\n", " ")
    env = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def dockerfile_cmd():
    line = next(line for line in DOCKERFILE.splitlines() if line.startswith("CMD "))
    return json.loads(line[4:])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("image")
    port = free_port()
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "HOME": str(tmp),
        **dockerfile_env(),
        # What compose passes in (docker-compose.yml, x-app).
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "REQUEST_BODY_MAX_BYTES": str(1024 * 1024),
    }
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    assert (tmp / "staticfiles" / "staticfiles.json").exists(), "no manifest: not the production storage"
    command = dockerfile_cmd()
    assert command[0] == "gunicorn"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *command[1:]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                request(port, "GET", "/accounts/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail("gunicorn did not start:\n" + (server.stdout.read() or ""))
                time.sleep(0.5)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_the_image_runs_production_settings():
    env = dockerfile_env()
    assert env["DJANGO_SETTINGS_MODULE"] == "pscb_audit.production"
    collect_line = next(line for line in DOCKERFILE.splitlines() if "collectstatic" in line)
    assert "pscb_audit.settings" not in collect_line


def test_login_page_answers_200_with_its_static_files(served):
    status, headers, body = request(served, "GET", "/accounts/login/")
    assert status == 200
    html = body.decode()
    assert 'name="username"' in html
    stylesheets = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', html)
    scripts = re.findall(r'<script[^>]+src="(/static/[^"]+\.js)"', html)
    assert stylesheets and scripts
    for url in stylesheets + scripts:
        # Manifest storage: every name carries its content hash.
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        status, headers, content = request(served, "GET", url)
        assert status == 200, url
        assert content
        assert "immutable" in headers.get("Cache-Control", "")


def test_debug_is_off(served):
    status, _, body = request(served, "GET", "/no-such-page/")
    assert status == 404
    text = body.decode()
    assert "Traceback" not in text and "URLconf" not in text and "DEBUG = True" not in text


def test_a_body_over_the_limit_is_refused_before_django(served):
    status, _, body = request(
        served,
        "POST",
        "/accounts/login/",
        body=b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413
    assert b"too large" in body


def test_security_headers_come_through_gunicorn(served):
    _, headers, _ = request(served, "GET", "/accounts/login/")
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
