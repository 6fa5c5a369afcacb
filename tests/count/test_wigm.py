"""The parametric weighted inclusive Gregory method: the Scottish count with its choices as options."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from omov.count import Constraint, Count, CountError, Profile, count, preset, read_blt
from omov.count.methods._gregory import Pile

GOLDEN = Path(__file__).parent / "golden"


def worked_profile() -> Profile:
    data = json.loads((GOLDEN / "scottish_worked_example.json").read_text())
    names = data["candidates"]
    papers = [([names.index(n) for n in ranking], weight) for weight, ranking in data["papers"]]
    return Profile.from_papers(names, papers, seats=data["seats"], title="worked example")


def assert_conserved(result: Count) -> None:
    for stage in result.stages:
        assert sum(stage.votes, Fraction(0)) + stage.non_transferable + stage.loss == result.valid, stage.number


def sheet(result: Count) -> list[tuple[object, ...]]:
    return [(s.description, s.votes, s.non_transferable, s.loss, s.elected, s.excluded) for s in result.stages]


def test_the_preset_is_the_scottish_count(scottish_data: Path) -> None:
    assert sheet(count(worked_profile(), "wigm", seed="w")) == sheet(count(worked_profile(), "scottish", seed="w"))
    for path in sorted((scottish_data / "ballots").glob("*.blt"))[::20]:
        profile = read_blt(path)
        assert sheet(count(profile, "wigm", seed="w")) == sheet(count(profile, "scottish", seed="w")), path.stem


def test_exact_arithmetic_loses_nothing() -> None:
    result = count(worked_profile(), preset("wigm").with_(decimals=None), seed="w")
    bob = result.candidates.index("Bob")
    assert result.stages[1].votes[bob] == 30 + Fraction(70 * 50, 101)  # 70 papers at 50/101 each
    assert all(stage.loss == 0 for stage in result.stages)
    assert result.decimals is None and result.options["decimals"] is None
    assert_conserved(result)


def test_the_quota_options() -> None:
    droop_exact = count(worked_profile(), preset("wigm").with_(quota="droop-exact", decimals=2), seed="w")
    assert droop_exact.quota == Fraction("50.25")  # 201 / 4
    hare = count(worked_profile(), preset("wigm").with_(quota="hare"), seed="w")
    assert hare.quota == 67  # 201 / 3
    third = count(worked_profile(), preset("wigm").with_(quota="hare", decimals=None), seed="w")
    assert third.quota == 67
    odd = count(Profile.from_papers("AB", [([0], 5), ([1], 5)], seats=3), preset("wigm").with_(quota="hare"), seed="w")
    assert odd.quota == Fraction("3.33334")  # 10 / 3 rounded up to five places
    for result in (droop_exact, hare, third, odd):
        assert_conserved(result)


def test_rounding_to_nearest_can_give_away_more_than_the_surplus() -> None:
    result = count(worked_profile(), preset("wigm").with_(extra={"rounding": "nearest"}), seed="w")
    bob = result.candidates.index("Bob")
    assert result.stages[1].votes[bob] == Fraction("64.65350")  # 50/101 = 0.4950495 -> 0.49505
    assert result.stages[1].loss == Fraction("-0.00005")
    assert_conserved(result)


def test_empty_papers_can_count_as_valid_and_non_transferable() -> None:
    profile = Profile.from_papers("AB", [([0], 5), ([1], 3), ([], 4)], seats=1)
    rule = preset("wigm").with_(extra={"empty_papers": "non-transferable"})
    result = count(profile, rule, seed="e")
    assert result.valid == 12 and result.invalid == 0 and result.quota == 7
    assert result.stages[0].non_transferable == 4
    assert result.elected_names == ("A",)
    assert_conserved(result)
    assert count(profile, "wigm", seed="e").valid == 8


def test_tie_order_is_an_option() -> None:
    profile = Profile.from_papers("ABC", [([0], 5), ([1], 3), ([2], 3)], seats=1)
    result = count(profile, preset("wigm").with_(ties=("forwards", "lot")), seed="t")
    assert any("by lot" in note for note in result.stages[1].notes)
    assert result.options["ties"] == ["forwards", "lot"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"quota": "none"}, "quota"),
        ({"decimals": 40}, "decimals"),
        ({"extra": {"rounding": "up"}}, "rounding"),
        ({"extra": {"empty_papers": "maybe"}}, "empty_papers"),
        ({"ties": ("coin",)}, "tie-break"),
        ({"batch_exclusion": True}, "one candidate at a time"),
    ],
)
def test_options_it_cannot_honour_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(CountError, match=message):
        count(worked_profile(), preset("wigm").with_(**change), seed="x")


def test_constraints_apply_as_in_the_scottish_count() -> None:
    group = frozenset({"Cat", "Dan", "Eve"})
    rule = preset("wigm").with_(decimals=None, constraints=(Constraint("W", group, minimum=2),))
    result = count(worked_profile(), rule, seed="c")
    assert sum(n in group for n in result.elected_names) >= 2
    assert "Bob" not in result.elected_names
    assert_conserved(result)


@pytest.mark.parametrize(
    "changes",
    [
        {"decimals": None},
        {"decimals": 0},
        {"decimals": 12},  # big integers: beyond what int64 holds safely
        {"quota": "droop-exact", "decimals": 2},
        {"quota": "hare", "decimals": 4},
    ],
)
def test_every_variant_conserves_the_vote_on_real_wards(scottish_data: Path, changes: dict[str, object]) -> None:
    rule = preset("wigm").with_(**changes)
    for path in sorted((scottish_data / "ballots").glob("*.blt"))[::15]:
        profile = read_blt(path)
        result = count(profile, rule, seed="v")
        assert_conserved(result)
        assert len(result.elected) == result.seats, path.stem


def test_int64_and_big_integer_piles_agree() -> None:
    rng = np.random.default_rng(3)
    rankings = [tuple(int(x) for x in rng.permutation(6)[: rng.integers(1, 7)]) for _ in range(300)]
    weights = [int(w) for w in rng.integers(1, 50, 300)]
    piles = [Pile(rankings, weights, 6, one=10**5, boxed=boxed) for boxed in (False, True)]
    continuing = np.ones(6, dtype=bool)
    for c in (2, 4, 0):
        results = []
        for pile in piles:
            rows = pile.held_by(c)
            pile.value[rows] = (pile.value[rows] * 12345) // 67890
            continuing[c] = False
            pile.advance(rows, continuing)
            continuing[c] = True
            results.append((rows.tolist(), pile.credit(rows), pile.holder.tolist()))
        assert results[0] == results[1]
        continuing[c] = False
