"""Motions: drafting, supporting and withdrawing support until the threshold and the deadline, amendments,
composites, and the vote as an ordinary omov ballot, counted and published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.audit.selectors import verify_audit_chain
from omov.ballots import services as bs
from omov.ballots.models import Ballot
from omov.voice import services as vs
from omov.voice.errors import AlreadyDone, InvalidInput, NotAllowed, WrongState
from omov.voice.models import Motion, Support
from tests.conftest_django import open_and_issue

M = Motion.State


def test_a_member_drafts_and_publishes_a_motion_with_the_units_threshold(voice):
    m0 = voice.members[0]
    motion = vs.draft_motion(member=m0, unit=voice.b1, title="  Better   buses ", text="We call for buses.")
    assert motion.state == M.DRAFT and motion.title == "Better buses"
    vs.update_motion(motion=motion, member=m0, title="Better buses", text="We call for more buses.")
    vs.publish_motion(motion=motion, member=m0)
    motion.refresh_from_db()
    assert motion.state == M.SUPPORT and motion.threshold == 3
    assert motion.support_deadline - motion.published_at == dt.timedelta(days=28)
    with pytest.raises(WrongState):
        vs.update_motion(motion=motion, member=m0, title="x", text="changed after publication")
    assert AuditEntry.objects.filter(action="motion.publish", subject=f"motion:{motion.pk}").exists()


def test_drafting_needs_membership_of_the_unit_and_text(voice):
    with pytest.raises(NotAllowed):
        vs.draft_motion(member=voice.members[9], unit=voice.b1, title="T", text="x")  # M009 is in B2
    with pytest.raises(InvalidInput):
        vs.draft_motion(member=voice.members[0], unit=voice.b1, title="  ", text="x")
    with pytest.raises(InvalidInput):
        vs.draft_motion(member=voice.members[0], unit=voice.b1, title="T" * 201, text="x")
    # a branch member may propose in the constituency above the branch
    assert vs.draft_motion(member=voice.members[0], unit=voice.c1, title="T", text="x").unit == voice.c1


def test_a_share_threshold_rounds_up_and_the_larger_rule_applies(voice):
    vs.set_motion_threshold(unit=voice.c2, supporters=1, share="0.5", actor=voice.officer)
    assert vs.supporters_needed(voice.c2) == 2  # 4 members in C2 (B2): 50% = 2 > 1
    vs.set_motion_threshold(unit=voice.c2, supporters=1, share="0.3", actor=voice.officer)
    assert vs.supporters_needed(voice.c2) == 2  # 30% of 4 = 1.2, rounded up
    assert vs.supporters_needed(voice.b2) == 2  # B2 inherits C2's rule
    with pytest.raises(InvalidInput):
        vs.set_motion_threshold(unit=voice.c2, supporters=0, share=0, actor=voice.officer)


def test_support_reaches_the_threshold_withdrawal_drops_below_it_and_twice_is_refused(voice, make_motion):
    motion = make_motion()
    a, b, c = voice.members[1:4]
    vs.support_motion(motion=motion, member=a)
    with pytest.raises(AlreadyDone):
        vs.support_motion(motion=motion, member=a)
    vs.support_motion(motion=motion, member=b)
    assert motion.state == M.SUPPORT
    vs.support_motion(motion=motion, member=c)
    assert motion.state == M.QUALIFIED and motion.qualified_at is not None
    vs.withdraw_support(motion=motion, member=b)
    assert motion.state == M.SUPPORT and Support.objects.filter(motion=motion).count() == 2
    with pytest.raises(WrongState):
        vs.withdraw_support(motion=motion, member=b)
    vs.support_motion(motion=motion, member=b)
    assert motion.state == M.QUALIFIED
    actions = list(AuditEntry.objects.filter(subject=f"motion:{motion.pk}").values_list("action", flat=True))
    assert actions.count("motion.support") == 4 and "motion.support.withdraw" in actions
    assert "motion.qualified" in actions and "motion.below-threshold" in actions


def test_support_only_from_the_unit_and_only_until_the_deadline(voice, make_motion):
    motion = make_motion()
    with pytest.raises(NotAllowed):
        vs.support_motion(motion=motion, member=voice.members[10])  # B2
    later = motion.support_deadline + dt.timedelta(seconds=1)
    with pytest.raises(WrongState, match="deadline"):
        vs.support_motion(motion=motion, member=voice.members[1], now=later)
    vs.support_motion(motion=motion, member=voice.members[1])
    with pytest.raises(WrongState, match="deadline"):
        vs.withdraw_support(motion=motion, member=voice.members[1], now=later)
    assert vs.close_expired_motions(now=later) == 1
    motion.refresh_from_db()
    assert motion.state == M.FELL and motion.supports.count() == 1  # the support already given is kept


def test_amendment_points_at_its_motion_and_composite_keeps_history(voice, make_motion):
    first = make_motion(title="Buses")
    amendment = vs.draft_motion(
        member=voice.members[2], unit=voice.b1, title="Buses: add trams", text="Add trams.", amends=first
    )
    assert amendment.kind == Motion.Kind.AMENDMENT and list(first.amendments.all()) == [amendment]
    second = make_motion(title="Trams", proposer=voice.members[3])
    vs.support_motion(motion=first, member=voice.members[4])
    with pytest.raises(NotAllowed):
        vs.composite_motions(
            motions=[first, second], title="Transport", text="Buses and trams.", actor=voice.other_officer
        )
    composite = vs.composite_motions(
        motions=[first, second], title="Transport", text="Buses and trams.", actor=voice.officer
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert composite.kind == Motion.Kind.COMPOSITE and composite.state == M.QUALIFIED
    assert {first.state, second.state} == {M.COMPOSITED}
    assert set(composite.composited_from.all()) == {first, second}
    assert first.supports.count() == 1 and first.text == "This branch calls for better buses."
    entry = AuditEntry.objects.get(action="motion.composite")
    assert sorted(entry.details["from"]) == sorted([first.pk, second.pk])


def test_a_qualified_motion_becomes_a_yes_no_ballot_counted_and_published(voice, make_motion):
    motion = make_motion()
    for m in voice.members[1:4]:
        vs.support_motion(motion=motion, member=m)
    with pytest.raises(NotAllowed):
        vs.put_motion_to_vote(motion=motion, actor=voice.scrutineer)
    ballot = vs.put_motion_to_vote(motion=motion, actor=voice.officer)
    motion.refresh_from_db()
    assert motion.state == M.BALLOT and motion.ballot == ballot
    assert ballot.state == Ballot.State.READY and ballot.method == "fptp"
    assert [c.name for c in ballot.candidates.all()] == ["Yes", "No"]
    assert list(ballot.electorate_units.all()) == [voice.b1]
    with pytest.raises(WrongState):
        vs.support_motion(motion=motion, member=voice.members[5])
    tokens = open_and_issue(ballot, voice.officer)
    assert len(tokens) == 8  # the roll is B1's eight members
    for token, choice in zip(tokens, [1, 1, 1, 2, 1, 2], strict=False):
        bs.cast(credential=token, paper=[choice])
    bs.close_ballot(ballot=ballot, actor=voice.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=voice.officer)
    with pytest.raises(WrongState, match="not published"):
        vs.record_motion_outcome(motion=motion)
    bs.publish_result(ballot=ballot, actor=voice.officer)
    vs.record_motion_outcome(motion=motion)
    assert motion.state == M.DECIDED and motion.outcome == "carried"
    assert verify_audit_chain().ok


def test_competing_motions_go_to_a_ranked_priorities_ballot(voice, make_motion):
    vs.set_motion_threshold(unit=voice.b1, supporters=1, actor=voice.officer)
    motions = [make_motion(title=t) for t in ("Buses", "Housing", "Schools")]
    for m in motions:
        vs.support_motion(motion=m, member=voice.members[5])
    with pytest.raises(InvalidInput):
        vs.priorities_ballot(motions=motions, slots=3, actor=voice.officer)
    ballot = vs.priorities_ballot(motions=motions, slots=2, actor=voice.officer, title="Conference priorities")
    assert ballot.method == "meek" and ballot.seats == 2 and ballot.ranked
    tokens = open_and_issue(ballot, voice.officer)
    for token, paper in zip(tokens, [[2, 1], [2, 3], [1, 2], [2], [3, 1], [1, 3], [2, 1]], strict=False):
        bs.cast(credential=token, paper=paper)
    bs.close_ballot(ballot=ballot, actor=voice.officer, early=True)
    result = bs.count_ballot(ballot=ballot, actor=voice.officer)
    bs.publish_result(ballot=ballot, actor=voice.officer)
    for m in motions:
        vs.record_motion_outcome(motion=m)
    assert "Housing" in result.elected and len(result.elected) == 2
    outcomes = {m.title: m.outcome for m in motions}
    assert outcomes["Housing"] == "on the agenda"
    assert sorted(outcomes.values()) == ["not prioritised", "on the agenda", "on the agenda"]


def test_withdrawn_motion_cannot_be_supported(voice, make_motion):
    motion = make_motion()
    with pytest.raises(NotAllowed):
        vs.withdraw_motion(motion=motion, member=voice.members[1])
    vs.withdraw_motion(motion=motion, member=voice.members[0])
    with pytest.raises(WrongState):
        vs.support_motion(motion=motion, member=voice.members[1])


def test_two_click_member_vote_from_a_motion_is_timetabled_a_week(voice, make_motion):
    vs.set_motion_threshold(unit=voice.b1, supporters=1, actor=voice.officer)
    motion = make_motion()
    vs.support_motion(motion=motion, member=voice.members[1])
    now = timezone.now()
    ballot = vs.put_motion_to_vote(motion=motion, actor=voice.officer, opens_at=now)
    assert ballot.closes_at - ballot.opens_at == dt.timedelta(days=7)
    assert voice.officer in ballot.returning_officers.all()
