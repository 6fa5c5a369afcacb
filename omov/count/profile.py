"""The data a count reads: candidates and the papers' rankings, identical papers grouped with a weight."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from omov.count.errors import CountError


@dataclass(frozen=True)
class Candidate:
    """A candidate on the ballot paper; a withdrawn one is skipped wherever a paper names them."""

    name: str
    withdrawn: bool = False


@dataclass(frozen=True)
class Profile:
    """Candidates and the unique rankings cast, each with how many papers carry it.

    A ranking is a tuple of candidate indices (0-based, into `candidates`), most preferred first, with no
    repeats. For mark ballots (FPTP, bloc, approval) the order of a ranking is ignored. `weights[i]` is the
    number of papers with `rankings[i]`. Papers with no valid mark at all are kept as empty rankings so that
    turnout figures stay honest; papers rejected outright are only counted in `invalid`.
    """

    candidates: tuple[Candidate, ...]
    rankings: tuple[tuple[int, ...], ...]
    weights: tuple[int, ...]
    seats: int | None = None
    title: str = ""
    invalid: int = 0

    def __post_init__(self) -> None:
        if len(self.rankings) != len(self.weights):
            raise CountError("rankings and weights differ in length")
        n = len(self.candidates)
        names = [c.name for c in self.candidates]
        if len(set(names)) != len(names):
            dupes = sorted({x for x in names if names.count(x) > 1})
            raise CountError(f"candidate names must be unique; repeated: {', '.join(dupes)}")
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
            out[i] = Candidate(out[i].name, withdrawn=True)
        return Profile(tuple(out), self.rankings, self.weights, self.seats, self.title, self.invalid)

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
