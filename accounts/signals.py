import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from .middleware import AUTH_STARTED_KEY
from .sessions import sessions_end_for_user


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_STARTED_KEY] = int(time.time())


@receiver(post_save, sender=get_user_model())
def _end_sessions_of_deactivated_user(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        sessions_end_for_user(user=instance)
