"""URLs of this capability; each has its row in tests/conversations/authz.py."""

from django.urls import path

from rapport.conversations import views

urlpatterns = [
    path("r/<int:pk>/conversations/", views.conversation_list, name="conversation_list"),
    path("r/<int:pk>/conversations/new/", views.conversation_new, name="conversation_new"),
    path("conversations/shared/", views.conversations_shared_with_me, name="conversations_shared_with_me"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("conversations/<int:pk>/speakers/", views.conversation_speakers, name="conversation_speakers"),
    path("conversations/<int:pk>/share/", views.conversation_share, name="conversation_share"),
    path(
        "conversations/<int:pk>/share/stop/",
        views.conversation_stop_sharing,
        name="conversation_stop_sharing",
    ),
    path("conversations/consents/<int:pk>/", views.consent_answer, name="consent_answer"),
    path("conversations/consent/<str:token>/", views.consent_link, name="consent_link"),
    path("conversations/<int:pk>/comments/", views.conversation_comment, name="conversation_comment"),
    path("conversations/<int:pk>/delete/", views.conversation_delete, name="conversation_delete"),
    path("conversations/<int:pk>/recording/", views.conversation_recording, name="conversation_recording"),
]
