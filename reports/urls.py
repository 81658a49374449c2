from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("audits/<int:audit_pk>/report/", views.report_detail, name="report_detail"),
    path("audits/<int:audit_pk>/report/framing/", views.framing_edit, name="framing_edit"),
    path("audits/<int:audit_pk>/report/build/", views.build_create, name="build_create"),
    path("report-builds/<int:build_pk>/status/", views.build_status, name="build_status"),
    path("report-builds/<int:build_pk>/draft.pdf", views.build_preview, name="build_preview"),
    path("report-builds/<int:build_pk>/publish/", views.build_publish, name="build_publish"),
    path("leak-hits/<int:hit_pk>/override/", views.hit_override, name="hit_override"),
    path("report-versions/<int:version_pk>/download/", views.version_download, name="version_download"),
]
