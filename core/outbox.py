"""How an app below notifications (accounts: password resets, enrolment links, role changes) queues
an e-mail without importing it.

Every message the system sends goes through notifications.services.notification_queue (sent once by
its key, checked by the leak guard, recorded in the log). notifications sits above accounts in the
layers (its pages are guarded by accounts' permission rules), so it installs its queue here at start-up
(NotificationsConfig.ready) and accounts calls ``outbox.queue(...)`` with the same arguments. Apps
above notifications call notification_queue directly.

With nothing installed ``queue`` raises ImproperlyConfigured: a message is never dropped silently.
"""

from django.core.exceptions import ImproperlyConfigured

_installed = []


def install(queue):
    """Install the queue (a callable taking notification_queue's keyword arguments)."""
    _installed[:] = [queue]


def queue(**message):
    """Queue one e-mail: notification_queue's keyword arguments; returns what it returns."""
    if not _installed:
        raise ImproperlyConfigured("No e-mail queue is installed: add notifications to INSTALLED_APPS.")
    return _installed[0](**message)
