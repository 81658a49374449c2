from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/new/", views.audit_create, name="audit_create"),
    path("audits/<int:audit_pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:audit_pk>/edit/", views.audit_edit, name="audit_edit"),
    path("audits/<int:audit_pk>/panel/add/", views.panel_add, name="panel_add"),
    path("audits/<int:audit_pk>/panel/<int:membership_pk>/remove/", views.panel_remove, name="panel_remove"),
    path("audits/<int:audit_pk>/cases/new/", views.case_create, name="case_create"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:case_pk>/register/add/", views.term_add, name="term_add"),
    path("cases/<int:case_pk>/register/<int:term_pk>/remove/", views.term_remove, name="term_remove"),
    path("portal/", views.portal, name="portal"),
]
