from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.demo import DEMO_PASSWORD, USERS
from accounts.models import Role, User
from accounts.two_factor import second_factor_required
from core.links import site_root

DEMO_DEVICE_NAME = "Demo one-time codes"


class Command(BaseCommand):
    help = (
        "Print one demo login per role, and one per agency for the agency contributors, each with a "
        "fresh one-time second-factor code (run it again for new codes). Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo logins are for development. Use --force to print them with DEBUG off.")
        shown = set()
        self.stdout.write("")
        self.stdout.write(
            f"{settings.SERVICE_NAME} demo on {site_root()}/ — one login per role, and one per "
            f"agency for contributors (password for all: {DEMO_PASSWORD})"
        )
        rows = []
        for email, _name, role, agency, _title in USERS:
            # A contributor sees only their own agency's returns: one login for each agency.
            key = (role, agency) if role == Role.AGENCY_CONTRIBUTOR else role
            if key in shown:
                continue
            shown.add(key)
            rows.append((list(Role.values).index(role), agency or "", email, role))
        for _order, agency, email, role in sorted(rows):
            label = Role(role).label + (f" ({agency})" if agency else "")
            user = User.objects.get(email=email)
            code = self._one_time_code(user) if second_factor_required(user) else "(no second factor needed)"
            self.stdout.write(f"  {label:<58} {email:<30} code {code}")
        self.stdout.write(
            "  The code is the second factor: each works once (`manage.py demo_logins` prints new ones). "
            "Set up an authenticator app under 'Two-factor authentication' once signed in."
        )
        self.stdout.write("")

    def _one_time_code(self, user):
        """A single-use backup code on a demo device, so a new user can try every role without an
        authenticator app."""
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=DEMO_DEVICE_NAME, defaults={"confirmed": True}
        )
        code = StaticToken.random_token()
        StaticToken.objects.create(device=device, token=code)
        return code
