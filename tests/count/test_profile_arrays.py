"""The array form of a profile's rankings (`Profile.arrays`, `Profile.continuing_arrays`) holds exactly the
tuples: the same rows in the same order, the same weights, withdrawn candidates struck out as
`continuing_rankings()` strikes them, and BLT files hand the counts the same arrays they would build."""

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.count import Profile, parse_blt
from omov.count.formats.blt import write_blt
from omov.count.profile import Candidate, RankingArrays


def _check(arrays: RankingArrays, rankings: tuple[tuple[int, ...], ...], weights: tuple[int, ...]) -> None:
    assert arrays.tuples() == (rankings, weights)
    m = arrays.matrix
    assert m.shape == (len(rankings), max(map(len, rankings), default=0))
    assert m.dtype == np.int16
    assert arrays.lengths.dtype == np.int64 and arrays.weights.dtype == np.int64
    assert arrays.lengths.tolist() == [len(r) for r in rankings]
    for row, r in zip(m.tolist(), rankings, strict=True):
        assert row == list(r) + [-1] * (m.shape[1] - len(r))
    assert not m.flags.writeable and not arrays.weights.flags.writeable


def _check_profile(p: Profile) -> None:
    _check(p.arrays, p.rankings, p.weights)
    _check(p.continuing_arrays, *p.continuing_rankings())


def test_plain_profile() -> None:
    p = Profile.from_papers("ABCD", [(0, 1, 2), (1, 0), (1,), (), (3, 1, 0, 2), (0, 1, 2), ((2,), 7)])
    _check_profile(p)
    assert p.continuing_arrays is p.arrays
    assert p.arrays.matrix.tolist()[3] == [-1, -1, -1, -1]  # the empty paper is a row of padding
    assert p.arrays.weights.tolist() == [2, 1, 1, 1, 1, 7]


def test_withdrawn_candidates_are_struck_and_results_merged_in_first_order() -> None:
    papers = [(0, 1, 2), (1, 0), (1,), (), (3, 1, 0, 2), (2, 0, 1), (0, 1, 2), (3, 0), (1, 3), ((3,), 5)]
    p = Profile.from_papers("ABCD", papers).withdraw("D", "B")
    _check_profile(p)
    assert p.continuing_rankings() == (((0, 2), (0,), (), (2, 0)), (3, 2, 8, 1))


def test_every_ranking_emptied_by_withdrawals() -> None:
    p = Profile.from_papers("ABC", [(1,), (), ((1,), 4)]).withdraw("B")
    _check_profile(p)
    assert p.continuing_arrays.matrix.shape == (1, 0)


def test_no_papers() -> None:
    for p in (Profile.from_papers("AB", []), Profile.from_papers("AB", []).withdraw("A")):
        _check_profile(p)
        assert p.continuing_arrays.matrix.shape == (0, 0)


def test_repeated_rankings_without_withdrawals_stay_apart() -> None:
    # continuing_rankings() merges nothing when nobody is withdrawn; neither do the arrays
    p = Profile((Candidate("A"), Candidate("B")), ((0,), (0,), ()), (1, 2, 0))
    _check_profile(p)
    assert p.continuing_arrays.weights.tolist() == [1, 2, 0]


def test_the_reader_builds_the_arrays_and_withdrawing_shares_them() -> None:
    read = parse_blt("2 1\n1 1 0\n1 2 1 0\n0\nA\nB\n")
    assert "arrays" in read.__dict__  # built while reading, not at the first count
    assert read.withdraw("A").arrays is read.arrays  # the same rankings: the same arrays
    changed = dataclasses.replace(read, rankings=read.rankings[:1], weights=read.weights[:1])
    assert changed.arrays.rows == 1  # a copy with other rankings never inherits stale arrays


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.permutations(range(n)), st.integers(0, n), st.integers(0, 5)), max_size=25),
            st.sets(st.integers(0, n - 1)),
        )
    )
)
def test_arrays_equal_the_tuples(case: tuple[int, list[tuple[list[int], int, int]], set[int]]) -> None:
    n, papers, gone = case
    p = Profile.from_papers([f"C{i}" for i in range(n)], [(tuple(order[:k]), w) for order, k, w in papers])
    p = p.withdraw(*(f"C{i}" for i in sorted(gone)))
    _check_profile(p)
    text = write_blt(p)
    q = parse_blt(text)
    assert "arrays" in q.__dict__
    _check_profile(q)


def test_blt_round_trip_both_parsers() -> None:
    fast = "4 2\n-2\n3 1 2 0\n1 2 0\n2 4 2 3 1 0\n1 1 2 0\n0\nA\nB\nC\nD\n"
    slow = "4 2\n-2\n3 1 2 0\n(x) 1 2 0\n2 4 - 2 3 1 0\n1 1 2 0\n0\nA\nB\nC\nD\n"  # a ballot id, a skipped rank
    for text in (fast, slow):
        p = parse_blt(text)
        assert "arrays" in p.__dict__
        _check_profile(p)
        assert p.continuing_rankings() == (((0,), (), (3, 2, 0)), (4, 1, 2))
        back = parse_blt(write_blt(p))
        assert back == p
        _check_profile(back)
        assert back.arrays.tuples() == p.arrays.tuples()
