"""The permission table: every "may this user do X" rule of the service, once, as a predicate.

Two kinds of rule live here and nowhere else:

- **Role rules** (`ROLE_RULES`): which *kind* of page a role may open. Views declare theirs with
  `@permission_required("name")`; templates ask `{% if user|may:"name" %}` (the `may` filter, a
  template builtin), so the navigation shows exactly the links the views will honour.
- **Object rules** (`can_edit_return(user, r)`, `can_publish(user, build)` ...): what a user may do to
  one object in its current state. Services raise PermissionDenied on them where they enforce; views
  pass their answers to templates (`"can_edit": can_edit_return(user, r)`), never a copy of the rule.

Which *objects* a user sees is decided by the accessors and selectors of each app, which scope every
queryset by the user (an object outside the scope is a 404). The authorisation-matrix test
(tests/authz) reads this table: for every URL it checks that the view's declared rule agrees with
what each persona actually gets, so the table and the behaviour cannot drift apart.

Predicates never query the domain apps by import (accounts sits below them); object rules follow the
object's own relations (`audit.panel_memberships`).
"""

import logging
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role
from .two_factor import needs_verification

security_log = logging.getLogger("pscb_audit.security")

BM, PANEL, CONTRIBUTOR, BOARD, QA, ADMIN = (
    Role.BUSINESS_MANAGER,
    Role.PANEL_MEMBER,
    Role.AGENCY_CONTRIBUTOR,
    Role.BOARD_MEMBER,
    Role.QUALITY_ASSURANCE,
    Role.ADMINISTRATOR,
)
# Roles that may ever see case data (granted in the app by a Business Manager, never in the admin).
CASE_DATA_ROLES = (BM, PANEL, CONTRIBUTOR)


# --- Role rules -----------------------------------------------------------------------------
# name -> (roles, what it covers). A page's view names one of these; the `may` filter reads them.

ROLE_RULES = {
    "use_service": (
        tuple(Role.values),
        "Pages every logged-in user may open: home, their own account, reminder settings.",
    ),
    "manage_audits": (
        (BM,),
        "Setting up audits, cases, panels and the register; requesting, accepting and sending back "
        "returns; meetings; recommendations; building and publishing reports; reminders, retention, "
        "roles and audit tools.",
    ),
    "read_cases": (
        (BM, PANEL),
        "Reading audits and cases, their review, timeline and findings (panel members: their panels).",
    ),
    "read_case_data": (
        CASE_DATA_ROLES,
        "Returns, agency actions, safeguarding concerns and recommendation pages, each scoped: "
        "contributors to their own agency, panel members to their panels.",
    ),
    "work_on_returns": (
        (BM, CONTRIBUTOR),
        "Completing a return: its agency's contributors, or the Business Manager on their behalf.",
    ),
    "use_agency_portal": ((CONTRIBUTOR,), "The agency portal: the agency's own returns and actions."),
    "comment_on_recommendations": (
        (BM, PANEL),
        "Comments on recommendations: the Business Manager and panel.",
    ),
    "read_published": (
        (BOARD, BM, PANEL, CONTRIBUTOR),
        "Published reports, the Board's home and the recommendation tracker: everyone but the administrator.",
    ),
    "download_published_reports": (
        (BOARD, BM, PANEL, CONTRIBUTOR, QA),
        "Downloading a published report (each scoped by reports.selectors.published_audit_list_for_user); "
        "quality assurance reads published reports too.",
    ),
    "read_learning": (
        (BOARD, BM, PANEL, CONTRIBUTOR, QA),
        "The learning library, recurring themes and the programme, each scoped: everyone but the administrator.",
    ),
    "sit_on_board": ((BOARD,), "The Board's own pages in the navigation."),
    "read_access_log": ((BM, ADMIN), "Searching and exporting the access log."),
    "manage_service": ((BM, ADMIN), "The Manage page: the pages for running the service."),
}


def has_role(user, *roles):
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) in roles
    )


def allows(user, name):
    """The answer of role rule `name` for `user` (False for anonymous or inactive users)."""
    try:
        roles, _doc = ROLE_RULES[name]
    except KeyError:
        raise KeyError(
            f"No role rule named {name!r}; the rules are: {', '.join(sorted(ROLE_RULES))}"
        ) from None
    return has_role(user, *roles)


def log_denial(request, reason):
    """Record an authorisation failure. Only ids and the path: never a child's details."""
    user = getattr(request, "user", None)
    security_log.warning(
        "authorisation_denied user_id=%s role=%s method=%s path=%s reason=%s",
        getattr(user, "pk", None),
        getattr(user, "role", None),
        request.method,
        request.path,
        reason,
    )


class SecondFactorRequired(PermissionDenied):
    """The user has the role but has not passed their second factor in this session.
    accounts.middleware.SecondFactorMiddleware turns it into a redirect to verify or enrol; anywhere
    that middleware is missing it is still a PermissionDenied (403), never access."""


def check(request, name):
    """Raise PermissionDenied unless role rule `name` allows the logged-in user, and
    SecondFactorRequired unless they have passed the second factor their role (or their own choice)
    demands. Every view's rule goes through here, so this is the one place two-factor authentication
    is enforced."""

    if not allows(request.user, name):
        log_denial(request, name)
        raise PermissionDenied
    if needs_verification(request.user):
        raise SecondFactorRequired


def permission_required(name):
    """Decorate a view with its role rule: anonymous users go to the login page, a logged-in user the
    rule does not allow gets 403. The rule's name is kept on the view (`view.permission`) for the
    authorisation matrix."""
    if name not in ROLE_RULES:
        raise KeyError(f"No role rule named {name!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request, name)
            return view(request, *args, **kwargs)

        wrapped.permission = name
        return wrapped

    return decorator


def require(allowed):
    """For services: raise PermissionDenied unless the rule's answer is True."""
    if not allowed:
        raise PermissionDenied


# --- Object rules ---------------------------------------------------------------------------
# Each takes the user and the object (already scoped by an accessor) and answers for its state.


def _on_panel(user, audit, **extra):
    return has_role(user, PANEL) and audit.panel_memberships.filter(user=user, **extra).exists()


def can_read_case(user, case):
    """The Business Manager, and panel members of the case's audit."""
    return has_role(user, BM) or _on_panel(user, case.audit)


def can_review_case(user, case):
    """Notes, circulation and moderation of a case: the Business Manager and the audit's panel."""
    return can_read_case(user, case)


def can_manage_audit(user, audit=None):
    """Editing an audit, its cases, panel, register, recommendations and report: the Business Manager."""
    return has_role(user, BM)


def can_judge_case(user, case):
    """The overall judgement of a case: the Business Manager or the chair of the audit's panel."""
    return has_role(user, BM) or _on_panel(user, case.audit, is_chair=True)


def can_moderate_case(user, case):
    """Moderating an agency's self-grades: the Business Manager or the audit's panel."""
    return has_role(user, BM) or _on_panel(user, case.audit)


def can_work_on_return(user, agency_return):
    """Writing to a return, whatever its state: its agency's contributors, or the Business Manager on
    the agency's behalf."""
    return has_role(user, BM) or (has_role(user, CONTRIBUTOR) and user.agency_id == agency_return.agency_id)


def can_edit_return(user, agency_return):
    """A return (and its tool answers) can be changed while open, by those who work on it."""
    return agency_return.status in agency_return.OPEN_STATUSES and can_work_on_return(user, agency_return)


def can_read_return_content(user, agency_return):
    """The panel reads what an agency has submitted, not its drafts (the timeline follows the same rule)."""
    return not (has_role(user, PANEL) and agency_return.status in agency_return.OPEN_STATUSES)


def can_review_return(user, agency_return=None):
    """Accepting or sending back a submitted return: the Business Manager."""
    return has_role(user, BM)


def can_raise_concern(user, case):
    """An immediate safeguarding concern about a case: the Business Manager, the audit's panel, or a
    contributor of an agency asked for a return on the case."""
    if has_role(user, BM):
        return True
    if has_role(user, PANEL):
        return _on_panel(user, case.audit)
    if has_role(user, CONTRIBUTOR) and user.agency_id:
        return case.returns.filter(agency_id=user.agency_id).exists()
    return False


def can_respond_to_concern(user, concern):
    """The agency that must act on a concern (or the Business Manager for it) acknowledges it."""
    return has_role(user, BM) or (has_role(user, CONTRIBUTOR) and user.agency_id == concern.agency_id)


def can_resolve_concern(user, concern):
    """The Business Manager or the audit's panel closes a concern."""
    return has_role(user, BM) or _on_panel(user, concern.case.audit)


def can_comment_on_recommendation(user, recommendation=None):
    return has_role(user, BM, PANEL)


def can_decide_recommendation(user, recommendation=None):
    """Assuring, closing or changing a recommendation's status: the Business Manager."""
    return has_role(user, BM)


def can_respond_to_recommendation(user, recommendation):
    """An owner agency's contributors respond until the recommendation is assured or closed."""
    return has_role(user, CONTRIBUTOR) and recommendation.status not in (
        recommendation.Status.ASSURED,
        recommendation.Status.CLOSED,
    )


def can_open_recommendation(user, recommendation=None):
    """A recommendation's own page (responses, evidence); the Board reads the tracker instead."""
    return has_role(user, *CASE_DATA_ROLES)


def can_publish(user, build, *, stale, blocking=None):
    """A draft report can be published by the Business Manager when it is finished, is the newest
    draft of its audit, has no unresolved leak-guard hit, is not stale and is not yet published.
    `stale` (reports.services.build_is_stale: the report app owns that rule) must be given;
    `blocking` may be given when the caller has already counted the unresolved hits."""
    if build is None or not has_role(user, BM):
        return False
    if build.status != build.Status.DONE or hasattr(build, "version"):
        return False
    if stale:
        return False
    if blocking is None:
        blocking = build.hits.filter(overridden_at__isnull=True).exists()
    if blocking:
        return False
    # Publish what was last checked: a newer draft of the same audit wins.
    return not build.__class__.objects.filter(
        audit_id=build.audit_id, created_at__gt=build.created_at
    ).exists()


def can_override_leak_hit(user, hit=None):
    """Overriding a pattern hit as a false positive: the Business Manager."""
    return has_role(user, BM)


def can_see_history(user, obj=None):
    """The change history of a record: the Business Manager."""
    return has_role(user, BM)


def can_grant_roles(user):
    """Giving someone a role that sees case data: an active Business Manager, in the app."""
    return has_role(user, BM)


# Object rules by name, for the matrix test and for documentation.
OBJECT_RULES = {
    fn.__name__: fn
    for fn in (
        can_read_case,
        can_review_case,
        can_manage_audit,
        can_judge_case,
        can_moderate_case,
        can_work_on_return,
        can_edit_return,
        can_read_return_content,
        can_review_return,
        can_raise_concern,
        can_respond_to_concern,
        can_resolve_concern,
        can_comment_on_recommendation,
        can_decide_recommendation,
        can_respond_to_recommendation,
        can_open_recommendation,
        can_publish,
        can_override_leak_hit,
        can_see_history,
        can_grant_roles,
    )
}


# Older decorator names for the same role rules (branches in flight still use them; new views name
# the rule: `@permission_required("manage_audits")`).
business_manager_required = permission_required("manage_audits")
case_reader_required = permission_required("read_cases")
agency_contributor_required = permission_required("use_agency_portal")
return_worker_required = permission_required("work_on_returns")
board_reader_required = permission_required("read_published")
access_log_reader_required = permission_required("read_access_log")
any_role_required = permission_required("use_service")
