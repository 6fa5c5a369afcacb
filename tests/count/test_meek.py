"""Meek's method (omov/count/methods/meek.py): reference results, a published count stage by stage, invariants."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.count import Constraint, Count, CountError, Profile, count, preset, read_blt
from omov.count.methods import meek
from omov.count.methods.meek import Arithmetic

GOLDEN = Path(__file__).parent / "golden"
PRF = {"meek_arithmetic": "fixed"}


def norm(name: str) -> str:
    """Names as the data README says to compare them: letters, spaces, hyphens, parentheses; case ignored."""
    # The reference counter read a 2007/2012 line `Lab "Ann SMITH"` as one name (its quotes shown as ''); omov
    # reads the party code apart from the name (docs/formats.md), so the reference's party prefix is dropped.
    if "''" in name:
        name = name.split("''")[1]
    kept = re.sub(r"[^A-Za-z \-()]", "", name)
    return " ".join(kept.split()).casefold()


def conserved(result: Count) -> None:
    """sum(votes) + non_transferable + loss == valid at every stage, with nothing negative."""
    for stage in result.stages:
        assert sum(stage.votes) + stage.non_transferable + stage.loss == result.valid, stage.description
        assert stage.non_transferable >= 0 and stage.loss >= 0
        assert all(v >= 0 for v in stage.votes)
        assert stage.keep_factors is not None and len(stage.keep_factors) == len(result.candidates)
        assert all(0 <= k <= 1 for k in stage.keep_factors)


def as_decimal(value: Fraction, places: int) -> str:
    """A value rounded half up to `places` decimals, as Droop prints it."""
    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(value.numerator) / Decimal(value.denominator)
        return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


# --- the reference results: 374 Scottish wards -------------------------------------------------------------


def test_every_scottish_ward_elects_the_reference_meek_set(scottish_data: Path) -> None:
    meek = json.loads((scottish_data / "meek-elected.json").read_text())
    scottish = json.loads((scottish_data / "elected.json").read_text())
    files = sorted((scottish_data / "ballots").glob("*.blt"))
    assert len(files) == 374
    matched, differ_from_scottish, matched_where_differ = 0, 0, 0
    failures = []
    for path in files:
        result = count(read_blt(path), "meek", seed="omov")
        conserved(result)
        got = sorted(norm(n) for n in result.elected_names)
        want = sorted(norm(n) for n in meek[path.stem])
        if got == want:
            matched += 1
        else:
            failures.append((path.stem, got, want))
        if want != sorted(norm(n) for n in scottish[path.stem]):
            differ_from_scottish += 1
            matched_where_differ += got == want
    assert failures == []
    assert matched == 374
    assert differ_from_scottish == 27
    assert matched_where_differ == 27


# --- a published count, stage by stage ---------------------------------------------------------------------


def _golden(name: str) -> tuple[dict[str, Any], Count]:
    spec = json.loads((GOLDEN / f"{name}.json").read_text())
    rule = preset("meek")
    opts = dict(spec["rule"])
    extra = {k: v for k, v in opts.items() if k == "meek_arithmetic"}
    rule = rule.with_(extra=extra, **{k: v for k, v in opts.items() if k != "meek_arithmetic"})
    result = count(read_blt(GOLDEN / "meek_gpus_2005.blt"), rule, seed="golden")
    return spec, result


@pytest.mark.parametrize("name", ["meek_gpus_2005_guarded", "meek_gpus_2005_prf"])
def test_published_count_stage_by_stage(name: str) -> None:
    spec, result = _golden(name)
    places = spec["places"]
    names = result.candidates
    assert len(result.stages) == len(spec["stages"])
    assert set(result.elected_names) == set(spec["elected"])
    conserved(result)
    excluded_so_far: set[str] = set()
    for stage, want in zip(result.stages, spec["stages"], strict=True):
        where = f"{name} stage {stage.number} ({stage.description})"
        assert stage.kind == want["kind"], where
        assert {names[c] for c in stage.elected} == set(want.get("elected", [])), where
        if "tied" in want:  # a tie broken by lot: one of the tied candidates not yet excluded goes
            assert len(stage.excluded) == 1 and names[stage.excluded[0]] in want["tied"], where
            assert names[stage.excluded[0]] not in excluded_so_far, where
        else:
            assert {names[c] for c in stage.excluded} == set(want.get("excluded", [])), where
        if "quota" in want:
            assert as_decimal(stage.quota, places) == want["quota"], where
        if "votes" in want:
            got = {names[c]: as_decimal(v, places) for c, v in enumerate(stage.votes)}
            assert got == want["votes"], where
        if "residual" in want:  # Droop's residual: what the candidates do not hold (exhausted + rounding)
            assert as_decimal(stage.non_transferable + stage.loss, places) == want["residual"], where
        if "surplus" in want:
            assert any(want["surplus"] in note for note in stage.notes), where
        assert stage.keep_factors is not None
        kfs = {names[c]: as_decimal(k, places) for c, k in enumerate(stage.keep_factors)}
        for cand, kf in want["keep_factors"].items():
            assert kfs[cand] == kf, where
        for c, s in enumerate(stage.states):  # hopeful candidates keep 1, excluded ones 0
            if s == "continuing":
                assert stage.keep_factors[c] == 1, where
            if s == "excluded" and c not in stage.excluded:
                assert stage.keep_factors[c] == 0, where
        excluded_so_far |= {names[c] for c in stage.excluded}
    assert excluded_so_far == set(names) - set(spec["elected"])


def test_stages_say_how_many_iterations_and_why_they_stopped() -> None:
    _, result = _golden("meek_gpus_2005_prf")
    by_kind = [s for s in result.stages if s.kind in {"round", "exclusion"} and s.notes and "iteration" in s.notes[0]]
    assert by_kind
    assert any(re.match(r"1[0-9] iterations; total surplus 0\.000000455; stopped because the total surplus is "
                        r"below omega", s.notes[0]) for s in by_kind)
    assert result.options["arithmetic"] == "fixed" and result.options["omega"] == "0.000001"
    assert result.rule == "meek" and result.method == "meek" and result.seed == "golden"


# --- ties ---------------------------------------------------------------------------------------------------

# Droop's test/blt/42t.blt ("Pollux and Helen should tie"): 4 papers Castor > Pollux, 2 papers Helen; 2 seats.
CASTOR = Profile.from_papers(["Castor", "Pollux", "Helen"], [((0, 1), 4), ((2,), 2)], seats=2)


def test_candidates_within_the_surplus_of_the_lowest_are_tied_and_a_lot_decides() -> None:
    winners = set()
    for seed in range(12):
        result = count(CASTOR, "meek", seed=seed)
        conserved(result)
        exclusion = next(s for s in result.stages if s.excluded)
        assert any(n.startswith("tie between Pollux, Helen broken by lot") for n in exclusion.notes)
        assert result.elected_names[0] == "Castor"
        winners.add(result.elected_names[1])
        assert count(CASTOR, "meek", seed=seed).elected == result.elected  # the seed reproduces the count
    assert winners == {"Pollux", "Helen"}


def test_prf_fixed_arithmetic_rounds_keep_factors_up_so_there_is_no_tie() -> None:
    # Droop's test/ref/dump/42t-meek-prf-o6-fixed-p9-d9.txt: Castor kf 0.500000001, Castor 2.000000004,
    # Pollux 1.999999996, Helen 2.000000000, surplus 0.000000003: Pollux is defeated without a tie.
    rule = preset("meek").with_(meek_precision=9, meek_omega="0.000001", extra=PRF)
    result = count(CASTOR, rule, seed=1)
    exclusion = next(s for s in result.stages if s.excluded)
    assert [result.candidates[c] for c in exclusion.excluded] == ["Pollux"]
    assert not any("tie" in n for n in exclusion.notes)
    assert exclusion.keep_factors is not None
    assert exclusion.keep_factors[0] == Fraction("0.500000001")
    assert exclusion.votes == (Fraction("2.000000004"), Fraction("1.999999996"), Fraction(2))
    assert result.elected_names == ("Castor", "Helen")


# --- constraints, withdrawals, options ----------------------------------------------------------------------

MEN_AND_WOMEN = Profile.from_papers(
    ["Adam", "Brian", "Carol", "Dora", "Ed"],
    [((0, 1), 30), ((1, 0), 25), ((2, 3), 12), ((3, 2), 10), ((4, 0), 8)],
    seats=2,
)


def test_unconstrained_meek_elects_two_men_here() -> None:
    result = count(MEN_AND_WOMEN, "meek", seed=1)
    assert set(result.elected_names) == {"Adam", "Brian"}


def test_constraint_passes_over_a_candidate_whose_election_would_make_it_unmeetable() -> None:
    women = Constraint("women", frozenset({"Carol", "Dora"}), minimum=1)
    result = count(MEN_AND_WOMEN, preset("meek").with_(constraints=(women,)), seed=1)
    conserved(result)
    assert result.elected_names[0] == "Adam"
    assert "Brian" not in result.elected_names
    assert set(result.elected_names) & {"Carol", "Dora"}
    notes = [n for s in result.stages for n in s.notes]
    assert any("Brian reached the quota but electing them would leave a constraint unmeetable" in n for n in notes)
    assert result.notes and "at least 1 elected from women" in result.notes[0]


def test_constraint_elects_a_group_whose_continuing_members_are_exactly_its_need() -> None:
    women = Constraint("women", frozenset({"Carol"}), minimum=1)
    result = count(MEN_AND_WOMEN.withdraw("Dora"), preset("meek").with_(constraints=(women,)), seed=1)
    conserved(result)
    deemed = [s for s in result.stages if s.kind == "deemed-elected" and "Carol" in s.description]
    assert deemed and any("(K.3)" in n for n in deemed[0].notes)
    assert "Carol" in result.elected_names and len(result.elected) == 2


def test_constraint_never_excludes_a_candidate_the_group_needs() -> None:
    women = Constraint("women", frozenset({"Ed"}), minimum=1)  # Ed is the weakest; he must not be excluded
    result = count(MEN_AND_WOMEN, preset("meek").with_(constraints=(women,)), seed=1)
    assert "Ed" in result.elected_names
    assert "Ed" not in [result.candidates[c] for c in result.excluded]


def test_a_withdrawn_candidate_is_skipped_on_every_paper() -> None:
    withdrawn = count(MEN_AND_WOMEN.withdraw("Adam"), "meek", seed=1)
    removed = Profile.from_papers(
        ["Brian", "Carol", "Dora", "Ed"], [((0,), 55), ((1, 2), 12), ((2, 1), 10), ((3,), 8)], seats=2
    )
    plain = count(removed, "meek", seed=1)
    assert withdrawn.elected_names == plain.elected_names
    assert withdrawn.withdrawn == (0,)
    for a, b in zip(withdrawn.stages, plain.stages, strict=True):
        assert a.votes[1:] == b.votes and a.votes[0] == 0 and a.states[0] == "withdrawn"


def test_papers_with_no_preference_are_non_transferable_from_the_start() -> None:
    profile = Profile.from_papers(["A", "B", "C"], [((0,), 5), ((1,), 3), ((2,), 2), ((), 4)], seats=1)
    result = count(profile, "meek", seed=1)
    assert result.valid == 14
    assert result.stages[0].non_transferable == 4
    assert result.stages[0].quota == 5  # (14 - 4) / 2: the quota counts only votes held by candidates
    conserved(result)


def test_unknown_arithmetic_is_refused() -> None:
    with pytest.raises(CountError, match="meek_arithmetic"):
        count(CASTOR, preset("meek").with_(extra={"meek_arithmetic": "float"}), seed=1)


def test_guarded_arithmetic_treats_values_within_half_a_unit_as_equal() -> None:
    ar = Arithmetic("guarded", 18, 9)
    one = ar.scale
    assert ar.ge(one - 10**8, one) and not ar.gt(one + 10**8, one)
    assert ar.gt(one + 10**9, one) and ar.lt(one, one + 10**9)
    fixed = Arithmetic("fixed", 9, 0)
    assert fixed.mul(fixed.scale // 3, fixed.scale // 3, up=True) == 111111111  # 0.333333333^2 rounded up


# --- invariants on random profiles --------------------------------------------------------------------------


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    n = draw(st.integers(3, 7))
    papers = draw(
        st.lists(
            st.tuples(st.permutations(range(n)).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k])),
                      st.integers(1, 40)),
            min_size=1,
            max_size=25,
        )
    )
    seats = draw(st.integers(1, n - 1))
    return Profile.from_papers([f"C{i}" for i in range(n)], [(tuple(r), w) for r, w in papers], seats=seats)


@settings(max_examples=60, deadline=None)
@given(profiles(), st.sampled_from(["guarded", "fixed"]))
def test_votes_are_conserved_and_the_seats_filled(profile: Profile, arithmetic: str) -> None:
    rule = preset("meek").with_(extra={"meek_arithmetic": arithmetic})
    if arithmetic == "fixed":
        rule = rule.with_(meek_precision=9, meek_omega="0.000001")
    result = count(profile, rule, seed="h")
    conserved(result)
    assert len(result.elected) == len(set(result.elected)) == profile.seats
    final = result.stages[-1].states
    assert final.count("elected") == profile.seats and final.count("continuing") == 0


@settings(max_examples=80, deadline=None)
@given(profiles(), st.data(), st.sampled_from(["guarded", "fixed"]))
def test_merged_paths_distribute_exactly_as_paper_by_paper(profile: Profile, data: st.DataObject, kind: str) -> None:
    """The speed-up (papers merged by path, paths walked on as states change) changes no value at all."""
    ar = Arithmetic(kind, 9, 4 if kind == "guarded" else 0)
    n = len(profile.candidates)
    rankings, weights = profile.continuing_rankings()

    def naive(state: list[int], kf: list[int]) -> list[int]:
        votes = [0] * n
        for ranking, m in zip(rankings, weights, strict=True):
            w = ar.scale
            for c in ranking:
                if state[c] == meek.DEFEATED:
                    continue
                if kind == "fixed":
                    keep = ar.mul(w, kf[c], up=True)
                    w -= keep
                    votes[c] += keep * m
                    if w <= 0:
                        break
                else:
                    keep, w = ar.mul(w, kf[c]), ar.mul(w, ar.scale - kf[c])
                    votes[c] += keep * m
                    if w < ar.eps:
                        break
        return votes

    state = [meek.HOPEFUL] * n
    kf = [ar.scale] * n
    paths = meek._Paths(rankings, weights, state)
    for _ in range(3):
        assert meek._distribute(paths, kf, n, ar).votes == naive(state, kf)
        hopeful = [c for c in range(n) if state[c] == meek.HOPEFUL]
        if not hopeful:
            break
        changed = set(data.draw(st.lists(st.sampled_from(hopeful), min_size=1, max_size=2)))
        for c in changed:
            if data.draw(st.booleans()):
                state[c], kf[c] = meek.ELECTED, data.draw(st.integers(1, ar.scale))
            else:
                state[c], kf[c] = meek.DEFEATED, 0
        paths.update(changed)
        for c in range(n):  # elected candidates' keep factors move between iterations too
            if state[c] == meek.ELECTED and c not in changed:
                kf[c] = data.draw(st.integers(1, kf[c]))


@settings(max_examples=80, deadline=None)
@given(profiles(), st.data())
def test_constrained_counts_meet_the_constraint_and_conserve_votes(profile: Profile, data: st.DataObject) -> None:
    n, seats = len(profile.candidates), profile.seats or 1
    group = data.draw(st.sets(st.sampled_from(profile.names), min_size=1, max_size=n - 1))
    minimum = data.draw(st.integers(1, min(len(group), seats)))
    maximum = data.draw(st.one_of(st.none(), st.integers(minimum, seats)))
    if maximum is not None and n - len(group) < seats - maximum:
        maximum = None  # the others could not fill the seats the maximum leaves
    rule = preset("meek").with_(constraints=(Constraint("g", frozenset(group), minimum, maximum),))
    result = count(profile, rule, seed="c")
    conserved(result)
    chosen = set(result.elected_names)
    assert len(chosen) == seats
    assert minimum <= len(chosen & group) <= (maximum if maximum is not None else seats)
