from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "omov.ballots"
    label = "ballots"
    verbose_name = "Ballots"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background tasks by name (omov.core.jobs.enqueue) and let the audit log's admin show
        # officers and scrutineers the entries of the ballots they run or observe.
        from omov.audit.scopes import register_subject_scope
        from omov.ballots import scheduling, tasks  # noqa: F401
        from omov.ballots.selectors import ballot_subjects_for
        from omov.ballots.verifiable import tasks as verifiable_tasks  # noqa: F401

        register_subject_scope(ballot_subjects_for)
