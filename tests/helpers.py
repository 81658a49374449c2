"""Test helpers shared by every test module."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login(client, user):
    """Log `user` in as they would after a full login: password and second factor. The user gets a
    confirmed authenticator device (if they have none) and the session is marked verified by it,
    exactly as django_otp.login() does after a good code."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def login_password_only(client, user):
    """Log `user` in with the password step only (no second factor passed in this session)."""
    client.force_login(user)
    return client
