"""Links to the notification pages, for e-mails. Every absolute link is built by core.links.absolute_url;
each reminder rule links to the page on which its recipient can act (in the owning app's reminders.py)."""

from core.links import absolute_url


def log_link():
    return absolute_url("notifications:log")


def settings_link():
    return absolute_url("notifications:settings")
