"""Moderating comments: the screening pipeline, moderators' decisions, and telling the author."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from omov.audit.models import Job
from omov.audit.services import create_job, record, report_progress
from omov.core.actors import actor_label, is_system
from omov.core.jobs import enqueue
from omov.members.models import Appointment, Member, Organisation
from omov.members.permissions import covers
from omov.voice.errors import InvalidInput, NotAllowed, WrongState
from omov.voice.models import (
    Comment,
    ModerationDecision,
    PostingSuspension,
    SpamFeedback,
    SpamModel,
)
from omov.voice.moderation import ModerationSettings, Pipeline
from omov.voice.moderation.adapt import Correction, better_or_equal, fit_correction, metrics
from omov.voice.moderation.linear import shipped_linear
from omov.voice.permissions import is_voice_officer_in, may_lift_suspension
from omov.voice.services._common import _require_officer

_PIPELINE: dict[str, Any] = {}


def moderation_settings() -> ModerationSettings:
    values = dict(getattr(settings, "OMOV_MODERATION", {}))
    return ModerationSettings.from_mapping(values)


def active_spam_model(organisation: Organisation | int | None) -> SpamModel | None:
    """The organisation's spam model in use: its latest accepted retraining (None: the shipped model)."""
    if organisation is None:
        return None
    return (
        SpamModel.objects.filter(organisation=organisation, accepted=True, base=shipped_linear().info.get("sha256"))
        .order_by("-version")
        .defer("correction")
        .first()
    )


def get_pipeline(organisation: Organisation | int | None = None) -> Pipeline:
    """The configured pipeline for an organisation's comments: the shipped spam model corrected by the
    organisation's accepted retraining (loaded once per process, reloaded when a new version is accepted), and
    the organisation's own officers' decisions learned by the naive Bayes (rebuilt when new decisions arrive).
    Another organisation's decisions never reach it. Without an organisation: the shipped model alone."""
    conf = moderation_settings()
    if _PIPELINE.get("settings") != conf:
        _PIPELINE.clear()
        _PIPELINE.update(settings=conf, base=Pipeline(conf), orgs={})
    base: Pipeline = _PIPELINE["base"]
    org_id = getattr(organisation, "pk", organisation)
    if org_id is None:
        return base
    active = active_spam_model(org_id)
    version = active.version if active is not None else 0
    entry = _PIPELINE["orgs"].get(org_id)
    if entry is None or entry["version"] != version:
        linear = shipped_linear()
        if active is not None:
            blob = SpamModel.objects.filter(pk=active.pk).values_list("correction", flat=True).get()
            linear = Correction.from_bytes(blob).apply(linear)
        pipeline = Pipeline(
            conf, linear=linear, abuse=base.abuse, akismet=base.akismet, spamassassin=base.spamassassin
        )
        entry = {"pipeline": pipeline, "version": version, "learned": 0}
        _PIPELINE["orgs"][org_id] = entry
    new = SpamFeedback.objects.filter(organisation_id=org_id, pk__gt=entry["learned"]).order_by("pk")
    for pk, text, spam in new.values_list("pk", "text", "spam"):
        entry["pipeline"].spam_model.learn(text, "spam" if spam else "ham")
        entry["learned"] = pk
    return entry["pipeline"]


def screen_public_text(
    text: str,
    *,
    recent: Any = (),
    now: dt.datetime,
    author: str = "",
    author_email: str = "",
    user_ip: str = "127.0.0.1",
    organisation_id: int | None = None,
) -> Any:
    """The pipeline as `omov.core.screening` asks it, for text from the public (a petition signature, a volunteer
    sign-up): the flood rule over the sender's earlier submissions, then the spam and abuse screens, with the
    organisation's own spam model and officers' decisions."""
    from omov.core import screening
    from omov.voice.moderation import HOLD, SPAM, Recent

    pipeline = get_pipeline(organisation_id)
    earlier = [Recent(at=at, text="") for at in recent]
    if pipeline.flood(earlier, now) == "refuse":
        return screening.Screened(screening.REFUSE, ("flood",))
    verdict = pipeline.screen(text, recent=earlier, now=now, author=author, author_email=author_email, user_ip=user_ip)
    kind = {SPAM: screening.SPAM, HOLD: screening.HOLD}.get(verdict.verdict, screening.ACCEPT)
    return screening.Screened(kind, tuple(verdict.reasons))


def reset_pipeline() -> None:
    """Forget the cached pipelines (tests; after changing settings)."""
    _PIPELINE.clear()


# Retraining an organisation's spam model on its officers' decisions --------------------------------------------


def _may_run_org_model(actor: Any, organisation: Organisation) -> bool:
    return is_voice_officer_in(actor=actor, organisation=organisation)


def org_decisions(organisation: Organisation | int) -> list[tuple[str, bool]]:
    """The organisation's officers' spam / not-spam decisions, oldest first; for a comment decided more than
    once, its latest decision (in the place of that latest decision)."""
    rows = list(
        SpamFeedback.objects.filter(organisation=organisation).order_by("created_at", "pk")
        .values_list("comment_id", "text", "spam")
    )
    last: dict[int, int] = {}
    for i, (comment_id, _, _) in enumerate(rows):
        if comment_id is not None:
            last[comment_id] = i
    return [(text, spam) for i, (cid, text, spam) in enumerate(rows) if cid is None or last[cid] == i]


def retrain_due(organisation: Organisation | int) -> bool:
    """Has the organisation enough decisions, some of them newer than its last retraining?"""
    conf = moderation_settings()
    count = SpamFeedback.objects.filter(organisation=organisation).count()
    if count < conf.adapt_min_decisions:
        return False
    last = SpamModel.objects.filter(organisation=organisation).order_by("-version").first()
    newer = SpamFeedback.objects.filter(organisation=organisation, created_at__gt=last.trained_at) if last else None
    return newer is None or newer.exists()


def request_spam_retrain(*, organisation: Organisation, actor: Any) -> Job:
    """Queue a retraining of the organisation's spam model (a background job with progress)."""
    if not _may_run_org_model(actor, organisation):
        raise NotAllowed(f"only a member-voice officer of {organisation.name} can retrain its spam model")
    job = create_job(kind="retrain-spam-model", subject=f"organisation:{organisation.pk}", created_by=actor, total=4)
    enqueue("omov.voice.retrain_spam_model", str(job.pk), organisation.pk, actor_label(actor))
    return job


def retrain_due_spam_models(*, actor: Any) -> int:
    """Queue a retraining job for each organisation whose spam model is due (see `retrain_due`)."""
    queued = 0
    for org in Organisation.objects.filter(
        pk__in=SpamFeedback.objects.filter(organisation__isnull=False).values("organisation")
    ).order_by("pk"):
        if retrain_due(org):
            request_spam_retrain(organisation=org, actor=actor)
            queued += 1
    return queued


def retrain_spam_model(
    *, organisation: Organisation, actor: Any, job: Job | None = None, now: dt.datetime | None = None
) -> SpamModel:
    """Fit a correction of the shipped spam model to the organisation's officers' decisions, check it on the
    most recent ones (held out, not learnt) against the model in use, and keep it as the next version: used
    if it is no worse there, refused (kept, with why) otherwise. Only this organisation's decisions are read."""
    if not _may_run_org_model(actor, organisation):
        raise NotAllowed(f"only a member-voice officer of {organisation.name} can retrain its spam model")
    conf = moderation_settings()
    now = now or timezone.now()
    shipped = shipped_linear()

    def progress(done: int, message: str) -> None:
        if job is not None:
            report_progress(job=job, done=done, total=4, message=message)

    progress(0, "reading the decisions")
    decisions = org_decisions(organisation)
    if len(decisions) < conf.adapt_min_decisions:
        raise WrongState(
            f"{organisation.name} has {len(decisions)} spam / not-spam decisions; retraining needs "
            f"{conf.adapt_min_decisions}"
        )
    held = max(1, math.ceil(len(decisions) * conf.adapt_holdout))
    train, test = decisions[:-held], decisions[-held:]
    texts, labels = [t for t, _ in train], [s for _, s in train]
    progress(1, f"learning {len(train)} decisions")
    candidate = fit_correction(shipped, texts, labels, prior=conf.spam_prior)
    progress(2, f"checking on the {len(test)} most recent decisions")
    in_use = active_spam_model(organisation)
    baseline = shipped
    if in_use is not None:
        baseline = Correction.from_bytes(
            SpamModel.objects.filter(pk=in_use.pk).values_list("correction", flat=True).get()
        ).apply(shipped)
    test_texts, test_labels = [t for t, _ in test], [s for _, s in test]
    new_metrics = metrics(candidate.apply(shipped), test_texts, test_labels, prior=conf.spam_prior)
    old_metrics = metrics(baseline, test_texts, test_labels, prior=conf.spam_prior)
    accepted = better_or_equal(new_metrics, old_metrics)
    against = f"version {in_use.version}" if in_use is not None else "the shipped model"
    message = (
        f"no worse than {against} on the {len(test)} most recent decisions: in use"
        if accepted
        else f"worse than {against} on the {len(test)} most recent decisions (accuracy "
        f"{new_metrics['accuracy']} vs {old_metrics['accuracy']}, log loss {new_metrics['log_loss']} vs "
        f"{old_metrics['log_loss']}): not used"
    )
    progress(3, "saving")
    with transaction.atomic():
        # One retraining at a time per organisation: the organisation's row orders them.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        last = SpamModel.objects.filter(organisation=organisation).order_by("-version").first()
        row = SpamModel.objects.create(
            organisation=organisation,
            version=(last.version + 1) if last else 1,
            accepted=accepted,
            trained_at=now,
            decisions=len(train),
            spam_decisions=sum(labels),
            held_out=len(test),
            base=candidate.base,
            metrics={"held_out": new_metrics, "baseline": old_metrics, "baseline_name": against,
                     "prior": conf.spam_prior, "features": int(len(candidate.indices))},
            correction=candidate.to_bytes() if accepted else b"",
            message=message,
        )
        record(
            actor=actor,
            action="spam-model.retrain",
            subject=f"organisation:{organisation.pk}",
            details={"version": row.version, "accepted": accepted, "decisions": len(train), "held_out": len(test),
                     "held_out_metrics": new_metrics, "baseline": old_metrics},
        )
    progress(4, message)
    return row


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
    if locked.thread.unit is None and not covers(
        actor=actor, role=Appointment.Role.VOICE_OFFICER, organisation=locked.thread.organisation_id, units=[]
    ):
        # An organisation-wide discussion is moderated by that organisation's officers only: a decision here
        # teaches its spam model, which an officer of another organisation must not be able to steer.
        raise NotAllowed("only a member-voice officer of this organisation can moderate comments")
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
        # The decision teaches the comment's own organisation's model only (never one named by the caller).
        org = locked.thread.organisation_id
        SpamFeedback.objects.create(text=locked.body, spam=decision == D.SPAM, comment=locked, organisation_id=org)
        pipeline = get_pipeline(org)
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


@transaction.atomic
def lift_suspension(*, member: Member, actor: Any, reason: str, now: dt.datetime | None = None) -> int:
    """End a member's posting suspension now (every one still running; they are kept, ending now, as the
    record). Audited with the reason; the member is told by email. Returns how many were running."""
    now = now or timezone.now()
    if not may_lift_suspension(actor, member):
        raise NotAllowed("only a member-voice officer who moderates this member's comments can lift their suspension")
    if not reason.strip():
        raise InvalidInput("give a reason for lifting the suspension (the member is told it)")
    running = list(PostingSuspension.objects.select_for_update().filter(member=member, until__gt=now))
    if not running:
        raise WrongState(f"{member.name} is not suspended (any more)")
    PostingSuspension.objects.filter(pk__in=[s.pk for s in running]).update(until=now)
    record(
        actor=actor,
        action="comment.suspension.lift",
        subject=f"member:{member.pk}",
        details={
            "reason": reason.strip(),
            "author": member.membership_number,
            "was_until": max(s.until for s in running).isoformat(),
        },
    )
    if member.email:
        body = (
            f"Dear {member.name},\n\nYou can post comments again: a moderator has lifted the suspension of your "
            f"posting.\n\nThe moderator's reason: {reason.strip()}\n"
        )
        email = member.email
        transaction.on_commit(
            lambda: mail.send_mail("You can post comments again", body, None, [email], fail_silently=True)
        )
    return len(running)
