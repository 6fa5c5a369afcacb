"""Queueing background jobs: after the current transaction commits, or at once when Celery runs eagerly."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue(task: Any, *args: Any) -> None:
    """Send `task(*args)` to the workers once the surrounding transaction has committed.

    With CELERY_TASK_ALWAYS_EAGER (SQLite demo and tests) the task runs here and now, inside the caller's
    transaction, so a test or the demo sees its outcome on return.
    """
    if task.app.conf.task_always_eager:
        task.apply(args=args)
    else:
        transaction.on_commit(lambda: task.delay(*args))
