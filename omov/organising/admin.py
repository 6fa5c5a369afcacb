"""The organising models in the admin, read-only: every change goes through the services (and the audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from omov.organising.models import Completion, Course, Event, Organiser, SignUpForm


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organiser)
class OrganiserAdmin(ReadOnly):
    list_display = ("user", "unit")


@admin.register(Course)
class CourseAdmin(ReadOnly):
    list_display = ("name", "code", "organisation")


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("title", "kind", "unit", "starts_at", "state")
    list_filter = ("kind", "state")


@admin.register(Completion)
class CompletionAdmin(ReadOnly):
    list_display = ("member", "course", "completed_on")


@admin.register(SignUpForm)
class SignUpFormAdmin(ReadOnly):
    list_display = ("title", "kind", "unit", "state", "created_at")
    list_filter = ("kind", "state")
