"""The GOV.UK layout: header with the partnership's name, the menu (grouped, current page marked,
held back until the second factor is passed), the footer and its pages."""

import re

from django.urls import reverse

from core.models import ServicePage
from tests.helpers import login, login_password_only


def menu(html):
    match = re.search(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def labels(fragment):
    return re.findall(r'class="govuk-service-navigation__link"[^>]*>(?:<strong[^>]*>)?([^<]+)<', fragment)


def test_header_names_the_partnership_and_the_service_without_a_crown(client, cast, settings):
    settings.PARTNERSHIP_NAME = "Eastmoor Safeguarding Children Partnership"
    html = client.get(reverse("login")).content.decode()
    assert "Eastmoor Safeguarding Children Partnership" in html
    assert "Multi-agency case audit" in html
    assert "govuk-header__logotype" not in html and "crown" not in html.lower()
    assert (
        "<title>Sign in – Multi-agency case audit – Eastmoor Safeguarding Children Partnership</title>"
        in html
    )


def test_business_manager_menu_is_grouped_and_marks_only_the_current_page(client, cast):
    login(client, cast.bm)
    html = client.get(reverse("cases:audit_list")).content.decode()
    items = labels(menu(html))
    # The pages for running the service are one item, Manage, so the menu fits on one line.
    assert items[-1] == "Manage" and len(items) <= 7
    for grouped in ("Audit tools", "Reminders", "Access log", "Retention", "Roles", "Themes"):
        assert grouped not in items
    current = re.findall(r"govuk-service-navigation__item--active", html)
    assert len(current) == 1
    assert re.search(
        r'aria-current="page"><strong class="govuk-service-navigation__active-fallback">Audits<', html
    )
    # Two-factor authentication is a link in the header, marked only on its own page.
    assert 'aria-current="page">Two-factor authentication' not in html
    html = client.get(reverse("two_factor")).content.decode()
    assert 'aria-current="page">Two-factor authentication' in html
    assert "govuk-service-navigation__item--active" not in html


def test_a_page_under_manage_marks_manage(client, cast):
    login(client, cast.bm)
    html = client.get(reverse("role_grants")).content.decode()
    active = re.search(r'govuk-service-navigation__item--active"><a[^>]*><strong[^>]*>([^<]+)<', html)
    assert active and active.group(1) == "Manage"
    manage = client.get(reverse("site:manage")).content.decode()
    for grouped in ("Audit tools", "Reminders", "Access log", "Retention", "Roles", "Themes"):
        assert f">{grouped}</a>" in manage


def test_before_the_second_factor_only_sign_out_is_shown(client, cast):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=cast.bm, name="Phone", confirmed=True)
    login_password_only(client, cast.bm)
    response = client.get(reverse("otp_verify"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign out" in html
    assert 'id="navigation"' not in html
    assert "Two-factor authentication</a>" not in html and cast.bm.full_name not in html


def test_other_roles_see_their_own_menu(client, cast):
    login(client, cast.contributor)
    items = labels(menu(client.get(reverse("cases:portal")).content.decode()))
    assert "Our returns" in items and "Manage" not in items and "Audits" not in items


def test_footer_links_to_the_pages_and_keeps_the_marking(client, db):
    html = client.get(reverse("login")).content.decode()
    footer = html[html.index('<footer class="govuk-footer"') :]
    for slug, text in (
        ("accessibility", "Accessibility statement"),
        ("privacy", "Privacy notice"),
        ("help", "Help and contact"),
    ):
        assert f'href="{reverse("site:page", args=[slug])}">{text}</a>' in footer
    assert "OFFICIAL-SENSITIVE" in footer and "OFFICIAL-SENSITIVE" in html[: html.index("<main")]


def test_footer_pages_are_open_to_everyone_with_defaults(client, db, settings):
    settings.PARTNERSHIP_NAME = "Eastmoor Safeguarding Children Partnership"
    html = client.get(reverse("site:page", args=["accessibility"])).content.decode()
    assert '<h1 class="govuk-heading-l">Accessibility statement</h1>' in html
    assert "run by the Eastmoor Safeguarding Children Partnership" in html
    assert "WCAG" in html and "Edit the" not in html
    assert client.get(reverse("site:page", args=["nonsense"])).status_code == 404


def test_the_business_manager_edits_a_footer_page(client, cast, django_assert_max_num_queries):
    login(client, cast.bm)
    url = reverse("site:page_edit", args=["help"])
    response = client.post(url, {"title": "Help", "body": ""})
    assert response.status_code == 200 and "Enter the page text" in response.content.decode()
    response = client.post(
        url, {"title": "Help and contact", "body": "Ring the {partnership} on 01234.\n\nOr e-mail."}
    )
    assert response.status_code == 302
    page = ServicePage.objects.get(slug="help")
    assert page.updated_by == cast.bm
    with django_assert_max_num_queries(12):
        html = client.get(reverse("site:page", args=["help"])).content.decode()
    assert "Ring the Northbridge Safeguarding Children Partnership on 01234." in html
    assert html.count('<p class="govuk-body">Ring the') == 1 and "Or e-mail." in html


def test_only_the_business_manager_edits_the_footer_pages(client, cast):
    for user in (cast.panel, cast.contributor, cast.board, cast.admin):
        client.logout()
        login(client, user)
        assert (
            client.post(reverse("site:page_edit", args=["privacy"]), {"title": "x", "body": "y"}).status_code
            == 403
        )
    assert not ServicePage.objects.exists()
