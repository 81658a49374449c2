from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("learning/library/", views.library, name="library"),
    path("learning/themes/", views.theme_list, name="theme_list"),
    path("learning/themes/<int:theme_pk>/", views.theme_edit, name="theme_edit"),
    path("learning/themes/recurring/", views.recurring, name="recurring"),
    path("learning/themes/<int:theme_pk>/<int:year>/", views.theme_year, name="theme_year"),
    path("learning/cases/<int:case_pk>/themes/", views.findings_themes, name="findings_themes"),
    path(
        "learning/recommendations/<int:recommendation_pk>/themes/",
        views.recommendation_themes,
        name="recommendation_themes",
    ),
    path("learning/similar/", views.similar, name="similar"),
    path("learning/programme/", views.programme, name="programme"),
    path("learning/programme/new/", views.programme_entry_edit, name="programme_entry_create"),
    path("learning/programme/<int:entry_pk>/", views.programme_entry_edit, name="programme_entry_edit"),
    path(
        "learning/programme/<int:entry_pk>/open-audit/",
        views.programme_entry_open,
        name="programme_entry_open",
    ),
    path("learning/audits/<int:audit_pk>/", views.audit_learning, name="audit_learning"),
    path("learning/audits/<int:audit_pk>/briefing/", views.briefing, name="briefing"),
    path("learning/audits/<int:audit_pk>/briefing/draft.pdf", views.briefing_draft, name="briefing_draft"),
    path("learning/yearly-report/", views.yearly, name="yearly"),
    path(
        "learning/publications/<int:publication_pk>/download.<str:fmt>",
        views.publication_download,
        name="publication_download",
    ),
    path(
        "learning/recommendations/<int:recommendation_pk>/follow-up/",
        views.recommendation_follow_up,
        name="recommendation_follow_up",
    ),
]
