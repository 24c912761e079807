from django.urls import path

from rapport.relationships import corrections, record_edit, views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("coaches/<int:pk>/space/", views.coach_lead_space_open, name="coach_lead_space_open"),
    path("coverage/", views.coverage, name="coverage"),
    path("settings/coaching/", views.coach_settings, name="coach_settings"),
    path("noticed/", views.noticing_pick_teacher, name="noticing_pick_teacher"),
    path("questions/", views.question_bank, name="question_bank"),
    path("r/<int:pk>/", views.relationship_detail, name="relationship_detail"),
    path("r/<int:pk>/profile/", views.profile_edit, name="profile_edit"),
    path("r/<int:pk>/history/", views.relationship_history, name="relationship_history"),
    path("r/<int:pk>/touchpoints/", views.touchpoint_log, name="touchpoint_log"),
    *record_edit.paths("r/<int:pk>/touchpoints/", corrections.TOUCHPOINT),
    path("r/<int:pk>/noticings/new/", views.noticing_new, name="noticing_new"),
    *record_edit.paths("r/<int:pk>/noticings/", corrections.NOTICING),
    path("r/<int:pk>/appreciations/new/", views.appreciation_new, name="appreciation_new"),
    path("r/<int:pk>/answers/new/", views.answer_new, name="answer_new"),
    path("r/<int:pk>/notes/<int:note_pk>/edit/", views.note_edit, name="note_edit"),
    path("r/<int:pk>/notes/<int:note_pk>/delete/", views.note_delete, name="note_delete"),
    path("r/<int:pk>/notes/<int:note_pk>/release/", views.note_release, name="note_release"),
    path("r/<int:pk>/notes/<int:note_pk>/follow-up/", views.follow_up_close, name="follow_up_close"),
]
