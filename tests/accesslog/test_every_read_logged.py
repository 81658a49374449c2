"""Every page or download that shows case data writes an access-log entry naming what was read, the
case (where there is one) and whether it was viewed or downloaded.

READS lists each kind of read with a persona allowed to make it; NOT_CASE_DATA lists, with a reason,
the readable pages of the case-data apps that show none. A new readable URL in those apps that is in
neither list fails `test_every_readable_page_is_classified`, so it cannot ship unlogged by accident.
"""

import pytest
from django.urls import reverse

from accesslog.models import AccessLogEntry, path_without_secrets
from tests.authz import test_matrix as matrix
from tests.helpers import login

pytestmark = pytest.mark.django_db

VIEW, DOWNLOAD, EXPORT = (
    AccessLogEntry.Action.VIEW,
    AccessLogEntry.Action.DOWNLOAD,
    AccessLogEntry.Action.EXPORT,
)

# url name, persona, what, action, the case the entry names (attribute of the cast, or None)
READS = [
    ("cases:audit_detail", "panel", "audit", VIEW, None),
    ("cases:audit_cases", "panel", "audit_cases", VIEW, None),
    ("cases:audit_returns", "panel", "audit_returns", VIEW, None),
    ("cases:audit_grades", "panel", "audit_grades", VIEW, None),
    ("cases:audit_panel", "panel", "audit_panel", VIEW, None),
    ("cases:audit_meetings", "panel", "audit_meetings", VIEW, None),
    ("cases:audit_findings", "panel", "audit_findings", VIEW, None),
    ("cases:audit_recommendations", "panel", "audit_recommendations", VIEW, None),
    ("cases:audit_assurance", "panel", "audit_assurance", VIEW, None),
    ("cases:case_detail", "panel", "case", VIEW, "case"),
    ("cases:case_detail", "panel", "identifying_terms", VIEW, "case"),
    ("cases:case_edit", "bm", "case", VIEW, "case"),
    ("cases:return_request", "bm", "case", VIEW, "case"),
    ("cases:return_detail", "contributor", "return", VIEW, "case"),
    ("cases:return_edit", "contributor", "return", VIEW, "case"),
    ("cases:return_import", "contributor", "return", VIEW, "case"),
    ("cases:case_timeline", "panel", "timeline", VIEW, "case"),
    ("reviews:case_review", "panel", "case_review", VIEW, "case"),
    ("reviews:note_edit", "panel", "case_note", VIEW, "case"),
    ("reviews:case_pack_pdf", "panel", "case_pack", DOWNLOAD, "case"),
    ("reviews:case_pack_status", "panel", "case_pack_status", VIEW, "case"),
    ("reviews:meeting_detail", "panel", "meeting", VIEW, "case"),
    ("reviews:meeting_edit", "bm", "meeting", VIEW, "case"),
    ("reviews:meeting_create", "bm", "case", VIEW, "case"),
    ("reviews:invitation_edit", "bm", "meeting", VIEW, "case"),
    ("reviews:invitation_remove", "bm", "meeting", VIEW, "case"),
    ("cases:term_remove", "bm", "identifying_terms", VIEW, "case"),
    ("cases:return_submit", "contributor", "return", VIEW, "case"),
    ("reviews:learning_point_delete", "panel", "learning_point", VIEW, "case"),
    ("reports:build_publish", "bm", "report_leak_hits", VIEW, None),
    ("reviews:invitation_respond", "anon", "invitation", VIEW, "case"),
    ("reviews:findings", "panel", "findings", VIEW, "case"),
    ("reviews:learning_point_edit", "panel", "learning_point", VIEW, "case"),
    ("reviews:action_edit", "panel", "agency_action", VIEW, "case"),
    ("reviews:action_list", "contributor", "agency_actions", VIEW, None),
    ("reviews:action_respond", "contributor", "agency_action", VIEW, "case"),
    ("recommendations:recommendation_detail", "contributor", "recommendation", VIEW, None),
    ("recommendations:recommendation_respond", "contributor", "recommendation", VIEW, None),
    ("recommendations:evidence_download", "bm", "recommendation_evidence", DOWNLOAD, None),
    ("recommendations:tracker_export_csv", "board", "recommendation_tracker_csv", EXPORT, None),
    ("recommendations:tracker_export_xlsx", "bm", "recommendation_tracker_xlsx", EXPORT, None),
    ("reports:report_detail", "panel", "report", VIEW, None),
    ("audittools:return_tool", "contributor", "return_tool", VIEW, "case"),
    ("audittools:grades_export", "panel", "grades_csv", EXPORT, None),
    ("reviews:concern_raise", "panel", "concern_raise", VIEW, "case"),
    ("reviews:concern_detail", "contributor", "safeguarding_concern", VIEW, "case"),
    ("reviews:concern_list", "panel", "safeguarding_concerns", VIEW, None),
    ("reports:build_status", "bm", "report_leak_hits", VIEW, None),
    ("reports:build_preview", "panel", "report_draft", DOWNLOAD, None),
    ("reports:hit_override", "bm", "leak_hit", VIEW, "case"),
    ("reports:version_download", "board", "report_version", DOWNLOAD, None),
]

NOT_CASE_DATA = {
    "cases:panel_remove": "confirmation page: the panel member's name and role, the audit's title",
    "audittools:section_delete": "confirmation page: a tool section's title (tools hold no case data)",
    "audittools:question_delete": "confirmation page: a tool question's words (tools hold no case data)",
    "cases:audit_list": "titles and counts of the user's audits",
    "cases:audit_create": "an empty form",
    "cases:audit_edit": "the audit's own title, theme and purpose",
    "cases:case_create": "an empty form under the audit's title",
    "cases:portal": "the agency's own to-do list of return requests (each return page is logged)",
    "cases:return_template_csv": "a blank template",
    "cases:return_template_xlsx": "a blank template",
    "recommendations:board_home": "counts by RAG state",
    "recommendations:tracker": "recommendation text and state, no case data (exports are logged)",
    "recommendations:meeting_list": "Board meeting dates",
    "recommendations:meeting_edit": "a Board meeting date",
    "recommendations:recommendation_create": "an empty form",
    "recommendations:recommendation_edit": "the recommendation's own text, no responses",
    "reports:framing_edit": "the report's framing text",
    "audittools:tool_list": "audit tools: questions, no case data",
    "audittools:tool_detail": "an audit tool's questions, no case data",
    "audittools:question_edit": "one question of an audit tool",
    "audittools:audit_tool_edit": "the audit's choice of tool",
}

APPS = ("cases", "reviews", "recommendations", "reports", "audittools")


@pytest.mark.parametrize(
    "url_name,persona,what,action,case_attr", READS, ids=[f"{r[0]}:{r[2]}" for r in READS]
)
def test_each_kind_of_read_is_logged(client, full_cast, url_name, persona, what, action, case_attr):
    assert persona in matrix.RULES[url_name].get, "the persona must be one the matrix allows"
    user = None if persona == "anon" else getattr(full_cast, persona)
    if user is not None:
        login(client, user)
    url = matrix.matrix_url(url_name, full_cast)
    before = AccessLogEntry.objects.count()
    response = client.get(url, HTTP_USER_AGENT="Test browser", REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200, response.status_code
    assert AccessLogEntry.objects.count() > before
    # A secret in the URL (an invitee's personal link) is logged as its route, never itself.
    logged = path_without_secrets(url)
    entry = AccessLogEntry.objects.filter(what=what, path__startswith=logged).order_by("-pk").first()
    assert entry is not None, f"no {what!r} entry for {url}"
    assert entry.user == user
    assert entry.action == action
    across_audits = what in (
        "agency_actions",
        "recommendation_tracker_csv",
        "recommendation_tracker_xlsx",
        "safeguarding_concerns",
    )
    assert entry.audit_id == (None if across_audits else full_cast.audit.pk)
    assert entry.case_id == (getattr(full_cast, case_attr).pk if case_attr else None)
    assert (entry.ip_address, entry.user_agent) == ("10.9.8.7", "Test browser")


def test_a_failed_form_that_shows_the_page_again_is_logged(client, full_cast):
    """A POST that fails validation re-renders the record: that is a read too."""
    login(client, full_cast.panel)
    url = reverse(
        "recommendations:recommendation_comment", kwargs={"recommendation_pk": full_cast.recommendation.pk}
    )
    assert client.post(url, {"body": ""}).status_code == 400
    assert AccessLogEntry.objects.filter(user=full_cast.panel, what="recommendation", path=url).exists()
    login(client, full_cast.bm)
    url = reverse("reviews:invitation_add", kwargs={"meeting_pk": full_cast.meeting.pk})
    assert client.post(url, {"name": ""}).status_code == 400
    entry = AccessLogEntry.objects.get(user=full_cast.bm, what="meeting", path=url)
    assert entry.case_id == full_cast.case.pk


def test_every_readable_page_is_classified():
    readable = {
        name
        for name, rule in matrix.RULES.items()
        if name.split(":")[0] in APPS and rule.get and rule.get != {"anon"}
    }
    logged = {r[0] for r in READS}
    assert not logged & set(NOT_CASE_DATA), "a URL is in both lists"
    unclassified = sorted(readable - logged - set(NOT_CASE_DATA))
    assert not unclassified, f"Readable pages neither logged nor declared free of case data: {unclassified}"
