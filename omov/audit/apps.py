from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "omov.audit"
    label = "audit"
    verbose_name = "Audit log and jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make the project's Celery app the current one, so that @shared_task binds to its configuration.
        from omov.core.celery import app  # noqa: F401
