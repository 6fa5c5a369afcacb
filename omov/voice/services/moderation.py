"""Moderating comments: the screening pipeline, moderators' decisions, and telling the author."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from omov.audit.services import record
from omov.core.actors import is_system
from omov.voice.errors import InvalidInput, WrongState
from omov.voice.models import (
    Comment,
    ModerationDecision,
    PostingSuspension,
    SpamFeedback,
)
from omov.voice.moderation import ModerationSettings, Pipeline
from omov.voice.services._common import _require_officer

_PIPELINE: dict[str, Any] = {}


def moderation_settings() -> ModerationSettings:
    values = dict(getattr(settings, "OMOV_MODERATION", {}))
    return ModerationSettings.from_mapping(values)


def get_pipeline() -> Pipeline:
    """The configured pipeline, with officers' spam decisions learned (rebuilt when new decisions arrive)."""
    latest = SpamFeedback.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    conf = moderation_settings()
    cached = _PIPELINE.get("pipeline")
    if cached is None or _PIPELINE.get("settings") != conf:
        cached = Pipeline(conf)
        _PIPELINE.update(pipeline=cached, settings=conf, learned=0)
    if latest > _PIPELINE["learned"]:
        for text, spam in SpamFeedback.objects.filter(pk__gt=_PIPELINE["learned"]).values_list("text", "spam"):
            cached.spam_model.learn(text, "spam" if spam else "ham")
        _PIPELINE["learned"] = latest
    return cached


def reset_pipeline() -> None:
    """Forget the cached pipeline (tests; after changing settings)."""
    _PIPELINE.clear()


DECISION_TEXT = {
    "approve": "was approved and is shown",
    "reject": "was rejected and is not shown",
    "spam": "was marked as spam and is not shown",
    "not-spam": "was marked as not spam and is shown",
    "warn": "led to a warning to you",
    "suspend": "was rejected, and you cannot post comments",
}


@transaction.atomic
def moderate_comment(
    *,
    comment: Comment,
    actor: Any,
    decision: str,
    reason: str,
    abusive: bool = False,
    suspend_days: int | None = None,
    now: dt.datetime | None = None,
) -> ModerationDecision:
    """An officer decides on a comment: approve, reject, spam, not-spam, warn or suspend (posting, for a
    period). The decision is audited with its reason; spam decisions teach the filter (and Akismet, when
    configured); the author is told by email."""
    now = now or timezone.now()
    locked = Comment.objects.select_for_update().select_related("thread", "author").get(pk=comment.pk)
    _require_officer(actor, locked.thread.unit, "moderate comments")
    if locked.status != comment.status:
        # Decided by someone else since the caller read it (two moderators on one queue): deciding again is
        # allowed, but on purpose, having seen the first decision, not by a press that raced it.
        raise WrongState(
            f"another moderator decided this comment a moment ago (it is now {locked.status}, not {comment.status}); "
            "look at it again before deciding"
        )
    D = ModerationDecision.Decision
    if decision not in D.values:
        raise InvalidInput(f"a decision is one of: {', '.join(D.values)}")
    if not reason.strip():
        raise InvalidInput("give a reason for the decision (the author is told it)")
    until = None
    new_status = {
        D.APPROVE: Comment.Status.ACCEPTED,
        D.NOT_SPAM: Comment.Status.ACCEPTED,
        D.REJECT: Comment.Status.REJECTED,
        D.SPAM: Comment.Status.SPAM,
        D.SUSPEND: Comment.Status.REJECTED,
    }.get(decision, locked.status)
    if decision == D.SUSPEND:
        if not suspend_days or suspend_days < 1:
            raise InvalidInput("say for how many days posting is suspended")
        until = now + dt.timedelta(days=suspend_days)
        PostingSuspension.objects.create(member=locked.author, until=until, reason=reason.strip())
    if decision in (D.SPAM, D.NOT_SPAM):
        SpamFeedback.objects.create(text=locked.body, spam=decision == D.SPAM, comment=locked)
        pipeline = get_pipeline()
        # The outside filters are told after the commit, off the row lock, and only if the decision stands.
        body, is_spam, name, email = locked.body, decision == D.SPAM, locked.author.name, locked.author.email
        transaction.on_commit(lambda: pipeline.tell_services(body, spam=is_spam, author=name, author_email=email))
    locked.status = new_status
    if abusive and decision in (D.REJECT, D.SUSPEND, D.WARN):
        locked.confirmed_abusive = True
    locked.save(update_fields=["status", "confirmed_abusive"])
    locked.reports.update(resolved=True)
    officer = None if is_system(actor) else actor
    md = ModerationDecision.objects.create(
        comment=locked,
        decision=decision,
        reason=reason.strip(),
        abusive=abusive,
        officer=officer,
        suspended_until=until,
    )
    record(
        actor=actor,
        action=f"comment.moderate.{decision}",
        subject=f"comment:{locked.pk}",
        details={
            "reason": reason.strip(),
            "status": new_status,
            "abusive": abusive,
            "suspended_until": until.isoformat() if until else None,
            "author": locked.author.membership_number,
        },
    )
    _tell_author(locked, decision, reason.strip(), until)
    comment.refresh_from_db()
    return md


def _tell_author(comment: Comment, decision: str, reason: str, until: dt.datetime | None) -> None:
    member = comment.author
    if not member.email:
        return
    body = (
        f"Dear {member.name},\n\nYour comment in the discussion {comment.thread.title!r} "
        f"{DECISION_TEXT[decision]}.\n\nThe moderator's reason: {reason}\n"
    )
    if until is not None:
        body += f"\nYou can post comments again from {until:%d %B %Y at %H:%M} UTC.\n"
    body += f"\nYour comment was:\n\n{comment.body[:2000]}\n"
    # Sent after the transaction commits, so a rolled-back decision never sends a message.
    transaction.on_commit(
        lambda: mail.send_mail(
            f"Your comment: {comment.thread.title}"[:150], body, None, [member.email], fail_silently=True
        )
    )
