from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "rapport.privacy"

    def ready(self) -> None:
        from rapport.privacy import adminlog, signals  # noqa: F401  (connect the receivers)
