"""Every write to ballots: set-up, the state machine, rolls and credentials, casting, counting, publishing.

Conventions: keyword-only arguments; each function is one transaction and appends to the audit log (casting
excepted: a cast is recorded only in the ballot's hash-chained list of papers, never against a member).
`actor` is a Django user (checked: a returning officer of the ballot, or a superuser) or, for trusted callers
(the CLI, background jobs), a string naming them, e.g. "cli".

States: draft → ready → open → closed → counted → published; draft/ready/open/closed/counted → cancelled.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from omov.audit.chain import GENESIS, link_hash
from omov.audit.models import ChainHead, Job
from omov.audit.services import actor_name, create_job, lock_chain, record
from omov.ballots.errors import (
    BallotError,
    CredentialError,
    IllegalTransition,
    NotAllowed,
    NotOpen,
    NotReady,
)
from omov.ballots.models import (
    MARK_METHODS,
    METHOD_CHOICES,
    BalanceRule,
    Ballot,
    Candidate,
    Credential,
    Paper,
    Result,
    Voter,
)
from omov.ballots.papers import (
    close_commitment,
    credential_hash,
    new_credential,
    paper_bytes,
    read_paper,
    tracker_code,
    validate_paper,
)
from omov.members.models import Member, Organisation, Unit
from omov.members.selectors import eligible_members

log = logging.getLogger(__name__)
S = Ballot.State
BATCH = 2000


# Permissions --------------------------------------------------------------------------------------------------


def is_officer(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` run this ballot? (a trusted system caller, a superuser, or one of its returning officers)"""
    if isinstance(actor, str):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_superuser or ballot.returning_officers.filter(pk=actor.pk).exists())


def is_observer(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` see everything about this ballot? (its officers and its scrutineers)"""
    if is_officer(actor=actor, ballot=ballot):
        return True
    return bool(getattr(actor, "is_authenticated", False) and ballot.scrutineers.filter(pk=actor.pk).exists())


def is_visible(*, actor: Any, ballot: Ballot) -> bool:
    """May `actor` know this ballot exists? Everyone once it is ready; a draft or a cancelled ballot only its
    officers and scrutineers (its title and candidates may not be public yet, or any more)."""
    return ballot.state not in (Ballot.State.DRAFT, Ballot.State.CANCELLED) or is_observer(actor=actor, ballot=ballot)


def _require_officer(actor: Any, ballot: Ballot) -> None:
    if not is_officer(actor=actor, ballot=ballot):
        if getattr(actor, "is_authenticated", False) and ballot.scrutineers.filter(pk=actor.pk).exists():
            raise NotAllowed(f"scrutineers observe {ballot.title!r} but cannot change it")
        raise NotAllowed(f"only a returning officer of {ballot.title!r} can do that")


def _lock(ballot: Ballot) -> Ballot:
    """The ballot re-read under a row lock for the rest of the transaction."""
    return Ballot.objects.select_for_update().get(pk=ballot.pk)


def _move(ballot: Ballot, *, to: str, allowed_from: Iterable[str], actor: Any, action: str, **details: Any) -> Ballot:
    locked = _lock(ballot)
    allowed = tuple(allowed_from)
    if locked.state not in allowed:
        raise IllegalTransition(
            f"cannot {action.split('.')[-1]} {locked.title!r}: it is {locked.state}, and only a ballot that is "
            f"{' or '.join(allowed)} can be"
        )
    old = locked.state
    locked.state = to
    locked.save(update_fields=["state"])
    record(actor=actor, action=action, subject=f"ballot:{locked.pk}", details={"from": old, "to": to, **details})
    ballot.state = to
    return locked


# Set-up -------------------------------------------------------------------------------------------------------

_EDITABLE = {
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
) -> Ballot:
    """A new draft ballot. Needs a superuser (or a trusted caller); the returning officers run it from here."""
    if not isinstance(actor, str) and not getattr(actor, "is_superuser", False):
        raise NotAllowed("only an administrator can create a ballot")
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
    if officers:
        ballot.returning_officers.add(*officers)
    record(
        actor=actor,
        action="ballot.create",
        subject=f"ballot:{ballot.pk}",
        details={"title": title, "method": method, "seats": seats, "officers": [actor_name(u) for u in officers]},
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
    unknown = set(changes) - _EDITABLE
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


@transaction.atomic
def withdraw_candidate(*, candidate: Candidate, actor: Any) -> Candidate:
    """Mark a candidate withdrawn after the paper is fixed: papers naming them skip to the next preference."""
    _require_officer(actor, candidate.ballot)
    locked = _lock(candidate.ballot)
    if locked.state not in (S.DRAFT, S.READY, S.OPEN, S.CLOSED):
        raise IllegalTransition(f"cannot withdraw a candidate from a ballot that is {locked.state}")
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
    """Make `user` a returning officer of the ballot (staff status so they can use the admin)."""
    if not isinstance(actor, str) and not getattr(actor, "is_superuser", False):
        raise NotAllowed("only an administrator can appoint returning officers")
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


# The state machine --------------------------------------------------------------------------------------------


def rule_for(ballot: Ballot) -> Any:
    """The omov.count Rule of a ballot: its preset with its options and balance rules as constraints."""
    from omov.count import Constraint, preset

    candidates = list(ballot.candidates.order_by("number"))
    constraints = []
    for br in ballot.balance_rules.prefetch_related("candidates"):
        if br.genders:
            wanted = {g.casefold() for g in br.genders}
            names = frozenset(c.name for c in candidates if c.gender.casefold() in wanted)
        else:
            names = frozenset(c.name for c in br.candidates.all())
        constraints.append(Constraint(br.group, names, br.minimum, br.maximum))
    rule = preset(ballot.method).with_(**(ballot.options or {}))
    if constraints:
        rule = rule.with_(constraints=tuple(constraints))
    return rule


def max_choices_for(ballot: Ballot, n_candidates: int) -> int:
    """How many candidates a paper may rank or mark."""
    if ballot.max_choices:
        return min(ballot.max_choices, n_candidates)
    if ballot.method == "fptp":
        return 1
    if ballot.method == "bloc":
        return min(int((ballot.options or {}).get("max_marks") or ballot.seats), n_candidates)
    return n_candidates


def readiness_problems(ballot: Ballot) -> list[str]:
    """Everything that stops a ballot being ready (empty when it is)."""
    problems = []
    candidates = list(ballot.candidates.filter(withdrawn=False))
    if not candidates:
        problems.append("it has no candidates")
    elif len(candidates) < ballot.seats:
        problems.append(f"it has {len(candidates)} candidates for {ballot.seats} seats")
    if ballot.method in MARK_METHODS and ballot.method != "approval" and ballot.method == "fptp" and ballot.seats != 1:
        problems.append("first past the post fills one seat; use bloc for more")
    if ballot.method == "irv" and ballot.seats != 1:
        problems.append("the alternative vote (irv) fills one seat; use an STV method for more")
    if not ballot.opens_at or not ballot.closes_at:
        problems.append("it has no timetable (opens_at and closes_at)")
    elif ballot.closes_at <= ballot.opens_at:
        problems.append("it closes before it opens")
    if not ballot.returning_officers.exists():
        problems.append("it has no returning officer")
    try:
        rule = rule_for(ballot)
    except Exception as exc:  # CountError from the engine's constraint checks
        problems.append(f"its counting rule is not valid: {exc}")
    else:
        total_min = sum(c.minimum for c in rule.constraints)
        for con in rule.constraints:
            if len(con.members) < con.minimum:
                problems.append(
                    f"the rule 'at least {con.minimum} {con.group}' needs {con.minimum} such candidates; "
                    f"there are {len(con.members)}"
                )
        if total_min > ballot.seats and len(rule.constraints) > 1:
            problems.append("the balance rules' minimums add up to more than the seats")
    return problems


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


def _require_no_job_under_way(ballot: Ballot, kind: str, what: str) -> None:
    """Refuse a second press of a button whose job is queued or running (call with the ballot's row locked, so
    that two presses at once are serialised and the second sees the first's job)."""
    if Job.under_way(kind=kind, subject=f"ballot:{ballot.pk}"):
        raise IllegalTransition(f"{what} {ballot.title!r} is already under way: see its job on the ballot's page")


@transaction.atomic
def start_opening(*, ballot: Ballot, actor: Any) -> Job:
    """Queue the opening of a ready ballot (roll + credentials, then sending them) as a background job; under
    the ballot's row lock, so that two officers (or an officer and the scheduler) pressing at once queue one."""
    from omov.ballots.tasks import open_ballot_task
    from omov.web.jobs import enqueue

    _require_officer(actor, ballot)
    ballot = _lock(ballot)
    if ballot.state != S.READY:
        raise IllegalTransition(f"cannot open {ballot.title!r}: it is {ballot.state}, and only a ready ballot can be")
    _require_no_job_under_way(ballot, "open-ballot", "the opening of")
    job = create_job(kind="open-ballot", subject=f"ballot:{ballot.pk}", created_by=actor)
    record(actor=actor, action="ballot.open.queued", subject=f"ballot:{ballot.pk}", details={"job": str(job.pk)})
    enqueue(open_ballot_task, str(job.pk), ballot.pk, actor_name(actor))
    return job


@transaction.atomic
def open_ballot(*, ballot: Ballot, actor: Any, job: Job | None = None) -> int:
    """ready → open: resolve the electorate rule into the frozen roll and create a credential per voter.

    Returns the size of the roll. Credentials are minted (and the tokens exist) only when they are delivered:
    see `send_credentials` and `print_letters`.
    """
    from omov.audit.services import report_progress

    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.READY:
        raise IllegalTransition(f"cannot open {locked.title!r}: it is {locked.state}, and only a ready ballot can be")
    members = eligible_members(
        organisation=locked.organisation,
        units=list(locked.electorate_units.all()),
        statuses=locked.statuses,
        joined_on_or_before=locked.freeze_date,
        allow_arrears=locked.allow_arrears,
        supporters_allowed=locked.supporters_allowed,
    )
    total = members.count()
    if total == 0:
        raise NotReady(f"nobody is eligible to vote in {locked.title!r}: check the electorate rule")
    if job is not None:
        report_progress(job=job, done=0, total=total, message="freezing the roll")
    if db_connection.vendor == "postgresql":
        _freeze_roll_in_database(ballot=locked, members=members, job=job)
    else:
        _freeze_roll(ballot=locked, members=members, job=job)
    lock_chain(name=paper_chain_name(locked.pk))  # the list of papers starts empty, at the genesis hash
    _move(locked, to=S.OPEN, allowed_from=[S.READY], actor=actor, action="ballot.open", roll=total)
    ballot.state = S.OPEN
    return total


def _freeze_roll(*, ballot: Ballot, members: Any, job: Job | None) -> None:
    """One roll line and one (unminted) credential per eligible member, in batches, in member order."""
    from omov.audit.services import report_progress

    locked = ballot
    done = 0
    rows = members.order_by("pk").values_list("pk", "postal", "email").iterator(chunk_size=BATCH)
    batch: list[tuple[int, bool, str]] = []

    def flush() -> None:
        nonlocal done
        voters = Voter.objects.bulk_create(
            [
                Voter(ballot=locked, member_id=pk, channel=Voter.Channel.POST if (postal or not email) else "email")
                for pk, postal, email in batch
            ]
        )
        if any(v.pk is None for v in voters):  # a database that cannot return ids: read them back
            ids = dict(
                Voter.objects.filter(ballot=locked, member_id__in=[b[0] for b in batch]).values_list("member_id", "pk")
            )
            for v in voters:
                v.pk = ids[v.member_id]
        Credential.objects.bulk_create([Credential(ballot=locked, voter_id=v.pk) for v in voters])
        done += len(batch)
        batch.clear()
        if job is not None:
            report_progress(job=job, done=done)

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


ROLL_CHUNK = 50_000


def _freeze_roll_in_database(*, ballot: Ballot, members: Any, job: Job | None) -> None:
    """PostgreSQL: the same rows as _freeze_roll, written by the database itself, one statement per chunk of
    members (no row passes through Python; a 500,000-member roll is seconds, not minutes)."""
    from omov.audit.services import report_progress

    quote = db_connection.ops.quote_name
    bounds = members.aggregate(first=Min("pk"), last=Max("pk"))
    done = 0
    # Chunks are ranges of member ids: an index range each (no sort of the whole table, whatever its statistics).
    for start in range(bounds["first"], bounds["last"] + 1, ROLL_CHUNK):
        chunk = members.filter(pk__gte=start, pk__lt=start + ROLL_CHUNK).order_by("pk")
        sql, params = chunk.values_list("pk", "postal", "email").query.sql_with_params()
        with db_connection.cursor() as cursor:
            cursor.execute(
                f"WITH m (member_id, postal, email) AS ({sql}), "
                f"v AS (INSERT INTO {quote(Voter._meta.db_table)} (ballot_id, member_id, channel, voted) "
                f"SELECT %s, member_id, CASE WHEN postal OR email = '' THEN %s ELSE %s END, FALSE FROM m "
                f"RETURNING id), "
                f"c AS (INSERT INTO {quote(Credential._meta.db_table)} "
                f"(ballot_id, voter_id, token_hash, spent, delivery, attempts, last_error) "
                f"SELECT %s, id, NULL, FALSE, %s, 0, '' FROM v) "
                f"SELECT count(*) FROM v",
                [*params, ballot.pk, Voter.Channel.POST, Voter.Channel.EMAIL, ballot.pk, Credential.Delivery.PENDING],
            )
            done += cursor.fetchone()[0]
        if job is not None:
            report_progress(job=job, done=done)


@dataclass(frozen=True)
class Delivery:
    """The outcome of a round of sending credentials."""

    sent: int
    failed: dict[str, str]  # membership number -> error

    @property
    def ok(self) -> bool:
        return not self.failed


def _voting_link(ballot: Ballot, token: str) -> str:
    base = settings.SITE_URL or "http://127.0.0.1:8000"
    # The credential travels in the fragment, which browsers never send to the server (nor to its logs).
    return f"{base}/ballots/{ballot.pk}/vote/#credential={token}"


def _mint(credentials: list[Credential]) -> dict[int, str]:
    """Fresh tokens for these credentials; their hashes stored (and committed by the caller's transaction)."""
    tokens = {}
    for cred in credentials:
        token = new_credential()
        cred.token_hash = credential_hash(token)
        tokens[cred.pk] = token
    # In batches: one UPDATE ... CASE over thousands of rows costs time quadratic in its length.
    Credential.objects.bulk_update(credentials, ["token_hash"], batch_size=500)
    return tokens


def send_credentials(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Delivery:
    """Email a fresh credential to every email voter not yet sent one (pending or failed), in batches.

    A credential is minted just before its message is sent and replaced if the sending fails, so a token that
    never reached its voter never works. Failures are recorded on the credential (attempts, last_error) and
    returned; the background job retries them and reports any that still fail.
    """
    from omov.audit.services import report_progress

    _require_officer(actor, ballot)
    ballot.refresh_from_db()
    if ballot.state != S.OPEN:
        raise NotOpen(f"credentials are sent only while {ballot.title!r} is open (it is {ballot.state})")
    todo = Credential.objects.filter(
        ballot=ballot,
        spent=False,
        voter__channel=Voter.Channel.EMAIL,
        delivery__in=[Credential.Delivery.PENDING, Credential.Delivery.FAILED],
    ).select_related("voter__member")
    total = todo.count()
    if job is not None:
        report_progress(job=job, done=0, total=total, message="sending credentials")
    sent, failed, done = 0, {}, 0
    ids = list(todo.order_by("pk").values_list("pk", flat=True))
    # On PostgreSQL a batch's rows stay locked from their minting to their outcome, and are re-read under the
    # lock: a second sending at the same moment (the job and an officer's admin action, say) waits for the
    # batch and then finds its credentials sent, instead of minting and mailing each voter a second code that
    # would void the first. (SQLite serialises whole transactions; there each batch is minted, then sent.)
    hold = db_connection.features.has_select_for_update
    step = 200 if hold else 500
    for i in range(0, len(ids), step):
        batch = transaction.atomic() if hold else nullcontext()
        with batch:
            creds = list(
                Credential.objects.filter(
                    pk__in=ids[i : i + step],
                    spent=False,
                    delivery__in=[Credential.Delivery.PENDING, Credential.Delivery.FAILED],
                )
                .select_related("voter__member")
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            sent_now, failed_now = _send_batch(ballot, creds, hold=hold)
        sent += sent_now
        failed.update(failed_now)
        done += min(step, len(ids) - i)
        if job is not None:
            report_progress(job=job, done=done)
    record(
        actor=actor,
        action="ballot.credentials.sent",
        subject=f"ballot:{ballot.pk}",
        details={"sent": sent, "failed": len(failed)},
    )
    return Delivery(sent=sent, failed=failed)


def _send_batch(ballot: Ballot, creds: list[Credential], *, hold: bool) -> tuple[int, dict[str, str]]:
    """Mint, mail and record one batch of credentials; (how many were sent, membership number -> error)."""
    failed: dict[str, str] = {}
    if not creds:
        return 0, failed
    if hold:
        tokens = _mint(creds)
    else:
        with transaction.atomic():
            tokens = _mint(creds)
    ok_ids, bad = [], []
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as exc:  # the mail server is down: every message of the batch fails
        for cred in creds:
            bad.append((cred, f"cannot connect to the mail server: {exc}"))
    else:
        for cred in creds:
            member = cred.voter.member
            message = mail.EmailMessage(
                subject=f"Your ballot: {ballot.title}",
                body=_credential_text(ballot, member, tokens[cred.pk]),
                to=[member.email],
                connection=connection,
            )
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # SMTP and socket errors alike; recorded, retried, reported
                bad.append((cred, f"{type(exc).__name__}: {exc}"))
            else:
                ok_ids.append(cred.pk)
        connection.close()
    with transaction.atomic():
        if ok_ids:
            Credential.objects.filter(pk__in=ok_ids).update(delivery=Credential.Delivery.SENT, last_error="")
        for cred, error in bad:
            Credential.objects.filter(pk=cred.pk).update(
                delivery=Credential.Delivery.FAILED, attempts=cred.attempts + 1, last_error=error[:1000]
            )
            failed[cred.voter.member.membership_number] = error
        # successes count as attempts too, so the officer can see how many tries a voter's message took
        Credential.objects.filter(pk__in=ok_ids).update(attempts=F("attempts") + 1)
    return len(ok_ids), failed


def _credential_text(ballot: Ballot, member: Member, token: str) -> str:
    closes = timezone.localtime(ballot.closes_at).strftime("%d %B %Y at %H:%M %Z") if ballot.closes_at else "-"
    return (
        f"Dear {member.name},\n\n"
        f"You are on the roll for the ballot: {ballot.title}.\n\n"
        f"Your one-time voting credential is:\n\n    {token}\n\n"
        f"Vote at: {_voting_link(ballot, token)}\n\n"
        f"Voting closes on {closes}. The credential can be used once; keep it private. Nobody, not even the "
        f"returning officer, can link your vote to you: the credential is stored only as a hash and your vote is "
        f"stored without it.\n"
    )


@dataclass(frozen=True)
class Letter:
    """A postal credential letter: the addressee and the text to print (the token appears only here)."""

    membership_number: str
    name: str
    text: str


@transaction.atomic
def print_letters(*, ballot: Ballot, actor: Any, reprint_failed_email: bool = False) -> list[Letter]:
    """Mint credentials for postal voters not yet printed and return their letters (shown once, never stored)."""
    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.OPEN:
        raise NotOpen(f"letters are printed only while {locked.title!r} is open (it is {locked.state})")
    channels = [Voter.Channel.POST, Voter.Channel.EMAIL] if reprint_failed_email else [Voter.Channel.POST]
    creds = list(
        Credential.objects.filter(ballot=locked, spent=False, voter__channel__in=channels)
        .exclude(delivery__in=[Credential.Delivery.PRINTED, Credential.Delivery.SENT])
        .select_related("voter__member")
        .order_by("voter__member__membership_number")
    )
    tokens = _mint(creds)
    Credential.objects.filter(pk__in=[c.pk for c in creds]).update(delivery=Credential.Delivery.PRINTED)
    record(actor=actor, action="ballot.letters.printed", subject=f"ballot:{locked.pk}", details={"letters": len(creds)})
    return [
        Letter(
            c.voter.member.membership_number,
            c.voter.member.name,
            _credential_text(locked, c.voter.member, tokens[c.pk]),
        )
        for c in creds
    ]


@transaction.atomic
def reissue_credential(*, voter: Voter, actor: Any, reason: str = "") -> str:
    """Replace a voter's unspent credential (lost or never received) and return the new one to deliver.

    The old credential stops working at once. The caller shows or sends the returned token exactly once.
    """
    _require_officer(actor, voter.ballot)
    locked = _lock(voter.ballot)
    if locked.state != S.OPEN:
        raise NotOpen(f"credentials are reissued only while {locked.title!r} is open")
    cred = Credential.objects.select_for_update().get(voter=voter)
    if cred.spent:
        raise CredentialError("this voter has already voted; their credential cannot be reissued")
    token = _mint([cred])[cred.pk]
    Credential.objects.filter(pk=cred.pk).update(delivery=Credential.Delivery.PRINTED)
    record(
        actor=actor,
        action="ballot.credential.reissued",
        subject=f"ballot:{locked.pk}",
        details={"membership_number": voter.member.membership_number, "reason": reason},
    )
    return token


@transaction.atomic
def close_ballot(*, ballot: Ballot, actor: Any) -> Ballot:
    """open → closed: no more papers (a cast in flight finishes first: both take the ballot's row lock).
    A ballot set to count when closed has its count queued in the same transaction (run once it commits)."""
    _require_officer(actor, ballot)
    _lock(ballot)  # casts in flight finish first, new ones wait and then find the ballot closed
    # The list of papers is final from here. The audit log's own hash chain records how many papers there are,
    # the root of the Merkle tree over their sorted trackers (what the list published with the result is checked
    # against), and the private chain's head (the server's own check; withheld from the public with a seal).
    head = ChainHead.objects.filter(name=paper_chain_name(ballot.pk)).first()
    trackers = Paper.objects.filter(ballot=ballot).values_list("tracker", flat=True)
    locked = _move(
        ballot,
        to=S.CLOSED,
        allowed_from=[S.OPEN],
        actor=actor,
        action="ballot.close",
        papers=head.position if head else 0,
        papers_head=head.head_hash if head else GENESIS,
        **close_commitment(trackers.iterator(chunk_size=5000)),
    )
    # Rewrite every voted roll line and spent credential in this one transaction, so that the database's
    # own row metadata (PostgreSQL's xmin: the id of the transaction that last wrote a row) no longer
    # matches each voter to the transaction that stored their paper.
    Voter.objects.filter(ballot=locked, voted=True).update(voted=True)
    Credential.objects.filter(ballot=locked, spent=True).update(spent=True)
    if locked.count_when_closed:
        start_count(ballot=locked, actor=actor)
    return locked


@transaction.atomic
def cancel_ballot(*, ballot: Ballot, actor: Any, reason: str) -> Ballot:
    """Stop a ballot for good (any state before publication), saying why."""
    _require_officer(actor, ballot)
    if not reason.strip():
        raise BallotError("say why the ballot is cancelled")
    locked = _move(
        ballot,
        to=S.CANCELLED,
        allowed_from=[S.DRAFT, S.READY, S.OPEN, S.CLOSED, S.COUNTED],
        actor=actor,
        action="ballot.cancel",
        reason=reason,
    )
    Ballot.objects.filter(pk=locked.pk).update(cancelled_reason=reason)
    return locked


# Casting ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """What a voter keeps: the tracker code (SHA-256 of the stored paper bytes), to find on the published list."""

    ballot_id: int
    tracker: str

    def __str__(self) -> str:
        return self.tracker


def paper_chain_name(ballot_id: int) -> str:
    return f"papers:{ballot_id}"


_NAMES: dict[tuple[int, str], list[str]] = {}


def _candidate_names(ballot: Ballot) -> list[str]:
    """The candidates' names in paper order. Cached per process: once a ballot is open its paper is fixed
    (names and numbers never change; a withdrawal changes neither)."""
    key = (ballot.pk, str(ballot.public_id))
    names = _NAMES.get(key)
    if names is None:
        names = list(ballot.candidates.order_by("number").values_list("name", flat=True))
        if len(_NAMES) > 1000:
            _NAMES.clear()
        _NAMES[key] = names
    return names


def cast(*, credential: str, paper: Sequence[int], ballot_id: int | None = None) -> Receipt:
    """Cast a paper with a one-time credential: the ONE function that writes papers.

    In one transaction: the ballot must be open (and within its timetable); the paper must be valid; the
    credential is spent by a conditional UPDATE (so of many concurrent casts with one credential exactly one
    stores a paper); the paper is stored as canonical bytes with a random id and appended to the ballot's
    hash-chained list. Nothing links the paper to the voter. Raises CredentialError, NotOpen or InvalidPaper,
    and then changes nothing. `ballot_id`, if given, is the ballot the voter means: a credential of another
    ballot is then refused.
    """
    token_hash = credential_hash(credential)
    # On PostgreSQL, casts hold the chain head's lock only while they append, not while the disk syncs: the
    # transaction commits asynchronously and the receipt waits for a flush that covers it (see _make_durable).
    # Inside a caller's transaction (an atomic block, or autocommit turned off), that caller's commit is the
    # durable point, so nothing changes there.
    group_commit = (
        db_connection.vendor == "postgresql" and not db_connection.in_atomic_block and db_connection.get_autocommit()
    )
    sql = _cast_sql()
    with transaction.atomic(), db_connection.cursor() as cursor:
        # The statements of a cast are written out (not built by the ORM for every cast): casting is the one
        # hot path, and building its queries cost more processor time than running them.
        if group_commit:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(sql["credential"], [token_hash])
        found = cursor.fetchone()
        if found is None:
            raise CredentialError("this credential is not valid: check that you typed it as written")
        cred_id, cred_ballot_id, voter_id = found
        if ballot_id is not None and cred_ballot_id != ballot_id:
            raise CredentialError("this credential is for a different ballot")
        ballot = _lock_for_cast(cred_ballot_id)
        now = timezone.now()
        if ballot.state != S.OPEN:
            raise NotOpen(f"{ballot.title!r} is not open for voting (it is {ballot.state})")
        if ballot.opens_at and now < ballot.opens_at:
            raise NotOpen(f"voting in {ballot.title!r} opens at {ballot.opens_at:%Y-%m-%d %H:%M} UTC")
        if ballot.closes_at and now >= ballot.closes_at:
            raise NotOpen(f"voting in {ballot.title!r} closed at {ballot.closes_at:%Y-%m-%d %H:%M} UTC")
        names = _candidate_names(ballot)
        choices = validate_paper(
            paper,
            names=names,
            ranked=ballot.ranked,
            max_choices=max_choices_for(ballot, len(names)),
            allow_empty=ballot.allow_empty,
        )
        cursor.execute(sql["spend"], [True, cred_id, False])
        if cursor.rowcount != 1:
            raise CredentialError("this credential has already been used to vote; each can be used once")
        cursor.execute(sql["voted"], [True, voter_id])
        nonce = secrets.token_hex(16)
        content = paper_bytes(
            ballot_public_id=str(ballot.public_id), nonce=nonce, choices=choices, ranked=ballot.ranked
        )
        tracker = tracker_code(content)
        chain = paper_chain_name(ballot.pk)
        cursor.execute(sql["head"], [chain])
        row = cursor.fetchone()
        if row is None:  # a ballot opened before chain heads were created at opening
            created = lock_chain(name=chain)
            row = (created.position, created.head_hash)
        previous, position = row[1], row[0] + 1
        entry = link_hash(chain, previous, position, tracker.encode("ascii"))
        cursor.execute(sql["paper"], [nonce, ballot.pk, position, content, tracker, previous, entry])
        cursor.execute(sql["advance"], [position, entry, chain])
    if group_commit:
        _make_durable()
    return Receipt(ballot_id=ballot.pk, tracker=tracker)


_CAST_SQL: dict[str, str] = {}


def _cast_sql() -> dict[str, str]:
    """The statements of `cast`, for this database (the same ones the ORM would build)."""
    if not _CAST_SQL:
        q = db_connection.ops.quote_name
        cred, voter, paper = (q(m._meta.db_table) for m in (Credential, Voter, Paper))
        head = q(ChainHead._meta.db_table)
        for_update = " FOR UPDATE" if db_connection.features.has_select_for_update else ""
        _CAST_SQL.update(
            credential=f"SELECT id, ballot_id, voter_id FROM {cred} WHERE token_hash = %s",
            spend=f"UPDATE {cred} SET spent = %s WHERE id = %s AND spent = %s",
            voted=f"UPDATE {voter} SET voted = %s WHERE id = %s",
            head=f"SELECT position, head_hash FROM {head} WHERE name = %s{for_update}",
            paper=f"INSERT INTO {paper} (id, ballot_id, position, content, tracker, previous_hash, entry_hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            advance=f"UPDATE {head} SET position = %s, head_hash = %s WHERE name = %s",
        )
    return _CAST_SQL


def _lock_for_cast(ballot_id: int) -> Ballot:
    """The ballot, locked against change for the rest of the cast.

    On PostgreSQL a shared row lock: casts take it side by side (the chain head alone orders them), while
    close_ballot and every other service that takes the ballot's row lock (FOR UPDATE) waits for the casts in
    flight and keeps new ones out until it commits. SQLite has no row locks (its writers queue for the file).
    """
    if db_connection.vendor == "postgresql":
        table = db_connection.ops.quote_name(Ballot._meta.db_table)
        return Ballot.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [ballot_id])[0]
    return Ballot.objects.select_for_update().get(pk=ballot_id)


def _make_durable() -> None:
    """Return once the cast just committed (asynchronously) is on disk, so a receipt always names a stored paper.

    A transaction that has an id and commits synchronously flushes the write-ahead log up to its own commit
    record, which lies after the cast's; concurrent casts share one flush of the disk instead of queueing for
    one each behind the chain head's lock. If the server crashes first, the cast is lost whole (its paper,
    its spent credential and its chain link together) and no receipt was given: the voter can cast again.
    """
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")


# Counting and publishing --------------------------------------------------------------------------------------


@transaction.atomic
def start_count(*, ballot: Ballot, actor: Any) -> Job:
    """Queue the count of a closed ballot as a background job (under the ballot's row lock: one count queued
    however many officers press at once)."""
    from omov.ballots.tasks import count_ballot_task
    from omov.web.jobs import enqueue

    _require_officer(actor, ballot)
    ballot = _lock(ballot)
    if ballot.state != S.CLOSED:
        raise IllegalTransition(f"cannot count {ballot.title!r}: it is {ballot.state}; close it first")
    _require_no_job_under_way(ballot, "count", "the count of")
    job = create_job(kind="count", subject=f"ballot:{ballot.pk}", created_by=actor)
    record(actor=actor, action="ballot.count.queued", subject=f"ballot:{ballot.pk}", details={"job": str(job.pk)})
    enqueue(count_ballot_task, str(job.pk), ballot.pk, actor_name(actor))
    return job


def profile_for(ballot: Ballot) -> Any:
    """The ballot's papers as an omov.count Profile (candidates in paper order, identical papers grouped)."""
    from omov.count import Candidate as CountCandidate
    from omov.count import Profile

    candidates = [CountCandidate(c.name, withdrawn=c.withdrawn) for c in ballot.candidates.order_by("number")]
    grouped: dict[tuple[int, ...], int] = {}
    for content in Paper.objects.filter(ballot=ballot).values_list("content", flat=True).iterator(chunk_size=5000):
        ranking = tuple(n - 1 for n in read_paper(content))
        grouped[ranking] = grouped.get(ranking, 0) + 1
    ordered = sorted(grouped.items())  # not in order of first casting: the BLT file is published in this order
    return Profile(tuple(candidates), tuple(r for r, _ in ordered), tuple(w for _, w in ordered), seats=ballot.seats,
                   title=ballot.title)


@transaction.atomic
def count_ballot(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Result:
    """closed → counted: count the papers with omov.count under the ballot's rule and store the result."""
    from omov.count import CountError, count, write_blt
    from omov.count.sheet import render_csv, render_html, render_json

    _require_officer(actor, ballot)
    locked = _lock(ballot)
    if locked.state != S.CLOSED:
        raise IllegalTransition(f"cannot count {locked.title!r}: it is {locked.state}; close it first")
    profile = profile_for(locked)
    seed = locked.seed or secrets.token_hex(8)
    try:
        outcome = count(profile, rule_for(locked), seats=locked.seats, seed=seed)
    except CountError as exc:
        raise BallotError(f"the count of {locked.title!r} failed: {exc}") from exc
    sheet_json, sheet_html, sheet_csv = render_json(outcome), render_html(outcome), render_csv(outcome)
    roll = Voter.objects.filter(ballot=locked).count()
    result = Result.objects.create(
        ballot=locked,
        rule=locked.method,
        seed=seed,
        elected=list(outcome.elected_names),
        papers=profile.papers,
        roll=roll,
        sheet_json=sheet_json,
        sheet_html=sheet_html,
        sheet_csv=sheet_csv,
        blt=write_blt(profile),
        counted_at=timezone.now(),
    )
    Ballot.objects.filter(pk=locked.pk).update(seed=seed)
    _move(
        locked,
        to=S.COUNTED,
        allowed_from=[S.CLOSED],
        actor=actor,
        action="ballot.count",
        elected=list(outcome.elected_names),
        papers=profile.papers,
        roll=roll,
        seed=seed,
    )
    ballot.state = S.COUNTED
    return result


@transaction.atomic
def publish_result(*, ballot: Ballot, actor: Any) -> Result:
    """counted → published: the result, count sheet, papers (BLT) and list of tracker codes become public."""
    _require_officer(actor, ballot)
    locked = _move(ballot, to=S.PUBLISHED, allowed_from=[S.COUNTED], actor=actor, action="ballot.publish")
    result = Result.objects.get(ballot=locked)
    result.published_at = timezone.now()
    result.save(update_fields=["published_at"])
    return result


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
