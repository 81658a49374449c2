from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_otp import user_has_device

from core.confirmation import confirmation_page
from core.forms import add_service_errors

from . import services, two_factor
from .forms import (
    EnrolmentForm,
    LoginForm,
    PasswordResetForm,
    RoleGrantForm,
    SecondFactorForm,
    SetPasswordForm,
)
from .models import Role, RoleGrant, User
from .permissions import CASE_DATA_ROLES, permission_required, security_log

# Where each role lands after logging in.
HOME_FOR_ROLE = {
    Role.BUSINESS_MANAGER: "worklist:attention",
    Role.PANEL_MEMBER: "worklist:attention",
    Role.AGENCY_CONTRIBUTOR: "worklist:attention",
    Role.BOARD_MEMBER: "recommendations:board_home",
    Role.QUALITY_ASSURANCE: "learning:programme",
    Role.ADMINISTRATOR: "admin:index",
}
BACKUP_CODES_SESSION_KEY = "new_backup_codes"


@login_required
@require_safe
def home(request):
    """Send each role to its own home page."""
    return redirect(HOME_FOR_ROLE[request.user.role])


class LoginView(auth_views.LoginView):
    """The password step. Django's login() gives the session a new key; the second factor follows
    (verify if the user has a device, enrol if their role demands one and they have none)."""

    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form):
        super().form_valid(form)
        user = form.get_user()
        next_url = self.get_redirect_url() or reverse(settings.LOGIN_REDIRECT_URL)
        if user_has_device(user, confirmed=True):
            return redirect(f"{reverse('otp_verify')}?{urlencode({'next': next_url})}")
        if two_factor.second_factor_required(user):
            return redirect(f"{reverse('otp_setup')}?{urlencode({'next': next_url})}")
        return redirect(next_url)


@never_cache
@login_required
def otp_verify(request):
    """The second step of log-in: a code from the authenticator app or a backup code."""
    next_url = two_factor.safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if two_factor.is_verified(request.user):
        return redirect(next_url)
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': next_url})}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(next_url)
        security_log.warning("second_factor_failed user_id=%s", request.user.pk)
        form.add_error("token", "That code was not accepted. Codes work once; wait for a new one.")
    return render(request, "registration/otp_verify.html", {"form": form, "next": next_url}, status=200)


@never_cache
@login_required
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    next_url = two_factor.safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if user_has_device(request.user, confirmed=True):
        # A second device is added only from a verified session; losing the device is an
        # administrator's job (delete it in the admin site, then the user enrols afresh).
        if not two_factor.is_verified(request.user):
            return redirect(f"{reverse('otp_verify')}?{urlencode({'next': next_url})}")
        return redirect("two_factor")
    # A link opened before logging in was kept in the session for this moment.
    pending = request.session.pop(two_factor.ENROLMENT_TOKEN_SESSION_KEY, None)
    if pending:
        two_factor.enrolment_link_use(request=request, token=pending)
    if not two_factor.enrolment_open(request):
        # The password is not enough to set up the account's authenticator: the e-mailed link is.
        sent = False
        if request.method == "POST" and request.POST.get("action") == "send_link":
            two_factor.enrolment_link_send(user=request.user)
            security_log.info("enrolment_link_sent user_id=%s", request.user.pk)
            sent = True
        context = {"next": next_url, "sent": sent, "minutes": settings.ENROLMENT_LINK_MINUTES}
        return render(request, "registration/otp_enrol_email.html", context)
    device = two_factor.totp_device_for_enrolment(request.user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            request.session.pop(two_factor.ENROLMENT_GRANTED_SESSION_KEY, None)
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            messages.success(request, "Two-factor authentication is on.")
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': next_url})}")
        form.add_error("token", "That code did not match. Check the app shows the PSCB Audit account.")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_svg(device.config_url),
        "secret": two_factor.totp_secret(device),
        "required": two_factor.second_factor_required(request.user),
    }
    return render(request, "registration/otp_setup.html", context)


@never_cache
@require_safe
def otp_enrol(request, token):
    """The e-mailed enrolment link: valid once, for a short time, for its own user only."""
    state = two_factor.enrolment_link_state(token)
    if state == "ok" and not request.user.is_authenticated:
        request.session[two_factor.ENROLMENT_TOKEN_SESSION_KEY] = token
        return redirect_to_login(reverse("otp_setup"))
    if state == "ok" and two_factor.enrolment_link_use(request=request, token=token):
        return redirect("otp_setup")
    expired = state == "expired"
    context = {
        "title": "This link has expired" if expired else "This link is not valid",
        "message": "Enrolment links work once and only for a short time. Log in and ask for a new one."
        if expired
        else "Use the most recent link we e-mailed you, while logged in to your own account, or ask for a new one.",
    }
    return render(request, "registration/otp_enrol_problem.html", context, status=410 if expired else 400)


@never_cache
@login_required
def two_factor_status(request):
    """The user's second factor: whether it is on, new backup codes (shown once), a fresh set."""
    if user_has_device(request.user, confirmed=True) and not two_factor.is_verified(request.user):
        return redirect(two_factor.next_step_url(request.user, request.get_full_path()))
    if request.method == "POST":
        return _backup_codes_renew(request)
    next_url = request.GET.get("next")
    context = {
        "enrolled": user_has_device(request.user, confirmed=True),
        "new_codes": request.session.pop(BACKUP_CODES_SESSION_KEY, None),
        "next": two_factor.safe_next(request, next_url) if next_url else None,
        "required": two_factor.second_factor_required(request.user),
    }
    return render(request, "registration/two_factor.html", context)


def _backup_codes_renew(request):
    if not two_factor.is_verified(request.user):
        return redirect("otp_setup")
    request.session[BACKUP_CODES_SESSION_KEY] = two_factor.backup_codes_renew(user=request.user)
    messages.success(request, "New backup codes made; the old ones no longer work.")
    return redirect("two_factor")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def backup_codes_renew(request):
    """GET: the confirmation page; POST: new backup codes (shown once on the two-factor page)."""
    if not user_has_device(request.user, confirmed=True) or not two_factor.is_verified(request.user):
        return redirect(two_factor.next_step_url(request.user, reverse("two_factor")))
    if request.method == "POST":
        return _backup_codes_renew(request)
    return confirmation_page(
        request,
        title="Make new backup codes?",
        paragraphs=[
            "You get a new set of backup codes, shown once on the next page: keep them somewhere safe, "
            "away from your phone.",
        ],
        warning="Your current backup codes will stop working at once.",
        button="Make new backup codes",
        cancel_url=reverse("two_factor"),
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    # Never log in after a reset: the user logs in again, password and second factor.
    post_reset_login = False
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The way back from a lockout: only the account's owner reads the reset e-mail, so a reset
        # lifts the lock someone else's failed guesses put on the account (from every address).
        axes_reset(username=form.user.get_username())
        security_log.info("lockout_lifted_by_password_reset user_id=%s", form.user.pk)
        return response


@permission_required("manage_audits")
@require_http_methods(["GET", "HEAD", "POST"])
def role_grants(request):
    """Who holds which role, every change with who made it and why, and the form to grant a role."""
    form = RoleGrantForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.role_grant(
                user=data["user"],
                role=data["role"],
                agency=data["agency"],
                actor=request.user,
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{grant.user.full_name} is now {grant.get_role_display()}. Every Business Manager has been e-mailed.",
            )
            return redirect("role_grants")
    context = {
        "form": form,
        "grants": RoleGrant.objects.select_related("user", "granted_by", "agency", "previous_agency")[:100],
        "holders": User.objects.filter(role__in=CASE_DATA_ROLES, is_active=True)
        .select_related("agency")
        .order_by("role", "full_name"),
    }
    return render(request, "accounts/role_grants.html", context, status=400 if form.errors else 200)
