"""Abstract model bases shared by every app, and the one table of the service itself: the text of
the footer pages (ServicePage)."""

from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    """When a row was created and last saved (set by Django, never typed)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ServicePage(models.Model):
    """The text of a page every footer links to (accessibility statement, privacy notice, help and
    contact), as the Business Manager last edited it. A page never edited shows core.pages' default."""

    slug = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.title
