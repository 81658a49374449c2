from django.urls import path

from . import views

app_name = "audittools"

urlpatterns = [
    path("tools/", views.tool_list, name="tool_list"),
    path("tools/<int:tool_pk>/", views.tool_detail, name="tool_detail"),
    path("tools/<int:tool_pk>/copy/", views.tool_copy, name="tool_copy"),
    path("tools/<int:tool_pk>/sections/add/", views.section_add, name="section_add"),
    path(
        "tools/<int:tool_pk>/sections/<int:section_pk>/delete/", views.section_delete, name="section_delete"
    ),
    path(
        "tools/<int:tool_pk>/sections/<int:section_pk>/questions/add/",
        views.question_add,
        name="question_add",
    ),
    path("tools/<int:tool_pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path(
        "tools/<int:tool_pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("audits/<int:audit_pk>/tool/", views.audit_tool_edit, name="audit_tool_edit"),
    path("audits/<int:audit_pk>/grades.csv", views.grades_export, name="grades_export"),
    path("returns/<int:return_pk>/tool/", views.return_tool, name="return_tool"),
    path("cases/<int:case_pk>/moderation/<int:answer_pk>/", views.grade_moderate, name="grade_moderate"),
    path("cases/<int:case_pk>/judgement/", views.case_judgement, name="case_judgement"),
]
