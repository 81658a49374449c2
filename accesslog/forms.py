import datetime
import re

from django import forms
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.forms import GovukDateField, GovukDateInput

from . import subjects

DEFAULT_DAYS = 30
# "Full Name <email>" as the user suggestions write it ("Audit title — Case One (#12)" for cases:
# cases.directory reads those).
EMAIL_IN_BRACKETS = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")


def user_label(user):
    return f"{user.full_name} <{user.email}>"


def _typeahead(url_name, list_id, placeholder):
    return forms.TextInput(
        attrs={
            "list": list_id,
            "autocomplete": "off",
            "placeholder": placeholder,
            "hx-get": reverse(url_name),
            "hx-trigger": "input changed delay:250ms, focus once",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
        }
    )


class AccessLogSearchForm(forms.Form):
    """User and case are typed, not picked from a list of every case: with JavaScript the field
    suggests matches as you type (htmx fills a datalist); without it, any of an e-mail address, a full
    name, "Name <email>", a case id or "Audit — Case One (#12)" is understood.

    With neither date given, the log opens on the last DEFAULT_DAYS days; an empty "From" searches
    from the beginning."""

    user = forms.CharField(required=False, max_length=300)
    case = forms.CharField(required=False, max_length=500)
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)

    def __init__(self, data=None, **kwargs):
        default_from = timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS - 1)
        omitted = GovukDateInput().value_omitted_from_data
        if data is None or (omitted(data, None, "date_from") and omitted(data, None, "date_to")):
            data = data.copy() if data is not None else {}
            data["date_from"] = default_from.isoformat()
        super().__init__(data, **kwargs)
        self.fields["user"].widget = _typeahead(
            "accesslog:suggest_users", "user-suggestions", "Name or e-mail"
        )
        self.fields["case"].widget = _typeahead(
            "accesslog:suggest_cases", "case-suggestions", "Audit or case"
        )
        self.fields["date_from"].help_text = f"Opens on the last {DEFAULT_DAYS} days; clear it to search all."

    def clean_user(self):
        text = self.cleaned_data["user"].strip()
        if not text:
            return None
        match = EMAIL_IN_BRACKETS.search(text)
        if match:
            found = User.objects.filter(email__iexact=match.group(1))
        elif text.isdigit() and len(text) <= 18:
            found = User.objects.filter(pk=int(text))
        else:
            found = User.objects.filter(email__iexact=text) or User.objects.filter(full_name__iexact=text)
        found = list(found[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                "No user has that name or e-mail address."
                if not found
                else "More than one user has that name: type the e-mail address."
            )
        return found[0]

    def clean_case(self):
        text = self.cleaned_data["case"].strip()
        if not text:
            return None
        found = subjects.cases().find(text)
        if len(found) != 1:
            raise forms.ValidationError(
                "No single case matches: choose one of the suggestions or type its id."
            )
        return found[0]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return cleaned
