"""The alternative vote (AV), also called instant run-off voting (IRV): one seat, a majority of continuing votes.

The rule, clause by clause (a paraphrase of the common form of the rule, as used for the Labour Party's
leadership ballots and for single vacancies; source: Rule.reference of the `irv` preset and
docs/rules/irv.md):

1. One seat. The alternative vote fills one seat. (For more seats use an STV rule: `scottish`, `ers97`, `meek`
   or `wigm`; asking IRV for more than one seat is an error, not a silent change of rule.)
2. First preferences. Each valid paper counts one vote for the first continuing candidate it ranks. Papers
   with no valid preference are non-transferable from the start. Withdrawn candidates are skipped wherever a
   paper ranks them.
3. Majority. A candidate with more than half of the votes of the papers still active (the continuing votes:
   every paper not yet non-transferable) is elected, and the count ends.
4. Exclusion. Otherwise the continuing candidate with the fewest votes is excluded, and each of their papers
   passes at full value to the next continuing candidate it ranks; a paper that ranks no continuing candidate
   becomes non-transferable (exhausted). Each exclusion is one stage of the count.
5. Batch exclusion (option `batch_exclusion`). Instead of one candidate, all the lowest candidates whose votes
   added together are fewer than the votes of the next candidate up are excluded together. This cannot change
   the result: even if every one of their papers went to one of them, that one would still be lowest.
6. Last candidate. When one candidate is left continuing they are elected.
7. Ties. When two or more candidates are lowest with equal votes, the one to exclude is the one with fewest
   votes at the most recent earlier stage at which they were unequal ("backwards"), or as `rule.ties` orders
   ("forwards", or straight to lot); if they were equal at every stage, by lot from the count's seed. Every tie
   and how it was broken is noted on the sheet.
8. Constraints (rare for one seat; e.g. "the leader or deputy must be a woman" applied to the deputy's
   ballot). A candidate whose election would break a constraint cannot be elected and is excluded at once; when
   the constraints leave only one candidate who can be elected, that candidate is elected. Each such decision is
   noted. Constraints that no candidate standing can meet are refused before the count (a CountError).

Work per stage is proportional to the number of distinct rankings, not papers: the rankings are a padded NumPy
matrix with a pointer per row to its current preference and integer weights (papers are whole votes here, so
all arithmetic is exact in int64).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from omov.count.constraints import Constraints
from omov.count.errors import CountError
from omov.count.profile import Profile, RankingArrays
from omov.count.result import CandidateState, Count, Stage, StageKind
from omov.count.rules import Rule
from omov.count.ties import History, Lot, break_tie

ProgressFn = Callable[[int, int], None]
IntArray = npt.NDArray[np.int64]
_ZERO = Fraction(0)


class _Papers:
    """The distinct rankings as a padded matrix (flattened), a position per row at its current preference,
    integer weights, and the running totals per candidate (index n holds the exhausted papers)."""

    def __init__(self, arrays: RankingArrays, n: int) -> None:
        rows = arrays.rows
        width = int(arrays.matrix.shape[1])
        self.width = width + 1  # every row ends with at least one "no candidate" (n)
        # candidate numbers in the arrays' small dtype (which holds n too): a quarter of int64's memory to touch
        matrix = np.full((rows, self.width), n, dtype=arrays.matrix.dtype)
        matrix[:, :width] = np.where(arrays.matrix < 0, n, arrays.matrix)
        flat: npt.NDArray[np.signedinteger] = matrix.reshape(rows * self.width)
        starts = np.arange(rows, dtype=np.int64) * self.width
        self.n = n
        self.flat = flat
        self.weights: IntArray = np.array(arrays.weights, dtype=np.int64).reshape(rows)
        self.pos: IntArray = starts.copy()
        self.cur: npt.NDArray[np.signedinteger] = flat[self.pos]
        self.totals: IntArray = np.zeros(n + 1, dtype=np.int64)
        np.add.at(self.totals, self.cur, self.weights)

    def advance(self, continuing: npt.NDArray[np.bool_]) -> None:
        """Move the papers of candidates no longer continuing on to their next continuing preference, at full
        value, or to the exhausted pile (rules 2 and 4); only those papers are touched."""
        alive = np.append(continuing, True)  # "no candidate" stops the pointer: the paper is exhausted
        moved = np.flatnonzero(~alive[self.cur])
        if not moved.size:
            return
        w = self.weights[moved]
        np.subtract.at(self.totals, self.cur[moved], w)
        stuck = moved
        while stuck.size:
            self.pos[stuck] += 1
            self.cur[stuck] = self.flat[self.pos[stuck]]
            stuck = stuck[~alive[self.cur[stuck]]]
        np.add.at(self.totals, self.cur[moved], w)

    def tally(self) -> tuple[list[int], int]:
        """Votes per candidate and the weight of exhausted papers."""
        return [int(x) for x in self.totals[: self.n]], int(self.totals[self.n])


def run(profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None) -> Count:
    """Count `profile` by the alternative vote (clauses 1-8 of the module docstring)."""
    if seats != 1:  # rule 1
        raise CountError(
            f"the alternative vote (IRV) fills one seat, not {seats}; for {seats} seats use an STV rule "
            "('scottish', 'ers97', 'meek' or 'wigm')"
        )
    names = profile.names
    n = len(names)
    gone = {i for i, c in enumerate(profile.candidates) if c.withdrawn}
    arrays = profile.continuing_arrays  # rule 2: withdrawn candidates skipped
    papers = _Papers(arrays, n)
    valid = Fraction(int(arrays.weights.sum()))
    continuing = np.array([i not in gone for i in range(n)], dtype=np.bool_)
    states: list[CandidateState] = ["withdrawn" if i in gone else "continuing" for i in range(n)]
    cons = Constraints(rule.constraints, names, 1)
    if cons and not cons.feasible([], [i for i in range(n) if continuing[i]]):  # rule 8
        raise CountError(
            "the constraints cannot be met by any candidate standing: " + "; ".join(cons.describe(names))
        )

    stages: list[Stage] = []
    history = History()
    elected: list[int] = []
    kind: StageKind = "first-preferences"
    description = "First preferences"
    subjects: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    notes: list[str] = []
    total_cands = max(1, int(continuing.sum()))

    while True:
        papers.advance(continuing)
        tally, exhausted = papers.tally()
        votes = [Fraction(tally[i]) if continuing[i] and tally[i] else _ZERO for i in range(n)]
        history.append(votes)
        live = [i for i in range(n) if continuing[i]]
        active = sum(tally[i] for i in live)
        if progress is not None:
            progress(total_cands - len(live), total_cands)

        winner: int | None = None
        leader = max(live, key=lambda c: (tally[c], -c)) if live else None
        if leader is not None and 2 * tally[leader] > active:  # rule 3
            if cons and not cons.can_elect(leader, [], live):  # rule 8
                notes.append(f"{names[leader]} has a majority but cannot be elected under the constraint(s) "
                             f"({'; '.join(cons.describe(names))}); passed over")
            else:
                winner = leader
                notes.append(f"{names[leader]} has {tally[leader]} of the {active} continuing votes, a majority")
        elif len(live) == 1:  # rule 6
            winner = live[0]
            notes.append(f"{names[winner]} is the last continuing candidate")
        if winner is None and cons:
            electable = cons.electable([], live)
            if len(electable) == 1:  # rule 8
                winner = electable[0]
                notes.append(f"{names[winner]} is the only continuing candidate who can be elected under the "
                             f"constraint(s); elected to meet them")
        if winner is not None:
            elected.append(winner)
            states[winner] = "elected"
        stages.append(
            Stage(
                number=len(stages) + 1,
                kind=kind,
                description=description,
                subjects=subjects,
                votes=tuple(votes),
                non_transferable=Fraction(exhausted),
                loss=Fraction(0),
                quota=Fraction(active // 2 + 1),  # rule 3: votes needed for a majority
                states=tuple(states),
                elected=(winner,) if winner is not None else (),
                excluded=excluded,
                notes=tuple(notes),
            )
        )
        if winner is not None or not live:
            break

        notes = []
        out = _to_exclude(live, tally, history, names, rule, lot, cons, notes)
        for c in out:
            continuing[c] = False
            states[c] = "excluded"
        kind = "exclusion"
        subjects = excluded = tuple(out)
        description = "Exclusion of " + ", ".join(names[c] for c in out)

    if progress is not None:
        progress(total_cands, total_cands)
    return Count(
        rule=rule.name,
        method=rule.method,
        title=profile.title,
        candidates=names,
        seats=1,
        papers=profile.papers + profile.invalid,
        valid=valid,
        invalid=profile.invalid,
        quota=None,
        stages=tuple(stages),
        elected=tuple(elected),
        decimals=rule.decimals,
        seed=lot.seed,
        withdrawn=tuple(sorted(gone)),
        notes=("Alternative vote: a candidate needs more than half of the continuing votes; a stage's quota is the "
               "number of votes that makes a majority of that stage's continuing votes",),
        options={"batch_exclusion": rule.batch_exclusion, "ties": list(rule.ties)},
    )


def _to_exclude(
    live: list[int],
    tally: list[int],
    history: History,
    names: Sequence[str],
    rule: Rule,
    lot: Lot,
    cons: Constraints,
    notes: list[str],
) -> list[int]:
    """Who is excluded next: a batch (rule 5), a barred candidate (rule 8) or the lowest, ties broken (rule 7)."""
    if cons:
        allowed = set(cons.electable([], live))
        barred = [c for c in live if c not in allowed]
        if barred:  # rule 8
            notes.append("cannot be elected under the constraint(s), so excluded: "
                         + ", ".join(names[c] for c in barred))
            return barred
    order = sorted(live, key=lambda c: (tally[c], c))
    if rule.batch_exclusion:  # rule 5
        best = 0
        running = 0
        for k in range(1, len(order)):
            running += tally[order[k - 1]]
            if running < tally[order[k]]:
                best = k
        if best >= 2:
            batch = order[:best]
            notes.append(
                f"{', '.join(names[c] for c in batch)} together have {sum(tally[c] for c in batch)} votes, fewer "
                f"than {names[order[best]]} ({tally[order[best]]}): excluded together"
            )
            return batch
    lowest = tally[order[0]]
    tied = [c for c in live if tally[c] == lowest]
    if len(tied) == 1:  # rule 4
        return tied
    chosen, how = break_tie(tied, history=history, names=names, lot=lot, methods=rule.ties, lowest=True)  # rule 7
    notes.append(how + f": {names[chosen]} is excluded")
    return [chosen]
