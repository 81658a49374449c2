"""Authorisation rules for audit tools, answers on returns, moderation, the grades export, and
immediate safeguarding concerns."""

from .rule import Rule

BM = {"bm"}
READERS = {"bm", "panel"}
CONCERN_USERS = {"bm", "panel", "panel_other", "contributor", "contributor_other"}

RULES = {
    # The tool library and builder: the Business Manager only
    "audittools:tool_list": Rule(get=BM),
    "audittools:tool_detail": Rule(get=BM),
    "audittools:tool_copy": Rule(get=None, post=BM),
    "audittools:section_add": Rule(get=None, post=BM),
    "audittools:section_delete": Rule(get=BM),
    "audittools:question_add": Rule(get=None, post=BM),
    "audittools:question_edit": Rule(get=BM),
    "audittools:question_delete": Rule(get=BM),
    "audittools:audit_tool_edit": Rule(get=BM),
    # Grades of an audit: the Business Manager and the audit's panel
    "audittools:grades_export": Rule(get=READERS),
    # The return's tool page: its agency and the BM write; the audit's panel reads
    "audittools:return_tool": Rule(get={"bm", "panel", "contributor"}, post={"bm", "contributor"}),
    # Moderation and the overall judgement: the BM and the audit's panel
    "audittools:grade_moderate": Rule(get=None, post=READERS),
    "audittools:case_judgement": Rule(get=None, post=READERS),
    # Concerns: raised by reviewers or a contributor whose agency has a return on the case
    "reviews:concern_raise": Rule(get={"bm", "panel", "contributor"}),
    "reviews:concern_list": Rule(get=CONCERN_USERS),
    "reviews:concern_detail": Rule(get={"bm", "panel", "contributor"}),
    "reviews:concern_acknowledge": Rule(get=None, post={"bm", "contributor"}),
    "reviews:concern_resolve": Rule(get=None, post=READERS),
}


def extend_cast(cast):
    from audittools.models import Tool
    from audittools.services import audit_tool_choose, question_add, section_add, tool_create
    from tests.factories import ReturnAnswerFactory, SafeguardingConcernFactory

    cast.tool = tool_create(actor=cast.bm, name="Neglect audit tool")
    cast.section = section_add(tool=cast.tool, actor=cast.bm, title="Recognition of neglect")
    cast.question = question_add(
        section=cast.section, actor=cast.bm, text="Grade recognition of neglect.", answer_type="grade"
    )
    audit_tool_choose(audit=cast.audit, tool=Tool.objects.get(library_key="generic-macfa"), actor=cast.bm)
    cast.answer = ReturnAnswerFactory(agency_return=cast.agency_return)
    cast.concern = SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel)


KWARGS = {
    "tool_pk": lambda cast: cast.tool.pk,
    "section_pk": lambda cast: cast.section.pk,
    "question_pk": lambda cast: cast.question.pk,
    "answer_pk": lambda cast: cast.answer.pk,
    "concern_pk": lambda cast: cast.concern.pk,
}
