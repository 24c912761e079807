from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Rapport for a district: backups, jobs that run once, the database going away."""

    name = "rapport.operations"
