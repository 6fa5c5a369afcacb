"""ASGI entry point, for servers that speak ASGI (e.g. `uvicorn omov.web.asgi:application`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omov.web.settings")
application = get_asgi_application()
