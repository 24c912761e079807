from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "rapport.search"

    def ready(self) -> None:
        from rapport.privacy.encryption import register_file_rotator
        from rapport.search import index

        index.connect_signals()
        # The index is keyed from the current encryption key: rotating keys rebuilds it.
        register_file_rotator("search index (records)", index.rebuild)
