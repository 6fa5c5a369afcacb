"""The count sheet as data: one `Count` with every stage.

The renderings (text, CSV, HTML, JSON) and the JSON reader live in `omov.count.sheet`, which takes a `Count`;
this module imports nothing of the sheet's, so the arrow between them points one way only
(`sheet.render(count, "csv")`, `sheet.render_json(count)`, `sheet.from_json(text)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

StageKind = Literal[
    "first-preferences",  # the first stage: papers sorted by first preference / marks counted
    "surplus",  # transfer of a surplus
    "exclusion",  # exclusion of one or more candidates and transfer of their papers
    "deemed-elected",  # continuing candidates filling the remaining seats without further transfers
    "round",  # one round of an IRV count, or one Meek iteration result
    "elected",  # a declaration with no transfer (e.g. bloc/FPTP result)
]

CandidateState = Literal["continuing", "elected", "excluded", "withdrawn"]


@dataclass(frozen=True)
class Stage:
    """One stage of a count: the action taken and everybody's standing after it.

    `votes[i]` is candidate i's total after this stage (exact). `non_transferable` and `loss` (value lost to
    rounding down, "loss of fractions") are cumulative. `states[i]` is candidate i's state after the stage.
    """

    number: int
    kind: StageKind
    description: str
    subjects: tuple[int, ...]
    votes: tuple[Fraction, ...]
    non_transferable: Fraction
    loss: Fraction
    quota: Fraction
    states: tuple[CandidateState, ...]
    elected: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    keep_factors: tuple[Fraction, ...] | None = None


@dataclass(frozen=True)
class Count:
    """A finished count: the rule, the inputs' totals, every stage and the result."""

    rule: str
    method: str
    title: str
    candidates: tuple[str, ...]
    seats: int
    papers: int
    valid: Fraction
    invalid: int
    quota: Fraction | None
    stages: tuple[Stage, ...]
    elected: tuple[int, ...]
    decimals: int | None = None
    seed: str | None = None
    withdrawn: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, compare=False)
    parties: tuple[str, ...] = ()  # each candidate's party/description ("" for none); () when the file gave none

    def label(self, c: int) -> str:
        """Candidate c as the sheet's rows show them: the name, then the party in parentheses if there is one."""
        party = self.parties[c] if c < len(self.parties) else ""
        return f"{self.candidates[c]} ({party})" if party else self.candidates[c]

    @property
    def elected_names(self) -> tuple[str, ...]:
        """Names of the elected, in order of election."""
        return tuple(self.candidates[i] for i in self.elected)

    @property
    def excluded(self) -> tuple[int, ...]:
        """Candidates excluded, in order of exclusion."""
        return tuple(i for s in self.stages for i in s.excluded)
