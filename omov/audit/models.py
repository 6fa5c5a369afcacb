"""The audit log (append-only, hash-chained), chain heads, and background Job records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of an append-only table."""


class ChainHead(models.Model):
    """The latest position and hash of one hash chain; locked (SELECT ... FOR UPDATE) to append."""

    name = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


class AuditEntry(models.Model):
    """One officer action or state change. Never updated or deleted (enforced here and by a database trigger)."""

    position = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="username, or 'system' for background jobs")
    action = models.CharField(max_length=100)
    subject = models.CharField(max_length=200, help_text="what the action was about, e.g. 'ballot:12'")
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "audit entries"
        # A ballot's trail (its page, the scheduler's every-minute pass, the head recorded at the close) is read by
        # subject, newest first: without this, each read scans the whole log.
        indexes = [models.Index(fields=["subject", "position"], name="audit_subject_position")]

    def __str__(self) -> str:
        return f"#{self.position} {self.action} {self.subject} by {self.actor}"

    def payload(self) -> dict[str, object]:
        """The fields the entry's hash commits to."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": self.details,
        }

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class Job(models.Model):
    """A piece of background work (Celery task) with the progress and outcome an officer can see."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        RETRYING = "retrying"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=50, help_text="e.g. open-ballot, send-credentials, count, import-members")
    subject = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    total = models.BigIntegerField(default=0)
    done = models.BigIntegerField(default=0)
    attempts = models.IntegerField(default=0)
    message = models.TextField(blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject", "kind"], name="job_subject_kind")]  # a ballot's jobs, by kind

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.state})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.finished else 0)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @classmethod
    def under_way(cls, *, kind: str, subject: str) -> bool:
        """Is a job of this kind about this subject queued, running or waiting to retry?"""
        return cls.objects.filter(kind=kind, subject=subject).exclude(
            state__in=(cls.State.SUCCEEDED, cls.State.FAILED)
        ).exists()
