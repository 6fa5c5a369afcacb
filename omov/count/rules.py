"""Counting rules as data: one frozen `Rule` of options, and named presets.

A preset is a value. The clause-by-clause text each preset implements is in the docstring of the method
module that carries it out (`omov/count/methods/*.py`); `Rule.reference` names the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from omov.count.errors import CountError

Method = Literal["fptp", "bloc", "approval", "irv", "scottish", "ers97", "meek", "wigm"]
Quota = Literal["droop", "droop-exact", "hare", "none"]
TieBreak = Literal["backwards", "forwards", "lot"]


@dataclass(frozen=True)
class Constraint:
    """At least `minimum` (and at most `maximum`, if set) of the elected must come from `group`.

    `members` are candidate names. Applied inside the count by every method that supports constraints.
    """

    group: str
    members: frozenset[str]
    minimum: int = 0
    maximum: int | None = None

    def __post_init__(self) -> None:
        if self.minimum < 0 or (self.maximum is not None and self.maximum < self.minimum):
            raise CountError(f"group {self.group!r}: need 0 <= minimum <= maximum")


@dataclass(frozen=True)
class Rule:
    """Every option a count depends on. Use a preset (`PRESETS["scottish"]`) and `with_()` to vary it."""

    name: str
    method: Method
    reference: str = ""
    seats: int | None = None  # None: take the seats from the ballot file
    quota: Quota = "droop"
    decimals: int | None = None  # fixed-point places for values and transfers; None: exact rationals
    ties: tuple[TieBreak, ...] = ("backwards", "lot")
    batch_exclusion: bool = False  # IRV: exclude all candidates who cannot win together
    max_marks: int | None = None  # bloc: most marks a paper may carry (default: seats)
    allow_equal_rankings: bool = False
    meek_omega: str = "0.000000001"  # Meek: stop iterating when every surplus change is below this
    meek_precision: int = 18  # Meek: significant digits of guarded arithmetic
    constraints: tuple[Constraint, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def with_(self, **changes: Any) -> Rule:
        """A copy with some options changed."""
        return replace(self, **changes)


PRESETS: dict[str, Rule] = {
    "fptp": Rule(
        "fptp",
        "fptp",
        reference="First past the post: one mark per paper; the candidates with most votes win.",
        seats=None,
        quota="none",
        ties=("lot",),
    ),
    "bloc": Rule(
        "bloc",
        "bloc",
        reference="Bloc vote: up to one mark per seat; the `seats` candidates with most votes win "
        "(as in the Labour Party NEC CLP-section elections until the 2020 move to STV).",
        quota="none",
        ties=("lot",),
    ),
    "approval": Rule(
        "approval",
        "approval",
        reference="Approval: any number of marks; the candidates with most approvals win.",
        quota="none",
        ties=("lot",),
    ),
    "irv": Rule(
        "irv",
        "irv",
        reference="Alternative vote / instant run-off: a majority of continuing votes wins; lowest excluded.",
        seats=1,
        quota="none",
        ties=("backwards", "lot"),
    ),
    "scottish": Rule(
        "scottish",
        "scottish",
        reference="The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules 45-52.",
        quota="droop",
        decimals=5,
        ties=("backwards", "lot"),
    ),
    "ers97": Rule(
        "ers97",
        "ers97",
        reference="Electoral Reform Society, How to conduct an election by the Single Transferable Vote, "
        "3rd edition (1997), section 5.",
        quota="droop-exact",
        decimals=2,
        ties=("forwards", "lot"),  # 5.2.3, 5.2.5, 5.6.2: the first stage or the earliest point they differed
    ),
    "meek": Rule(
        "meek",
        "meek",
        reference="Hill, Wichmann & Woodall, Algorithm 123: Single Transferable Vote by Meek's method, "
        "Computer Journal 30 (1987); Proportional Representation Foundation reference Meek rule.",
        quota="droop-exact",
        decimals=None,
        ties=("lot",),
    ),
    "wigm": Rule(
        "wigm",
        "wigm",
        reference="Weighted inclusive Gregory method, parametric: Droop quota, all papers of a surplus "
        "transferred at a weighted value, decimals and quota as options.",
        quota="droop",
        decimals=5,
        ties=("backwards", "lot"),
    ),
}


def preset(name: str) -> Rule:
    """The named preset, or a CountError listing the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        raise CountError(f"unknown rule {name!r}; choose one of: {', '.join(PRESETS)}") from None
