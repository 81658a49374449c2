"""Absolute links for what leaves the site (e-mails, calendar files): one way to build them.

Pages link relatively; an e-mail has no page around it, so its links start with settings.SITE_URL.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def site_root():
    """SITE_URL without a trailing slash: 'https://audit.example.org'."""
    return settings.SITE_URL.rstrip("/")


def site_parts():
    """SITE_URL split (scheme, netloc …): for Django's password reset e-mail, which takes a domain."""
    return urlsplit(settings.SITE_URL)


def site_host():
    """The host name of SITE_URL ('audit.example.org'), for identifiers such as calendar UIDs."""
    return site_parts().hostname or "localhost"


def absolute_url(path_or_name, **kwargs):
    """The absolute URL of a path ('/cases/1/') or of a URL name with its keyword arguments
    (absolute_url('cases:return_detail', return_pk=4)). A path takes no arguments."""
    if path_or_name.startswith("/"):
        if kwargs:
            raise TypeError("absolute_url() takes keyword arguments only with a URL name, not a path.")
        path = path_or_name
    else:
        path = reverse(path_or_name, kwargs=kwargs or None)
    return site_root() + path
