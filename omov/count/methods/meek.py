"""Meek's method of STV: keep factors iterated to a fixed point, the quota recomputed as votes exhaust.

Sources: I. D. Hill, B. A. Wichmann and D. R. Woodall, "Algorithm 123: Single Transferable Vote by Meek's
method", The Computer Journal 30(3), 1987, pp. 277-281; and the Proportional Representation Foundation's
"Reference Meek Rule" (https://prfound.org/resources/reference/reference-meek-rule/), whose steps are lettered
A, B.1 ... C.2 and T below (paraphrased). Two additions come from the Droop counter (J. Lundell), which the
reference results in omov's test data were produced with: guarded arithmetic (clause G) and the "safe batch
defeat" of sure losers (clause D). Group constraints (clause K) are omov's, as every method applies them.

The rule, clause by clause
--------------------------
G. Arithmetic. Values are integers scaled by a power of ten, never floats.
   G.1 guarded (the default; Droop's "guarded" arithmetic): p = rule.meek_precision significant decimal places
       plus g guard places (g = p // 2 unless rule.extra["meek_guard"] says otherwise); every product and
       quotient is truncated at p + g places, and two values are treated as equal when they differ by less than
       half a unit of the p-th place (10**g // 2 at the full scale). The quota is exact at that scale (no unit
       added), and a candidate is elected when their vote *exceeds* it (G.1 comparison).
   G.2 fixed (the PRF reference; rule.extra["meek_arithmetic"] = "fixed"): p decimal places (the reference uses
       9), no guard; each rounding is made in the direction the clause names (keep factors and the portions
       kept UP, the quota DOWN plus one unit), comparisons exact.
A.  Initialise. Each candidate is hopeful, or withdrawn (a withdrawn candidate is removed from every paper).
    Each hopeful candidate's keep factor kf is 1. omega (the iteration limit) is rule.meek_omega
    (the reference: 0.000001; omov's preset, as in the reference results: 0.000000001).
B.1 Test count complete. Go to C when all seats are filled, or when the elected plus hopeful candidates are no
    more than the seats.
B.2 Iterate:
 a. Distribute votes. Each paper starts with weight w = 1; for each of its candidates in order, the candidate
    keeps w times their keep factor (rounded per G) and the weight goes on reduced by the same amount, until the
    paper's candidates run out or w is 0. Excluded candidates (kf 0) are passed over. What a paper still holds
    after its last candidate is non-transferable (exhausted); what rounding removed is the loss (G.1 truncates
    both the kept part and the part passed on, so a little is lost; G.2 loses nothing).
 b. Update the quota: q = (the sum of all candidates' votes, i.e. the valid votes less the excess) / (seats + 1),
    truncated to the precision (G.2: plus one unit of the last place).
 c. Find winners: elect every hopeful candidate whose vote reaches the quota (G.1: v > q; G.2: v >= q),
    highest first. (More candidates than seats can reach the quota only after K.3 has filled seats with
    candidates below it; then the highest take the seats left, equal votes decided as in T.)
 d. Total surplus s = the sum over elected candidates of (v - q), not below 0.
 e. Test for iteration finished: if c elected anyone, go to B.1 (a new round). Otherwise, if s < omega
    (G.1: s <= omega), or, after the first iteration, s is not smaller than in the previous iteration (the
    surpluses have stopped decreasing), go to B.3.
 D. Safe batch defeat (Droop; on by default, off with rule.extra["meek_batch_defeat"] = "none" and always off
    under G.2 and under constraints): sort the hopeful candidates by vote and group those within s of the
    first of each group; the lowest groups form a batch of sure losers when the batch's total vote plus s is
    below the vote of the next candidate up, the batch leaves enough candidates to fill the seats and no tied
    group is split. If there is such a batch, defeat all of it now and go to B.4.
 f. Update keep factors: each elected candidate's kf becomes kf * q (rounded, G) / v (rounded, G); go to a.
B.3 Defeat low candidate: defeat the hopeful candidate with the lowest vote; every hopeful candidate whose vote
    is not more than that lowest vote plus s counts as tied with it (clause T). Its kf becomes 0.
B.4 Continue with the next round at B.1.
C.1 Elect remaining: if seats are unfilled, elect all hopeful candidates.
C.2 Defeat remaining: otherwise defeat every hopeful candidate left.
T.  Ties for defeat are broken by the method the rule names (rule.ties): earlier stages first if it says so,
    then by lot from the count's published seed (omov.count.ties). The reference rule leaves the method to be
    defined in advance; omov's meek preset draws by lot.
K.  Constraints (rule.constraints; "constrained Meek"): K.1 a candidate who reaches the quota but whose
    election would leave a constraint unmeetable is excluded instead; K.2 a hopeful candidate whose exclusion
    would leave a constraint unmeetable is never chosen at B.3 (the lowest of the others is), and batch defeats
    are not used; K.3 when, after a round, some hopeful candidates cannot be excluded without a constraint
    becoming unmeetable (e.g. a group's continuing members are exactly what its minimum still needs), they are
    elected at once with kf 1 (deemed elected to meet the constraint); while below the quota such a candidate
    keeps every vote that reaches them (kf stays 1) and counts no surplus. Each decision is noted on the sheet.

The count sheet has one stage per round (not per iteration): the first preferences, then each round's
election or exclusion. A round's totals, keep factors and quota are those of its last iteration, on which the
decision was taken; an excluded candidate's votes pass on at the next round's first iteration. The notes give
the number of iterations, the total surplus and why the iteration stopped. Excess is split into
non_transferable (exhausted papers, and papers with no valid preference) and loss (the rounding residue), so
sum(votes) + non_transferable + loss == valid at every stage.

Speed: a paper's distribution depends only on its candidates up to and including its first hopeful one (that
one keeps everything), so within a round identical such "paths" are merged; paths are extended only when
their last candidate is elected or excluded. An iteration costs work per distinct path, not per paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from omov.count.constraints import Constraints
from omov.count.errors import CountError
from omov.count.profile import Profile
from omov.count.result import CandidateState, Count, Stage, StageKind
from omov.count.rules import Rule
from omov.count.ties import History, Lot, break_tie

ProgressFn = Callable[[int, int], None]

HOPEFUL, ELECTED, DEFEATED, WITHDRAWN = 0, 1, 2, 3
_STATE_NAMES: dict[int, CandidateState] = {
    HOPEFUL: "continuing",
    ELECTED: "elected",
    DEFEATED: "excluded",
    WITHDRAWN: "withdrawn",
}
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
_ZERO, _ONE = Fraction(0), Fraction(1)
MAX_PLACES = 100  # meek_precision and meek_guard: far more places than any rule asks for (the preset: 18 + 9)
MAX_ITERATIONS = 100_000  # a safety net only: B.2.e always ends an iteration (surpluses cannot fall forever)


@dataclass(frozen=True)
class Arithmetic:
    """Clause G: scaled-integer arithmetic, guarded (G.1) or fixed with directed rounding (G.2).

    A value v is held as the int v * scale (scale = 10 ** (precision + guard)). `eps` is the tolerance of
    comparisons (G.1: half a unit of the last significant place, at full scale; G.2: 0, exact).
    """

    kind: str  # "guarded" or "fixed"
    precision: int
    guard: int

    @cached_property  # asked for at every comparison: millions of times in a count of many candidates
    def scale(self) -> int:
        return int(10 ** (self.precision + self.guard))

    @cached_property
    def eps(self) -> int:
        return max(1, 10**self.guard // 2) if self.kind == "guarded" and self.guard else 0

    def from_decimal(self, text: str) -> int:
        """A decimal string (e.g. rule.meek_omega) as a scaled int, truncated."""
        # ASCII digits only: Decimal() would also take "NaN", "Infinity", "1_0" and other scripts' digits
        if not isinstance(text, str) or not _DECIMAL.fullmatch(text) or len(text) > 60:
            raise CountError(f"meek_omega must be a decimal number such as 0.000001 (got {text!r})")
        frac = Fraction(Decimal(text)) * self.scale
        return frac.numerator // frac.denominator

    def show(self, v: int) -> str:
        """A scaled int as a decimal string to the significant places (truncated), for notes."""
        sign = "-" if v < 0 else ""
        q = abs(v) // 10**self.guard
        whole, part = divmod(q, 10**self.precision)
        return f"{sign}{whole}.{part:0{self.precision}d}"

    def fraction(self, v: int) -> Fraction:
        """A scaled int as an exact Fraction, for the count sheet."""
        if v == 0 or v == self.scale:  # most values with many candidates: no Fraction (and gcd) for each
            return _ZERO if v == 0 else _ONE
        return Fraction(v, self.scale)

    # comparisons with the tolerance of G.1 (exact under G.2)
    def gt(self, a: int, b: int) -> bool:
        return a - b >= self.eps if self.eps else a > b

    def ge(self, a: int, b: int) -> bool:
        return b - a < self.eps if self.eps else a >= b

    def lt(self, a: int, b: int) -> bool:
        return self.gt(b, a)

    def le(self, a: int, b: int) -> bool:
        return self.ge(b, a)

    def mul(self, a: int, b: int, *, up: bool = False) -> int:
        """a * b, truncated (G.1), or rounded up when `up` under G.2."""
        q, r = divmod(a * b, self.scale)
        return q + 1 if (up and r and self.kind == "fixed") else q

    def div(self, a: int, b: int, *, up: bool = False) -> int:
        """a / b, truncated (G.1), or rounded up when `up` under G.2."""
        q, r = divmod(a * self.scale, b)
        return q + 1 if (up and r and self.kind == "fixed") else q


def arithmetic_for(rule: Rule) -> Arithmetic:
    """Clause G: the arithmetic the rule's options ask for."""
    kind = str(rule.extra.get("meek_arithmetic", "guarded"))
    if kind not in {"guarded", "fixed"}:
        raise CountError(f"meek_arithmetic must be 'guarded' or 'fixed' (got {kind!r})")
    precision = rule.meek_precision
    # bounded: the scale is 10 ** (precision + guard), and every product of the count is that long
    if not isinstance(precision, int) or isinstance(precision, bool) or not 1 <= precision <= MAX_PLACES:
        raise CountError(f"meek_precision must be a whole number from 1 to {MAX_PLACES} (got {precision!r})")
    guard = rule.extra.get("meek_guard", precision // 2) if kind == "guarded" else 0
    if not isinstance(guard, int) or isinstance(guard, bool) or not 0 <= guard <= MAX_PLACES:
        raise CountError(f"meek_guard must be a whole number from 0 to {MAX_PLACES} (got {guard!r})")
    return Arithmetic(kind, precision, guard)


class _Paths:
    """Papers merged by their path: the non-excluded candidates up to and including the first hopeful one.

    Within a round every paper on the same path is distributed identically (B.2.a), so an iteration works per
    path. A path changes only when its last candidate is elected or excluded; then its papers are walked on.
    """

    def __init__(self, rankings: Sequence[tuple[int, ...]], weights: Sequence[int], state: list[int]) -> None:
        self.rankings = rankings
        self.weights = weights
        self.state = state
        self.members: dict[tuple[int, ...], list[tuple[int, int]]] = {}  # path -> [(ranking index, next pos)]
        self.totals: dict[tuple[int, ...], int] = {}
        for i, w in enumerate(weights):
            if w:
                self._walk((), i, 0)

    def _walk(self, prefix: tuple[int, ...], i: int, pos: int) -> None:
        ranking, state = self.rankings[i], self.state
        path = list(prefix)
        n = len(ranking)
        while pos < n:
            c = ranking[pos]
            pos += 1
            s = state[c]
            if s == DEFEATED:
                continue
            path.append(c)
            if s == HOPEFUL:
                break
        key = tuple(path)
        bucket = self.members.get(key)
        if bucket is None:
            self.members[key] = [(i, pos)]
            self.totals[key] = self.weights[i]
        else:
            bucket.append((i, pos))
            self.totals[key] += self.weights[i]

    def update(self, changed: set[int]) -> None:
        """Walk on the papers whose path ends at a candidate just elected or excluded."""
        stale = [p for p in self.members if p and p[-1] in changed]
        for path in stale:
            bucket = self.members.pop(path)
            del self.totals[path]
            last = path[-1]
            prefix = path if self.state[last] == ELECTED else path[:-1]
            for i, pos in bucket:
                self._walk(prefix, i, pos)


@dataclass
class _Distribution:
    votes: list[int]
    exhausted: int
    loss: int


def _distribute(paths: _Paths, kf: list[int], n: int, ar: Arithmetic) -> _Distribution:
    """B.2.a: distribute every path's papers by the current keep factors (rounding per clause G)."""
    scale, eps, fixed = ar.scale, ar.eps, ar.kind == "fixed"
    votes = [0] * n
    exhausted = 0
    loss = 0
    for path, m in paths.totals.items():
        w = scale
        lost = 0
        for c in path:
            k = kf[c]
            if k == scale:  # a hopeful candidate (kf 1) keeps the whole remaining weight
                votes[c] += w * m
                w = 0
                break
            if fixed:
                keep = -((-w * k) // scale)  # G.2: the part kept, rounded up
                votes[c] += keep * m
                w -= keep
                if w <= 0:
                    break
            else:
                keep = w * k // scale  # G.1: both parts truncated; the difference is lost
                rest = w * (scale - k) // scale
                votes[c] += keep * m
                lost += w - keep - rest
                w = rest
                if w < eps:  # G.1: a weight equal to 0 within the guard stops the paper
                    lost += w
                    w = 0
                    break
        exhausted += w * m
        loss += lost * m
    return _Distribution(votes, exhausted, loss)


def _batch_defeat(
    hopeful: list[int], votes: list[int], surplus: int, seats_left: int, ar: Arithmetic
) -> list[int]:
    """Clause D: the largest batch of lowest candidates that can all be defeated safely (may be empty)."""
    order = sorted(hopeful, key=lambda c: (votes[c], c))
    groups: list[list[int]] = []
    group: list[int] = []
    lead = 0
    for c in order:
        if ar.ge(lead + surplus, votes[c]):  # within s of the group's first vote: inseparable
            group.append(c)
        else:
            if group:
                groups.append(group)
            group = [c]
            lead = votes[c]
    if group:
        groups.append(group)
    max_defeat = len(hopeful) - seats_left
    total = 0
    count = 0
    best: int | None = None
    for g in range(len(groups) - 1):
        count += len(groups[g])
        if count > max_defeat:
            break
        total += sum(votes[c] for c in groups[g])
        if ar.lt(total + surplus, votes[groups[g + 1][0]]):
            best = g
    if best is None:
        return []
    return [c for g in groups[: best + 1] for c in g]


def run(profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None = None) -> Count:
    """Count `profile` by Meek's method (clauses A-C, D, G, K and T of the module docstring)."""
    ar = arithmetic_for(rule)
    scale = ar.scale
    names = profile.names
    n = len(names)
    rankings, weights = profile.continuing_rankings()
    valid = sum(weights)
    omega = ar.from_decimal(rule.meek_omega)
    batch_defeats = (
        str(rule.extra.get("meek_batch_defeat", "safe")) == "safe" and ar.kind == "guarded" and not rule.constraints
    )
    cons = Constraints(rule.constraints, names, seats)

    # A: hopeful or withdrawn; kf 1 for the hopeful, 0 for the withdrawn
    state = [WITHDRAWN if c.withdrawn else HOPEFUL for c in profile.candidates]
    kf = [scale if s == HOPEFUL else 0 for s in state]
    paths = _Paths(rankings, weights, state)
    elected: list[int] = []
    stages: list[Stage] = []
    history = History()
    quota = 0

    def hopeful() -> list[int]:
        return [c for c in range(n) if state[c] == HOPEFUL]

    def seats_left() -> int:
        return seats - len(elected)

    def compute_quota(dist: _Distribution) -> int:
        total = sum(dist.votes)
        if ar.kind == "fixed":  # B.2.b (G.2): truncated to the precision, plus one unit
            return total // (seats + 1) + 1
        return total // (seats + 1)  # B.2.b (G.1): exact at the guarded scale

    def reaches_quota(v: int, q: int) -> bool:
        return ar.ge(v, q) if ar.kind == "fixed" else ar.gt(v, q)  # B.2.c

    def add_stage(
        kind: StageKind,
        description: str,
        subjects: Sequence[int],
        dist: _Distribution,
        *,
        new_elected: Sequence[int] = (),
        new_excluded: Sequence[int] = (),
        notes: Sequence[str] = (),
    ) -> None:
        votes = tuple(ar.fraction(v) for v in dist.votes)
        stage = Stage(
            number=len(stages) + 1,
            kind=kind,
            description=description,
            subjects=tuple(subjects),
            votes=votes,
            non_transferable=ar.fraction(dist.exhausted),
            loss=ar.fraction(dist.loss),
            quota=ar.fraction(quota),
            states=tuple(_STATE_NAMES[s] for s in state),
            elected=tuple(new_elected),
            excluded=tuple(new_excluded),
            notes=tuple(notes),
            keep_factors=tuple(ar.fraction(k) for k in kf),
        )
        stages.append(stage)
        history.append(votes)

    def label(cs: Sequence[int]) -> str:
        return ", ".join(names[c] for c in cs)

    def elect(cs: Sequence[int]) -> None:
        for c in cs:
            state[c] = ELECTED
            elected.append(c)

    def defeat(cs: Sequence[int]) -> None:
        for c in cs:
            state[c] = DEFEATED
            kf[c] = 0  # B.3: an excluded candidate's keep factor is 0

    def forced_elections(notes: list[str]) -> list[int]:
        """K.3: hopeful candidates that must be elected for the constraints to stay meetable."""
        if not cons:
            return []
        forced: list[int] = []
        hope = hopeful()
        if len(cons.excludable(elected, hope)) == len(hope):
            return []  # the usual case: anyone may be excluded, so nobody is forced
        # whether c may be excluded depends on c only through its groups, so it is asked once per group
        # signature until `forced` grows (asking per candidate made a thousand-candidate count cubic)
        verdict: dict[tuple[int, tuple[bool, ...]], bool] = {}
        for c in hope:
            if seats_left() - len(forced) <= 0:
                break
            key = (len(forced), cons.signature(c))
            if key not in verdict:
                taken = set(forced)
                verdict[key] = cons.can_exclude(c, [*elected, *forced], [x for x in hope if x not in taken])
            if not verdict[key]:
                forced.append(c)
        for c in forced:
            notes.append(f"{names[c]} deemed elected: without them a constraint could not be met (K.3)")
        return forced

    # the first stage: first preferences (every kf is 1, so B.2.a gives each paper to its first preference)
    dist = _distribute(paths, kf, n, ar)
    quota = compute_quota(dist)
    first_notes = [f"arithmetic: {ar.kind}, {ar.precision} places" + (f" + {ar.guard} guard" if ar.guard else "")
                   + f"; omega {rule.meek_omega}" + ("; safe batch defeats" if batch_defeats else "")]
    add_stage("first-preferences", "First preferences", (), dist, notes=first_notes)

    rounds = 0
    while len(hopeful()) > seats_left() > 0:  # B.1
        rounds += 1
        if progress is not None:
            progress(len(elected), seats)
        notes: list[str] = []
        # K.3: candidates the constraints need are elected before anything else happens
        forced = forced_elections(notes)
        if forced:
            elect(forced)
            paths.update(set(forced))
            dist = _distribute(paths, kf, n, ar)
            quota = compute_quota(dist)
            add_stage("deemed-elected", f"Deemed elected to meet a constraint: {label(forced)}", forced, dist,
                      new_elected=forced, notes=notes)
            continue
        last_surplus = valid * scale + 1
        iterations = 0
        status = ""
        surplus = 0
        winners: list[int] = []
        passed_over: list[int] = []
        batch: list[int] = []
        while True:  # B.2
            iterations += 1
            if iterations > MAX_ITERATIONS:
                raise CountError("Meek iteration did not settle; raise meek_omega or meek_precision")
            dist = _distribute(paths, kf, n, ar)  # B.2.a
            quota = compute_quota(dist)  # B.2.b
            votes = dist.votes
            reached = [c for c in hopeful() if reaches_quota(votes[c], quota)]
            while reached and len(winners) < seats_left():  # B.2.c, highest first, with K.1
                top = max(votes[c] for c in reached)
                level = [c for c in reached if ar.ge(votes[c], top)]
                if len(level) <= seats_left() - len(winners):
                    c, how = min(level), ""
                else:
                    c, how = break_tie(level, history=history, names=names, lot=lot, methods=rule.ties, lowest=False)
                if how:  # only when K.3 filled seats early can more reach the quota than there are seats
                    notes.append(f"{how} (election)")
                reached.remove(c)
                if cons and not cons.can_elect(c, [*elected, *winners], [x for x in hopeful()
                                                                         if x not in winners and x != c]):
                    passed_over.append(c)
                    notes.append(f"{names[c]} reached the quota but electing them would leave a constraint "
                                 f"unmeetable: excluded instead (K.1)")
                else:
                    winners.append(c)
            # B.2.d; a candidate elected below the quota (K.3) keeps all (kf 1) and has no surplus, not a deficit
            surplus = max(0, sum(votes[c] - quota if kf[c] < scale else max(0, votes[c] - quota)
                                 for c in [*elected, *winners]))
            if winners or passed_over:  # B.2.e
                status = "a candidate reached the quota"
                break
            omega_done = surplus < omega if ar.kind == "fixed" else ar.le(surplus, omega)
            if omega_done:  # B.2.e
                status = "the total surplus is below omega"
                break
            if ar.ge(surplus, last_surplus):  # B.2.e: the surpluses stopped decreasing
                status = "the total surplus stopped decreasing"
                break
            if batch_defeats:  # D
                batch = _batch_defeat(hopeful(), votes, surplus, seats_left(), ar)
                if batch:
                    status = "sure losers found (safe batch defeat)"
                    break
            last_surplus = surplus
            for c in elected:  # B.2.f (never above 1: a candidate elected below the quota by K.3 keeps all)
                if votes[c] > 0:
                    kf[c] = min(scale, ar.div(ar.mul(kf[c], quota, up=True), votes[c], up=True))
        notes.insert(0, f"{iterations} iteration{'s' if iterations != 1 else ''}; total surplus "
                        f"{ar.show(surplus)}; stopped because {status}")
        # decisions
        if winners or passed_over:
            elect(winners)
            defeat(passed_over)
            kind: StageKind = "round" if winners else "exclusion"
            parts = []
            if winners:
                parts.append(f"Election of {label(winners)}")
            if passed_over:
                parts.append(f"Exclusion of {label(passed_over)} (constraint)")
            add_stage(kind, "; ".join(parts), [*winners, *passed_over], dist, new_elected=winners,
                      new_excluded=passed_over, notes=notes)
            paths.update({*winners, *passed_over})
            continue
        if batch:  # D
            notes.append(f"sure losers defeated together: {label(batch)}")
            defeat(batch)
            add_stage("exclusion", f"Exclusion of {label(batch)}", batch, dist, new_excluded=batch, notes=notes)
            paths.update(set(batch))
            continue
        # B.3: defeat the lowest hopeful candidate; those within s of the lowest are tied (T)
        pool = hopeful()
        if cons:  # K.2
            pool = cons.excludable(elected, pool)
            if not pool:
                raise CountError("no candidate can be excluded without breaking a constraint; "
                                 "check that the constraints can be met by the candidates standing")
        low = min(dist.votes[c] for c in pool)
        tied = [c for c in pool if ar.le(dist.votes[c], low + surplus)]
        loser, how = break_tie(tied, history=history, names=names, lot=lot, methods=rule.ties, lowest=True)
        if how:
            notes.append(how)
        defeat([loser])
        add_stage("exclusion", f"Exclusion of {names[loser]}", [loser], dist, new_excluded=[loser], notes=notes)
        paths.update({loser})

    # C: count complete
    rest = hopeful()
    if rest:
        if seats_left() > 0:  # C.1
            chosen = rest[: seats_left()]
            elect(chosen)
            paths.update(set(chosen))
            dist = _distribute(paths, kf, n, ar)
            add_stage("deemed-elected", f"Remaining candidates elected: {label(chosen)}", chosen, dist,
                      new_elected=chosen, notes=["C.1: the continuing candidates fill the remaining seats"])
        else:  # C.2
            defeat(rest)
            paths.update(set(rest))
            dist = _distribute(paths, kf, n, ar)
            add_stage("exclusion", f"Remaining candidates excluded: {label(rest)}", rest, dist,
                      new_excluded=rest, notes=["C.2: every seat is filled"])
    if progress is not None:
        progress(seats, seats)

    options: dict[str, Any] = {
        "arithmetic": ar.kind,
        "precision": ar.precision,
        "guard": ar.guard,
        "omega": rule.meek_omega,
        "batch_defeat": "safe" if batch_defeats else "none",
        "ties": list(rule.ties),
        "rounds": rounds,
    }
    return Count(
        rule=rule.name,
        method=rule.method,
        title=profile.title,
        candidates=names,
        seats=seats,
        papers=profile.papers,
        valid=Fraction(valid),
        invalid=profile.invalid,
        quota=stages[-1].quota,
        stages=tuple(stages),
        elected=tuple(elected),
        decimals=rule.decimals,
        seed=lot.seed,
        withdrawn=tuple(i for i, c in enumerate(profile.candidates) if c.withdrawn),
        notes=tuple(cons.describe(names)) if cons else (),
        options=options,
    )
