from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "omov.nominations"
    label = "nominations"
    verbose_name = "Nominations, trigger ballots and selections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background tasks by name (omov.core.jobs.enqueue: the notice of a timetable change).
        from omov.nominations import tasks  # noqa: F401
