from django.urls import path

from . import views

app_name = "history"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("retention/audits/<int:audit_pk>/hold/", views.legal_hold_place, name="legal_hold_place"),
    path("retention/holds/<int:hold_pk>/lift/", views.legal_hold_lift, name="legal_hold_lift"),
    path(
        "history/<slug:app_label>/<slug:model_name>/<int:object_pk>/",
        views.record_history,
        name="record_history",
    ),
]
