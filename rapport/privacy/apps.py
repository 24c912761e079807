from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "rapport.privacy"

    def ready(self) -> None:
        from rapport.privacy import adminlog, signals  # noqa: F401  (connect the receivers)
        from rapport.privacy.membership import ensure_triggers

        post_migrate.connect(ensure_triggers, dispatch_uid="privacy.membership.ensure_triggers")
