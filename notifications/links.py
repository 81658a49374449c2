"""Absolute links in e-mails (SITE_URL and the path): each rule links to the page on which the
recipient can act (built by the owning app's reminders.py with `absolute`)."""

from django.conf import settings
from django.urls import reverse


def absolute(name, **kwargs):
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def log_link():
    return absolute("notifications:log")


def settings_link():
    return absolute("notifications:settings")
