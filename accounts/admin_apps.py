from django.contrib.admin.apps import AdminConfig


class VerifiedAdminConfig(AdminConfig):
    """The Django admin, on a site that demands a verified second factor."""

    default_site = "accounts.admin_site.VerifiedAdminSite"
