from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "PSCB Audit administration"
admin.site.site_title = "PSCB Audit"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("reviews.urls")),
    path("", include("audittools.urls")),
    path("", include("recommendations.urls")),
    path("", include("notifications.urls")),
    path("", include("reports.urls")),
    path("", include("learning.urls")),
    path("", include("accesslog.urls")),
    path("", include("history.urls")),
    path("", include("operations.urls")),
    path("", include("accounts.site_urls")),
    path("", include("worklist.urls")),
    path("admin/", admin.site.urls),
]
