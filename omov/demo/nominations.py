"""The demo's nominations: a deputy leadership round still collecting, two trigger ballots, two open selections.

Everything goes through omov.nominations.services (and the ballot services for the round's draft ballot), as the
returning officer, so the demo exercises production code. What it makes, so that every page under /nominations/
has something to show:

- The parliamentary party: one MP for each of 42 seats the party holds, chosen from the demo's members. One has
  lost the whip since nominating, so the tracker shows a nomination that no longer counts.
- "Deputy Leader: nominations" under the 2021 rule book (20% of MPs, and 5% of CLPs or three affiliates), open,
  pointing at a draft IRV ballot. Four candidates: one over the threshold by the CLP route, one by the affiliates
  route, one MP nomination short (8 of 9: 20% of 41 rounded up), one far short. One MP withdrew a nomination and
  made another. Under every older rule book the close candidate would qualify, which the what-if page shows.
- A trigger ballot in North 3, decided: one of the two branches voted to open the selection, which is a third of
  the branches that voted, so an open selection of North 3 started and is taking nominations.
- A trigger ballot in East 5, under way: three units have voted, none to open (an officer can record the rest).
- An open selection in South 2, a seat the party does not hold: nominations closed, a longlist of four, a
  shortlist of three meeting the gender-balance rule, two hustings booked; the members' ballot is the next step.

Nothing closes before its advertised time (the services refuse that, so that no nominator loses time they were
promised). The parts that must be closed (the North 3 trigger ballot, the South 2 nominations) therefore close
a fraction of a second after they are made, and the demo waits for that moment while it seeds the rest.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from omov.demo.context import DEMO_MEMBER, DemoContext

SEATS_HELD = 42
# The deputy leadership candidates (invented names): MP nominations, CLP nominations, affiliates' codes.
# With 42 MPs, one of whom leaves the group, 20% of 41 is 8.2, rounded up to 9; 5% of 60 CLPs is 3.
DEPUTY = [
    ("Harriet Quayle", "woman", 15, 7, ()),  # over: MPs and CLPs (one of her MPs has since lost the whip)
    ("Idris Penhallow", "man", 8, 4, ("U2",)),  # close: one MP nomination short
    ("Nadia Ferreira-Lund", "woman", 3, 1, ()),  # short
    ("Owen Tregarthen", "man", 11, 1, ("U1", "U3", "S1")),  # over: MPs and three affiliates, two of them unions
]
# South 2's selection (invented names): candidate, gender, the units (branch number or affiliate code) nominating.
SOUTH = [
    ("Yasmin Corrigan", "woman", ("1", "U3")),
    ("Farid Haddon", "man", ("2",)),
    ("Beth Aldous", "woman", ("U1", "S1")),
    ("Martin Pyke", "man", ("U2",)),
    ("Declan Hollis", "man", ()),  # nobody nominated him: he is not longlisted
]
SHORTLIST = ["Yasmin Corrigan", "Beth Aldous", "Farid Haddon"]
CHALLENGER = ("Leanne Sowerby", "woman")
# How long the parts that must close stay open, in seconds; tried again with more time on a slow machine.
WINDOWS = (0.2, 1.0, 5.0)


@dataclass
class _Places:
    north: Any  # North 3: the decided trigger ballot, and the selection it opened
    east: Any  # East 5: the trigger ballot under way
    south: Any  # South 2: the open selection at the hustings stage
    affiliates: dict[str, Any]  # by code


def seed_nominations(ctx: DemoContext) -> list[str]:
    """Seed the nominations part of the demo through the services; returns lines for the demo's summary."""
    from django.test.utils import override_settings

    with override_settings(DEBUG=False):  # no query logging while seeding
        return _seed(ctx)


def _seed(ctx: DemoContext) -> list[str]:
    """Seed it all, then describe it from the selectors (so the summary says what the pages show)."""
    from omov.nominations import selectors

    places = _places(ctx)
    mps = _mps(ctx, places)
    # Random numbers for the timed part are drawn first, so a retry on a slow machine draws the same ones.
    meetings = [_meeting(ctx.rng) for _ in range(2 + sum(len(units) for *_, units in SOUTH))]
    trigger, south, closes_at = _before_close(ctx, places, mps, meetings)
    # The deputy leadership round and the second trigger ballot are seeded while the first part waits to close.
    deputy = _deputy_round(ctx, places, mps)
    east = _trigger_under_way(ctx, places, mps)
    _wait_until(closes_at)
    north = _after_close(ctx, trigger, south)

    board = selectors.tracker(round=deputy)
    rows = {r.candidate: r for r in board.rows}
    close = rows[DEPUTY[1][0]]
    mp_term = next(t for t in close.terms if t.term.startswith("mp"))
    east_state = selectors.trigger_state(trigger=east)
    north_state = trigger.decision_record
    return [
        f"Nominations: the Deputy Leader round, open until {deputy.closes_at.day} {deputy.closes_at:%B}, under the "
        f"2021 rule book ({board.expression}): {len(board.qualified)} of {len(rows)} candidates over the threshold "
        f"({', '.join(board.qualified)}); {close.candidate} is {mp_term.still_needed} MP nomination short "
        f"({mp_term.have} of {mp_term.need}).",
        f"Trigger ballots: {places.north.name} ({trigger.representative}) decided: "
        f"{trigger.get_outcome_display()} ({north_state['branches']['open']} of {north_state['branches']['voted']} "
        f"branches voting chose open); {places.east.name} ({east.representative}) under way, "
        f"{east_state.branches.voted + east_state.affiliates.voted} units voted, "
        f"{east_state.branches.open + east_state.affiliates.open or 'none'} to open so far.",
        f"Open selections: {places.south.name} at the hustings stage (shortlist {', '.join(SHORTLIST)}); "
        f"{places.north.name} taking nominations ({', '.join(north)}).",
        f"All at /nominations/; as the returning officer, record a nomination at "
        f"/nominations/rounds/{deputy.pk}/record/ or {places.east.name}'s next trigger vote at "
        f"/nominations/triggers/{east.pk}/record/.",
    ]


def _places(ctx: DemoContext) -> _Places:
    """The constituencies the demo uses, by their names, and the affiliates by code."""
    by_name = {c.name: c for c in ctx.constituencies}
    return _Places(
        north=by_name["North 3"],
        east=by_name["East 5"],
        south=by_name["South 2"],
        affiliates={a.code: a for a in ctx.affiliates},
    )


def _mps(ctx: DemoContext, places: _Places) -> dict[int, Any]:
    """The MP of each seat held (constituency pk → member), from the demo's members in good standing.

    North 3 and East 5 are held (their MPs face trigger ballots), South 2 is not (it selects a candidate to win it).
    An MP lives in their seat where the seat has a member to spare; at small demo sizes, anywhere.
    """
    from omov.members.models import Member

    others = [c for c in ctx.constituencies if c.pk not in (places.north.pk, places.east.pk, places.south.pk)]
    held = [places.north, places.east, *ctx.rng.sample(others, SEATS_HELD - 2)]
    pool = list(
        Member.objects.filter(organisation=ctx.org, status="active", category="member")
        .exclude(membership_number=DEMO_MEMBER)  # the demo member stays an ordinary member
        .select_related("unit")
        .order_by("membership_number")
    )
    if len(pool) < SEATS_HELD:
        raise ValueError(f"the nominations demo needs at least {SEATS_HELD} members in good standing")
    by_seat: dict[int, list[Any]] = {}
    for m in pool:
        by_seat.setdefault(m.unit.parent_id, []).append(m)
    chosen: dict[int, Any] = {}
    for seat in held:
        local = by_seat.get(seat.pk)
        if local:
            chosen[seat.pk] = local.pop(ctx.rng.randrange(len(local)))
    taken = {m.pk for m in chosen.values()}
    spare = [m for m in pool if m.pk not in taken]
    for seat in held:
        if seat.pk not in chosen:
            chosen[seat.pk] = spare.pop(ctx.rng.randrange(len(spare)))
    return chosen


def _meeting(rng: Any) -> tuple[int, int, int, int]:
    """A meeting's vote: (winning side, losing side, abstentions, days ago)."""
    won = rng.randint(18, 60)
    return won, rng.randint(2, won * 2 // 3), rng.randint(0, 5), rng.randint(1, 10)


def _today() -> dt.date:
    """Today in the site's time zone (meetings cannot be dated in the future)."""
    return timezone.localdate()


def _before_close(
    ctx: DemoContext, places: _Places, mps: dict[int, Any], meetings: list[tuple[int, int, int, int]]
) -> tuple[Any, Any, dt.datetime]:
    """North 3's trigger ballot with its votes, and South 2's selection with its nominations, closing very soon.

    Made in one transaction: if the machine is too slow to record them before the close, nothing is kept and
    it is tried again with more time.
    """
    from omov.nominations import services as ns
    from omov.nominations.errors import RoundClosed

    for window in WINDOWS:
        try:
            with transaction.atomic():
                closes_at = timezone.now() + dt.timedelta(seconds=window)
                trigger = _north_trigger(ctx, places, mps, meetings, closes_at)
                south = ns.start_selection(
                    constituency=places.south, actor=ctx.officer, title=f"Selection: {places.south.name}",
                    opens_at=ctx.now - dt.timedelta(days=21), closes_at=closes_at,
                )
                for name, gender, _ in SOUTH:
                    ns.add_candidate(round=south.round, name=name, gender=gender, actor=ctx.officer)
                ns.open_round(round=south.round, actor=ctx.officer)
                branches = _branches(places.south)
                candidates = {c.name: c for c in south.round.candidates.all()}
                units = [(name, who) for name, _, nominators in SOUTH for who in nominators]
                for (name, who), (won, lost, abstained, ago) in zip(units, meetings[2:], strict=False):
                    unit = branches[int(who) - 1] if who.isdigit() else places.affiliates[who]
                    ns.nominate(
                        round=south.round, candidate=candidates[name], unit=unit, actor=ctx.officer,
                        meeting_date=_today() - dt.timedelta(days=ago + 4), votes_for=won,
                        votes_against=lost, abstentions=abstained,
                    )
                return trigger, south, closes_at
        except RoundClosed:
            continue  # too slow for the window: rolled back, try again with more time
    raise RuntimeError(f"the nominations demo could not record its votes within {WINDOWS[-1]:g} seconds")


def _branches(constituency: Any) -> list[Any]:
    """A constituency's branches, in code order (ward 1, ward 2)."""
    from omov.members.models import Unit

    return list(Unit.objects.filter(parent=constituency, kind=Unit.Kind.BRANCH).order_by("code"))


def _north_trigger(
    ctx: DemoContext, places: _Places, mps: dict[int, Any], meetings: list[tuple[int, int, int, int]],
    closes_at: dt.datetime,
) -> Any:
    """North 3: one branch votes to open, the other and three unions to reselect; a third of those voting fires it."""
    from omov.nominations import services as ns

    mp = mps[places.north.pk]
    trigger = ns.create_trigger_ballot(
        constituency=places.north, representative=mp.name, representative_member=mp, closes_at=closes_at,
        actor=ctx.officer, affiliates=[places.affiliates[c] for c in ("U1", "U2", "U3")],
    )
    ward1, ward2 = _branches(places.north)[:2]
    for unit, choice, (won, lost, abstained, ago) in [(ward1, "open", meetings[0]), (ward2, "reselect", meetings[1])]:
        opened, reselect = (won, lost) if choice == "open" else (lost, won)
        ns.record_trigger_vote(
            trigger=trigger, unit=unit, choice=choice, votes_open=opened, votes_reselect=reselect,
            abstentions=abstained, meeting_date=_today() - dt.timedelta(days=ago), actor=ctx.officer,
        )
    for code in ("U1", "U2", "U3"):  # the unions' branches report their decision only
        ns.record_trigger_vote(trigger=trigger, unit=places.affiliates[code], choice="reselect", actor=ctx.officer)
    return trigger


def _deputy_round(ctx: DemoContext, places: _Places, mps: dict[int, Any]) -> Any:
    """The parliamentary party, a draft ballot, and the deputy leadership round with its nominations, left open."""
    from omov.ballots import services as bs
    from omov.nominations import services as ns

    officer, rng, today = ctx.officer, ctx.rng, _today()
    group = ns.create_group(organisation=ctx.org, code="plp", name="Parliamentary Party", actor=officer)
    elected = (ctx.now - dt.timedelta(days=640)).date()
    members = list(mps.values())
    for member in members:
        ns.join_group(group=group, member=member, actor=officer, on=elected)
    ballot = bs.create_ballot(
        organisation=ctx.org, title="Deputy Leader", method="irv", actor=ctx.admin,  # creating a ballot needs an admin
        description="The alternative vote. The candidates who meet the nomination threshold go onto this ballot "
        "when the returning officer confirms the nominations.",
        opens_at=ctx.now + dt.timedelta(days=16), closes_at=ctx.now + dt.timedelta(days=37),
        returning_officers=[officer],
    )
    rnd = ns.create_round(
        organisation=ctx.org, title="Deputy Leader: nominations", rule="2021", parliamentary_group=group,
        ballot=ballot, opens_at=ctx.now - dt.timedelta(days=12), closes_at=ctx.now + dt.timedelta(days=9),
        actor=officer,
    )
    candidates = [ns.add_candidate(round=rnd, name=name, gender=gender, actor=officer)
                  for name, gender, *_ in DEPUTY]
    ns.open_round(round=rnd, actor=officer)

    # MPs: the sitting MPs facing trigger ballots are kept out of the one who loses the whip.
    facing = {mps[places.north.pk].pk, mps[places.east.pk].pk}
    order = [m for m in members if m.pk not in facing]
    rng.shuffle(order)
    order[1:1] = [m for m in members if m.pk in facing]  # the first MP (who leaves) is never one of them
    leaver = order[0]
    queue = iter(order)
    switcher = None
    for cand, (_, _, n_mps, _, _) in zip(candidates, DEPUTY, strict=True):
        for _ in range(n_mps):
            mp = next(queue)
            if cand is candidates[3] and switcher is None:
                # This MP first nominated the candidate who is short, then withdrew to nominate another.
                switcher = mp
                first = ns.nominate(round=rnd, candidate=candidates[2], member=mp, actor=officer)
                ns.withdraw_nomination(nomination=first, actor=officer,
                                       reason=f"{mp.name} asked to nominate {cand.name} instead")
            ns.nominate(round=rnd, candidate=cand, member=mp, actor=officer)

    # CLPs: each by its all-member meeting's vote, within the last ten days.
    clps = rng.sample(ctx.constituencies, sum(d[3] for d in DEPUTY))
    for cand, (_, _, _, n_clps, affiliates) in zip(candidates, DEPUTY, strict=True):
        for _ in range(n_clps):
            won, lost, abstained, ago = _meeting(rng)
            ns.nominate(round=rnd, candidate=cand, unit=clps.pop(), actor=officer, meeting_date=today -
                        dt.timedelta(days=ago), votes_for=won, votes_against=lost, abstentions=abstained)
        for code in affiliates:  # a union's executive, or the society's, votes on it
            won = rng.randint(12, 30)
            ns.nominate(round=rnd, candidate=cand, unit=places.affiliates[code], actor=officer,
                        meeting_date=today - dt.timedelta(days=rng.randint(1, 10)), votes_for=won,
                        votes_against=rng.randint(0, won // 3), abstentions=rng.randint(0, 3))
    ns.leave_group(group=group, member=leaver, actor=officer, on=today)  # lost the whip: no longer counts
    return rnd


def _trigger_under_way(ctx: DemoContext, places: _Places, mps: dict[int, Any]) -> Any:
    """East 5: one branch and two unions have voted to reselect; a branch, a union and the society have not."""
    from omov.nominations import services as ns

    mp = mps[places.east.pk]
    trigger = ns.create_trigger_ballot(
        constituency=places.east, representative=mp.name, representative_member=mp,
        closes_at=ctx.now + dt.timedelta(days=10), actor=ctx.officer, affiliates=list(places.affiliates.values()),
    )
    won, lost, abstained, ago = _meeting(ctx.rng)
    ns.record_trigger_vote(
        trigger=trigger, unit=_branches(places.east)[0], choice="reselect", votes_reselect=won, votes_open=lost,
        abstentions=abstained, meeting_date=_today() - dt.timedelta(days=ago), actor=ctx.officer,
    )
    for code in ("U1", "U2"):
        ns.record_trigger_vote(trigger=trigger, unit=places.affiliates[code], choice="reselect", actor=ctx.officer)
    return trigger


def _wait_until(moment: dt.datetime) -> None:
    """Sleep until `moment` has passed (at most a fraction of a second, spent seeding the rest meanwhile)."""
    delay = (moment - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay + 0.005)


def _after_close(ctx: DemoContext, trigger: Any, south: Any) -> list[str]:
    """Decide North 3 (an open selection starts) and take South 2 to hustings; returns North 3's candidates."""
    from omov.nominations import services as ns

    officer, rng, today = ctx.officer, ctx.rng, _today()
    ns.decide_trigger(trigger=trigger, actor=officer)
    north = trigger.selection
    name, gender = CHALLENGER
    challenger = ns.add_candidate(round=north.round, name=name, gender=gender, actor=officer)
    sitting = north.round.candidates.get(sitting=True)
    ward1 = _branches(north.constituency)[0]
    won, lost, abstained, _ = _meeting(rng)
    ns.nominate(round=north.round, candidate=challenger, unit=ward1, actor=officer, meeting_date=today,
                votes_for=won, votes_against=lost, abstentions=abstained)
    ns.nominate(round=north.round, candidate=sitting, unit=trigger.affiliates.get(code="U1"), actor=officer,
                meeting_date=today, votes_for=rng.randint(12, 30), votes_against=rng.randint(0, 5))

    ns.draw_longlist(selection=south, actor=officer)
    ns.set_shortlist(selection=south, names=SHORTLIST, actor=officer)
    evening = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=5), dt.time(19, 0)))
    ns.add_hustings(selection=south, starts_at=evening, place="Southgate Community Centre, main hall", actor=officer)
    ns.add_hustings(selection=south, starts_at=evening + dt.timedelta(days=3), place="Online (the link is emailed "
                    "to every member of the constituency)", actor=officer)
    return [sitting.name, challenger.name]
