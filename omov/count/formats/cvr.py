"""What the cast-vote-record readers share (NIST CDF, ES&S, Dominion): the rules that turn a paper's marks,
rank by rank, into one ranking, and the bookkeeping of candidates, papers and notes.

A cast vote record gives, for each rank, the choices marked at it: none (a skipped rank, an "undervote"), one, or
several (an "overvote"). `CvrRules` says what a skipped rank, an overvote and a candidate ranked twice do, with
the options RCTab documents for the same questions (its "Overvote Rule", "How Many Consecutive Skipped Ranks Are
Allowed" and "Exhaust on Multiple Ranks for the Same Candidate"), and `resolve` applies them, paper by paper, as
the file is read. RCTab's third overvote rule, "exhaust if multiple continuing", depends on which candidates are
still in the count at the round the overvote is reached, which a profile (a ranking a paper) cannot hold: it is
refused with a message saying so.

omov's defaults: an overvote exhausts the paper (the preferences before it count), skipped ranks are passed over
however many there are, and a candidate ranked again is passed over. docs/formats.md states them.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from omov.count.errors import CountError
from omov.count.profile import MAX_PAPERS, Candidate, Profile, too_many_papers

OVERVOTE = "\x00overvote"  # a rank the file itself marks as overvoted (ES&S "overvote"), whoever the choices were
OVERVOTE_RULES = ("exhaust", "skip")
DUPLICATE_RULES = ("skip", "exhaust")
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class CvrRules:
    """How a cast vote record's marks become a ranking (RCTab's names in brackets).

    overvote: "exhaust" (Exhaust immediately): the paper stops at a rank with more than one candidate, the ranks
        before it count; "skip" (Always skip to next rank): that rank is passed over.
    skipped: the most consecutive skipped ranks a paper may have before a later choice (Maximum skipped ranks
        allowed), counted from rank 1; None for any number. Past it the paper stops there.
    duplicate: "skip": a candidate ranked again is passed over; "exhaust" (Exhaust on multiple ranks for the same
        candidate): the paper stops at the repeat.
    contest: the contest to read from a file that holds several (its id or its name).
    """

    overvote: str = "exhaust"
    skipped: int | None = None
    duplicate: str = "skip"
    contest: str | None = None

    def __post_init__(self) -> None:
        if self.overvote not in OVERVOTE_RULES:
            extra = ""
            if self.overvote.replace("-", "_").replace(" ", "_").lower() in {
                "exhaust_if_multiple_continuing", "exhaust_if_multiple", "exhaustifmultiplecontinuing",
            }:
                extra = (
                    " (RCTab's 'exhaust if multiple continuing' depends on which candidates are still in the count "
                    "at each round, which a ballot file of rankings cannot hold)"
                )
            raise CountError(f"unknown overvote rule {self.overvote!r}; choose exhaust or skip{extra}")
        if self.duplicate not in DUPLICATE_RULES:
            raise CountError(f"unknown duplicate rule {self.duplicate!r}; choose skip or exhaust")
        if self.skipped is not None and self.skipped < 0:
            raise CountError(f"the skipped ranks allowed cannot be negative (got {self.skipped})")


@dataclass
class Tally:
    """What a reader met on the way, for `omov convert` to report: nothing here changes the profile."""

    overvotes: int = 0
    exhausted_by_skips: int = 0
    duplicates: int = 0
    write_ins: int = 0
    ids: int = 0
    not_in_contest: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self, rules: CvrRules) -> list[str]:
        out = list(self.notes)
        if self.overvotes:
            how = "stopped there" if rules.overvote == "exhaust" else "had that rank passed over"
            out.append(f"{self.overvotes:,} paper(s) with an overvote {how} (overvote rule: {rules.overvote})")
        if self.exhausted_by_skips:
            out.append(
                f"{self.exhausted_by_skips:,} paper(s) stopped after more than {rules.skipped} consecutive skipped "
                "rank(s)"
            )
        if self.duplicates:
            out.append(f"{self.duplicates:,} paper(s) ranked a candidate twice (duplicate rule: {rules.duplicate})")
        if self.write_ins:
            out.append(f"{self.write_ins:,} paper(s) rank a write-in, counted as a candidate of its own")
        if self.ids:
            out.append(f"the record ids of {self.ids:,} paper(s) are not kept: a profile groups identical papers")
        if self.not_in_contest:
            out.append(f"{self.not_in_contest:,} record(s) do not have this contest and are not papers of it")
        return out


def resolve(slots: Iterable[Sequence[str]], rules: CvrRules, tally: Tally | None = None) -> tuple[str, ...]:
    """One paper's ranking from the choices at each rank (rank 1 first), under the rules."""
    out: list[str] = []
    skipped = 0
    seen_over = seen_dup = False
    for slot in slots:
        choices = list(dict.fromkeys(slot))  # one candidate marked twice at one rank is one choice
        if not choices:
            skipped += 1
            continue
        if rules.skipped is not None and skipped > rules.skipped:
            if tally is not None:
                tally.exhausted_by_skips += 1
            break
        skipped = 0
        if len(choices) > 1 or choices[0] == OVERVOTE:
            seen_over = True
            if rules.overvote == "exhaust":
                break
            continue
        name = choices[0]
        if name in out:
            seen_dup = True
            if rules.duplicate == "exhaust":
                break
            continue
        out.append(name)
    if tally is not None:
        tally.overvotes += seen_over
        tally.duplicates += seen_dup
    return tuple(out)


class Papers:
    """Rankings of names grouped as they come, with the candidates in the order given, then of first appearance."""

    def __init__(self, names: Iterable[str] = (), *, source: str) -> None:
        self.source = source
        self.index: dict[str, int] = {}
        self.names: list[str] = []
        for n in names:
            self.candidate(n)
        self.grouped: dict[tuple[int, ...], int] = {}
        self.total = 0

    def candidate(self, name: str) -> int:
        c = self.index.get(name)
        if c is None:
            c = self.index[name] = len(self.names)
            self.names.append(name)
        return c

    def add(self, ranking: Sequence[str], weight: int = 1, *, line: int | None = None) -> None:
        self.total += weight
        if self.total > MAX_PAPERS:
            raise too_many_papers(source=self.source, line=line)
        key = tuple(self.candidate(n) for n in ranking)
        self.grouped[key] = self.grouped.get(key, 0) + weight

    def profile(
        self, *, seats: int | None = None, title: str = "", parties: dict[str, str] | None = None
    ) -> Profile:
        if not self.names:
            raise CountError("the file names no candidates for this contest", source=self.source)
        return Profile(
            tuple(_candidate(n, (parties or {}).get(n, "")) for n in self.names),
            tuple(self.grouped),
            tuple(self.grouped.values()),
            seats=seats,
            title=title,
        )


def holds_parties() -> bool:
    """Whether omov's Candidate has a party (a later addition to the profile)."""
    return "party" in {f.name for f in fields(Candidate)}


def _candidate(name: str, party: str) -> Candidate:
    extra: dict[str, Any] = {"party": party} if party and holds_parties() else {}
    return Candidate(name, **extra)


def clean(name: str) -> str:
    """A name as omov keeps it: runs of white space collapsed."""
    return " ".join(name.split())


def unique(names: Sequence[str], ids: Sequence[str]) -> list[str]:
    """Names made unique: a name that repeats gets its id in brackets (then a number, if that repeats too)."""
    out: list[str] = []
    seen: set[str] = set()
    for name, ident in zip(names, ids, strict=True):
        candidate = name or f"Candidate {ident}"
        if names.count(name) > 1 or candidate in seen:
            candidate = f"{candidate} ({ident})"
        k = 2
        base = candidate
        while candidate in seen:
            candidate = f"{base} {k}"
            k += 1
        seen.add(candidate)
        out.append(candidate)
    return out


def load_json(text: str, source: str) -> Any:
    """The JSON document in `text`, or a CountError naming the file and line where it stops being JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CountError(f"not valid JSON: {exc.msg} (column {exc.colno})", source=source, line=exc.lineno) from None
    except ValueError:
        long = re.search(f"[0-9]{{{max(sys.get_int_max_str_digits(), 1)},}}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else None
        raise CountError(
            "a number in the file is far too large (thousands of digits)", source=source, line=line
        ) from None
    except RecursionError:
        raise CountError("the JSON is nested too deeply", source=source, line=1) from None


class Path_:
    """A JSON path for messages: `CVR[3].CVRSnapshot[0].CVRContest[1]`."""

    def __init__(self, source: str, parts: str = "") -> None:
        self.source = source
        self.parts = parts

    def __truediv__(self, key: str | int) -> Path_:
        if isinstance(key, int):
            return Path_(self.source, f"{self.parts}[{key}]")
        return Path_(self.source, f"{self.parts}.{key}" if self.parts else key)

    def __str__(self) -> str:
        return self.parts or "the top level"

    def error(self, message: str) -> CountError:
        return CountError(f"{self}: {message}", source=self.source)

    # typed getters: each names the path and what was expected ----------------------------------------------

    def obj(self, value: Any, what: str = "an object") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(f"expected {what}, found {_shown(value)}")
        return value

    def items(self, value: Any, what: str = "a list") -> list[Any]:
        if value is None:
            return []
        if isinstance(value, dict):  # an XML-to-JSON habit: a list of one written as the one
            return [value]
        if not isinstance(value, list):
            raise self.error(f"expected {what}, found {_shown(value)}")
        return value

    def text(self, value: Any, what: str = "text") -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.error(f"expected {what}, found {_shown(value)}")
        return str(value)

    def whole(self, value: Any, what: str = "a whole number", minimum: int = 0) -> int:
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(f"expected {what}, found {_shown(value)}")
        return value


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def pick_contest(
    contests: Sequence[tuple[str, str]], wanted: str | None, *, source: str, what: str = "contest"
) -> int:
    """The index of the contest to read: the one named by `wanted` (id, or name ignoring case), else the only one."""
    listing = "; ".join(f"{ident} ({name})" if name and name != ident else ident for ident, name in contests)
    if not contests:
        raise CountError(f"the file has no {what}", source=source)
    if wanted is None:
        if len(contests) == 1:
            return 0
        raise CountError(
            f"the file has {len(contests)} contests; name the one to read (--contest ID or NAME): {listing}",
            source=source,
        )
    by_id = [i for i, (ident, _) in enumerate(contests) if ident == wanted]
    if len(by_id) == 1:
        return by_id[0]
    folded = clean(wanted).casefold()
    by_name = [i for i, (_, name) in enumerate(contests) if clean(name).casefold() == folded]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise CountError(f"more than one contest is called {wanted!r}; give its id: {listing}", source=source)
    raise CountError(f"no contest {wanted!r} in the file; the contests are: {listing}", source=source)


__all__ = ["OVERVOTE", "CvrRules", "Papers", "Tally", "clean", "load_json", "pick_contest", "resolve", "unique"]
