from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("operations/health/", views.health, name="health"),
]
