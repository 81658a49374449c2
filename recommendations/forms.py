from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from cases.models import Agency
from cases.writing import RegisterGuardMixin
from core.dates import BoundedDateField, bounded_formfield
from core.forms import CrispyFormMixin, DateInput, GovukFormMixin

from .evidence import ALLOWED_DESCRIPTION, evidence_check
from .models import BoardMeeting, RecommendationComment


class BoardMeetingForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Save meeting"

    class Meta:
        model = BoardMeeting
        fields = ["date", "title"]
        formfield_callback = bounded_formfield
        widgets = {"date": DateInput()}
        help_texts = {"title": "e.g. January Board meeting"}


class BoardMeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class RecommendationForm(RegisterGuardMixin, CrispyFormMixin, forms.Form):
    submit_label = "Save recommendation"

    text = forms.CharField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 6}))
    owners = forms.ModelMultipleChoiceField(
        label="Owner agencies",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one owner agency."},
    )
    deadline_meeting = BoardMeetingChoiceField(
        label="Deadline: a Board meeting",
        queryset=BoardMeeting.objects.none(),
        required=False,
        empty_label="(none: give a date instead)",
        help_text="The recommendation falls due on the meeting's date, and moves with it.",
    )
    deadline_date = BoundedDateField(
        label="or a date",
        required=False,
        widget=DateInput(),
        help_text="Leave empty when due at a Board meeting.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = Agency.objects.filter(is_active=True).order_by("name")
        self.fields["deadline_meeting"].queryset = BoardMeeting.objects.order_by("date")

    @classmethod
    def initial_for(cls, recommendation):
        return {
            "text": recommendation.text,
            "owners": list(recommendation.owners.all()),
            "deadline_meeting": recommendation.deadline_meeting,
            "deadline_date": recommendation.deadline_date,
        }

    def clean(self):
        cleaned = super().clean()
        if "deadline_date" in self.errors:
            return cleaned
        has_date, has_meeting = bool(cleaned.get("deadline_date")), bool(cleaned.get("deadline_meeting"))
        if has_date and has_meeting:
            self.add_error("deadline_date", "Give either a Board meeting or a date, not both.")
        elif not has_date and not has_meeting:
            self.add_error("deadline_meeting", "Give a deadline: a Board meeting or a date.")
        return cleaned


class CommentForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = RecommendationComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"body": "Your comment (seen by the Business Manager and the panel only)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ResponseForm(CrispyFormMixin, forms.Form):
    submit_label = "Post"

    text = forms.CharField(label="Update or response", widget=forms.Textarea(attrs={"rows": 6}))
    is_final = forms.BooleanField(
        label="This is our agency's final response",
        required=False,
        help_text="A final response asks the Business Manager to assure the recommendation.",
    )
    files = MultipleFileField(label="Evidence files", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.RECOMMENDATION_EVIDENCE_MAX_BYTES // (1024 * 1024)
        self.fields["files"].help_text = (
            f"Optional. Up to {settings.RECOMMENDATION_EVIDENCE_MAX_FILES} files, each {limit} MB or smaller: "
            f"{ALLOWED_DESCRIPTION}."
        )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > settings.RECOMMENDATION_EVIDENCE_MAX_FILES:
            raise ValidationError(
                f"Attach at most {settings.RECOMMENDATION_EVIDENCE_MAX_FILES} files at a time."
            )
        errors = []
        for uploaded in files:
            try:
                evidence_check(uploaded)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


class DecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("assure", "Mark assured: the response gives the Board assurance"),
            ("more", "Ask the owners for more"),
            ("close", "Close without assurance"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the decision."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
