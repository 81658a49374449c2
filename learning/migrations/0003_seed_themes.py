"""The list of themes a Partnership starts with (the Business Manager renames, merges or adds)."""

from django.db import migrations

from learning.models import SEED_THEMES


def seed(apps, schema_editor):
    Theme = apps.get_model("learning", "Theme")
    for name, description in SEED_THEMES:
        if not Theme.objects.filter(name__iexact=name).exists():
            Theme.objects.create(name=name, description=description)


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_postgres_search")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
