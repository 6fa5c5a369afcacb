"""The Celery application: background jobs (opening a roll, sending credentials and sign-in links, counting,
imports).

Configured from Django settings (the CELERY_* names, including the beat schedule, CELERY_BEAT_SCHEDULE in
omov/web/settings.py); `omov worker` runs it. Each job records its progress and outcome on an
`omov.audit.models.Job` row, so no result backend is needed. Tasks live in each app's `tasks.py`, which the
app's AppConfig.ready imports, so every process that sets Django up knows every task by name (`omov.core.jobs`).
"""

from __future__ import annotations

import os

from celery import Celery

from omov.core.django import SETTINGS_MODULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)

app = Celery("omov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # each installed app's tasks.py, read from Django's settings when the worker starts
