"""Helpers for the agency-return tests: the POST a browser sends from the return edit page."""

ROW_FIELDS = (
    "id",
    "date",
    "date_precision",
    "time",
    "what_happened",
    "who_involved",
    "source",
    "significance",
)


def edit_post(agency_return, *, action="save", version=None, fields=None, rows=()):
    """The form data of the return edit page, as a browser without JavaScript sends it."""
    data = {
        "action": action,
        "version": agency_return.version if version is None else version,
        "entries-TOTAL_FORMS": len(rows),
        "entries-INITIAL_FORMS": len(rows),
        "entries-MIN_NUM_FORMS": 0,
        "entries-MAX_NUM_FORMS": 2000,
    }
    data.update(fields or {})
    for i, row in enumerate(rows):
        for name in ROW_FIELDS:
            data[f"entries-{i}-{name}"] = row.get(name, "")
        if row.get("is_key_event"):
            data[f"entries-{i}-is_key_event"] = "on"
    return data


MEETING_TEXT = {
    "involvement": "Allocated social worker from the strategy discussion onwards.",
    "policy_analysis": "Threshold procedures were followed.",
    "practice_analysis": "Visits were timely; the child was seen alone.",
    "lessons_learnt": "Share previous allegations with the police at once.",
}


def stored_rows(response):
    """The rows the edit page shows, as the browser would post them back unchanged."""
    return [dict(row) for row in response.context["rows"]]


def post_form(client, url, data):
    """POST as a browser sends a form without files: application/x-www-form-urlencoded."""
    from urllib.parse import urlencode

    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


def submit_return(client, agency_return, data):
    """Submit the way the edit page does: 'Save and check before submitting' (the POST `data`, with
    action=submit) saves and leads to the check-your-answers page, whose button submits. Returns the
    last response: the edit page with its errors (400) if the save or check was refused, else the
    redirect after the confirmation."""
    from django.urls import reverse

    response = client.post(reverse("cases:return_edit", kwargs={"return_pk": agency_return.pk}), data)
    check_url = reverse("cases:return_submit", kwargs={"return_pk": agency_return.pk})
    if response.status_code != 302:
        return response
    assert response["Location"] == check_url, response["Location"]
    page = client.get(check_url)
    assert page.status_code == 200 and "Check your answers" in page.content.decode()
    agency_return.refresh_from_db()
    return client.post(check_url, {"version": agency_return.version})
