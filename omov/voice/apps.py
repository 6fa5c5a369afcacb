from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "omov.voice"
    label = "voice"
    verbose_name = "Member voice"
    default_auto_field = "django.db.models.BigAutoField"
