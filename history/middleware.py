import pghistory
from django.db import connection


class HistoryContextMiddleware:
    """Names the actor (user id) and the page in the pghistory context, so every event the triggers
    write during this request says who made it. PostgreSQL only: the context is passed to the
    triggers as SQL session variables, and SQLite has neither."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        with pghistory.context(user=user_id, url=request.path[:300]):
            return self.get_response(request)
