"""Mail backends for delivery tests: the locmem outbox, with failures on demand."""

import smtplib

from django.core.mail.backends import locmem


class FlakyBackend(locmem.EmailBackend):
    """Fails the next `failures_left` sends with an SMTP error, then delivers to the locmem outbox."""

    failures_left = 0
    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class BrokenBackend(locmem.EmailBackend):
    """An error no retry can fix (e.g. a bad configuration)."""

    def send_messages(self, messages):
        raise ValueError("EMAIL_HOST is not configured")
