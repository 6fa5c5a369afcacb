from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "omov.voice"
    label = "voice"
    verbose_name = "Member voice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from omov.voice import tasks  # noqa: F401  (registers the app's Celery tasks)
