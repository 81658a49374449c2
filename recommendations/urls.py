from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("board/", views.board_home, name="board_home"),
    path("tracker/", views.tracker, name="tracker"),
    path("tracker/export.csv", views.tracker_export_csv, name="tracker_export_csv"),
    path("tracker/export.xlsx", views.tracker_export_xlsx, name="tracker_export_xlsx"),
    path("board-meetings/", views.meeting_list, name="meeting_list"),
    path("board-meetings/<int:board_meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "audits/<int:audit_pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "recommendations/<int:recommendation_pk>/", views.recommendation_detail, name="recommendation_detail"
    ),
    path(
        "recommendations/<int:recommendation_pk>/edit/", views.recommendation_edit, name="recommendation_edit"
    ),
    path(
        "recommendations/<int:recommendation_pk>/move/", views.recommendation_move, name="recommendation_move"
    ),
    path(
        "recommendations/<int:recommendation_pk>/comment/",
        views.recommendation_comment,
        name="recommendation_comment",
    ),
    path(
        "recommendations/<int:recommendation_pk>/decide/",
        views.recommendation_decide,
        name="recommendation_decide",
    ),
    path(
        "recommendations/<int:recommendation_pk>/respond/",
        views.recommendation_respond,
        name="recommendation_respond",
    ),
    path("evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
]
