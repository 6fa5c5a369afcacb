"""Setting Django up for a command that needs the platform's database (`omov nominations whatif ROUND`, ...).

The settings module is named, not imported: the core stays below the Django project it configures.
"""

from __future__ import annotations

import os

SETTINGS_MODULE = "omov.web.settings"


def ensure_django() -> None:
    """Set Django up with omov's settings (or those in DJANGO_SETTINGS_MODULE), once per process."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
        django.setup()
