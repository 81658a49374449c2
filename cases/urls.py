from django.urls import path

from . import views, views_audit, views_returns

app_name = "cases"

urlpatterns = [
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/new/", views.audit_create, name="audit_create"),
    path("audits/<int:audit_pk>/", views_audit.audit_detail, name="audit_detail"),
    path("audits/<int:audit_pk>/cases/", views_audit.audit_cases, name="audit_cases"),
    path("audits/<int:audit_pk>/returns/", views_audit.audit_returns, name="audit_returns"),
    path("audits/<int:audit_pk>/grades/", views_audit.audit_grades, name="audit_grades"),
    path("audits/<int:audit_pk>/panel/", views_audit.audit_panel, name="audit_panel"),
    path("audits/<int:audit_pk>/meetings/", views_audit.audit_meetings, name="audit_meetings"),
    path("audits/<int:audit_pk>/findings/", views_audit.audit_findings, name="audit_findings"),
    path(
        "audits/<int:audit_pk>/recommendations/",
        views_audit.audit_recommendations,
        name="audit_recommendations",
    ),
    path("audits/<int:audit_pk>/assurance/", views_audit.audit_assurance, name="audit_assurance"),
    path("audits/<int:audit_pk>/edit/", views.audit_edit, name="audit_edit"),
    path("audits/<int:audit_pk>/panel/add/", views.panel_add, name="panel_add"),
    path("audits/<int:audit_pk>/panel/<int:membership_pk>/remove/", views.panel_remove, name="panel_remove"),
    path("audits/<int:audit_pk>/cases/new/", views.case_create, name="case_create"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:case_pk>/register/add/", views.term_add, name="term_add"),
    path("cases/<int:case_pk>/register/<int:term_pk>/remove/", views.term_remove, name="term_remove"),
    path("cases/<int:case_pk>/register/<int:term_pk>/share/", views.term_share, name="term_share"),
    path("portal/", views.portal, name="portal"),
    path("cases/<int:case_pk>/returns/request/", views_returns.return_request, name="return_request"),
    path("cases/<int:case_pk>/timeline/", views_returns.case_timeline, name="case_timeline"),
    path("returns/<int:return_pk>/", views_returns.return_detail, name="return_detail"),
    path("returns/<int:return_pk>/edit/", views_returns.return_edit, name="return_edit"),
    path("returns/<int:return_pk>/submit/", views_returns.return_submit, name="return_submit"),
    path("returns/<int:return_pk>/import/", views_returns.return_import, name="return_import"),
    path("returns/<int:return_pk>/accept/", views_returns.return_accept, name="return_accept"),
    path("returns/<int:return_pk>/send-back/", views_returns.return_send_back, name="return_send_back"),
    path("returns/template.csv", views_returns.return_template_csv, name="return_template_csv"),
    path("returns/template.xlsx", views_returns.return_template_xlsx, name="return_template_xlsx"),
]
