"""The CSV layout of MGGG's scot-elex collection of Scottish council elections (format name `scot`), which
VoteKit reads with `load_scottish`:

    5,3                                   the number of candidates, the number of seats
    120,2,1,4,                            a weight (how many papers), then candidates' numbers in order of preference
    38,5,                                 (numbered from 1; no closing 0; empty cells at the end are common)
    "Candidate 1","Ann Example","Green"   one row a candidate, in the order of their numbers: label, name, party
    ...
    "Ward 4 - Riverside"                  the last row: the ward, which is the election's title

The label is `Candidate` or `Candidate N`, N the candidate's number; the party may be left out (omov writes
none for a candidate without one, but VoteKit needs one on every row). Parties go to `Candidate.party`, the ward
to `Profile.title`.

Text is read as the BLT reader reads it (UTF-8, a byte-order mark dropped, UTF-16 with its mark, else Latin-1),
and the unusual things it accepts are named in `Profile.warnings`: the encoding, CRLF line ends, a blank cell
between preferences (a skipped preference: later ones move up), and a ward row that is not one CSV cell (the
collection's own files have some quoted twice over, `""Ward 11 - Bishopton, ..."",`; the row is then read as
the whole line without its outer quotes). Everything else that does not fit is a CountError naming the file and
the line: no header row, a header that is not two whole numbers, a header whose number of candidates is not the
number of `Candidate` rows, a weight that is not a whole number, a preference that is not a candidate's number or
names one twice, an equal ranking (the layout has none), a blank name, a missing ward row.

`write_scot` writes the layout back: it has no place for withdrawn candidates or papers rejected outright
(`omov convert` says so); a missing number of seats is written as 1; names that a spreadsheet would run as
formulas get a leading `'` (omov.count.formats.csv_safety), which the reader takes off.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable

from omov.count.digits import is_whole, shown, whole
from omov.count.errors import CountError
from omov.count.formats.blt import Warnings
from omov.count.formats.csv_safety import neutralise, restore
from omov.count.profile import MAX_PAPERS, Candidate, Profile, too_many_papers

ProgressFn = Callable[[int, int], None]

_LABEL = re.compile(r"candidate(?:\s*([0-9]{1,9}))?", re.IGNORECASE)
_LINE_END = re.compile(r"\r\n|\r|\n")
# a paper row of digits and commas only, each number short enough to be in range (a weight of at most 18 digits
# is at most MAX_PAPERS); other rows go cell by cell
_PLAIN = re.compile(r"[0-9]{1,18}(?:,[0-9]{1,9})*,*")


def _cells(raw: str) -> list[str]:
    """A line's cells; a line with a quote is read as CSV (a quote left open is a csv.Error)."""
    if '"' not in raw:
        cells = raw.split(",")
    else:
        cells = next(csv.reader([raw], strict=True), [])
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _label(cells: list[str]) -> re.Match[str] | None:
    """The label of a candidate's row (`Candidate` or `Candidate N`) when the row starts with one."""
    return _LABEL.fullmatch(cells[0].strip()) if cells else None


def _text(cell: str) -> str:
    return " ".join(restore(cell).split())


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _count_of(cell: str, what: str, source: str, line: int) -> int:
    """A whole number of at least 1 (the header's counts)."""
    try:
        value = whole(cell, what=f"expected {what}")
    except ValueError as exc:
        raise CountError(f"the first row gives the number of candidates, then of seats: {exc}", source=source,
                         line=line) from None
    if value < 1:
        raise CountError(f"{what} must be at least 1 (got {value})", source=source, line=line)
    return value


def _weight(cell: str, source: str, line: int) -> int:
    if not cell.strip():
        raise CountError("the row starts with a blank cell; expected a paper's weight (how many papers)", source=source,
                         line=line)
    if cell.startswith("-") and is_whole(cell[1:]):
        raise CountError(f"a paper's weight cannot be negative ({shown(cell)})", source=source, line=line)
    try:
        value = whole(cell, what="expected a paper's weight (a whole number of papers)")
    except ValueError as exc:
        raise CountError(str(exc), source=source, line=line) from None
    if value > MAX_PAPERS:
        raise CountError(f"the weight {shown(cell)} is too large (at most {MAX_PAPERS} papers)", source=source,
                         line=line)
    return value


def _ranking(cells: list[str], ncand: int, source: str, line: int, notes: Warnings) -> tuple[int, ...]:
    """A paper row's preferences (the cells after the weight) as 0-based candidate indices."""
    ranking: list[int] = []
    seen: set[int] = set()
    for cell in cells:
        if not cell.strip():
            notes.add("blank", "a blank cell between a paper's preferences: read as a skipped preference (later "
                      "preferences move up)", line)
            continue
        if not is_whole(cell):
            if "=" in cell:
                raise CountError(f"{shown(cell)} is an equal ranking, which this layout cannot hold; give one "
                                 "candidate's number a cell", source=source, line=line)
            raise CountError(f"expected a candidate's number (1 to {ncand}), found {shown(cell)}", source=source,
                             line=line)
        n = int(cell) if len(cell.lstrip("0")) <= len(str(ncand)) else ncand + 1
        if n == 0:
            raise CountError("preference 0: candidates are numbered from 1, and this layout has no closing 0",
                             source=source, line=line)
        if n > ncand:
            raise CountError(f"the paper ranks candidate {shown(cell)}, but there are only {ncand} candidates",
                             source=source, line=line)
        if n in seen:
            raise CountError(f"the paper ranks candidate {n} twice", source=source, line=line)
        seen.add(n)
        ranking.append(n - 1)
    return tuple(ranking)


def _plain_ranking(prefs: str, ncand: int, known: dict[str, tuple[int, ...]]) -> bool:
    """Are `prefs` (digits and commas) candidates' numbers, each in range and once? If so, note the ranking."""
    nums = [int(x) for x in prefs.split(",")] if prefs else []
    if nums and (min(nums) < 1 or max(nums) > ncand or len(set(nums)) != len(nums)):
        return False
    known[prefs] = tuple(n - 1 for n in nums)
    return True


def _ward(raw: str, line: int, notes: Warnings) -> str:
    """The last row: the ward's name, one cell; anything else is read as the whole line without outer quotes."""
    try:
        cells = _cells(raw)
    except csv.Error:
        cells = []
        shaped = False
    else:
        shaped = sum(1 for c in cells if c.strip()) <= 1
    if shaped:
        return _text(next((c for c in cells if c.strip()), ""))
    text = raw.strip().rstrip(", \t").strip('" \t').replace('""', '"')
    title = " ".join(text.split())
    notes.add("ward", f"the ward row is not one CSV cell (quoted twice over, or a comma outside quotes): read as the "
              f"whole line without its outer quotes, {title!r}", line)
    return title


def parse_scot(
    text: str, *, source: str = "<scot>", progress: ProgressFn | None = None, warnings: Iterable[str] = ()
) -> Profile:
    """Parse scot-elex CSV text into a Profile; any problem is a CountError naming the line.

    `warnings` are notes already made about the file (its encoding: see omov.count.formats.blt.decode_noting).
    """
    notes = Warnings(warnings)
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.add("bom", "the text starts with a byte-order mark; ignored")
    if "\r" in text:
        notes.add("crlf", "Windows line endings (CRLF)" if "\r\n" in text else "carriage-return line endings")
    lines = _LINE_END.split(text)
    total = len(lines)
    filled = [i for i, raw in enumerate(lines) if raw.strip(" \t,")]  # 0-based; line numbers are i + 1
    if not filled:
        raise CountError("the file is empty; it should start with a row of two numbers: candidates, seats",
                         source=source, line=1)

    def cells_at(i: int) -> list[str]:
        try:
            return _cells(lines[i])
        except csv.Error as exc:
            raise CountError(f"cannot read the row as CSV: {exc}", source=source, line=i + 1) from None

    head = filled[0]
    header = cells_at(head)
    if len(header) != 2:
        raise CountError(f"the first row should be two numbers, the candidates and the seats; it has {len(header)} "
                         "cells", source=source, line=head + 1)
    ncand = _count_of(header[0], "the number of candidates", source, head + 1)
    seats = _count_of(header[1], "the number of seats", source, head + 1)
    if len(filled) == 1:
        raise CountError(f"the file ends after its first row; expected the papers, {ncand} 'Candidate' rows and the "
                         "ward's name", source=source, line=head + 1)

    last = filled[-1]
    try:
        last_cells = _cells(lines[last])
    except csv.Error:
        last_cells = []
    if len(last_cells) >= 2 and _label(last_cells):  # a lone "Candidate 3" is a ward so called
        raise CountError("the file ends with a 'Candidate' row; the last row should be the ward's name",
                         source=source, line=last + 1)
    # the candidates' rows: the run of labelled rows just before the ward row
    first = len(filled) - 1  # index into `filled` of the first candidate's row
    cand_cells: list[list[str]] = []
    while first > 1:
        cells = cells_at(filled[first - 1])
        if not _label(cells):
            break
        cand_cells.append(cells)
        first -= 1
    cand_cells.reverse()
    if len(cand_cells) != ncand:
        where = filled[first] + 1
        raise CountError(
            f"the first row (line {head + 1}) says {ncand} candidates, but {len(cand_cells)} 'Candidate' rows come "
            "before the ward row",
            source=source,
            line=where,
        )
    candidates: list[Candidate] = []
    seen: dict[str, int] = {}
    for k, (cells, i) in enumerate(zip(cand_cells, filled[first:-1], strict=True), 1):
        label = _label(cells)
        assert label is not None
        if label.group(1) is not None and int(label.group(1)) != k:
            raise CountError(f"this row is labelled {cells[0].strip()!r}, but it is the {_ordinal(k)} candidate's "
                             f"row; the rows must be in the order of the candidates' numbers", source=source,
                             line=i + 1)
        if len(cells) < 2:
            raise CountError(f"candidate {k}'s row has no name", source=source, line=i + 1)
        if len(cells) > 3:
            raise CountError(f"a candidate's row has {len(cells)} cells; expected 'Candidate', the name and the "
                             "party", source=source, line=i + 1)
        name = _text(cells[1])
        if not name:
            raise CountError(f"candidate {k}'s name is blank", source=source, line=i + 1)
        if name in seen:
            raise CountError(f"candidate {k} has the same name as candidate {seen[name]}: {name!r}", source=source,
                             line=i + 1)
        seen[name] = k
        party = _text(cells[2]) if len(cells) > 2 else ""
        candidates.append(Candidate(name, party=party))
    title = _ward(lines[last], last + 1, notes)

    # Plain rows are grouped by the text of their preferences, each text read once (real files hold thousands
    # of rows); any other row is read cell by cell, which says what is wrong with it.
    grouped: dict[str | tuple[int, ...], int] = {}
    known: dict[str, tuple[int, ...]] = {}
    papers = 0
    tick = max(1, total // 200)
    plain = _PLAIN.fullmatch
    for i in filled[1:first]:
        raw = lines[i]
        key: str | tuple[int, ...] | None = None
        if plain(raw):
            w, _, prefs = raw.rstrip(",").partition(",")
            if prefs in known or _plain_ranking(prefs, ncand, known):
                key, weight = prefs, int(w)
        if key is None:
            cells = cells_at(i)
            if _label(cells):
                raise CountError("a 'Candidate' row among the papers: the candidates' rows come together after the "
                                 "papers, just before the ward's name", source=source, line=i + 1)
            weight = _weight(cells[0] if cells else "", source, i + 1)
            key = _ranking(cells[1:], ncand, source, i + 1, notes)
        papers += weight
        if papers > MAX_PAPERS:
            raise too_many_papers(source=source, line=i + 1)
        grouped[key] = grouped.get(key, 0) + weight
        if progress is not None and i % tick == 0:
            progress(i + 1, total)
    rankings: dict[tuple[int, ...], int] = {}  # the same ranking read both ways is one, at its first place
    for key, weight in grouped.items():
        ranking = known[key] if isinstance(key, str) else key
        rankings[ranking] = rankings.get(ranking, 0) + weight
    if progress is not None:
        progress(total, total)
    return Profile(tuple(candidates), tuple(rankings), tuple(rankings.values()), seats=seats, title=title,
                   warnings=notes.lines())


def write_scot(profile: Profile) -> str:
    """The profile in the scot-elex CSV layout (withdrawn candidates written as ordinary ones, no invalid papers;
    names, parties and the title on one line each, runs of spaces collapsed)."""
    if not profile.candidates:
        raise CountError("the scot layout needs at least one candidate")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    out.write(f"{len(profile.candidates)},{profile.seats or 1}\n")
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        out.write(",".join([str(weight), *(str(c + 1) for c in ranking)]) + "\n")
    for k, c in enumerate(profile.candidates, 1):
        name = " ".join(c.name.split())
        if not name:
            raise CountError(f"candidate {k}'s name is blank; the scot layout needs a name for every candidate")
        party = " ".join(c.party.split())
        w.writerow([f"Candidate {k}", neutralise(name), *([neutralise(party)] if party else [])])
    w.writerow([neutralise(" ".join(profile.title.split()))])
    return out.getvalue()


__all__ = ["parse_scot", "write_scot"]
