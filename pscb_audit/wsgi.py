import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pscb_audit.settings")

from pscb_audit.limits import RequestBodyLimitWSGI  # noqa: E402 (needs settings configured)

application = RequestBodyLimitWSGI(get_wsgi_application())
