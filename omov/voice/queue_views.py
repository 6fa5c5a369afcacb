"""The moderation queue of omov's own (/voice/moderation/), for the people who moderate the comments' units:
one card per comment waiting for a decision, its reasons as sentences, filters, and per card the decisions the
admin's queue offers. Spam, reject and suspend ask first on a page of their own (no script needed) that says
what will happen. Every change goes through omov.voice.services, POST only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from omov.members.models import Member
from omov.voice import services
from omov.voice.errors import VoiceError
from omov.voice.models import Comment, ModerationDecision, PostingSuspension
from omov.voice.moderation.explain import explain
from omov.voice.permissions import comments_moderated_by, moderation_scope
from omov.voice.selectors import awaiting_decision, moderator_decided

PER_PAGE = 20

SHOWS = {
    "waiting": "waiting for a decision",
    "spam": "spam",
    "decided": "decided",
}

# Reason families: (label, the reason codes' beginnings). Matched on the JSON text of `reasons` (a list of short
# codes), as the admin's reason filter does, so it works on SQLite and PostgreSQL alike.
REASONS = {
    "abuse": ("abuse", ['"abuse"']),
    "promo": ("self-promotion, giveaways, follow-for-follow, scams, pills, adult lures", ['"promo:']),
    "links": ("links", ['"links:']),
    "repetition": ("repetition", ['"repetition:']),
    "shouting": ("shouting", ['"shouting"']),
    "markup": ("HTML or script", ['"markup"']),
    "spam": ("spam score", ['"spam:score"']),
    "flood": ("posting too fast", ['"flood"']),
    "reported": ("reported by members", ['"reported"']),
    "outside": ("Akismet or SpamAssassin", ['"akismet:spam', '"akismet:discard', '"spamassassin:spam', '"sa:']),
}

ORDERS = {"newest": "newest first", "score": "highest score first"}

DECISIONS = {
    "approve": "Approve",
    "not-spam": "Not spam",
    "spam": "Spam",
    "reject": "Reject",
    "suspend": "Reject and suspend",
}
ASK_FIRST = {"spam", "reject", "suspend"}
MAX_DAYS = 3650


def queue_comments(comments: QuerySet[Comment], *, show: str, reason: str = "", unit: Any = None,
                   order: str = "newest") -> QuerySet[Comment]:
    """The queue's comments (`comments` annotated by `_annotated`): waiting (held, or filed as spam by the
    filter that no moderator has decided on yet), spam (all of it) or decided (by an officer, at least once);
    of a reason family, in a unit's discussions."""
    S = Comment.Status
    if show == "spam":
        comments = comments.filter(status=S.SPAM)
    elif show == "decided":
        comments = comments.filter(moderator_decided())
    else:
        comments = awaiting_decision(comments)
    if reason in REASONS:
        q = Q(pk__in=[])
        for needle in REASONS[reason][1]:
            q |= Q(reasons__icontains=needle)
        comments = comments.filter(q)
    if unit is not None:
        comments = comments.filter(thread__unit__path__startswith=unit.path)
    if order == "score":
        return comments.order_by("-top_score", "-created_at", "-pk")
    return comments.order_by("-created_at", "-pk")


def _annotated(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.annotate(spam_decided=moderator_decided(), top_score=Greatest("spam_score", "abuse_score"))


def waiting_comments(user: Any) -> QuerySet[Comment]:
    """The comments waiting for `user`'s decision (none for someone who moderates nothing)."""
    return queue_comments(_annotated(comments_moderated_by(user)), show="waiting")


def _thread_url(thread: Any) -> str:
    if thread.motion_id:
        return reverse("voice:motion", args=[thread.motion_id])
    if thread.consultation_id:
        return reverse("voice:consultation", args=[thread.consultation_id])
    if thread.candidate_id:
        return reverse("voice:candidate", args=[thread.candidate_id])
    return ""


def _safe_next(request: HttpRequest) -> str:
    """Where to go back to after a decision: the queue with its filters (a path of this site only)."""
    target = request.POST.get("next") or ""
    queue = reverse("voice:moderation")
    if target.startswith(queue) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return queue


def _days(text: str | None) -> int | None:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 5:
        return None
    days = int(text)
    return days if 1 <= days <= MAX_DAYS else None


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    scope = moderation_scope(request.user)
    if not scope:
        return HttpResponseForbidden("Only member-voice officers can moderate comments.")
    show = request.GET.get("show") if request.GET.get("show") in SHOWS else "waiting"
    reason = request.GET.get("reason") if request.GET.get("reason") in REASONS else ""
    order = request.GET.get("order") if request.GET.get("order") in ORDERS else "newest"
    units = scope.unit_choices().order_by("organisation_id", "path")
    unit = None
    wanted = (request.GET.get("unit") or "").strip()
    if wanted:
        if not (wanted.isascii() and wanted.isdigit() and len(wanted) <= 18):
            raise Http404("no such unit")
        unit = units.filter(pk=int(wanted)).first()
        if unit is None:
            raise Http404("no such unit among those you moderate")
    base = _annotated(comments_moderated_by(request.user))
    comments = queue_comments(base, show=show, reason=reason, unit=unit, order=order).select_related(
        "author", "thread", "thread__unit"
    )
    page = Paginator(comments, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    cards = list(page.object_list)
    authors = {c.author_id for c in cards}
    suspended: dict[int, dt.datetime] = {}
    for member_id, until in PostingSuspension.objects.filter(member_id__in=authors, until__gt=now).values_list(
        "member_id", "until"
    ):
        suspended[member_id] = max(until, suspended.get(member_id, until))
    latest: dict[int, ModerationDecision] = {}
    for d in ModerationDecision.objects.filter(comment__in=cards).select_related("officer").order_by("created_at"):
        latest[d.comment_id] = d  # type: ignore[index]
    conf = services.moderation_settings()
    for c in cards:
        c.explained = explain(c.reasons, c.body, scores={"spam": c.spam_score, "abuse": c.abuse_score}, settings=conf)
        c.thread_url = _thread_url(c.thread)
        c.suspended_until = suspended.get(c.author_id)
        c.last_decision = latest.get(c.pk)
        c.waiting = c.status == Comment.Status.HELD or (c.status == Comment.Status.SPAM and not c.spam_decided)
    filters = {"show": show, "reason": reason, "unit": unit.pk if unit else "", "order": order}
    query = urlencode({k: v for k, v in filters.items() if v})
    here = reverse("voice:moderation") + (f"?{query}" if query else "")
    if page.number > 1:
        here += ("&" if query else "?") + f"page={page.number}"
    suspended_members = _suspended_members(request.user, scope, now)
    return render(
        request,
        "voice/moderation_queue.html",
        {
            "page": page,
            "cards": cards,
            "shows": SHOWS,
            "reasons": {k: label for k, (label, _) in REASONS.items()},
            "orders": ORDERS,
            "units": units,
            "unit": unit,
            "filters": filters,
            "show_label": SHOWS[show],
            "reason_label": REASONS[reason][0] if reason else "",
            "order_label": ORDERS[order],
            "query": query,
            "here": here,
            "suspended_members": suspended_members,
            "waiting_count": queue_comments(base, show="waiting").count(),
            "suspend_choices": (1, 3, 7, 14, 30, 90),
            "default_days": 7,
        },
    )


def _suspended_members(user: Any, scope: Any, now: dt.datetime) -> list[Member]:
    """Members still suspended whom this moderator may let post again: whose comments they moderate, or in
    their units."""
    in_scope = Exists(comments_moderated_by(user).filter(author=OuterRef("pk")))
    members = Member.objects.filter(posting_suspensions__until__gt=now)
    if not scope.everything:
        members = members.filter(in_scope | Q(unit__in=scope.unit_choices()))
    out = list(members.distinct().order_by("name", "pk")[:100])
    untils: dict[int, dt.datetime] = {}
    for member_id, until in PostingSuspension.objects.filter(member__in=out, until__gt=now).values_list(
        "member_id", "until"
    ):
        untils[member_id] = max(until, untils.get(member_id, until))
    for m in out:
        m.suspended_until = untils.get(m.pk)
    return out


def _facts(comment: Comment, decision: str, days: int | None, abusive: bool, now: dt.datetime) -> list[str]:
    """What a decision will do, in the words the confirmation page shows."""
    author = comment.author
    facts = {
        "spam": [
            "The comment is filed as spam and stays hidden from the discussion.",
            "It teaches the organisation's spam model: comments like it will be held or filed as spam.",
        ],
        "reject": ["The comment is rejected and stays hidden from the discussion."],
        "suspend": ["The comment is rejected and stays hidden from the discussion."],
    }[decision]
    if decision == "suspend" and days:
        until = now + dt.timedelta(days=days)
        facts.append(f"{author.name} cannot post comments for {days} day{'s' if days != 1 else ''}, until "
                     f"{until:%-d %B %Y at %H:%M} UTC (you can lift it earlier from the queue).")
    if abusive and decision in ("reject", "suspend"):
        facts.append("The comment is counted as confirmed abusive in the abuse statistics.")
    if author.email:
        facts.append(f"{author.name} will be told by email at once, with your reason and the comment's text.")
    else:
        facts.append(f"{author.name} has no email address and is not told.")
    facts.append("The decision is written to the audit log with your reason and your name.")
    return facts


@login_required
@require_POST
def moderation_decide(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A decision on one comment. Approve and not spam are taken at once; spam, reject and suspend show what
    they will do and are taken only when that page is confirmed (`confirm=yes`)."""
    comment = get_object_or_404(
        comments_moderated_by(request.user).select_related("author", "thread"), pk=comment_id
    )
    decision = request.POST.get("decision", "")
    if decision not in DECISIONS:
        messages.error(request, "Choose one of the decisions on the card.")
        return redirect(_safe_next(request))
    reason = request.POST.get("reason", "").strip()[:1000]
    abusive = request.POST.get("abusive") == "on"
    days = _days(request.POST.get("days")) if decision == "suspend" else None
    seen = request.POST.get("seen", "")
    if seen in Comment.Status.values:
        comment.status = seen  # the status the moderator saw: the service refuses if it changed since
    now = timezone.now()
    error = ""
    if decision == "suspend" and days is None:
        error = f"Say for how many days posting is suspended: a whole number from 1 to {MAX_DAYS}."
    elif not reason:
        error = "Give a reason: the author is told it."
    confirmed = request.POST.get("confirm") == "yes"
    if not error and (decision not in ASK_FIRST or confirmed):
        try:
            services.moderate_comment(
                comment=comment, actor=request.user, decision=decision, reason=reason, abusive=abusive,
                suspend_days=days,
            )
        except VoiceError as exc:
            error = str(exc)
        else:
            done = {
                "approve": "approved and shown",
                "not-spam": "marked as not spam and shown; the spam model learns from it",
                "spam": "filed as spam; the spam model learns from it",
                "reject": "rejected",
                "suspend": f"rejected, and {comment.author.name} cannot post for {days} days",
            }[decision]
            told = f" {comment.author.name} is told by email." if comment.author.email else ""
            messages.success(request, f"The comment by {comment.author.name} is {done}.{told}")
            return redirect(_safe_next(request))
    if decision not in ASK_FIRST:
        messages.error(request, f"Nothing was changed: {error}")
        return redirect(_safe_next(request))
    return render(
        request,
        "voice/moderation_confirm.html",
        {
            "comment": comment,
            "decision": decision,
            "heading": {
                "spam": f"Mark the comment by {comment.author.name} as spam?",
                "reject": f"Reject the comment by {comment.author.name}?",
                "suspend": f"Reject the comment and suspend {comment.author.name}?",
            }[decision],
            "button": {
                "spam": "Yes, mark as spam",
                "reject": "Yes, reject",
                "suspend": "Yes, reject and suspend",
            }[decision],
            "facts": _facts(comment, decision, days, abusive, now),
            "reason": reason,
            "days": days or request.POST.get("days", "")[:5],
            "abusive": abusive,
            "seen": seen if seen in Comment.Status.values else comment.status,
            "next": _safe_next(request),
            "error": error if confirmed or error.startswith("Say") else "",
            "thread_url": _thread_url(comment.thread),
        },
        status=400 if (confirmed and error) else 200,
    )


@login_required
@require_POST
def lift_suspension(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=member_id)
    if not moderation_scope(request.user):
        return HttpResponseForbidden("Only member-voice officers can lift a suspension.")
    try:
        services.lift_suspension(member=member, actor=request.user, reason=request.POST.get("reason", "")[:1000])
    except VoiceError as exc:
        messages.error(request, f"Nothing was changed: {exc}")
    else:
        told = " They are told by email." if member.email else ""
        messages.success(request, f"{member.name} can post comments again.{told}")
    return redirect(_safe_next(request))
