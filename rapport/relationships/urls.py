from django.urls import path

from rapport.relationships import views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("r/<int:pk>/", views.relationship_detail, name="relationship_detail"),
    path("r/<int:pk>/notes/<int:note_pk>/edit/", views.note_edit, name="note_edit"),
    path("r/<int:pk>/notes/<int:note_pk>/delete/", views.note_delete, name="note_delete"),
    path("r/<int:pk>/notes/<int:note_pk>/release/", views.note_release, name="note_release"),
    path("me/", views.teacher_space, name="teacher_space"),
]
