"""Group constraints (omov/count/constraints.py): feasibility, electing and excluding under a constraint."""

from itertools import combinations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from omov.count import Constraint, CountError
from omov.count.constraints import Constraints

NAMES = ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay"]
WOMEN = frozenset({"Ann", "Cat", "Eve", "Fay"})


def women(minimum: int, maximum: int | None = None, seats: int = 3) -> Constraints:
    return Constraints([Constraint("women", WOMEN, minimum, maximum)], NAMES, seats)


def test_no_constraints_is_always_feasible_and_false():
    cons = Constraints([], NAMES, 2)
    assert not cons and cons.feasible([], []) and cons.can_elect(0, [], [0, 1])


def test_feasible_counts_what_is_elected_and_what_can_still_be():
    cons = women(2)
    assert cons.feasible([], range(6))
    assert cons.feasible([1], [0, 2, 3])  # Bob in, two of Ann/Cat still possible
    assert not cons.feasible([1, 3], [0, 2])  # two men in, one seat left
    assert cons.feasible([0, 2], [1, 3])  # already met


def test_can_elect_and_can_exclude():
    cons = women(2)
    continuing = [0, 1, 2, 3]
    assert cons.can_elect(1, [], continuing)  # Bob, then Ann and Cat
    assert not cons.can_elect(3, [1], continuing)  # Bob elected; Dan would leave one seat for two women
    assert not cons.can_exclude(0, [1], [0, 2, 3])  # excluding Ann leaves only Cat
    assert cons.can_exclude(3, [1], [0, 2, 3])


def test_a_maximum_is_a_limit_too():
    cons = women(0, 1)
    assert cons.can_elect(0, [], range(6))
    assert not cons.can_elect(2, [0], range(1, 6))
    assert not cons.feasible([], [0, 2, 4, 5])  # only women left for three seats


def test_fewer_candidates_than_seats_fill_what_they_can():
    cons = women(1, seats=3)
    assert cons.feasible([], [0, 1])
    assert not cons.feasible([], [1, 3])


def test_two_overlapping_groups():
    cons = Constraints(
        [Constraint("women", WOMEN, 2), Constraint("north", frozenset({"Bob", "Cat", "Dan"}), 2)], NAMES, 3
    )
    assert cons.feasible([], range(6))
    assert not cons.can_elect(4, [0], range(1, 6))  # Ann, Eve: one seat left, two northerners needed
    assert cons.can_elect(2, [0], [1, 2, 3, 4, 5])  # Ann, Cat, then Bob or Dan


def test_names_match_ignoring_case_and_spaces_and_unknown_names_are_errors():
    cons = Constraints([Constraint("g", frozenset({"  ann ", "BOB"}), 1)], NAMES, 2)
    assert cons.members[0] == frozenset({0, 1})
    with pytest.raises(CountError, match="not a candidate"):
        Constraints([Constraint("g", frozenset({"Zed"}), 1)], NAMES, 2)


def test_a_minimum_above_the_maximum_is_refused():
    with pytest.raises(CountError, match="minimum"):
        Constraint("g", frozenset({"Ann"}), 2, 1)


def test_describe_for_the_sheet():
    assert women(2, 3).describe(NAMES) == ["at least 2 and at most 3 elected from women (Ann, Cat, Eve, Fay)"]


@settings(max_examples=300, deadline=None)
@given(
    seats=st.integers(1, 4),
    groups=st.lists(
        st.tuples(st.sets(st.sampled_from(NAMES), min_size=1), st.integers(0, 3), st.integers(0, 4)),
        min_size=1,
        max_size=3,
    ),
    elected=st.sets(st.integers(0, 5), max_size=3),
    continuing=st.sets(st.integers(0, 5)),
)
def test_feasible_agrees_with_brute_force(seats, groups, elected, continuing):
    assume(len(elected) <= seats)
    constraints = [
        Constraint(f"g{k}", frozenset(m), lo, lo + extra if extra < 4 else None)
        for k, (m, lo, extra) in enumerate(groups)
    ]
    cons = Constraints(constraints, NAMES, seats)
    elected_l = sorted(elected)
    pool = sorted(continuing - elected)
    to_fill = min(max(0, seats - len(elected_l)), len(pool))

    def meets(chosen: tuple[int, ...]) -> bool:
        team = [*elected_l, *chosen]
        for con, members in zip(constraints, cons.members, strict=True):
            k = sum(1 for c in team if c in members)
            if k < con.minimum or (con.maximum is not None and k > con.maximum):
                return False
        return True

    expected = any(meets(chosen) for chosen in combinations(pool, to_fill))
    assert cons.feasible(elected_l, pool) == expected
