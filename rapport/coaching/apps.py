from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "rapport.coaching"
