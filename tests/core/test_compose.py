import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose_command():
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_config_is_valid_and_names_the_real_parts():
    command = _compose_command()
    if command is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("neither `docker compose` nor `docker-compose` is installed")
        pytest.skip("no docker compose client")
    result = subprocess.run(
        [*command, "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        # What .env provides (.env.example lists it).
        env={
            **os.environ,
            "SECRET_KEY": "x" * 60,
            "POSTGRES_PASSWORD": "p1",
            "DB_OWNER_PASSWORD": "p2",
            "DB_APP_PASSWORD": "p3",
        },
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat", "mail"} <= set(services)
    # web runs the image's own command (gunicorn, see the Dockerfile's CMD).
    assert "command" not in services["web"]
    assert 'CMD ["gunicorn"' in (ROOT / "Dockerfile").read_text()
    assert services["web"]["environment"]["DATABASE_URL"] == "postgres://pscb_app:p3@db:5432/pscb_audit"
    assert services["migrate"]["environment"]["DATABASE_URL"] == "postgres://pscb_owner:p2@db:5432/pscb_audit"
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]
