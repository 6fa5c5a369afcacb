"""The returning officers' admin: ballots with their candidates and balance rules, state-changing actions that
call the services, and read-only access for scrutineers. A returning officer sees and runs only their own
ballots; a scrutineer sees them and changes nothing.

The actions go through the same guarded services as the ballot's page: opening before the opening time and
closing before the closing time are refused here (the services refuse them unless told to go early), and
publishing and cancelling lead to the ballot's confirmation page, which says what the step will do and asks
for confirmation (with JavaScript off, on a phone as on a desktop), instead of acting on one tap."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from omov.ballots import permissions, services
from omov.ballots.errors import BallotError, TooEarly
from omov.ballots.models import BalanceRule, Ballot, Candidate, Credential, Paper, Result
from omov.ballots.selectors import ballots_for_officer, roll_stats

S = Ballot.State


def _is_officer(request: HttpRequest, obj: Ballot | None) -> bool:
    user = request.user
    if user.is_superuser:
        return True
    return obj is not None and permissions.is_officer(actor=user, ballot=obj)


def _is_observer(request: HttpRequest, obj: Ballot | None) -> bool:
    if request.user.is_superuser:
        return True
    if obj is None:
        return bool(request.user.is_staff and ballots_for_officer(user=request.user).exists())
    return permissions.is_observer(actor=request.user, ballot=obj)


class CandidateInline(admin.TabularInline):
    model = Candidate
    fields = ["number", "name", "gender", "statement", "withdrawn"]
    readonly_fields = ["number", "withdrawn"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.state == S.DRAFT and _is_officer(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.state == S.DRAFT and _is_officer(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.state == S.DRAFT and _is_officer(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_observer(request, obj)


class BalanceRuleInline(admin.TabularInline):
    model = BalanceRule
    fields = ["group", "minimum", "maximum", "genders"]
    extra = 0

    has_add_permission = CandidateInline.has_add_permission
    has_change_permission = CandidateInline.has_change_permission
    has_delete_permission = CandidateInline.has_delete_permission
    has_view_permission = CandidateInline.has_view_permission


class BallotForm(forms.ModelForm):
    class Meta:
        model = Ballot
        exclude = ["returning_officers", "scrutineers", "electorate_units"]

    def clean(self) -> dict[str, Any]:
        """The timetable rule of the services, checked here too so that the form is shown again with the error
        beside the closing time (rather than a refusal message beside "changed successfully")."""
        data: dict[str, Any] = super().clean()
        try:
            services.check_timetable(data.get("opens_at"), data.get("closes_at"))
        except BallotError as exc:
            self.add_error("closes_at", str(exc))
        return data


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    form = BallotForm
    list_display = ["title", "organisation", "method", "seats", "state", "opens_at", "closes_at", "turnout"]
    list_filter = ["state", "method", "organisation"]
    search_fields = ["title", "description"]
    date_hierarchy = "opens_at"
    inlines = [CandidateInline, BalanceRuleInline]
    readonly_fields = ["state", "public_id", "roll", "jobs", "result_summary", "cancelled_reason"]
    actions = [
        "action_mark_ready",
        "action_open",
        "action_send_credentials",
        "action_print_letters",
        "action_close",
        "action_count",
        "action_publish",
        "action_cancel",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ballot]:
        return ballots_for_officer(user=request.user).select_related("organisation")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_observer(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:  # the changelist: actions are checked per ballot by the services
            return bool(request.user.is_superuser or ballots_for_officer(user=request.user).exists()) and not (
                self._scrutineer_only(request)
            )
        return _is_officer(request, obj) and obj.state == S.DRAFT

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # ballots are cancelled, never deleted

    def _scrutineer_only(self, request: HttpRequest) -> bool:
        user = request.user
        return not user.is_superuser and not Ballot.objects.filter(returning_officers=user).exists()

    @admin.display(description="turnout")
    def turnout(self, ballot: Ballot) -> str:
        if ballot.state in (S.DRAFT, S.READY, S.CANCELLED):
            return "-"
        stats = roll_stats(ballot=ballot)
        return f"{stats.papers}/{stats.roll} ({100 * stats.turnout:.1f}%)"

    @admin.display(description="roll and credentials")
    def roll(self, ballot: Ballot) -> str:
        stats = roll_stats(ballot=ballot)
        return (
            f"{stats.roll} voters ({stats.by_email} by email, {stats.by_post} by post); credentials sent "
            f"{stats.sent}, printed {stats.printed}, pending {stats.pending}, FAILED {stats.failed}; "
            f"{stats.papers} papers cast"
        )

    @admin.display(description="background jobs")
    def jobs(self, ballot: Ballot) -> str:
        from omov.ballots.selectors import jobs_for_ballot

        rows = [
            f"{j.kind}: {j.state} {j.done}/{j.total} ({j.percent}%) {j.message} {j.error[:300]}".strip()
            for j in jobs_for_ballot(ballot=ballot)[:10]
        ]
        return "; ".join(rows) or "-"

    @admin.display(description="result")
    def result_summary(self, ballot: Ballot) -> str:
        result = Result.objects.filter(ballot=ballot).first()
        if result is None:
            return "-"
        return f"elected: {', '.join(result.elected)}; turnout {result.papers}/{result.roll}; seed {result.seed}"

    # Writes go through the services --------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Ballot, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in services.EDITABLE_FIELDS}
        try:
            if change:
                services.update_ballot(ballot=Ballot.objects.get(pk=obj.pk), actor=request.user, **data)
            else:
                created = services.create_ballot(
                    organisation=obj.organisation,
                    title=obj.title,
                    method=obj.method,
                    seats=obj.seats,
                    actor=request.user,
                    returning_officers=[request.user],
                )
                rest = {k: v for k, v in data.items() if k not in {"title", "method", "seats"}}
                if rest:
                    services.update_ballot(ballot=created, actor=request.user, **rest)
                obj.pk = created.pk
                obj.refresh_from_db()
        except BallotError as exc:
            messages.error(request, str(exc))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        ballot = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the change message
        for sub in formset.deleted_forms:
            if sub.instance.pk and isinstance(sub.instance, Candidate):
                services.remove_candidate(candidate=sub.instance, actor=request.user)
        for sub in formset.forms:
            if sub in formset.deleted_forms or not sub.has_changed():
                continue
            data = sub.cleaned_data
            try:
                if formset.model is Candidate:
                    if sub.instance.pk:
                        services.update_candidate(
                            candidate=sub.instance,
                            actor=request.user,
                            **{k: data[k] for k in sub.changed_data if k in {"name", "statement", "gender"}},
                        )
                    else:
                        services.add_candidate(
                            ballot=ballot,
                            actor=request.user,
                            name=data["name"],
                            statement=data.get("statement", ""),
                            gender=data.get("gender", ""),
                        )
                elif formset.model is BalanceRule and not sub.instance.pk:
                    services.add_balance_rule(
                        ballot=ballot,
                        actor=request.user,
                        group=data["group"],
                        minimum=data["minimum"],
                        maximum=data.get("maximum"),
                        genders=data.get("genders") or [],
                    )
            except BallotError as exc:
                messages.error(request, str(exc))

    def _run(self, request: HttpRequest, queryset: QuerySet[Ballot], verb: str, fn: Any) -> None:
        for ballot in queryset:
            try:
                outcome = fn(ballot)
            except TooEarly as exc:  # going early is confirmed on the ballot's page, which says what it costs
                step = "open" if ballot.state == S.READY else "close"
                page = reverse("officer-action", args=[ballot.pk, step])
                messages.error(request, f"{ballot.title}: {exc} on the ballot's page: {page}")
            except BallotError as exc:
                messages.error(request, f"{ballot.title}: {exc}")
            else:
                extra = f" ({outcome})" if isinstance(outcome, str) else ""
                messages.success(request, f"{ballot.title}: {verb}{extra}")

    @admin.action(description="Mark ready (checks the set-up)")
    def action_mark_ready(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> None:
        self._run(request, queryset, "ready", lambda b: services.mark_ready(ballot=b, actor=request.user))

    @admin.action(description="Open once its opening time has come (freeze the roll, send credentials; a job)")
    def action_open(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> None:
        def go(b: Ballot) -> str:
            job = services.start_opening(ballot=b, actor=request.user)
            job.refresh_from_db()
            return f"job {job.pk}: {job.state} {job.message} {job.error}".strip()

        self._run(request, queryset, "opening", go)

    @admin.action(description="Resend credentials that are pending or failed")
    def action_send_credentials(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> None:
        def go(b: Ballot) -> str:
            d = services.send_credentials(ballot=b, actor=request.user)
            return f"{d.sent} sent, {len(d.failed)} failed"

        self._run(request, queryset, "credentials", go)

    @admin.action(description="Print credential letters for postal voters (shown once)")
    def action_print_letters(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> HttpResponse | None:
        letters: list[services.Letter] = []
        for ballot in queryset:
            try:
                letters += services.print_letters(ballot=ballot, actor=request.user)
            except BallotError as exc:
                messages.error(request, f"{ballot.title}: {exc}")
                return None
        # A print-ready page, one letter an A4 page; shown once (the tokens are stored only as hashes).
        response = render(
            request,
            "ballots/letters.html",
            {"letters": letters, "ballots": ", ".join(b.title for b in queryset)},
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Close once its closing time has come (stop voting)")
    def action_close(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> None:
        self._run(request, queryset, "closed", lambda b: services.close_ballot(ballot=b, actor=request.user))

    @admin.action(description="Count (background job)")
    def action_count(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> None:
        def go(b: Ballot) -> str:
            job = services.start_count(ballot=b, actor=request.user)
            job.refresh_from_db()
            return f"job {job.pk}: {job.state} {job.message} {job.error}".strip()

        self._run(request, queryset, "counting", go)

    def _confirm_on_page(self, request: HttpRequest, queryset: QuerySet[Ballot], step: str) -> HttpResponse | None:
        """An irreversible step is confirmed on the ballot's own page (what it will do, then a confirming POST):
        one ballot at a time, never as a bulk action."""
        ballots = list(queryset[:2])
        if len(ballots) != 1:
            messages.error(request, f"Select one ballot to {step}: it is confirmed on the ballot's page.")
            return None
        return redirect("officer-action", ballot_id=ballots[0].pk, action=step)

    @admin.action(description="Publish the result (asks for confirmation)")
    def action_publish(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> HttpResponse | None:
        return self._confirm_on_page(request, queryset, "publish")

    @admin.action(description="Cancel the ballot, telling its voters why (asks for confirmation)")
    def action_cancel(self, request: HttpRequest, queryset: QuerySet[Ballot]) -> HttpResponse | None:
        return self._confirm_on_page(request, queryset, "cancel")


# A paper is read only once voting has closed: while a ballot is open (or if it was cancelled before closing),
# its papers' content would be a running tally, and their order (cast order) would tie a voter seen voting to a
# paper. Nobody reads them then, a superuser included.
PAPERS_READABLE = (Ballot.State.CLOSED, Ballot.State.COUNTED, Ballot.State.PUBLISHED)


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    """The list of papers as stored (content, tracker, chain): readable by officers and scrutineers once voting
    has closed."""

    list_display = ["ballot", "position", "tracker", "entry_hash"]
    list_filter = [("ballot", admin.RelatedOnlyFieldListFilter)]  # only ballots whose papers may be read
    search_fields = ["tracker"]
    readonly_fields = ["id", "ballot", "position", "content_text", "tracker", "previous_hash", "entry_hash"]
    exclude = ["content"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Paper]:
        return Paper.objects.filter(
            ballot__in=ballots_for_officer(user=request.user), ballot__state__in=PAPERS_READABLE
        )

    @admin.display(description="content")
    def content_text(self, paper: Paper) -> str:
        return bytes(paper.content).decode("utf-8")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff)


__all__ = ["BallotAdmin", "PaperAdmin", "Credential"]
