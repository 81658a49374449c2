from django.urls import path

from . import views

app_name = "history"

urlpatterns = [
    path(
        "history/<slug:app_label>/<slug:model_name>/<int:object_pk>/",
        views.record_history,
        name="record_history",
    ),
]
