from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "omov.web"
    label = "web"
    verbose_name = "Web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from omov.web import tasks  # noqa: F401  (registers the sign-in mail job by name: omov.core.jobs)
