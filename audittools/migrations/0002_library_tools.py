from django.db import migrations
from django.utils import timezone


def install_library(apps, schema_editor):
    from audittools import library

    names = ("Tool", "ToolVersion", "ToolSection", "ToolQuestion")
    library.install(*(apps.get_model("audittools", n) for n in names), now=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("audittools", "0001_tools_answers_moderation")]

    operations = [migrations.RunPython(install_library, migrations.RunPython.noop)]
