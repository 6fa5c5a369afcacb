"""Admin for organisations, units and members; members are imported from CSV as a background job."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

from omov.members.errors import MemberError
from omov.members.models import Member, Organisation, Unit
from omov.members.services import create_organisation, create_unit, set_member_status, start_member_import


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = create_organisation(name=obj.name, slug=obj.slug, actor=request.user)
            obj.pk = created.pk


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "affiliate_kind", "affiliated_members"]
    list_filter = ["kind", "affiliate_kind", "organisation"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = create_unit(
                organisation=obj.organisation,
                code=obj.code,
                name=obj.name,
                kind=obj.kind,
                parent=obj.parent,
                affiliate_kind=obj.affiliate_kind,
                affiliated_members=obj.affiliated_members,
                actor=request.user,
            )
        except MemberError as exc:
            raise forms.ValidationError(str(exc)) from exc
        obj.pk, obj.path = created.pk, created.path


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    file = forms.FileField(help_text="UTF-8 CSV: membership_number,name,unit,joined_on[,email,status,...]")
    update = forms.BooleanField(required=False, help_text="update members already known (by membership number)")
    dry_run = forms.BooleanField(required=False, help_text="only check the file")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["membership_number", "name", "email", "unit", "status", "category", "joined_on", "arrears"]
    list_filter = ["status", "category", "postal", "unit__kind", "organisation"]
    search_fields = ["membership_number", "name", "email"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["user"]
    actions = ["mark_lapsed", "mark_suspended", "mark_active"]
    change_list_template = "admin/members/member/change_list.html"

    def get_urls(self) -> list[Any]:
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="members_member_import")]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV; the import runs as a background job whose progress shows under Jobs."""
        if not request.user.has_perm("members.add_member"):
            messages.error(request, "You may not import members.")
            return HttpResponseRedirect(reverse("admin:members_member_changelist"))
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            folder = Path(settings.MEDIA_ROOT) / "imports"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{uuid.uuid4().hex}.csv"
            with target.open("wb") as out:
                for chunk in form.cleaned_data["file"].chunks():
                    out.write(chunk)
            job = start_member_import(
                organisation=form.cleaned_data["organisation"],
                path=target,
                update=form.cleaned_data["update"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
            job.refresh_from_db()
            messages.info(request, f"Import queued as job {job.pk} ({job.state}). {job.message or job.error[:500]}")
            return HttpResponseRedirect(reverse("admin:audit_job_change", args=[job.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "title": "Import members from CSV"}
        return render(request, "admin/members/member/import.html", context)

    def _set_status(self, request: HttpRequest, queryset: Any, status: str) -> None:
        for member in queryset:
            set_member_status(member=member, status=status, actor=request.user, reason="admin action")
        self.message_user(request, f"{queryset.count()} members marked {status}.")

    @admin.action(description="Mark selected members lapsed")
    def mark_lapsed(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Member.Status.LAPSED)

    @admin.action(description="Mark selected members suspended")
    def mark_suspended(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Member.Status.SUSPENDED)

    @admin.action(description="Mark selected members active")
    def mark_active(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Member.Status.ACTIVE)
