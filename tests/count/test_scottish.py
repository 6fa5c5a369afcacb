"""Scottish STV (SSI 2007/42 Sch. 1 rules 45-52): real wards, a hand-worked sheet, a published count, ties,
constraints, and a plain paper-by-paper reference count that the vectorised engine must agree with."""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.count import Candidate, Constraint, Count, CountError, Profile, count, preset, read_blt
from omov.count.ties import Lot, break_tie

GOLDEN = Path(__file__).parent / "golden"
SCALE = 10**5


def norm(name: str) -> str:
    """The data README's comparison: letters, spaces, hyphens and parentheses kept; whitespace collapsed."""
    # The reference counter read a 2007/2012 line `Lab "Ann SMITH"` as one name (its quotes shown as ''); omov
    # reads the party code apart from the name (docs/formats.md), so the reference's party prefix is dropped.
    if "''" in name:
        name = name.split("''")[1]
    return " ".join(re.sub(r"[^A-Za-z \-()]", "", name).split()).casefold()


def assert_conserved(result: Count) -> None:
    for stage in result.stages:
        total = sum(stage.votes, Fraction(0)) + stage.non_transferable + stage.loss
        assert total == result.valid, f"{result.title}: stage {stage.number} holds {total}, not {result.valid}"


# ---------------------------------------------------------------------------------------------- real wards
@pytest.fixture(scope="module")
def ward_counts(scottish_data: Path) -> list[tuple[str, Profile, Count]]:
    out = []
    for path in sorted((scottish_data / "ballots").glob("*.blt")):
        profile = read_blt(path)
        out.append((path.stem, profile, count(profile, "scottish", seed="omov")))
    return out


Wards = list[tuple[str, Profile, Count]]


def test_every_ward_elects_the_reference_set(scottish_data: Path, ward_counts: Wards) -> None:
    reference = json.loads((scottish_data / "elected.json").read_text())
    assert len(ward_counts) == len(reference) == 374
    differ = []
    for stem, _, result in ward_counts:
        got = sorted(norm(n) for n in result.elected_names)
        want = sorted(norm(n) for n in reference[stem])
        if got != want:
            differ.append(f"{stem}: elected {got}, reference {want}")
    assert not differ, f"{len(differ)} of {len(ward_counts)} wards differ:\n" + "\n".join(differ)


def test_every_stage_of_every_ward_conserves_the_valid_vote(ward_counts: list[tuple[str, Profile, Count]]) -> None:
    for stem, profile, result in ward_counts:
        assert result.valid == profile.papers, stem
        assert result.quota == profile.papers // (result.seats + 1) + 1, stem  # rule 46
        assert len(result.elected) == result.seats, stem
        assert_conserved(result)
        assert [s.number for s in result.stages] == list(range(1, len(result.stages) + 1))
        assert result.stages[-1].states.count("elected") == result.seats, stem
        for stage in result.stages:  # values are whole numbers of 0.00001 (rule 48(3))
            assert all((v * SCALE).denominator == 1 for v in stage.votes), (stem, stage.number)


# ---------------------------------------------------------------------------------------------- worked example
def worked_profile() -> Profile:
    data = json.loads((GOLDEN / "scottish_worked_example.json").read_text())
    names = data["candidates"]
    papers = [([names.index(n) for n in ranking], weight) for weight, ranking in data["papers"]]
    return Profile.from_papers(names, papers, seats=data["seats"], title="worked example")


def test_worked_example_matches_the_hand_count_stage_by_stage() -> None:
    data = json.loads((GOLDEN / "scottish_worked_example.json").read_text())
    result = count(worked_profile(), "scottish", seed="golden")
    names = list(result.candidates)
    assert result.valid == Fraction(data["valid"])
    assert result.quota == Fraction(data["quota"])
    assert len(result.stages) == len(data["stages"])
    for stage, want in zip(result.stages, data["stages"], strict=True):
        where = f"stage {stage.number} ({stage.description})"
        assert stage.kind == want["kind"], where
        assert stage.description == want["description"], where
        assert {n: stage.votes[i] for i, n in enumerate(names)} == {
            n: Fraction(v) for n, v in want["votes"].items()
        }, where
        assert stage.non_transferable == Fraction(want["non_transferable"]), where
        assert stage.loss == Fraction(want["loss"]), where
        assert [names[i] for i in stage.elected] == want["elected"], where
        assert [names[i] for i in stage.excluded] == want["excluded"], where
    assert list(result.elected_names) == data["elected"]
    assert_conserved(result)
    surplus_notes = " ".join(result.stages[2].notes)
    assert "1.00000 -> 0.21117" in surplus_notes and "0.49504 -> 0.10453" in surplus_notes
    assert any("52(2)" in note for note in result.stages[-1].notes)


def test_bearsden_north_2012_matches_the_published_stage_totals(scottish_data: Path) -> None:
    data = json.loads((GOLDEN / "scottish_bearsden_north_2012.json").read_text())
    result = count(read_blt(scottish_data / "ballots" / data["ballots"]), "scottish", seed="omov")
    names = list(result.candidates)
    for name, published in data["counts"].items():
        i = names.index(name)
        for k, figure in enumerate(published[: data["compare_counts"]]):
            ours = result.stages[k].votes[i]
            assert abs(ours - figure) < 1, f"{name}, count {k + 1}: ours {float(ours):.5f}, published {figure}"
    assert sorted(result.elected_names) == sorted(data["elected"])


# ---------------------------------------------------------------------------------------------- ties
def test_equal_lowest_is_broken_by_the_most_recent_stage_with_unequal_votes() -> None:
    # After D's exclusion B and C both have 6; at the first stage C had fewer, so C goes (rule 51(2)(a)).
    profile = Profile.from_papers(
        "ABCD",
        [([0], 12), ([1], 6), ([2, 1], 5), ([3, 2], 1), ([3], 2)],
        seats=1,
    )
    result = count(profile, "scottish", seed="tie")
    assert result.stages[1].votes[1] == result.stages[1].votes[2] == 6
    assert result.stages[2].description == "Exclusion of C"
    assert any("looking backwards" in note for note in result.stages[2].notes)
    assert result.elected_names == ("A",)


def test_equal_surpluses_go_in_order_of_the_earlier_stage_then_lot() -> None:
    # A and B both reach 22 (quota 21) at stage 2; A had more at stage 1, so A's surplus goes first (rule 49(2)).
    papers = [([0, 2], 20), ([1, 3], 19), ([2], 15), ([3], 14), ([4, 0, 2], 2), ([4, 1, 2], 3), ([4, 3], 4), ([4], 3)]
    result = count(Profile.from_papers("ABCDE", papers, seats=3), "scottish", seed="tie")
    assert result.quota == 21
    assert result.stages[1].elected == (0, 1)
    assert result.stages[2].description == "Surplus of A"
    assert any("equal surpluses" in n and "backwards" in n for n in result.stages[2].notes)
    assert result.stages[3].description == "Surplus of B"
    assert_conserved(result)


def test_a_tie_at_every_stage_is_drawn_by_lot_from_the_published_seed() -> None:
    profile = Profile.from_papers("ABC", [([0], 5), ([1], 3), ([2], 3)], seats=1)
    first = count(profile, "scottish", seed="s1")
    again = count(profile, "scottish", seed="s1")
    assert first.stages[1].excluded == again.stages[1].excluded
    assert first.seed == "s1"
    note = " ".join(first.stages[1].notes)
    assert "by lot (seed s1" in note
    picked = {count(profile, "scottish", seed=f"s{k}").stages[1].excluded[0] for k in range(12)}
    assert picked == {1, 2}  # the seed, not the ballot order, decides


# ---------------------------------------------------------------------------------------------- constraints
def test_a_minimum_of_two_from_a_group_changes_the_result_and_is_met() -> None:
    plain = count(worked_profile(), "scottish", seed="c")
    group = frozenset({"Cat", "Dan", "Eve"})
    assert sum(n in group for n in plain.elected_names) == 1
    rule = preset("scottish").with_(constraints=(Constraint("W", group, minimum=2),))
    result = count(worked_profile(), rule, seed="c")
    assert set(result.elected_names) == {"Ann", "Cat", "Dan"}
    assert sum(n in group for n in result.elected_names) >= 2
    bob = result.candidates.index("Bob")
    passed = next(s for s in result.stages if bob in s.excluded)
    assert passed.votes[bob] > result.quota  # Bob reached the quota and was passed over
    assert any("passed over" in note for note in passed.notes)
    assert_conserved(result)


def test_a_group_whose_minimum_needs_all_its_members_has_them_elected() -> None:
    rule = preset("scottish").with_(constraints=(Constraint("F", frozenset({"Fay"}), minimum=1),))
    result = count(worked_profile(), rule, seed="c")
    assert "Fay" in result.elected_names
    assert any("to meet the minimum" in note for note in result.stages[0].notes)
    assert_conserved(result)


def test_a_maximum_passes_over_a_candidate_at_the_quota() -> None:
    rule = preset("scottish").with_(constraints=(Constraint("AB", frozenset({"Ann", "Bob"}), maximum=1),))
    result = count(worked_profile(), rule, seed="c")
    assert "Ann" in result.elected_names and "Bob" not in result.elected_names
    assert len(result.elected) == 3
    assert_conserved(result)


def test_constraints_that_no_result_can_meet_are_refused() -> None:
    rule = preset("scottish").with_(constraints=(Constraint("F", frozenset({"Fay"}), minimum=2),))
    with pytest.raises(CountError, match="cannot all be met"):
        count(worked_profile(), rule, seed="c")


# ---------------------------------------------------------------------------------------------- inputs
def test_a_withdrawn_candidate_is_skipped_as_if_never_on_the_paper() -> None:
    withdrawn = count(worked_profile().withdraw("Bob"), "scottish", seed="w")
    data = json.loads((GOLDEN / "scottish_worked_example.json").read_text())
    names = [n for n in data["candidates"] if n != "Bob"]
    papers = [([names.index(n) for n in r if n != "Bob"], w) for w, r in data["papers"]]
    without = count(Profile.from_papers(names, papers, seats=3), "scottish", seed="w")
    bob = withdrawn.candidates.index("Bob")
    assert withdrawn.withdrawn == (bob,)
    assert all(s.states[bob] == "withdrawn" and s.votes[bob] == 0 for s in withdrawn.stages)
    assert withdrawn.elected_names == without.elected_names
    for a, b in zip(withdrawn.stages, without.stages, strict=True):
        assert [v for i, v in enumerate(a.votes) if i != bob] == list(b.votes)
        assert (a.non_transferable, a.loss) == (b.non_transferable, b.loss)


def test_papers_without_a_first_preference_are_not_valid() -> None:
    profile = Profile.from_papers("AB", [([0], 5), ([1], 3), ([], 4)], seats=1)
    result = count(profile, "scottish", seed="e")
    assert result.valid == 8 and result.invalid == 4 and result.quota == 5
    assert result.elected_names == ("A",)


def test_options_the_statute_fixes_cannot_be_changed() -> None:
    for change in ({"decimals": 2}, {"quota": "hare"}, {"ties": ("lot",)}):
        with pytest.raises(CountError, match="wigm"):
            count(worked_profile(), preset("scottish").with_(**change), seed="x")


def test_more_seats_than_candidates_elects_everyone_and_says_so() -> None:
    result = count(Profile.from_papers("AB", [([0, 1], 3), ([1], 2)], seats=3), "scottish", seed="x")
    assert set(result.elected_names) == {"A", "B"}
    assert any("unfilled" in note for note in result.stages[-1].notes)


# ---------------------------------------------------------------------------------------------- reference count
def reference_count(profile: Profile, seats: int, seed: str) -> list[tuple[str, tuple[Fraction, ...], Fraction]]:
    """A plain reading of rules 45-52, one paper group at a time, no NumPy: (description, votes, NT) per stage."""
    names = profile.names
    n = len(names)
    lot = Lot(seed)
    rankings, weights = profile.continuing_rankings()
    groups = [[list(r), w, SCALE, 0] for r, w in zip(rankings, weights, strict=True) if r and w]
    state = ["withdrawn" if c.withdrawn else "continuing" for c in profile.candidates]
    valid = sum(g[1] for g in groups)
    quota = (valid // (seats + 1) + 1) * SCALE
    totals = [0] * n
    for g in groups:
        totals[g[0][0]] += g[1] * SCALE
    nt = 0
    elected: list[int] = []
    history: list[list[Fraction]] = []
    out = []

    def record(what: str) -> None:
        votes = tuple(Fraction(t, SCALE) for t in totals)
        history.append(list(votes))
        out.append((what, votes, Fraction(nt, SCALE)))

    def elect_at_quota() -> None:
        for c in sorted(range(n), key=lambda c: -totals[c]):
            if state[c] == "continuing" and totals[c] >= quota and len(elected) < seats:
                state[c] = "elected"
                elected.append(c)

    def move(c: int, surplus: int = 0) -> None:
        nonlocal nt
        total = totals[c]
        for g in groups:
            if g[3] >= len(g[0]) or g[0][g[3]] != c:
                continue
            if surplus:
                g[2] = g[2] * surplus // total
            g[3] += 1
            while g[3] < len(g[0]) and state[g[0][g[3]]] != "continuing":
                g[3] += 1
            if g[3] < len(g[0]):
                totals[g[0][g[3]]] += g[1] * g[2]
            else:
                nt += g[1] * g[2]

    elect_at_quota()
    record("First preferences")
    while len(elected) < seats:
        cont = [c for c in range(n) if state[c] == "continuing"]
        if len(cont) <= seats - len(elected):
            elected.extend(sorted(cont, key=lambda c: -totals[c]))
            record("Last vacancies filled")
            break
        over = [c for c in elected if totals[c] > quota]
        if over:
            top = max(totals[c] for c in over)
            e, _ = break_tie([c for c in over if totals[c] == top], history=history, names=names, lot=lot,
                             lowest=False)
            move(e, totals[e] - quota)
            totals[e] = quota
            elect_at_quota()
            record(f"Surplus of {names[e]}")
            continue
        low = min(totals[c] for c in cont)
        x, _ = break_tie([c for c in cont if totals[c] == low], history=history, names=names, lot=lot)
        state[x] = "excluded"
        if len(cont) - 1 <= seats - len(elected):
            elected.extend(sorted((c for c in cont if c != x), key=lambda c: -totals[c]))
            record(f"Exclusion of {names[x]}; last vacancies filled")
            break
        move(x)
        totals[x] = 0
        elect_at_quota()
        record(f"Exclusion of {names[x]}")
    return out


def assert_matches_reference(profile: Profile, seats: int, seed: str = "ref") -> None:
    result = count(profile, "scottish", seats=seats, seed=seed)
    assert_conserved(result)
    ref = reference_count(profile, seats, seed)
    ours = [(s.description, s.votes, s.non_transferable) for s in result.stages]
    assert ours == ref


def test_real_wards_agree_with_the_plain_reference_count(ward_counts: list[tuple[str, Profile, Count]]) -> None:
    for _, profile, result in ward_counts[::25]:
        assert_matches_reference(profile, result.seats, seed="omov")


@st.composite
def small_profiles(draw: st.DrawFn) -> tuple[Profile, int]:
    n = draw(st.integers(2, 7))
    seats = draw(st.integers(1, min(4, n)))
    papers = []
    for _ in range(draw(st.integers(1, 25))):
        order = draw(st.permutations(range(n)))
        papers.append((list(order[: draw(st.integers(0, n))]), draw(st.integers(1, 40))))
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=1))
    cands = [Candidate(f"C{i}", i in withdrawn) for i in range(n)]
    return Profile.from_papers(cands, papers, seats=seats), seats


@settings(max_examples=150, deadline=None)
@given(small_profiles())
def test_random_profiles_agree_with_the_plain_reference_count(case: tuple[Profile, int]) -> None:
    profile, seats = case
    if not any(r for r, _ in zip(*profile.continuing_rankings(), strict=True)):
        return  # no valid paper at all: nothing to count
    assert_matches_reference(profile, seats)


@settings(max_examples=60, deadline=None)
@given(small_profiles(), st.data())
def test_splitting_a_group_of_identical_papers_changes_nothing(case: tuple[Profile, int], data: st.DataObject) -> None:
    profile, seats = case
    if not any(r for r in profile.continuing_rankings()[0]) or max(profile.weights) < 2:
        return
    i = profile.weights.index(max(profile.weights))
    k = data.draw(st.integers(1, profile.weights[i] - 1))
    split = Profile(
        profile.candidates,
        profile.rankings + (profile.rankings[i],),
        profile.weights[:i] + (profile.weights[i] - k,) + profile.weights[i + 1 :] + (k,),
        seats=seats,
    )
    a, b = count(profile, "scottish", seed="g"), count(split, "scottish", seed="g")
    assert [(s.votes, s.non_transferable, s.loss) for s in a.stages] == [
        (s.votes, s.non_transferable, s.loss) for s in b.stages
    ]


# ---------------------------------------------------------------------------------------------- large counts
def synthetic_profile(papers: int, candidates: int = 12, seats: int = 3, seed: int = 2026) -> Profile:
    """Seeded, party-like rankings truncated at random lengths (the same generator benchmarks can use)."""
    rng = np.random.default_rng(seed)
    strength = rng.gamma(2.0, 1.0, candidates)
    party = np.arange(candidates) % 4
    lengths = np.minimum(rng.geometric(0.35, papers), candidates)
    keys = rng.gumbel(size=(papers, candidates)) + np.log(strength)
    keys += 1.5 * (party[None, :] == party[np.argmax(keys, axis=1)][:, None])  # party loyalty
    order = np.argsort(-keys, axis=1)
    grouped: dict[tuple[int, ...], int] = {}
    for row, k in zip(order.tolist(), lengths.tolist(), strict=True):
        key = tuple(row[:k])
        grouped[key] = grouped.get(key, 0) + 1
    names = [f"Candidate {i + 1}" for i in range(candidates)]
    return Profile(tuple(Candidate(x) for x in names), tuple(grouped), tuple(grouped.values()), seats=seats)


def test_a_synthetic_count_of_twenty_thousand_papers_agrees_with_the_reference() -> None:
    profile = synthetic_profile(20_000, seed=7)
    assert profile.papers == 20_000
    assert_matches_reference(profile, 3)


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int]] = []
    count(worked_profile(), "scottish", seed="p", progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (3, 3)


def test_the_lot_seed_and_options_are_on_the_sheet() -> None:
    result = count(worked_profile(), "scottish", seed=random.Random(1).random())
    assert result.seed is not None and result.decimals == 5 and result.rule == "scottish"
    assert result.options["quota"] == "droop" and result.options["rounding"] == "down"


@settings(max_examples=80, deadline=None)
@given(small_profiles(), st.data())
def test_random_constraints_are_met_whenever_they_can_be(case: tuple[Profile, int], data: st.DataObject) -> None:
    profile, seats = case
    if not any(r for r in profile.continuing_rankings()[0]):
        return
    standing = [i for i, c in enumerate(profile.candidates) if not c.withdrawn]
    members = data.draw(st.sets(st.sampled_from(standing), min_size=1))
    minimum = data.draw(st.integers(0, min(len(members), seats)))
    maximum = data.draw(st.one_of(st.none(), st.integers(minimum, seats)))
    group = frozenset(profile.names[i] for i in members)
    rule = preset("scottish").with_(constraints=(Constraint("G", group, minimum, maximum),))
    try:
        result = count(profile, rule, seats=seats, seed="k")
    except CountError as exc:
        assert "cannot all be met" in str(exc)
        return
    assert_conserved(result)
    assert len(result.elected) == min(seats, len(standing))
    have = sum(n in group for n in result.elected_names)
    if len(result.elected) == seats:
        assert have >= minimum
    assert maximum is None or have <= maximum
