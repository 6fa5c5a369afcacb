"""The weighted inclusive Gregory count shared by `scottish` and `wigm` (private to those two modules).

`GregoryCount` carries out the procedure of the Scottish Local Government Elections Order 2007 (SSI 2007/42),
Schedule 1, rules 45-52, with the statute's fixed choices (quota, decimal places, rounding, ties) taken from a
`GregoryOptions` value so that `wigm` can vary them. The clause numbers in the comments below ("rule 48(3)")
are those of the Scottish rules; `omov/count/methods/scottish.py` carries their text.

The papers are held as NumPy arrays over the *unique* rankings (identical papers travel together through the
whole count, so one row stands for all of them): a padded matrix of preferences, a pointer per row to the
preference it currently counts for, the row's current value per paper, and its number of papers. Work per
stage is proportional to the rows held by the candidate being transferred.

Arithmetic is exact: with `decimals` set, every value is an integer count of units of 10**-decimals (int64
while that cannot overflow, Python integers otherwise); with `decimals=None`, values are `Fraction`s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from omov.count.constraints import Constraints
from omov.count.errors import CountError
from omov.count.profile import Profile, RankingArrays
from omov.count.result import CandidateState, Count, Stage, StageKind
from omov.count.rules import Rule
from omov.count.ties import History, Lot, break_tie

ProgressFn = Callable[[int, int], None]
Number = int | Fraction
Rounding = Literal["down", "nearest"]
EmptyPapers = Literal["invalid", "non-transferable"]

IntArray = npt.NDArray[np.int64]
_ZERO = Fraction(0)


@dataclass(frozen=True)
class GregoryOptions:
    """The choices a weighted inclusive Gregory count depends on.

    `quota`: "droop" = floor(valid / (seats + 1)) + 1; "droop-exact" = valid / (seats + 1) and "hare" =
    valid / seats, both rounded up to `decimals` places (exact when `decimals` is None). A candidate whose
    votes equal or exceed the quota is elected. `rounding`: how a transfer value is cut to `decimals` places
    ("down": any remainder ignored; "nearest": half rounds up). `empty_papers`: a paper with no preference
    for a continuing candidate at the start is "invalid" (rejected, outside the quota) or a valid
    "non-transferable" paper. `cite` maps steps of the count to the clause cited on the sheet.
    """

    quota: str = "droop"
    decimals: int | None = 5
    rounding: Rounding = "down"
    ties: tuple[str, ...] = ("backwards", "lot")
    empty_papers: EmptyPapers = "invalid"
    cite: dict[str, str] = field(default_factory=dict)


def _cite(options: GregoryOptions, step: str) -> str:
    label = options.cite.get(step, "")
    return f" ({label})" if label else ""


class Pile:
    """All papers of the count, one row per unique ranking (see the module docstring)."""

    def __init__(
        self,
        rankings: Sequence[tuple[int, ...]] | RankingArrays,
        weights: Sequence[int] | None,
        candidates: int,
        *,
        one: Number,
        boxed: bool,
    ) -> None:
        """The papers of `rankings` (tuples with their `weights`, or arrays that carry their weights)."""
        if isinstance(rankings, RankingArrays):
            arrays = rankings
        else:
            arrays = RankingArrays.from_tuples(rankings, weights or (), candidates)
        m = arrays.rows
        self.n = candidates
        self.boxed = boxed  # values are Python objects (big integers or Fractions), not int64
        width = int(arrays.lengths.max()) if m else 0
        # one spare column of -1 so that a pointer one past the last preference reads "no preference"; the
        # arrays' small dtype (int16 for up to 32,767 candidates) halves the memory touched against int32
        self.prefs = np.full((m, width + 1), -1, dtype=arrays.matrix.dtype)
        self.prefs[:, :width] = arrays.matrix[:, :width]
        self.pos = np.zeros(m, dtype=np.int64)
        self.holder = self.prefs[:, 0].astype(np.int64)  # -1: non-transferable (no further preference)
        if boxed:
            self.weight: npt.NDArray[Any] = np.array(arrays.weights.tolist() + [0], dtype=object)[:m]
            self.value: npt.NDArray[Any] = np.array([one] * m + [0], dtype=object)[:m]
        else:
            self.weight = np.array(arrays.weights, dtype=np.int64).reshape(m)
            self.value = np.full(m, int(one), dtype=np.int64)

    def held_by(self, c: int) -> IntArray:
        """The rows whose papers currently count for candidate c."""
        return np.flatnonzero(self.holder == c)

    def advance(self, rows: IntArray, continuing: npt.NDArray[np.bool_]) -> None:
        """Move `rows` on to their next available preference (a continuing candidate), or to none (-1)."""
        stop = np.append(continuing, True)  # index -1 (no preference left) always stops
        todo = rows
        pos = self.pos[todo] + 1
        while todo.size:
            cand = self.prefs[todo, pos]
            done = stop[cand]
            self.pos[todo[done]] = pos[done]
            self.holder[todo[done]] = cand[done]
            todo, pos = todo[~done], pos[~done] + 1

    def credit(self, rows: IntArray) -> list[Number]:
        """The value of `rows` per holder: n entries for the candidates, then the non-transferable value."""
        amounts = self.weight[rows] * self.value[rows]
        if self.boxed:
            out: list[Number] = [0] * (self.n + 1)
            for h, a in zip(self.holder[rows].tolist(), amounts.tolist(), strict=True):
                out[h] += a
            return out
        sums = np.zeros(self.n + 1, dtype=np.int64)
        np.add.at(sums, self.holder[rows], amounts)  # holder -1 lands in the last slot
        return [int(x) for x in sums]


class GregoryCount:
    """One weighted inclusive Gregory count (SSI 2007/42 Sch. 1 rules 45-52, options as in `GregoryOptions`)."""

    def __init__(
        self,
        profile: Profile,
        rule: Rule,
        options: GregoryOptions,
        *,
        seats: int,
        lot: Lot,
        progress: ProgressFn | None,
    ) -> None:
        self.profile = profile
        self.rule = rule
        self.opt = options
        self.seats = seats
        self.lot = lot
        self.progress = progress
        self.names = profile.names
        self.n = len(self.names)
        self.exact = options.decimals is None
        self.scale = 1 if options.decimals is None else 10**options.decimals
        self.one: Number = Fraction(1) if self.exact else self.scale
        self.states: list[CandidateState] = [
            "withdrawn" if c.withdrawn else "continuing" for c in profile.candidates
        ]
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.passed_over: list[int] = []  # excluded to keep the constraints satisfiable; papers not yet moved
        self.stages: list[Stage] = []
        self.history = History()
        self.count_notes: list[str] = []
        # the stage being built
        self.stage_elected: list[int] = []
        self.stage_excluded: list[int] = []
        self.notes: list[str] = []
        self.constraints = Constraints(rule.constraints, self.names, seats)

    # ----------------------------------------------------------------- helpers
    def value_of(self, x: Number) -> Fraction:
        if not x:
            return _ZERO  # most totals of a count with many candidates: skip building a Fraction for each
        return Fraction(x) / self.scale

    def fmt(self, x: Number) -> str:
        if self.exact:
            return str(Fraction(x))
        q, r = divmod(int(x), self.scale)
        digits = self.opt.decimals or 0
        return f"{q}.{r:0{digits}d}" if digits else str(q)

    def continuing(self) -> list[int]:
        return [c for c in range(self.n) if self.states[c] == "continuing"]

    def continuing_mask(self) -> npt.NDArray[np.bool_]:
        return np.array([s == "continuing" for s in self.states], dtype=bool)

    def vacancies(self) -> int:
        return self.seats - len(self.elected)

    def tie(self, tied: Sequence[int], *, lowest: bool, why: str) -> int:
        chosen, how = break_tie(
            tied, history=self.history, names=self.names, lot=self.lot, methods=self.opt.ties, lowest=lowest
        )
        if how:
            self.notes.append(f"{why}: {how}; {self.names[chosen]} chosen")
        return chosen

    def order_by_votes(self, cands: Sequence[int], why: str) -> list[int]:
        """Highest votes first; equal votes ordered by the tie rule (only when the order matters)."""
        rest = sorted(cands, key=lambda c: (-self.totals[c], c))
        if not self.constraints or len({self.totals[c] for c in rest}) == len(rest):
            return rest
        out: list[int] = []
        while rest:
            top = [c for c in rest if self.totals[c] == self.totals[rest[0]]]
            pick = self.tie(top, lowest=False, why=why) if len(top) > 1 else top[0]
            out.append(pick)
            rest.remove(pick)
        return out

    # ----------------------------------------------------------------- stages
    def record(self, kind: StageKind, description: str, subjects: Sequence[int]) -> None:
        votes = tuple(self.value_of(t) for t in self.totals)
        stage = Stage(
            number=len(self.stages) + 1,
            kind=kind,
            description=description,
            subjects=tuple(subjects),
            votes=votes,
            non_transferable=self.value_of(self.nt),
            loss=self.value_of(self.loss),
            quota=self.value_of(self.quota),
            states=tuple(self.states),
            elected=tuple(self.stage_elected),
            excluded=tuple(self.stage_excluded),
            notes=tuple(self.notes),
        )
        # conservation, checked in the count's own units (summing a thousand Fractions per stage is what made
        # a count of a thousand candidates slow)
        total = sum(self.totals, self.nt) + self.loss
        if total != self.valid_papers * self.one:
            raise CountError(
                f"internal: votes not conserved at stage {stage.number} "
                f"({self.value_of(total)} against {self.valid_value})"
            )
        self.stages.append(stage)
        self.history.append(votes)
        self.stage_elected, self.stage_excluded, self.notes = [], [], []
        if self.progress is not None:
            self.progress(len(self.elected), self.seats)

    def elect(self, c: int, why: str) -> None:
        self.states[c] = "elected"
        self.elected.append(c)
        self.stage_elected.append(c)
        self.notes.append(f"{self.names[c]} elected{why}")

    def settle(self) -> None:
        """After a stage: elect those at the quota, apply the constraints, fill the last vacancies."""
        # rule 47(1): a candidate whose votes equal or exceed the quota is deemed elected
        reached = [c for c in self.continuing() if self.totals[c] >= self.quota]
        for c in self.order_by_votes(reached, "order of candidates reaching the quota"):
            if self.vacancies() == 0:
                self.notes.append(f"{self.names[c]} reached the quota but no vacancy remains")
                continue
            if self.constraints and not self.constraints.can_elect(c, self.elected, self.continuing()):
                # constraint: electing c would leave a group's limit unmeetable, so c is passed over
                self.pass_over(c)
                continue
            self.elect(c, f" with {self.fmt(self.totals[c])} votes, reaching the quota{_cite(self.opt, 'elect')}")
        self.apply_minimums()
        # rule 52(1): continuing candidates as many as the vacancies left are deemed elected (recorded as a
        # stage of its own by the main loop, after this stage)

    def pass_over(self, c: int) -> None:
        self.states[c] = "excluded"
        self.excluded.append(c)
        self.stage_excluded.append(c)
        self.passed_over.append(c)
        self.notes.append(
            f"{self.names[c]} passed over (excluded): electing them would leave the constraints unmeetable "
            f"({'; '.join(self.constraints.describe(self.names))}); their papers are transferred next"
        )

    def apply_minimums(self) -> None:
        """Constraint: a group whose continuing members are exactly what its minimum still needs is elected."""
        if not self.constraints:
            return
        changed = True
        while changed and self.vacancies() > 0:
            changed = False
            for con, members in zip(self.constraints.constraints, self.constraints.members, strict=True):
                have = sum(1 for c in self.elected if c in members)
                need = con.minimum - have
                pool = [c for c in self.continuing() if c in members]
                if need > 0 and len(pool) <= need:
                    for c in self.order_by_votes(pool, f"order of election to meet the minimum of {con.group}"):
                        self.elect(c, f" to meet the minimum of {con.minimum} from {con.group}")
                    changed = True

    # ----------------------------------------------------------------- transfers
    def transfer_surplus(self, e: int) -> None:
        """Rule 48: transfer all of e's papers at the transfer value surplus x value / total votes."""
        total = self.totals[e]
        surplus = total - self.quota
        rows = self.pile.held_by(e)
        received = self.pile.value[rows]
        # rule 48(3)-(4): transfer value = surplus x value of the paper when received / total, to the
        # rule's decimal places, any remainder ignored (or as `rounding` says)
        if self.exact:
            tv = received * Fraction(surplus) / Fraction(total)
        elif self.opt.rounding == "down":
            tv = (received * surplus) // total
        else:
            tv = (received * (2 * surplus) + total) // (2 * total)
        values = sorted(set(received.tolist()), reverse=True)
        shown = [f"{self.fmt(v)} -> {self.fmt(self.transfer_value(v, surplus, total))}" for v in values[:8]]
        more = f" and {len(values) - 8} more" if len(values) > 8 else ""
        self.notes.append(
            f"surplus {self.fmt(surplus)} of {self.fmt(total)} votes; transfer values{_cite(self.opt, 'tv')}, "
            f"by value of paper when received: {', '.join(shown)}{more}"
        )
        self.pile.value[rows] = tv
        # rule 48(1)-(2): papers go to the next available preference for a continuing candidate, or to the
        # parcel of non-transferable papers
        self.pile.advance(rows, self.continuing_mask())
        gains = self.pile.credit(rows)
        moved = sum(gains, 0)
        for c in range(self.n):
            if gains[c]:
                self.totals[c] += gains[c]
        self.nt += gains[self.n]
        self.totals[e] = self.quota  # the elected candidate keeps the quota
        self.loss += surplus - moved  # value lost by ignoring the remainders of the transfer values

    def transfer_value(self, v: Number, surplus: Number, total: Number) -> Number:
        if self.exact:
            return Fraction(v) * Fraction(surplus) / Fraction(total)
        if self.opt.rounding == "down":
            return (int(v) * int(surplus)) // int(total)
        return (int(v) * 2 * int(surplus) + int(total)) // (2 * int(total))

    def transfer_excluded(self, x: int) -> None:
        """Rule 50(2)-(4): every paper of x goes on at the value it had when x received it."""
        rows = self.pile.held_by(x)
        self.pile.advance(rows, self.continuing_mask())
        gains = self.pile.credit(rows)
        for c in range(self.n):
            if gains[c]:
                self.totals[c] += gains[c]
        self.nt += gains[self.n]
        self.totals[x] = 0

    # ----------------------------------------------------------------- the count
    def setup(self) -> None:
        arrays = self.profile.continuing_arrays
        nonempty = arrays.lengths > 0
        empty = int(arrays.weights[~nonempty].sum())
        keep = nonempty & (arrays.weights != 0)
        if not keep.all():  # the usual case (every row kept) copies nothing
            arrays = RankingArrays(arrays.matrix[keep], arrays.lengths[keep], arrays.weights[keep])
        self.rejected = 0
        self.empty_nt = 0
        if empty:
            if self.opt.empty_papers == "invalid":
                self.rejected = empty
                self.count_notes.append(
                    f"{empty} paper(s) with no preference for a continuing candidate rejected"
                    f"{_cite(self.opt, 'empty')}; not counted as valid"
                )
            else:
                self.empty_nt = empty
                self.count_notes.append(
                    f"{empty} paper(s) with no preference for a continuing candidate counted as valid and "
                    "non-transferable from the first stage"
                )
        self.valid_papers = int(arrays.weights.sum()) + self.empty_nt
        papers_max = max(self.valid_papers, 1)
        boxed = self.exact or 2 * papers_max * self.scale * self.scale >= 2**62
        self.pile = Pile(arrays, None, self.n, one=self.one, boxed=boxed)
        self.quota = self.compute_quota()
        self.valid_value = Fraction(self.valid_papers)
        self.totals: list[Number] = [0] * self.n
        self.nt: Number = self.empty_nt * self.one
        self.loss: Number = 0
        if self.constraints:
            self.count_notes.extend("constraint: " + line for line in self.constraints.describe(self.names))
            if not self.constraints.feasible([], self.continuing()):
                raise CountError(
                    "the constraints cannot all be met by the candidates standing: "
                    + "; ".join(self.constraints.describe(self.names))
                )
        withdrawn = [self.names[i] for i, s in enumerate(self.states) if s == "withdrawn"]
        if withdrawn:
            self.count_notes.append(
                "withdrawn (skipped on every paper, later preferences moving up): " + ", ".join(withdrawn)
            )

    def compute_quota(self) -> Number:
        v, s = self.valid_papers, self.seats
        kind = self.opt.quota
        if kind == "droop":
            # rule 46: valid papers / (seats + 1), decimal places ignored, plus one
            q: Fraction = Fraction(v // (s + 1) + 1)
        elif kind == "droop-exact":
            q = Fraction(v, s + 1)
        elif kind == "hare":
            q = Fraction(v, s)
        else:
            raise CountError(f"quota {kind!r} is not available for a Gregory STV count; use droop, droop-exact or hare")
        if self.exact:
            return q
        scaled = q * self.scale
        return -((-scaled.numerator) // scaled.denominator)  # rounded up to the decimal places

    def run(self) -> Count:
        self.setup()
        # rule 45: sort the valid papers by first preference and credit one vote per paper
        first = np.arange(self.pile.holder.size, dtype=np.int64)
        gains = self.pile.credit(first)
        for c in range(self.n):
            self.totals[c] += gains[c]
        self.notes.append(
            f"valid papers {self.valid_papers}; quota {self.fmt(self.quota)}{_cite(self.opt, 'quota')}"
        )
        self.settle()
        self.record("first-preferences", "First preferences", ())
        while self.vacancies() > 0:
            cont = self.continuing()
            if len(cont) <= self.vacancies():
                # rule 52: continuing candidates no more than the vacancies are deemed elected; no further
                # transfer is made
                for c in self.order_by_votes(cont, "order of the last vacancies"):
                    why = f" as the continuing candidates are as many as the vacancies{_cite(self.opt, 'last')}"
                    self.elect(c, why)
                left = self.vacancies()
                if left:
                    self.notes.append(f"{left} vacancy(ies) left unfilled: no continuing candidates remain")
                self.record("deemed-elected", "Last vacancies filled", tuple(cont))
                break
            if self.passed_over and any(self.pile.held_by(x).size for x in self.passed_over):
                x = next(x for x in self.passed_over if self.pile.held_by(x).size)
                self.passed_over.remove(x)
                self.notes.append(
                    f"papers of {self.names[x]}, passed over at the quota, transferred at their current values"
                    f"{_cite(self.opt, 'exclude_values')}"
                )
                self.transfer_excluded(x)
                self.settle()
                self.record("exclusion", f"Exclusion of {self.names[x]} (passed over)", (x,))
                continue
            self.passed_over.clear()
            # rule 48(1): an elected candidate whose votes exceed the quota has a surplus to transfer
            pending = [c for c in self.elected if self.totals[c] > self.quota]
            if pending:
                # rule 49(1): the highest surplus first; rule 49(2)-(3): equal surpluses by the most recent
                # preceding stage at which those candidates had unequal votes, then by lot
                top = max(self.totals[c] for c in pending)
                tied = [c for c in pending if self.totals[c] == top]
                e = self.tie(tied, lowest=False, why=f"equal surpluses{_cite(self.opt, 'surplus_tie')}")
                self.transfer_surplus(e)
                self.settle()
                self.record("surplus", f"Surplus of {self.names[e]}", (e,))
                continue
            # rule 50(1): no surplus left to transfer: exclude the candidate with the lowest votes
            pool = cont
            if self.constraints:
                pool = self.constraints.excludable(self.elected, cont)
                kept = sorted(set(cont) - set(pool), key=lambda c: self.totals[c])
                if kept:
                    self.notes.append(
                        "not excludable, as the constraints need them: " + ", ".join(self.names[c] for c in kept)
                    )
                if not pool:
                    raise CountError("internal: no candidate can be excluded without breaking the constraints")
            low = min(self.totals[c] for c in pool)
            # rule 51: equal lowest votes: the most recent preceding stage at which they had unequal votes
            # decides, then lot
            tied = [c for c in pool if self.totals[c] == low]
            x = self.tie(tied, lowest=True, why=f"equal lowest votes{_cite(self.opt, 'exclude_tie')}")
            self.states[x] = "excluded"
            self.excluded.append(x)
            self.stage_excluded.append(x)
            cite = _cite(self.opt, "exclude")
            self.notes.append(f"{self.names[x]} excluded with {self.fmt(self.totals[x])} votes{cite}")
            rest = self.continuing()
            if len(rest) <= self.vacancies():
                # rule 50(5) and rule 52: the exclusion leaves as many continuing candidates as vacancies, so
                # they are deemed elected and no further transfer is made (rule 52(2)): x's papers stay put
                self.notes.append(
                    f"no transfer of the papers of {self.names[x]}: the last vacancies are filled without it"
                    f"{_cite(self.opt, 'no_transfer')}"
                )
                for c in self.order_by_votes(rest, "order of the last vacancies"):
                    why = f" as the continuing candidates are as many as the vacancies{_cite(self.opt, 'last')}"
                    self.elect(c, why)
                self.record("deemed-elected", f"Exclusion of {self.names[x]}; last vacancies filled", (x, *rest))
                break
            self.transfer_excluded(x)
            self.settle()
            self.record("exclusion", f"Exclusion of {self.names[x]}", (x,))
        return self.result()

    def result(self) -> Count:
        rule = self.rule
        return Count(
            rule=rule.name,
            method=rule.method,
            title=self.profile.title,
            candidates=self.names,
            seats=self.seats,
            papers=self.profile.papers,
            valid=self.valid_value,
            invalid=self.profile.invalid + self.rejected,
            quota=self.value_of(self.quota),
            stages=tuple(self.stages),
            elected=tuple(self.elected),
            decimals=self.opt.decimals,
            seed=self.lot.seed,
            withdrawn=tuple(i for i, c in enumerate(self.profile.candidates) if c.withdrawn),
            notes=tuple(self.count_notes),
            options={
                "quota": self.opt.quota,
                "decimals": self.opt.decimals,
                "rounding": self.opt.rounding,
                "ties": list(self.opt.ties),
                "empty_papers": self.opt.empty_papers,
                "constraints": self.constraints.describe(self.names) if self.constraints else [],
            },
        )
