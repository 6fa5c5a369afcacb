from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "omov.nominations"
    label = "nominations"
    verbose_name = "Nominations, trigger ballots and selections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background tasks by name (omov.core.jobs.enqueue: the notice of a timetable change), and
        # let the audit log's admin show nominations officers the entries of what they run.
        from omov.audit.scopes import register_subject_scope
        from omov.nominations import tasks  # noqa: F401
        from omov.nominations.selectors import nomination_subjects_for

        register_subject_scope(nomination_subjects_for)
