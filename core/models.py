"""Abstract model bases shared by every app. No tables of its own."""

from django.db import models


class TimeStamped(models.Model):
    """When a row was created and last saved (set by Django, never typed)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
