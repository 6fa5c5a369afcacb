"""The data a count reads: candidates and the papers' rankings, identical papers grouped with a weight."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from omov.count.errors import CountError

# The most papers one count takes, all rankings together. Every total of a count is at most this (times the
# rule's scale where values are fixed-point, which the methods check), so the int64 sums the fast counts make
# (IRV's totals, ERS97's batches, the arrays' weights) cannot overflow: 10**18 < 2**63 - 1. Readers refuse a
# file whose papers add up to more, naming the line where the running total passes it.
MAX_PAPERS = 10**18


def too_many_papers(*, source: str | None = None, line: int | None = None) -> CountError:
    """The error for papers adding up to more than MAX_PAPERS."""
    return CountError(
        f"the papers add up to more than {MAX_PAPERS:,}; a count takes at most {MAX_PAPERS:,} papers in all",
        source=source,
        line=line,
    )


@dataclass(frozen=True)
class Candidate:
    """A candidate on the ballot paper; a withdrawn one is skipped wherever a paper names them.

    `party` is the party or description printed beside the name (as council BLT files give it), "" for none;
    the count sheet shows it beside the name, and the name alone identifies the candidate.
    """

    name: str
    withdrawn: bool = False
    party: str = ""


@dataclass(frozen=True, eq=False)
class RankingArrays:
    """Rankings as arrays: `matrix[i, :lengths[i]]` is ranking i (candidate indices), the rest of the row is -1.

    `matrix` has one row per ranking and as many columns as the longest ranking (a small integer dtype: int16,
    or int32 past 32,767 candidates); `lengths` and `weights` are int64. Read-only: counts copy what they change.
    """

    matrix: npt.NDArray[np.signedinteger]
    lengths: npt.NDArray[np.int64]
    weights: npt.NDArray[np.int64]

    @property
    def rows(self) -> int:
        return int(self.matrix.shape[0])

    @staticmethod
    def dtype_for(candidates: int) -> type[np.signedinteger]:
        """The matrix dtype for a ballot of this many candidates."""
        return np.int16 if candidates <= np.iinfo(np.int16).max else np.int32

    @classmethod
    def from_flat(
        cls, flat: npt.NDArray[np.integer], lengths: npt.NDArray[np.int64], weights: npt.NDArray[np.int64],
        candidates: int,
    ) -> RankingArrays:
        """From the rankings' entries one after another (`flat`) and each ranking's length."""
        rows = int(lengths.shape[0])
        width = int(lengths.max()) if rows else 0
        matrix = np.full((rows, width), -1, dtype=cls.dtype_for(candidates))
        if flat.size:
            matrix[np.arange(width)[None, :] < lengths[:, None]] = flat  # row by row, left to right
        return cls(_frozen(matrix), _frozen(lengths), _frozen(weights))

    @classmethod
    def from_tuples(
        cls, rankings: Sequence[tuple[int, ...]], weights: Sequence[int], candidates: int
    ) -> RankingArrays:
        """From rankings as tuples (and their weights)."""
        rows = len(rankings)
        lengths = np.fromiter(map(len, rankings), dtype=np.int64, count=rows)
        total = int(lengths.sum())
        flat = np.fromiter(chain.from_iterable(rankings), dtype=cls.dtype_for(candidates), count=total)
        try:
            w = np.fromiter(weights, dtype=np.int64, count=rows)
        except OverflowError:
            raise CountError("a paper's weight is too large to count (more than 2**63 - 1 papers)") from None
        return cls.from_flat(flat, lengths, w, candidates)

    def tuples(self) -> tuple[tuple[tuple[int, ...], ...], tuple[int, ...]]:
        """The rankings as tuples and the weights as ints (the inverse of `from_tuples`)."""
        return (
            tuple(tuple(row[:k]) for row, k in zip(self.matrix.tolist(), self.lengths.tolist(), strict=True)),
            tuple(self.weights.tolist()),
        )


_A = TypeVar("_A", bound="npt.NDArray[Any]")


def _frozen(a: _A) -> _A:
    a.flags.writeable = False
    return a


def _without(arrays: RankingArrays, gone: Sequence[int], candidates: int) -> RankingArrays:
    """`arrays` with the candidates in `gone` struck out of every ranking (later preferences moving up) and
    identical results merged again, in order of first appearance (as `Profile.continuing_rankings`)."""
    m = arrays.matrix
    if not arrays.rows:
        return arrays
    struck = np.zeros(candidates + 1, dtype=np.bool_)  # the last slot answers for the -1 padding
    struck[list(gone)] = True
    keep = (m >= 0) & ~struck[m]
    order = np.argsort(~keep, axis=1, kind="stable")  # kept entries first, in their order
    packed = np.take_along_axis(np.where(keep, m, -1), order, axis=1)
    lengths = keep.sum(axis=1, dtype=np.int64)
    width = int(lengths.max())
    packed = np.ascontiguousarray(packed[:, :width])
    _, first, inverse = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    by_first = np.argsort(first, kind="stable")  # the groups in order of their first ranking
    group = np.empty_like(by_first)
    group[by_first] = np.arange(by_first.size)
    rows = first[by_first]
    weights = np.zeros(rows.size, dtype=np.int64)
    np.add.at(weights, group[inverse.reshape(-1)], arrays.weights)
    return RankingArrays(_frozen(packed[rows]), _frozen(lengths[rows]), _frozen(weights))


@dataclass(frozen=True)
class Profile:
    """Candidates and the unique rankings cast, each with how many papers carry it.

    A ranking is a tuple of candidate indices (0-based, into `candidates`), most preferred first, with no
    repeats. For mark ballots (FPTP, bloc, approval) the order of a ranking is ignored. `weights[i]` is the
    number of papers with `rankings[i]`. Papers with no valid mark at all are kept as empty rankings so that
    turnout figures stay honest; papers rejected outright are only counted in `invalid`.

    `warnings` name every unusual thing the reader accepted in the ballot file (a party beside each name, commas
    after the numbers, a Latin-1 file...); they go on the count sheet's notes. They are not part of the profile's
    identity: two profiles with the same papers and candidates are equal whatever their files looked like.
    """

    candidates: tuple[Candidate, ...]
    rankings: tuple[tuple[int, ...], ...]
    weights: tuple[int, ...]
    seats: int | None = None
    title: str = ""
    invalid: int = 0
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if len(self.rankings) != len(self.weights):
            raise CountError("rankings and weights differ in length")
        n = len(self.candidates)
        names = [c.name for c in self.candidates]
        if len(set(names)) != len(names):
            dupes = sorted({x for x in names if names.count(x) > 1})
            raise CountError(f"candidate names must be unique; repeated: {', '.join(dupes)}")
        if sum(self.weights) > MAX_PAPERS:
            raise too_many_papers()
        for ranking, weight in zip(self.rankings, self.weights, strict=True):
            if weight < 0:
                raise CountError(f"a paper's weight cannot be negative (got {weight})")
            if len(set(ranking)) != len(ranking):
                raise CountError(f"a ranking names a candidate twice: {ranking}")
            for c in ranking:
                if not 0 <= c < n:
                    raise CountError(f"a ranking names candidate {c + 1}, but there are only {n} candidates")

    @classmethod
    def from_papers(
        cls,
        candidates: Iterable[Candidate | str],
        papers: Iterable[tuple[Iterable[int], int] | Iterable[int]],
        *,
        seats: int | None = None,
        title: str = "",
        invalid: int = 0,
    ) -> Profile:
        """Build a profile from papers (a ranking, or a (ranking, weight) pair), grouping identical ones."""
        cands = tuple(c if isinstance(c, Candidate) else Candidate(str(c)) for c in candidates)
        grouped: dict[tuple[int, ...], int] = {}
        for paper in papers:
            if isinstance(paper, tuple) and len(paper) == 2 and isinstance(paper[1], int) and not isinstance(
                paper[0], int
            ):
                ranking, weight = tuple(paper[0]), paper[1]
            else:
                ranking, weight = tuple(paper), 1
            grouped[ranking] = grouped.get(ranking, 0) + weight
        return cls(cands, tuple(grouped), tuple(grouped.values()), seats=seats, title=title, invalid=invalid)

    @property
    def names(self) -> tuple[str, ...]:
        """The candidates' names, in ballot order."""
        return tuple(c.name for c in self.candidates)

    @property
    def parties(self) -> tuple[str, ...]:
        """The candidates' parties or descriptions, in ballot order ("" where the file gives none)."""
        return tuple(c.party for c in self.candidates)

    @property
    def papers(self) -> int:
        """The number of papers counted (empty ones included, invalid ones not)."""
        return sum(self.weights)

    def index(self, name: str) -> int:
        """The index of the candidate called `name` (exact match first, then ignoring case and spaces)."""
        names = self.names
        if name in names:
            return names.index(name)
        wanted = " ".join(name.split()).casefold()
        matches = [i for i, n in enumerate(names) if " ".join(n.split()).casefold() == wanted]
        if len(matches) == 1:
            return matches[0]
        raise CountError(f"no candidate called {name!r}; the candidates are: {', '.join(names)}")

    def withdraw(self, *names: str) -> Profile:
        """A copy with the named candidates marked withdrawn."""
        out = list(self.candidates)
        for name in names:
            i = self.index(name)
            out[i] = replace(out[i], withdrawn=True)
        copy = replace(self, candidates=tuple(out))
        if "arrays" in self.__dict__:  # the same rankings: share their array form (a cached property)
            copy.__dict__["arrays"] = self.__dict__["arrays"]
        return copy

    def continuing_rankings(self) -> tuple[tuple[tuple[int, ...], ...], tuple[int, ...]]:
        """Rankings with withdrawn candidates removed and identical results merged again."""
        gone = {i for i, c in enumerate(self.candidates) if c.withdrawn}
        if not gone:
            return self.rankings, self.weights
        grouped: dict[tuple[int, ...], int] = {}
        for ranking, weight in zip(self.rankings, self.weights, strict=True):
            key = tuple(c for c in ranking if c not in gone)
            grouped[key] = grouped.get(key, 0) + weight
        return tuple(grouped), tuple(grouped.values())

    @cached_property
    def arrays(self) -> RankingArrays:
        """All rankings and weights as arrays (withdrawn candidates included), row i for `rankings[i]`."""
        return RankingArrays.from_tuples(self.rankings, self.weights, len(self.candidates))

    @cached_property
    def continuing_arrays(self) -> RankingArrays:
        """`continuing_rankings()` as arrays: the same rows, in the same order, with the same weights."""
        gone = [i for i, c in enumerate(self.candidates) if c.withdrawn]
        if not gone:
            return self.arrays
        return _without(self.arrays, gone, len(self.candidates))
