"""ERS97 STV (ERS, How to conduct an election by STV, 3rd ed. 1997, section 5): golden sheets and clause tests."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.count import Constraint, Count, Profile, count, preset, read_blt

GOLDEN = Path(__file__).parent / "golden"


def profile_of(spec: dict) -> Profile:
    names = spec["candidates"]
    papers = [([names.index(n) for n in ranking], weight) for weight, ranking in spec["papers"]]
    return Profile.from_papers(names, papers, seats=spec["seats"], invalid=spec.get("invalid", 0))


def figures(result: Count, stage_index: int, name: str) -> Fraction:
    return result.stages[stage_index].votes[result.candidates.index(name)]


def check_conservation(result: Count) -> None:
    for stage in result.stages:
        assert sum(stage.votes) + stage.non_transferable + stage.loss == result.valid, stage.description


def summary(result: Count) -> list[tuple[str, list[str], str, str]]:
    """Every stage's totals, non-transferable and loss, for readable failure messages."""
    return [
        (s.description, [str(v) for v in s.votes], str(s.non_transferable), str(s.loss)) for s in result.stages
    ]


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("ers97_*.json")))
def test_golden_sheet(name: str) -> None:
    """Each golden sheet: every listed stage's totals, non-transferable vote and loss, and who was elected."""
    spec = json.loads((GOLDEN / f"{name}.json").read_text())
    result = count(profile_of(spec), "ers97", seed="golden")
    check_conservation(result)
    assert result.quota == Fraction(spec["quota"])
    assert result.valid == Fraction(spec["total_valid"])
    if "elected" in spec:
        assert list(result.elected_names) == spec["elected"]
        assert len(result.stages) == len(spec["stages"]), summary(result)
    for i, want in enumerate(spec["stages"]):
        stage = result.stages[i]
        for cand, value in want["votes"].items():
            assert figures(result, i, cand) == Fraction(value), (i + 1, cand, summary(result))
        assert stage.non_transferable == Fraction(want["non_transferable"]), (i + 1, summary(result))
        assert stage.loss == Fraction(want["loss"]), (i + 1, summary(result))
        assert [result.candidates[c] for c in stage.elected] == want.get("elected", []), i + 1
        if "excluded" in want:
            assert sorted(result.candidates[c] for c in stage.excluded) == sorted(want["excluded"]), i + 1


# ----------------------------------------------------------------------------------------- 5.1.6 quota
@pytest.mark.parametrize(
    ("valid", "seats", "quota"),
    [(753, 6, "107.58"), (3438, 3, "859.50"), (100, 3, "25.00"), (100, 2, "33.34"), (7, 2, "2.34")],
)
def test_quota_two_decimals_rounded_up_only_when_not_exact(valid: int, seats: int, quota: str) -> None:
    """5.1.6: divide to two decimals; exact -> that is the quota; otherwise ignore the remainder and add 0.01."""
    prof = Profile.from_papers(["A", "B", "C", "D"], [((0,), valid - 3), ((1,), 1), ((2,), 1), ((3,), 1)])
    result = count(prof, "ers97", seats=seats, seed="q")
    assert result.stages[0].quota == Fraction(quota)


def test_quota_recalculated_when_papers_exhaust_before_anyone_is_elected() -> None:
    """5.4.8: non-transferable papers before anyone is deemed elected reduce the quota."""
    prof = Profile.from_papers(["A", "B", "C"], [((0,), 40), ((1,), 35), ((2,), 25)])
    result = count(prof, "ers97", seats=1, seed="q")
    assert result.stages[0].quota == Fraction(50)
    assert result.stages[1].quota == Fraction(75, 2)  # (100 - 25) / 2
    assert result.elected_names == ("A",)
    assert result.stages[1].elected == (0,)
    assert any("5.4.8" in n for n in result.stages[1].notes)


# ------------------------------------------------------------------------------ 5.1.7 / 5.3.13 / 5.4.9
def test_deemed_elected_on_total_active_vote_below_quota() -> None:
    """5.1.7(b) / 5.4.9(b): a vote >= total active vote / (places left + 1) elects, even below the quota."""
    spec = json.loads((GOLDEN / "ers97_last_batch.json").read_text())
    result = count(profile_of(spec), "ers97", seed="x")
    d = result.candidates.index("D")
    last = result.stages[-1]
    assert d in last.elected
    assert last.votes[d] < last.quota  # 23.60 < 25.00
    assert any("total active vote 38.60 / 2" in n for n in last.notes)


def test_active_vote_threshold_is_inclusive_and_exact() -> None:
    """5.1.7: 'equals or exceeds' - a vote exactly equal to active vote / (places + 1) is enough."""
    # 2 places, quota 100/3 -> 33.34. A 40 elected; its 6.66 surplus has no transferable papers (at present
    # value, 6.66 non-transferable). Active vote then 100 - 6.66 - 33.34 = 60, / 2 = 30: B with 30 is elected.
    prof = Profile.from_papers(["A", "B", "C", "D"], [((0,), 40), ((1,), 30), ((2,), 16), ((3,), 14)])
    result = count(prof, "ers97", seats=2, seed="x")
    assert result.elected_names == ("A", "B")
    assert result.stages[1].description == "Surplus of A"
    assert result.stages[1].elected == (1,)
    assert result.stages[1].votes[1] == 30 < result.stages[1].quota


def test_equal_votes_for_the_last_place_with_no_earlier_difference_elects_neither() -> None:
    """5.6.2: equal at every point and not places for both: neither is deemed elected at that stage."""
    # 1 place, quota 100/2 = 50.00: A and B both 50 at the first stage -> neither deemed elected then.
    prof = Profile.from_papers(["A", "B"], [((0,), 50), ((1,), 50)])
    result = count(prof, "ers97", seats=1, seed="s")
    assert result.stages[0].elected == ()
    assert any("5.6.2" in n for n in result.stages[0].notes)
    assert len(result.elected) == 1  # then 5.5.1: an exclusion by lot (5.2.5) leaves one for one place
    assert any("lot" in n for s in result.stages for n in s.notes)


def test_equal_votes_for_the_last_place_resolved_by_first_stage() -> None:
    """5.6.2: equal now, different at the first stage: the one higher there is deemed elected."""
    # 2 places, valid 153: quota 51.00. A 102 elected; surplus 51 over 102 papers: 0.50 each. B 25 + 52 x 0.50
    # = 51 and C 26 + 50 x 0.50 = 51: both reach the quota with one place left; C had more at the first stage.
    prof = Profile.from_papers(["A", "B", "C"], [((0, 1), 52), ((0, 2), 50), ((1,), 25), ((2,), 26)])
    result = count(prof, "ers97", seats=2, seed="s")
    stage = result.stages[1]
    assert stage.votes == (51, 51, 51)
    assert result.elected_names == ("A", "C")
    assert stage.elected == (2,) and stage.excluded == (1,)
    assert any("5.6.2" in n and "C chosen" in n for n in stage.notes)


# ------------------------------------------------------------------------ 5.2.2 deferral, 5.2.5 bulk
def test_surplus_deferred_and_lowest_excluded_together() -> None:
    """5.2.2(b) defers the surplus; 5.2.5 excludes the two lowest together, counting the deferred surplus."""
    spec = json.loads((GOLDEN / "ers97_bulk_deferred.json").read_text())
    result = count(profile_of(spec), "ers97", seed="x")
    stage = result.stages[1]
    assert stage.kind == "exclusion"
    assert sorted(result.candidates[c] for c in stage.subjects) == ["D", "E"]
    assert any("deferred" in n and "5.2.2(b)" in n for n in stage.notes)
    assert all(s.kind != "surplus" for s in result.stages)


def test_deferral_under_a_not_b() -> None:
    """5.2.2(a): a surplus no larger than the gap between the two lowest is deferred; the lowest goes alone."""
    # quota 100/3 -> 33.34; A 35, surplus 1.66 <= D 12 - E 7 = 5: deferred (a). With it E + D + 1.66 > C 16,
    # so E goes alone (5.2.5(b)); E's papers go to D.
    prof = Profile.from_papers(
        ["A", "B", "C", "D", "E"], [((0, 1), 35), ((1,), 30), ((2,), 16), ((3,), 12), ((4, 3), 7)]
    )
    result = count(prof, "ers97", seats=2, seed="x")
    stage = result.stages[1]
    assert stage.kind == "exclusion" and stage.subjects == (4,)
    assert any("5.2.2(a)" in n for n in stage.notes)
    assert stage.votes[3] == 19


def test_surplus_not_deferred_when_it_could_change_the_lowest() -> None:
    """5.2.2: a surplus larger than both differences is transferred before any exclusion."""
    spec = json.loads((GOLDEN / "ers97_batches.json").read_text())
    result = count(profile_of(spec), "ers97", seed="x")
    assert result.stages[1].kind == "surplus"


# ---------------------------------------------------------------------------- 5.3 surplus transfers
def test_later_surplus_uses_only_the_last_batch_received() -> None:
    """5.3.2: B's surplus comes from the 40 papers received from A, not from B's own first preferences."""
    spec = json.loads((GOLDEN / "ers97_last_batch.json").read_text())
    result = count(profile_of(spec), "ers97", seed="x")
    surplus_b = result.stages[2]
    assert surplus_b.description == "Surplus of B"
    assert figures(result, 2, "C") == 15  # B's own papers (next preference C) are not examined
    assert figures(result, 2, "D") == Fraction("23.60")
    assert any("last batch received" in n and "= 0.24" in n for n in surplus_b.notes)


def test_first_stage_surplus_examines_all_papers_and_rounds_transfer_value_down() -> None:
    """5.3.1, 5.3.7: TV = surplus / transferable papers, two decimals, remainder ignored; loss recorded."""
    spec = json.loads((GOLDEN / "ers97_model_stage2.json").read_text())
    result = count(profile_of(spec), "ers97", seed="x")
    stage = result.stages[1]
    assert any("all papers examined" in n and "26.42 / 123 = 0.21" in n for n in stage.notes)
    assert stage.loss == Fraction("0.59") and stage.non_transferable == 0
    assert result.invalid == 5 and result.papers == 753


def test_transfer_value_capped_at_present_value() -> None:
    """5.3.7: transferable papers worth no more than the surplus go at their present value; the rest of the
    surplus is non-transferable (not rounding loss)."""
    prof = Profile.from_papers(
        ["A", "B", "C", "D"], [((0, 2), 10), ((0,), 50), ((1,), 20), ((2,), 12), ((3,), 8)]
    )
    result = count(prof, "ers97", seats=2, seed="x")
    stage = result.stages[1]
    assert stage.description == "Surplus of A"
    assert stage.votes == (Fraction("33.34"), 20, 22, 8)
    assert stage.non_transferable == Fraction("26.66") - 10 and stage.loss == 0
    assert any("present value 1.00" in n for n in stage.notes)
    assert result.elected_names == ("A", "C")  # C 22 >= (100 - 24.66 - 33.34) / 2 = 21 after D goes


def test_capped_transfer_value_of_a_later_batch_keeps_its_value() -> None:
    """5.3.7 with a batch below 1.00: never transferred above the value the papers arrived with."""
    # quota 100/4 = 25. A 60: surplus 35 over 60 transferable papers -> 0.58 (loss 0.20); B 20 + 20 x 0.58 =
    # 31.60, elected; X 40 x 0.58 = 23.20. B's surplus 6.60 comes from the last batch, 20 papers at 0.58, of
    # which 2 are transferable (to C): worth 1.16 <= 6.60, so they go at 0.58, not more; 5.44 non-transferable.
    prof = Profile.from_papers(
        ["A", "B", "C", "X", "E"],
        [((0, 1, 2), 2), ((0, 1), 18), ((0, 3), 40), ((1,), 20), ((2,), 9), ((4,), 11)],
    )
    result = count(prof, "ers97", seats=3, seed="x")
    stage_b = next(s for s in result.stages if s.description == "Surplus of B")
    assert any("present value 0.58" in n for n in stage_b.notes)
    assert stage_b.votes[2] == 9 + Fraction("1.16")
    assert stage_b.non_transferable == Fraction("5.44") and stage_b.loss == Fraction("0.20")
    assert result.elected_names == ("A", "B", "X")  # X 23.20 >= (100 - 5.64 - 50) / 2 = 22.18 (5.3.13(b))
    check_conservation(result)


def test_exclusion_in_batches_of_descending_value_each_a_sub_stage() -> None:
    """5.4.1, 5.4.2, 5.4.11: the 1.00 batch first, then the 0.16 batch, each recorded; election after each."""
    spec = json.loads((GOLDEN / "ers97_batches.json").read_text())
    result = count(profile_of(spec), "ers97", seed="x")
    subs = [s for s in result.stages if s.description.startswith("Exclusion of D")]
    assert [s.description for s in subs] == [
        "Exclusion of D (batch 1 of 2, value 1.00)",
        "Exclusion of D (batch 2 of 2, value 0.16)",
    ]
    assert subs[0].elected == () and [result.candidates[c] for c in subs[1].elected] == ["E"]


def test_no_further_transfers_once_places_are_filled_mid_exclusion() -> None:
    """5.4.9 after each batch, then 5.5.2: the last place filled after batch 1 stops the exclusion there."""
    # 2 places, quota 33.34. A 40 elected; surplus 6.66 to D at 0.16 (40 papers) -> D 16.40; F excluded (8
    # non-transferable). D excluded: batch at 1.00 gives E 23 + 10 = 33 >= (100 - 8.26 - 33.34) / 2 = 29.20.
    prof = Profile.from_papers(
        ["A", "C", "D", "E", "F"],
        [((0, 2, 3, 1), 40), ((2, 3), 10), ((1,), 19), ((3,), 23), ((4,), 8)],
    )
    result = count(prof, "ers97", seats=2, seed="x")
    assert result.elected_names == ("A", "E")
    first = next(s for s in result.stages if "batch 1 of 2" in s.description)
    assert first.elected == (3,) and first.votes[3] == 33
    assert not any("batch 2 of 2" in s.description for s in result.stages)
    assert result.stages[-1].votes[2] == Fraction("6.40")  # the 0.16 batch stays with D, untransferred


def test_next_available_preference_skips_candidates_no_longer_continuing() -> None:
    """5.4.10 / 6.10: papers pass over candidates deemed elected or excluded, even within one exclusion."""
    from omov.count.methods.ers97 import ERS97Count
    from omov.count.ties import Lot

    prof = Profile.from_papers(["A", "B", "C", "D"], [((0, 1, 2, 3), 3), ((0, 2), 2), ((0, 1), 1)])
    counter = ERS97Count(prof, preset("ers97"), seats=2, lot=Lot("x"), progress=None)
    counter.first_stage()
    batch = counter.piles[0][-1]
    counter.state[0] = "excluded"
    counter.state[1] = "elected"  # e.g. deemed elected after an earlier batch
    dest, _ = counter.next_preferences(batch)
    got = {tuple(int(c) for c in counter.matrix[r] if c >= 0): int(d) for r, d in zip(batch.rows, dest, strict=True)}
    assert got == {(0, 1, 2, 3): 2, (0, 2): 2, (0, 1): -1}


# ---------------------------------------------------------------------------------------- ties, lot
def test_tie_broken_by_earliest_point_of_difference_not_the_latest() -> None:
    """5.2.5: X and Y equal; X was lower at the first stage (Y lower at stage 2): X is excluded."""
    spec = json.loads((GOLDEN / "ers97_tie_forwards.json").read_text())
    result = count(profile_of(spec), "ers97", seed="x")
    stage = result.stages[3]
    assert [result.candidates[c] for c in stage.subjects] == ["X"]
    assert any("forwards" in n for n in stage.notes)
    assert preset("ers97").ties == ("forwards", "lot")


def test_lot_is_reproducible_from_the_seed() -> None:
    prof = Profile.from_papers(["A", "B", "C"], [((0,), 10), ((1,), 10), ((2,), 10)])
    first = count(prof, "ers97", seats=1, seed="abc")
    again = count(prof, "ers97", seats=1, seed="abc")
    assert first.elected == again.elected and first.seed == "abc"


# -------------------------------------------------------------------- 5.5 completion, withdrawals
def test_as_many_continuing_as_places_are_deemed_elected() -> None:
    """5.5.1: a proposed exclusion leaving as many continuing candidates as places elects them all."""
    # quota 20/3 -> 6.67; A's surplus 3.33 has no transferable papers. Active vote 20 - 3.33 - 6.67 = 10, / 2
    # = 5: B and C (5 each, equal throughout) both reach it for one place: 5.6.2 elects neither; the exclusion
    # of one by lot (5.2.5) would leave one for one place: 5.5.1.
    prof = Profile.from_papers(["A", "B", "C"], [((0,), 10), ((1,), 5), ((2,), 5)])
    result = count(prof, "ers97", seats=2, seed="x")
    last = result.stages[-1]
    assert last.kind == "deemed-elected" and len(last.elected) == 1 and len(last.excluded) == 1
    assert any("5.5.1" in n for n in last.notes)
    assert result.elected[0] == 0 and set(result.elected[1:] + last.excluded) == {1, 2}


def test_fewer_candidates_than_places() -> None:
    prof = Profile.from_papers(["A", "B"], [((0,), 10), ((1,), 9)])
    result = count(prof, "ers97", seats=3, seed="x")
    assert sorted(result.elected_names) == ["A", "B"]


def test_withdrawn_candidate_is_passed_over_and_empty_papers_are_invalid() -> None:
    """2.4 / 6.10: preferences for a withdrawn candidate are skipped; a paper left with none is invalid."""
    prof = Profile.from_papers(["A", "B", "C"], [((0, 1), 10), ((1,), 9), ((2,), 8), ((), 2)]).withdraw("A")
    result = count(prof, "ers97", seats=1, seed="x")
    assert result.valid == 27 and result.invalid == 2
    assert result.stages[0].states[0] == "withdrawn"
    assert result.stages[0].votes == (0, 19, 8)
    assert result.elected_names == ("B",)
    check_conservation(result)


# ----------------------------------------------------------------------------------- constraints
def test_constraint_passes_over_a_candidate_and_elects_from_the_group() -> None:
    """A candidate whose election would leave no place for a woman is passed over and excluded."""
    prof = Profile.from_papers(["A", "B", "C", "D"], [((0,), 40), ((1,), 35), ((2,), 15), ((3,), 10)])
    rule = preset("ers97").with_(constraints=(Constraint("women", frozenset({"C", "D"}), minimum=1),))
    result = count(prof, rule, seats=2, seed="x")
    assert result.elected_names == ("A", "C")
    assert result.stages[0].excluded == (1,)
    assert any("passed over" in n for n in result.stages[0].notes)
    check_conservation(result)


def test_constraint_maximum_skips_an_exclusion() -> None:
    """At most one of group M: excluding the last non-member would force two members in; skip to the next."""
    prof = Profile.from_papers(
        ["A", "B", "C", "D"], [((0,), 40), ((1,), 30), ((2,), 20), ((3,), 10)]
    )
    rule = preset("ers97").with_(constraints=(Constraint("M", frozenset({"A", "B", "C"}), maximum=1),))
    result = count(prof, rule, seats=2, seed="x")
    assert "D" in result.elected_names and sum(n in {"A", "B", "C"} for n in result.elected_names) == 1
    check_conservation(result)


# ----------------------------------------------------------------------------------- properties
@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(min_value=1, max_value=n),
            st.lists(
                st.tuples(
                    st.permutations(range(n)).flatmap(lambda p: st.sampled_from([p[:k] for k in range(1, n + 1)])),
                    st.integers(min_value=1, max_value=30),
                ),
                min_size=1,
                max_size=25,
            ),
        )
    )
)
def test_conservation_and_seats_filled(case: tuple[int, int, list[tuple[list[int], int]]]) -> None:
    """Every stage: sum(votes) + non-transferable + loss == valid; the places are filled; values are 0.01s."""
    n, seats, papers = case
    prof = Profile.from_papers([f"C{i}" for i in range(n)], [(tuple(r), w) for r, w in papers])
    result = count(prof, "ers97", seats=seats, seed="p")
    check_conservation(result)
    assert len(result.elected) == min(seats, n) and len(set(result.elected)) == len(result.elected)
    for stage in result.stages:
        assert all((v * 100).denominator == 1 and v >= 0 for v in stage.votes)


# ------------------------------------------------------------------------------ real ballots
def norm(name: str) -> str:
    # The reference counter read a 2007/2012 line `Lab "Ann SMITH"` as one name (its quotes shown as ''); omov
    # reads the party code apart from the name (docs/formats.md), so the reference's party prefix is dropped.
    if "''" in name:
        name = name.split("''")[1]
    return " ".join(re.sub(r"[^A-Za-z \-()]", "", name).split()).casefold()


def test_all_scottish_wards(scottish_data: Path) -> None:
    """All 374 wards: no errors, conservation at every stage, `seats` elected; differences from the Scottish
    rule are few and come from the rule (see docs/rules/ers97.md)."""
    reference = json.loads((scottish_data / "elected.json").read_text())
    files = sorted((scottish_data / "ballots").glob("*.blt"))
    assert len(files) == 374
    differ = []
    for path in files:
        result = count(read_blt(path), "ers97", seed="scot")
        check_conservation(result)
        assert len(result.elected) == result.seats, path.stem
        if sorted(map(norm, result.elected_names)) != sorted(map(norm, reference[path.stem])):
            differ.append(path.stem)
    assert differ == [
        "angus_2012_ward1",
        "east_ayrshire_2012_ward5",
        "edinburgh_2012_ward10",
        "edinburgh_2012_ward16",
        "moray_2012_ward6",
        "north_lanarkshire_2012_ward20",
        "orkney_2012_ward3",
        "sc_borders_2012_ward5",
        "south_ayrshire_2012_ward3",
    ]


def test_angus_ward1_differs_because_ers97_shares_a_surplus_over_transferable_papers(scottish_data: Path) -> None:
    """5.3.7: 515.50 over 854 transferable papers (0.60), not 515 over all 1375 as the Scottish rule does."""
    result = count(read_blt(scottish_data / "ballots" / "angus_2012_ward1.blt"), "ers97", seed="scot")
    assert any("515.50 / 854 = 0.60" in n for n in result.stages[1].notes)
    andrews = next(i for i, n in enumerate(result.candidates) if "ANDREWS" in n)
    assert andrews in result.elected


# ------------------------------------------------------------------ a second, naive counter to compare
def naive_ers97(prof: Profile, seats: int, seed: str) -> tuple[list[tuple[tuple[int, ...], int, int]], set[int]]:
    """ERS97 section 5 counted paper by paper in hundredths, written separately from the NumPy module so that
    the two can be compared stage by stage: [(votes, non-transferable, loss) per stage], elected."""
    from omov.count.ties import Lot, break_tie

    names = prof.names
    n = len(names)
    rankings, weights = prof.continuing_rankings()
    papers = [r for r, w in zip(rankings, weights, strict=True) for _ in range(w) if r]
    valid = len(papers) * 100
    status = ["withdrawn" if c.withdrawn else "continuing" for c in prof.candidates]
    votes = [0] * n
    piles: list[list[tuple[int, list[tuple[tuple[int, ...], int]]]]] = [[] for _ in range(n)]
    for c in range(n):
        mine = [(r, 0) for r in papers if r[0] == c]
        if mine:
            piles[c].append((100, mine))
            votes[c] = 100 * len(mine)
    elected: list[int] = []
    tally = {"nt": 0, "loss": 0, "quota": -(-valid // (seats + 1))}
    stages: list[tuple[tuple[int, ...], int, int]] = []
    lot = Lot(seed)

    def cont() -> list[int]:
        return [c for c in range(n) if status[c] == "continuing"]

    def history() -> list[tuple[Fraction, ...]]:
        return [tuple(Fraction(v, 100) for v in s[0]) for s in stages]

    def snap() -> None:
        stages.append((tuple(votes), tally["nt"], tally["loss"]))

    def next_pref(r: tuple[int, ...], pos: int) -> tuple[int, int] | None:
        for j in range(pos + 1, len(r)):
            if status[r[j]] == "continuing":
                return r[j], j
        return None

    def deem() -> None:
        while len(elected) < seats:
            k = seats - len(elected)
            tav = valid - tally["nt"] - tally["loss"] - sum(min(votes[e], tally["quota"]) for e in elected)
            q = [c for c in cont() if votes[c] >= tally["quota"] or votes[c] * (k + 1) >= tav]
            if not q:
                return
            top = max(votes[c] for c in q)
            group = [c for c in q if votes[c] == top]
            if len(group) <= k:
                for c in group:
                    status[c] = "elected"
                    elected.append(c)
                continue
            hist = history()
            key = {c: tuple(h[c] for h in hist) for c in group}  # lexicographic: first stage, then later ones
            take: list[int] = []
            while len(take) < k:
                best = max(key[c] for c in group if c not in take)
                same = [c for c in group if c not in take and key[c] == best]
                if len(same) > k - len(take):
                    break
                take += same
            for c in take:
                status[c] = "elected"
                elected.append(c)
            return

    def give(items: list[tuple[tuple[int, ...], int]], value: int) -> int:
        lost = 0
        got: dict[int, list[tuple[tuple[int, ...], int]]] = {}
        for r, pos in items:
            nxt = next_pref(r, pos)
            if nxt is None:
                lost += 1
            else:
                got.setdefault(nxt[0], []).append((r, nxt[1]))
        for c, its in got.items():
            piles[c].append((value, its))
            votes[c] += value * len(its)
        return lost

    deem()
    snap()
    while len(elected) < seats:
        c_now = cont()
        if len(c_now) <= seats - len(elected):
            for c in c_now:
                status[c] = "elected"
                elected.append(c)
            snap()
            break
        sur = {e: votes[e] - tally["quota"] for e in elected if votes[e] > tally["quota"]}
        total = sum(sur.values())
        low = sorted(votes[c] for c in c_now)
        left = seats - len(elected)
        defer = False
        if sur:
            defer = total <= low[1] - low[0] or any(
                len(low) - m >= left and total <= low[m] - sum(low[:m]) for m in range(2, len(low))
            )
            if not defer:
                big = max(sur.values())
                tied = [e for e in sur if sur[e] == big]
                e = tied[0] if len(tied) == 1 else break_tie(
                    tied, history=history(), names=names, lot=lot, methods=("forwards", "lot"), lowest=False
                )[0]
                value, items = piles[e][-1]
                movable = [it for it in items if next_pref(*it) is not None]
                if len(movable) * value > sur[e]:
                    tv = sur[e] // len(movable)
                    give(items, tv)
                    tally["loss"] += sur[e] - tv * len(movable)
                else:
                    give(items, value)
                    tally["nt"] += sur[e] - value * len(movable)
                votes[e] -= sur[e]
                deem()
                snap()
                continue
        deferred = total if sur else 0
        m = max(
            [1]
            + [k for k in range(1, len(low)) if len(low) - k >= left and sum(low[:k]) + deferred <= low[k]]
        )
        boundary = low[m - 1]
        group = [c for c in c_now if votes[c] < boundary]
        tied = sorted(c for c in c_now if votes[c] == boundary)
        while len(group) < m:
            pick = tied[0] if len(tied) == 1 else break_tie(
                tied, history=history(), names=names, lot=lot, methods=("forwards", "lot"), lowest=True
            )[0]
            group.append(pick)
            tied.remove(pick)
        for x in group:
            status[x] = "excluded"
        if len(c_now) - len(group) == left:
            for c in cont():
                status[c] = "elected"
                elected.append(c)
            snap()
            break
        batches: dict[int, list[tuple[int, list[tuple[tuple[int, ...], int]]]]] = {}
        for x in group:
            for value, items in piles[x]:
                batches.setdefault(value, []).append((x, items))
            piles[x] = []
        if not batches:
            deem()
            snap()
        for value in sorted(batches, reverse=True):
            items_all = []
            for x, items in batches[value]:
                votes[x] -= value * len(items)
                items_all += items
            tally["nt"] += value * give(items_all, value)
            if not elected and tally["nt"] + tally["loss"] > 0:
                tally["quota"] = -(-(valid - tally["nt"] - tally["loss"]) // (seats + 1))
            deem()
            snap()
            if len(elected) == seats:
                break
    return stages, set(elected)


def compare_with_naive(prof: Profile, seats: int, seed: str) -> None:
    result = count(prof, "ers97", seats=seats, seed=seed)
    stages, elected = naive_ers97(prof, seats, seed)
    got = [
        (tuple(int(v * 100) for v in s.votes), int(s.non_transferable * 100), int(s.loss * 100))
        for s in result.stages
    ]
    assert got == stages
    assert set(result.elected) == elected


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=2, max_value=7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(min_value=1, max_value=n),
            st.lists(
                st.tuples(
                    st.permutations(range(n)).flatmap(lambda p: st.sampled_from([p[:k] for k in range(n + 1)])),
                    st.integers(min_value=1, max_value=40),
                ),
                min_size=1,
                max_size=30,
            ),
        )
    )
)
def test_same_sheet_as_a_naive_paper_by_paper_count(case: tuple[int, int, list[tuple[list[int], int]]]) -> None:
    """The NumPy count (rankings grouped, batches as arrays) gives every stage exactly as a naive count."""
    n, seats, papers = case
    prof = Profile.from_papers([f"C{i}" for i in range(n)], [(tuple(r), w) for r, w in papers])
    compare_with_naive(prof, seats, "naive")


def test_same_sheet_as_the_naive_count_on_real_wards(scottish_data: Path) -> None:
    """Twelve real wards (the nine that differ from the Scottish rule and three others), stage by stage."""
    wards = [
        "angus_2012_ward1", "east_ayrshire_2012_ward5", "edinburgh_2012_ward10", "edinburgh_2012_ward16",
        "moray_2012_ward6", "north_lanarkshire_2012_ward20", "orkney_2012_ward3", "sc_borders_2012_ward5",
        "south_ayrshire_2012_ward3", "aberdeen_2012_ward1", "aberdeenshire_2012_ward3", "orkney_2012_ward1",
    ]
    for ward in wards:
        prof = read_blt(scottish_data / "ballots" / f"{ward}.blt")
        compare_with_naive(prof, prof.seats or 0, "scot")
