"""The one entry point: `count(profile, rule)` picks the method module and runs it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from omov.count.constraints import Constraints
from omov.count.errors import CountError
from omov.count.profile import Profile
from omov.count.result import Count
from omov.count.rules import Rule, preset
from omov.count.ties import Lot

ProgressFn = Callable[[int, int], None]
FILE_NOTE = "Ballot file: "  # starts each note that repeats a warning of the ballot file's reader

# method -> module in omov.count.methods that carries it out
METHOD_MODULES = {
    "fptp": "plurality",
    "bloc": "plurality",
    "approval": "plurality",
    "irv": "irv",
    "scottish": "scottish",
    "wigm": "wigm",
    "ers97": "ers97",
    "meek": "meek",
}


class MethodModule(Protocol):
    def run(self, profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None) -> Count:
        ...


def count(
    profile: Profile,
    rule: Rule | str,
    *,
    seats: int | None = None,
    seed: str | int | None = None,
    progress: ProgressFn | None = None,
) -> Count:
    """Count `profile` under `rule` (a Rule or a preset's name) and return the whole count sheet.

    Seats come from the argument, else the rule, else the profile (a BLT header). `seed` drives any draw by
    lot and is printed on the sheet; without one a fresh seed is drawn. Constraints that the candidates
    standing cannot meet are refused here, for every method, before anything is counted.
    """
    if isinstance(rule, str):
        rule = preset(rule)
    n_seats = seats or rule.seats or profile.seats
    if n_seats is None:
        raise CountError("how many seats? give --seats, or use a ballot file whose header says")
    if n_seats < 1:
        raise CountError(f"the number of seats must be at least 1 (got {n_seats})")
    try:
        module_name = METHOD_MODULES[rule.method]
    except KeyError:
        raise CountError(f"unknown counting method {rule.method!r}") from None
    if seed is not None and not str(seed).isprintable():
        # the seed is printed on the sheet and typed in again to re-run the count: it must be visible text
        raise CountError(f"the seed must be printable text, without control characters (got {seed!r})")
    if rule.constraints:
        cons = Constraints(rule.constraints, profile.names, n_seats)
        standing = [i for i, c in enumerate(profile.candidates) if not c.withdrawn]
        if not cons.feasible([], standing):
            raise CountError(
                f"the constraints cannot all be met by the candidates standing for {n_seats} seat(s): "
                + "; ".join(cons.describe(profile.names))
                + "; change the constraints (or the seats) before counting"
            )
    module: MethodModule = importlib.import_module(f"omov.count.methods.{module_name}")
    result = module.run(profile, rule, seats=n_seats, lot=Lot(seed), progress=progress)
    return with_ballot_file(result, profile)


def with_ballot_file(result: Count, profile: Profile) -> Count:
    """The count with what its ballot file said beyond the papers: the parties beside the names, and a note for
    every variant of the format the reader accepted (Profile.warnings), before the count's own notes."""
    parties = profile.parties if any(profile.parties) else ()
    if not parties and not profile.warnings:
        return result
    notes = tuple(FILE_NOTE + w for w in profile.warnings)
    return replace(result, parties=parties, notes=notes + result.notes)


def file_warnings(result: Count) -> tuple[str, ...]:
    """The ballot file's warnings among the count's notes (what `omov count` repeats on stderr)."""
    return tuple(n[len(FILE_NOTE):] for n in result.notes if n.startswith(FILE_NOTE))
