"""Throughput and latency under concurrent clients: gunicorn on loopback, a bounded thread-pool client.

The client is plain http.client on keep-alive connections, one per simulated user, each with its
own logged-in session (so sessions are not contended). Each page is loaded by CLIENTS users for
SECONDS seconds, or until MAX_REQUESTS, whichever comes first. Nothing listens beyond 127.0.0.1.
"""

import http.client
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py (what production runs), bound to loopback; workers,
    worker class and threads overridden only when given."""

    def __init__(self, *, env, workers=None, worker_class=None, threads=None):
        self.port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "pscb_audit.wsgi",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]
        for flag, value in (("--workers", workers), ("--worker-class", worker_class), ("--threads", threads)):
            if value:
                command += [flag, str(value)]
        self.command = command
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    first_error: str = ""

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0


def _percentile(sorted_samples, fraction):
    if not sorted_samples:
        return float("nan")
    return sorted_samples[min(len(sorted_samples) - 1, int(round(fraction * (len(sorted_samples) - 1))))]


def load(port, path, session_cookies, *, cookie_name, seconds, max_requests):
    """Every client GETs `path` in a loop with its own session; non-200 answers count as errors."""
    latencies, errors, first_error = [], [0], [""]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]

    def client(cookie):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"{cookie_name}={cookie}", "Connection": "keep-alive"}
        mine = []
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                problem = f"HTTP {response.status}"
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                ok, problem = False, repr(exc)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            if ok:
                mine.append(elapsed)
            else:
                with lock:
                    errors[0] += 1
                    first_error[0] = first_error[0] or problem
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(cookie,)) for cookie in session_cookies]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    latencies.sort()
    return LoadResult(
        requests=len(latencies) + errors[0],
        errors=errors[0],
        seconds=elapsed,
        p50_ms=_percentile(latencies, 0.5),
        p95_ms=_percentile(latencies, 0.95),
        first_error=first_error[0],
    )


def describe(config_env=None):
    """Worker class, workers and threads gunicorn.conf.py gives (after any overrides)."""
    from gunicorn.app.wsgiapp import WSGIApplication

    argv, sys.argv = sys.argv, ["gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "pscb_audit.wsgi"]
    try:
        cfg = WSGIApplication().cfg
    finally:
        sys.argv = argv
    return cfg.worker_class_str, cfg.workers, cfg.threads
