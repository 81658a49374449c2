import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from cases.writing import RegisterGuardMixin
from core.dates import BoundedDateField, BoundedDateTimeField, bounded_formfield
from core.forms import CrispyFormMixin, DateInput, GovukFormMixin

from .models import (
    AgencyAction,
    CaseAssurance,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
    SafeguardingConcern,
)

# Sent with every invitation unless the Business Manager edits it for the meeting.
DEFAULT_TERMS_OF_REFERENCE = """Purpose
This meeting is a chance for the practitioners who worked most closely with the child to tell the panel, in their own words, what it was like to work with this child and family, and how they worked with each other's agencies.

What we will do
- Talk through what went well, what made the work hard, and what might have led to a better outcome for the child.
- Look at how the agencies worked together and what services the child and family received.
- Consider whether decisions and actions followed the procedures of the agencies involved and of the Safeguarding Children Partnership.
- Pick out practice worth sharing, and changes that would strengthen practice and local safeguarding arrangements.

How the meeting works
- The audit panel leads the questions. Each agency's summary of involvement, chronology of key events and analysis have been shared with the panel in advance.
- This is a learning review, not a disciplinary or investigatory process. Practitioners are asked to speak openly about their own practice and the system they worked in.
- Nothing said will be attributed to a named practitioner. The published report is anonymised: it names no child, family member, address, school or practitioner.
- Case details discussed in the meeting are confidential and must not be shared outside it."""


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class NoteForm(GovukFormMixin, forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class CirculateForm(GovukFormMixin, forms.Form):
    circulated_on = BoundedDateField(label="Circulated on", widget=DateInput())

    def clean_circulated_on(self):
        day = self.cleaned_data["circulated_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The pack cannot be circulated on a future date.")
        return day


def _same_minute(a, b):
    """Meeting times are entered to the minute: a re-saved form is not a new time."""
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


class MeetingForm(CrispyFormMixin, forms.ModelForm):
    starts_at = BoundedDateTimeField(
        label="Starts",
        input_formats=DATETIME_INPUT_FORMATS,
        widget=DateTimeLocalInput(),
        help_text="UK time.",
    )
    ends_at = BoundedDateTimeField(
        label="Ends", input_formats=DATETIME_INPUT_FORMATS, widget=DateTimeLocalInput(), required=False
    )

    class Meta:
        model = ReflectivePracticeMeeting
        fields = ["starts_at", "ends_at", "venue", "panel_attending", "terms_of_reference", "status"]
        widgets = {
            "panel_attending": forms.CheckboxSelectMultiple,
            "terms_of_reference": forms.Textarea(attrs={"rows": 14}),
        }
        labels = {"panel_attending": "Panel members attending"}
        help_texts = {"terms_of_reference": "Sent to every invitee with the invitation."}

    confirm_inside_lead_time = forms.BooleanField(
        label="Schedule it anyway: I know invitations will reach practitioners late",
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel_attending"].queryset = User.objects.filter(
            panel_memberships__audit=case.audit
        ).order_by("full_name")
        self.fields["panel_attending"].label_from_instance = lambda u: u.full_name
        self.original_starts_at = self.instance.starts_at if self.instance.pk else None
        self.lead_days = settings.MEETING_INVITATION_LEAD_DAYS
        self.lead_time_needs_confirming = False
        self.fields["starts_at"].widget.attrs.update(
            {"data-lead-days": str(self.lead_days), "aria-describedby": "lead-time-live"}
        )
        if not self.instance.pk:
            del self.fields["status"]
            self.initial.setdefault("terms_of_reference", DEFAULT_TERMS_OF_REFERENCE)

    def clean(self):
        """The confirmation step: a (new) date inside the lead time is saved only once the Business
        Manager has seen the warning and ticked to go ahead."""
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        status = cleaned.get("status", ReflectivePracticeMeeting.Status.SCHEDULED)
        if (
            starts_at
            and not _same_minute(starts_at, self.original_starts_at)
            and status == ReflectivePracticeMeeting.Status.SCHEDULED
            and starts_at > timezone.now()
            and starts_at - timezone.now() < datetime.timedelta(days=self.lead_days)
            and not cleaned.get("confirm_inside_lead_time")
        ):
            self.lead_time_needs_confirming = True
            self.add_error(
                "confirm_inside_lead_time",
                f"This meeting is less than {self.lead_days} days away: practitioners invited now may not "
                "be able to come. Choose a later date, or tick to schedule it anyway.",
            )
        return cleaned

    def validate_unique(self):
        pass


class InvitationEditForm(CrispyFormMixin, forms.ModelForm):
    """Correcting an invitee. A changed address makes the invitation wait to be sent again."""

    class Meta:
        model = Invitation
        fields = ["name", "role", "agency", "email"]
        labels = {"role": "Role (job title)", "email": "E-mail address"}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = meeting.case.agencies.order_by("name")

    def validate_unique(self):
        pass


class InvitationForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Add invitee"

    class Meta:
        model = Invitation
        fields = ["name", "role", "agency", "email"]
        labels = {"role": "Role (job title)", "email": "E-mail address"}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = meeting.case.agencies.order_by("name")

    def validate_unique(self):
        pass


class RespondForm(GovukFormMixin, forms.Form):
    response = forms.ChoiceField(
        label="Will you attend?",
        choices=[
            (Invitation.Response.ACCEPTED, "Yes, I will attend"),
            (Invitation.Response.DECLINED, "No, I cannot attend"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="If you cannot attend, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("response") == Invitation.Response.DECLINED and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Please tell us why you cannot attend.")
        return cleaned


ATTENDANCE_CHOICES = [
    (Invitation.Attendance.ATTENDED, "Attended"),
    (Invitation.Attendance.APOLOGIES, "Sent apologies"),
    (Invitation.Attendance.DID_NOT_ATTEND, "Did not attend"),
]


class AttendanceForm(GovukFormMixin, forms.Form):
    """One row per invitee: their attendance and, unless they attended, the reason."""

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = list(invitations)
        self.rows = []
        for inv in self.invitations:
            att = f"attendance_{inv.pk}"
            why = f"reason_{inv.pk}"
            self.fields[att] = forms.ChoiceField(
                label=f"Attendance of {inv.name}",
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                initial=inv.attendance if inv.attendance != Invitation.Attendance.UNKNOWN else None,
            )
            self.fields[why] = forms.CharField(
                label=f"Reason ({inv.name})",
                required=False,
                max_length=1000,
                initial=inv.attendance_reason,
            )

    def clean(self):
        cleaned = super().clean()
        for inv in self.invitations:
            att = cleaned.get(f"attendance_{inv.pk}")
            if (
                att in (Invitation.Attendance.APOLOGIES, Invitation.Attendance.DID_NOT_ATTEND)
                and not cleaned.get(f"reason_{inv.pk}", "").strip()
            ):
                self.add_error(f"reason_{inv.pk}", "Give the reason.")
        return cleaned

    def row_list(self):
        return [(inv, self[f"attendance_{inv.pk}"], self[f"reason_{inv.pk}"]) for inv in self.invitations]

    def records(self):
        return {
            inv.pk: (self.cleaned_data[f"attendance_{inv.pk}"], self.cleaned_data.get(f"reason_{inv.pk}", ""))
            for inv in self.invitations
        }


class LearningPointForm(RegisterGuardMixin, CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = LearningPoint
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"text": "Learning point"}


class AssuranceForm(RegisterGuardMixin, CrispyFormMixin, forms.ModelForm):
    submit_label = "Save assurance"
    guarded_fields = ("statement",)

    class Meta:
        model = CaseAssurance
        fields = ["finding", "concern", "statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "finding": "Was any child left unsafe or at risk of continued harm?",
            "concern": "The immediate safeguarding concern raised (needed when a child was left unsafe)",
            "statement": "Statement",
        }

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].queryset = (
            case.concerns.select_related("agency") if case is not None else SafeguardingConcern.objects.none()
        )
        self.fields["concern"].label_from_instance = lambda c: (
            f"Raised {c.raised_at:%d/%m/%Y} for {c.agency.name} ({c.get_status_display().lower()})"
        )


class AgencyActionForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Save action"

    class Meta:
        model = AgencyAction
        fields = ["owner_agency", "description", "due_date", "status"]
        formfield_callback = bounded_formfield
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"owner_agency": "Owner agency"}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = case.agencies.order_by("name")
        if not self.instance.pk:
            del self.fields["status"]


class ActionResponseForm(GovukFormMixin, forms.Form):
    response = forms.CharField(
        label="Your agency's response", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    completed = forms.BooleanField(label="The action is completed", required=False)


class ConcernForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Raise the concern now"

    class Meta:
        model = SafeguardingConcern
        fields = ["description", "agency", "urgency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "urgency": forms.RadioSelect}
        labels = {
            "description": "What is the concern? (seen in the system only, never e-mailed or published)",
            "agency": "Which agency must act?",
            "urgency": "How urgent is it?",
        }

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["description"].max_length = 4000


class ConcernAcknowledgeForm(CrispyFormMixin, forms.Form):
    submit_label = "Record acknowledgement"
    acknowledged_on = BoundedDateField(label="Date your agency acknowledged the concern", widget=DateInput())
    action_taken = forms.CharField(
        label="What your agency did",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    action_taken_on = BoundedDateField(label="Date of the action", required=False, widget=DateInput())
