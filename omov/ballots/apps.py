from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "omov.ballots"
    label = "ballots"
    verbose_name = "Ballots"
    default_auto_field = "django.db.models.BigAutoField"
