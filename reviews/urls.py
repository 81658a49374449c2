from django.urls import path

from .views import concerns, findings, meetings, public, review

app_name = "reviews"

urlpatterns = [
    # Case review page, notes, the case pack
    path("cases/<int:case_pk>/review/", review.case_review, name="case_review"),
    path("cases/<int:case_pk>/review/notes/add/", review.note_add, name="note_add"),
    path("cases/<int:case_pk>/review/notes/<int:note_pk>/edit/", review.note_edit, name="note_edit"),
    path("cases/<int:case_pk>/review/circulate/", review.case_pack_circulate, name="case_pack_circulate"),
    path("cases/<int:case_pk>/review/mark/", review.case_review_mark, name="case_review_mark"),
    path("cases/<int:case_pk>/review/pack.pdf", review.case_pack_pdf, name="case_pack_pdf"),
    path("cases/<int:case_pk>/review/pack/", review.case_pack_status, name="case_pack_status"),
    # Reflective practice meetings
    path("cases/<int:case_pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_pk>/invitations/add/", meetings.invitation_add, name="invitation_add"),
    path("meetings/<int:meeting_pk>/invitations/send/", meetings.invitations_send, name="invitations_send"),
    path(
        "meetings/<int:meeting_pk>/invitations/<int:invitation_pk>/edit/",
        meetings.invitation_edit,
        name="invitation_edit",
    ),
    path(
        "meetings/<int:meeting_pk>/invitations/<int:invitation_pk>/remove/",
        meetings.invitation_remove,
        name="invitation_remove",
    ),
    path(
        "meetings/<int:meeting_pk>/invitations/<int:invitation_pk>/resend/",
        meetings.invitation_resend,
        name="invitation_resend",
    ),
    path("meetings/<int:meeting_pk>/attendance/", meetings.attendance_record, name="attendance_record"),
    # The invitee's personal link (no login; signed token)
    path("invitations/respond/<str:token>/", public.invitation_respond, name="invitation_respond"),
    # Findings
    path("cases/<int:case_pk>/findings/", findings.findings, name="findings"),
    path("cases/<int:case_pk>/findings/points/add/", findings.learning_point_add, name="learning_point_add"),
    path(
        "cases/<int:case_pk>/findings/points/<int:point_pk>/edit/",
        findings.learning_point_edit,
        name="learning_point_edit",
    ),
    path(
        "cases/<int:case_pk>/findings/points/<int:point_pk>/move/",
        findings.learning_point_move,
        name="learning_point_move",
    ),
    path(
        "cases/<int:case_pk>/findings/points/<int:point_pk>/delete/",
        findings.learning_point_delete,
        name="learning_point_delete",
    ),
    path("cases/<int:case_pk>/findings/assurance/", findings.assurance_edit, name="assurance_edit"),
    path("cases/<int:case_pk>/findings/actions/add/", findings.action_add, name="action_add"),
    path(
        "cases/<int:case_pk>/findings/actions/<int:action_pk>/edit/", findings.action_edit, name="action_edit"
    ),
    # Immediate safeguarding concerns
    path("cases/<int:case_pk>/concerns/new/", concerns.concern_raise, name="concern_raise"),
    path("concerns/", concerns.concern_list, name="concern_list"),
    path("concerns/<int:concern_pk>/", concerns.concern_detail, name="concern_detail"),
    path("concerns/<int:concern_pk>/acknowledge/", concerns.concern_acknowledge, name="concern_acknowledge"),
    path("concerns/<int:concern_pk>/resolve/", concerns.concern_resolve, name="concern_resolve"),
    # Confidential agency actions
    path("actions/", findings.action_list, name="action_list"),
    path("actions/<int:action_pk>/respond/", findings.action_respond, name="action_respond"),
]
