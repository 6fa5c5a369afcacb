"""The plurality family: first past the post (`fptp`), the bloc vote (`bloc`) and approval voting (`approval`).

The rule, clause by clause (a paraphrase of the common form of these rules; the bloc vote as the Labour Party
used it for the constituency (CLP) section of its National Executive Committee until 2020, with a minimum
number of women; omov applies such a minimum inside the count, which for the bloc vote elects the same people as
replacing the lowest-placed men, see docs/constraints.md and docs/rules/labour-nec.md;
sources: Rule.reference of the `fptp`, `bloc` and `approval` presets, and docs/rules/plurality.md):

1. Marks. For the bloc vote and approval the order of a ranking is ignored: every candidate on a paper has one
   mark, worth one vote. Under FPTP only the first preference on a paper counts (one vote); later preferences
   are ignored. Marks for a withdrawn candidate are disregarded.
2. Invalid papers. (bloc) A paper may carry at most `rule.max_marks` marks, or one mark per seat when the rule
   sets no limit; a paper with more marks than that is invalid and not counted (it is reported on the sheet
   with the papers rejected before the count). Under approval any number of marks is valid.
3. Blank papers. A paper with no mark for a continuing candidate counts for nobody: under FPTP it is shown as
   non-transferable; under bloc and approval it gives no votes (the sheet notes how many there were).
4. The totals. Each candidate's votes are the number of marks (FPTP: first preferences) they received. The
   valid total is the number of votes given: under FPTP the number of valid papers, blank ones included.
5. The result. The candidates with the most votes are elected, going down the order of votes, until every
   seat is filled. With fewer candidates standing than seats, all are elected and the other seats stay empty.
6. Ties. Where candidates have equal votes and not all of them can be elected (or where the order matters for
   a constraint), the tie is broken as `rule.ties` says (for these presets: by lot, from the count's seed);
   each tie and how it was broken is written in the notes.
7. Constraints (e.g. "at least half of those elected shall be women"). Going down the order, a candidate whose
   election would leave the constraints impossible to meet with the seats and candidates left is passed over
   and the next candidate is taken instead. Each candidate passed over is named in the notes. Constraints the
   candidates standing cannot meet at all are refused before the count (a CountError, from omov.count.engine):
   a count that quietly lowered a minimum would declare a result the organisation's rules do not allow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from omov.count.constraints import Constraints
from omov.count.errors import CountError
from omov.count.profile import Profile
from omov.count.result import CandidateState, Count, Stage
from omov.count.rules import Constraint, Rule
from omov.count.ties import Lot, break_tie

ProgressFn = Callable[[int, int], None]

_LABEL = {"fptp": "First past the post", "bloc": "Bloc vote", "approval": "Approval"}


def run(profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None) -> Count:
    """Count `profile` by FPTP, bloc vote or approval (clauses 1-7 of the module docstring)."""
    if rule.method not in _LABEL:
        raise CountError(f"the plurality module counts fptp, bloc and approval, not {rule.method!r}")
    names = profile.names
    n = len(names)
    gone = {i for i, c in enumerate(profile.candidates) if c.withdrawn}
    max_marks = rule.max_marks if rule.max_marks is not None else seats
    if rule.method == "bloc" and max_marks < 1:
        raise CountError(f"a bloc vote must allow at least one mark per paper (max_marks is {max_marks})")

    tally = [0] * n
    blank = 0
    over_marked = 0
    total = len(profile.rankings)
    tick = max(1, total // 100)
    for k, (ranking, weight) in enumerate(zip(profile.rankings, profile.weights, strict=True)):
        if progress is not None and k % tick == 0:
            progress(k, total)
        if rule.method == "bloc" and len(ranking) > max_marks:  # rule 2
            over_marked += weight
            continue
        marks = [c for c in ranking if c not in gone]  # rule 1: withdrawn candidates' marks disregarded
        if not marks:  # rule 3
            blank += weight
            continue
        if rule.method == "fptp":  # rule 1: only the first preference counts
            marks = marks[:1]
        for c in marks:  # rule 4
            tally[c] += weight
    if progress is not None:
        progress(total, total)

    valid_papers = profile.papers - over_marked
    votes = tuple(Fraction(v) for v in tally)
    non_transferable = Fraction(blank) if rule.method == "fptp" else Fraction(0)  # rule 3
    valid = sum(votes, Fraction(0)) + non_transferable  # rule 4
    count_notes: list[str] = [
        f"{valid_papers} valid papers, {blank} of them with no mark for a continuing candidate",
    ]
    if rule.method == "fptp":
        count_notes.append("only each paper's first preference is counted; blank papers are non-transferable")
    else:
        count_notes.append(f"each mark is one vote: {sum(tally)} votes were given on the valid papers")
    if rule.method == "bloc":
        count_notes.append(f"a paper may carry at most {max_marks} marks; {over_marked} papers had more and are "
                           "invalid")
    states0: tuple[CandidateState, ...] = tuple("withdrawn" if i in gone else "continuing" for i in range(n))
    first = Stage(
        number=1,
        kind="first-preferences",
        description="First preferences" if rule.method == "fptp" else "Marks counted",
        subjects=(),
        votes=votes,
        non_transferable=non_transferable,
        loss=Fraction(0),
        quota=Fraction(0),
        states=states0,
        notes=tuple(count_notes),
    )

    standing = [i for i in range(n) if i not in gone]
    cons, con_notes = _resolve_constraints(rule.constraints, names, standing, seats)
    elected, passed_over, notes = _declare(
        votes=votes, standing=standing, seats=seats, names=names, rule=rule, lot=lot, cons=cons
    )
    defeated = [c for c in sorted(standing, key=lambda c: (-votes[c], c)) if c not in elected and c not in
                passed_over]
    states: list[CandidateState] = list(states0)
    for c in standing:
        states[c] = "elected" if c in elected else "excluded"
    if len(elected) < seats:
        notes.append(f"only {len(elected)} candidates stand for {seats} seats; {seats - len(elected)} "
                     "seat(s) stay empty")
    declaration = Stage(
        number=2,
        kind="elected",
        description="Declaration of the result",
        subjects=tuple(elected),
        votes=votes,
        non_transferable=non_transferable,
        loss=Fraction(0),
        quota=Fraction(0),
        states=tuple(states),
        elected=tuple(elected),
        excluded=tuple(passed_over) + tuple(defeated),
        notes=tuple(con_notes + notes),
    )
    options: dict[str, object] = {"ties": list(rule.ties)}
    if rule.method == "bloc":
        options["max_marks"] = max_marks
    if rule.constraints:
        options["constraints"] = cons.describe(names) if cons else []
    return Count(
        rule=rule.name,
        method=rule.method,
        title=profile.title,
        candidates=names,
        seats=seats,
        papers=profile.papers + profile.invalid,
        valid=valid,
        invalid=profile.invalid + over_marked,
        quota=None,
        stages=(first, declaration),
        elected=tuple(elected),
        decimals=rule.decimals,
        seed=lot.seed,
        withdrawn=tuple(sorted(gone)),
        notes=(f"{_LABEL[rule.method]}, {seats} seat(s)",),
        options=options,
    )


def _resolve_constraints(
    constraints: Sequence[Constraint], names: Sequence[str], standing: Sequence[int], seats: int
) -> tuple[Constraints, list[str]]:
    """The constraints as the count applies them; ones the candidates standing cannot meet are refused (rule 7)."""
    cons = Constraints(constraints, names, seats)
    if cons and not cons.feasible([], standing):
        raise CountError(
            "the constraints cannot be met by the candidates standing: " + "; ".join(cons.describe(names))
        )
    return cons, []


def _declare(
    *,
    votes: Sequence[Fraction],
    standing: Sequence[int],
    seats: int,
    names: Sequence[str],
    rule: Rule,
    lot: Lot,
    cons: Constraints,
) -> tuple[list[int], list[int], list[str]]:
    """Go down the order of votes electing, passing over whoever would break a constraint (rules 5-7)."""
    elected: list[int] = []
    passed_over: list[int] = []
    notes: list[str] = []
    remaining = list(standing)
    history = [list(votes)]
    while remaining and len(elected) < seats:
        top = max(votes[c] for c in remaining)
        tied = [c for c in remaining if votes[c] == top]
        seats_left = seats - len(elected)
        if len(tied) > 1 and (len(tied) > seats_left or cons):  # rule 6: the order matters
            chosen, how = break_tie(tied, history=history, names=names, lot=lot, methods=rule.ties, lowest=False)
            notes.append(how + f": {names[chosen]} is taken first")
        else:
            chosen = tied[0]
        remaining.remove(chosen)
        if cons and not cons.can_elect(chosen, elected, [*remaining, chosen]):  # rule 7
            passed_over.append(chosen)
            notes.append(f"{names[chosen]} ({votes[chosen]} votes) is passed over: electing them would leave the "
                         f"constraint(s) unmet ({'; '.join(cons.describe(names))})")
            continue
        elected.append(chosen)  # rule 5
    return elected, passed_over, notes
