from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "omov.voice"
    label = "voice"
    verbose_name = "Member voice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the app's Celery tasks, and offer the moderation pipeline to the apps that screen public text
        # but may not import this one (omov.core.screening).
        from omov.core.screening import register_screener
        from omov.voice import tasks  # noqa: F401
        from omov.voice.services.moderation import screen_public_text

        register_screener(screen_public_text)
