"""Read-only admin for the audit log and jobs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from omov.audit.models import AuditEntry, Job
from omov.audit.scopes import subjects_for


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def get_queryset(self, request: HttpRequest) -> Any:
        """Administrators read the whole log. Other staff (returning officers, scrutineers, member-voice
        officers) read only the entries and jobs of the ballots they run or observe: the log also holds what is
        not theirs to see, such as who was elected in a ballot counted but not yet published."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(subject__in=sorted(subjects_for(request.user)))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["position", "at", "actor", "action", "subject"]
    list_filter = ["action"]
    search_fields = ["actor", "action", "subject"]
    readonly_fields = ["position", "at", "actor", "action", "subject", "details", "previous_hash", "entry_hash"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject", "state", "progress", "attempts", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    search_fields = ["subject", "message", "error"]
    readonly_fields = [
        "kind",
        "subject",
        "state",
        "total",
        "done",
        "attempts",
        "message",
        "error",
        "result",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    @admin.display(description="progress")
    def progress(self, job: Job) -> str:
        return f"{job.done}/{job.total} ({job.percent}%)"
