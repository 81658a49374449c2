from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.template.loader import render_to_string

from core import outbox
from core.forms import GovukFormMixin

from .models import Role, User


class LoginForm(GovukFormMixin, AuthenticationForm):
    """Django's log-in form, with the GOV.UK messages ('Enter your e-mail address')."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].error_messages["required"] = "Enter your e-mail address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class SetPasswordForm(GovukFormMixin, DjangoSetPasswordForm):
    pass


class SecondFactorForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The six-digit code your authenticator app shows, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "class": "govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )


class EnrolmentForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Code from the app",
        max_length=6,
        min_length=6,
        help_text="After adding the account, enter the six-digit code the app shows.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )


class PasswordResetForm(GovukFormMixin, DjangoPasswordResetForm):
    """Django's form (same answer whether or not the address has an account), with the e-mail sent
    through the notification queue like every other message."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        outbox.queue(
            key=f"password_reset:{context['uid']}:{context['token']}",
            kind="password_reset",
            to=to_email,
            subject=subject,
            template="registration/password_reset_email",
            context=context,
            recipient=context["user"],
        )


class RoleGrantForm(GovukFormMixin, forms.Form):
    """A Business Manager gives a person a role (and, for a contributor, their agency)."""

    user = forms.ModelChoiceField(queryset=None, label="Person")
    role = forms.ChoiceField(choices=())
    agency = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="Only for agency contributors: the agency whose work they see.",
    )
    reason = forms.CharField(
        label="Why they need this role",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Recorded with your name and e-mailed to every Business Manager.",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True).exclude(pk=actor.pk).order_by("full_name")
        )
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.full_name} <{u.email}> — {u.get_role_display()}"
        )
        self.fields["role"].choices = Role.choices
        self.fields["agency"].queryset = (
            User._meta.get_field("agency").related_model.objects.filter(is_active=True).order_by("name")
        )
