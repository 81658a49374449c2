from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import business_manager_create_first


class Command(BaseCommand):
    help = (
        "Create the very first Business Manager, on the server. Refused once one exists: every later "
        "role that sees case data is granted in the app by a Business Manager. The new user sets their "
        "password from the e-mail sent now, then enrols their second factor from a link sent on first log-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("full_name")
        parser.add_argument("--job-title", default="PSCB Business Manager")

    def handle(self, *args, email, full_name, job_title, **options):
        try:
            user = business_manager_create_first(email=email, full_name=full_name, job_title=job_title)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Business Manager {user.full_name} <{user.email}> created; a password link was e-mailed."
            )
        )
