"""The alternative vote (IRV): the rules of omov/count/methods/irv.py, worked examples, and pyrankvote as a peer."""

import json
import os
import random
from pathlib import Path

import pyrankvote
import pytest
from pyrankvote import Ballot
from pyrankvote import Candidate as PrvCandidate

from omov.count import Constraint, CountError, Profile, count, preset

GOLDEN = Path(__file__).parent / "golden"


def sheet(result) -> dict:
    """A count as plain JSON data (exact values as strings), for the golden files."""
    return {
        "rule": result.rule,
        "method": result.method,
        "candidates": list(result.candidates),
        "papers": result.papers,
        "valid": str(result.valid),
        "seed": result.seed,
        "elected": [result.candidates[i] for i in result.elected],
        "stages": [
            {
                "number": s.number,
                "kind": s.kind,
                "description": s.description,
                "votes": {result.candidates[i]: str(v) for i, v in enumerate(s.votes)},
                "non_transferable": str(s.non_transferable),
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
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == data


def totals(stage) -> list[int]:
    return [int(v) for v in stage.votes]


def worked() -> Profile:
    """A worked example, counted by hand:

    stage 1 (first preferences)  A 10, B 8, C 6, D 4, E 3; 31 papers, none exhausted; E lowest.
    stage 2 (exclusion of E)      E's 3 papers: 2 to D, 1 exhausted -> C 6, D 6 tied lowest; at stage 1 D had
                                  fewer (4 < 6), so D is excluded (looking backwards).
    stage 3 (exclusion of D)      D's 6 papers: 5 to B, 1 to C -> A 10, B 13, C 7; 30 continuing, no majority.
    stage 4 (exclusion of C)      C's 7 papers: 3 to A, 3 to B, 1 exhausted -> A 13, B 16 of 29: B elected.
    """
    a, b, c, d, e = range(5)
    return Profile.from_papers(
        ["A", "B", "C", "D", "E"],
        [
            ((a,), 10), ((b,), 8), ((c, a), 3), ((c, b), 3), ((d, b), 4),
            ((e, d, b), 1), ((e, d, c), 1), ((e,), 1),
        ],
    )


def test_worked_example_stage_by_stage():
    result = count(worked(), "irv", seed="w")
    assert [totals(s) for s in result.stages] == [
        [10, 8, 6, 4, 3], [10, 8, 6, 6, 0], [10, 13, 7, 0, 0], [13, 16, 0, 0, 0]
    ]
    assert [s.non_transferable for s in result.stages] == [0, 1, 1, 2]
    assert [s.description for s in result.stages] == [
        "First preferences", "Exclusion of E", "Exclusion of D", "Exclusion of C"
    ]
    assert result.elected_names == ("B",) and result.stages[-1].elected == (1,)
    assert [s.quota for s in result.stages] == [16, 16, 16, 15]  # a majority of 31, 30, 30, 29
    assert "broken by looking backwards" in result.stages[2].notes[0]
    for s in result.stages:
        assert sum(s.votes) + s.non_transferable + s.loss == result.valid == 31
    check_golden("irv_worked", result)


def test_tie_straight_to_lot_when_the_rule_says():
    result = count(worked(), preset("irv").with_(ties=("lot",)), seed="w")
    assert "broken by lot (seed w, draw 1)" in result.stages[2].notes[0]


def test_batch_exclusion_excludes_all_who_cannot_catch_up():
    p = Profile.from_papers(["A", "B", "C", "D", "E"], [((0,), 20), ((1,), 15), ((2, 1), 3), ((3, 1), 2), ((4, 1), 1)])
    single = count(p, "irv", seed=1)
    batch = count(p, preset("irv").with_(batch_exclusion=True), seed=1)
    assert [s.excluded for s in single.stages[1:]] == [(4,), (3,), (2,)]
    assert batch.stages[1].excluded == (4, 3, 2) and len(batch.stages) == 2
    assert "excluded together" in batch.stages[1].notes[0]
    assert single.elected == batch.elected == (1,)
    assert totals(batch.stages[-1]) == [20, 21, 0, 0, 0]
    assert batch.options["batch_exclusion"] is True
    check_golden("irv_batch", batch)


def test_majority_on_first_preferences_ends_the_count_at_once():
    p = Profile.from_papers(["A", "B", "C"], [((0,), 6), ((1,), 3), ((2,), 2)])
    result = count(p, "irv", seed=1)
    assert len(result.stages) == 1 and result.elected_names == ("A",)


def test_exactly_half_is_not_a_majority():
    p = Profile.from_papers(["A", "B", "C"], [((0,), 5), ((1,), 3), ((2, 1), 2)])
    result = count(p, "irv", seed=1)
    assert result.stages[0].elected == ()  # A 5 of 10
    assert result.stages[1].votes[:2] == (5, 5)
    # A and B both 5 of 10: B (fewer at stage 1) is excluded, A is the last continuing candidate
    assert result.elected_names == ("A",) and "backwards" in result.stages[2].notes[0]


def test_blank_papers_are_exhausted_from_the_start_and_majority_is_of_continuing_votes():
    p = Profile.from_papers(["A", "B"], [((0,), 4), ((1,), 3), ((), 10)])
    result = count(p, "irv", seed=1)
    assert result.stages[0].non_transferable == 10 and result.valid == 17
    assert result.elected_names == ("A",) and len(result.stages) == 1


def test_withdrawn_candidates_are_skipped():
    p = Profile.from_papers(["A", "B", "C"], [((0, 1), 4), ((1,), 3), ((2,), 2)]).withdraw("A")
    result = count(p, "irv", seed=1)
    assert totals(result.stages[0]) == [0, 7, 2]
    assert result.stages[0].states[0] == "withdrawn" and result.elected_names == ("B",)


def test_more_than_one_seat_is_refused_with_advice():
    with pytest.raises(CountError, match="use an STV rule"):
        count(worked(), "irv", seats=2, seed=1)


def test_no_votes_at_all_still_ends_with_the_last_candidate():
    p = Profile.from_papers(["A", "B", "C"], [((), 5)])
    result = count(p, "irv", seed="s")
    assert len(result.elected) == 1 and result.stages[-1].non_transferable == 5
    assert all("lot" in s.notes[0] for s in result.stages[1:])


def test_constraint_bars_a_candidate_who_cannot_be_elected():
    rule = preset("irv").with_(constraints=(Constraint("women", frozenset({"B", "C"}), 1),))
    p = Profile.from_papers(["A", "B", "C"], [((0,), 6), ((1,), 3), ((2, 1), 2)])
    result = count(p, rule, seed=1)
    assert result.stages[0].elected == ()
    assert result.stages[1].excluded == (0,) and "cannot be elected" in result.stages[1].notes[0]
    assert result.elected_names == ("B",)


def test_constraint_with_one_possible_winner_elects_them():
    rule = preset("irv").with_(constraints=(Constraint("women", frozenset({"C"}), 1),))
    p = Profile.from_papers(["A", "B", "C"], [((0,), 6), ((1,), 3), ((2,), 2)])
    result = count(p, rule, seed=1)
    assert result.elected_names == ("C",) and len(result.stages) == 1
    assert "elected to meet them" in result.stages[0].notes[-1]


def test_progress_is_reported():
    calls: list[tuple[int, int]] = []
    count(worked(), "irv", seed=1, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5)


# --- pyrankvote as an independent peer ---


def random_profile(rng: random.Random, n_cands: int, n_papers: int) -> Profile:
    papers = []
    for _ in range(n_papers):
        depth = rng.choice([0, 1, 1, 2, 2, 3, n_cands])
        papers.append(tuple(rng.sample(range(n_cands), min(depth, n_cands))))
    return Profile.from_papers([f"C{i}" for i in range(n_cands)], papers)


def pyrankvote_winner(p: Profile) -> str:
    cands = [PrvCandidate(n) for n in p.names]
    ballots = [
        Ballot(ranked_candidates=[cands[c] for c in ranking])
        for ranking, weight in zip(p.rankings, p.weights, strict=True)
        for _ in range(weight)
    ]
    result = pyrankvote.instant_runoff_voting(cands, ballots)
    return result.get_winners()[0].name


def test_same_winner_as_pyrankvote_on_random_profiles_without_ties():
    rng = random.Random(20260)
    compared = 0
    for _ in range(600):
        p = random_profile(rng, rng.randint(2, 7), rng.randint(5, 200))
        result = count(p, "irv", seed=1)
        if any("tie" in note for s in result.stages for note in s.notes):
            continue  # tie-breaking rules differ between counters; compare only untied counts
        compared += 1
        assert result.elected_names[0] == pyrankvote_winner(p), p
        batch = count(p, preset("irv").with_(batch_exclusion=True), seed=1)
        assert batch.elected == result.elected
    assert compared >= 300


def test_the_count_sheet_renders_and_round_trips():
    from omov.count.sheet import from_json, render, render_json

    result = count(worked(), "irv", seed="w")
    assert from_json(render_json(result)) == result
    text = render(result, width=160)
    assert "Exclusion of D" in text and "broken by looking backwards" in text


@pytest.mark.slow
def test_real_wards_one_seat_stv_and_pyrankvote_agree_with_irv(scottish_data):
    """374 real Scottish ballots counted for one seat: each STV rule elects the IRV winner (no ties met), and
    pyrankvote agrees on every tenth ward."""
    from omov.count import read_blt

    files = sorted((scottish_data / "ballots").glob("*.blt"))
    assert len(files) == 374
    compared = 0
    for k, f in enumerate(files):
        p = read_blt(f)
        irv = count(p, "irv", seats=1, seed=1)
        if any("tie between" in note for s in irv.stages for note in s.notes):
            continue
        compared += 1
        for method in ("scottish", "ers97", "meek", "wigm"):
            assert count(p, method, seats=1, seed=1).elected == irv.elected, (f.name, method)
        if k % 10 == 0:
            assert irv.elected_names[0] == pyrankvote_winner(p), f.name
    assert compared >= 360
