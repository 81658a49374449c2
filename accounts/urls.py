from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", views.two_factor_status, name="two_factor"),
    path("accounts/two-factor/backup-codes/new/", views.backup_codes_renew, name="backup_codes_renew"),
    path("accounts/two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("accounts/two-factor/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/two-factor/enrol/<str:token>/", views.otp_enrol, name="otp_enrol"),
    path("accounts/roles/", views.role_grants, name="role_grants"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
