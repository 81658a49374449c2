"""After 'Fix the text': a successful save in the editor goes back to the report page.

The report page links each hit to its editor with ``?leak_hit=<id>&next=<report page>``; the editors'
forms post to their own URL, query string included. When such a post succeeds (the view redirects),
the redirect goes to ``next`` instead, if it is a path on this site. A failed save re-renders the
form, with the hit still highlighted."""

from .context_processors import safe_next


class LeakFixReturnMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and "leak_hit" in request.GET
            and response.status_code in (301, 302, 303)
            and (target := safe_next(request))
        ):
            response["Location"] = target
        return response
