from django.urls import path

from . import site_views as views

app_name = "site"

urlpatterns = [
    path("manage/", views.manage, name="manage"),
    path("pages/<slug:slug>/", views.service_page, name="page"),
    path("pages/<slug:slug>/edit/", views.service_page_edit, name="page_edit"),
]
