"""The pages of one audit, in the order of its stages: the sub-navigation every one of them shows."""

from django.urls import reverse

# The audit's pages in the order of its stages: (url name, label). The report's page is the
# reports app's own (it has always been a page of its own); the overview links to it as a stage.
AUDIT_PAGES = (
    ("cases:audit_detail", "Overview"),
    ("cases:audit_cases", "Cases"),
    ("cases:audit_returns", "Returns"),
    ("cases:audit_grades", "Audit tool and grades"),
    ("cases:audit_panel", "Panel and case packs"),
    ("cases:audit_meetings", "Meetings"),
    ("cases:audit_findings", "Findings"),
    ("cases:audit_recommendations", "Recommendations"),
    ("reports:report_detail", "Report"),
    ("cases:audit_assurance", "Assurance"),
)


def audit_pages_nav(audit, current):
    """The audit's sub-navigation: each page's label, address and whether it is this one (no query)."""
    return [
        {"label": label, "url": reverse(name, kwargs={"audit_pk": audit.pk}), "current": name == current}
        for name, label in AUDIT_PAGES
    ]
