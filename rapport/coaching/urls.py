"""URLs of this capability; each has its row in tests/coaching/authz.py."""

from django.urls import path

from rapport.coaching import corrections, views
from rapport.relationships import record_edit

S = "r/<int:pk>/sessions/<int:session_pk>/"
C = "r/<int:pk>/cycles/<int:cycle_pk>/"

urlpatterns = [
    path("r/<int:pk>/agreement/", views.agreement_detail, name="agreement_detail"),
    path("r/<int:pk>/agreement/versions/<int:version>/", views.agreement_version, name="agreement_version"),
    path("r/<int:pk>/agreement/compare/", views.agreement_compare, name="agreement_compare"),
    path("r/<int:pk>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path("r/<int:pk>/agreement/acknowledge/", views.agreement_acknowledge, name="agreement_acknowledge"),
    path("r/<int:pk>/agreement/send/", views.agreement_send, name="agreement_send"),
    path("agreement/acknowledge/<str:token>/", views.agreement_ack_link, name="agreement_ack_link"),
    path("r/<int:pk>/cycles/", views.cycle_list, name="cycle_list"),
    path("r/<int:pk>/cycles/new/", views.cycle_new, name="cycle_new"),
    path(C, views.cycle_detail, name="cycle_detail"),
    path(C + "edit/", views.cycle_edit, name="cycle_edit"),
    path(C + "evidence/", views.evidence_add, name="evidence_add"),
    path(C + "decisions/", views.decision_add, name="decision_add"),
    path("r/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path(S, views.session_detail, name="session_detail"),
    path(S + "notes/", views.session_notes, name="session_notes"),
    path(S + "next-steps/", views.next_step_add, name="next_step_add"),
    path(S + "summary/", views.summary_send, name="summary_send"),
    path(S + "cancel/", views.session_cancel, name="session_cancel"),
    path(S + "reschedule/", views.session_reschedule, name="session_reschedule"),
    path(S + "prep/", views.session_prep, name="session_prep"),
    path(S + "session.ics", views.session_ics, name="session_ics"),
    path("r/<int:pk>/commitments/", views.commitments, name="commitments"),
    path("r/<int:pk>/commitments/<int:commitment_pk>/done/", views.commitment_done, name="commitment_done"),
    path(
        "r/<int:pk>/commitments/<int:commitment_pk>/reopen/",
        views.commitment_reopen,
        name="commitment_reopen",
    ),
    *record_edit.paths("r/<int:pk>/commitments/", corrections.COMMITMENT),
    path("r/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("r/<int:pk>/visits/<int:visit_pk>/", views.visit_detail, name="visit_detail"),
    path("r/<int:pk>/visits/<int:visit_pk>/share/", views.visit_share, name="visit_share"),
    *record_edit.paths("r/<int:pk>/visits/", corrections.VISIT),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>/sessions.ics", views.calendar_feed, name="calendar_feed"),
]
