"""The request body bound, enforced before anything reads the body.

Gunicorn limits request lines and headers but not bodies, and Django bounds only the non-file
fields (DATA_UPLOAD_MAX_MEMORY_SIZE): an upload of any size would be streamed to disk. The same
check runs as WSGI middleware around the whole application (pscb_audit.wsgi, what gunicorn serves)
and as Django middleware (first in MIDDLEWARE, for every other way the app is run).
"""

from django.conf import settings
from django.http import HttpResponse

TOO_LARGE = "The request is too large. Files and forms have size limits; see the page for them."


def _declared_length(meta):
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def body_too_large(meta):
    """True when the declared body is over REQUEST_BODY_MAX_BYTES (or the length is not a number)."""
    length = _declared_length(meta)
    return length is None or length > settings.REQUEST_BODY_MAX_BYTES


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if body_too_large(request.META):
            return HttpResponse(TOO_LARGE, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestBodyLimitWSGI:
    """The same bound in front of Django: a too-large body is refused before Django starts on it."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if body_too_large(environ):
            body = TOO_LARGE.encode()
            start_response(
                "413 Content Too Large",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("Connection", "close"),
                ],
            )
            return [body]
        return self.application(environ, start_response)
