# The recommendation's own activity log was named RecommendationEvent, like the change-history event
# model history.RecommendationEvent: it keeps its rows and columns under a name of its own.

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0002_comments_evidence_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="RecommendationEvent", new_name="RecommendationActivity"),
    ]
