from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("board/", views.board_home, name="board_home"),
]
