from django.urls import path

from . import views

app_name = "accesslog"

urlpatterns = [
    path("access-log/", views.search, name="search"),
    path("access-log/export.csv", views.export, name="export"),
    path("access-log/suggest/users/", views.suggest_users, name="suggest_users"),
    path("access-log/suggest/cases/", views.suggest_cases, name="suggest_cases"),
]
