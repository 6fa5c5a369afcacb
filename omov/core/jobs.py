"""Queueing background jobs by task name: after the current transaction commits, or at once when Celery runs
eagerly.

Callers name the task (`enqueue("omov.ballots.count_ballot", job_id, ballot_id, actor)`) rather than import it,
so a services module never imports its own tasks module (which imports the services back). Every app's task
module registers itself when Django starts (each AppConfig.ready imports it), so the name is always known.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


class UnknownTask(LookupError):
    """A job named a task that no app registered (a typo, or an app whose ready() does not import its tasks)."""


def task_named(name: str) -> Any:
    """The registered Celery task called `name`."""
    from omov.core.celery import app

    try:
        return app.tasks[name]
    except KeyError:
        raise UnknownTask(f"no background task is registered as {name!r}") from None


def enqueue(name: str, *args: Any) -> None:
    """Send the task called `name` with `args` to the workers once the surrounding transaction has committed.

    With CELERY_TASK_ALWAYS_EAGER (SQLite demo and tests) the task runs here and now, inside the caller's
    transaction, so a test or the demo sees its outcome on return.
    """
    task = task_named(name)
    if task.app.conf.task_always_eager:
        task.apply(args=args)
    else:
        transaction.on_commit(lambda: task.delay(*args))
