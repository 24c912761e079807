from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "rapport.conversations"

    def ready(self) -> None:
        from rapport.conversations import recordings
        from rapport.privacy.encryption import register_file_rotator

        register_file_rotator("conversation recordings", recordings.reencrypt_all)
