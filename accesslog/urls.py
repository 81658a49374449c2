from django.urls import path

from . import views

app_name = "accesslog"

urlpatterns = [
    path("access-log/", views.search, name="search"),
    path("access-log/export.csv", views.export, name="export"),
]
