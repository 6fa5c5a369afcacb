from django.apps import AppConfig


class OrganisingConfig(AppConfig):
    name = "omov.organising"
    label = "organising"
    verbose_name = "Organising"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background tasks by name (omov.core.jobs.enqueue) and let the audit log's admin show an
        # organiser the entries about the units they organise.
        from omov.audit.scopes import register_subject_scope
        from omov.organising import tasks  # noqa: F401
        from omov.organising.selectors import organising_subjects_for

        register_subject_scope(organising_subjects_for)
