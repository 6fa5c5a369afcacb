from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "omov.nominations"
    label = "nominations"
    verbose_name = "Nominations, trigger ballots and selections"
    default_auto_field = "django.db.models.BigAutoField"
