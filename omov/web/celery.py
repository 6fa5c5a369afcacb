"""The Celery application: background jobs (opening a roll, sending credentials and sign-in links, counting,
imports).

Configured from Django settings (the CELERY_* names); `omov worker` runs it. Each job records its progress
and outcome on an `omov.audit.models.Job` row, so no result backend is needed.

Celery beat (`omov worker --beat`, or a separate `celery -A omov.web.celery beat`) runs the ballot schedule
every minute: ballots open and close themselves at their set times (omov.ballots.scheduling). Deployments
without beat run `omov schedule --every 60` instead.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omov.web.settings")

SCHEDULE_EVERY = 60.0  # seconds between passes of the ballot schedule

app = Celery("omov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["omov.members", "omov.ballots", "omov.web"])
app.autodiscover_tasks(["omov.ballots"], related_name="scheduling")
app.conf.beat_schedule = {
    "ballot-schedule": {
        "task": "omov.ballots.run_schedule",
        "schedule": SCHEDULE_EVERY,
        # A pass that waited longer than its interval in the queue is dropped: the next one does its work.
        "options": {"expires": SCHEDULE_EVERY - 5},
    },
}
