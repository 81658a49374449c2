"""gunicorn settings for a small machine (2 cores), read automatically from the working directory.

Chosen by measurement (docs/benchmark.md, "Serving"): threaded workers (gthread). A request spends much
of its time waiting on PostgreSQL; threads let one worker process serve others meanwhile, at a fraction
of a process's memory, and the database connection of each thread is kept (CONN_MAX_AGE with health
checks). Every value can be overridden from the environment or the command line.
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# One process per core keeps the CPU busy; threads cover the time spent waiting on the database.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count())
threads = _int("GUNICORN_THREADS", 4)
# The longest request is a case pack PDF of a large case; the report itself is built in Celery.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so slow leaks (WeasyPrint, fonts) never build up.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Refuse absurd request lines and headers before Django sees them (the body limit is Django's).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Only the reverse proxy in front may say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # e.g. "-" for stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Workers load the application after the fork: each opens its own database connections.
preload_app = False
