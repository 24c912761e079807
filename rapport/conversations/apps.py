from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "rapport.conversations"
