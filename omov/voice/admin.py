"""The officers' side of member voice in the admin: the moderation queue (filters by reason, score, target,
unit; approve, reject, spam, not spam, warn, suspend posting for a period — each with a reason, audited, the
author told), held free-text answers, consultations and their questions, motions (composite, put to a vote),
thresholds, officers and public roles. Every change goes through omov.voice.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from omov.voice import services
from omov.voice.errors import VoiceError
from omov.voice.models import (
    Answer,
    Comment,
    Consultation,
    ModerationDecision,
    Motion,
    MotionThreshold,
    PublicRole,
    Question,
    Thread,
    VoiceOfficer,
)
from omov.voice.moderation.explain import explain
from omov.voice.selectors import awaiting_decision, under, units_looked_after
from omov.voice.services.moderation import DECISION_TEXT


class OfficerAdmin(admin.ModelAdmin):
    """Visible to superusers and member-voice officers; writes only through services (no raw add/delete).

    An officer sees only the rows of the units they look after (and those below): `unit_field` names the path
    from a row to its unit. Choices of units, members and organisations in forms are narrowed the same way."""

    unit_field = "unit"

    def _officer(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and (request.user.is_superuser or units_looked_after(request.user)))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(under(units_looked_after(request.user), self.unit_field))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            from omov.members.models import Member, Organisation, Unit

            units = units_looked_after(request.user)
            if db_field.related_model is Unit:
                kwargs["queryset"] = Unit.objects.filter(under(units))
            elif db_field.related_model is Member:
                kwargs["queryset"] = Member.objects.filter(under(units, "unit"))
            elif db_field.related_model is Organisation:
                kwargs["queryset"] = Organisation.objects.filter(pk__in={u.organisation_id for u in units})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        from omov.members.models import Unit

        if not request.user.is_superuser and db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.filter(under(units_looked_after(request.user)))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._officer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._officer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The moderation queue -----------------------------------------------------------------------------------------


class ModerationActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason (sent to the author)", max_length=1000)
    days = forms.IntegerField(required=False, min_value=1, max_value=3650, label="Suspend for (days)")
    abusive = forms.BooleanField(required=False, label="Confirmed abusive")


class QueueFilter(admin.SimpleListFilter):
    """The moderation queue opens on what waits for a decision: comments held for review, and comments the
    filter filed as spam that no moderator has decided on yet (a comment a moderator marked spam is decided and
    leaves it). "everything" shows accepted, rejected and decided comments too."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("waiting", "waiting for a decision"), ("all", "everything")]

    def value(self) -> str:
        return super().value() or "waiting"

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        return awaiting_decision(queryset) if self.value() == "waiting" else queryset


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("abuse", "abuse"),
            ("flood", "posting too fast"),
            ("spam", "spam score"),
            ("links", "links"),
            ("repetition", "repetition"),
            ("promo", "self-promotion, giveaways, follow-for-follow, scams, pills, adult lures"),
            ("markup", "HTML or script"),
            ("reported", "reported by members"),
            ("akismet", "Akismet"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        value = self.value()
        if not value:
            return queryset
        # reasons is a JSON list of short codes; match on its text (portable across SQLite and PostgreSQL)
        return queryset.filter(reasons__icontains=f'"{value}')


class ScoreFilter(admin.SimpleListFilter):
    title = "score"
    parameter_name = "score"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("abuse50", "abuse ≥ 50%"),
            ("abuse90", "abuse ≥ 90%"),
            ("spam60", "spam ≥ 60%"),
            ("spam90", "spam ≥ 90%"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        field, cut = {
            "abuse50": ("abuse_score", 0.5),
            "abuse90": ("abuse_score", 0.9),
            "spam60": ("spam_score", 0.6),
            "spam90": ("spam_score", 0.9),
        }.get(self.value() or "", ("", 0))
        return queryset.filter(**{f"{field}__gte": cut}) if field else queryset


class TargetUnitFilter(admin.SimpleListFilter):
    title = "target's unit"
    parameter_name = "target_unit"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from omov.members.models import Unit

        units = Unit.objects.all()
        if not request.user.is_superuser:
            units = units.filter(under(units_looked_after(request.user)))  # another unit's names are not theirs
        return [(str(u.pk), u.name) for u in units.order_by("path")[:200]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if not self.value():
            return queryset
        from omov.members.models import Unit

        unit = Unit.objects.filter(pk=self.value()).first()
        return queryset.filter(target_unit__path__startswith=unit.path) if unit else queryset.none()


class DecisionInline(admin.TabularInline):
    model = ModerationDecision
    fields = ["created_at", "decision", "reason", "abusive", "officer", "suspended_until"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(OfficerAdmin):
    """The moderation queue: held and spam comments first."""

    list_display = [
        "short_body",
        "author",
        "status",
        "reason_list",
        "spam_percent",
        "abuse_percent",
        "thread_kind",
        "target_member",
        "target_role",
        "target_unit",
        "reports_count",
        "created_at",
    ]
    list_filter = [
        QueueFilter,
        "status",
        ReasonFilter,
        ScoreFilter,
        "thread__kind",
        "target_role",
        TargetUnitFilter,
        ("thread__unit", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["body", "author__name", "author__membership_number", "target_member__name"]
    readonly_fields = [
        "thread",
        "parent",
        "author",
        "body",
        "status",
        "reasons",
        "reasons_explained",
        "spam_score",
        "abuse_score",
        "target_member",
        "target_role",
        "target_unit",
        "held_for_abuse",
        "confirmed_abusive",
        "reports_count",
        "created_at",
        "edited_at",
    ]
    inlines = [DecisionInline]
    action_form = ModerationActionForm
    actions = ["approve", "reject", "mark_spam", "mark_not_spam", "warn", "suspend"]
    list_select_related = ["author", "thread", "target_member", "target_unit"]

    unit_field = "thread__unit"

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["status", "-created_at"]  # accepted < held < rejected < spam alphabetically: held near the top

    @admin.display(description="comment")
    def short_body(self, obj: Comment) -> str:
        return obj.body[:80] + ("…" if len(obj.body) > 80 else "")

    @admin.display(description="spam score", ordering="spam_score")
    def spam_percent(self, obj: Comment) -> str:
        return f"{round(100 * obj.spam_score)}%"

    @admin.display(description="abuse score", ordering="abuse_score")
    def abuse_percent(self, obj: Comment) -> str:
        return f"{round(100 * obj.abuse_score)}%"

    @admin.display(description="why held")
    def reason_list(self, obj: Comment) -> str:
        # One short sentence per reason ("links: 3 links (limit 2)", "words: free, click here"); the codes
        # themselves stay in the comment's `reasons` (the reason filter matches them).
        scores = {"spam": obj.spam_score, "abuse": obj.abuse_score}
        lines = explain(obj.reasons, obj.body, scores=scores, settings=services.moderation_settings())
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description="reasons explained")
    def reasons_explained(self, obj: Comment) -> str:
        return self.reason_list(obj)

    @admin.display(description="on", ordering="thread__title")
    def thread_kind(self, obj: Comment) -> str:
        # The motion, consultation or candidate's statement, by its title, linked to its page.
        thread = obj.thread
        url = ""
        links = (("motion", "motion_id"), ("consultation", "consultation_id"), ("candidate", "candidate_id"))
        for kind, field in links:
            if getattr(thread, field):
                url = reverse(f"voice:{kind}", args=[getattr(thread, field)])
        label = Thread.Kind(thread.kind).label if thread.kind in Thread.Kind.values else thread.kind
        if not url:
            return f"{label}: {thread.title}"
        return format_html('{}: <a href="{}">{}</a>', label, url, thread.title)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Comment], decision: str) -> HttpResponse | None:
        """Decide on the ticked comments. Reject, spam, warn and suspend first show a page listing the comments,
        their authors and what each will be told, and act only once that page is confirmed; approve and not-spam
        act at once. A missing reason (or number of days) shows the same page with the ticked comments kept."""
        reason = request.POST.get("reason", "").strip()
        days_text = request.POST.get("days") or ""
        days = int(days_text) if days_text.isdigit() else None
        abusive = bool(request.POST.get("abusive"))
        comments = list(queryset.select_related("author", "thread"))
        problem = ""
        if not reason:
            problem = "Give a reason for the decision: the author is told it."
        elif decision == "suspend" and not days:
            problem = "Say for how many days the author's posting is suspended."
        confirmed = request.POST.get("confirm") == "yes"
        if problem or (decision in CONFIRMED_DECISIONS and not confirmed):
            return self._confirmation(request, comments, decision, reason, days, abusive, problem)
        done, failed = 0, []
        for comment in comments:
            try:
                services.moderate_comment(
                    comment=comment,
                    actor=request.user,
                    decision=decision,
                    reason=reason,
                    abusive=abusive,
                    suspend_days=days if decision == "suspend" else None,
                )
                done += 1
            except (VoiceError, ValueError) as exc:
                failed.append(f"{comment_name(comment)}: {exc}")
        if done:
            told = "its author is" if done == 1 else "their authors are"
            self.message_user(
                request,
                f"{decision_words(DONE_TEXT[decision], done)}; {told} told by email.",
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                f"Not decided ({plural(len(failed), 'comment')}; tick {'it' if len(failed) == 1 else 'them'} again "
                "to retry): " + "; ".join(failed),
                messages.ERROR,
            )
        return None

    def _confirmation(
        self,
        request: HttpRequest,
        comments: list[Comment],
        decision: str,
        reason: str,
        days: int | None,
        abusive: bool,
        problem: str,
    ) -> HttpResponse:
        until = timezone.now() + dt.timedelta(days=days) if decision == "suspend" and days else None
        rows = []
        for c in comments:
            # The gist of the email the service sends (omov.voice.services.moderation._tell_author).
            told = [f"Your comment in the discussion \u201c{c.thread.title}\u201d {DECISION_TEXT[decision]}."]
            if reason:
                told.append(f"The moderator\u2019s reason: {reason}")
            if until:
                told.append(f"You can post comments again from {until:%d %B %Y at %H:%M} UTC.")
            rows.append({"comment": c, "name": comment_name(c), "told": told if c.author.email else []})
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": decision_words(CONFIRM_TITLE[decision], len(comments)),
            "opts": opts,
            "rows": rows,
            "action": request.POST.get("action", ""),
            "decision": decision,
            "needs_confirming": decision in CONFIRMED_DECISIONS,
            "reason": reason,
            "days": days or "",
            "abusive": abusive,
            "until": until,
            "problem": problem,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/voice/comment/confirm_decision.html", context)

    @admin.action(description="Approve (show)")
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        return self._decide(request, queryset, "approve")

    @admin.action(description="Reject (hide)…")
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        return self._decide(request, queryset, "reject")

    @admin.action(description="Mark as spam (teaches the filter)…")
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        return self._decide(request, queryset, "spam")

    @admin.action(description="Mark as not spam (show; teaches the filter)")
    def mark_not_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        return self._decide(request, queryset, "not-spam")

    @admin.action(description="Warn the author…")
    def warn(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        return self._decide(request, queryset, "warn")

    @admin.action(description="Reject and suspend the author's posting (days)…")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        return self._decide(request, queryset, "suspend")


# Decisions that hide a comment or tell its author off are confirmed on a page of their own first.
CONFIRMED_DECISIONS = {"reject", "spam", "warn", "suspend"}
CONFIRM_TITLE = {
    "approve": "Approve {comments}",
    "not-spam": "Mark {comments} as not spam",
    "reject": "Reject {comments}?",
    "spam": "Mark {comments} as spam?",
    "warn": "Warn {the_authors} of {comments}?",
    "suspend": "Reject {comments} and suspend {authors_posting}?",
}
DONE_TEXT = {
    "approve": "Approved {comments}",
    "not-spam": "Marked {comments} as not spam (shown; the filter learns from it)",
    "reject": "Rejected {comments}",
    "spam": "Marked {comments} as spam (the filter learns from it)",
    "warn": "Warned {the_authors} of {comments}",
    "suspend": "Rejected {comments} and suspended {authors_posting}",
}


def decision_words(template: str, n: int) -> str:
    """One of the sentences above for n comments, in the singular or the plural."""
    return template.format(
        comments=plural(n, "comment"),
        the_authors="the author" if n == 1 else "the authors",
        authors_posting="its author\u2019s posting" if n == 1 else "their authors\u2019 posting",
    )


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def comment_name(comment: Comment, words: int = 8) -> str:
    """A comment as a moderator sees it in the list: its author and the first words of its text."""
    parts = comment.body.split()
    start = " ".join(parts[:words]) + ("\u2026" if len(parts) > words else "")
    return f"{comment.author.name}\u2019s comment \u201c{start}\u201d"


class AnswerActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason", max_length=1000)


@admin.register(Answer)
class TextAnswerAdmin(OfficerAdmin):
    """Free-text consultation answers waiting for moderation (published only once accepted)."""

    list_display = ["text", "text_status", "question"]
    list_filter = ["text_status", ("question__consultation", admin.RelatedOnlyFieldListFilter)]
    unit_field = "question__consultation__unit"
    action_form = AnswerActionForm
    actions = ["accept", "reject"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Answer]:
        return super().get_queryset(request).filter(question__kind=Question.Kind.TEXT).select_related("question")

    @admin.display(description="answer")
    def text(self, obj: Answer) -> str:
        return str(obj.value)[:120]

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Answer], accept: bool) -> None:
        for answer in queryset:
            try:
                services.moderate_answer(
                    answer=answer, actor=request.user, accept=accept, reason=request.POST.get("reason", "")
                )
            except VoiceError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
        self.message_user(request, "Done.", messages.SUCCESS)

    @admin.action(description="Accept (publish with the results)")
    def accept(self, request: HttpRequest, queryset: QuerySet[Answer]) -> None:
        self._moderate(request, queryset, True)

    @admin.action(description="Reject")
    def reject(self, request: HttpRequest, queryset: QuerySet[Answer]) -> None:
        self._moderate(request, queryset, False)


# Consultations and motions ------------------------------------------------------------------------------------


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["number", "kind", "text", "options", "required"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConsultationAddForm(forms.ModelForm):
    questions_spec = forms.CharField(
        label="Questions",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="one question a line: KIND | question text | option; option; ... — KIND is single, multiple, "
        "ranking, likert (options optional: a 5-point agree scale) or text (no options). Add * after KIND for a "
        "required question.",
    )

    def clean_questions_spec(self) -> str:
        spec = str(self.cleaned_data["questions_spec"])
        try:
            questions = parse_questions(spec)
        except VoiceError as exc:
            raise forms.ValidationError(str(exc)) from None
        for q in questions:
            if q["kind"] not in Question.Kind.values:
                raise forms.ValidationError(f"unknown kind {q['kind']!r}: use {', '.join(Question.Kind.values)}")
            if q["kind"] not in ("text", "likert") and len(q["options"]) < 2:
                raise forms.ValidationError(f"{q['text']!r} needs at least two options")
        if not questions:
            raise forms.ValidationError("add at least one question")
        return spec

    class Meta:
        model = Consultation
        fields = [
            "organisation",
            "unit",
            "title",
            "description",
            "anonymous",
            "opens_at",
            "closes_at",
            "electorate_units",
            "freeze_date",
        ]


def parse_questions(spec: str) -> list[dict[str, Any]]:
    """Questions from the admin's one-a-line text (see ConsultationAddForm)."""
    out = []
    for n, line in enumerate(spec.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2:
            raise VoiceError(f"questions line {n}: write KIND | text | options")
        kind = parts[0].rstrip("*").strip().lower()
        options = [o.strip() for o in parts[2].split(";")] if len(parts) > 2 else []
        out.append({"kind": kind, "text": parts[1], "options": options, "required": parts[0].endswith("*")})
    return out


@admin.register(Consultation)
class ConsultationAdmin(OfficerAdmin):
    list_display = ["title", "state", "anonymous", "unit", "opens_at", "closes_at"]
    list_filter = ["state", "anonymous"]
    readonly_fields = [
        "organisation",
        "unit",
        "title",
        "description",
        "anonymous",
        "state",
        "opens_at",
        "closes_at",
        "electorate_statuses",
        "freeze_date",
    ]
    inlines = [QuestionInline]
    actions = ["open_", "close", "publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._officer(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.inlines if obj is not None else []

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ConsultationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Consultation, form: Any, change: bool) -> None:
        from django.db import transaction

        d = form.cleaned_data
        with transaction.atomic():
            c = services.create_consultation(
                organisation=d["organisation"],
                unit=d.get("unit"),
                title=d["title"],
                actor=request.user,
                description=d.get("description", ""),
                anonymous=d.get("anonymous", True),
                opens_at=d.get("opens_at"),
                closes_at=d.get("closes_at"),
            )
            services.set_consultation_electorate(
                consultation=c,
                actor=request.user,
                units=list(d.get("electorate_units") or []),
                freeze_date=d.get("freeze_date"),
            )
            for q in parse_questions(d["questions_spec"]):
                services.add_question(consultation=c, actor=request.user, **q)
        obj.pk = c.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # the electorate was set by the service in save_model

    def _move(self, request: HttpRequest, queryset: QuerySet[Consultation], fn: Any) -> None:
        for c in queryset:
            try:
                fn(consultation=c, actor=request.user)
            except VoiceError as exc:
                self.message_user(request, f"{c.title}: {exc}", messages.ERROR)
                return
        self.message_user(request, "Done.", messages.SUCCESS)

    @admin.action(description="Open")
    def open_(self, request: HttpRequest, queryset: QuerySet[Consultation]) -> None:
        self._move(request, queryset, services.open_consultation)

    @admin.action(description="Close")
    def close(self, request: HttpRequest, queryset: QuerySet[Consultation]) -> None:
        self._move(request, queryset, services.close_consultation)

    @admin.action(description="Publish the results")
    def publish(self, request: HttpRequest, queryset: QuerySet[Consultation]) -> None:
        self._move(request, queryset, services.publish_consultation)


class MotionVoteForm(ActionForm):
    slots = forms.IntegerField(required=False, min_value=1, label="Agenda places (priorities)")
    title = forms.CharField(required=False, max_length=200, label="Composite title")
    text = forms.CharField(required=False, label="Composite text")


@admin.register(Motion)
class MotionAdmin(OfficerAdmin):
    list_display = ["title", "kind", "unit", "state", "threshold", "supporter_count", "support_deadline", "outcome"]
    list_filter = ["state", "kind", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "text"]
    readonly_fields = [
        "organisation",
        "unit",
        "kind",
        "title",
        "text",
        "proposer",
        "amends",
        "composited_into",
        "state",
        "threshold",
        "published_at",
        "support_deadline",
        "qualified_at",
        "ballot",
        "outcome",
    ]
    action_form = MotionVoteForm
    actions = ["to_vote", "priorities", "composite", "outcome", "close_expired"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Motion]:
        return super().get_queryset(request).exclude(state=Motion.State.DRAFT)

    @admin.display(description="supporters")
    def supporter_count(self, obj: Motion) -> int:
        return obj.supports.count()

    def _run(self, request: HttpRequest, fn: Any) -> None:
        try:
            result = fn()
        except VoiceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Done: {result}", messages.SUCCESS)

    @admin.action(description="Put to a yes/no member vote")
    def to_vote(self, request: HttpRequest, queryset: QuerySet[Motion]) -> None:
        for m in queryset:
            self._run(request, lambda m=m: services.put_motion_to_vote(motion=m, actor=request.user))

    @admin.action(description="Priorities ballot of the selected motions (agenda places)")
    def priorities(self, request: HttpRequest, queryset: QuerySet[Motion]) -> None:
        slots = int(request.POST.get("slots") or 1)
        self._run(request, lambda: services.priorities_ballot(motions=list(queryset), slots=slots, actor=request.user))

    @admin.action(description="Composite the selected motions (title, text)")
    def composite(self, request: HttpRequest, queryset: QuerySet[Motion]) -> None:
        self._run(
            request,
            lambda: services.composite_motions(
                motions=list(queryset),
                actor=request.user,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
            ),
        )

    @admin.action(description="Close support on every motion past its deadline (those short of it fall)")
    def close_expired(self, request: HttpRequest, queryset: QuerySet[Motion]) -> None:
        self._run(request, lambda: f"{services.close_expired_motions(actor=request.user)} motion(s) fell")

    @admin.action(description="Record the outcome (after the ballot's result is published)")
    def outcome(self, request: HttpRequest, queryset: QuerySet[Motion]) -> None:
        for m in queryset:
            self._run(request, lambda m=m: services.record_motion_outcome(motion=m, actor=request.user))


@admin.register(MotionThreshold)
class MotionThresholdAdmin(OfficerAdmin):
    list_display = ["unit", "supporters", "share", "support_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._officer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._officer(request)

    def save_model(self, request: HttpRequest, obj: MotionThreshold, form: Any, change: bool) -> None:
        services.set_motion_threshold(
            unit=obj.unit, actor=request.user, supporters=obj.supporters, share=obj.share, support_days=obj.support_days
        )


@admin.register(VoiceOfficer)
class VoiceOfficerAdmin(OfficerAdmin):
    list_display = ["user", "unit"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: VoiceOfficer, form: Any, change: bool) -> None:
        services.appoint_voice_officer(user=obj.user, unit=obj.unit, actor=request.user)


@admin.register(PublicRole)
class PublicRoleAdmin(OfficerAdmin):
    list_display = ["member", "role", "title"]
    list_filter = ["role"]
    unit_field = "member__unit"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._officer(request)

    def save_model(self, request: HttpRequest, obj: PublicRole, form: Any, change: bool) -> None:
        services.set_public_role(member=obj.member, role=obj.role, title=obj.title, actor=request.user)
