from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Rapport for a district: backups, jobs that run once, the database going away."""

    name = "rapport.operations"

    def ready(self) -> None:
        from rapport.operations import checks  # noqa: F401  (registers the production checks)
