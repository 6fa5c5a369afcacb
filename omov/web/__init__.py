"""omov.web: the Django project (settings, URLs, WSGI/ASGI, Celery app) and the `omov` platform commands."""
