"""Second factor (django-otp): who needs one, enrolment, verification and backup codes.

The one place that *enforces* it is `accounts.permissions.check`; this module holds the rules
and the device handling the log-in pages use.
"""

import base64
import datetime
import hashlib
import io
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import outbox
from core.links import absolute_url

from .models import EnrolmentLink, Role

# Everyone who can see case data, and the administrator (who holds the keys to user accounts).
SECOND_FACTOR_ROLES = (Role.BUSINESS_MANAGER, Role.PANEL_MEMBER, Role.AGENCY_CONTRIBUTOR, Role.ADMINISTRATOR)
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def second_factor_required(user):
    """True when the user's role demands a second factor (Board members may choose one)."""
    return user.role in SECOND_FACTOR_ROLES


def is_verified(user):
    checker = getattr(user, "is_verified", None)
    return bool(checker and checker())


def needs_verification(user):
    """Must this logged-in user pass a second factor before a role rule lets them in?
    Their role demands it, or they chose to enrol one."""
    if is_verified(user):
        return False
    return second_factor_required(user) or user_has_device(user, confirmed=True)


def safe_next(request, candidate, default="home"):
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def next_step_url(user, next_url):
    """Where to send a logged-in but unverified user: verify if they have a device, else enrol."""
    name = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def totp_device_for_enrolment(user):
    """The user's unconfirmed authenticator device, made on first visit (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device):
    return base64.b32encode(device.bin_key).decode()


def qr_svg(text):
    """The QR code for `text` as an inline <svg> element (no script, no style attribute)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


@transaction.atomic
def totp_confirm(*, request, device, token):
    """Confirm an enrolment with the first code the app shows; on success the session is verified.
    Returns the new backup codes (shown once), or None if the code was wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    codes = backup_codes_renew(user=request.user)
    second_factor_passed(request=request, device=device)
    return codes


def second_factor_passed(*, request, device):
    """Mark the session verified and give it a new key: a session id seen before the second factor
    (on a shared screen, in a proxy log) must not become a verified session."""
    otp_login(request, device)
    request.session.cycle_key()


@transaction.atomic
def backup_codes_renew(*, user):
    """Replace the user's backup codes with a fresh set; each works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_verify(*, request, token):
    """Check a code against the user's devices: six digits go to the authenticator app, anything
    else is tried as a backup code. A code works once (django-otp keeps the last time step used and
    deletes a spent backup code) and failures slow further tries (django-otp throttling).
    Returns True and marks the session verified on success."""
    token = "".join(token.split()).lower()
    user = request.user
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
    for device in devices:
        if device.verify_token(token):
            second_factor_passed(request=request, device=device)
            return True
    return False


# --- Enrolment links -------------------------------------------------------------------------
# The session keys: a link opened before logging in waits in the session for the password step;
# a link used by the logged-in user opens enrolment for this session only.
ENROLMENT_TOKEN_SESSION_KEY = "enrolment_token"
ENROLMENT_GRANTED_SESSION_KEY = "enrolment_granted_for"
ENROLMENT_SENT_SESSION_KEY = "enrolment_link_sent"


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrolment_link_send(*, user):
    """E-mail `user` a new enrolment link (valid once, for ENROLMENT_LINK_MINUTES); earlier unused
    links stop working."""
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    link = EnrolmentLink.objects.create(
        user=user,
        token_hash=_token_hash(token),
        expires_at=now + datetime.timedelta(minutes=settings.ENROLMENT_LINK_MINUTES),
    )
    outbox.queue(
        key=f"enrolment_link:{link.pk}",
        kind="enrolment_link",
        to=user.email,
        subject="Set up two-factor authentication for PSCB Audit",
        template="accounts/email/enrolment_link",
        context={
            "link": absolute_url("otp_enrol", token=token),
            "minutes": settings.ENROLMENT_LINK_MINUTES,
        },
        recipient=user,
    )
    return link


@transaction.atomic
def enrolment_link_use(*, request, token):
    """Spend the link `token` for the logged-in user: True when it was theirs, unused and in time;
    enrolment is then open for this session."""
    link = (
        EnrolmentLink.objects.select_for_update()
        .filter(token_hash=_token_hash(token), user=request.user)
        .first()
    )
    if link is None or not link.is_usable:
        return False
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    request.session[ENROLMENT_GRANTED_SESSION_KEY] = request.user.pk
    return True


def enrolment_link_state(token):
    """'ok', 'expired' or 'invalid' for an enrolment token, whoever asks (no user is revealed)."""
    link = EnrolmentLink.objects.filter(token_hash=_token_hash(token)).first()
    if link is None:
        return "invalid"
    return "ok" if link.is_usable else "expired"


def enrolment_open(request):
    return request.session.get(ENROLMENT_GRANTED_SESSION_KEY) == request.user.pk
