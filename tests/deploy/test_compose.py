"""The shipped compose file and image definition, read as data: what `docker compose up` would do.
(Containers cannot run on this machine; test_image_entrypoint runs the image's command instead.)"""

import re
from pathlib import Path

import pytest
import yaml
from celery.schedules import crontab
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")


def test_a_one_shot_migrate_runs_first_as_the_owner_role():
    migrate = SERVICES["migrate"]
    assert "migrate" in " ".join(migrate["command"])
    assert "grant_app_database_role pscb_app" in " ".join(migrate["command"])
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://pscb_owner:")
    assert migrate["restart"] == "on-failure"
    for name in APP_SERVICES:
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert SERVICES[name]["environment"]["DATABASE_URL"].startswith("postgres://pscb_app:")


@pytest.mark.parametrize("name", [n for n in SERVICES if n != "migrate"])
def test_every_service_has_a_health_check_and_restarts(name):
    service = SERVICES[name]
    assert service["healthcheck"]["test"]
    assert service["restart"] == "unless-stopped"


def test_data_lives_on_named_volumes():
    assert set(COMPOSE["volumes"]) >= {"pgdata", "redis-data", "private-files", "beat-schedule"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "redis-data:/data" in SERVICES["redis"]["volumes"]
    for name in ("web", "worker"):
        assert "private-files:/data/private" in SERVICES[name]["volumes"]


def test_exactly_one_beat_with_its_schedule_on_a_volume():
    beats = [n for n, s in SERVICES.items() if "beat" in " ".join(s.get("command") or [])]
    assert beats == ["beat"]
    command = " ".join(SERVICES["beat"]["command"])
    assert "--schedule=/data/beat/" in command and "/tmp" not in command
    assert "beat-schedule:/data/beat" in SERVICES["beat"]["volumes"]
    assert "deploy" not in SERVICES["beat"] and "scale" not in SERVICES["beat"]


def test_daily_jobs_run_at_a_fixed_clock_time():
    """An interval schedule restarts with every new beat container; a crontab does not. Only sweeps
    that run every few minutes may use an interval."""
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        if not isinstance(schedule, crontab):
            seconds = schedule.total_seconds() if hasattr(schedule, "total_seconds") else float(schedule)
            assert seconds < 3600, name
    assert isinstance(settings.CELERY_BEAT_SCHEDULE["purge-retained-data"]["schedule"], crontab)


def test_images_are_pinned():
    for name, service in SERVICES.items():
        if "build" in service:
            continue
        image = service["image"]
        assert ":" in image and not image.endswith(":latest"), name
        assert re.search(r":v?\d+\.\d+", image), name
    assert re.search(r"^FROM python:\d+\.\d+\.\d+-slim", (ROOT / "Dockerfile").read_text(), re.M)


def test_published_ports_listen_on_loopback_only():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_no_literal_passwords():
    text = (ROOT / "docker-compose.yml").read_text()
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key or key == "SECRET_KEY":
                assert str(value).startswith("${"), (name, key)
    for url in re.findall(r"postgres://[^\s\"]+", text):
        user_password = url.split("//", 1)[1].split("@", 1)[0]
        assert ":${" in user_password, url


def test_the_image_is_built_from_locked_hashes_and_leaves_secrets_out():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes" in dockerfile
    assert "-r requirements.lock" in dockerfile
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", "db.sqlite3", "var", ".venv", ".git", "staticfiles"} <= ignored
    assert "USER app" in dockerfile


@pytest.mark.parametrize(
    "readable,locked",
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_the_lock_pins_every_requirement_with_hashes(readable, locked):
    """A package added to the readable list without `make lock` fails here (and in `pip install
    --require-hashes`, which refuses anything the lock does not list)."""
    lock = (ROOT / locked).read_text()
    pinned = {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, re.M)
    }
    for line in (ROOT / readable).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        name, version = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", line).groups()
        assert pinned.get(name.lower().replace("_", "-")) == version, name
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.split("\n", 6)[-1])
    for block in blocks:
        if "==" in block:
            assert "--hash=sha256:" in block, block.splitlines()[0]
