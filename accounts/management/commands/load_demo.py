import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app that has demo data keeps it in <app>/demo.py with load(world); they run in this order
# and share `world`, a dict of what earlier steps made.
DEMO_APPS = [
    "accounts",
    "cases",
    "reviews",
    "audittools",
    "recommendations",
    "notifications",
    "reports",
    "learning",
    "accesslog",
]


class Command(BaseCommand):
    help = "Load the fictional demo audit (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow loading with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development. Use --force to load it with DEBUG off.")
        world = {}
        with transaction.atomic():
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.load(world)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
