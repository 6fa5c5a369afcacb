"""Non-trivial reads of ballots: what a user may see, rolls and turnout, the list of papers, receipts, results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from omov.audit.chain import GENESIS, link_hash
from omov.audit.models import AuditEntry, ChainHead, Job
from omov.ballots.errors import BallotError, NotPublished
from omov.ballots.models import MARK_METHODS, Ballot, Credential, Paper, Result, Voter
from omov.ballots.papers import (
    MERKLE_TREE,
    InclusionProof,
    chain_name,
    credential_hash,
    inclusion_proof,
    papers_root,
    read_paper,
    sorted_trackers,
    tracker_code,
)
from omov.members.models import Member

S = Ballot.State


def ballots_for_officer(*, user: Any) -> QuerySet[Ballot]:
    """Ballots a user may see in the admin: all for a superuser; else those they run or scrutinise."""
    if getattr(user, "is_superuser", False):
        return Ballot.objects.all()
    return Ballot.objects.filter(Q(returning_officers=user) | Q(scrutineers=user)).distinct()


def ballot_subjects_for(user: Any) -> list[str]:
    """The audit subjects of the ballots a user runs or observes (registered with omov.audit.scopes)."""
    ballots = Ballot.objects.filter(Q(returning_officers=user) | Q(scrutineers=user)).values_list("pk", flat=True)
    return [f"ballot:{pk}" for pk in set(ballots)]


def ballots_for_member(*, member: Member) -> QuerySet[Ballot]:
    """Open ballots on whose roll the member is, with whether they have voted (`has_voted`)."""
    return (
        Ballot.objects.filter(voters__member=member, state=S.OPEN)
        .annotate(has_voted=Count("voters", filter=Q(voters__member=member, voters__voted=True)))
        .order_by("closes_at")
    )


def published_ballots(*, organisation: Any = None) -> QuerySet[Ballot]:
    """Ballots whose results are public."""
    qs = Ballot.objects.filter(state=S.PUBLISHED).select_related("result")
    return qs.filter(organisation=organisation) if organisation is not None else qs


@dataclass(frozen=True)
class RollStats:
    """Numbers about a ballot's roll and delivery of credentials."""

    roll: int
    voted: int
    papers: int
    by_email: int
    by_post: int
    sent: int
    printed: int
    pending: int
    failed: int

    @property
    def turnout(self) -> float:
        return self.papers / self.roll if self.roll else 0.0


def roll_stats(*, ballot: Ballot) -> RollStats:
    """Size of the roll, how many have voted, and how credential delivery stands."""
    voters = Voter.objects.filter(ballot=ballot).aggregate(
        roll=Count("pk"),
        voted=Count("pk", filter=Q(voted=True)),
        email=Count("pk", filter=Q(channel=Voter.Channel.EMAIL)),
        post=Count("pk", filter=Q(channel=Voter.Channel.POST)),
    )
    creds = dict(
        Credential.objects.filter(ballot=ballot)
        .values_list("delivery")
        .annotate(n=Count("pk"))
        .values_list("delivery", "n")
    )
    return RollStats(
        roll=voters["roll"],
        voted=voters["voted"],
        papers=Paper.objects.filter(ballot=ballot).count(),
        by_email=voters["email"],
        by_post=voters["post"],
        sent=creds.get("sent", 0),
        printed=creds.get("printed", 0),
        pending=creds.get("pending", 0),
        failed=creds.get("failed", 0),
    )


def failed_deliveries(*, ballot: Ballot) -> list[tuple[str, str, str, int]]:
    """Voters whose credential email failed: (membership number, name, last error, attempts)."""
    return list(
        Credential.objects.filter(ballot=ballot, delivery=Credential.Delivery.FAILED)
        .order_by("voter__member__membership_number")
        .values_list("voter__member__membership_number", "voter__member__name", "last_error", "attempts")
    )


def jobs_for_ballot(*, ballot: Ballot) -> QuerySet[Job]:
    """The background jobs run for a ballot, newest first."""
    return Job.objects.filter(subject=f"ballot:{ballot.pk}")


@dataclass(frozen=True)
class PaperEntry:
    """One line of the published list of papers: nothing about when or in what order it was cast."""

    tracker: str
    choices: tuple[int, ...]
    content: bytes


def paper_list(*, ballot: Ballot, published_only: bool = True) -> list[PaperEntry]:
    """The ballot's papers sorted by tracker code (never in the order they were cast). Public once the result
    is published."""
    _clear_papers_only(ballot)
    if published_only and ballot.state != S.PUBLISHED:
        raise NotPublished(f"the papers of {ballot.title!r} are published with its result")
    rows = Paper.objects.filter(ballot=ballot).values_list("tracker", "content").iterator(chunk_size=5000)
    # Sorted here, not by the database: a collation must not decide the published order.
    return sorted((PaperEntry(t, read_paper(c), bytes(c)) for t, c in rows), key=lambda e: e.tracker)


def find_receipt(*, ballot: Ballot, tracker: str) -> PaperEntry | None:
    """The published paper with this tracker code, if any (what a voter checks their receipt against)."""
    if ballot.state != S.PUBLISHED:
        raise NotPublished(f"receipts can be checked once the result of {ballot.title!r} is published")
    _clear_papers_only(ballot)
    p = Paper.objects.filter(ballot=ballot, tracker=tracker.strip().lower()).first()
    if p is None:
        return None
    return PaperEntry(p.tracker, read_paper(p.content), bytes(p.content))


def receipt_proof(*, ballot: Ballot, tracker: str) -> InclusionProof | None:
    """The inclusion proof of a published tracker in the tree whose root the close recorded, or None if no
    paper of this ballot has that tracker."""
    if ballot.state != S.PUBLISHED:
        raise NotPublished(f"receipts can be checked once the result of {ballot.title!r} is published")
    code = tracker.strip().lower()
    if not Paper.objects.filter(ballot=ballot, tracker=code).exists():
        return None
    return inclusion_proof(sorted_trackers(_trackers(ballot)), code)


def _trackers(ballot: Ballot) -> Iterator[str]:
    return Paper.objects.filter(ballot=ballot).values_list("tracker", flat=True).iterator(chunk_size=5000)


def credential_status(*, ballot_id: int, credential: Any) -> tuple[str, str]:
    """(kind, message) for a credential in a ballot, read without spending it: kind is 'ok' (message ''),
    'malformed', 'unknown', 'other-ballot' or 'spent'."""
    try:
        digest = credential_hash(credential)
    except BallotError as exc:
        return "malformed", str(exc)
    row = Credential.objects.filter(token_hash=digest).values_list("ballot_id", "spent").first()
    if row is None:
        return "unknown", "This credential is not valid: check that you typed it as written in your email or letter."
    if row[0] != ballot_id:
        return "other-ballot", "This credential is for a different ballot: use the link or letter for this one."
    if row[1]:
        return "spent", "This credential has already been used to vote. Each credential can be used once."
    return "ok", ""


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    papers: int
    problem: str = ""


def verify_paper_chain(*, ballot: Ballot) -> ChainCheck:
    """Recompute every paper's tracker and chain hash; report the first that does not match."""
    name = chain_name(ballot)
    tracker_of = _verifiable_tracker(ballot) if ballot.verifiable else tracker_code
    previous, n = GENESIS, 0
    for p in Paper.objects.filter(ballot=ballot).order_by("position").iterator(chunk_size=5000):
        n += 1
        if p.position != n:
            return ChainCheck(False, n - 1, f"paper #{n} is missing")
        if tracker_of(bytes(p.content)) != p.tracker:
            return ChainCheck(False, n - 1, f"paper #{n}'s bytes do not match its tracker code")
        if p.previous_hash != previous or link_hash(name, previous, n, p.tracker.encode("ascii")) != p.entry_hash:
            return ChainCheck(False, n - 1, f"paper #{n} is not chained to paper #{n - 1}")
        previous = p.entry_hash
    head = ChainHead.objects.filter(name=name).first()
    if head is not None and (head.position != n or head.head_hash != previous):
        return ChainCheck(False, n, f"the list ends at #{n} but its head says #{head.position}")
    closed = closing_head(ballot=ballot)
    if closed is not None and (closed.papers != n or closed.head_hash != previous):
        return ChainCheck(
            False, n, f"the list ends at #{n}, but when voting closed it ended at #{closed.papers} "
            f"(audit entry #{closed.audit_position})"
        )
    if closed is not None and closed.root is not None:
        if papers_root(_trackers(ballot)) != closed.root:
            return ChainCheck(False, n, f"the papers' trackers no longer give the root recorded when voting closed "
                              f"(audit entry #{closed.audit_position})")  # fmt: skip
    return ChainCheck(True, n)


def _verifiable_tracker(ballot: Ballot) -> Any:
    """A verifiable paper's tracker from its stored cast JSON: the v4 tracker (docs/crypto.md §11), recomputed."""
    import json

    from omov.crypto.credentials import tracker_of

    fingerprint = bytes.fromhex(ballot.election.fingerprint)

    def recompute(content: bytes) -> str:
        cast = json.loads(content)
        return tracker_of(fingerprint, bytes.fromhex(cast["credential"]), bytes.fromhex(cast["paper"]),
                          bytes.fromhex(cast["proof"]))  # fmt: skip

    return recompute


def _clear_papers_only(ballot: Ballot) -> None:
    """The clear list of papers (choices per paper) exists only for ordinary ballots: a verifiable ballot's papers
    are ciphertexts, published on its board and in its election record."""
    if ballot.verifiable:
        raise BallotError(f"{ballot.title!r} is verifiable: its papers are encrypted; see its board and its record")


@dataclass(frozen=True)
class ClosingHead:
    """The list of papers as it stood when voting closed, from the audit log's entry for the close: how many
    papers, the root of the Merkle tree over their sorted trackers (public; None for a ballot closed before
    roots were recorded) and the private chain's head (the server's own check; never published)."""

    papers: int
    head_hash: str
    closed_at: Any
    audit_position: int
    audit_entry_hash: str
    root: str | None = None


def closing_head(*, ballot: Ballot) -> ClosingHead | None:
    """What the close recorded about the list of papers (None before the close, or for a ballot closed before
    the close recorded it)."""
    entry = (
        AuditEntry.objects.filter(subject=f"ballot:{ballot.pk}", action="ballot.close").order_by("-position").first()
    )
    if entry is None or "papers_head" not in entry.details:
        return None
    root = entry.details.get("papers_root")
    return ClosingHead(int(entry.details["papers"]), str(entry.details["papers_head"]), entry.at, entry.position,
                       entry.entry_hash, None if root is None else str(root))  # fmt: skip


def published_result(*, ballot: Ballot) -> Result:
    """The published result (elected, turnout, count sheet, BLT), or NotPublished."""
    if ballot.state != S.PUBLISHED:
        raise NotPublished(f"the result of {ballot.title!r} has not been published")
    return Result.objects.get(ballot=ballot)


MANIFEST_FORMAT = "omov-ballot-result"
MANIFEST_VERSION = 2  # 2: the list sorted by tracker and committed to by a Merkle root (1: a hash chain)


def result_manifest(*, ballot: Ballot, result: Result) -> dict[str, Any]:
    """What a scrutineer needs to check a counted ballot from its downloads alone (docs/checking.md): how it
    was counted (rule, options, seats, seed, balance constraints with their candidates), the candidates, the
    list of papers as recorded at the close (length and Merkle root, and the audit entry that recorded them),
    the declared result, and where the papers, the count sheet and the BLT file are."""

    closing = closing_head(ballot=ballot)
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "ballot": {
            "id": ballot.pk,
            "public_id": str(ballot.public_id),
            "title": ballot.title,
            "organisation": ballot.organisation.name,
            "state": ballot.state,
        },
        "count": {
            "rule": ballot.method,
            "options": ballot.options or {},
            "seats": ballot.seats,
            "seed": result.seed,
            "constraints": [
                {"group": c.group, "candidates": sorted(c.members), "minimum": c.minimum, "maximum": c.maximum}
                for c in rule_for(ballot).constraints
            ],
            "ranked": ballot.ranked,
        },
        "candidates": [
            {"number": c.number, "name": c.name, "withdrawn": c.withdrawn}
            for c in ballot.candidates.order_by("number")
        ],
        "papers": {
            "order": "tracker",
            "tree": MERKLE_TREE,
            "at_close": None
            if closing is None or closing.root is None
            else {
                "papers": closing.papers,
                "root": closing.root,
                "closed_at": closing.closed_at.isoformat(),
                "audit_position": closing.audit_position,
                "audit_entry_hash": closing.audit_entry_hash,
            },
        },
        "result": {
            "elected": list(result.elected),
            "papers": result.papers,
            "roll": result.roll,
            "counted_at": result.counted_at.isoformat() if result.counted_at else None,
        },
        "files": {
            "papers": f"/ballots/{ballot.pk}/papers.jsonl",
            "sheet": f"/ballots/{ballot.pk}/sheet.json",
            "blt": f"/ballots/{ballot.pk}/papers.blt",
        },
    }


# Entries whose details name a member or an address: shown to the ballot's officers and scrutineers, withheld from
# the public trail (the entry, its time, actor and hash stay visible, so the chain of events is still complete).
PRIVATE_TRAIL_ACTIONS = frozenset({"ballot.credential.reissued", "credential.rate-limited"})
# Details withheld from the public trail because they would tell the order in which papers were cast: the private
# chain's head at the close (with few papers every order can be tried against it), and the random seal that keeps
# the close entry's public hash from being tried against guessed heads in the same way.
ORDER_DETAILS = frozenset({"papers_head", "papers_seal"})
ORDER_WITHHELD = "withheld (would tell the order of casting)"


@dataclass(frozen=True)
class TrailEntry:
    position: int
    at: Any
    actor: str
    action: str
    details: dict[str, Any] | None  # None: withheld from this reader
    entry_hash: str


def ballot_trail(*, ballot: Ballot, public: bool) -> list[TrailEntry]:
    """Every audit-log entry about the ballot, oldest first; for the public, personal details withheld."""
    entries = AuditEntry.objects.filter(subject=f"ballot:{ballot.pk}").order_by("position")
    return [
        TrailEntry(e.position, e.at, e.actor, e.action, _trail_details(e, public), e.entry_hash)
        for e in entries.iterator(chunk_size=2000)
    ]


def _trail_details(entry: AuditEntry, public: bool) -> dict[str, Any] | None:
    if not public:
        return dict(entry.details)
    if entry.action in PRIVATE_TRAIL_ACTIONS:
        return None
    return {k: ORDER_WITHHELD if k in ORDER_DETAILS else v for k, v in entry.details.items()}


# Reads the services and pages share: a ballot's count rule, paper size, readiness, count profile ------------


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


def profile_for(ballot: Ballot) -> Any:
    """The ballot's papers as an omov.count Profile (candidates in paper order, identical papers grouped)."""
    from omov.count import Candidate as CountCandidate
    from omov.count import Profile

    _clear_papers_only(ballot)
    candidates = [CountCandidate(c.name, withdrawn=c.withdrawn) for c in ballot.candidates.order_by("number")]
    grouped: dict[tuple[int, ...], int] = {}
    for content in Paper.objects.filter(ballot=ballot).values_list("content", flat=True).iterator(chunk_size=5000):
        ranking = tuple(n - 1 for n in read_paper(content))
        grouped[ranking] = grouped.get(ranking, 0) + 1
    ordered = sorted(grouped.items())  # not in order of first casting: the BLT file is published in this order
    return Profile(tuple(candidates), tuple(r for r, _ in ordered), tuple(w for _, w in ordered), seats=ballot.seats,
                   title=ballot.title)


# The voter roll as its officers and scrutineers see it during the ballot ---------------------------------------
# Only *whether* each voter has voted (Voter.voted, set by `cast` with the credential spent): never when, nor
# anything about the paper. Reminders and reissues are dated; voting is not.

REMINDER_INTERVAL = dt.timedelta(hours=24)
ROLL_PAGE_SIZE = 50


@dataclass(frozen=True)
class RollLine:
    """One voter on the roll page: who, how their credential travels and where it stands, and whether they voted."""

    voter_id: int
    membership_number: str
    name: str
    email: str
    unit: str
    channel: str
    delivery: str
    attempts: int
    last_error: str
    voted: bool

    @property
    def status(self) -> str:
        """Where this voter stands, in words (a voter who voted: only that)."""
        if self.voted:
            return "voted"
        return {
            ("email", "pending"): "email not sent yet",
            ("post", "pending"): "letter not printed yet",
            ("email", "sent"): "emailed, not used yet",
            ("email", "failed"): "email bounced",
            ("post", "failed"): "email bounced",
        }.get((self.channel, self.delivery), "handed over or posted, not used yet")


def search_roll(*, ballot: Ballot, query: str = "") -> QuerySet[Voter]:
    """The ballot's voters whose name or email contains `query`, or whose membership number begins with it."""
    voters = Voter.objects.filter(ballot=ballot)
    query = query.strip()
    if query:
        voters = voters.filter(
            Q(member__name__icontains=query)
            | Q(member__membership_number__istartswith=query)
            | Q(member__email__icontains=query)
        )
    return voters.order_by("member__name", "member__membership_number")


def roll_lines(voters: Any) -> list[RollLine]:
    """The roll page's lines for some voters (a page of `search_roll`)."""
    rows = voters.values_list(
        "pk", "member__membership_number", "member__name", "member__email", "member__unit__name", "channel",
        "credential__delivery", "credential__attempts", "credential__last_error", "voted",
    )  # fmt: skip
    return [RollLine(*(v if v is not None else "" for v in row[:6]), row[6] or "pending", row[7] or 0, row[8] or "",
                     bool(row[9])) for row in rows]  # fmt: skip


def roll_line(*, voter: Voter) -> RollLine:
    """One voter's line (their page)."""
    return roll_lines(Voter.objects.filter(pk=voter.pk))[0]


@dataclass(frozen=True)
class Reissue:
    """A credential reissued to a voter: when, by whom and why (from the audit log)."""

    at: dt.datetime
    actor: str
    reason: str


def reissues_for(*, voter: Voter) -> list[Reissue]:
    """The reissues of this voter's credential, oldest first."""
    entries = AuditEntry.objects.filter(
        subject=f"ballot:{voter.ballot_id}",
        action="ballot.credential.reissued",
        details__membership_number=voter.member.membership_number,
    ).order_by("position")
    return [Reissue(e.at, e.actor, str(e.details.get("reason", ""))) for e in entries]


@dataclass(frozen=True)
class Pending:
    """Credentials not yet on their way: email voters the sending job has not reached, postal voters with no
    letter printed yet."""

    email: int
    post: int

    @property
    def total(self) -> int:
        return self.email + self.post


def pending_credentials(*, ballot: Ballot) -> Pending:
    """How many credentials are still pending, by channel."""
    counts = dict(
        Credential.objects.filter(ballot=ballot, delivery=Credential.Delivery.PENDING, spent=False)
        .values_list("voter__channel")
        .annotate(n=Count("pk"))
        .values_list("voter__channel", "n")
    )
    return Pending(email=counts.get(Voter.Channel.EMAIL, 0), post=counts.get(Voter.Channel.POST, 0))


def last_reminder(*, ballot: Ballot, now: dt.datetime | None = None) -> Job | None:
    """The reminder job of the last day, if any (one that failed without sending anything does not count)."""
    from django.utils import timezone

    since = (now or timezone.now()) - REMINDER_INTERVAL
    for job in Job.objects.filter(kind="send-reminders", subject=f"ballot:{ballot.pk}", created_at__gt=since):
        if job.state != Job.State.FAILED or job.result.get("sent"):
            return job
    return None


@dataclass(frozen=True)
class UnitTurnout:
    """Voters on the roll and how many of them have voted, in one unit (and the units below it)."""

    name: str
    roll: int
    voted: int

    @property
    def percent(self) -> float:
        return round(100 * self.voted / self.roll, 1) if self.roll else 0.0


def turnout_by_unit(*, ballot: Ballot) -> list[UnitTurnout]:
    """Turnout in each unit one level below the ballot's electorate (its units' children; the organisation's top
    units when the electorate is everyone), going further down while that level is a single unit. Voters whose
    unit is the electorate's own unit are counted on a line of their own."""
    from omov.members.models import Unit

    tops = list(ballot.electorate_units.all()) or list(Unit.objects.filter(organisation=ballot.organisation,
                                                                          parent__isnull=True))  # fmt: skip
    groups = list(Unit.objects.filter(parent__in=tops).order_by("name")) if tops else []
    while len(groups) == 1 and groups[0].children.exists():
        tops, groups = tops + groups, list(groups[0].children.order_by("name"))
    if not groups:
        groups, tops = tops, []
    tops.sort(key=lambda t: -len(t.path))  # a voter above the groups goes on the line of their nearest unit
    per_unit = (
        Voter.objects.filter(ballot=ballot)
        .values_list("member__unit__path")
        .annotate(roll=Count("pk"), voted=Count("pk", filter=Q(voted=True)))
        .values_list("member__unit__path", "roll", "voted")
    )
    totals: dict[str, list[int]] = {g.path: [0, 0] for g in groups}
    rest = {t.path: [0, 0] for t in tops}
    for path, roll, voted in per_unit:
        into = next((totals[g.path] for g in groups if path.startswith(g.path)), None)
        if into is None:
            into = next((rest[t.path] for t in tops if path.startswith(t.path)), None)
        if into is not None:
            into[0] += roll
            into[1] += voted
    lines = [UnitTurnout(g.name, *totals[g.path]) for g in groups if totals[g.path][0]]
    lines += [UnitTurnout(f"{t.name} (not in a unit below it)", *rest[t.path]) for t in tops if rest[t.path][0]]
    return lines
def ballots_run_by(*, user: Any, limit: int = 200) -> list[Ballot]:
    """Ballots `user` runs or observes, named on them or by appointment for their units (newest first)."""
    from omov.ballots.permissions import is_observer
    from omov.members.models import Appointment

    named = Ballot.objects.filter(Q(returning_officers=user) | Q(scrutineers=user))
    orgs = Appointment.objects.filter(user=user).values("organisation")
    found = (named | Ballot.objects.filter(organisation__in=orgs)).distinct().select_related("organisation")
    if getattr(user, "is_superuser", False):
        found = Ballot.objects.select_related("organisation")
    return [b for b in found.order_by("-created_at")[:limit] if is_observer(actor=user, ballot=b)]
