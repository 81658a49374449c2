"""Production settings: everything from settings.py, hardened. Refuses to start without a real secret."""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import INSECURE_DEV_SECRET_KEY, STORAGES, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# Database connections are kept for a minute and health-checked (CONN_HEALTH_CHECKS in settings.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
# Static files: collectstatic writes hashed names (the manifest) and gzip and brotli copies; whitenoise
# serves a hashed file with "max-age=315360000, public, immutable" (its name changes whenever its
# content does) and anything else for WHITENOISE_MAX_AGE seconds.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = env.int("WHITENOISE_MAX_AGE", default=60 * 60)
