"""Every write of nomination rounds, trigger ballots and open selections: keyword-only, one transaction, audited.

A service checks everything before it writes, so a refused request (a NominationError) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from omov.audit.services import actor_name, record
from omov.ballots import services as ballot_services
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot
from omov.core.actors import is_system
from omov.members.models import Member, Organisation, Unit
from omov.members.names import name_problem
from omov.members.permissions import holds_role
from omov.nominations.errors import (
    DuplicateNomination,
    NominationError,
    NotEligible,
    RoundClosed,
    WrongStage,
)
from omov.nominations.models import (
    GROUP_KEYS,
    MEMBER_GROUP,
    UNIT_GROUPS,
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
from omov.nominations.thresholds import RuleError, parse_share, resolve

R = NominationRound.State


RUN_PERMISSION = "nominations.run_nominations"


def is_nominations_officer(actor: Any) -> bool:
    """A trusted caller (a string such as 'cli'), or an active user with the permission to run nominations
    (superusers have every permission). Not every staff user: scrutineers and member-voice officers are staff."""
    if is_system(actor):
        return True
    if not (getattr(actor, "is_authenticated", False) and actor.is_active):
        return False
    # Or appointed nominations officer by an organisation's administrator (omov.members.models.Appointment).
    return bool(actor.has_perm(RUN_PERMISSION) or holds_role(actor=actor, role="nominations_officer"))


def _require_officer(actor: Any) -> None:
    if not is_nominations_officer(actor):
        raise NominationError(
            "only a nominations officer can do that (an administrator gives the permission 'Can run nomination "
            "rounds, trigger ballots and open selections')"
        )


def check_rule(rule: str) -> str:
    """A preset's name or an expression, checked; a NominationError carries the parser's message."""
    rule = rule.strip()
    try:
        resolve(rule)
    except RuleError as exc:
        raise NominationError(f"the ballot-access rule is malformed: {exc}") from None
    return rule


# Nominating groups ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_group(*, organisation: Organisation, code: str, name: str, actor: Any) -> NominatingGroup:
    """A nominating group of members, such as the PLP."""
    _require_officer(actor)
    if NominatingGroup.objects.filter(organisation=organisation, code=code).exists():
        raise NominationError(f"a nominating group with code {code!r} already exists")
    group = NominatingGroup.objects.create(organisation=organisation, code=code, name=name)
    record(actor=actor, action="nominations.group.create", subject=f"group:{group.pk}", details={"code": code})
    return group


@transaction.atomic
def join_group(*, group: NominatingGroup, member: Member, actor: Any, on: dt.date | None = None,
               audit: bool = True) -> GroupMembership:
    """Add a member to a nominating group (or bring a former member back)."""
    _require_officer(actor)
    if member.organisation_id != group.organisation_id:
        raise NominationError("the member belongs to another organisation")
    on = on or timezone.localdate()
    row, created = GroupMembership.objects.get_or_create(group=group, member=member, defaults={"joined_on": on})
    if not created:
        if row.left_on is None:
            raise NominationError(f"{member.name} is already in {group.name}")
        row.joined_on, row.left_on = on, None
        row.save(update_fields=["joined_on", "left_on"])
    if audit:
        record(actor=actor, action="nominations.group.join", subject=f"group:{group.pk}",
               details={"member": member.membership_number, "on": str(on)})
    return row


@transaction.atomic
def leave_group(*, group: NominatingGroup, member: Member, actor: Any, on: dt.date | None = None) -> None:
    """A member leaves the group (e.g. an MP who loses the whip); their standing nominations stop counting."""
    _require_officer(actor)
    row = GroupMembership.objects.filter(group=group, member=member, left_on__isnull=True).first()
    if row is None:
        raise NominationError(f"{member.name} is not in {group.name}")
    row.left_on = on or timezone.localdate()
    row.save(update_fields=["left_on"])
    record(actor=actor, action="nominations.group.leave", subject=f"group:{group.pk}",
           details={"member": member.membership_number, "on": str(row.left_on)})


# Rounds ---------------------------------------------------------------------------------------------------------


def _groups_of(rule: str) -> list[str]:
    from omov.nominations.thresholds import AffiliatesTerm, _leaves

    _, expr = resolve(rule)
    out: list[str] = []
    for leaf in _leaves(expr):
        key = "affiliate" if isinstance(leaf, AffiliatesTerm) else leaf.group
        if key not in out:
            out.append(key)
    return out


def check_round_setup(
    *,
    rule: str,
    groups: Iterable[str] | None,
    parliamentary_group: NominatingGroup | None,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
) -> tuple[str, list[str]]:
    """A round's rule and nominating groups checked together (also used by the admin form, to show errors)."""
    rule = check_rule(rule)
    group_list = list(groups) if groups else _groups_of(rule)
    unknown = [g for g in group_list if g not in GROUP_KEYS]
    if unknown:
        raise NominationError(f"unknown nominating group(s) {', '.join(unknown)}; choose from {', '.join(GROUP_KEYS)}")
    missing = [g for g in _groups_of(rule) if g not in group_list]
    if missing:
        raise NominationError(f"the rule counts nominations from {', '.join(missing)}, who are not allowed to nominate")
    if MEMBER_GROUP in group_list and parliamentary_group is None:
        raise NominationError("the rule counts nominations by `mp`: choose the parliamentary group (e.g. the PLP)")
    if closes_at <= opens_at:
        raise NominationError("nominations must close after they open")
    return rule, group_list


@transaction.atomic
def create_round(
    *,
    organisation: Organisation,
    title: str,
    rule: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    actor: Any,
    groups: Iterable[str] | None = None,
    parliamentary_group: NominatingGroup | None = None,
    scope: Unit | None = None,
    ballot: Ballot | None = None,
) -> NominationRound:
    """A nomination round (draft): its rule, who nominates (default: the groups the rule names) and its period."""
    _require_officer(actor)
    rule, group_list = check_round_setup(rule=rule, groups=groups, parliamentary_group=parliamentary_group,
                                         opens_at=opens_at, closes_at=closes_at)
    if scope is not None and scope.organisation_id != organisation.pk:
        raise NominationError("the round's scope must be a unit of the same organisation")
    rnd = NominationRound.objects.create(
        organisation=organisation, title=title, rule=rule, groups=group_list, parliamentary_group=parliamentary_group,
        scope=scope, ballot=ballot, opens_at=opens_at, closes_at=closes_at,
    )
    record(actor=actor, action="nominations.round.create", subject=f"round:{rnd.pk}",
           details={"title": title, "rule": rule, "groups": group_list, "opens_at": opens_at,
                    "closes_at": closes_at, "ballot": ballot.pk if ballot else None})
    return rnd


def _lock(rnd: NominationRound) -> NominationRound:
    return NominationRound.objects.select_for_update().get(pk=rnd.pk)


@transaction.atomic
def set_rule(*, round: NominationRound, rule: str, actor: Any) -> NominationRound:
    """Change a draft round's rule (a preset's name or an expression, checked by the parser)."""
    _require_officer(actor)
    locked = _lock(round)
    if locked.state != R.DRAFT:
        raise WrongStage(f"the rule of {locked.title!r} is fixed once nominations open (it is {locked.state})")
    rule = check_rule(rule)
    old, locked.rule = locked.rule, rule
    locked.save(update_fields=["rule"])
    round.rule = rule
    record(actor=actor, action="nominations.round.rule", subject=f"round:{locked.pk}",
           details={"from": old, "to": rule})
    return locked


@transaction.atomic
def add_candidate(*, round: NominationRound, name: str, actor: Any, gender: str = "",
                  member: Member | None = None, sitting: bool = False) -> RoundCandidate:
    """Someone who seeks nominations in the round (before it closes)."""
    _require_officer(actor)
    locked = _lock(round)
    if locked.state not in (R.DRAFT, R.OPEN):
        raise WrongStage(f"candidates can be added only before {locked.title!r} closes (it is {locked.state})")
    name = " ".join(name.split())
    if not name:
        raise NominationError("a candidate needs a name")
    if problem := name_problem(name, "the candidate's name"):
        raise NominationError(problem)
    if locked.candidates.filter(name=name).exists():
        raise NominationError(f"{name!r} is already a candidate in this round")
    cand = RoundCandidate.objects.create(round=locked, name=name, gender=gender or (member.gender if member else ""),
                                         member=member, sitting=sitting)
    record(actor=actor, action="nominations.candidate.add", subject=f"round:{locked.pk}",
           details={"name": name, "sitting": sitting})
    return cand


@transaction.atomic
def open_round(*, round: NominationRound, actor: Any) -> NominationRound:
    """draft → open: nominations are taken from `opens_at` until `closes_at`."""
    _require_officer(actor)
    locked = _lock(round)
    if locked.state != R.DRAFT:
        raise WrongStage(f"cannot open {locked.title!r}: it is {locked.state}, only a draft round can be opened")
    if not locked.candidates.exists():
        raise NominationError(f"{locked.title!r} has no candidates yet")
    locked.state = R.OPEN
    locked.save(update_fields=["state"])
    round.state = R.OPEN
    record(actor=actor, action="nominations.round.open", subject=f"round:{locked.pk}", details={})
    return locked


def _require_open(rnd: NominationRound, now: dt.datetime, what: str) -> None:
    if rnd.state != R.OPEN:
        raise RoundClosed(f"cannot {what}: nominations in {rnd.title!r} are not open (the round is {rnd.state})")
    if now < rnd.opens_at:
        raise RoundClosed(f"cannot {what}: nominations in {rnd.title!r} open at {rnd.opens_at:%Y-%m-%d %H:%M} UTC")
    if now >= rnd.closes_at:
        raise RoundClosed(f"cannot {what}: nominations in {rnd.title!r} closed at {rnd.closes_at:%Y-%m-%d %H:%M} UTC")


def _in_scope(rnd: NominationRound, unit: Unit) -> bool:
    if unit.kind == Unit.Kind.AFFILIATE or rnd.scope is None:
        return True
    return unit.path.startswith(rnd.scope.path)


@transaction.atomic
def nominate(
    *,
    round: NominationRound,
    candidate: RoundCandidate,
    actor: Any,
    member: Member | None = None,
    unit: Unit | None = None,
    meeting_date: dt.date | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
) -> Nomination:
    """Record one nomination: by a member of the parliamentary group, or by a unit with its meeting's vote.

    One standing nomination per nominator per round; a unit's nomination needs the meeting's date and vote, and
    the vote must have carried it (more for than against).
    """
    _require_officer(actor)
    locked = _lock(round)
    now = timezone.now()
    _require_open(locked, now, "nominate")
    if candidate.round_id != locked.pk:
        raise NominationError(f"{candidate.name!r} is not a candidate in {locked.title!r}")
    if candidate.withdrawn:
        raise NominationError(f"{candidate.name!r} has withdrawn from {locked.title!r}")
    if (member is None) == (unit is None):
        raise NominationError("a nomination is made by one member or by one unit")
    if member is not None:
        group = MEMBER_GROUP
        if group not in locked.groups or locked.parliamentary_group is None:
            raise NotEligible(f"members do not nominate individually in {locked.title!r}")
        if not GroupMembership.objects.filter(group=locked.parliamentary_group, member=member,
                                              left_on__isnull=True).exists():
            raise NotEligible(f"{member.name} is not a member of {locked.parliamentary_group.name}")
        existing = Nomination.objects.filter(round=locked, member=member, withdrawn_at__isnull=True).first()
        details: dict[str, Any] = {"member": member.membership_number}
    else:
        assert unit is not None
        if unit.organisation_id != locked.organisation_id:
            raise NotEligible(f"{unit.name} is not a unit of {locked.organisation.name}")
        group = next((k for k, kind in UNIT_GROUPS.items() if kind == unit.kind), "")
        if group not in locked.groups:
            raise NotEligible(f"{unit.name} is a {unit.get_kind_display()}, and those do not nominate in "
                              f"{locked.title!r} (nominating: {', '.join(locked.groups)})")
        if not _in_scope(locked, unit):
            raise NotEligible(f"{unit.name} is not within {locked.scope.name if locked.scope else ''}")
        if meeting_date is None or votes_for is None or votes_against is None:
            raise NominationError(f"record {unit.name}'s meeting: its date and the votes for and against")
        if votes_for <= votes_against:
            raise NominationError(f"{unit.name}'s meeting did not carry the nomination ({votes_for} for, "
                                  f"{votes_against} against)")
        if meeting_date > timezone.localdate():
            raise NominationError("the meeting's date is in the future")
        existing = Nomination.objects.filter(round=locked, unit=unit, withdrawn_at__isnull=True).first()
        details = {"unit": unit.code, "meeting_date": str(meeting_date), "for": votes_for,
                   "against": votes_against, "abstentions": abstentions}
    if existing is not None:
        raise DuplicateNomination(
            f"{existing.nominator_label} has already nominated {existing.candidate.name} in {locked.title!r}; "
            "one nomination per nominator (withdraw that one first)"
        )
    try:
        with transaction.atomic():
            nom = Nomination.objects.create(
                round=locked, candidate=candidate, group=group, member=member, unit=unit, made_at=now,
                made_by=actor_name(actor), meeting_date=meeting_date, votes_for=votes_for,
                votes_against=votes_against, abstentions=abstentions,
            )
    except IntegrityError:  # a concurrent nomination by the same nominator won the race
        raise DuplicateNomination("this nominator has already nominated in this round") from None
    record(actor=actor, action="nominations.nominate", subject=f"round:{locked.pk}",
           details={"candidate": candidate.name, "group": group, **details})
    return nom


@transaction.atomic
def withdraw_nomination(*, nomination: Nomination, actor: Any, reason: str = "") -> Nomination:
    """Withdraw a nomination before the round closes; the row stays, marked withdrawn, and is audited."""
    _require_officer(actor)
    locked = _lock(nomination.round)
    now = timezone.now()
    _require_open(locked, now, "withdraw a nomination")
    nom = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nom.withdrawn_at is not None:
        raise NominationError("this nomination has already been withdrawn")
    nom.withdrawn_at, nom.withdrawal_reason = now, reason
    nom.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    nomination.withdrawn_at = now
    record(actor=actor, action="nominations.withdraw", subject=f"round:{locked.pk}",
           details={"candidate": nom.candidate.name, "nominator": nom.nominator_label, "reason": reason})
    return nom


@transaction.atomic
def withdraw_candidate(*, candidate: RoundCandidate, actor: Any) -> RoundCandidate:
    """A candidate withdraws before the close; their nominations stop counting, and nominators are freed."""
    _require_officer(actor)
    locked = _lock(candidate.round)
    _require_open(locked, timezone.now(), "withdraw a candidate")
    now = timezone.now()
    Nomination.objects.filter(candidate=candidate, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawal_reason="the candidate withdrew")
    RoundCandidate.objects.filter(pk=candidate.pk).update(withdrawn=True)
    candidate.withdrawn = True
    record(actor=actor, action="nominations.candidate.withdraw", subject=f"round:{locked.pk}",
           details={"name": candidate.name})
    return candidate


@transaction.atomic
def close_round(*, round: NominationRound, actor: Any) -> NominationRound:
    """open → closed: freeze the group sizes and every candidate's evaluation, with its working, in the record.

    The officer may close early only by moving `closes_at`; closing before it is refused so that no nominator
    loses time they were promised.
    """
    from omov.nominations.selectors import tracker

    _require_officer(actor)
    locked = _lock(round)
    now = timezone.now()
    if locked.state != R.OPEN:
        raise WrongStage(f"cannot close {locked.title!r}: it is {locked.state}")
    if now < locked.closes_at:
        raise WrongStage(f"nominations in {locked.title!r} run until {locked.closes_at:%Y-%m-%d %H:%M} UTC")
    # Judged as at the advertised close, even if the officer closes it later (a departure in between is ignored).
    board = tracker(round=locked, as_of=locked.closes_at)
    locked.closing_record = board.as_record()
    locked.state = R.CLOSED
    locked.save(update_fields=["closing_record", "state"])
    round.state, round.closing_record = R.CLOSED, locked.closing_record
    record(actor=actor, action="nominations.round.close", subject=f"round:{locked.pk}", details=locked.closing_record)
    return locked


@transaction.atomic
def confirm_qualified(*, round: NominationRound, actor: Any) -> list[str]:
    """closed → confirmed: the officer confirms; the candidates who met the rule at the close go onto the ballot.

    Uses the ballot services (the ballot must be a draft); returns the names added.
    """
    _require_officer(actor)
    locked = _lock(round)
    if locked.state != R.CLOSED:
        raise WrongStage(f"cannot confirm {locked.title!r}: it is {locked.state}; close the round first")
    qualified = [c["candidate"] for c in locked.closing_record.get("candidates", []) if c["qualified"]]
    if locked.ballot_id is not None:
        ballot = locked.ballot
        assert ballot is not None
        on_ballot = set(ballot.candidates.values_list("name", flat=True))
        by_name = {c.name: c for c in locked.candidates.all()}
        try:
            for name in qualified:
                if name not in on_ballot:
                    c = by_name[name]
                    ballot_services.add_candidate(ballot=ballot, actor=actor, name=name, gender=c.gender,
                                                  member=c.member)
        except BallotError as exc:
            raise NominationError(f"the candidates cannot go onto {ballot.title!r}: {exc}") from None
    locked.state = R.CONFIRMED
    locked.save(update_fields=["state"])
    round.state = R.CONFIRMED
    record(actor=actor, action="nominations.round.confirm", subject=f"round:{locked.pk}",
           details={"qualified": qualified, "ballot": locked.ballot_id})
    return qualified


# Trigger ballots ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_trigger_ballot(
    *,
    constituency: Unit,
    representative: str,
    closes_at: dt.datetime,
    actor: Any,
    affiliates: Iterable[Unit] = (),
    share: str = "1/3",
    base: str = "voting",
    representative_member: Member | None = None,
    representative_gender: str = "",
) -> TriggerBallot:
    """A trigger ballot for a sitting representative; `share` of either group voting to open fires it.

    Default one third, of the units that vote: Labour Rule Book ch. 5, clause IV.5.B as amended by the 2018
    conference ("either one third or more of Party branches, or one third or more of affiliated branches"), and
    an NEC FAQ to MPs as reported (the third "is calculated based only on the branches that do cast a vote").
    """
    _require_officer(actor)
    if constituency.kind != Unit.Kind.CONSTITUENCY:
        raise NominationError(f"{constituency.name} is not a constituency")
    parse_share(share)
    if base not in TriggerBallot.Base.values:
        raise NominationError(f"base is one of {', '.join(TriggerBallot.Base.values)}")
    affs = list(affiliates)
    bad = [a.name for a in affs if a.kind != Unit.Kind.AFFILIATE or a.organisation_id != constituency.organisation_id]
    if bad:
        raise NominationError(f"not affiliates of this organisation: {', '.join(bad)}")
    trig = TriggerBallot.objects.create(
        organisation=constituency.organisation, constituency=constituency, representative=representative,
        representative_member=representative_member,
        representative_gender=representative_gender or (representative_member.gender if representative_member else ""),
        share=share, base=base, closes_at=closes_at,
    )
    trig.affiliates.set(affs)
    record(actor=actor, action="trigger.create", subject=f"trigger:{trig.pk}",
           details={"constituency": constituency.code, "representative": representative, "share": share,
                    "base": base, "affiliates": [a.code for a in affs]})
    return trig


@transaction.atomic
def record_trigger_vote(
    *,
    trigger: TriggerBallot,
    unit: Unit,
    choice: str,
    actor: Any,
    votes_reselect: int | None = None,
    votes_open: int | None = None,
    abstentions: int | None = None,
    meeting_date: dt.date | None = None,
) -> TriggerVote:
    """A branch's or affiliate's vote (reselect / open), with its meeting's numbers where it held one."""
    from omov.members.selectors import units_under

    _require_officer(actor)
    trig = TriggerBallot.objects.select_for_update().get(pk=trigger.pk)
    if trig.outcome or timezone.now() >= trig.closes_at:
        raise RoundClosed(f"the trigger ballot for {trig.representative} has closed")
    if choice not in TriggerVote.Choice.values:
        raise NominationError(f"a trigger ballot vote is reselect or open, not {choice!r}")
    is_branch = unit.kind == Unit.Kind.BRANCH and units_under(units=[trig.constituency]).filter(pk=unit.pk).exists()
    is_affiliate = trig.affiliates.filter(pk=unit.pk).exists()
    if not (is_branch or is_affiliate):
        raise NotEligible(f"{unit.name} is neither a branch of {trig.constituency.name} nor one of its affiliates")
    if votes_reselect is not None and votes_open is not None:
        carried = "open" if votes_open > votes_reselect else "reselect" if votes_reselect > votes_open else ""
        if carried and carried != choice:
            raise NominationError(f"{unit.name}'s meeting voted {votes_open} to open, {votes_reselect} to reselect: "
                                  f"that is {carried}, not {choice}")
    if TriggerVote.objects.filter(trigger=trig, unit=unit).exists():
        raise DuplicateNomination(f"{unit.name} has already voted in this trigger ballot")
    vote = TriggerVote.objects.create(
        trigger=trig, unit=unit, choice=choice, votes_reselect=votes_reselect, votes_open=votes_open,
        abstentions=abstentions, meeting_date=meeting_date, recorded_at=timezone.now(), recorded_by=actor_name(actor),
    )
    record(actor=actor, action="trigger.vote", subject=f"trigger:{trig.pk}",
           details={"unit": unit.code, "group": "branch" if is_branch else "affiliate", "choice": choice,
                    "reselect": votes_reselect, "open": votes_open, "abstentions": abstentions,
                    "meeting_date": str(meeting_date) if meeting_date else None})
    return vote


@transaction.atomic
def decide_trigger(
    *, trigger: TriggerBallot, actor: Any, opens_at: dt.datetime | None = None, closes_at: dt.datetime | None = None
) -> TriggerBallot:
    """After the close: the outcome, with its working, audited; an open selection starts if it fired."""
    from omov.nominations.selectors import trigger_state

    _require_officer(actor)
    trig = TriggerBallot.objects.select_for_update().get(pk=trigger.pk)
    if trig.outcome:
        raise WrongStage(f"the trigger ballot for {trig.representative} was decided already ({trig.outcome})")
    now = timezone.now()
    if now < trig.closes_at:
        raise WrongStage(f"the trigger ballot runs until {trig.closes_at:%Y-%m-%d %H:%M} UTC")
    state = trigger_state(trigger=trig)
    trig.outcome = TriggerBallot.Outcome.OPEN_SELECTION if state.fired else TriggerBallot.Outcome.RESELECTED
    trig.decided_at = now
    trig.decision_record = state.as_record()
    trig.save(update_fields=["outcome", "decided_at", "decision_record"])
    trigger.outcome, trigger.decided_at, trigger.decision_record = trig.outcome, now, trig.decision_record
    record(actor=actor, action="trigger.decide", subject=f"trigger:{trig.pk}",
           details={"outcome": trig.outcome, **trig.decision_record})
    if state.fired:
        start_selection(
            constituency=trig.constituency, actor=actor, trigger=trig,
            title=f"Selection: {trig.constituency.name}",
            opens_at=opens_at or now, closes_at=closes_at or now + dt.timedelta(days=21),
        )
    return trig


# Open selections --------------------------------------------------------------------------------------------------

SELECTION_RULE = "branch >= 1 or affiliate >= 1"


@transaction.atomic
def start_selection(
    *,
    constituency: Unit,
    actor: Any,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    trigger: TriggerBallot | None = None,
    rule: str = SELECTION_RULE,
    women_share: str = "1/2",
    women_genders: Iterable[str] = ("woman", "female", "f"),
) -> OpenSelection:
    """An open selection: a nomination round of the constituency's branches and its affiliates, opened now.

    The sitting representative of a trigger ballot is a candidate from the start and goes onto the shortlist
    (Labour Rule Book ch. 5, clause IV.5.B, 2018: "The MP shall be included in the shortlist").
    """
    _require_officer(actor)
    if constituency.kind != Unit.Kind.CONSTITUENCY:
        raise NominationError(f"{constituency.name} is not a constituency")
    parse_share(women_share)
    rnd = create_round(organisation=constituency.organisation, title=f"{title}: nominations", rule=rule,
                       groups=["branch", "affiliate"], scope=constituency, opens_at=opens_at, closes_at=closes_at,
                       actor=actor)
    sel = OpenSelection.objects.create(
        organisation=constituency.organisation, constituency=constituency, title=title, trigger=trigger, round=rnd,
        women_share=women_share, women_genders=[g.lower() for g in women_genders],
    )
    record(actor=actor, action="selection.start", subject=f"selection:{sel.pk}",
           details={"constituency": constituency.code, "round": rnd.pk, "trigger": trigger.pk if trigger else None,
                    "women_share": women_share})
    if trigger is not None:
        add_candidate(round=rnd, name=trigger.representative, actor=actor, gender=trigger.representative_gender,
                      member=trigger.representative_member, sitting=True)
        open_round(round=rnd, actor=actor)
    return sel


def _stage(sel: OpenSelection, *allowed: str, what: str) -> OpenSelection:
    locked = OpenSelection.objects.select_for_update().get(pk=sel.pk)
    if locked.stage not in allowed:
        raise WrongStage(f"cannot {what}: {locked.title!r} is at the {locked.stage} stage")
    return locked


def _move(sel: OpenSelection, locked: OpenSelection, to: str, actor: Any, **details: Any) -> None:
    old, locked.stage = locked.stage, to
    locked.save(update_fields=["stage"])
    sel.stage = to
    record(actor=actor, action=f"selection.{to}", subject=f"selection:{locked.pk}",
           details={"from": old, "to": to, **details})


@transaction.atomic
def draw_longlist(*, selection: OpenSelection, actor: Any) -> list[str]:
    """nominations → longlist: the candidates who met the nomination rule at the close (and the sitting MP)."""
    _require_officer(actor)
    locked = _stage(selection, OpenSelection.Stage.NOMINATIONS, what="draw the longlist")
    rnd = locked.round
    if rnd.state == R.OPEN:
        close_round(round=rnd, actor=actor)
        rnd.refresh_from_db()
    if rnd.state != R.CLOSED:
        raise WrongStage(f"the nominations of {locked.title!r} are {rnd.state}")
    qualified = {c["candidate"] for c in rnd.closing_record.get("candidates", []) if c["qualified"]}
    names = []
    for cand in rnd.candidates.filter(withdrawn=False):
        if cand.name in qualified or cand.sitting:
            RoundCandidate.objects.filter(pk=cand.pk).update(longlisted=True)
            names.append(cand.name)
    confirm_qualified(round=rnd, actor=actor)
    _move(selection, locked, OpenSelection.Stage.LONGLIST, actor, longlist=names)
    return names


def shortlist_balance(*, selection: OpenSelection, names: Iterable[str]) -> tuple[bool, str]:
    """Whether a shortlist meets the selection's gender-balance rule, and the working.

    At least `women_share` of the shortlist (rounded up) are women, or, when fewer women are on the longlist,
    all the women on the longlist ("when enough stand").
    """
    share = parse_share(selection.women_share)
    chosen = list(names)
    genders = {c.name: c.gender.strip().lower() for c in selection.round.candidates.filter(longlisted=True)}
    women_set = set(selection.women_genders or ["woman"])
    women_on_shortlist = sum(1 for n in chosen if genders.get(n) in women_set)
    women_on_longlist = sum(1 for g in genders.values() if g in women_set)
    by_share = math.ceil(share * len(chosen))
    need = min(by_share, women_on_longlist)
    working = (f"{women_on_shortlist} women of {len(chosen)} shortlisted; {selection.women_share} of {len(chosen)} "
               f"is {float(share * len(chosen)):g}, rounded up to {by_share}")
    if women_on_longlist < by_share:
        working += f"; only {women_on_longlist} women on the longlist, so {need} needed"
    return women_on_shortlist >= need, working


@transaction.atomic
def set_shortlist(*, selection: OpenSelection, names: Iterable[str], actor: Any) -> str:
    """longlist → shortlist: choose from the longlist; the sitting MP stays on; the gender-balance rule holds."""
    _require_officer(actor)
    locked = _stage(selection, OpenSelection.Stage.LONGLIST, what="set the shortlist")
    chosen = list(dict.fromkeys(" ".join(n.split()) for n in names))
    longlist = {c.name: c for c in locked.round.candidates.filter(longlisted=True)}
    unknown = [n for n in chosen if n not in longlist]
    if unknown:
        raise NominationError(f"not on the longlist: {', '.join(unknown)}")
    if not chosen:
        raise NominationError("the shortlist needs at least one candidate")
    sitting = [n for n, c in longlist.items() if c.sitting and n not in chosen]
    if sitting:
        raise NominationError(f"the sitting representative ({', '.join(sitting)}) must be on the shortlist "
                              "(Rule Book ch. 5, clause IV.5.B)")
    ok, working = shortlist_balance(selection=locked, names=chosen)
    if not ok:
        raise NominationError(f"the shortlist does not meet the gender-balance rule: {working}")
    RoundCandidate.objects.filter(round=locked.round, name__in=chosen).update(shortlisted=True)
    _move(selection, locked, OpenSelection.Stage.SHORTLIST, actor, shortlist=chosen, balance=working)
    return working


@transaction.atomic
def add_hustings(*, selection: OpenSelection, starts_at: dt.datetime, place: str, actor: Any) -> Hustings:
    """shortlist/hustings: a hustings meeting (date, place); the first moves the selection to hustings."""
    _require_officer(actor)
    locked = _stage(selection, OpenSelection.Stage.SHORTLIST, OpenSelection.Stage.HUSTINGS, what="add hustings")
    if not place.strip():
        raise NominationError("say where the hustings is held")
    h = Hustings.objects.create(selection=locked, starts_at=starts_at, place=place.strip())
    if locked.stage == OpenSelection.Stage.SHORTLIST:
        _move(selection, locked, OpenSelection.Stage.HUSTINGS, actor, starts_at=starts_at, place=place)
    else:
        record(actor=actor, action="selection.hustings", subject=f"selection:{locked.pk}",
               details={"starts_at": starts_at, "place": place})
    return h


@transaction.atomic
def start_selection_ballot(
    *,
    selection: OpenSelection,
    actor: Any,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    freeze_date: dt.date | None = None,
    returning_officers: Iterable[Any] = (),
) -> Ballot:
    """hustings → ballot: an ordinary omov ballot (IRV) of the constituency's eligible members, made ready.

    Made by the ballot services (create_ballot, set_electorate, add_candidate, mark_ready); the returning
    officers then open, close, count and publish it like any other ballot.
    """
    _require_officer(actor)
    locked = _stage(selection, OpenSelection.Stage.HUSTINGS, what="start the members' ballot")
    shortlist = list(locked.round.candidates.filter(shortlisted=True).order_by("name"))
    officers = list(returning_officers) or ([] if is_system(actor) else [actor])
    try:
        ballot = ballot_services.create_ballot(
            organisation=locked.organisation, title=locked.title, method="irv", actor=actor, opens_at=opens_at,
            closes_at=closes_at, returning_officers=officers, electorate_units=[locked.constituency],
            description=f"Selection of the candidate for {locked.constituency.name}; preferential (IRV).",
        )
        ballot_actor = officers[0] if officers else actor
        ballot_services.set_electorate(ballot=ballot, actor=ballot_actor, units=[locked.constituency],
                                       freeze_date=freeze_date)
        for cand in shortlist:
            ballot_services.add_candidate(ballot=ballot, actor=ballot_actor, name=cand.name, gender=cand.gender,
                                          member=cand.member)
        ballot_services.mark_ready(ballot=ballot, actor=ballot_actor)
    except BallotError as exc:
        raise NominationError(f"the members' ballot cannot be set up: {exc}") from None
    OpenSelection.objects.filter(pk=locked.pk).update(ballot=ballot)
    selection.ballot = ballot
    _move(selection, locked, OpenSelection.Stage.BALLOT, actor, ballot=ballot.pk,
          candidates=[c.name for c in shortlist])
    return ballot


@transaction.atomic
def publish_selection(*, selection: OpenSelection, actor: Any) -> str:
    """ballot → published: the winner of the published members' ballot is recorded as the selected candidate."""
    _require_officer(actor)
    locked = _stage(selection, OpenSelection.Stage.BALLOT, what="publish the selection")
    ballot = locked.ballot
    assert ballot is not None
    ballot.refresh_from_db()
    if ballot.state != Ballot.State.PUBLISHED:
        raise WrongStage(f"the members' ballot is {ballot.state}; publish its result first")
    elected = list(ballot.result.elected)
    if len(elected) != 1:
        raise NominationError(f"the members' ballot elected {len(elected)} candidates; expected one")
    now = timezone.now()
    OpenSelection.objects.filter(pk=locked.pk).update(selected=elected[0], published_at=now)
    selection.selected, selection.published_at = elected[0], now
    _move(selection, locked, OpenSelection.Stage.PUBLISHED, actor, selected=elected[0], ballot=ballot.pk,
          papers=ballot.result.papers)
    return elected[0]


# Timetables -------------------------------------------------------------------------------------------------------
#
# A deadline is a promise to nominators, so it moves only through these services: an officer, a reason, an audit
# entry with the old and new times, and a notice to those the models know are affected (sent by a background job,
# so a slow mail server never holds the officer's request). Once the promised time has passed, or the round is
# closed or the trigger ballot decided, nothing moves: the officer closes or decides it instead.

TIMETABLE_ACTIONS = ("nominations.round.timetable", "trigger.deadline", "selection.timetable")
NOTICE_TASK = "omov.nominations.send_timetable_notice"


def _when(value: dt.datetime) -> str:
    return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise NominationError("say why the timetable changes: the reason goes into the audit log and the notice "
                              "to those affected")
    if len(text) > 500:
        raise NominationError(f"the reason is {len(text)} characters long; keep it under 500")
    return text


def _aware(value: dt.datetime, what: str) -> dt.datetime:
    if timezone.is_naive(value):
        raise NominationError(f"{what} needs a time zone (the pages send UTC)")
    return value


def _check_deadline(*, closes_at: dt.datetime, opens_at: dt.datetime | None, now: dt.datetime) -> None:
    if closes_at <= now:
        raise NominationError(f"the new deadline ({_when(closes_at)}) is in the past: choose a time after "
                              f"{_when(now)}")
    if opens_at is not None and closes_at <= opens_at:
        raise NominationError(f"the deadline ({_when(closes_at)}) must come after nominations open "
                              f"({_when(opens_at)})")


def _notify_later(*, entry: Any, actor: Any) -> None:
    """Queue the notice of a timetable change (the job reads what changed from the audit entry)."""
    from omov.audit.services import create_job
    from omov.core.jobs import enqueue

    job = create_job(kind="timetable-notice", subject=entry.subject, created_by=actor)
    enqueue(NOTICE_TASK, str(job.pk), entry.pk, actor_name(actor))


def _changed(old: dt.datetime, new: dt.datetime) -> dict[str, str]:
    return {"from": old.isoformat(), "to": new.isoformat()}


@transaction.atomic
def change_round_timetable(
    *, round: NominationRound, closes_at: dt.datetime, actor: Any, reason: str, opens_at: dt.datetime | None = None
) -> NominationRound:
    """Move a round's deadline (and, before nominations open, its opening); audited, and those affected told.

    Refused once the round is closed, once its deadline has passed, for a deadline in the past or before the
    opening, and for an opening moved after nominations opened (nominations made then would be out of time).
    """
    _require_officer(actor)
    reason = _reason(reason)
    _aware(closes_at, "the deadline")
    locked = _lock(round)
    now = timezone.now()
    if locked.state not in (R.DRAFT, R.OPEN):
        raise WrongStage(f"the timetable of {locked.title!r} can no longer change: nominations are {locked.state} "
                         f"(they closed at {_when(locked.closes_at)})")
    if now >= locked.closes_at:
        raise WrongStage(f"nominations in {locked.title!r} closed at {_when(locked.closes_at)}; a deadline that has "
                         "passed cannot be moved (close the round instead)")
    new_open = locked.opens_at if opens_at is None else _aware(opens_at, "the opening")
    if new_open != locked.opens_at:
        if locked.state == R.OPEN and now >= locked.opens_at:
            raise WrongStage(f"nominations in {locked.title!r} opened at {_when(locked.opens_at)}; once they have "
                             "opened only the deadline can move")
        if new_open < now:
            raise NominationError(f"the new opening ({_when(new_open)}) is in the past: choose a time after "
                                  f"{_when(now)}")
    _check_deadline(closes_at=closes_at, opens_at=new_open, now=now)
    if new_open == locked.opens_at and closes_at == locked.closes_at:
        raise NominationError(f"nothing to change: nominations already close at {_when(closes_at)}")
    ballot = locked.ballot
    if ballot is not None and ballot.opens_at is not None and closes_at > ballot.opens_at:
        raise NominationError(f"nominations would close after the ballot {ballot.title!r} opens "
                              f"({_when(ballot.opens_at)}); move the ballot's opening first")
    changes: dict[str, Any] = {}
    if new_open != locked.opens_at:
        changes["opens_at"] = _changed(locked.opens_at, new_open)
    if closes_at != locked.closes_at:
        changes["closes_at"] = _changed(locked.closes_at, closes_at)
    locked.opens_at, locked.closes_at = new_open, closes_at
    locked.save(update_fields=["opens_at", "closes_at"])
    round.opens_at, round.closes_at = new_open, closes_at
    entry = record(actor=actor, action="nominations.round.timetable", subject=f"round:{locked.pk}",
                   details={**changes, "reason": reason, "title": locked.title})
    _notify_later(entry=entry, actor=actor)
    return locked


@transaction.atomic
def change_trigger_deadline(
    *, trigger: TriggerBallot, closes_at: dt.datetime, actor: Any, reason: str
) -> TriggerBallot:
    """Move a trigger ballot's deadline before it passes; audited, and the representative told."""
    _require_officer(actor)
    reason = _reason(reason)
    _aware(closes_at, "the deadline")
    trig = TriggerBallot.objects.select_for_update().get(pk=trigger.pk)
    now = timezone.now()
    if trig.outcome:
        raise WrongStage(f"the trigger ballot for {trig.representative} was decided ({trig.get_outcome_display()}); "
                         "its deadline can no longer change")
    if now >= trig.closes_at:
        raise WrongStage(f"the trigger ballot for {trig.representative} closed at {_when(trig.closes_at)}; a "
                         "deadline that has passed cannot be moved (decide the ballot instead)")
    _check_deadline(closes_at=closes_at, opens_at=None, now=now)
    if closes_at == trig.closes_at:
        raise NominationError(f"nothing to change: the trigger ballot already closes at {_when(closes_at)}")
    changes = {"closes_at": _changed(trig.closes_at, closes_at)}
    trig.closes_at = closes_at
    trig.save(update_fields=["closes_at"])
    trigger.closes_at = closes_at
    entry = record(actor=actor, action="trigger.deadline", subject=f"trigger:{trig.pk}",
                   details={**changes, "reason": reason,
                            "title": f"trigger ballot for {trig.representative} ({trig.constituency.name})"})
    _notify_later(entry=entry, actor=actor)
    return trig


@transaction.atomic
def change_selection_timetable(
    *, selection: OpenSelection, closes_at: dt.datetime, actor: Any, reason: str,
    opens_at: dt.datetime | None = None,
) -> OpenSelection:
    """Move the nominations period of an open selection (its only timetable of its own) while nominations run.

    The hustings are meetings, each with its own date; the members' ballot is an ordinary ballot, whose dates its
    returning officers change.
    """
    _require_officer(actor)
    locked = _stage(selection, OpenSelection.Stage.NOMINATIONS, what="change the nominations timetable")
    rnd = change_round_timetable(round=locked.round, closes_at=closes_at, opens_at=opens_at, actor=actor,
                                 reason=reason)
    record(actor=actor, action="selection.timetable", subject=f"selection:{locked.pk}",
           details={"round": rnd.pk, "opens_at": rnd.opens_at, "closes_at": rnd.closes_at, "reason": _reason(reason)})
    return locked


def send_timetable_notice(*, entry_id: int, actor: Any) -> int:
    """Email each person affected by the timetable change of audit entry `entry_id`; audited; how many were sent.

    Each message goes to one address (no one sees who else was told). A failure is raised to the job, which
    reports it; the change itself stands.
    """
    from django.conf import settings
    from django.core import mail

    from omov.audit.models import AuditEntry
    from omov.nominations.selectors import timetable_notice, timetable_recipients

    _require_officer(actor)
    entry = AuditEntry.objects.get(pk=entry_id, action__in=TIMETABLE_ACTIONS)
    recipients = timetable_recipients(subject=entry.subject)
    subject_line, body = timetable_notice(entry=entry, site=getattr(settings, "SITE_URL", "") or "")
    connection = mail.get_connection()
    messages = [mail.EmailMessage(subject=subject_line, body=f"Dear {name},\n\n{body}", to=[address],
                                  connection=connection) for name, address in recipients]
    sent = connection.send_messages(messages) if messages else 0
    record(actor=actor, action="nominations.timetable.notice", subject=entry.subject,
           details={"entry": entry.position, "sent": sent or 0})
    return sent or 0
