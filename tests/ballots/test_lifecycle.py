"""The ballot state machine end to end: set-up, guards, open, cast, close, count, publish."""

from __future__ import annotations

import pytest
from django.core import mail

from omov.audit.models import AuditEntry, Job
from omov.audit.selectors import verify_audit_chain
from omov.ballots import services as bs
from omov.ballots.errors import IllegalTransition, NotAllowed, NotOpen, NotPublished, NotReady
from omov.ballots.models import Ballot, Credential, Paper, Voter
from omov.ballots.selectors import find_receipt, paper_list, published_result, roll_stats, verify_paper_chain
from tests.conftest_django import open_and_issue, tokens_in

S = Ballot.State


def test_full_journey_irv_draft_to_published(world):
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    assert len(tokens) == 12 and ballot.state == S.OPEN
    papers = [[1, 2], [1], [2, 1], [2, 3, 1], [3, 2], [3, 1], [1, 3], [2, 1], [3, 2, 1]]
    receipts = [bs.cast(credential=t, paper=p) for t, p in zip(tokens, papers, strict=False)]
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    job = bs.start_count(ballot=ballot, actor=world.officer)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    ballot.refresh_from_db()
    assert ballot.state == S.COUNTED
    with pytest.raises(NotPublished):
        published_result(ballot=ballot)
    bs.publish_result(ballot=ballot, actor=world.officer)
    result = published_result(ballot=ballot)
    # first preferences Ann 3, Bob 3, Cat 3 -> tie broken; whoever wins has a majority of continuing votes
    assert len(result.elected) == 1 and result.elected[0] in {"Ann", "Bob", "Cat"}
    assert (result.papers, result.roll) == (9, 12)
    assert result.turnout == pytest.approx(0.75)
    assert result.blt.splitlines()[0] == "3 1"
    assert '"Ann"' in result.blt and result.sheet_json.strip().startswith("{")
    for receipt in receipts:
        entry = find_receipt(ballot=ballot, tracker=receipt.tracker)
        assert entry is not None and entry.tracker == receipt.tracker
    listed = paper_list(ballot=ballot)
    assert sorted(e.choices for e in listed) == sorted(tuple(p) for p in papers)
    assert verify_paper_chain(ballot=ballot).ok
    assert verify_audit_chain().ok


def test_counting_bloc_with_marks(world):
    ballot = world.ballot("bloc", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"))
    tokens = open_and_issue(ballot, world.officer)
    for t, p in zip(tokens, [[1, 2], [1, 3], [1, 2], [2, 4], [3], [2, 1]], strict=False):
        bs.cast(credential=t, paper=p)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    result = bs.count_ballot(ballot=ballot, actor=world.officer)
    assert result.elected == ["Ann", "Bob"]


def test_opening_freezes_the_roll_by_the_electorate_rule(world):
    import datetime as dt

    from omov.members.services import set_member_status

    ballot = world.ballot("irv", ready=False)
    set_member_status(member=world.members[0], status="lapsed", actor=world.admin)
    world.members[1].arrears = 5
    world.members[1].save()
    bs.set_electorate(ballot=ballot, actor=world.officer, units=[world.c1], freeze_date=dt.date(2020, 6, 28))
    bs.mark_ready(ballot=ballot, actor=world.officer)
    roll = bs.open_ballot(ballot=ballot, actor=world.officer)
    # C1 holds B1 (members 0-7); joined by 2020-06-28 (30-day steps): members 0-5; minus lapsed 0 and arrears 1
    on_roll = set(Voter.objects.filter(ballot=ballot).values_list("member__membership_number", flat=True))
    assert on_roll == {"M002", "M003", "M004", "M005"} and roll == 4
    # the roll is frozen: a member joining the unit later is not added
    world.members[0].status = "active"
    world.members[0].save()
    assert Voter.objects.filter(ballot=ballot).count() == 4


def test_start_opening_sends_credentials_by_email_and_they_work(world):
    ballot = world.ballot("irv")
    job = bs.start_opening(ballot=ballot, actor=world.officer)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["roll"] == 12
    send = Job.objects.get(kind="send-credentials")
    assert send.state == Job.State.SUCCEEDED and send.result["sent"] == 12
    assert len(mail.outbox) == 12
    token = tokens_in(mail.outbox[0].body)[0]
    assert Credential.objects.filter(delivery="sent").count() == 12
    receipt = bs.cast(credential=token, paper=[2])
    assert Paper.objects.get().tracker == receipt.tracker
    stats = roll_stats(ballot=ballot)
    assert (stats.roll, stats.voted, stats.papers, stats.sent) == (12, 1, 1, 12)


def test_illegal_transitions_raise_clear_errors(world):
    ballot = world.ballot("irv", ready=False)
    with pytest.raises(IllegalTransition, match="it is draft"):
        bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    with pytest.raises(IllegalTransition):
        bs.start_opening(ballot=ballot, actor=world.officer)
    with pytest.raises(IllegalTransition):
        bs.start_count(ballot=ballot, actor=world.officer)
    with pytest.raises(IllegalTransition):
        bs.publish_result(ballot=ballot, actor=world.officer)
    bs.mark_ready(ballot=ballot, actor=world.officer)
    with pytest.raises(IllegalTransition, match="only a draft"):
        bs.add_candidate(ballot=ballot, actor=world.officer, name="Late")
    bs.return_to_draft(ballot=ballot, actor=world.officer)
    bs.add_candidate(ballot=ballot, actor=world.officer, name="Late")
    bs.cancel_ballot(ballot=ballot, actor=world.officer, reason="called off")
    with pytest.raises(IllegalTransition, match="cancelled"):
        bs.mark_ready(ballot=ballot, actor=world.officer)
    assert Ballot.objects.get(pk=ballot.pk).cancelled_reason == "called off"


def test_mark_ready_lists_what_is_missing(world):
    from omov.ballots.models import Ballot as B

    ballot = bs.create_ballot(organisation=world.org, title="Empty", method="scottish", seats=3, actor=world.admin)
    with pytest.raises(NotReady) as info:
        bs.mark_ready(ballot=ballot, actor=world.admin)
    message = str(info.value)
    assert "no candidates" in message and "no timetable" in message and "no returning officer" in message
    assert B.objects.get(pk=ballot.pk).state == S.DRAFT


def test_balance_rule_needs_enough_candidates_of_the_group(world):
    ballot = world.ballot(
        "bloc", seats=2, candidates=("Ann", "Bob", "Cat"), genders=("woman", "man", "man"), ready=False
    )
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="women", minimum=2, genders=["woman"])
    with pytest.raises(NotReady, match="at least 2 women"):
        bs.mark_ready(ballot=ballot, actor=world.officer)


def test_balance_rule_applies_inside_the_count(world):
    ballot = world.ballot(
        "bloc", seats=2, candidates=("Ann", "Bob", "Cat"), genders=("man", "man", "woman"), ready=False
    )
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="women", minimum=1, genders=["Woman"])
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    for t in tokens[:8]:
        bs.cast(credential=t, paper=[1, 2])
    bs.cast(credential=tokens[8], paper=[1])
    bs.cast(credential=tokens[9], paper=[3])  # Ann 9, Bob 8, Cat 1
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    result = bs.count_ballot(ballot=ballot, actor=world.officer)
    assert sorted(result.elected) == ["Ann", "Cat"]  # Bob passed over for the rule


def test_only_the_ballots_own_officers_may_run_it_and_scrutineers_change_nothing(world):
    ballot = world.ballot("irv", ready=False)
    bs.appoint_scrutineer(ballot=ballot, user=world.scrutineer, actor=world.officer)
    for who in (world.other_officer, world.scrutineer):
        with pytest.raises(NotAllowed):
            bs.mark_ready(ballot=ballot, actor=who)
        with pytest.raises(NotAllowed):
            bs.add_candidate(ballot=ballot, actor=who, name="Sneaky")
    with pytest.raises(NotAllowed, match="scrutineers"):
        bs.update_ballot(ballot=ballot, actor=world.scrutineer, title="x")
    with pytest.raises(NotAllowed):
        bs.create_ballot(organisation=world.org, title="x", method="irv", actor=world.officer)
    assert Ballot.objects.get(pk=ballot.pk).state == S.DRAFT
    assert ballot.candidates.count() == 3


def test_cast_before_open_and_after_close_is_refused_and_changes_nothing(world):
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    bs.cast(credential=tokens[0], paper=[1])
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    with pytest.raises(NotOpen, match="not open"):
        bs.cast(credential=tokens[1], paper=[1])
    assert Paper.objects.count() == 1
    assert Credential.objects.filter(spent=True).count() == 1
    assert Voter.objects.filter(voted=True).count() == 1


def test_cast_after_closing_time_is_refused(world):
    import datetime as dt

    from django.utils import timezone

    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(NotOpen, match="closed at"):
        bs.cast(credential=tokens[0], paper=[1])
    assert not Paper.objects.exists() and not Credential.objects.filter(spent=True).exists()


def test_every_state_change_is_in_the_audit_log(world):
    ballot = world.ballot("irv")
    tokens = open_and_issue(ballot, world.officer)
    bs.cast(credential=tokens[0], paper=[1])
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    actions = list(AuditEntry.objects.filter(subject=f"ballot:{ballot.pk}").values_list("action", flat=True))
    for action in (
        "ballot.create",
        "candidate.add",
        "ballot.ready",
        "ballot.open",
        "ballot.close",
        "ballot.count",
        "ballot.publish",
    ):
        assert action in actions
    assert not any("cast" in a for a in actions)  # a cast is never logged against anyone
    assert AuditEntry.objects.get(action="ballot.close").actor == "ro"
