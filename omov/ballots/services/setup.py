"""Setting a ballot up while it is a draft: its details, candidates, balance rules, electorate and officers;
marking it ready."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from omov.audit.services import actor_name, record
from omov.ballots.errors import (
    BallotError,
    IllegalTransition,
    NotAllowed,
    NotReady,
)
from omov.ballots.models import (
    METHOD_CHOICES,
    BalanceRule,
    Ballot,
    Candidate,
)
from omov.ballots.permissions import electorate_allowed, is_officer, may_create_ballot
from omov.ballots.selectors import readiness_problems
from omov.ballots.services._common import S, _lock, _move, _require_officer
from omov.core.actors import is_system, is_user
from omov.members.models import Appointment, Member, Organisation, Unit
from omov.members.permissions import holds_role, is_org_admin, organisation_wide, units_run_by

RO = Appointment.Role.RETURNING_OFFICER

EDITABLE_FIELDS = {
    "title",
    "description",
    "method",
    "options",
    "seats",
    "max_choices",
    "allow_empty",
    "opens_at",
    "closes_at",
    "count_when_closed",
    "electorate_statuses",
    "freeze_date",
    "allow_arrears",
    "supporters_allowed",
    "seed",
}


def _check_method(method: str, options: dict[str, Any] | None) -> None:
    from omov.count import CountError, preset

    if method not in dict(METHOD_CHOICES):
        raise BallotError(f"unknown counting method {method!r}; choose one of: {', '.join(dict(METHOD_CHOICES))}")
    try:
        preset(method).with_(**(options or {}))
    except (CountError, TypeError) as exc:
        raise BallotError(f"the options do not fit the {method} rule: {exc}") from None


def check_timetable(opens_at: dt.datetime | None, closes_at: dt.datetime | None) -> None:
    """A ballot must close after it opens (the scheduler opens and closes it at these times)."""
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise BallotError(
            f"a ballot must close after it opens: it opens at {opens_at:%Y-%m-%d %H:%M} and closes at "
            f"{closes_at:%Y-%m-%d %H:%M}"
        )


@transaction.atomic
def create_ballot(
    *,
    organisation: Organisation,
    title: str,
    method: str,
    seats: int = 1,
    actor: Any,
    options: dict[str, Any] | None = None,
    description: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    count_when_closed: bool = False,
    max_choices: int | None = None,
    allow_empty: bool = False,
    returning_officers: Iterable[Any] = (),
    electorate_units: Iterable[Unit] = (),
) -> Ballot:
    """A new draft ballot, run from here by its returning officers.

    An administrator (a superuser, an organisation administrator, a trusted caller) may create any ballot; a
    returning officer appointed for some units may create one whose electorate lies within them (by default all
    of their units), and is made its returning officer."""
    if not may_create_ballot(actor=actor, organisation=organisation):
        raise NotAllowed(
            f"only an administrator of {organisation.name}, or a returning officer appointed for some of its units, "
            "can create a ballot"
        )
    units = list(electorate_units)
    by_appointment = is_user(actor) and not actor.is_superuser and not is_org_admin(
        actor=actor, organisation=organisation
    )
    if by_appointment and not organisation_wide(actor=actor, role=RO, organisation=organisation):
        mine = [a.unit for a in Appointment.objects.filter(user=actor, organisation=organisation, role=RO)]
        units = units or [u for u in mine if u is not None]
        reach = set(units_run_by(actor=actor, role=RO, organisation=organisation).values_list("pk", flat=True))
        if any(u.pk not in reach for u in units):
            raise NotAllowed("you can only create ballots for the units you are returning officer of")
    if any(u.organisation_id != organisation.pk for u in units):
        raise BallotError("every unit of the electorate must belong to the ballot's organisation")
    _check_method(method, options)
    check_timetable(opens_at, closes_at)
    if seats < 1:
        raise BallotError("a ballot needs at least one seat")
    ballot = Ballot.objects.create(
        organisation=organisation,
        title=title,
        description=description,
        method=method,
        options=options or {},
        seats=seats,
        opens_at=opens_at,
        closes_at=closes_at,
        count_when_closed=count_when_closed,
        max_choices=max_choices,
        allow_empty=allow_empty,
        electorate_statuses=["active"],
    )
    officers = list(returning_officers)
    if by_appointment and actor not in officers:
        officers.append(actor)
    if officers:
        ballot.returning_officers.add(*officers)
    if units:
        ballot.electorate_units.set(units)
    record(
        actor=actor,
        action="ballot.create",
        subject=f"ballot:{ballot.pk}",
        details={
            "title": title, "method": method, "seats": seats, "officers": [actor_name(u) for u in officers],
            **({"units": [u.code for u in units]} if units else {}),
        },
    )
    return ballot


def _require_draft(ballot: Ballot, what: str) -> Ballot:
    locked = _lock(ballot)
    if locked.state != S.DRAFT:
        raise IllegalTransition(f"cannot {what}: {locked.title!r} is {locked.state}; only a draft ballot can change")
    return locked


@transaction.atomic
def update_ballot(*, ballot: Ballot, actor: Any, **changes: Any) -> Ballot:
    """Change a draft ballot's details (title, method, options, seats, timetable, electorate rule, ...)."""
    _require_officer(actor, ballot)
    locked = _require_draft(ballot, "change the ballot")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise BallotError(f"these cannot be changed this way: {', '.join(sorted(unknown))}")
    if "method" in changes or "options" in changes:
        _check_method(changes.get("method", locked.method), changes.get("options", locked.options))
    if "opens_at" in changes or "closes_at" in changes:
        check_timetable(changes.get("opens_at", locked.opens_at), changes.get("closes_at", locked.closes_at))
    for key, value in changes.items():
        setattr(locked, key, value)
        setattr(ballot, key, value)
    locked.save()
    record(
        actor=actor,
        action="ballot.update",
        subject=f"ballot:{locked.pk}",
        details={k: str(v) for k, v in changes.items()},
    )
    return locked


@transaction.atomic
def set_electorate(
    *,
    ballot: Ballot,
    actor: Any,
    units: Iterable[Unit] = (),
    statuses: Iterable[str] = ("active",),
    freeze_date: dt.date | None = None,
    allow_arrears: bool = False,
    supporters_allowed: bool = False,
) -> Ballot:
    """Who may vote: members of these units (and units below; none: everyone) with these statuses, joined on or
    before the freeze date, not in arrears unless allowed, supporters only if allowed."""
    _require_officer(actor, ballot)
    locked = _require_draft(ballot, "change the electorate")
    units = list(units)
    statuses = list(statuses)
    bad = [s for s in statuses if s not in Member.Status.values]
    if bad or not statuses:
        raise BallotError(f"statuses must be some of {', '.join(Member.Status.values)} (got {statuses})")
    if any(u.organisation_id != locked.organisation_id for u in units):
        raise BallotError("every unit of the electorate must belong to the ballot's organisation")
    if not electorate_allowed(actor=actor, ballot=locked, units=units):
        raise NotAllowed(
            "you can only give a ballot an electorate within the units you are returning officer of"
            + ("" if units else " (no units would mean the whole organisation)")
        )
    locked.electorate_statuses = statuses
    locked.freeze_date = freeze_date
    locked.allow_arrears = allow_arrears
    locked.supporters_allowed = supporters_allowed
    locked.save()
    locked.electorate_units.set(units)
    ballot.refresh_from_db()
    record(
        actor=actor,
        action="ballot.electorate",
        subject=f"ballot:{locked.pk}",
        details={
            "units": [u.code for u in units],
            "statuses": statuses,
            "freeze_date": str(freeze_date) if freeze_date else None,
            "allow_arrears": allow_arrears,
            "supporters_allowed": supporters_allowed,
        },
    )
    return locked


@transaction.atomic
def add_candidate(
    *, ballot: Ballot, actor: Any, name: str, statement: str = "", gender: str = "", member: Member | None = None
) -> Candidate:
    """Add a candidate (or option) at the end of the paper."""
    _require_officer(actor, ballot)
    locked = _require_draft(ballot, "add a candidate")
    name = " ".join(name.split())
    if not name:
        raise BallotError("a candidate needs a name")
    if locked.candidates.filter(name=name).exists():
        raise BallotError(f"there is already a candidate called {name!r} on this ballot")
    number = locked.candidates.count() + 1
    cand = Candidate.objects.create(
        ballot=locked,
        number=number,
        name=name,
        statement=statement,
        gender=gender or (member.gender if member else ""),
        member=member,
    )
    record(actor=actor, action="candidate.add", subject=f"ballot:{locked.pk}", details={"name": name, "number": number})
    return cand


@transaction.atomic
def update_candidate(*, candidate: Candidate, actor: Any, **changes: Any) -> Candidate:
    """Change a candidate's name, statement or gender while the ballot is a draft."""
    _require_officer(actor, candidate.ballot)
    _require_draft(candidate.ballot, "change a candidate")
    allowed = {"name", "statement", "gender"}
    if set(changes) - allowed:
        raise BallotError(f"only {', '.join(sorted(allowed))} of a candidate can be changed")
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
        clash = Candidate.objects.filter(ballot=candidate.ballot_id, name=changes["name"]).exclude(pk=candidate.pk)
        if not changes["name"] or clash.exists():
            raise BallotError(f"the name {changes['name']!r} is empty or already on this ballot")
    for k, v in changes.items():
        setattr(candidate, k, v)
    candidate.save()
    record(
        actor=actor,
        action="candidate.update",
        subject=f"ballot:{candidate.ballot_id}",
        details={"number": candidate.number, **{k: str(v) for k, v in changes.items()}},
    )
    return candidate


@transaction.atomic
def remove_candidate(*, candidate: Candidate, actor: Any) -> None:
    """Take a candidate off a draft ballot (later candidates move up one place)."""
    _require_officer(actor, candidate.ballot)
    locked = _require_draft(candidate.ballot, "remove a candidate")
    number = candidate.number
    Candidate.objects.filter(pk=candidate.pk).delete()
    for later in locked.candidates.filter(number__gt=number).order_by("number"):
        Candidate.objects.filter(pk=later.pk).update(number=later.number - 1)
    record(actor=actor, action="candidate.remove", subject=f"ballot:{locked.pk}", details={"name": candidate.name})


def _require_countable_without(ballot: Ballot, candidate: Candidate) -> None:
    """BallotError unless enough candidates would still stand for the seats, and the balance rules could still be
    met, with `candidate` withdrawn (else the count would fail after the close, with no way back)."""
    from omov.ballots.selectors import rule_for
    from omov.count.constraints import Constraints

    names = list(ballot.candidates.order_by("number").values_list("name", "withdrawn"))
    standing = [i for i, (name, gone) in enumerate(names) if not gone and name != candidate.name]
    if len(standing) < ballot.seats:
        raise BallotError(f"cannot withdraw {candidate.name!r}: {len(standing)} candidates would stand for "
                          f"{ballot.seats} seats")  # fmt: skip
    rule = rule_for(ballot)
    if rule.constraints:
        cons = Constraints(rule.constraints, [n for n, _ in names], ballot.seats)
        if not cons.feasible([], standing):
            raise BallotError(f"cannot withdraw {candidate.name!r}: the balance rules could no longer be met ("
                              + "; ".join(cons.describe([n for n, _ in names])) + ")")


@transaction.atomic
def withdraw_candidate(*, candidate: Candidate, actor: Any) -> Candidate:
    """Mark a candidate withdrawn after the paper is fixed: papers naming them skip to the next preference."""
    _require_officer(actor, candidate.ballot)
    locked = _lock(candidate.ballot)
    if locked.state not in (S.DRAFT, S.READY, S.OPEN, S.CLOSED):
        raise IllegalTransition(f"cannot withdraw a candidate from a ballot that is {locked.state}")
    if locked.state in (S.OPEN, S.CLOSED):  # papers are cast: the count must still be possible without them
        _require_countable_without(locked, candidate)
    candidate.withdrawn = True
    candidate.save(update_fields=["withdrawn"])
    record(actor=actor, action="candidate.withdraw", subject=f"ballot:{locked.pk}", details={"name": candidate.name})
    return candidate


@transaction.atomic
def add_balance_rule(
    *,
    ballot: Ballot,
    actor: Any,
    group: str,
    minimum: int,
    maximum: int | None = None,
    genders: Sequence[str] = (),
    candidates: Iterable[Candidate] = (),
) -> BalanceRule:
    """A constraint on the elected, e.g. at least 2 women: a group by candidates' gender or by a list."""
    _require_officer(actor, ballot)
    locked = _require_draft(ballot, "add a balance rule")
    candidates = list(candidates)
    if bool(genders) == bool(candidates):
        raise BallotError("define the group either by gender or by a list of candidates (one of the two)")
    if maximum is not None and maximum < minimum:
        raise BallotError("a balance rule's maximum cannot be below its minimum")
    if minimum > locked.seats:
        raise BallotError(f"at least {minimum} elected from {group!r} cannot fit in {locked.seats} seats")
    if any(c.ballot_id != locked.pk for c in candidates):
        raise BallotError("a balance rule can only list this ballot's candidates")
    rule = BalanceRule.objects.create(
        ballot=locked, group=group, minimum=minimum, maximum=maximum, genders=[g.casefold() for g in genders]
    )
    if candidates:
        rule.candidates.set(candidates)
    record(
        actor=actor,
        action="ballot.balance-rule",
        subject=f"ballot:{locked.pk}",
        details={
            "group": group,
            "minimum": minimum,
            "maximum": maximum,
            "genders": list(genders),
            "candidates": [c.name for c in candidates],
        },
    )
    return rule


@transaction.atomic
def appoint_returning_officer(*, ballot: Ballot, user: Any, actor: Any) -> None:
    """Make `user` a returning officer of the ballot (staff status so they can use the admin). An administrator
    may name anyone; one of the ballot's own officers may name a colleague who is a returning officer of the
    organisation (appointed by an administrator)."""
    admin = is_system(actor) or getattr(actor, "is_superuser", False) or is_org_admin(
        actor=actor, organisation=ballot.organisation_id
    )
    colleague = is_officer(actor=actor, ballot=ballot) and holds_role(
        actor=user, role=RO, organisation=ballot.organisation_id
    )
    if not (admin or colleague):
        raise NotAllowed(
            "only an administrator can make this person a returning officer; a ballot's officer can add only "
            "people appointed returning officer of the organisation"
        )
    ballot.returning_officers.add(user)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    record(actor=actor, action="ballot.appoint-officer", subject=f"ballot:{ballot.pk}", details={"user": user.username})


@transaction.atomic
def appoint_scrutineer(*, ballot: Ballot, user: Any, actor: Any) -> None:
    """Let `user` observe the ballot (read everything, change nothing)."""
    _require_officer(actor, ballot)
    ballot.scrutineers.add(user)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    record(
        actor=actor, action="ballot.appoint-scrutineer", subject=f"ballot:{ballot.pk}", details={"user": user.username}
    )


@transaction.atomic
def mark_ready(*, ballot: Ballot, actor: Any) -> Ballot:
    """draft → ready: the set-up is complete and checked; nothing can change it any more except a return to draft."""
    _require_officer(actor, ballot)
    problems = readiness_problems(ballot)
    if problems:
        raise NotReady(f"{ballot.title!r} is not ready: " + "; ".join(problems) + ".")
    return _move(ballot, to=S.READY, allowed_from=[S.DRAFT], actor=actor, action="ballot.ready")


@transaction.atomic
def return_to_draft(*, ballot: Ballot, actor: Any) -> Ballot:
    """ready → draft, to change the set-up before it opens."""
    _require_officer(actor, ballot)
    return _move(ballot, to=S.DRAFT, allowed_from=[S.READY], actor=actor, action="ballot.draft")


def users_for_officers(*, usernames: Iterable[str]) -> list[Any]:
    """Users by username (for the CLI); a missing one is a BallotError."""
    User = get_user_model()
    users = []
    for name in usernames:
        try:
            users.append(User.objects.get(username=name))
        except User.DoesNotExist:
            raise BallotError(f"no user called {name!r}") from None
    return users


@transaction.atomic
def move_candidate(*, candidate: Candidate, actor: Any, by: int) -> Candidate:
    """Move a candidate up (`by` < 0) or down the paper of a draft ballot, one place at a time; the others close
    up around it. Moving past either end leaves it there."""
    _require_officer(actor, candidate.ballot)
    locked = _require_draft(candidate.ballot, "reorder the candidates")
    order = list(locked.candidates.order_by("number"))
    current = next(i for i, c in enumerate(order) if c.pk == candidate.pk)
    target = max(0, min(len(order) - 1, current + by))
    if target == current:
        return candidate
    order.insert(target, order.pop(current))
    # Two passes, so that no two rows ever share a number (the unique constraint is checked row by row).
    offset = len(order) + 1
    for i, c in enumerate(order):
        Candidate.objects.filter(pk=c.pk).update(number=offset + i + 1)
    for i, c in enumerate(order):
        Candidate.objects.filter(pk=c.pk).update(number=i + 1)
    candidate.refresh_from_db(fields=["number"])
    record(
        actor=actor,
        action="candidate.move",
        subject=f"ballot:{locked.pk}",
        details={"name": candidate.name, "from": current + 1, "to": target + 1},
    )
    return candidate


@transaction.atomic
def remove_balance_rule(*, rule: BalanceRule, actor: Any) -> None:
    """Drop a balance rule from a draft ballot."""
    _require_officer(actor, rule.ballot)
    locked = _require_draft(rule.ballot, "remove a balance rule")
    details = {"group": rule.group, "minimum": rule.minimum, "maximum": rule.maximum}
    BalanceRule.objects.filter(pk=rule.pk).delete()
    record(actor=actor, action="ballot.balance-rule-removed", subject=f"ballot:{locked.pk}", details=details)


@transaction.atomic
def remove_returning_officer(*, ballot: Ballot, user: Any, actor: Any) -> None:
    """Take `user` off the ballot's returning officers (someone must remain)."""
    _require_officer(actor, ballot)
    locked = _require_draft(ballot, "change the returning officers")
    if not locked.returning_officers.exclude(pk=user.pk).exists():
        raise BallotError("a ballot needs at least one returning officer: add another before removing this one")
    locked.returning_officers.remove(user)
    record(actor=actor, action="ballot.remove-officer", subject=f"ballot:{locked.pk}", details={"user": user.username})


@transaction.atomic
def remove_scrutineer(*, ballot: Ballot, user: Any, actor: Any) -> None:
    """Take `user` off the ballot's scrutineers."""
    _require_officer(actor, ballot)
    locked = _require_draft(ballot, "change the scrutineers")
    locked.scrutineers.remove(user)
    record(
        actor=actor, action="ballot.remove-scrutineer", subject=f"ballot:{locked.pk}", details={"user": user.username}
    )


@transaction.atomic
def copy_ballot(*, source: Ballot, actor: Any, title: str, with_candidates: bool = False) -> Ballot:
    """A new draft set up like an earlier ballot (a template): its method, options, seats, paper rules,
    electorate rule and balance rules, and if asked its candidates (not those withdrawn); not its timetable,
    papers or result. `actor` must be able to see the source and to create a ballot with its electorate."""
    from omov.ballots.permissions import is_observer

    if not is_observer(actor=actor, ballot=source):
        raise NotAllowed(f"you can copy only ballots you run or observe, and {source.title!r} is not one")
    units = list(source.electorate_units.all())
    ballot = create_ballot(
        organisation=source.organisation,
        title=title or f"{source.title} (copy)",
        method=source.method,
        seats=source.seats,
        actor=actor,
        options=dict(source.options or {}),
        description=source.description,
        max_choices=source.max_choices,
        allow_empty=source.allow_empty,
        count_when_closed=source.count_when_closed,
        electorate_units=units,
    )
    Ballot.objects.filter(pk=ballot.pk).update(
        electorate_statuses=list(source.electorate_statuses or ["active"]),
        freeze_date=source.freeze_date,
        allow_arrears=source.allow_arrears,
        supporters_allowed=source.supporters_allowed,
    )
    ballot.refresh_from_db()
    copied: dict[int, Candidate] = {}
    if with_candidates:
        for cand in source.candidates.filter(withdrawn=False).order_by("number"):
            copied[cand.pk] = add_candidate(
                ballot=ballot, actor=actor, name=cand.name, statement=cand.statement, gender=cand.gender,
                member=cand.member,
            )
    for rule in source.balance_rules.all():
        listed = [copied[c.pk] for c in rule.candidates.all() if c.pk in copied]
        if rule.genders:
            add_balance_rule(ballot=ballot, actor=actor, group=rule.group, minimum=rule.minimum,
                             maximum=rule.maximum, genders=rule.genders)  # fmt: skip
        elif listed:
            add_balance_rule(ballot=ballot, actor=actor, group=rule.group, minimum=rule.minimum,
                             maximum=rule.maximum, candidates=listed)  # fmt: skip
    record(actor=actor, action="ballot.copy", subject=f"ballot:{ballot.pk}", details={"from": source.pk})
    return ballot
