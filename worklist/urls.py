from django.urls import path

from . import views

app_name = "worklist"

urlpatterns = [
    path("to-do/", views.attention, name="attention"),
]
