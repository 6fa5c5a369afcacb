"""Setting a ballot up: candidates, withdrawals, officers, rules, and the guards on each."""

from __future__ import annotations

import pytest

from omov.ballots import services as bs
from omov.ballots.errors import BallotError, IllegalTransition, NotAllowed
from omov.ballots.models import Ballot, Candidate
from tests.conftest_django import open_and_issue


def test_candidates_are_numbered_edited_and_removed_in_draft(world):
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"), ready=False)
    bob = ballot.candidates.get(name="Bob")
    bs.update_candidate(candidate=bob, actor=world.officer, name="  Robert   Smith ", statement="Hello")
    assert Candidate.objects.get(pk=bob.pk).name == "Robert Smith"
    with pytest.raises(BallotError, match="already on this ballot"):
        bs.update_candidate(candidate=bob, actor=world.officer, name="Ann")
    with pytest.raises(BallotError, match="already a candidate called 'Cat'"):
        bs.add_candidate(ballot=ballot, actor=world.officer, name="Cat")
    bs.remove_candidate(candidate=ballot.candidates.get(name="Ann"), actor=world.officer)
    assert list(ballot.candidates.values_list("number", "name")) == [(1, "Robert Smith"), (2, "Cat")]
    bs.mark_ready(ballot=ballot, actor=world.officer)
    with pytest.raises(IllegalTransition):
        bs.remove_candidate(candidate=ballot.candidates.get(name="Cat"), actor=world.officer)


def test_a_withdrawn_candidate_is_skipped_in_the_count(world):
    ballot = world.ballot("irv", candidates=("Ann", "Bob", "Cat"))
    tokens = open_and_issue(ballot, world.officer)
    for t, paper in zip(tokens, [[1, 2], [1, 2], [1, 3], [2], [3, 2]], strict=False):
        bs.cast(credential=t, paper=paper)
    bs.withdraw_candidate(candidate=ballot.candidates.get(name="Ann"), actor=world.officer)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    result = bs.count_ballot(ballot=ballot, actor=world.officer)
    assert result.elected == ["Bob"]  # Ann's papers go to Bob, Bob, Cat: Bob 3+... of 5
    assert "Ann" in result.blt


def test_only_an_administrator_appoints_returning_officers(world):
    ballot = world.ballot("irv", ready=False)
    with pytest.raises(NotAllowed):
        bs.appoint_returning_officer(ballot=ballot, user=world.other_officer, actor=world.officer)
    bs.appoint_returning_officer(ballot=ballot, user=world.other_officer, actor=world.admin)
    bs.update_ballot(ballot=ballot, actor=world.other_officer, title="Now theirs too")
    assert Ballot.objects.get(pk=ballot.pk).title == "Now theirs too"


def test_method_and_options_must_be_a_known_rule(world):
    with pytest.raises(BallotError, match="unknown counting method"):
        bs.create_ballot(organisation=world.org, title="x", method="borda", actor=world.admin)
    with pytest.raises(BallotError, match="do not fit"):
        bs.create_ballot(organisation=world.org, title="x", method="irv", actor=world.admin, options={"nope": 1})
    ballot = world.ballot("irv", ready=False)
    with pytest.raises(BallotError, match="cannot be changed this way"):
        bs.update_ballot(ballot=ballot, actor=world.officer, state="published")


def test_irv_fills_one_seat_and_balance_rules_are_checked(world):
    ballot = world.ballot("irv", seats=1, ready=False)
    bs.update_ballot(ballot=ballot, actor=world.officer, seats=2)
    with pytest.raises(BallotError, match="fills one seat"):
        bs.mark_ready(ballot=ballot, actor=world.officer)
    with pytest.raises(BallotError, match="cannot fit"):
        bs.add_balance_rule(ballot=ballot, actor=world.officer, group="women", minimum=3, genders=["woman"])
    with pytest.raises(BallotError, match="either by gender or by a list"):
        bs.add_balance_rule(ballot=ballot, actor=world.officer, group="x", minimum=1)


def test_balance_rule_by_candidate_list(world):
    ballot = world.ballot("bloc", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"), ready=False)
    listed = list(ballot.candidates.filter(name__in=["Cat", "Dan"]))
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="slate", minimum=1, candidates=listed)
    rule = bs.rule_for(ballot)
    assert rule.constraints[0].members == frozenset({"Cat", "Dan"}) and rule.constraints[0].minimum == 1


def test_electorate_statuses_are_checked(world):
    ballot = world.ballot("irv", ready=False)
    with pytest.raises(BallotError, match="statuses must be"):
        bs.set_electorate(ballot=ballot, actor=world.officer, statuses=["expelled"])
