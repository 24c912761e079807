from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RelationshipsConfig(AppConfig):
    name = "rapport.relationships"

    def ready(self) -> None:
        from rapport.relationships.membership import ensure_triggers

        post_migrate.connect(ensure_triggers, dispatch_uid="relationships.membership.ensure_triggers")
