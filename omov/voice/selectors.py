"""Non-trivial reads of member voice: what a member sees, consultation results, the abuse statistics."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When

from omov.count.formats.csv_safety import neutralise_row
from omov.members.models import Member, Unit
from omov.members.selectors import eligible_members
from omov.voice.models import (
    Answer,
    Comment,
    Consultation,
    ModerationDecision,
    Motion,
    MotionThreshold,
    Question,
    Thread,
)

C = Consultation.State


def motions_for_member(*, member: Member) -> QuerySet[Motion]:
    """Published motions in the member's units (their branch and every unit above it), newest first, with the
    number of supporters and whether the member supports each (`supporters`, `i_support`)."""
    ids = [int(x) for x in member.unit.path.strip("/").split("/") if x]
    return (
        Motion.objects.filter(unit_id__in=ids)
        .exclude(state=Motion.State.DRAFT)
        .select_related("unit", "proposer")
        .annotate(
            supporters=Count("supports", distinct=True),
            i_support=Count("supports", filter=Q(supports__member=member), distinct=True),
        )
    )


def units_looked_after(user: Any) -> list[Unit]:
    """The units a user is a member-voice officer of (everything below each is theirs too)."""
    from omov.voice.models import VoiceOfficer

    return [v.unit for v in VoiceOfficer.objects.filter(user=user).select_related("unit")]


def organisations_for(user: Any) -> set[int] | None:
    """The organisations whose member-voice pages a user may read: their own as a member, those whose units
    they look after as a member-voice officer, and those whose ballots they run or scrutinise (None: every
    one, for a superuser). Anonymous, or signed in with none of these: none."""
    from omov.ballots.models import Ballot
    from omov.members.selectors import member_for_user

    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    ids = {u.organisation_id for u in units_looked_after(user)}
    ballots = Ballot.objects.filter(Q(returning_officers=user) | Q(scrutineers=user))
    ids.update(ballots.values_list("organisation_id", flat=True))
    member = member_for_user(user=user)
    if member is not None:
        ids.add(member.organisation_id)
    return ids


def under(units: list[Unit], field: str = "") -> Q:
    """Rows whose unit `field` (a Unit itself when empty) lies in one of `units` or below it; none for no units."""
    prefix = f"{field}__" if field else ""
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{prefix}path__startswith": unit.path})
    return q


def _officer_scope(user: Any) -> Q | None:
    """What a member-voice officer looks after, as a filter; None for a superuser (everything). Officers
    appointed through the organisation's roles count as those named in member voice's own list do
    (`permissions.moderation_scope`)."""
    from omov.voice.permissions import moderation_scope

    if user.is_superuser:
        return None
    scope = moderation_scope(user)
    return scope.owned() if scope else under(units_looked_after(user), "unit")


def moderator_decided() -> Exists:
    """Has a moderator made any decision on the comment? (for `Comment` querysets)"""
    return Exists(ModerationDecision.objects.filter(comment=OuterRef("pk")))


def awaiting_decision(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """The comments waiting for a moderator: held, or filed as spam by the filter with no moderator decision on
    them yet (the admin's queue and the moderation page count alike)."""
    return comments.filter(Q(status=Comment.Status.HELD) | Q(status=Comment.Status.SPAM) & ~moderator_decided())


def motions_for_officer(*, user: Any) -> QuerySet[Motion]:
    """Motions past their draft in the units a member-voice officer looks after, with `supporters`; the ones
    waiting for the officer (qualified: to be put to a vote) first, then newest."""
    scope = _officer_scope(user)
    motions = Motion.objects.exclude(state=Motion.State.DRAFT)
    if scope is not None:
        motions = motions.filter(scope)
    return (
        motions.select_related("unit")
        .annotate(
            supporters=Count("supports", distinct=True),
            waiting=Case(When(state=Motion.State.QUALIFIED, then=Value(0)), default=Value(1)),
        )
        .order_by("waiting", "-pk")
    )


def consultations_for_officer(*, user: Any) -> QuerySet[Consultation]:
    """Consultations a member-voice officer runs (their units; a superuser: also the national ones), not yet
    published, newest first."""
    scope = _officer_scope(user)
    consultations = Consultation.objects.exclude(state=Consultation.State.PUBLISHED)
    if scope is not None:
        consultations = consultations.filter(scope)
    return consultations.select_related("unit").order_by("-pk")


def visible_comments(*, thread: Thread, member: Member | None = None) -> list[Comment]:
    """Accepted comments of a thread, plus the member's own that others do not see, each with `own_status`
    saying why: waiting for a moderator (held, or filed as spam by the filter and not yet decided), or not
    shown by a moderator's decision, with the reason the moderator gave (the one the author was mailed).

    Only the member's own comments are ever added, and the moderators' reasons are read for those alone."""
    S = Comment.Status
    q = Q(status=S.ACCEPTED)
    if member is not None:
        q |= Q(author=member, status__in=[S.HELD, S.SPAM, S.REJECTED])
    comments = list(thread.comments.filter(q).select_related("author", "parent").prefetch_related("revisions"))
    own = [c.pk for c in comments if c.status in (S.SPAM, S.REJECTED)]
    D = ModerationDecision.Decision
    latest: dict[int, ModerationDecision] = {}
    if own:
        # The decisions that take a comment down (a warning leaves its status as it was); the last one wins,
        # since an officer may decide again.
        taking_down = [D.REJECT, D.SUSPEND, D.SPAM]
        decisions = ModerationDecision.objects.filter(comment_id__in=own, decision__in=taking_down)
        for d in decisions.order_by("created_at", "pk"):
            latest[d.comment_id] = d
    for c in comments:
        c.own_status = ""
        c.refused = False
        if c.status == S.ACCEPTED:
            continue
        d = latest.get(c.pk)
        if c.status == S.REJECTED:
            c.own_status, c.refused = "not shown — rejected by a moderator", True
        elif c.status == S.SPAM and d is not None and d.decision == D.SPAM:
            c.own_status, c.refused = "not shown — held as spam", True
        else:  # held, or filed as spam by the filter: it waits in the moderation queue
            c.own_status = "awaiting review (only you can see it)"
        if c.refused and d is not None and d.reason:
            c.own_status += f": {d.reason}"
    return comments


@dataclass
class QuestionResult:
    """One question's results: counts per option (or rank points, or the Likert distribution), and texts."""

    question: Question
    answered: int
    counts: list[int] = field(default_factory=list)
    first_choices: list[int] = field(default_factory=list)
    mean_rank: list[float | None] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    texts_withheld: int = 0

    def rows(self) -> list[dict[str, Any]]:
        """One row per option: its label, count, and for rankings first choices and mean rank."""
        out = []
        for i, label in enumerate(self.question.options):
            row: dict[str, Any] = {"option": label, "count": self.counts[i] if i < len(self.counts) else 0}
            if self.question.kind == Question.Kind.RANKING:
                row["first"] = self.first_choices[i]
                row["mean_rank"] = self.mean_rank[i]
            out.append(row)
        return out

    def chart(self) -> dict[str, Any]:
        """Labels and values for a bar chart (ranking: first choices)."""
        values = self.first_choices if self.question.kind == Question.Kind.RANKING else self.counts
        return {"labels": list(self.question.options), "values": values}


def consultation_results(*, consultation: Consultation) -> list[QuestionResult]:
    """Per-question results. Free-text answers are included only once moderation accepted them."""
    out = []
    for q in consultation.questions.all():
        answers = list(Answer.objects.filter(question=q).values_list("value", "text_status"))
        r = QuestionResult(question=q, answered=len(answers))
        n = len(q.options)
        if q.kind in (Question.Kind.SINGLE, Question.Kind.LIKERT):
            c = Counter(int(v) for v, _ in answers)
            r.counts = [c.get(i, 0) for i in range(n)]
            if q.kind == Question.Kind.LIKERT and answers:
                r.mean = round(sum((int(v) + 1) for v, _ in answers) / len(answers), 2)
        elif q.kind == Question.Kind.MULTIPLE:
            c = Counter(i for v, _ in answers for i in v)
            r.counts = [c.get(i, 0) for i in range(n)]
        elif q.kind == Question.Kind.RANKING:
            first = Counter(v[0] for v, _ in answers if v)
            r.first_choices = [first.get(i, 0) for i in range(n)]
            ranks: dict[int, list[int]] = defaultdict(list)
            for v, _ in answers:
                for pos, i in enumerate(v, start=1):
                    ranks[i].append(pos)
            r.mean_rank = [round(sum(ranks[i]) / len(ranks[i]), 2) if ranks[i] else None for i in range(n)]
            r.counts = [len(ranks[i]) for i in range(n)]
        else:
            r.texts = sorted(str(v) for v, s in answers if s == Answer.TextStatus.ACCEPTED)
            r.texts_withheld = sum(1 for _, s in answers if s != Answer.TextStatus.ACCEPTED)
        out.append(r)
    return out


def _writer(buf: io.StringIO) -> Any:
    """A CSV writer whose text cells a spreadsheet will not run as formulas (the one rule for every CSV omov
    writes: omov.count.formats.csv_safety)."""
    w = csv.writer(buf)

    class Safe:
        def writerow(self, row: list[Any]) -> None:
            w.writerow(neutralise_row(row))

    return Safe()


def results_csv(*, consultation: Consultation) -> str:
    """The results as CSV: question, kind, option, count (ranking: times ranked, first choices, mean rank);
    then one row per accepted free-text answer."""
    buf = io.StringIO()
    w = _writer(buf)
    w.writerow(["question", "kind", "option", "count", "first_choices", "mean_rank", "text"])
    for r in consultation_results(consultation=consultation):
        q = r.question
        if q.kind == Question.Kind.TEXT:
            for t in r.texts:
                w.writerow([q.number, q.kind, "", "", "", "", t])
            continue
        for i, opt in enumerate(q.options):
            if q.kind == Question.Kind.RANKING:
                w.writerow(
                    [
                        q.number,
                        q.kind,
                        opt,
                        r.counts[i],
                        r.first_choices[i],
                        "" if r.mean_rank[i] is None else r.mean_rank[i],
                        "",
                    ]
                )
            else:
                w.writerow([q.number, q.kind, opt, r.counts[i], "", "", ""])
    return buf.getvalue()


# Abuse statistics ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AbuseRow:
    """Held and confirmed abusive comments aimed at one target in one period."""

    period: dt.date
    target: str
    role: str
    unit: str
    held: int
    confirmed: int


def _period_start(at: dt.datetime, period: str) -> dt.date:
    d = at.date()
    if period == "month":
        return d.replace(day=1)
    if period == "day":
        return d
    return d - dt.timedelta(days=d.weekday())


def abuse_statistics(
    *,
    organisation: Any,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    period: str = "week",
    unit: Unit | None = None,
    within: list[Unit] | None = None,
) -> list[AbuseRow]:
    """Counts of comments held for abuse and confirmed abusive by an officer, by target (the person the thread
    is about or the comment replies to), the target's role and unit, per period (day, week or month); only
    targets in `unit`, and only in the units `within` (a unit officer's own), when given."""
    if period not in ("day", "week", "month"):
        raise ValueError("period is day, week or month")
    qs = Comment.objects.filter(thread__organisation=organisation).filter(
        Q(held_for_abuse=True) | Q(confirmed_abusive=True)
    )
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    if unit is not None:
        qs = qs.filter(target_unit__path__startswith=unit.path)
    if within is not None:
        qs = qs.filter(under(within, "target_unit"))
    tally: dict[tuple[dt.date, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = qs.values_list(
        "created_at", "target_member__name", "target_role", "target_unit__name", "held_for_abuse", "confirmed_abusive"
    )
    for at, name, role, unit_name, held, confirmed in rows:
        key = (_period_start(at, period), name or "(no one in particular)", role or "-", unit_name or "-")
        tally[key][0] += int(held)
        tally[key][1] += int(confirmed)
    return [AbuseRow(k[0], k[1], k[2], k[3], v[0], v[1]) for k, v in sorted(tally.items())]


def abuse_by(rows: list[AbuseRow], what: str) -> list[tuple[str, int, int]]:
    """Totals by 'target', 'role' or 'unit', largest first."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        totals[getattr(r, what)][0] += r.held
        totals[getattr(r, what)][1] += r.confirmed
    return sorted(((k, v[0], v[1]) for k, v in totals.items()), key=lambda x: (-x[1] - x[2], x[0]))


def abuse_series(rows: list[AbuseRow]) -> dict[str, Any]:
    """Per-period totals for the chart: {labels, held, confirmed}."""
    held: Counter[dt.date] = Counter()
    confirmed: Counter[dt.date] = Counter()
    for r in rows:
        held[r.period] += r.held
        confirmed[r.period] += r.confirmed
    periods = sorted(set(held) | set(confirmed))
    return {
        "labels": [p.isoformat() for p in periods],
        "held": [held[p] for p in periods],
        "confirmed": [confirmed[p] for p in periods],
    }


def abuse_csv(rows: list[AbuseRow]) -> str:
    buf = io.StringIO()
    w = _writer(buf)
    w.writerow(["period_start", "target", "role", "unit", "held_for_abuse", "confirmed_abusive"])
    for r in rows:
        w.writerow([r.period.isoformat(), r.target, r.role, r.unit, r.held, r.confirmed])
    return buf.getvalue()


# Reads the services and pages share: settings, motion thresholds, consultation electorates --------------------


def voice_settings() -> dict[str, Any]:
    """settings.OMOV_VOICE with defaults: the motion threshold used where no unit sets one, and how many
    reports hold a comment for review."""
    defaults: dict[str, Any] = {"supporters": 5, "share": "0", "support_days": 28, "reports_to_hold": 3}
    return {**defaults, **getattr(settings, "OMOV_VOICE", {})}


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


def find_thread(
    *, motion: Motion | None = None, consultation: Consultation | None = None, candidate: Any = None
) -> Thread | None:
    """The discussion thread of a motion, consultation or candidate, if it has been started (reads only)."""
    if motion is not None:
        return Thread.objects.filter(motion=motion).first()
    if consultation is not None:
        return Thread.objects.filter(consultation=consultation).first()
    return Thread.objects.filter(candidate=candidate).first()


# Spam models per organisation ---------------------------------------------------------------------------------


def spam_model_organisations(user: Any) -> list[Any]:
    """The organisations whose spam model a user may see and retrain: those they are a member-voice officer
    or administrator in (every one for a superuser)."""
    from omov.members.models import Appointment, Organisation
    from omov.voice.models import VoiceOfficer

    orgs = Organisation.objects.order_by("name", "pk")
    if getattr(user, "is_superuser", False):
        return list(orgs)
    ids = set(VoiceOfficer.objects.filter(user=user).values_list("unit__organisation_id", flat=True))
    ids.update(
        Appointment.objects.filter(
            user=user, role__in=[Appointment.Role.VOICE_OFFICER, Appointment.Role.ADMINISTRATOR]
        ).values_list("organisation_id", flat=True)
    )
    return list(orgs.filter(pk__in=ids))


def spam_model_overview(organisation: Any) -> dict[str, Any]:
    """What the spam-model page shows: the model in use, the retrainings, the decisions and the jobs."""
    from omov.audit.models import Job
    from omov.voice.models import SpamFeedback, SpamModel

    rows = list(SpamModel.objects.filter(organisation=organisation).defer("correction").order_by("-version")[:20])
    active = next((r for r in rows if r.accepted), None)
    if active is None:
        active = SpamModel.objects.filter(organisation=organisation, accepted=True).defer("correction").first()
    decisions = SpamFeedback.objects.filter(organisation=organisation)
    jobs = list(Job.objects.filter(subject=f"organisation:{organisation.pk}", kind="retrain-spam-model")[:5])
    return {
        "active": active,
        "history": rows,
        "spam_decisions": decisions.filter(spam=True).count(),
        "ham_decisions": decisions.filter(spam=False).count(),
        "jobs": jobs,
        "running": any(not j.finished for j in jobs),
    }
