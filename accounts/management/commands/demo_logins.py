from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, USERS
from accounts.models import Role


class Command(BaseCommand):
    help = "Print one demo login per role."

    def handle(self, *args, **options):
        shown = set()
        self.stdout.write("")
        self.stdout.write(
            f"PSCB Audit demo on {settings.SITE_URL}/ — one login per role "
            f"(password for all: {DEMO_PASSWORD})"
        )
        for email, _name, role, agency, _title in USERS:
            if role in shown:
                continue
            shown.add(role)
            label = Role(role).label + (f" ({agency})" if agency else "")
            self.stdout.write(f"  {label:<58} {email}")
        self.stdout.write(
            "  Second factor: every role but Board member sets up an authenticator app at first log-in "
            "(the key is shown as text too; `oathtool --totp -b KEY` prints a code)."
        )
        self.stdout.write("")
