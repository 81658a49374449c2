"""The administration site manages accounts, not access to case data.

The Administrator creates accounts (as Board members or administrators), corrects names and job
titles, and deactivates leavers. It cannot give anyone, itself included, a role that sees case data,
move a contributor to another agency, change the address or password of someone who sees case data
(either would let it take the account over through a reset), reactivate such an account, or make
anyone a superuser: those are Business Manager decisions made in the app (accounts.services.role_grant),
recorded and announced.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Role, RoleGrant, User
from .permissions import CASE_DATA_ROLES, security_log

ADMIN_GRANTABLE_ROLES = [(value, label) for value, label in Role.choices if value not in CASE_DATA_ROLES]
CASE_DATA_REFUSAL = (
    "The administrator cannot give a role that sees case data. A Business Manager grants it in the "
    "app (Roles), where it is recorded and announced."
)


def _sees_case_data(user):
    return user is not None and user.pk is not None and user.role in CASE_DATA_ROLES


class AccountChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            self.fields["role"].choices = ADMIN_GRANTABLE_ROLES

    def clean_role(self):
        role = self.cleaned_data.get("role")
        if role in CASE_DATA_ROLES:
            raise forms.ValidationError(CASE_DATA_REFUSAL)
        return role

    def clean_is_active(self):
        active = self.cleaned_data.get("is_active")
        if active and _sees_case_data(self.instance) and not User.objects.get(pk=self.instance.pk).is_active:
            raise forms.ValidationError(
                "Reactivating someone who sees case data gives them that access again: a Business Manager "
                "grants it in the app."
            )
        return active


class AccountCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "full_name", "job_title", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = ADMIN_GRANTABLE_ROLES
        self.fields[
            "role"
        ].help_text = "Accounts start as Board member or administrator; a Business Manager grants roles that see case data."

    def clean_role(self):
        role = self.cleaned_data.get("role")
        if role in CASE_DATA_ROLES:
            raise forms.ValidationError(CASE_DATA_REFUSAL)
        return role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "role", "agency", "is_active", "last_login"]
    list_filter = ["role", "agency", "is_active"]
    search_fields = ["email", "full_name"]
    list_select_related = ["agency"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "role", "agency")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "job_title",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    filter_horizontal = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined", "is_staff", "is_superuser"]
        if _sees_case_data(obj):
            readonly += ["email", "role", "agency"]
        return readonly

    def save_model(self, request, obj, form, change):
        # The last guard, whatever form reached here: no case-data role, no superuser, from the admin.
        before = User.objects.filter(pk=obj.pk).first() if change else None
        if obj.role in CASE_DATA_ROLES and (before is None or before.role != obj.role):
            raise PermissionDenied(CASE_DATA_REFUSAL)
        if (
            before is not None
            and before.role in CASE_DATA_ROLES
            and (before.agency_id != obj.agency_id or before.email != obj.email)
        ):
            raise PermissionDenied(CASE_DATA_REFUSAL)
        if obj.is_superuser and (before is None or not before.is_superuser):
            raise PermissionDenied("Nobody becomes a superuser through the administration site.")
        obj.is_staff = obj.role == Role.ADMINISTRATOR
        super().save_model(request, obj, form, change)
        security_log.info(
            "account_saved_in_admin user_id=%s by=%s role=%s", obj.pk, request.user.pk, obj.role
        )

    def user_change_password(self, request, id, form_url=""):
        if _sees_case_data(get_object_or_404(User, pk=id)):
            raise PermissionDenied(
                "The password of someone who sees case data is changed by its owner (reset)."
            )
        return super().user_change_password(request, id, form_url)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Read only: who was given which role, by whom and why (the grants themselves are made in the app)."""

    list_display = ["created_at", "user", "previous_role", "role", "granted_by"]
    list_select_related = ["user", "granted_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
