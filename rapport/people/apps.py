from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "rapport.people"

    def ready(self) -> None:
        from rapport.people import checks  # noqa: F401  (registers the sign-in settings checks)
