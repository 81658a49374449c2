"""One range for every date a person types: forms, filters, imports.

Python's dates run from year 1 to 9999, and a date at either end overflows as soon as a page adds a
day (a filter's end date), a lead time (invitations) or a reminder offset, which was a 500 that a
stored meeting then repeated on every visit. Nothing this system records happens outside
SENSIBLE_DATE_RANGE, so a date outside it is refused where it is typed, with a message that says why.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2099, 12, 31)
OUT_OF_RANGE = "Enter a date between 1 January 1900 and 31 December 2099."


def validate_sensible_date(value):
    """Refuse a date (or date and time) outside EARLIEST..LATEST."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


class BoundedDateField(forms.DateField):
    default_validators = [validate_sensible_date]


class BoundedDateTimeField(forms.DateTimeField):
    default_validators = [validate_sensible_date]


def bounded_formfield(model_field, **kwargs):
    """ModelForm Meta.formfield_callback: the model's own form field, with the date range added."""
    field = model_field.formfield(**kwargs)
    if (
        isinstance(field, (forms.DateField, forms.DateTimeField))
        and validate_sensible_date not in field.validators
    ):
        field.validators.append(validate_sensible_date)
    return field


def admin_formfield_overrides():
    """For ModelAdmin.formfield_overrides: the admin site's date fields get the same range."""
    from django.contrib.admin.options import FORMFIELD_FOR_DBFIELD_DEFAULTS
    from django.db import models

    overrides = {}
    for model_field, form_class in (
        (models.DateField, BoundedDateField),
        (models.DateTimeField, BoundedDateTimeField),
    ):
        defaults = FORMFIELD_FOR_DBFIELD_DEFAULTS[model_field]
        overrides[model_field] = {**defaults, "form_class": form_class}
    return overrides
