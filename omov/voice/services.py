"""Every write of member voice: motions and support, consultations and responses, comments and moderation,
and member votes on positions (ordinary omov ballots, made through omov.ballots.services).

Conventions (as in omov.ballots.services): keyword-only arguments; each function is one transaction and
appends to the audit log; errors are the VoiceError family. `actor` is a Django user or, for trusted callers
(the CLI, background jobs), a string naming them. Members act as themselves (`member=`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from omov.audit.services import actor_name, record
from omov.ballots import services as ballot_services
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot, Candidate
from omov.members.models import Member, Organisation, Unit
from omov.members.selectors import eligible_members
from omov.voice.errors import AlreadyDone, InvalidInput, NotAllowed, RateLimited, VoiceError, WrongState
from omov.voice.models import (
    Answer,
    Comment,
    CommentRevision,
    Consultation,
    ModerationDecision,
    Motion,
    MotionThreshold,
    NamedResponse,
    Participation,
    PostingSuspension,
    PublicRole,
    Question,
    Report,
    Response,
    SpamFeedback,
    Support,
    Thread,
    VoiceOfficer,
)
from omov.voice.moderation import HOLD, SPAM, ModerationSettings, Pipeline, Recent

M = Motion.State
C = Consultation.State
MAX_TITLE = 200
MAX_MOTION = 20000
MAX_TEXT_ANSWER = 5000


def voice_settings() -> dict[str, Any]:
    """settings.OMOV_VOICE with defaults: the motion threshold used where no unit sets one, and how many
    reports hold a comment for review."""
    defaults: dict[str, Any] = {"supporters": 5, "share": "0", "support_days": 28, "reports_to_hold": 3}
    return {**defaults, **getattr(settings, "OMOV_VOICE", {})}


# Permissions --------------------------------------------------------------------------------------------------


def is_voice_officer(*, actor: Any, unit: Unit | None) -> bool:
    """May `actor` run member voice for `unit`? (a trusted caller, a superuser, or an officer of the unit or a
    unit above it; for organisation-wide things, `unit` None, only superusers and trusted callers)."""
    if isinstance(actor, str):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    if unit is None:
        return False
    return any(
        unit.path.startswith(r.unit.path) for r in VoiceOfficer.objects.filter(user=actor).select_related("unit")
    )


def _require_officer(actor: Any, unit: Unit | None, what: str) -> None:
    if not is_voice_officer(actor=actor, unit=unit):
        where = f" for {unit.name}" if unit is not None else ""
        raise NotAllowed(f"only a member-voice officer{where} can {what}")


def _member_in_unit(member: Member, unit: Unit) -> bool:
    return member.organisation_id == unit.organisation_id and member.unit.path.startswith(unit.path)


def _require_active(member: Member) -> None:
    if member.status != Member.Status.ACTIVE:
        raise NotAllowed(f"only active members can do this (your membership is {member.status})")


@transaction.atomic
def appoint_voice_officer(*, user: Any, unit: Unit, actor: Any) -> VoiceOfficer:
    """Make `user` a member-voice officer for `unit` (and the units below it)."""
    _require_officer(actor, unit, "appoint officers")
    role, _ = VoiceOfficer.objects.get_or_create(user=user, unit=unit)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    record(actor=actor, action="voice.officer.appoint", subject=f"unit:{unit.pk}", details={"user": user.username})
    return role


@transaction.atomic
def set_public_role(*, member: Member, role: str, title: str = "", actor: Any) -> PublicRole:
    """Record that a member is a candidate, representative or officer (for abuse statistics by target)."""
    _require_officer(actor, member.unit, "record public roles")
    if role not in PublicRole.Role.values:
        raise InvalidInput(f"a public role is one of: {', '.join(PublicRole.Role.values)}")
    pr = PublicRole.objects.create(member=member, role=role, title=title)
    record(actor=actor, action="voice.role", subject=f"member:{member.pk}", details={"role": role, "title": title})
    return pr


# Motions ------------------------------------------------------------------------------------------------------


@transaction.atomic
def set_motion_threshold(
    *, unit: Unit, actor: Any, supporters: int = 0, share: Decimal | str | float = 0, support_days: int = 28
) -> MotionThreshold:
    """The support a motion in `unit` needs: `supporters`, or `share` of the unit's members (the larger)."""
    _require_officer(actor, unit, "set the motion threshold")
    share = Decimal(str(share))
    if supporters < 0 or not (0 <= share <= 1) or support_days < 1:
        raise InvalidInput("supporters must be 0 or more, share between 0 and 1, and support last at least a day")
    if supporters == 0 and share == 0:
        raise InvalidInput("a threshold needs a number of supporters or a share of members")
    th, _ = MotionThreshold.objects.update_or_create(
        unit=unit, defaults={"supporters": supporters, "share": share, "support_days": support_days}
    )
    record(
        actor=actor,
        action="voice.threshold",
        subject=f"unit:{unit.pk}",
        details={"supporters": supporters, "share": str(share), "support_days": support_days},
    )
    return th


def threshold_rule(unit: Unit) -> tuple[int, Decimal, int]:
    """(supporters, share, support_days) for a unit: its own, the nearest unit above it, else the default."""
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    found = {t.unit_id: t for t in MotionThreshold.objects.filter(unit_id__in=ids)}
    for uid in reversed(ids):
        if uid in found:
            t = found[uid]
            return t.supporters, Decimal(t.share), t.support_days
    d = voice_settings()
    return int(d["supporters"]), Decimal(str(d["share"])), int(d["support_days"])


def supporters_needed(unit: Unit) -> int:
    """The threshold now: the larger of the number and the share of the unit's active members (rounded up)."""
    number, share, _ = threshold_rule(unit)
    members = eligible_members(organisation=unit.organisation, units=[unit]).count() if share else 0
    return max(number, math.ceil(share * members), 1)


def _check_text(title: str, text: str) -> tuple[str, str]:
    title = " ".join(title.split())
    text = text.strip()
    if not title or not text:
        raise InvalidInput("a motion needs a title and a text")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"a title has at most {MAX_TITLE} characters")
    if len(text) > MAX_MOTION:
        raise InvalidInput(f"a motion's text has at most {MAX_MOTION} characters")
    return title, text


@transaction.atomic
def draft_motion(*, member: Member, unit: Unit, title: str, text: str, amends: Motion | None = None) -> Motion:
    """A member drafts a motion in a unit they belong to (an amendment if `amends` is given)."""
    _require_active(member)
    if not _member_in_unit(member, unit):
        raise NotAllowed(f"you can propose motions only in units you belong to ({unit.name} is not one)")
    title, text = _check_text(title, text)
    if amends is not None:
        if amends.unit_id != unit.pk:
            raise InvalidInput("an amendment belongs to the same unit as the motion it amends")
        if amends.state not in (M.SUPPORT, M.QUALIFIED):
            raise WrongState(
                f"{amends.title!r} is {amends.get_state_display()}; only a motion collecting "
                "support or waiting for its vote can be amended"
            )
    motion = Motion.objects.create(
        organisation=unit.organisation,
        unit=unit,
        title=title,
        text=text,
        proposer=member,
        amends=amends,
        kind=Motion.Kind.AMENDMENT if amends is not None else Motion.Kind.MOTION,
    )
    record(
        actor=member.user or f"member:{member.membership_number}",
        action="motion.draft",
        subject=f"motion:{motion.pk}",
        details={"title": title, "unit": unit.code, "amends": amends.pk if amends else None},
    )
    return motion


def _member_actor(member: Member) -> Any:
    return member.user or f"member:{member.membership_number}"


def _lock_motion(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().get(pk=motion.pk)


@transaction.atomic
def update_motion(*, motion: Motion, member: Member, title: str, text: str) -> Motion:
    """The proposer changes a draft."""
    locked = _lock_motion(motion)
    if locked.proposer_id != member.pk:
        raise NotAllowed("only the proposer can change a draft motion")
    if locked.state != M.DRAFT:
        raise WrongState("a motion can be changed only while it is a draft (supporters signed what they saw)")
    locked.title, locked.text = _check_text(title, text)
    locked.save(update_fields=["title", "text"])
    record(
        actor=_member_actor(member),
        action="motion.update",
        subject=f"motion:{locked.pk}",
        details={"title": locked.title},
    )
    return locked


@transaction.atomic
def publish_motion(*, motion: Motion, member: Member, now: dt.datetime | None = None) -> Motion:
    """draft → collecting support: the threshold and the deadline are fixed now; a discussion thread opens."""
    now = now or timezone.now()
    locked = _lock_motion(motion)
    if locked.proposer_id != member.pk:
        raise NotAllowed("only the proposer can publish a motion")
    if locked.state != M.DRAFT:
        raise WrongState(f"{locked.title!r} is already {locked.get_state_display()}")
    _, _, days = threshold_rule(locked.unit)
    locked.threshold = supporters_needed(locked.unit)
    locked.state = M.SUPPORT
    locked.published_at = now
    locked.support_deadline = now + dt.timedelta(days=days)
    locked.save()
    thread_for_motion(motion=locked)
    record(
        actor=_member_actor(member),
        action="motion.publish",
        subject=f"motion:{locked.pk}",
        details={"threshold": locked.threshold, "deadline": locked.support_deadline.isoformat()},
    )
    motion.refresh_from_db()
    return locked


def _recount(motion: Motion, now: dt.datetime) -> None:
    n = Support.objects.filter(motion=motion).count()
    if motion.state == M.SUPPORT and n >= motion.threshold:
        motion.state, motion.qualified_at = M.QUALIFIED, now
        motion.save(update_fields=["state", "qualified_at"])
        record(
            actor="system",
            action="motion.qualified",
            subject=f"motion:{motion.pk}",
            details={"supporters": n, "threshold": motion.threshold},
        )
    elif motion.state == M.QUALIFIED and n < motion.threshold:
        motion.state, motion.qualified_at = M.SUPPORT, None
        motion.save(update_fields=["state", "qualified_at"])
        record(
            actor="system",
            action="motion.below-threshold",
            subject=f"motion:{motion.pk}",
            details={"supporters": n, "threshold": motion.threshold},
        )


def _check_support_window(motion: Motion, now: dt.datetime, verb: str) -> None:
    if motion.state not in (M.SUPPORT, M.QUALIFIED):
        raise WrongState(f"you cannot {verb} {motion.title!r}: it is {motion.get_state_display()}")
    if motion.support_deadline and now >= motion.support_deadline:
        raise WrongState(
            f"the deadline for support of {motion.title!r} passed on {motion.support_deadline:%d %B %Y at %H:%M} UTC"
        )


@transaction.atomic
def support_motion(*, motion: Motion, member: Member, now: dt.datetime | None = None) -> Support:
    """A member of the motion's unit supports it (once); reaching the threshold qualifies it for a vote."""
    now = now or timezone.now()
    locked = _lock_motion(motion)
    _check_support_window(locked, now, "support")
    _require_active(member)
    if not _member_in_unit(member, locked.unit):
        raise NotAllowed(f"only members of {locked.unit.name} can support this motion")
    if Support.objects.filter(motion=locked, member=member).exists():
        raise AlreadyDone("you already support this motion")
    try:
        with transaction.atomic():
            support = Support.objects.create(motion=locked, member=member)
    except IntegrityError:
        raise AlreadyDone("you already support this motion") from None
    record(actor=_member_actor(member), action="motion.support", subject=f"motion:{locked.pk}", details={})
    _recount(locked, now)
    motion.refresh_from_db()
    return support


@transaction.atomic
def withdraw_support(*, motion: Motion, member: Member, now: dt.datetime | None = None) -> None:
    """A member withdraws their support, until the deadline (a qualified motion may fall back below it)."""
    now = now or timezone.now()
    locked = _lock_motion(motion)
    _check_support_window(locked, now, "withdraw support from")
    deleted, _ = Support.objects.filter(motion=locked, member=member).delete()
    if not deleted:
        raise WrongState("you do not support this motion, so there is nothing to withdraw")
    record(actor=_member_actor(member), action="motion.support.withdraw", subject=f"motion:{locked.pk}", details={})
    _recount(locked, now)
    motion.refresh_from_db()


@transaction.atomic
def withdraw_motion(*, motion: Motion, member: Member) -> Motion:
    """The proposer withdraws their motion before it goes to a vote."""
    locked = _lock_motion(motion)
    if locked.proposer_id != member.pk:
        raise NotAllowed("only the proposer can withdraw a motion")
    if locked.state not in (M.DRAFT, M.SUPPORT, M.QUALIFIED):
        raise WrongState(f"{locked.title!r} is {locked.get_state_display()} and can no longer be withdrawn")
    locked.state = M.WITHDRAWN
    locked.save(update_fields=["state"])
    record(actor=_member_actor(member), action="motion.withdraw", subject=f"motion:{locked.pk}", details={})
    return locked


@transaction.atomic
def close_expired_motions(*, now: dt.datetime | None = None, actor: Any = "system") -> int:
    """Motions whose support deadline passed without reaching the threshold fall. Returns how many fell."""
    now = now or timezone.now()
    fell = 0
    for motion in Motion.objects.select_for_update().filter(state=M.SUPPORT, support_deadline__lte=now):
        motion.state = M.FELL
        motion.save(update_fields=["state"])
        record(
            actor=actor,
            action="motion.fell",
            subject=f"motion:{motion.pk}",
            details={"supporters": motion.supports.count(), "threshold": motion.threshold},
        )
        fell += 1
    return fell


@transaction.atomic
def composite_motions(*, motions: Sequence[Motion], title: str, text: str, actor: Any) -> Motion:
    """An officer merges several motions of one unit into a composite, which goes straight to a vote; the
    originals keep their text and supporters and point at the composite."""
    motions = [_lock_motion(m) for m in motions]
    if len(motions) < 2:
        raise InvalidInput("a composite merges at least two motions")
    unit = motions[0].unit
    _require_officer(actor, unit, "composite motions")
    if any(m.unit_id != unit.pk for m in motions):
        raise InvalidInput("only motions of the same unit can be composited")
    bad = [m.title for m in motions if m.state not in (M.SUPPORT, M.QUALIFIED)]
    if bad:
        raise WrongState(f"these motions are not collecting support or qualified: {', '.join(bad)}")
    title, text = _check_text(title, text)
    composite = Motion.objects.create(
        organisation=unit.organisation,
        unit=unit,
        kind=Motion.Kind.COMPOSITE,
        title=title,
        text=text,
        state=M.QUALIFIED,
        threshold=0,
        published_at=timezone.now(),
        qualified_at=timezone.now(),
    )
    for m in motions:
        m.state, m.composited_into = M.COMPOSITED, composite
        m.save(update_fields=["state", "composited_into"])
    thread_for_motion(motion=composite)
    record(
        actor=actor,
        action="motion.composite",
        subject=f"motion:{composite.pk}",
        details={
            "title": title,
            "from": [m.pk for m in motions],
            "supporters": {str(m.pk): m.supports.count() for m in motions},
        },
    )
    return composite


# Member votes: ordinary omov ballots ---------------------------------------------------------------------------


def _ballot_actor(actor: Any) -> Any:
    """create_ballot needs an administrator: a voice officer creates it as a trusted caller in their name."""
    if isinstance(actor, str) or getattr(actor, "is_superuser", False):
        return actor
    return f"voice:{actor_name(actor)}"


def _new_ballot(
    *,
    organisation: Organisation,
    title: str,
    description: str,
    method: str,
    seats: int,
    options: Sequence[str],
    units: Iterable[Unit],
    actor: Any,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    electorate: Mapping[str, Any] | None = None,
) -> Ballot:
    officers = [] if isinstance(actor, str) else [actor]
    try:
        ballot = ballot_services.create_ballot(
            organisation=organisation,
            title=title[:200],
            description=description,
            method=method,
            seats=seats,
            actor=_ballot_actor(actor),
            opens_at=opens_at,
            closes_at=closes_at,
            returning_officers=officers,
        )
        run_as = actor  # a trusted caller (string) or one of the ballot's returning officers
        for name in options:
            ballot_services.add_candidate(ballot=ballot, actor=run_as, name=name[:200])
        ballot_services.set_electorate(ballot=ballot, actor=run_as, units=list(units), **dict(electorate or {}))
        if officers:  # a trusted caller's ballot has no returning officer yet: an administrator appoints one
            ballot_services.mark_ready(ballot=ballot, actor=run_as)
    except BallotError as exc:
        raise VoiceError(f"the ballot could not be set up: {exc}") from exc
    return ballot


def _timetable(
    opens_at: dt.datetime | None, closes_at: dt.datetime | None, days: int
) -> tuple[dt.datetime, dt.datetime]:
    opens_at = opens_at or timezone.now()
    closes_at = closes_at or opens_at + dt.timedelta(days=days)
    if closes_at <= opens_at:
        raise InvalidInput("the vote must close after it opens")
    return opens_at, closes_at


@transaction.atomic
def put_motion_to_vote(
    *,
    motion: Motion,
    actor: Any,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    days: int = 7,
) -> Ballot:
    """A qualified motion goes to a yes/no ballot of its unit's members (first past the post: Yes, No)."""
    locked = _lock_motion(motion)
    _require_officer(actor, locked.unit, "put a motion to a vote")
    if locked.state != M.QUALIFIED:
        raise WrongState(f"{locked.title!r} is {locked.get_state_display()}; only a qualified motion goes to a vote")
    opens_at, closes_at = _timetable(opens_at, closes_at, days)
    ballot = _new_ballot(
        organisation=locked.organisation,
        title=f"Motion: {locked.title}",
        description=locked.text,
        method="fptp",
        seats=1,
        options=["Yes", "No"],
        units=[locked.unit],
        actor=actor,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    locked.state, locked.ballot = M.BALLOT, ballot
    locked.save(update_fields=["state", "ballot"])
    record(actor=actor, action="motion.ballot", subject=f"motion:{locked.pk}", details={"ballot": ballot.pk})
    motion.refresh_from_db()
    return ballot


@transaction.atomic
def priorities_ballot(
    *,
    motions: Sequence[Motion],
    slots: int,
    actor: Any,
    title: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    days: int = 7,
) -> Ballot:
    """Several qualified motions compete for `slots` places on an agenda: a ranked ballot of the unit's members
    (the alternative vote for one slot, Meek STV for more)."""
    motions = [_lock_motion(m) for m in motions]
    if len(motions) < 2:
        raise InvalidInput("a priorities ballot needs at least two motions")
    unit = motions[0].unit
    _require_officer(actor, unit, "run a priorities ballot")
    if any(m.unit_id != unit.pk for m in motions):
        raise InvalidInput("a priorities ballot takes motions of one unit")
    if any(m.state != M.QUALIFIED for m in motions):
        raise WrongState("every motion in a priorities ballot must have qualified")
    if not 1 <= slots < len(motions):
        raise InvalidInput(f"the agenda must have between 1 and {len(motions) - 1} places for {len(motions)} motions")
    if len({m.title for m in motions}) != len(motions):
        raise InvalidInput("two motions have the same title; rename one so members can tell them apart")
    opens_at, closes_at = _timetable(opens_at, closes_at, days)
    ballot = _new_ballot(
        organisation=unit.organisation,
        title=title or f"Priorities: {unit.name}",
        description=f"Rank the motions; the top {slots} go on the agenda.",
        method="irv" if slots == 1 else "meek",
        seats=slots,
        options=[m.title for m in motions],
        units=[unit],
        actor=actor,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    for m in motions:
        m.state, m.ballot = M.BALLOT, ballot
        m.save(update_fields=["state", "ballot"])
    record(
        actor=actor,
        action="motion.priorities-ballot",
        subject=f"ballot:{ballot.pk}",
        details={"motions": [m.pk for m in motions], "slots": slots},
    )
    return ballot


@transaction.atomic
def record_motion_outcome(*, motion: Motion, actor: Any = "system") -> Motion:
    """After its ballot's result is published: carried / lost, or on the agenda / not prioritised."""
    locked = _lock_motion(motion)
    if locked.state != M.BALLOT or locked.ballot is None:
        raise WrongState(f"{locked.title!r} is not being voted on")
    ballot = locked.ballot
    if ballot.state != Ballot.State.PUBLISHED:
        raise WrongState(f"the result of {ballot.title!r} is not published yet")
    elected = list(ballot.result.elected)
    if ballot.candidates.filter(name="Yes").exists() and ballot.candidates.count() == 2:
        locked.outcome = "carried" if elected == ["Yes"] else "lost"
    else:
        locked.outcome = "on the agenda" if locked.title in elected else "not prioritised"
    locked.state = M.DECIDED
    locked.save(update_fields=["outcome", "state"])
    record(actor=actor, action="motion.decided", subject=f"motion:{locked.pk}", details={"outcome": locked.outcome})
    motion.refresh_from_db()
    return locked


@transaction.atomic
def position_vote_from_question(
    *,
    question: Question,
    actor: Any,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    days: int = 7,
) -> Ballot:
    """Put a consultation's choice question to a binding member vote, to the consultation's electorate:
    single choice or Likert → first past the post; multiple choice → approval; ranking → alternative vote."""
    consultation = question.consultation
    _require_officer(actor, consultation.unit, "set up a member vote")
    method = {"single": "fptp", "likert": "fptp", "multiple": "approval", "ranking": "irv"}.get(question.kind)
    if method is None:
        raise InvalidInput("a free-text question cannot be put to a vote; choose a question with options")
    opens_at, closes_at = _timetable(opens_at, closes_at, days)
    ballot = _new_ballot(
        organisation=consultation.organisation,
        title=question.text[:200],
        description=consultation.title,
        method=method,
        seats=1,
        options=list(question.options),
        units=consultation.electorate_units.all(),
        actor=actor,
        opens_at=opens_at,
        closes_at=closes_at,
        electorate={
            "statuses": consultation.statuses,
            "freeze_date": consultation.freeze_date,
            "allow_arrears": consultation.allow_arrears,
            "supporters_allowed": consultation.supporters_allowed,
        },
    )
    record(
        actor=actor,
        action="consultation.position-vote",
        subject=f"consultation:{consultation.pk}",
        details={"question": question.number, "ballot": ballot.pk},
    )
    return ballot


# Consultations ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_consultation(
    *,
    organisation: Organisation,
    title: str,
    actor: Any,
    unit: Unit | None = None,
    description: str = "",
    anonymous: bool = True,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
) -> Consultation:
    """A new draft consultation (anonymous unless told otherwise)."""
    _require_officer(actor, unit, "create a consultation")
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"a consultation needs a title of at most {MAX_TITLE} characters")
    c = Consultation.objects.create(
        organisation=organisation,
        unit=unit,
        title=title,
        description=description,
        anonymous=anonymous,
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_statuses=["active"],
    )
    thread_for_consultation(consultation=c)
    record(
        actor=actor,
        action="consultation.create",
        subject=f"consultation:{c.pk}",
        details={"title": title, "anonymous": anonymous},
    )
    return c


def _lock_consultation(c: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=c.pk)


LIKERT_DEFAULT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


@transaction.atomic
def add_question(
    *, consultation: Consultation, actor: Any, kind: str, text: str, options: Sequence[str] = (), required: bool = False
) -> Question:
    """Add a question to a draft consultation."""
    _require_officer(actor, consultation.unit, "change a consultation")
    locked = _lock_consultation(consultation)
    if locked.state != C.DRAFT:
        raise WrongState("questions can be changed only while the consultation is a draft")
    if kind not in Question.Kind.values:
        raise InvalidInput(f"a question's kind is one of: {', '.join(Question.Kind.values)}")
    text = text.strip()
    if not text:
        raise InvalidInput("a question needs a text")
    opts = [" ".join(str(o).split()) for o in options if str(o).strip()]
    if kind == Question.Kind.LIKERT and not opts:
        opts = list(LIKERT_DEFAULT)
    if kind == Question.Kind.TEXT:
        opts = []
    elif len(opts) < 2 or len(set(opts)) != len(opts):
        raise InvalidInput("a choice question needs at least two different options")
    number = locked.questions.count() + 1
    q = Question.objects.create(
        consultation=locked, number=number, kind=kind, text=text, options=opts, required=required
    )
    record(
        actor=actor,
        action="consultation.question",
        subject=f"consultation:{locked.pk}",
        details={"number": number, "kind": kind},
    )
    return q


@transaction.atomic
def set_consultation_electorate(
    *,
    consultation: Consultation,
    actor: Any,
    units: Iterable[Unit] = (),
    statuses: Iterable[str] = ("active",),
    freeze_date: dt.date | None = None,
    allow_arrears: bool = False,
    supporters_allowed: bool = False,
) -> Consultation:
    """Who may answer: the same electorate rule as ballots (units and those below, statuses, freeze date...)."""
    _require_officer(actor, consultation.unit, "change a consultation")
    locked = _lock_consultation(consultation)
    if locked.state != C.DRAFT:
        raise WrongState("the electorate can be changed only while the consultation is a draft")
    units, statuses = list(units), list(statuses)
    if not statuses or any(s not in Member.Status.values for s in statuses):
        raise InvalidInput(f"statuses must be some of {', '.join(Member.Status.values)}")
    if any(u.organisation_id != locked.organisation_id for u in units):
        raise InvalidInput("every unit of the electorate must belong to the consultation's organisation")
    locked.electorate_statuses, locked.freeze_date = statuses, freeze_date
    locked.allow_arrears, locked.supporters_allowed = allow_arrears, supporters_allowed
    locked.save()
    locked.electorate_units.set(units)
    record(
        actor=actor,
        action="consultation.electorate",
        subject=f"consultation:{locked.pk}",
        details={
            "units": [u.code for u in units],
            "statuses": statuses,
            "freeze_date": str(freeze_date) if freeze_date else None,
        },
    )
    consultation.refresh_from_db()
    return locked


def _move_consultation(consultation: Consultation, *, to: str, allowed: Sequence[str], actor: Any) -> Consultation:
    _require_officer(actor, consultation.unit, "run a consultation")
    locked = _lock_consultation(consultation)
    if locked.state not in allowed:
        raise WrongState(
            f"{locked.title!r} is {locked.state}; only a consultation that is {' or '.join(allowed)} can become {to}"
        )
    old, locked.state = locked.state, to
    locked.save(update_fields=["state"])
    record(
        actor=actor, action=f"consultation.{to}", subject=f"consultation:{locked.pk}", details={"from": old, "to": to}
    )
    consultation.state = to
    return locked


@transaction.atomic
def open_consultation(*, consultation: Consultation, actor: Any) -> Consultation:
    """draft → open (needs questions and a closing time)."""
    if not consultation.questions.exists():
        raise WrongState("a consultation needs at least one question before it opens")
    if not consultation.closes_at:
        raise WrongState("set when the consultation closes (closes_at) before opening it")
    return _move_consultation(consultation, to=C.OPEN, allowed=[C.DRAFT], actor=actor)


@transaction.atomic
def close_consultation(*, consultation: Consultation, actor: Any) -> Consultation:
    """open → closed: no more answers or changes."""
    return _move_consultation(consultation, to=C.CLOSED, allowed=[C.OPEN], actor=actor)


@transaction.atomic
def publish_consultation(*, consultation: Consultation, actor: Any) -> Consultation:
    """closed → published: results (and the free-text answers moderation accepted) become public."""
    return _move_consultation(consultation, to=C.PUBLISHED, allowed=[C.CLOSED], actor=actor)


def in_electorate(*, consultation: Consultation, member: Member) -> bool:
    """Is the member within the consultation's electorate rule?"""
    return (
        eligible_members(
            organisation=consultation.organisation,
            units=list(consultation.electorate_units.all()),
            statuses=consultation.statuses,
            joined_on_or_before=consultation.freeze_date,
            allow_arrears=consultation.allow_arrears,
            supporters_allowed=consultation.supporters_allowed,
        )
        .filter(pk=member.pk)
        .exists()
    )


def consultation_is_open(consultation: Consultation, now: dt.datetime) -> bool:
    return (
        consultation.state == C.OPEN
        and not (consultation.opens_at and now < consultation.opens_at)
        and not (consultation.closes_at and now >= consultation.closes_at)
    )


def key_hash(key: str) -> str:
    return hashlib.sha256(("omov-response-key-v1\n" + key.strip()).encode("utf-8")).hexdigest()


def _clean_answer(q: Question, value: Any) -> Any:
    """The stored value of an answer, or InvalidInput saying what is wrong with it."""
    n = len(q.options)
    label = f"question {q.number}"

    def index(v: Any) -> int:
        try:
            i = int(v)
        except (TypeError, ValueError):
            raise InvalidInput(f"{label}: {v!r} is not one of the options") from None
        if not 0 <= i < n:
            raise InvalidInput(f"{label}: option {i} does not exist")
        return i

    if q.kind in (Question.Kind.SINGLE, Question.Kind.LIKERT):
        return index(value)
    if q.kind == Question.Kind.MULTIPLE:
        values = value if isinstance(value, list | tuple) else [value]
        chosen = sorted({index(v) for v in values})
        return chosen
    if q.kind == Question.Kind.RANKING:
        values = value if isinstance(value, list | tuple) else [value]
        ranks = [index(v) for v in values]
        if len(set(ranks)) != len(ranks):
            raise InvalidInput(f"{label}: an option can be ranked only once")
        return ranks
    text = str(value).strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise InvalidInput(f"{label}: an answer has at most {MAX_TEXT_ANSWER} characters")
    return text


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


@transaction.atomic
def answer_consultation(
    *,
    consultation: Consultation,
    member: Member,
    answers: Mapping[int, Any],
    key: str = "",
    now: dt.datetime | None = None,
) -> str:
    """A member answers (or, with their key, changes their answers) while the consultation is open.

    `answers` maps question numbers to values: an option index (single, Likert), a list of indexes (multiple;
    ranking in rank order) or text. Returns the response's edit key: new on the first answer (the member keeps
    it; only its hash is stored), the same one on an edit. Free text passes the moderation pipeline and is
    published only if accepted. An anonymous response is never linked to its member.
    """
    now = now or timezone.now()
    locked = _lock_consultation(consultation)
    if not consultation_is_open(locked, now):
        early = locked.state == C.DRAFT or (locked.opens_at is not None and now < locked.opens_at)
        raise WrongState(
            f"{locked.title!r} is not open yet"
            if early
            else f"{locked.title!r} is closed: answers can no longer be given or changed"
        )
    if not in_electorate(consultation=locked, member=member):
        raise NotAllowed(f"you are not in the electorate of {locked.title!r}, so you cannot answer it")
    questions = {q.number: q for q in locked.questions.all()}
    unknown = set(int(k) for k in answers) - set(questions)
    if unknown:
        raise InvalidInput(f"no such question: {', '.join(map(str, sorted(unknown)))}")
    cleaned: dict[int, Any] = {}
    for number, q in questions.items():
        raw = answers.get(number, answers.get(str(number)))  # type: ignore[call-overload]
        if _empty(raw):
            if q.required:
                raise InvalidInput(f"question {number} needs an answer")
            continue
        cleaned[number] = _clean_answer(q, raw)
        if _empty(cleaned[number]):
            del cleaned[number]
    answered = Participation.objects.filter(consultation=locked, member=member).exists()
    if answered:
        if locked.anonymous:
            if not key:
                raise AlreadyDone(
                    "you have already answered; to change your answers, give the edit key you were "
                    "shown when you answered"
                )
            response = Response.objects.filter(consultation=locked, key_hash=key_hash(key)).first()
            if response is None:
                raise NotAllowed("this edit key does not match a response to this consultation")
        else:
            response = Response.objects.get(consultation=locked, named__member=member)
        response.answers.all().delete()
        action = "consultation.answer.edit"
    else:
        key = secrets.token_urlsafe(16)
        Participation.objects.create(consultation=locked, member=member)
        response = Response.objects.create(consultation=locked, key_hash=key_hash(key))
        if not locked.anonymous:
            NamedResponse.objects.create(response=response, member=member)
        action = "consultation.answer"
    pipeline = get_pipeline()
    for number, value in cleaned.items():
        q = questions[number]
        status, moderation = "", {}
        if q.kind == Question.Kind.TEXT:
            verdict = pipeline.screen(value)
            status = Answer.TextStatus.ACCEPTED if verdict.verdict == "accept" else Answer.TextStatus.HELD
            moderation = verdict.as_dict()
        Answer.objects.create(response=response, question=q, value=value, text_status=status, moderation=moderation)
    # The audit entry says that the member answered, never which response is theirs.
    record(actor=_member_actor(member), action=action, subject=f"consultation:{locked.pk}", details={})
    return key


@transaction.atomic
def moderate_answer(*, answer: Answer, actor: Any, accept: bool, reason: str) -> Answer:
    """An officer accepts or rejects a held free-text answer (accepted ones are published with the results)."""
    consultation = answer.response.consultation
    _require_officer(actor, consultation.unit, "moderate answers")
    if not reason.strip():
        raise InvalidInput("give a reason for the decision")
    if answer.question.kind != Question.Kind.TEXT:
        raise InvalidInput("only free-text answers are moderated")
    answer.text_status = Answer.TextStatus.ACCEPTED if accept else Answer.TextStatus.REJECTED
    answer.save(update_fields=["text_status"])
    record(
        actor=actor,
        action="consultation.answer.moderate",
        subject=f"consultation:{consultation.pk}",
        details={"answer": answer.pk, "accepted": accept, "reason": reason},
    )
    return answer


# Discussion ---------------------------------------------------------------------------------------------------


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
    pipeline = get_pipeline()
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
    pipeline = get_pipeline()
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
        if pipeline.akismet is not None:
            pipeline.akismet.submit(
                locked.body, spam=decision == D.SPAM, author=locked.author.name, author_email=locked.author.email
            )
    locked.status = new_status
    if abusive and decision in (D.REJECT, D.SUSPEND, D.WARN):
        locked.confirmed_abusive = True
    locked.save(update_fields=["status", "confirmed_abusive"])
    locked.reports.update(resolved=True)
    officer = None if isinstance(actor, str) else actor
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
