from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "rapport.privacy"

    def ready(self) -> None:
        from rapport.privacy import signals  # noqa: F401  (connects the receivers)
