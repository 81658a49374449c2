from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in by e-mail address, whatever case it is typed in (addresses are stored lower-case)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)


def axes_username(request, credentials):
    """The username django-axes counts failures against: the address as EmailBackend compares it,
    so that 'BM@x' and 'bm@x ' share one counter."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return (username or "").strip().lower()
