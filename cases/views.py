from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import can_manage_audit, can_review_return, permission_required
from core.confirmation import Row, announce, confirmation_page
from core.forms import add_service_errors

from . import selectors, services
from .forms import AuditForm, CaseForm, IdentifyingTermForm, PanelMembershipForm
from .models import AgencyReturn
from .views_audit import render_audit_panel


@permission_required("read_cases")
@require_safe
def audit_list(request):
    audits = selectors.audit_list_with_counts_for_user(user=request.user)
    context = {"audits": audits}
    if can_review_return(request.user):
        # The Business Manager's to-do entries: returns submitted and waiting for review.
        queue = selectors.return_review_queue(user=request.user)
        context["review_queue"] = list(queue[:REVIEW_QUEUE_SHOWN])
        context["review_queue_total"] = queue.count()
    return render(request, "cases/audit_list.html", context)


REVIEW_QUEUE_SHOWN = 10


@permission_required("manage_audits")
def audit_create(request):
    form = AuditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.audit_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Audit created.")
            return redirect("cases:audit_detail", audit_pk=audit.pk)
    return render(request, "cases/audit_form.html", {"form": form, "title": "Create an audit"})


@permission_required("manage_audits")
def audit_edit(request, audit_pk):
    audit = selectors.audit_get_for_user_to_edit(request=request, pk=audit_pk)
    form = AuditForm(request.POST or None, instance=audit)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_update(audit=audit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Audit saved.")
            return redirect("cases:audit_detail", audit_pk=audit.pk)
    return render(request, "cases/audit_form.html", {"form": form, "audit": audit, "title": f"Edit {audit}"})


@permission_required("manage_audits")
@require_POST
def panel_add(request, audit_pk):
    # The page shown again on a refused form is the audit's panel page: the read is logged.
    audit = selectors.audit_get_for_user_to_edit(request=request, pk=audit_pk, what="audit_panel")
    form = PanelMembershipForm(request.POST, audit=audit)
    if form.is_valid():
        services.panel_member_add(audit=audit, actor=request.user, **form.cleaned_data)
        messages.success(request, "Panel member added.")
        return redirect("cases:audit_panel", audit_pk=audit.pk)
    return render_audit_panel(request, audit, form, status=400)


@permission_required("manage_audits")
@require_http_methods(["GET", "POST"])
def panel_remove(request, audit_pk, membership_pk):
    """GET: the confirmation page; POST: take the member off the panel."""
    membership = selectors.panel_membership_get_for_user_to_edit(
        request=request, audit_pk=audit_pk, pk=membership_pk
    )
    audit_url = reverse("cases:audit_panel", kwargs={"audit_pk": audit_pk})
    name = membership.user.full_name
    if request.method == "GET":
        return confirmation_page(
            request,
            caption=str(membership.audit),
            title=f"Remove {name} from the panel?",
            summary=[
                Row("Name", name),
                Row("Panel role", membership.panel_role + (" (chair)" if membership.is_chair else "")),
                Row("Audit", str(membership.audit)),
            ],
            paragraphs=[
                f"{name} will no longer see this audit's cases, returns, case reviews or report drafts.",
                "What they have already written (notes, learning points) stays, and the history records "
                "who removed them and when. You can add them to the panel again later.",
            ],
            button="Remove panel member",
            cancel_url=audit_url,
        )
    services.panel_member_remove(membership=membership, actor=request.user)
    announce(
        request,
        title=f"{name} removed from the panel",
        next_steps=[
            f"{name} can no longer open this audit. Their notes and learning points stay with the cases.",
            "To seat them again, add them on this page.",
        ],
    )
    return redirect(audit_url)


@permission_required("manage_audits")
def case_create(request, audit_pk):
    audit = selectors.audit_get_for_user_to_edit(request=request, pk=audit_pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = services.case_create(audit=audit, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{case.pseudonym} added.")
        return redirect("cases:case_detail", case_pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "audit": audit, "title": "Add a case"})


@permission_required("read_cases")
@require_safe
def case_detail(request, case_pk):
    case = selectors.case_get_for_user(
        request=request,
        pk=case_pk,
        what=("case", "identifying_terms"),
        prefetch=("agencies", "identifying_terms"),
    )
    context = {
        "case": case,
        "audit": case.audit,
        "terms": case.identifying_terms.all(),
        "returns": case.returns.select_related("agency").order_by("agency__name"),
    }
    if can_manage_audit(request.user, case.audit):
        context["term_form"] = IdentifyingTermForm(case=case)
    return render(request, "cases/case_detail.html", context)


@permission_required("manage_audits")
def case_edit(request, case_pk):
    case = selectors.case_get_for_user_to_edit(request=request, pk=case_pk)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.case_update(case=case, actor=request.user, agencies=data.pop("agencies"), **data)
        messages.success(request, f"{case.pseudonym} saved.")
        return redirect("cases:case_detail", case_pk=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "audit": case.audit, "case": case, "title": f"Edit {case.pseudonym}"},
    )


@permission_required("manage_audits")
@require_POST
def term_add(request, case_pk):
    # The page shown again on a refused form is the case page with its register: the read is logged.
    case = selectors.case_get_for_user_to_edit(request=request, pk=case_pk, what="identifying_terms")
    form = IdentifyingTermForm(request.POST, case=case)
    if form.is_valid():
        services.identifying_term_add(case=case, actor=request.user, **form.cleaned_data)
        messages.success(request, "Term added to the register.")
        return redirect(reverse("cases:case_detail", kwargs={"case_pk": case.pk}) + "#register")
    context = {
        "case": case,
        "audit": case.audit,
        "terms": case.identifying_terms.all(),
        "returns": case.returns.select_related("agency"),
        "term_form": form,
    }
    return render(request, "cases/case_detail.html", context, status=400)


@permission_required("manage_audits")
@require_POST
def term_share(request, case_pk, term_pk):
    """Share a register entry with the agencies asked about the case, or stop sharing it."""
    case = selectors.case_get_for_user_to_edit(request=request, pk=case_pk, what=None)
    term = selectors.identifying_term_get_for_user_to_edit(request=request, case=case, pk=term_pk)
    share = request.POST.get("share") == "yes"
    services.identifying_term_set_share(term=term, actor=request.user, share=share)
    messages.success(
        request,
        f"{term.get_kind_display()} {'shared with' if share else 'no longer shared with'} contributing agencies.",
    )
    return redirect(reverse("cases:case_detail", kwargs={"case_pk": case.pk}) + "#register")


@permission_required("manage_audits")
@require_http_methods(["GET", "POST"])
def term_remove(request, case_pk, term_pk):
    """GET: the confirmation page; POST: take the term out of the identifying-terms register."""
    case = selectors.case_get_for_user_to_edit(request=request, pk=case_pk, what=None)
    term = selectors.identifying_term_get_for_user_to_edit(request=request, case=case, pk=term_pk)
    register_url = reverse("cases:case_detail", kwargs={"case_pk": case.pk}) + "#register"
    if request.method == "GET":
        return confirmation_page(
            request,
            caption=f"{case.pseudonym}, {case.audit}",
            title="Remove this term from the register?",
            summary=[
                Row("Kind", term.get_kind_display()),
                Row("Term", term.value),
                Row("Shared with agencies", "Shared" if term.share_with_agencies else "Not shared"),
            ],
            paragraphs=[
                "The leak guard will stop looking for this term in the report's drafts, and contributors "
                "will no longer see it on their return page.",
            ],
            warning="Remove a term only if it was entered by mistake: a term that identifies the child or "
            "family must stay in the register.",
            button="Remove term",
            cancel_url=register_url,
        )
    services.identifying_term_remove(term=term, actor=request.user)
    announce(
        request,
        title="Term removed from the register",
        next_steps=[
            "The next draft of the report is checked without this term. A draft built before now is out "
            "of date: build it again before publishing.",
        ],
    )
    return redirect(register_url)


PORTAL_PAGE_SIZE = 25


@permission_required("use_agency_portal")
@require_safe
def portal(request):
    """The agency portal: this agency's requests, by case pseudonym, with due dates."""
    returns = selectors.return_list_for_user(user=request.user)
    to_do = returns.filter(status__in=AgencyReturn.OPEN_STATUSES).order_by("due_date", "case__pseudonym")
    # Years of submitted returns pile up: newest first, a page at a time.
    done = Paginator(
        returns.exclude(status__in=AgencyReturn.OPEN_STATUSES).order_by("-submitted_at", "-pk"),
        PORTAL_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "cases/portal.html", {"to_do": to_do, "done": done, "agency": request.user.agency})
