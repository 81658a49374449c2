"""Gunicorn settings for the image (`gunicorn --config gunicorn.conf.py`, the Dockerfile's CMD).

Worker count and timeouts may be tuned here; the limits on request lines and headers are part of
the security design (docs/security-hardening.md). The request body is bounded in front of Django by
pscb_audit.wsgi (REQUEST_BODY_MAX_BYTES), since gunicorn has no body limit of its own. No access log:
a logged URL may carry an invitee's personal link.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Request line and headers: gunicorn's own bounds, made explicit (a URL of the app is far shorter).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Trust X-Forwarded-* only from the reverse proxy in front (set to its address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
