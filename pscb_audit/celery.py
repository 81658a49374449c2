"""The Celery app. Tasks live in each app's tasks.py and are discovered from INSTALLED_APPS."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pscb_audit.settings")

app = Celery("pscb_audit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="pscb_audit.ping")
def ping():
    """Round trip used by health checks and the broker integration test."""
    return "pong"
