"""The officers' admin: rounds (with the rule editor), nominations, trigger ballots, selections.

Every change goes through a service; the admin only translates forms and actions into calls.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from omov.nominations import services
from omov.nominations.errors import NominationError
from omov.nominations.models import (
    GroupMembership,
    Hustings,
    NominatingGroup,
    Nomination,
    NominationRound,
    OpenSelection,
    RoundCandidate,
    TriggerBallot,
    TriggerVote,
)
from omov.nominations.thresholds import PRESETS, RuleError, resolve


class RoundForm(forms.ModelForm):
    """The rule editor: a preset's name or an expression, checked by the parser; its error is shown."""

    class Meta:
        model = NominationRound
        fields = ["organisation", "title", "rule", "groups", "parliamentary_group", "scope", "ballot", "opens_at",
                  "closes_at"]
        widgets = {"rule": forms.Textarea(attrs={"rows": 3, "cols": 80})}
        help_texts = {"rule": "A preset (" + ", ".join(PRESETS) + ") or an expression, e.g. "
                              "mp >= 10% and (clp >= 5% or affiliates(3, union >= 2, members >= 5%))"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            self.fields["groups"].required = False

    def clean_rule(self) -> str:
        rule = str(self.cleaned_data.get("rule", "")).strip()
        try:
            resolve(rule)
        except RuleError as exc:
            raise forms.ValidationError(f"The rule is malformed: {exc}") from None
        if self.instance.pk and self.instance.state != NominationRound.State.DRAFT and rule != self.instance.rule:
            raise forms.ValidationError("The rule is fixed once nominations open.")
        return rule

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if self.instance.pk:  # a change: only the rule is a field here (the rest is read-only), checked above
            return data
        try:
            _, groups = services.check_round_setup(
                rule=data["rule"], groups=data.get("groups") or None,
                parliamentary_group=data.get("parliamentary_group"), opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            )
        except NominationError as exc:
            raise forms.ValidationError(str(exc)[:1].upper() + str(exc)[1:]) from None
        data["groups"] = groups
        return data


class CandidateInline(admin.TabularInline):
    model = RoundCandidate
    extra = 0
    fields = ["name", "gender", "withdrawn", "sitting", "longlisted", "shortlisted"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _timetable_link(url: str, text: str) -> str:
    return format_html('<a href="{}">{}</a> (with a reason: audited, and those affected are told)', url, text)


@admin.register(NominationRound)
class RoundAdmin(admin.ModelAdmin):
    form = RoundForm
    list_display = ["title", "rule", "state", "opens_at", "closes_at"]
    readonly_fields = ["state", "closing_record"]
    inlines = [CandidateInline]
    actions = ["open_rounds", "close_rounds", "confirm_rounds"]

    def get_readonly_fields(self, request: HttpRequest, obj: NominationRound | None = None) -> Any:
        """An existing round: only a draft's rule is edited here (set_rule). Every other field is shown read-only,
        so the admin never says "changed successfully" about a change it would discard; the timetable moves on
        the officer's timetable page (change_round_timetable)."""
        if obj is None:
            return list(self.readonly_fields)
        fields = [f for f in RoundForm.Meta.fields if f != "rule" or obj.state != NominationRound.State.DRAFT]
        return [*fields, "change_timetable", *self.readonly_fields]

    def get_fields(self, request: HttpRequest, obj: NominationRound | None = None) -> Any:
        if obj is None:
            return list(RoundForm.Meta.fields)
        return [*RoundForm.Meta.fields, "change_timetable", *self.readonly_fields]

    @admin.display(description="Timetable")
    def change_timetable(self, obj: NominationRound) -> str:
        return _timetable_link(reverse("nominations:round-timetable", args=[obj.pk]), "Change the timetable")

    def save_model(self, request: HttpRequest, obj: NominationRound, form: Any, change: bool) -> None:
        try:
            if not change:
                new = services.create_round(
                    organisation=obj.organisation, title=obj.title, rule=obj.rule, groups=obj.groups or None,
                    parliamentary_group=obj.parliamentary_group, scope=obj.scope, ballot=obj.ballot,
                    opens_at=obj.opens_at, closes_at=obj.closes_at, actor=request.user,
                )
                obj.pk = new.pk
                obj.refresh_from_db()
            elif "rule" in form.changed_data:  # the one field an existing round's form has (see above)
                services.set_rule(round=obj, rule=obj.rule, actor=request.user)
        except NominationError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def _each(self, request: HttpRequest, queryset: QuerySet[NominationRound], fn: Any, done: str) -> None:
        for rnd in queryset:
            try:
                out = fn(round=rnd, actor=request.user)
            except NominationError as exc:
                self.message_user(request, f"{rnd.title}: {exc}", messages.ERROR)
            else:
                extra = f" ({', '.join(out) or 'nobody'})" if isinstance(out, list) else ""
                self.message_user(request, f"{rnd.title}: {done}{extra}", messages.SUCCESS)

    @admin.action(description="Open nominations")
    def open_rounds(self, request: HttpRequest, queryset: QuerySet[NominationRound]) -> None:
        self._each(request, queryset, services.open_round, "opened")

    @admin.action(description="Close nominations (freeze the evaluation)")
    def close_rounds(self, request: HttpRequest, queryset: QuerySet[NominationRound]) -> None:
        self._each(request, queryset, services.close_round, "closed")

    @admin.action(description="Confirm: put the qualified candidates on the ballot")
    def confirm_rounds(self, request: HttpRequest, queryset: QuerySet[NominationRound]) -> None:
        self._each(request, queryset, services.confirm_qualified, "confirmed; on the ballot")


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["round", "candidate", "group", "member", "unit", "made_at", "withdrawn_at"]
    list_filter = ["round", "group"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    readonly_fields = ["member", "joined_on", "left_on"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAdmin(admin.ModelAdmin):
    """Adds go through a service (checked in the form's clean, so errors are shown and nothing is saved);
    existing rows are read-only here."""

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin_self = self

        class ServiceForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean() or {}
                if obj is None and not self.errors:
                    try:
                        with transaction.atomic():
                            self.instance = admin_self.create(request, data)
                    except NominationError as exc:
                        raise forms.ValidationError(str(exc)[:1].upper() + str(exc)[1:]) from None
                return data

            def _post_clean(self) -> None:
                if obj is not None:
                    super()._post_clean()

        return ServiceForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing to save: the service wrote the row in the form's clean."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Related rows were written by the service too (the inlines are read-only and add nothing)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return list(super().get_readonly_fields(request, obj))
        return [f.name for f in self.model._meta.concrete_fields if f.name != "id"] + [
            f.name for f in self.model._meta.many_to_many]


@admin.register(NominatingGroup)
class NominatingGroupAdmin(ServiceAdmin):
    list_display = ["name", "code", "organisation"]
    inlines = [GroupMembershipInline]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Any:
        return services.create_group(organisation=data["organisation"], code=data["code"], name=data["name"],
                                     actor=request.user)


class TriggerVoteInline(admin.TabularInline):
    model = TriggerVote
    extra = 0
    readonly_fields = ["unit", "choice", "votes_reselect", "votes_open", "abstentions", "meeting_date",
                       "recorded_at", "recorded_by"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TriggerBallot)
class TriggerBallotAdmin(ServiceAdmin):
    fields = ["organisation", "constituency", "representative", "representative_member", "representative_gender",
              "share", "base", "affiliates", "closes_at", "outcome", "decided_at", "decision_record"]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Any:
        return services.create_trigger_ballot(
            constituency=data["constituency"], representative=data["representative"], closes_at=data["closes_at"],
            actor=request.user, affiliates=data.get("affiliates") or [], share=data["share"], base=data["base"],
            representative_member=data.get("representative_member"),
            representative_gender=data.get("representative_gender", ""),
        )

    list_display = ["representative", "constituency", "share", "closes_at", "outcome"]
    readonly_fields = ["outcome", "decided_at", "decision_record"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*self.fields, "change_timetable"] if obj is not None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "change_timetable"] if obj is not None else fields

    @admin.display(description="Deadline")
    def change_timetable(self, obj: TriggerBallot) -> str:
        return _timetable_link(reverse("nominations:trigger-timetable", args=[obj.pk]), "Change the deadline")
    inlines = [TriggerVoteInline]
    actions = ["decide"]

    @admin.action(description="Decide the outcome (after the close)")
    def decide(self, request: HttpRequest, queryset: QuerySet[TriggerBallot]) -> None:
        for trig in queryset:
            try:
                services.decide_trigger(trigger=trig, actor=request.user)
            except NominationError as exc:
                self.message_user(request, f"{trig}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{trig}: {trig.outcome}", messages.SUCCESS)


class HustingsInline(admin.TabularInline):
    model = Hustings
    extra = 0
    readonly_fields = ["starts_at", "place"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SelectionForm(forms.ModelForm):
    opens_at = forms.SplitDateTimeField(widget=AdminSplitDateTime, help_text="nominations open")
    closes_at = forms.SplitDateTimeField(widget=AdminSplitDateTime, help_text="nominations close")

    class Meta:
        model = OpenSelection
        fields = ["organisation", "constituency", "title", "women_share", "women_genders"]


@admin.register(OpenSelection)
class OpenSelectionAdmin(ServiceAdmin):
    list_display = ["title", "constituency", "stage", "selected", "published_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SelectionForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["organisation", "constituency", "title", "women_share", "women_genders", "opens_at", "closes_at"]
        return super().get_fields(request, obj)  # every field, read-only, and the timetable link

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "change_timetable"] if obj is not None else fields

    @admin.display(description="Nominations timetable")
    def change_timetable(self, obj: OpenSelection) -> str:
        return _timetable_link(reverse("nominations:round-timetable", args=[obj.round_id]),
                               "Change the nominations timetable")

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Any:
        """An open selection without a trigger ballot (e.g. a seat without a sitting representative)."""
        return services.start_selection(
            constituency=data["constituency"], actor=request.user, title=data["title"], opens_at=data["opens_at"],
            closes_at=data["closes_at"], women_share=data["women_share"],
            women_genders=data.get("women_genders") or ("woman", "female", "f"),
        )
    inlines = [HustingsInline]
    actions = ["longlist", "publish"]

    @admin.action(description="Close nominations and draw the longlist")
    def longlist(self, request: HttpRequest, queryset: QuerySet[OpenSelection]) -> None:
        for sel in queryset:
            try:
                names = services.draw_longlist(selection=sel, actor=request.user)
            except NominationError as exc:
                self.message_user(request, f"{sel}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{sel}: longlist {', '.join(names) or 'empty'}", messages.SUCCESS)

    @admin.action(description="Publish the selected candidate (after the ballot's result is published)")
    def publish(self, request: HttpRequest, queryset: QuerySet[OpenSelection]) -> None:
        for sel in queryset:
            try:
                name = services.publish_selection(selection=sel, actor=request.user)
            except NominationError as exc:
                self.message_user(request, f"{sel}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{sel}: {name} selected", messages.SUCCESS)
