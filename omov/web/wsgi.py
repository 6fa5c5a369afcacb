"""WSGI entry point: `gunicorn omov.web.wsgi:application` (what `omov serve` runs)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omov.web.settings")
application = get_wsgi_application()
