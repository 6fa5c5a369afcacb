"""What each of the returning officer's irreversible steps will do, read before it is done (no writes).

The confirmation page (`ballots/confirm_step.html`) shows a `StepPreview` before the officer confirms opening,
closing, publishing or cancelling a ballot: the consequences in numbers (who gets an email, how many on the roll
have not voted), the advertised times, and why the step cannot be taken now if it cannot. The services enforce
the same guards on their own; this module only says in advance what they would do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from omov.audit.models import Job
from omov.ballots.models import Ballot, Result, Voter
from omov.ballots.when import how_long_until, when
from omov.members.selectors import eligible_members

S = Ballot.State

CONFIRMED_STEPS = ("open", "close", "publish", "cancel")
_FROM = {
    "open": (S.READY,),
    "close": (S.OPEN,),
    "publish": (S.COUNTED,),
    "cancel": (S.DRAFT, S.READY, S.OPEN, S.CLOSED, S.COUNTED),
}


@dataclass(frozen=True)
class StepPreview:
    """One step as the confirmation page states it."""

    action: str
    heading: str
    button: str
    facts: list[str] = field(default_factory=list)
    warning: str = ""  # what cannot be undone, or who loses what: shown above the button
    problem: str = ""  # why the step cannot be taken now ('' when it can); no button then
    fields: dict[str, str] = field(default_factory=dict)  # hidden fields the confirming POST carries
    needs_reason: bool = False
    early: bool = False


def preview_step(*, ballot: Ballot, action: str) -> StepPreview:
    """What `action` (open, close, publish, cancel) would do to `ballot` now."""
    allowed = _FROM[action]
    if ballot.state not in allowed:
        return StepPreview(
            action=action,
            heading=f"{action.capitalize()} {ballot.title}",
            button="",
            problem=(
                f"Cannot {action} {ballot.title!r}: it is {ballot.state}, and only a ballot that is "
                f"{' or '.join(allowed)} can be."
            ),
        )
    return {"open": _open, "close": _close, "publish": _publish, "cancel": _cancel}[action](ballot)


def _roll(ballot: Ballot) -> tuple[int, int, int]:
    """(on the roll, voted, with an email address) for a ballot that has opened."""
    counts = Voter.objects.filter(ballot=ballot).aggregate(
        roll=Count("pk"), voted=Count("pk", filter=Q(voted=True)), email=Count("pk", filter=~Q(member__email=""))
    )
    return counts["roll"], counts["voted"], counts["email"]


def _closing_sentence(ballot: Ballot) -> str:
    if ballot.closes_at is None:
        return "No closing time is set: voting stays open until you close it."
    return f"Voting closes at {when(ballot.closes_at)}, in {how_long_until(ballot.closes_at)}."


def _open(ballot: Ballot) -> StepPreview:
    now = timezone.now()
    if Job.under_way(kind="open-ballot", subject=f"ballot:{ballot.pk}"):
        return StepPreview(
            action="open", heading=f"Open {ballot.title}", button="",
            problem=f"The opening of {ballot.title!r} is already under way: see its job on the ballot's page.",
        )  # fmt: skip
    if ballot.closes_at is not None and ballot.closes_at <= now:
        return StepPreview(
            action="open", heading=f"Open {ballot.title}", button="",
            problem=(f"Cannot open {ballot.title!r}: its closing time, {when(ballot.closes_at)}, has passed. Return it "
                     f"to draft in the administration and change its timetable."),
        )  # fmt: skip
    members = eligible_members(
        organisation=ballot.organisation,
        units=list(ballot.electorate_units.all()),
        statuses=ballot.statuses,
        joined_on_or_before=ballot.freeze_date,
        allow_arrears=ballot.allow_arrears,
        supporters_allowed=ballot.supporters_allowed,
    )
    eligible = members.count()
    by_post = members.filter(Q(postal=True) | Q(email="")).count()
    facts = [
        f"The roll is frozen now: {eligible} member{'' if eligible == 1 else 's'} can vote.",
        f"{eligible - by_post} credential email{'' if eligible - by_post == 1 else 's'} are sent straight away "
        f"(a background job); {by_post} postal voter{'' if by_post == 1 else 's'} need letters, printed from the "
        f"administration.",
        _closing_sentence(ballot),
    ]
    if ballot.opens_at is not None and now < ballot.opens_at:
        return StepPreview(
            action="open",
            heading="Open voting before its opening time?",
            button="Open voting now",
            facts=facts,
            warning=(
                f"This ballot is advertised to open at {when(ballot.opens_at)}, in {how_long_until(ballot.opens_at)}, "
                f"and opens itself then. Opening now moves its opening time to now: the change is recorded in the "
                f"audit trail, and the credential emails and the voting page give the new time. Members who were "
                f"told the old time may not expect to vote yet."
            ),
            fields={"open_now": "yes"},
            early=True,
        )
    if ballot.opens_at is not None:
        facts.insert(0, f"Its opening time, {when(ballot.opens_at)}, has come.")
    return StepPreview(
        action="open",
        heading="Open voting?",
        button="Open voting",
        facts=facts,
        warning="Once the credentials are sent the roll cannot change; the ballot can still be cancelled.",
    )


def _close(ballot: Ballot) -> StepPreview:
    now = timezone.now()
    roll, voted, _ = _roll(ballot)
    not_voted = roll - voted
    facts = [
        f"{voted} of the {roll} on the roll have voted; {not_voted} have not.",
        "No more papers can be cast. The list of papers is fixed and its root is written in the audit trail.",
    ]
    if ballot.count_when_closed:
        facts.append("The count starts straight away (the ballot is set to be counted when it closes).")
    if ballot.closes_at is not None and now < ballot.closes_at:
        ahead = how_long_until(ballot.closes_at)
        return StepPreview(
            action="close",
            heading="Close voting early?",
            button=f"Close voting now, {ahead} early",
            facts=[f"Voting is advertised to close at {when(ballot.closes_at)}, in {ahead}.", *facts],
            warning=(
                f"{not_voted} of the {roll} on the roll have not voted. If you close now, they lose their vote. "
                f"A closed ballot cannot be opened again."
            ),
            fields={"early": "yes"},
            early=True,
        )
    return StepPreview(
        action="close",
        heading="Close voting?",
        button="Close voting",
        facts=facts,
        warning=f"{not_voted} of the {roll} on the roll have not voted. A closed ballot cannot be opened again.",
    )


def _publish(ballot: Ballot) -> StepPreview:
    result = Result.objects.filter(ballot=ballot).first()
    elected = ", ".join(result.elected) if result and result.elected else "nobody"
    facts = [
        f"Elected: {elected}" + (f" ({result.papers} papers of {result.roll} on the roll)." if result else "."),
        "Everyone, members and the public, sees the result, the count sheet, the anonymised papers (BLT) and "
        "the list of tracker codes; the ballot's audit trail becomes public.",
    ]
    return StepPreview(
        action="publish",
        heading="Publish the result?",
        button="Publish the result",
        facts=facts,
        warning="A published result cannot be withdrawn.",
    )


def _cancel(ballot: Ballot) -> StepPreview:
    roll, voted, emailed = _roll(ballot)
    facts = []
    if ballot.state == S.OPEN:
        facts.append(
            f"Voting stops at once: the credentials stop working; the {voted} vote{'' if voted == 1 else 's'} cast "
            f"{'is' if voted == 1 else 'are'} never counted."
        )
    elif ballot.state in (S.CLOSED, S.COUNTED):
        facts.append("No result is declared; the votes cast are never published.")
    if roll:
        facts.append(
            f"Each of the {emailed} voters on the roll with an email address is emailed that the ballot is cancelled, "
            f"with the reason you give (a background job)."
        )
        if roll - emailed:
            facts.append(f"{roll - emailed} on the roll have no email address: write to them.")
    else:
        facts.append("Nobody is on a roll yet (it has not opened), so nobody is emailed.")
    return StepPreview(
        action="cancel",
        heading="Cancel this ballot?",
        button="Cancel the ballot",
        facts=facts,
        warning="A cancelled ballot cannot be run again: to hold the vote, set up a new ballot.",
        needs_reason=True,
    )
