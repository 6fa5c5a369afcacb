"""Reading a ballot paper from a web form, with messages a voter can act on.

A ranked paper arrives as one field per candidate, `rank_<number>`, holding the voter's preference (1, 2, ...)
or nothing. A mark paper arrives as `mark` fields holding candidate numbers (tick boxes, or one radio button).
The credential arrives as `credential`. These checks only explain mistakes in the voter's own words; the
paper is checked again, by the rule, inside `omov.ballots.services.cast`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from omov.ballots.errors import BallotError
from omov.ballots.papers import normalise_credential


@dataclass(frozen=True)
class Choice:
    """A candidate as the paper shows them."""

    number: int
    name: str
    withdrawn: bool = False


@dataclass
class PaperForm:
    """A paper as filled in: the candidate numbers in order (ranked) or ascending (marks), and any problems."""

    paper: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    field_errors: dict[int, str] = field(default_factory=dict)  # candidate number -> message for that row
    values: dict[int, str] = field(default_factory=dict)  # what the voter typed, to show the form again
    credential: str = ""
    credential_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.credential_error


def _getlist(data: Any, key: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(v) for v in data.getlist(key)]
    value = data.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def read_credential(data: Mapping[str, Any], form: PaperForm) -> None:
    """Check the credential's shape (not whether it is valid: the cast decides that)."""
    raw = str(data.get("credential", "") or "").strip()
    form.credential = raw
    if not raw:
        form.credential_error = "Enter the voting credential from your email or letter (32 letters and digits)."
        return
    try:
        form.credential = "-".join(normalise_credential(raw)[i : i + 4] for i in range(0, 32, 4))
    except BallotError as exc:
        form.credential_error = str(exc)[:1].upper() + str(exc)[1:] + "."


def _number(text: str) -> int | None:
    """A whole number written in ASCII digits (at most six of them), or None. `str.isdigit` also accepts "²" and
    "①", which int() refuses, and int() refuses more than 4,300 digits: neither may become a server error."""
    return int(text) if len(text) <= 6 and text.isascii() and text.isdigit() else None


def read_ranked(
    data: Mapping[str, Any], choices: Sequence[Choice], *, max_choices: int, allow_empty: bool
) -> PaperForm:
    """A ranked paper from `rank_<n>` fields: preferences must be 1, 2, 3 ... with no number used twice."""
    form = PaperForm()
    by_number = {c.number: c for c in choices}
    n = len(choices)
    ranks: dict[int, int] = {}  # candidate number -> preference
    for key in data.keys() if hasattr(data, "keys") else []:
        if not key.startswith("rank_"):
            continue
        suffix = key[len("rank_") :]
        value = str(data.get(key, "") or "").strip()
        number_or_none = _number(suffix)
        if number_or_none is None or number_or_none not in by_number:
            if value:
                form.errors.append(
                    f"There is no candidate number {suffix[:10]} on this ballot; rank only those listed."
                )
            continue
        number = number_or_none
        form.values[number] = value
        if not value:
            continue
        if by_number[number].withdrawn:
            form.field_errors[number] = f"{by_number[number].name} has withdrawn; leave their box empty."
            continue
        rank = _number(value)
        if rank is None and value.isascii() and value.isdigit():
            rank = n + 1  # a long run of digits: too large, and said so below
        if rank is None or rank < 1:
            form.field_errors[number] = (
                f"Write a whole number from 1 to {n} beside {by_number[number].name}, or leave it empty."
            )
            continue
        if rank > n:
            form.field_errors[number] = (
                f"{value[:10]}{'…' if len(value) > 10 else ''} is more than the number of candidates ({n}); "
                "number your choices 1, 2, 3 ..."
            )
            continue
        ranks[number] = rank
    holders: dict[int, list[int]] = {}
    for number, rank in ranks.items():
        holders.setdefault(rank, []).append(number)
    for rank, numbers in sorted(holders.items()):
        if len(numbers) > 1:
            names = " and ".join(by_number[x].name for x in sorted(numbers))
            form.errors.append(f"You gave preference {rank} to both {names}; give each number to one candidate only.")
            for x in numbers:
                form.field_errors.setdefault(x, f"Preference {rank} is used more than once.")
    used = sorted(holders)
    if used and not form.field_errors:
        missing = [r for r in range(1, used[-1] + 1) if r not in holders]
        if missing:
            gap = ", ".join(str(r) for r in missing)
            form.errors.append(
                f"Your preferences skip {gap}: number them 1, 2, 3 ... without gaps "
                f"(you used {', '.join(str(r) for r in used)})."
            )
    if form.field_errors and not form.errors:
        form.errors.append("Some preferences cannot be read: see the marked rows.")
    if not form.errors and not ranks and not allow_empty:
        form.errors.append("Your paper is empty: write 1 beside your first choice (and 2, 3 ... if you wish).")
    if not form.errors and len(ranks) > max_choices:
        form.errors.append(f"You may rank at most {max_choices} candidates; you ranked {len(ranks)}.")
    if not form.errors:
        form.paper = [number for number, _ in sorted(ranks.items(), key=lambda kv: kv[1])]
    return form


def read_marks(data: Any, choices: Sequence[Choice], *, max_choices: int, allow_empty: bool) -> PaperForm:
    """A mark paper from `mark` fields (candidate numbers): at most `max_choices`, each once."""
    form = PaperForm()
    by_number = {c.number: c for c in choices}
    marks: list[int] = []
    for value in _getlist(data, "mark"):
        value = value.strip()
        number_or_none = _number(value)
        if number_or_none is None or number_or_none not in by_number:
            form.errors.append(f"There is no candidate number {value[:10]} on this ballot; mark only those listed.")
            continue
        number = number_or_none
        if by_number[number].withdrawn:
            form.errors.append(f"{by_number[number].name} has withdrawn; you cannot vote for them.")
            continue
        if number in marks:
            form.errors.append(f"{by_number[number].name} is marked twice.")
            continue
        marks.append(number)
        form.values[number] = "x"
    if not form.errors and not marks and not allow_empty:
        form.errors.append(
            "Your paper is empty: choose one option." if max_choices == 1 else "Your paper is empty: tick a candidate."
        )
    if not form.errors and len(marks) > max_choices:
        form.errors.append(
            f"Too many marks: you may choose at most {max_choices}; you ticked {len(marks)}. Untick "
            f"{len(marks) - max_choices}."
        )
    if not form.errors:
        form.paper = sorted(marks)
    return form
