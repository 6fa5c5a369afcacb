"""Weighted inclusive Gregory method (WIGM), parametric: the Scottish procedure with its choices as options.

The procedure is that of the Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1,
rules 45-52 (its text, clause by clause, is in `omov/count/methods/scottish.py`; the clause numbers appear
in comments in `omov/count/methods/_gregory.py`), for organisations whose rules use a weighted inclusive
Gregory count with different details:

  1. First stage (cf. rule 45): valid papers sorted by first preference, one vote each.
  2. Quota (cf. rule 46), from `rule.quota`:
       "droop"        floor(valid papers / (seats + 1)) + 1 (the Scottish quota);
       "droop-exact"  valid papers / (seats + 1), rounded up to `rule.decimals` places (exact if None);
       "hare"         valid papers / seats, rounded up likewise.
     A candidate whose votes equal or exceed the quota is elected (cf. rule 47); never more than the
     vacancies left (any further candidate at the quota is noted and stays continuing).
  3. Surplus (cf. rules 48-49): all papers of the elected candidate are transferred, each at
     surplus x value when received / total votes; highest surplus first; equal surpluses by `rule.ties`.
  4. Exclusion (cf. rules 50-51): one candidate at a time, the lowest; papers keep their values; equal
     lowest by `rule.ties`.
  5. Last vacancies (cf. rule 52): continuing candidates as many as the vacancies are elected.

Options honoured
  - `rule.quota`: "droop", "droop-exact" or "hare" (anything else is a CountError).
  - `rule.decimals`: places for transfer values and totals (integers scaled by 10**decimals); None for exact
    rational arithmetic (no rounding at all).
  - `rule.extra["rounding"]`: "down" (default: remainders ignored, as rule 48(3)) or "nearest" (half up).
  - `rule.ties`: any sequence of "backwards", "forwards", "lot" (see omov.count.ties); the preset's is the
    Scottish one (backwards, then lot).
  - `rule.extra["empty_papers"]`: "invalid" (default: a paper without a first preference is rejected and not
    counted in the quota) or "non-transferable" (valid, counted in the quota, non-transferable from the start).
  - `rule.constraints`: group minimums/maximums, applied as in `scottish` (see omov.count.constraints).
  - Withdrawn candidates are skipped on every paper.
Options not honoured (they belong to other methods): `batch_exclusion`, `max_marks`, `allow_equal_rankings`,
the Meek settings; a rule that sets batch exclusion or equal rankings is refused with a CountError.
"""

from __future__ import annotations

from typing import Any

from omov.count.errors import CountError
from omov.count.methods._gregory import GregoryCount, GregoryOptions, ProgressFn
from omov.count.profile import Profile
from omov.count.result import Count
from omov.count.rules import Rule
from omov.count.ties import Lot

CITES = {
    "quota": "quota",
    "empty": "no first preference",
}


def options_for(rule: Rule) -> GregoryOptions:
    """The `GregoryOptions` a rule asks for, checked; an unusable option is a CountError saying which."""
    if rule.quota not in {"droop", "droop-exact", "hare"}:
        raise CountError(f"the wigm method needs a quota of droop, droop-exact or hare (got {rule.quota!r})")
    if rule.decimals is not None and not 0 <= rule.decimals <= 18:
        raise CountError(f"decimals must be between 0 and 18, or None for exact fractions (got {rule.decimals})")
    extra: dict[str, Any] = dict(rule.extra)
    rounding = extra.get("rounding", "down")
    if rounding not in {"down", "nearest"}:
        raise CountError(f"rounding must be 'down' or 'nearest' (got {rounding!r})")
    empty = extra.get("empty_papers", "invalid")
    if empty not in {"invalid", "non-transferable"}:
        raise CountError(f"empty_papers must be 'invalid' or 'non-transferable' (got {empty!r})")
    for method in rule.ties:
        if method not in {"backwards", "forwards", "lot"}:
            raise CountError(f"unknown tie-break method {method!r}; use backwards, forwards or lot")
    if rule.batch_exclusion:
        raise CountError("the wigm method excludes one candidate at a time; turn batch_exclusion off")
    if rule.allow_equal_rankings:
        raise CountError("the wigm method needs strict rankings; turn allow_equal_rankings off")
    return GregoryOptions(
        quota=rule.quota,
        decimals=rule.decimals,
        rounding="nearest" if rounding == "nearest" else "down",
        ties=tuple(rule.ties),
        empty_papers="non-transferable" if empty == "non-transferable" else "invalid",
        cite=CITES,
    )


def run(profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None) -> Count:
    """Count `profile` by the weighted inclusive Gregory method with the rule's options."""
    return GregoryCount(profile, rule, options_for(rule), seats=seats, lot=lot, progress=progress).run()
