"""Role grants: who may see case data is decided in the app by a Business Manager, never in the
administration site, and every grant is recorded and announced to all Business Managers."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from core import outbox
from core.links import site_parts

from .forms import PasswordResetForm
from .models import Role, RoleGrant, User
from .permissions import security_log


def business_managers():
    return User.objects.filter(role=Role.BUSINESS_MANAGER, is_active=True).order_by("pk")


def _announce(grant):
    for manager in business_managers():
        outbox.queue(
            key=f"role_grant:{grant.pk}:{manager.pk}",
            kind="role_grant",
            to=manager.email,
            subject=f"Role change: {grant.user.full_name} is now {grant.get_role_display()}",
            template="accounts/email/role_grant",
            context={"grant": grant},
            about=grant,
            recipient=manager,
        )


@transaction.atomic
def role_grant(*, user, role, agency=None, actor, reason):
    """Set `user`'s role (and agency, for a contributor). Only a Business Manager grants, never to
    themselves; the grant is recorded with the reason and e-mailed to every Business Manager."""
    reason = (reason or "").strip()
    errors = {}
    if actor is None or actor.role != Role.BUSINESS_MANAGER or not actor.is_active:
        raise PermissionError("Only a Business Manager grants roles.")
    if actor.pk == user.pk:
        errors["user"] = "Nobody changes their own role: ask another Business Manager."
    if not reason:
        errors["reason"] = "Say why this person needs this role."
    if role == Role.AGENCY_CONTRIBUTOR and agency is None:
        errors["agency"] = "An agency contributor must belong to an agency."
    if errors:
        raise ValidationError(errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    agency = agency if role == Role.AGENCY_CONTRIBUTOR else None
    if user.role == role and user.agency_id == getattr(agency, "pk", None):
        raise ValidationError({"role": f"{user.full_name} already has this role."})
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        previous_role=user.role,
        agency=agency,
        previous_agency=user.agency,
        granted_by=actor,
        reason=reason,
    )
    user.role = role
    user.agency = agency
    user.is_staff = role == Role.ADMINISTRATOR
    user.save(update_fields=["role", "agency", "is_staff", "updated_at"])
    security_log.info(
        "role_granted user_id=%s role=%s previous=%s by=%s", user.pk, role, grant.previous_role, actor.pk
    )
    _announce(grant)
    return grant


@transaction.atomic
def business_manager_create_first(*, email, full_name, job_title=""):
    """The very first Business Manager, made on the server (manage.py create_business_manager): there is
    nobody yet to grant the role in the app. Refused once any Business Manager exists. The password is
    random and never shown: the user chooses their own through the reset e-mail sent now."""
    if User.objects.filter(role=Role.BUSINESS_MANAGER).exists():
        raise ValidationError(
            "A Business Manager already exists: further Business Managers are granted in the app."
        )
    user = User.objects.create_user(
        email=email,
        password=secrets.token_urlsafe(32),
        full_name=full_name,
        job_title=job_title,
        role=Role.BUSINESS_MANAGER,
    )
    grant = RoleGrant.objects.create(
        user=user,
        role=Role.BUSINESS_MANAGER,
        granted_by=None,
        reason="First Business Manager, created on the server with manage.py create_business_manager.",
    )
    _announce(grant)
    site = site_parts()
    form = PasswordResetForm({"email": user.email})
    form.is_valid()
    form.save(domain_override=site.netloc, use_https=site.scheme == "https")
    return user
