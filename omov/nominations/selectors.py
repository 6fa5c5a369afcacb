"""Reads: a round's nominations as the rule language sees them, the live tracker, what-if, trigger state."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from omov.members.models import Unit
from omov.members.selectors import units_under
from omov.nominations.models import (
    MEMBER_GROUP,
    UNIT_GROUPS,
    GroupMembership,
    NominatingGroup,
    Nomination,
    NominationRound,
    OpenSelection,
    TriggerBallot,
    TriggerVote,
)
from omov.nominations.thresholds import Evaluation, evaluate, parse_share, resolve
from omov.nominations.thresholds import Nomination as RuleNomination


def _active_on(day: dt.date) -> Q:
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def group_sizes(*, round: NominationRound, as_of: dt.datetime | None = None) -> dict[str, int]:
    """The size of each nominating group: members of the parliamentary group on the day; units in scope."""
    day = timezone.localdate(as_of or timezone.now())
    sizes: dict[str, int] = {}
    if round.parliamentary_group_id is not None:
        active = GroupMembership.objects.filter(_active_on(day), group_id=round.parliamentary_group_id)
        sizes[MEMBER_GROUP] = active.count()
    units = Unit.objects.filter(organisation_id=round.organisation_id)
    scoped = units_under(units=[round.scope]) if round.scope is not None else units
    for key, kind in UNIT_GROUPS.items():
        base = units if kind == Unit.Kind.AFFILIATE else scoped
        sizes[key] = base.filter(kind=kind).count()
    affiliates = units.filter(kind=Unit.Kind.AFFILIATE)
    sizes["affiliate_members"] = affiliates.aggregate(n=Sum("affiliated_members"))["n"] or 0
    return sizes


@dataclass(frozen=True)
class CountedNomination:
    """A standing nomination and whether it counts (and if not, why)."""

    nomination: Nomination
    counts: bool
    why_not: str = ""


def standing_nominations(*, round: NominationRound, as_of: dt.datetime | None = None) -> list[CountedNomination]:
    """The round's nominations not withdrawn, each marked counting or not.

    A member who has left the parliamentary group by `as_of` no longer counts: the rule books speak of nominations
    "by members of the PLP", a status judged when nominations close; the nomination stays on the record.
    """
    day = timezone.localdate(as_of or timezone.now())
    noms = list(
        Nomination.objects.filter(round=round, withdrawn_at__isnull=True, candidate__withdrawn=False)
        .select_related("candidate", "member", "unit")
    )
    current: set[int] = set()
    if round.parliamentary_group_id is not None:
        current = set(GroupMembership.objects.filter(_active_on(day), group_id=round.parliamentary_group_id)
                      .values_list("member_id", flat=True))
    out = []
    for n in noms:
        if n.group == MEMBER_GROUP and n.member_id not in current:
            out.append(CountedNomination(n, False, f"{n.member.name} is no longer in the group"))
        else:
            out.append(CountedNomination(n, True))
    return out


def rule_nominations(counted: Sequence[CountedNomination]) -> list[RuleNomination]:
    """The counting nominations as the rule language's values."""
    out = []
    for c in counted:
        if not c.counts:
            continue
        n = c.nomination
        if n.unit_id is not None:
            out.append(RuleNomination(n.candidate.name, n.group, n.unit.code, 1, n.unit.affiliate_kind,
                                      n.unit.affiliated_members))
        else:
            out.append(RuleNomination(n.candidate.name, n.group, n.member.name))
    return out


@dataclass(frozen=True)
class TermRow:
    term: str
    passed: bool
    have: str
    need: str
    still_needed: int
    working: str


@dataclass(frozen=True)
class CandidateRow:
    candidate: str
    qualified: bool
    terms: tuple[TermRow, ...]
    nominations: int
    not_counted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Board:
    """Everything the tracker shows, and what the close freezes."""

    rule: str
    expression: str
    sizes: dict[str, int]
    rows: tuple[CandidateRow, ...]
    as_of: dt.datetime
    withdrawn: int = 0
    inputs: tuple[RuleNomination, ...] = ()

    @property
    def qualified(self) -> list[str]:
        return [r.candidate for r in self.rows if r.qualified]

    def as_record(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "expression": self.expression,
            "as_of": self.as_of.isoformat(),
            "sizes": self.sizes,
            "qualified": self.qualified,
            "nominations": [[n.candidate, n.group, n.nominator, n.count, n.kind, n.members] for n in self.inputs],
            "candidates": [
                {"candidate": r.candidate, "qualified": r.qualified, "nominations": r.nominations,
                 "not_counted": list(r.not_counted),
                 "terms": [{"term": t.term, "passed": t.passed, "have": t.have, "need": t.need,
                            "working": t.working} for t in r.terms]}
                for r in self.rows
            ],
        }


def _still(have: str, need: str) -> int:
    try:
        return max(0, int(need) - int(have))
    except ValueError:
        return 0


def _rows(rule: str, names: Sequence[str], noms: Sequence[RuleNomination], sizes: dict[str, int],
          not_counted: dict[str, tuple[str, ...]]) -> tuple[str, tuple[CandidateRow, ...]]:
    _, expr = resolve(rule)
    rows = []
    for name in names:
        ev: Evaluation = evaluate(expr, name, noms, sizes)
        rows.append(CandidateRow(
            name, ev.qualified,
            tuple(TermRow(t.term, t.passed, t.have, t.need, _still(t.have, t.need), t.working) for t in ev.terms),
            sum(n.count for n in noms if n.candidate == name), not_counted.get(name, ()),
        ))
    return expr.text(), tuple(rows)


def _frozen(round: NominationRound) -> dict[str, Any] | None:
    """The record frozen at the close (None while the round is open, or for a record without its inputs)."""
    if round.state in (NominationRound.State.CLOSED, NominationRound.State.CONFIRMED):
        record = round.closing_record or {}
        if "nominations" in record:
            return record
    return None


def tracker(*, round: NominationRound, as_of: dt.datetime | None = None, rule: str | None = None) -> Board:
    """Each candidate's counting nominations against every term of the rule (or of `rule`, for a what-if).

    Once the round has closed, it is judged on the inputs frozen at the close (nominations, group sizes, the
    affiliates' kinds and memberships), so later changes to units or groups change nothing.
    """
    withdrawn = Nomination.objects.filter(round=round, withdrawn_at__isnull=False).count()
    frozen = _frozen(round) if as_of is None else None
    if frozen is not None:
        noms = [RuleNomination(*row) for row in frozen["nominations"]]
        sizes = {k: int(v) for k, v in frozen["sizes"].items()}
        names = [c["candidate"] for c in frozen["candidates"]]
        frozen_not_counted = {c["candidate"]: tuple(c.get("not_counted", ())) for c in frozen["candidates"]}
        expression, rows = _rows(rule or round.rule, names, noms, sizes, frozen_not_counted)
        at = dt.datetime.fromisoformat(frozen["as_of"])
        return Board(rule or round.rule, expression, sizes, rows, at, withdrawn, tuple(noms))
    now = as_of or timezone.now()
    sizes = group_sizes(round=round, as_of=now)
    counted = standing_nominations(round=round, as_of=now)
    noms = rule_nominations(counted)
    names = list(round.candidates.filter(withdrawn=False).values_list("name", flat=True))
    not_counted: dict[str, tuple[str, ...]] = {}
    for c in counted:
        if not c.counts:
            key = c.nomination.candidate.name
            not_counted[key] = (*not_counted.get(key, ()), c.why_not)
    expression, rows = _rows(rule or round.rule, names, noms, sizes, not_counted)
    return Board(rule or round.rule, expression, sizes, rows, now, withdrawn, tuple(noms))


def round_inputs(*, round: NominationRound) -> tuple[list[RuleNomination], dict[str, int]]:
    """The round's counting nominations and group sizes (frozen at the close, once closed), for the rule language."""
    board = tracker(round=round)
    return list(board.inputs), dict(board.sizes)


def whatif(*, round: NominationRound, rules: Sequence[str]) -> list[Board]:
    """The same nominations (as at the close, if closed) under each rule, for side-by-side comparison."""
    return [tracker(round=round, rule=r) for r in rules]


# Trigger ballots ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupTally:
    group: str
    size: int
    voted: int
    open: int
    reselect: int
    base: int
    need: int
    fired: bool
    working: str


@dataclass(frozen=True)
class TriggerState:
    share: str
    base: str
    branches: GroupTally
    affiliates: GroupTally

    @property
    def fired(self) -> bool:
        return self.branches.fired or self.affiliates.fired

    def as_record(self) -> dict[str, Any]:
        def tally(t: GroupTally) -> dict[str, Any]:
            return {"size": t.size, "voted": t.voted, "open": t.open, "reselect": t.reselect, "need": t.need,
                    "fired": t.fired, "working": t.working}

        return {"share": self.share, "base": self.base, "fired": self.fired,
                "branches": tally(self.branches), "affiliates": tally(self.affiliates)}


def _tally(group: str, size: int, votes: Sequence[TriggerVote], share_text: str, base_kind: str) -> GroupTally:
    share = parse_share(share_text)
    opened = sum(1 for v in votes if v.choice == TriggerVote.Choice.OPEN)
    reselect = len(votes) - opened
    base = len(votes) if base_kind == TriggerBallot.Base.VOTING else size
    need = math.ceil(share * base)
    # At least one unit must vote to open: with nobody voting, a share of nothing is not a trigger.
    need = max(need, 1)
    fired = opened >= need
    what = "that voted" if base_kind == TriggerBallot.Base.VOTING else "in all"
    working = (f"{opened} of {len(votes)} {group} that voted chose open ({size} {group} in all); "
               f"{share_text} of the {base} {what} is {float(share * base):g}, rounded up to {need}: "
               f"{'fired' if fired else 'not fired'}")
    return GroupTally(group, size, len(votes), opened, reselect, base, need, fired, working)


def trigger_state(*, trigger: TriggerBallot) -> TriggerState:
    """The two groups' tallies and whether either has reached the share (rounded up) that opens the selection."""
    branches = units_under(units=[trigger.constituency]).filter(kind=Unit.Kind.BRANCH)
    branch_ids = set(branches.values_list("pk", flat=True))
    aff_ids = set(trigger.affiliates.values_list("pk", flat=True))
    votes = list(TriggerVote.objects.filter(trigger=trigger))
    b = _tally("branches", len(branch_ids), [v for v in votes if v.unit_id in branch_ids], trigger.share, trigger.base)
    a = _tally("affiliates", len(aff_ids), [v for v in votes if v.unit_id in aff_ids], trigger.share, trigger.base)
    return TriggerState(trigger.share, trigger.base, b, a)


# Timetable changes ------------------------------------------------------------------------------------------------

TIMETABLE_LABELS = {"opens_at": "Nominations open", "closes_at": "Nominations close"}


def _subject(subject: str) -> tuple[str, int]:
    kind, _, pk = subject.partition(":")
    return kind, int(pk)


def timetable_recipients(*, subject: str) -> list[tuple[str, str]]:
    """Who is told of a timetable change: (name, address) of each member the models link to it, once each.

    A round: its candidates (those recorded as members), the members of its parliamentary group (who may still
    nominate) and every member with a standing nomination. A trigger ballot: the representative. Units
    (branches, constituencies, affiliates) have no address of their own in the models, so their secretaries
    cannot be written to; the notice is on the public pages for them.
    """
    kind, pk = _subject(subject)
    members: list[Any] = []
    if kind == "round":
        rnd = NominationRound.objects.get(pk=pk)
        members += [c.member for c in rnd.candidates.filter(withdrawn=False, member__isnull=False)
                    .select_related("member")]
        if MEMBER_GROUP in rnd.groups and rnd.parliamentary_group_id is not None:
            members += [g.member for g in GroupMembership.objects.filter(
                _active_on(timezone.localdate()), group_id=rnd.parliamentary_group_id).select_related("member")]
        members += [n.member for n in Nomination.objects.filter(round=rnd, withdrawn_at__isnull=True,
                                                                 member__isnull=False).select_related("member")]
    elif kind == "trigger":
        trig = TriggerBallot.objects.select_related("representative_member").get(pk=pk)
        if trig.representative_member is not None:
            members.append(trig.representative_member)
    seen: set[str] = set()
    out = []
    for m in members:
        key = (m.email or "").strip().lower()
        if key and key not in seen and m.status != "suspended":
            seen.add(key)
            out.append((m.name, m.email))
    return out


def _utc(text: str) -> str:
    when = dt.datetime.fromisoformat(text).astimezone(dt.UTC)
    return f"{when:%A} {when.day} {when:%B %Y, %H:%M} UTC"


def timetable_changes(*, details: dict[str, Any]) -> list[tuple[str, str, str]]:
    """An audit entry's timetable changes as (what, was, now), written for people."""
    out = []
    for key, label in TIMETABLE_LABELS.items():
        change = details.get(key)
        if isinstance(change, dict):
            out.append((label, _utc(change["from"]), _utc(change["to"])))
    return out


def timetable_notice(*, entry: Any, site: str = "") -> tuple[str, str]:
    """The subject line and body of the notice of a timetable change (audit entry `entry`)."""
    from django.urls import reverse

    kind, pk = _subject(entry.subject)
    title = entry.details.get("title", "")
    changes = timetable_changes(details=entry.details)
    if kind == "trigger":
        subject_line = f"Deadline changed: the {title}"
        lines = [f"The deadline of the {title} has changed."]
        changes = [("Votes close" if what == "Nominations close" else what, was, now) for what, was, now in changes]
        link = reverse("nominations:trigger", args=[pk])
    else:
        subject_line = f"Nominations timetable changed: {title}"
        lines = [f"The timetable of nominations in {title} has changed."]
        link = reverse("nominations:round", args=[pk])
    lines.append("")
    lines += [f"{what}: {now} (was {was})" for what, was, now in changes]
    lines += ["", f"The officer's reason: {entry.details.get('reason', '')}", "",
              f"Follow it here: {site.rstrip('/')}{link}" if site else f"Follow it on the nominations pages: {link}"]
    return subject_line, "\n".join(lines) + "\n"


def timetable_history(*, subject: str) -> list[Any]:
    """The timetable changes of a round or trigger ballot, latest first, from the audit log."""
    from omov.audit.models import AuditEntry

    actions = ("nominations.round.timetable", "trigger.deadline")
    return list(AuditEntry.objects.filter(subject=subject, action__in=actions).order_by("-position"))


def nomination_subjects_for(user: Any) -> list[str]:
    """The audit subjects a nominations officer reads: every round, trigger ballot, selection and group of theirs
    to run (registered with omov.audit.scopes, so the audit log's admin shows them their timetable changes)."""
    if not (getattr(user, "is_active", False) and user.has_perm("nominations.run_nominations")):
        return []
    return ([f"round:{pk}" for pk in NominationRound.objects.values_list("pk", flat=True)]
            + [f"trigger:{pk}" for pk in TriggerBallot.objects.values_list("pk", flat=True)]
            + [f"selection:{pk}" for pk in OpenSelection.objects.values_list("pk", flat=True)]
            + [f"group:{pk}" for pk in NominatingGroup.objects.values_list("pk", flat=True)])
