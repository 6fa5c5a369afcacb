from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "omov.members"
    label = "members"
    verbose_name = "Members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from omov.members import tasks  # noqa: F401  (registers the import job by name: omov.core.jobs)
