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
]
