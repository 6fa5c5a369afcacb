"""ERS97: the Electoral Reform Society's rules for counting an STV election.

Source: Electoral Reform Society, *How to conduct an election by the Single Transferable Vote*, 3rd edition
(1997, Colin Rosenstiel and James Woodward-Nutt), section 5 "Detailed instructions for the count" and the
glossary (section 6). The clauses are paraphrased below; the number in brackets is repeated in a comment at
the line that carries the clause out. Clauses about forms, slips and checking (5.1.3-5.1.5, 5.3.4-5.3.6,
5.3.11-5.3.12, 5.4.3-5.4.7, 5.4.12-5.4.15, 5.6.1, 5.6.4) describe how people keep the paperwork; a computer
keeps the same figures and checks them with the conservation test on every stage.

5.1 First stage
  5.1.1-5.1.2  Count the papers, set aside invalid ones (6.9: no first preference, here an empty ranking once
               withdrawn candidates are struck out); the rest are the total valid vote.
  5.1.6  Quota = total valid vote / (places + 1), taken to two decimal places; if the division is exact that
         is the quota, otherwise ignore the remainder and add 0.01 (that is: round *up* to 0.01, with no +0.01
         when exact).
  5.1.7  Taking candidates in descending order of votes, deem elected any whose vote equals or exceeds
         (a) the quota, or (b) (rarely, when smaller) the total active vote divided by one more than the number
         of places not yet filled; up to the number of places to fill; subject to 5.6.2.
         (6.20 Total active vote = votes of continuing candidates + votes awaiting transfer; 5.6.1 gives it as
         total valid vote - the quotas (or votes, if less) of those deemed elected - non-transferable votes.)
5.2 Subsequent stages
  5.2.1  Each stage transfers a surplus or, if none, excludes one or more candidates.
  5.2.2  Surpluses are deferred (reconsidered at the next stage) if their total does not exceed either
         (a) the difference between the votes of the two lowest candidates, or (b) the difference between the
         total votes of two or more lowest candidates who could be excluded under 5.2.5 and the vote of the
         candidate next above.
  5.2.3  Otherwise transfer the largest surplus; equal surpluses: the candidate with the greater vote at the
         first stage or the *earliest* point (after the transfer of a batch) where they differed; equal
         throughout: by lot.
  5.2.4  A surplus transfer is a stage; then back to 5.2.2.
  5.2.5  With all surpluses transferred or deferred and places unfilled, exclude the lowest candidates: as
         many together as possible provided (a) enough candidates remain to fill the places and (b) their total
         votes plus any deferred surpluses do not exceed the vote of the candidate next above. Equal lowest:
         the one with fewest votes at the first stage or earliest point where they differed; else by lot.
  5.2.7  An exclusion is a stage; then surpluses (5.2.2) or further exclusions (5.2.5).
5.3 Transfer of a surplus
  5.3.1  A surplus arising at the first stage: examine all the candidate's papers.
  5.3.2  A surplus arising later: only the last batch received, which gave rise to it.
  5.3.3  Sort by next available preference for continuing candidates; papers with none are non-transferable.
  5.3.7  If the total value of the transferable papers exceeds the surplus, transfer value = surplus / number
         of transferable papers, to two decimal places, ignoring the remainder; otherwise each paper goes at
         its present value.
  5.3.8-5.3.10  Credit each candidate papers x transfer value; the difference between the surplus and what
         was transferred (6.11 the non-transferable difference) is added to the non-transferable vote.
  5.3.13 Deem elected as in 5.1.7.
5.4 Transfer of the votes of excluded candidates
  5.4.1  Take all papers of the excluded candidate(s) and arrange them in batches in descending order of
         transfer value (6.1 batch: all the papers of one value).
  5.4.2  Transfer the highest-value batch by next available preference; papers with none are non-transferable.
  5.4.8  If papers have become non-transferable before anyone is deemed elected, recalculate the quota as in
         5.1.6 ignoring the non-transferable vote.
  5.4.9  Deem elected as in 5.1.7 (after each batch).
  5.4.10 Candidates so elected get no further papers.
  5.4.11 Transfer each further batch in turn, in descending order of value.
5.5 Completion of the count
  5.5.1  If a proposed exclusion would leave as many continuing candidates as places unfilled, they are all
         deemed elected.
  5.5.2  Once as many are deemed elected as there are places, no further transfers; the remaining continuing
         candidates are formally excluded.
5.6 Notes
  5.6.2  If candidates to be deemed elected (5.1.7, 5.3.13, 5.4.9) have equal votes and there are not places
         for them all, choose in descending order of votes at the first stage or earliest point (after a batch)
         where they differed; if equal at all such points, none of them is deemed elected at that stage.

How omov reads the text where it leaves room:
- Values are integers in hundredths (`rule.decimals`, two by default). Every comparison with "the total active
  vote divided by ..." is made exactly (vote x (places + 1) >= total active vote), which is the same as
  comparing with that quotient rounded up to 0.01, since votes are whole hundredths.
- The non-transferable difference of a surplus (6.11) is shown on the sheet as `loss` when it comes from the
  neglected remainder of the transfer value (5.3.7, first case) and as `non_transferable` when the papers went
  at their present value and the rest of the surplus had no next preference (5.3.7, second case). The text's
  non-transferable vote is their sum, and that sum is what the total active vote and 5.4.8 use.
- Ties (5.2.3, 5.2.5, 5.6.2) look *forwards* from the first stage through every recorded stage and sub-stage
  (each batch transfer is one Stage on the sheet), as the text says; the preset's `ties` is
  ("forwards", "lot"). 5.6.2 never draws lots: unresolved, nobody is deemed elected at that point.
- An exclusion's batches go in descending order of value, papers of equal value from different parcels (and,
  in a multiple exclusion, from different candidates) together, each batch one sub-stage (5.4.1, 5.4.11).
- Constraints (rule.constraints) are applied as every omov method applies them (omov.count.constraints): a
  candidate whose election would make a constraint unmeetable is passed over and excluded; a candidate whose
  exclusion would do so is not excluded; a group's last members needed for its minimum are deemed elected.
  Surpluses are deferred (5.2.2) only when the candidates the text would exclude may be excluded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from omov.count.constraints import Constraints
from omov.count.engine import ProgressFn
from omov.count.errors import CountError
from omov.count.profile import Profile
from omov.count.result import CandidateState, Count, Stage, StageKind
from omov.count.rules import Rule
from omov.count.ties import History, Lot, break_tie

IntArray = npt.NDArray[np.int64]


@dataclass
class Batch:
    """Papers received together at one value (6.1): unique rankings, where each stands, how many papers."""

    rows: IntArray  # index of the unique ranking
    pos: IntArray  # position in that ranking of the candidate now holding the papers
    papers: IntArray  # number of papers with that ranking in this batch
    value: int  # value of each paper, in units of 10**-decimals

    @property
    def count(self) -> int:
        return int(self.papers.sum())


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


class ERS97Count:
    """One ERS97 count; `run()` returns the whole sheet."""

    def __init__(
        self, profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None
    ) -> None:
        self.profile = profile
        self.rule = rule
        self.seats = seats
        self.lot = lot
        self.progress = progress
        self.decimals = 2 if rule.decimals is None else rule.decimals
        if not isinstance(self.decimals, int) or isinstance(self.decimals, bool) or not 0 <= self.decimals <= 18:
            raise CountError(f"decimals must be a whole number from 0 to 18 (got {rule.decimals!r})")
        self.scale: int = 10**self.decimals
        self.names = profile.names
        self.n = len(self.names)
        self.ties = tuple(rule.ties) or ("forwards", "lot")
        self.constraints = Constraints(rule.constraints, self.names, seats)

        arrays = profile.continuing_arrays
        lengths = arrays.lengths
        all_weights = arrays.weights
        kept = np.flatnonzero((lengths > 0) & (all_weights > 0))
        self.empty: int = int(all_weights[lengths == 0].sum())  # 5.1.2 / 6.9: no first preference: invalid
        self.weights: IntArray = all_weights[kept]
        self.valid: int = int(self.weights.sum())  # 5.1.2 total valid vote
        # A padded matrix of the unique rankings (-1 pads) lets each transfer work on all rankings at once.
        kept_lengths = lengths[kept]
        width = int(kept_lengths.max()) if len(kept) else 1
        self.matrix = np.full((len(kept), width), -1, dtype=arrays.matrix.dtype)
        self.matrix[:, : min(width, arrays.matrix.shape[1])] = arrays.matrix[kept, :width]

        self.state: list[CandidateState] = [
            "withdrawn" if c.withdrawn else "continuing" for c in profile.candidates
        ]
        self.votes: list[int] = [0] * self.n
        self.piles: list[list[Batch]] = [[] for _ in range(self.n)]
        self.elected: list[int] = []
        self.non_transferable: int = 0
        self.loss: int = 0
        self.quota: int = 0
        self.stages: list[Stage] = []
        self._history = History()  # each recorded stage's votes, for the look-forward of 5.2.3, 5.2.5, 5.6.2
        self.pending_exclusion: list[int] = []  # passed over under a constraint, papers not yet transferred
        # what happened since the last recorded stage
        self.new_elected: list[int] = []
        self.new_excluded: list[int] = []
        self.notes: list[str] = []

    # ----------------------------------------------------------------------------------------- helpers
    @property
    def continuing(self) -> list[int]:
        return [c for c in range(self.n) if self.state[c] == "continuing"]

    @property
    def remaining(self) -> int:
        return self.seats - len(self.elected)

    def fmt(self, value: int) -> str:
        sign = "-" if value < 0 else ""
        whole, frac = divmod(abs(value), self.scale)
        return f"{sign}{whole}.{frac:0{self.decimals}d}" if self.decimals else f"{sign}{whole}"

    def label(self, cands: Sequence[int]) -> str:
        return ", ".join(self.names[c] for c in cands)

    def history(self) -> History:
        return self._history

    def compute_quota(self) -> int:
        # 5.1.6: (valid - non-transferable) / (places + 1) to two decimals, rounded up unless exact; 5.4.8
        # recalculates it "ignoring the non-transferable vote" before anyone is deemed elected.
        return _ceil_div(self.valid * self.scale - self.non_transferable - self.loss, self.seats + 1)

    def total_active_vote(self) -> int:
        # 5.6.1 / 6.20: total valid vote - (quota, or vote if less, of each deemed elected) - non-transferable
        held = sum(min(self.votes[e], self.quota) for e in self.elected)
        return self.valid * self.scale - self.non_transferable - self.loss - held

    def surpluses(self) -> dict[int, int]:
        # 6.18 surplus: the amount by which an elected candidate's vote exceeds the quota
        return {e: self.votes[e] - self.quota for e in self.elected if self.votes[e] > self.quota}

    def record(self, kind: StageKind, description: str, subjects: Sequence[int]) -> None:
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                kind=kind,
                description=description,
                subjects=tuple(subjects),
                votes=tuple(Fraction(v, self.scale) for v in self.votes),
                non_transferable=Fraction(self.non_transferable, self.scale),
                loss=Fraction(self.loss, self.scale),
                quota=Fraction(self.quota, self.scale),
                states=tuple(self.state),
                elected=tuple(self.new_elected),
                excluded=tuple(self.new_excluded),
                notes=tuple(self.notes),
            )
        )
        self._history.append(self.stages[-1].votes)
        self.new_elected, self.new_excluded, self.notes = [], [], []
        if self.progress is not None:
            self.progress(self.n - len(self.continuing), self.n)

    def earliest_difference(self, pool: Sequence[int], *, lowest: bool) -> list[int]:
        """The candidates of `pool` with the fewest (most) votes at the first stage or the earliest later point
        where they differed, narrowing on further stages while more than one is left (5.2.3, 5.2.5, 5.6.2)."""
        left = sorted(pool)
        if self._history.level_throughout(left):
            return left  # equal at every point: no point of difference to find
        for totals in self.history():
            values = {c: totals[c] for c in left}
            if len(set(values.values())) > 1:
                target = min(values.values()) if lowest else max(values.values())
                left = [c for c in left if values[c] == target]
                if len(left) == 1:
                    break
        return left

    def pick(self, tied: Sequence[int], *, lowest: bool) -> int:
        """One of `tied` by the rule's tie procedure (5.2.3 highest surplus, 5.2.5 lowest vote)."""
        chosen, how = break_tie(
            tied, history=self.history(), names=self.names, lot=self.lot, methods=self.ties, lowest=lowest
        )
        if how:
            self.notes.append(how[0].upper() + how[1:] + ".")
        return chosen

    # ------------------------------------------------------------------------------------- transfers
    def next_preferences(self, batch: Batch) -> tuple[IntArray, IntArray]:
        """For each ranking of `batch`: the next available preference for a continuing candidate (-1: none)
        and its position (6.10 next available preference; 6.12 non-transferable paper)."""
        cont = np.zeros(self.n + 1, dtype=bool)  # index -1 (padding) maps to the extra False at the end
        cont[: self.n] = [s == "continuing" for s in self.state]
        sub = self.matrix[batch.rows]
        later = np.arange(sub.shape[1])[None, :] > batch.pos[:, None]
        ok = later & cont[sub]
        has = ok.any(axis=1)
        first = ok.argmax(axis=1).astype(np.int64)
        dest = np.where(has, sub[np.arange(len(sub)), first], -1).astype(np.int64)
        return dest, first

    def hand_out(self, batch: Batch, dest: IntArray, pos: IntArray, value: int) -> tuple[dict[int, int], int]:
        """Give each continuing candidate its papers of `batch` as a new batch at `value`.

        Returns papers given to each candidate and the number of non-transferable papers."""
        order = np.argsort(dest, kind="stable")
        d_sorted = dest[order]
        bounds = np.searchsorted(d_sorted, np.arange(-1, self.n + 1))
        given: dict[int, int] = {}
        non_transferable = int(batch.papers[order[bounds[0] : bounds[1]]].sum())
        for c in range(self.n):
            seg = order[bounds[c + 1] : bounds[c + 2]]
            if len(seg) == 0:
                continue
            received = Batch(batch.rows[seg], pos[seg], batch.papers[seg], value)
            papers = received.count
            self.piles[c].append(received)
            self.votes[c] += papers * value
            given[c] = papers
        return given, non_transferable

    def transfer_surplus(self, c: int, surplus: int) -> None:
        """5.3: transfer the surplus of candidate c."""
        # 5.3.1 / 5.3.2: all papers if the surplus arose at the first stage, else the last batch received
        batch = self.piles[c][-1]
        dest, pos = self.next_preferences(batch)  # 5.3.3
        transferable = int(batch.papers[dest >= 0].sum())
        if transferable * batch.value > surplus:
            # 5.3.7: surplus / transferable papers, to two decimals, ignoring the remainder
            value = surplus // transferable
            how = (
                f"{transferable} transferable papers worth {self.fmt(transferable * batch.value)} exceed the "
                f"surplus: transfer value {self.fmt(surplus)} / {transferable} = {self.fmt(value)} (5.3.7)"
            )
        else:
            # 5.3.7: the total value does not exceed the surplus: each paper goes at its present value
            value = batch.value
            how = (
                f"{transferable} transferable papers worth {self.fmt(transferable * batch.value)} do not exceed "
                f"the surplus: they go at their present value {self.fmt(value)} (5.3.7)"
            )
        given, _ = self.hand_out(batch, dest, pos, value)  # 5.3.8
        moved = sum(given.values()) * value
        self.votes[c] -= surplus
        difference = surplus - moved  # 6.11 the non-transferable difference (5.3.9-5.3.10)
        if transferable * batch.value > surplus:  # from the neglected remainder of the transfer value
            self.loss += difference
        else:
            self.non_transferable += difference
        first = len(self.piles[c]) == 1
        self.notes.append(
            f"Surplus {self.fmt(surplus)} of {self.names[c]}: "
            + ("all papers examined (5.3.1); " if first else "last batch received examined (5.3.2); ")
            + f"{batch.count} papers at {self.fmt(batch.value)}; {how}; non-transferable difference "
            f"{self.fmt(difference)}."
        )
        self.deem_elected("5.3.13")
        self.record("surplus", f"Surplus of {self.names[c]}", (c,))

    def exclude(self, group: Sequence[int], why: str, *, marked: bool = False) -> None:
        """5.4: exclude the candidates of `group`, transferring their papers batch by batch."""
        for x in group:
            if not marked:
                self.state[x] = "excluded"
                self.new_excluded.append(x)
        self.notes.append(why)
        # 5.4.1: all their papers, arranged in batches in descending order of value
        by_value: dict[int, list[tuple[int, Batch]]] = {}
        for x in group:
            for b in self.piles[x]:
                by_value.setdefault(b.value, []).append((x, b))
            self.piles[x] = []
        values = sorted(by_value, reverse=True)
        title = f"Exclusion of {self.label(group)}"
        if not values:
            for x in group:
                self.votes[x] = 0
            self.notes.append("No papers to transfer.")
            self.deem_elected("5.4.9")
            self.record("exclusion", title, tuple(group))
            return
        for i, value in enumerate(values):
            parts = by_value[value]
            batch = Batch(
                np.concatenate([b.rows for _, b in parts]),
                np.concatenate([b.pos for _, b in parts]),
                np.concatenate([b.papers for _, b in parts]),
                value,
            )
            for x, b in parts:
                self.votes[x] -= b.count * value
            dest, pos = self.next_preferences(batch)  # 5.4.2 / 5.4.11 (5.4.10: only continuing candidates)
            given, lost = self.hand_out(batch, dest, pos, value)
            self.non_transferable += lost * value
            self.notes.append(
                f"Batch {i + 1} of {len(values)}: {batch.count} papers at {self.fmt(value)}; "
                f"{sum(given.values())} transferred, {lost} non-transferable (5.4.2)."
            )
            if not self.elected and self.non_transferable + self.loss > 0:
                # 5.4.8: nobody deemed elected yet: recalculate the quota ignoring the non-transferable vote
                new = self.compute_quota()
                if new != self.quota:
                    self.notes.append(
                        f"Quota recalculated ignoring the non-transferable vote: {self.fmt(new)} (5.4.8)."
                    )
                    self.quota = new
            self.deem_elected("5.4.9")
            desc = title if len(values) == 1 else f"{title} (batch {i + 1} of {len(values)}, value {self.fmt(value)})"
            self.record("exclusion", desc, tuple(group))
            if self.remaining == 0:
                break  # 5.5.2: no further transfers

    # ---------------------------------------------------------------------------------------- election
    def elect(self, c: int, why: str) -> None:
        self.state[c] = "elected"
        self.elected.append(c)
        self.new_elected.append(c)
        self.notes.append(f"{self.names[c]} deemed elected ({why}).")

    def pass_over(self, c: int, clause: str) -> None:
        """A constraint forbids electing c: exclude c instead (its papers go at the next stage)."""
        self.state[c] = "excluded"
        self.new_excluded.append(c)
        self.pending_exclusion.append(c)
        self.notes.append(
            f"{self.names[c]} reaches the vote required ({clause}) but electing them would make a constraint "
            f"unmeetable: passed over and excluded."
        )

    def deem_elected(self, clause: str) -> None:
        """5.1.7 / 5.3.13 / 5.4.9: deem elected, in descending order of votes, each candidate whose vote equals
        or exceeds the quota or the total active vote / (places not yet filled + 1), subject to 5.6.2."""
        while self.remaining > 0:
            self.elect_constrained_groups()
            if self.remaining == 0:
                return
            tav, k = self.total_active_vote(), self.remaining
            qualified = [
                c
                for c in self.continuing
                if self.votes[c] >= self.quota or self.votes[c] * (k + 1) >= tav  # (a) quota, (b) active vote
            ]
            if not qualified:
                return
            top = max(self.votes[c] for c in qualified)
            group = [c for c in qualified if self.votes[c] == top]
            reason = "quota" if top >= self.quota else f"total active vote {self.fmt(tav)} / {k + 1}"
            reason = f"{clause}, {reason}"
            if self.constraints:
                blocked = [c for c in group if not self.constraints.can_elect(c, self.elected, self.continuing)]
                if blocked:
                    for c in blocked:
                        self.pass_over(c, reason)
                    continue
                others = [c for c in self.continuing if c not in group]
                if len(group) > 1 and not self.constraints.feasible([*self.elected, *group], others):
                    # Each may be elected alone but not all together: elect the one the tie procedure puts
                    # first, then look again (the others may now be passed over).
                    self.elect(self.pick(group, lowest=False), reason)
                    continue
            if len(group) <= k:
                for c in self.earliest_order(group):
                    self.elect(c, reason)
                continue
            # 5.6.2: equal votes and not places for them all
            chosen: list[int] = []
            pool = list(group)
            while len(chosen) < k:
                best = self.earliest_difference(pool, lowest=False)
                if len(best) > k - len(chosen):
                    break
                chosen += best
                pool = [c for c in pool if c not in best]
            self.notes.append(
                f"{self.label(sorted(group))} have equal votes for {k} place(s) (5.6.2): "
                + (
                    f"{self.label(chosen)} chosen by votes at the earliest point where they differed"
                    if chosen
                    else "no earlier difference"
                )
                + ("; the rest equal at all points, so none of them is deemed elected now." if pool else ".")
            )
            for c in chosen:
                self.elect(c, reason)
            return

    def earliest_order(self, group: Sequence[int]) -> list[int]:
        """Order equal candidates for the sheet: higher at the earliest point of difference first."""
        out: list[int] = []
        pool = list(group)
        while pool:
            best = self.earliest_difference(pool, lowest=False)
            out += best
            pool = [c for c in pool if c not in best]
        return out

    def elect_constrained_groups(self) -> None:
        """A group whose continuing members are exactly what its minimum still needs: deem them elected."""
        if not self.constraints:
            return
        changed = True
        while changed and self.remaining > 0:
            changed = False
            for con, members in zip(self.constraints.constraints, self.constraints.members, strict=True):
                need = con.minimum - sum(1 for e in self.elected if e in members)
                cont = [c for c in self.continuing if c in members]
                if 0 < need and len(cont) <= need and cont:
                    for c in sorted(cont, key=lambda c: -self.votes[c])[: self.remaining]:
                        self.elect(c, f"needed to meet the constraint on {con.group}")
                    changed = True

    # --------------------------------------------------------------------------------------- exclusion
    def exclusion_group(self, deferred: int, *, decide: bool = True) -> tuple[list[int], bool]:
        """5.2.5: the lowest candidates to exclude together. Returns (group, allowed by the constraints).

        With `decide` false (only asking whether the constraints allow it) equal votes are not broken by the
        tie procedure, so that no lot is drawn for an exclusion that does not happen."""
        cont = sorted(self.continuing, key=lambda c: self.votes[c])
        votes = [self.votes[c] for c in cont]
        best = 1
        running = 0
        for m in range(1, len(cont)):
            running += votes[m - 1]
            # (a) enough candidates remain; (b) their votes and deferred surpluses do not exceed the next above
            if len(cont) - m >= self.remaining and running + deferred <= votes[m]:
                best = m
        boundary = votes[best - 1]
        group = [c for c in cont[:best] if self.votes[c] < boundary]
        tied = [c for c in cont if self.votes[c] == boundary]
        while len(group) < best:
            if len(tied) == 1 or not decide:
                chosen = tied[0]
            else:
                chosen = self.pick(tied, lowest=True)  # 5.2.5 equal lowest
            group.append(chosen)
            tied.remove(chosen)
        if self.constraints and not self.constraints.feasible(
            self.elected, [c for c in self.continuing if c not in group]
        ):
            return group, False
        return group, True

    def lowest_excludable(self) -> int:
        """Under a constraint: the lowest candidate whose exclusion keeps every constraint meetable."""
        able = self.constraints.excludable(self.elected, self.continuing)
        if not able:
            raise CountError("the constraints cannot be met by the continuing candidates")
        low = min(self.votes[c] for c in able)
        tied = [c for c in able if self.votes[c] == low]
        c = tied[0] if len(tied) == 1 else self.pick(tied, lowest=True)
        skipped = [x for x in self.continuing if self.votes[x] < low or (self.votes[x] == low and x not in able)]
        if skipped:
            self.notes.append(
                f"{self.label(skipped)} not excluded: excluding them would make a constraint unmeetable."
            )
        return c

    def can_defer(self, total: int) -> str:
        """5.2.2: why the surpluses totalling `total` may be deferred ('' if they may not)."""
        cont = sorted(self.continuing, key=lambda c: self.votes[c])
        votes = [self.votes[c] for c in cont]
        if len(cont) < 2:
            return ""
        if total <= votes[1] - votes[0]:  # (a)
            return (
                f"they do not exceed the difference {self.fmt(votes[1] - votes[0])} between the two lowest "
                "candidates (5.2.2(a))"
            )
        running = votes[0]
        for m in range(2, len(cont)):
            running += votes[m - 1]
            if len(cont) - m >= self.remaining and total <= votes[m] - running:  # (b)
                return (
                    f"they do not exceed the difference {self.fmt(votes[m] - running)} between the {m} lowest "
                    "candidates together and the candidate next above (5.2.2(b))"
                )
        return ""

    # ---------------------------------------------------------------------------------------------- run
    def first_stage(self) -> None:
        first = self.matrix[:, 0] if len(self.matrix) else np.zeros(0, dtype=np.int32)
        rows = np.arange(len(self.matrix), dtype=np.int64)
        for c in range(self.n):
            mask = first == c
            if mask.any():
                b = Batch(rows[mask], np.zeros(int(mask.sum()), dtype=np.int64), self.weights[mask], self.scale)
                self.piles[c].append(b)
                self.votes[c] = b.count * self.scale
        self.quota = self.compute_quota()  # 5.1.6
        self.notes.append(
            f"Total valid vote {self.valid}; quota {self.valid} / {self.seats + 1} to two decimal places, "
            f"rounded up if not exact = {self.fmt(self.quota)} (5.1.6)."
        )
        if self.empty:
            self.notes.append(
                f"{self.empty} paper(s) with no first preference for a candidate set aside as invalid (5.1.2, 6.9)."
            )
        if self.constraints:
            self.notes += ["Constraint: " + line for line in self.constraints.describe(self.names)]
            if not self.constraints.feasible([], self.continuing):
                raise CountError("the constraints cannot be met by these candidates and seats")
        self.deem_elected("5.1.7")
        self.record("first-preferences", "First preferences", ())

    def finish_all_continuing(self, clause: str) -> None:
        for c in sorted(self.continuing, key=lambda c: -self.votes[c]):
            self.elect(c, clause)

    def run(self) -> Count:
        self.first_stage()
        while self.remaining > 0:
            if self.pending_exclusion:
                group, self.pending_exclusion = self.pending_exclusion, []
                why = f"{self.label(group)} passed over under a constraint: papers transferred (5.4)."
                self.exclude(group, why, marked=True)
                continue
            cont = self.continuing
            if not cont:
                self.notes.append(f"No continuing candidates left: {self.remaining} place(s) remain unfilled.")
                self.record("deemed-elected", "No candidates left", ())
                break
            if len(cont) <= self.remaining:
                # 4.3 / 5.5.1: as many continuing candidates as places (or fewer): all deemed elected
                self.finish_all_continuing("5.5.1, as many continuing candidates as places")
                self.record("deemed-elected", f"{self.label(cont)} deemed elected", tuple(cont))
                break
            surpluses = self.surpluses()
            total = sum(surpluses.values())
            deferred = 0
            if surpluses:
                _, allowed = self.exclusion_group(total, decide=False)
                why = self.can_defer(total) if allowed else ""
                if not why:
                    # 5.2.3: the largest surplus first; equal: greatest vote at the earliest difference, then lot
                    big = max(surpluses.values())
                    tied = [c for c, s in surpluses.items() if s == big]
                    c = tied[0] if len(tied) == 1 else self.pick(tied, lowest=False)
                    self.transfer_surplus(c, surpluses[c])
                    continue
                deferred = total
                self.notes.append(
                    f"Surplus(es) of {self.label(sorted(surpluses))} totalling {self.fmt(total)} deferred: {why}."
                )
            group, allowed = self.exclusion_group(deferred)  # 5.2.5
            if not allowed:
                group = [self.lowest_excludable()]
            if len(cont) - len(group) == self.remaining:
                # 5.5.1: the proposed exclusion would leave as many continuing candidates as places
                for x in group:
                    self.state[x] = "excluded"
                    self.new_excluded.append(x)
                rest = [c for c in cont if c not in group]
                self.notes.append(
                    f"Excluding {self.label(group)} would leave {len(rest)} continuing candidate(s) for "
                    f"{self.remaining} place(s) (5.5.1)."
                )
                self.finish_all_continuing("5.5.1")
                self.record("deemed-elected", f"{self.label(rest)} deemed elected", tuple(rest))
                break
            low = self.fmt(sum(self.votes[c] for c in group))
            why = (
                f"{self.label(group)} excluded (5.2.5): the fewest votes"
                + (f", together {low}" if len(group) > 1 else f", {low}")
                + (f", with deferred surpluses {self.fmt(deferred)}" if deferred else "")
                + "."
            )
            self.exclude(group, why)
        # 5.5.2: places filled: the remaining continuing candidates are formally excluded
        rest = self.continuing
        if rest and self.stages:
            for c in rest:
                self.state[c] = "excluded"
            last = self.stages[-1]
            self.stages[-1] = Stage(
                number=last.number,
                kind=last.kind,
                description=last.description,
                subjects=last.subjects,
                votes=last.votes,
                non_transferable=last.non_transferable,
                loss=last.loss,
                quota=last.quota,
                states=tuple(self.state),
                elected=last.elected,
                excluded=last.excluded + tuple(rest),
                notes=last.notes + (f"All places filled: {self.label(rest)} formally excluded (5.5.2).",),
                keep_factors=last.keep_factors,
            )
        options: dict[str, Any] = {
            "decimals": self.decimals,
            "quota": "total valid vote / (places + 1), rounded up to 0.01 (5.1.6); recalculated per 5.4.8",
            "ties": list(self.ties),
            "empty_papers": "invalid (5.1.2, 6.9)",
            "constraints": self.constraints.describe(self.names) if self.constraints else [],
        }
        return Count(
            rule=self.rule.name,
            method=self.rule.method,
            title=self.profile.title,
            candidates=self.names,
            seats=self.seats,
            papers=self.profile.papers,
            valid=Fraction(self.valid),
            invalid=self.profile.invalid + self.empty,
            quota=Fraction(self.quota, self.scale),
            stages=tuple(self.stages),
            elected=tuple(self.elected),
            decimals=self.decimals,
            seed=self.lot.seed,
            withdrawn=tuple(i for i, c in enumerate(self.profile.candidates) if c.withdrawn),
            options=options,
        )


def run(profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None = None) -> Count:
    """Count `profile` by the ERS97 rules (ERS, How to conduct an election by STV, 3rd ed. 1997, section 5)."""
    return ERS97Count(profile, rule, seats=seats, lot=lot, progress=progress).run()
