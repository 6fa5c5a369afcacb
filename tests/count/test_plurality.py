"""FPTP, bloc vote and approval: the rules of omov/count/methods/plurality.py, and the January 2018 NEC bloc vote."""

import json
import os
from fractions import Fraction
from pathlib import Path

import pytest

from omov.count import Constraint, CountError, Profile, count, preset

GOLDEN = Path(__file__).parent / "golden"

# Surnames as published in the result (DOMAIN.md); papers are bloc votes of up to three marks.
NEC_2018 = {
    "Dar": 68388,
    "Lansman": 65163,
    "Garnham": 62982,
    "Izzard": 39508,
    "Baxter": 27234,
    "Josan": 25224,
    "Donovan": 11944,
    "Morrison": 7551,
    "Taylor": 7011,
}


def nec_2018_profile() -> Profile:
    """Papers (of up to three marks) constructed so that the marks give exactly the published totals.

    The real papers are not public; these are grouped as slates: a full three-mark slate, then shorter papers
    making up each candidate's difference from the next on the same slate.
    """
    names = list(NEC_2018)
    dar, lansman, garnham, izzard, baxter, josan, donovan, morrison, taylor = range(9)
    t = list(NEC_2018.values())
    papers = [
        ((dar, lansman, garnham), t[garnham]),
        ((dar, lansman), t[lansman] - t[garnham]),
        ((dar,), t[dar] - t[lansman]),
        ((izzard, baxter, josan), t[josan]),
        ((izzard, baxter), t[baxter] - t[josan]),
        ((izzard,), t[izzard] - t[baxter]),
        ((donovan, morrison, taylor), t[taylor]),
        ((donovan, morrison), t[morrison] - t[taylor]),
        ((donovan,), t[donovan] - t[morrison]),
    ]
    return Profile.from_papers(names, papers, seats=3, title="Labour NEC CLP section by-election, January 2018")


def sheet(result) -> dict:
    """A count as plain JSON data (exact values as strings), for the golden files."""
    return {
        "rule": result.rule,
        "method": result.method,
        "title": result.title,
        "candidates": list(result.candidates),
        "seats": result.seats,
        "papers": result.papers,
        "valid": str(result.valid),
        "invalid": result.invalid,
        "seed": result.seed,
        "elected": [result.candidates[i] for i in result.elected],
        "notes": list(result.notes),
        "stages": [
            {
                "number": s.number,
                "kind": s.kind,
                "description": s.description,
                "votes": {result.candidates[i]: str(v) for i, v in enumerate(s.votes)},
                "non_transferable": str(s.non_transferable),
                "loss": str(s.loss),
                "states": list(s.states),
                "elected": [result.candidates[i] for i in s.elected],
                "excluded": [result.candidates[i] for i in s.excluded],
                "notes": list(s.notes),
            }
            for s in result.stages
        ],
    }


def check_golden(name: str, result) -> None:
    """Compare with tests/count/golden/<name>.json; OMOV_UPDATE_GOLDEN=1 rewrites it (then read the diff)."""
    path = GOLDEN / f"{name}.json"
    data = sheet(result)
    if os.environ.get("OMOV_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == data


def conserved(result) -> None:
    for s in result.stages:
        assert sum(s.votes) + s.non_transferable + s.loss == result.valid


# --- the January 2018 NEC CLP-section by-election (bloc vote, 3 seats) ---


def test_nec_2018_marks_give_the_published_totals():
    result = count(nec_2018_profile(), "bloc", seed="nec-2018")
    assert dict(zip(result.candidates, result.stages[0].votes, strict=True)) == {
        k: Fraction(v) for k, v in NEC_2018.items()
    }
    assert result.elected_names == ("Dar", "Lansman", "Garnham")
    assert result.valid == sum(NEC_2018.values()) and result.invalid == 0
    conserved(result)
    check_golden("bloc_nec_2018", result)


def test_nec_2018_with_a_group_constraint_passes_over_the_third():
    # A hypothetical group (not the candidates' real genders): at least one of Izzard, Baxter elected.
    rule = preset("bloc").with_(constraints=(Constraint("group X", frozenset({"Izzard", "Baxter"}), 1),))
    result = count(nec_2018_profile(), rule, seed="nec-2018")
    assert result.elected_names == ("Dar", "Lansman", "Izzard")
    final = result.stages[-1]
    assert final.excluded[0] == result.candidates.index("Garnham")
    assert any("Garnham" in n and "passed over" in n for n in final.notes)
    conserved(result)
    check_golden("bloc_nec_2018_constrained", result)


def test_nec_2018_at_least_two_of_a_group_goes_down_the_order():
    group = frozenset({"Garnham", "Josan", "Taylor"})
    rule = preset("bloc").with_(constraints=(Constraint("group Y", group, 2),))
    result = count(nec_2018_profile(), rule, seed="x")
    # Dar is first; Lansman (not in Y) would leave one seat for two of Y: passed over; then Garnham, Josan.
    assert result.elected_names == ("Dar", "Garnham", "Josan")
    passed = [result.candidates[i] for i in result.stages[-1].excluded[:1]]
    assert passed == ["Lansman"]


def test_a_maximum_is_respected_too():
    group = frozenset({"Dar", "Lansman", "Garnham"})
    rule = preset("bloc").with_(constraints=(Constraint("slate", group, 0, 2),))
    result = count(nec_2018_profile(), rule, seed="x")
    assert result.elected_names == ("Dar", "Lansman", "Izzard")


def test_a_constraint_nobody_can_meet_is_refused_not_relaxed():
    rule = preset("bloc").with_(constraints=(Constraint("group Z", frozenset({"Taylor"}), 2),))
    with pytest.raises(CountError, match="cannot all be met .*at least 2 elected from group Z"):
        count(nec_2018_profile(), rule, seed="x")


# --- the rules, one by one ---


def small() -> Profile:
    return Profile.from_papers(
        ["Ann", "Bob", "Cat", "Dan"],
        [((0, 1), 5), ((1, 0), 4), ((2, 1, 3), 3), ((3,), 2), ((), 1)],
    )


def test_fptp_counts_only_the_first_preference_and_blank_papers_are_non_transferable():
    result = count(small(), "fptp", seats=1, seed=1)
    assert result.stages[0].votes == (5, 4, 3, 2)
    assert result.stages[0].non_transferable == 1 and result.valid == 15
    assert result.elected_names == ("Ann",)
    conserved(result)


def test_fptp_with_two_seats_takes_the_top_two():
    assert count(small(), "fptp", seats=2, seed=1).elected_names == ("Ann", "Bob")


def test_approval_counts_every_mark_whatever_the_order():
    result = count(small(), "approval", seats=1, seed=1)
    assert result.stages[0].votes == (9, 12, 3, 5)
    assert result.elected_names == ("Bob",) and result.valid == 29


def test_bloc_paper_with_too_many_marks_is_invalid():
    result = count(small(), "bloc", seats=2, seed=1)
    assert result.invalid == 3  # the three papers marking Cat, Bob and Dan
    assert result.stages[0].votes == (9, 9, 0, 2)
    assert any("3 papers had more" in n for n in result.stages[0].notes)
    assert result.papers == 15 and result.valid == 20


def test_bloc_max_marks_option_overrides_the_seats():
    result = count(small(), preset("bloc").with_(max_marks=3), seats=2, seed=1)
    assert result.invalid == 0 and result.stages[0].votes == (9, 12, 3, 5)


def test_invalid_papers_of_the_profile_are_reported():
    p = Profile.from_papers(["A", "B"], [((0,), 2)], invalid=7)
    result = count(p, "fptp", seats=1, seed=1)
    assert result.invalid == 7 and result.papers == 9 and result.valid == 2


def test_withdrawn_candidates_marks_are_disregarded():
    p = small().withdraw("Ann")
    result = count(p, "fptp", seats=1, seed=1)
    assert result.stages[0].votes == (0, 9, 3, 2)  # Ann's papers go to their next preference
    assert result.stages[-1].states[0] == "withdrawn" and result.elected_names == ("Bob",)
    result = count(p, "approval", seats=2, seed=1)
    assert result.stages[0].votes == (0, 12, 3, 5)


def test_tie_for_the_last_seat_is_broken_by_lot_from_the_seed_and_noted():
    p = Profile.from_papers(["A", "B", "C"], [((0,), 5), ((1,), 3), ((2,), 3)])
    winners = set()
    for seed in range(20):
        result = count(p, "fptp", seats=2, seed=seed)
        assert result.elected[0] == 0
        notes = " ".join(result.stages[-1].notes)
        assert "broken by lot" in notes and f"seed {seed}" in notes
        winners.add(result.elected[1])
        assert count(p, "fptp", seats=2, seed=seed).elected == result.elected  # reproducible
    assert winners == {1, 2}


def test_a_tie_that_does_not_decide_a_seat_needs_no_lot():
    p = Profile.from_papers(["A", "B", "C"], [((0,), 5), ((1,), 3), ((2,), 3)])
    result = count(p, "fptp", seats=3, seed=1)
    assert set(result.elected) == {0, 1, 2} and not result.stages[-1].notes


def test_fewer_candidates_than_seats_elects_all_and_says_so():
    p = Profile.from_papers(["A", "B"], [((0,), 5)])
    result = count(p, "approval", seats=3, seed=1)
    assert result.elected_names == ("A", "B")
    assert any("stay empty" in n for n in result.stages[-1].notes)


def test_a_bloc_rule_with_no_marks_allowed_is_an_error():
    with pytest.raises(CountError, match="at least one mark"):
        count(small(), preset("bloc").with_(max_marks=0), seats=2, seed=1)


def test_the_sheet_records_rule_seed_and_options():
    result = count(small(), "bloc", seats=2, seed="abc")
    assert (result.rule, result.method, result.seed, result.quota) == ("bloc", "bloc", "abc", None)
    assert result.options["max_marks"] == 2
    assert [s.kind for s in result.stages] == ["first-preferences", "elected"]


def test_progress_is_reported():
    calls: list[tuple[int, int]] = []
    count(small(), "fptp", seats=1, seed=1, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
