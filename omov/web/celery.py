"""The Celery application: background jobs (opening a roll, sending credentials, counting, imports).

Configured from Django settings (the CELERY_* names); `omov worker` runs it. Each job records its progress
and outcome on an `omov.audit.models.Job` row, so no result backend is needed.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omov.web.settings")

app = Celery("omov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["omov.members", "omov.ballots"])
