"""The pages around the service itself: the footer pages (text in core.ServicePage) and Manage."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.forms import ServicePageForm
from core.models import ServicePage
from core.pages import DEFAULTS, fill

from .permissions import allows, permission_required


def _page(slug):
    if slug not in DEFAULTS:
        raise Http404
    stored = ServicePage.objects.filter(slug=slug).first()
    default = DEFAULTS[slug]
    return stored, (stored.title if stored else default.title), (stored.body if stored else default.body)


@require_safe
def service_page(request, slug):
    """A footer page (accessibility statement, privacy notice, help and contact): open to everyone,
    signed in or not; it holds no case data."""
    stored, title, body = _page(slug)
    paragraphs = [p.strip() for p in fill(body).split("\n\n") if p.strip()]
    may_edit = allows(request.user, "manage_audits")
    return render(
        request,
        "core/service_page.html",
        {
            "slug": slug,
            "title": fill(title),
            "paragraphs": paragraphs,
            "stored": stored,
            "may_edit": may_edit,
        },
    )


@permission_required("manage_audits")
def service_page_edit(request, slug):
    stored, title, body = _page(slug)
    form = ServicePageForm(request.POST or None, initial={"title": title, "body": body})
    if request.method == "POST" and form.is_valid():
        ServicePage.objects.update_or_create(
            slug=slug, defaults={**form.cleaned_data, "updated_by": request.user}
        )
        messages.success(request, f"‘{form.cleaned_data['title']}’ saved. Every page's footer links to it.")
        return redirect("site:page", slug=slug)
    return render(request, "core/service_page_edit.html", {"form": form, "slug": slug, "title": title})


@permission_required("manage_service")
def manage(request):
    """The pages for running the service, grouped here so the main menu fits on one line."""
    return render(request, "core/manage.html", {"nav_as_list": True, "pages": DEFAULTS.values()})
