"""Discussion: threads for motions, consultations and candidates; posting, editing and reporting comments."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from omov.audit.services import record
from omov.ballots.models import Candidate
from omov.members.models import Member
from omov.voice.errors import AlreadyDone, InvalidInput, NotAllowed, RateLimited, WrongState
from omov.voice.models import (
    Comment,
    CommentRevision,
    Consultation,
    Motion,
    PostingSuspension,
    PublicRole,
    Report,
    Thread,
)
from omov.voice.moderation import HOLD, SPAM, Recent
from omov.voice.selectors import voice_settings
from omov.voice.services._common import _member_actor, _require_active
from omov.voice.services.moderation import get_pipeline


def _role_of(member: Member | None) -> str:
    if member is None:
        return ""
    role = PublicRole.objects.filter(member=member).values_list("role", flat=True).first()
    return role or "member"


def thread_for_motion(*, motion: Motion) -> Thread:
    """The motion's discussion thread (created on first use)."""
    thread, _ = Thread.objects.get_or_create(
        motion=motion,
        defaults={
            "kind": Thread.Kind.MOTION,
            "organisation": motion.organisation,
            "unit": motion.unit,
            "title": motion.title,
            "subject_member": motion.proposer,
            "subject_role": _role_of(motion.proposer) if motion.proposer else "",
        },
    )
    return thread


def thread_for_consultation(*, consultation: Consultation) -> Thread:
    """The consultation's discussion thread."""
    thread, _ = Thread.objects.get_or_create(
        consultation=consultation,
        defaults={
            "kind": Thread.Kind.CONSULTATION,
            "organisation": consultation.organisation,
            "unit": consultation.unit,
            "title": consultation.title,
        },
    )
    return thread


def thread_for_candidate(*, candidate: Candidate) -> Thread:
    """The discussion of a candidate's statement; the candidate is the thread's subject."""
    thread, _ = Thread.objects.get_or_create(
        candidate=candidate,
        defaults={
            "kind": Thread.Kind.CANDIDATE,
            "organisation": candidate.ballot.organisation,
            "unit": candidate.member.unit if candidate.member else None,
            "title": f"{candidate.name}: {candidate.ballot.title}"[:200],
            "subject_member": candidate.member,
            "subject_role": PublicRole.Role.CANDIDATE,
        },
    )
    return thread


@transaction.atomic
def comment_on_candidate(
    *, candidate: Candidate, author: Member, body: str, now: dt.datetime | None = None, user_ip: str = "127.0.0.1"
) -> Comment:
    """Post a top-level comment on a candidate's statement, starting its discussion thread if it is the first."""
    return post_comment(
        thread=thread_for_candidate(candidate=candidate), author=author, body=body, now=now, user_ip=user_ip
    )


def is_suspended(*, member: Member, now: dt.datetime | None = None) -> PostingSuspension | None:
    now = now or timezone.now()
    return PostingSuspension.objects.filter(member=member, until__gt=now).order_by("-until").first()


def _check_body(body: str, limit: int) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise InvalidInput("a comment cannot be empty")
    if len(body) > limit:
        raise InvalidInput(f"a comment has at most {limit} characters (this one has {len(body)}); shorten it")
    return body


def _can_post(thread: Thread, member: Member, now: dt.datetime) -> None:
    _require_active(member)
    if member.organisation_id != thread.organisation_id:
        raise NotAllowed("you can comment only in your own organisation's discussions")
    suspension = is_suspended(member=member, now=now)
    if suspension is not None:
        raise NotAllowed(f"you cannot post until {suspension.until:%d %B %Y at %H:%M} UTC: {suspension.reason}")


@transaction.atomic
def post_comment(
    *,
    thread: Thread,
    author: Member,
    body: str,
    parent: Comment | None = None,
    now: dt.datetime | None = None,
    user_ip: str = "127.0.0.1",
) -> Comment:
    """Post a comment or a reply. It passes the moderation pipeline first: accepted (shown), held for review
    (abuse, flooding, suspicious), or spam; never dropped. Above the hard rate limit it is refused."""
    now = now or timezone.now()
    pipeline = get_pipeline(thread.organisation_id)
    body = _check_body(body, pipeline.settings.max_length)
    _can_post(thread, author, now)
    if parent is not None and parent.thread_id != thread.pk:
        raise InvalidInput("a reply belongs to the same discussion as the comment it answers")
    # Lock the author's row so that concurrent posts by one member are rate-limited one after another.
    Member.objects.select_for_update().filter(pk=author.pk).first()
    recent = [
        Recent(at=at, text=text)
        for at, text in Comment.objects.filter(author=author, created_at__gte=now - dt.timedelta(hours=1)).values_list(
            "created_at", "body"
        )
    ]
    if pipeline.flood(recent, now) == "refuse":
        raise RateLimited(
            f"you have posted {len(recent)} comments in the last hour, too fast; wait a minute "
            "and try again (nothing you posted before was lost)"
        )
    verdict = pipeline.screen(
        body, recent=recent, now=now, author=author.name, author_email=author.email, user_ip=user_ip
    )
    status = {SPAM: Comment.Status.SPAM, HOLD: Comment.Status.HELD}.get(verdict.verdict, Comment.Status.ACCEPTED)
    target = parent.author if parent is not None else thread.subject_member
    if target is not None and target.pk == author.pk:
        target = None
    role = thread.subject_role if (target is not None and target.pk == thread.subject_member_id) else _role_of(target)
    comment = Comment.objects.create(
        thread=thread,
        parent=parent,
        author=author,
        body=body,
        status=status,
        reasons=list(verdict.reasons),
        spam_score=verdict.scores.get("spam", 0),
        abuse_score=verdict.scores.get("abuse", 0),
        target_member=target,
        target_role=role,
        target_unit=target.unit if target else None,
        held_for_abuse=verdict.abusive,
    )
    if now != comment.created_at:
        Comment.objects.filter(pk=comment.pk).update(created_at=now)
        comment.created_at = now
    record(
        actor=_member_actor(author),
        action="comment.post",
        subject=f"comment:{comment.pk}",
        details={"thread": thread.pk, "status": status, "reasons": list(verdict.reasons), "scores": verdict.scores},
    )
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, author: Member, body: str, now: dt.datetime | None = None) -> Comment:
    """The author changes their comment: the old text is kept as a revision and the new one screened again."""
    now = now or timezone.now()
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.author_id != author.pk:
        raise NotAllowed("only the author can edit a comment")
    if locked.status in (Comment.Status.REJECTED, Comment.Status.SPAM):
        raise WrongState("a rejected comment cannot be edited")
    pipeline = get_pipeline(locked.thread.organisation_id)
    body = _check_body(body, pipeline.settings.max_length)
    _can_post(locked.thread, author, now)
    if body == locked.body:
        return locked
    CommentRevision.objects.create(comment=locked, body=locked.body, written_at=locked.edited_at or locked.created_at)
    verdict = pipeline.screen(body, author=author.name, author_email=author.email)
    locked.body, locked.edited_at, locked.reasons = body, now, list(verdict.reasons)
    locked.spam_score, locked.abuse_score = verdict.scores.get("spam", 0), verdict.scores.get("abuse", 0)
    locked.status = {SPAM: Comment.Status.SPAM, HOLD: Comment.Status.HELD}.get(verdict.verdict, Comment.Status.ACCEPTED)
    locked.held_for_abuse = locked.held_for_abuse or verdict.abusive
    locked.save()
    record(
        actor=_member_actor(author),
        action="comment.edit",
        subject=f"comment:{locked.pk}",
        details={"status": locked.status, "reasons": list(verdict.reasons)},
    )
    comment.refresh_from_db()
    return locked


@transaction.atomic
def report_comment(*, comment: Comment, reporter: Member, reason: str, note: str = "") -> Report:
    """A member reports a comment with a reason; enough reports hold it for review."""
    _require_active(reporter)
    if reason not in Report.Reason.values:
        raise InvalidInput(f"a report's reason is one of: {', '.join(Report.Reason.values)}")
    if len(note) > 2000:
        raise InvalidInput("a report's note has at most 2000 characters")
    if comment.author_id == reporter.pk:
        raise InvalidInput("you cannot report your own comment")
    # The comment's row lock serialises reports of it, so that a double click finds the first report (rather
    # than both inserting and the second failing on the unique index) and the count to hold it is exact.
    Comment.objects.select_for_update().filter(pk=comment.pk).first()
    if Report.objects.filter(comment=comment, reporter=reporter).exists():
        raise AlreadyDone("you have already reported this comment; an officer will look at it")
    report = Report.objects.create(comment=comment, reporter=reporter, reason=reason, note=note.strip())
    Comment.objects.filter(pk=comment.pk).update(reports_count=F("reports_count") + 1)
    comment.refresh_from_db()
    held = False
    if comment.status == Comment.Status.ACCEPTED and comment.reports_count >= int(voice_settings()["reports_to_hold"]):
        comment.status = Comment.Status.HELD
        comment.reasons = [*comment.reasons, "reported"]
        comment.save(update_fields=["status", "reasons"])
        held = True
    record(
        actor=_member_actor(reporter),
        action="comment.report",
        subject=f"comment:{comment.pk}",
        details={"reason": reason, "held": held},
    )
    return report
