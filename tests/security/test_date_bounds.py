"""Every typed date is bounded to a sensible range with a clear message (core.dates): a date at
either end of Python's range used to overflow when a page added a day or a lead time (500s, and a
meeting in year 1 whose page then failed on every visit)."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from core.dates import OUT_OF_RANGE, validate_sensible_date
from reviews.models import ReflectivePracticeMeeting
from tests.helpers import login

pytestmark = pytest.mark.django_db


def project_form_classes():
    """Every form class defined in the project's own apps (so a form added later is checked too)."""
    found = []
    for config in apps.get_app_configs():
        path = str(config.path)
        if not path.startswith(str(settings.BASE_DIR)) or "site-packages" in path:
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_every_date_field_of_every_form_is_bounded():
    """Checked by behaviour, not by type: each date field of each form refuses a date long past and
    one far ahead, whichever field class or validator does it."""
    unbounded = []
    for cls in project_form_classes():
        for name, field in cls.base_fields.items():
            if not isinstance(field, (forms.DateField, forms.DateTimeField)):
                continue
            for far in (datetime.date(1800, 1, 1), datetime.date(2300, 1, 1)):
                value = (
                    datetime.datetime(far.year, 1, 1, 12, 0)
                    if isinstance(field, forms.DateTimeField)
                    else far
                )
                try:
                    field.clean(value)
                except forms.ValidationError:
                    continue
                unbounded.append(f"{cls.__module__}.{cls.__name__}.{name} accepts {far.year}")
    assert not unbounded
    assert len(project_form_classes()) > 10


def test_admin_date_fields_are_bounded_too(rf, cast):
    request = rf.get("/")
    request.user = cast.admin
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                assert validate_sensible_date in field.validators, f"{model.__name__}.{name}"


@pytest.mark.parametrize("view", ["accesslog:search", "accesslog:export"])
@pytest.mark.parametrize("param", ["date_to", "date_from"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_access_log_filters_at_the_ends_of_the_calendar(client, cast, view, param, value):
    login(client, cast.bm)
    response = client.get(reverse(view), {param: value})
    assert response.status_code in (200, 400)
    # The GOV.UK date field names the field in its message ("From must be between ...").
    label = "To" if param == "date_to" else "From"
    assert f"{label} must be between 1 January 1900 and 31 December 2099" in response.content.decode()


def meeting_post(client, cast, starts):
    return client.post(
        reverse("reviews:meeting_create", kwargs={"case_pk": cast.case.pk}),
        {
            "starts_at": starts,
            "venue": "Riverton Civic Offices",
            "panel_attending": [cast.panel.pk],
            "terms_of_reference": "To hear from the practitioners.",
        },
    )


@pytest.mark.parametrize(
    "starts", ["9999-12-31T10:00", "0001-01-01T10:00", "1899-12-31T10:00", "2100-01-01T10:00"]
)
def test_a_meeting_outside_the_range_is_refused_with_a_message(client, cast, starts):
    login(client, cast.bm)
    response = meeting_post(client, cast, starts)
    assert response.status_code in (200, 400)
    assert OUT_OF_RANGE in response.content.decode()
    assert not ReflectivePracticeMeeting.objects.exists()


def test_a_meeting_inside_the_range_is_scheduled(client, cast):
    login(client, cast.bm)
    starts = (datetime.date.today() + datetime.timedelta(days=60)).strftime("%Y-%m-%dT10:00")
    response = meeting_post(client, cast, starts)
    assert response.status_code == 302
    assert ReflectivePracticeMeeting.objects.count() == 1


def test_a_chronology_date_outside_the_range_is_refused():
    from cases.forms import ChronologyEntryForm

    form = ChronologyEntryForm({"date": "31/12/9999", "what_happened": "Visit"})
    assert not form.is_valid()
    assert form.errors["date"] == [OUT_OF_RANGE]
