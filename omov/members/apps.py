from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "omov.members"
    label = "members"
    verbose_name = "Members"
    default_auto_field = "django.db.models.BigAutoField"
