"""ES&S-style cast vote records as CSV, the layout RCTab reads from ES&S exports (saved from Excel as CSV).

    Cast Vote Record,Precinct,Ballot Style,Mayor 1st Choice,Mayor 2nd Choice,Mayor 3rd Choice
    1,North 1,Style 2,Ann,Bob,undervote
    2,North 1,Style 2,overvote,Cat,Ann
    3,South 4,Style 1,write-in,undervote,undervote

One row a paper. The columns before the first rank column (a record id, the precinct, the ballot style) are kept
by ES&S and ignored here. A rank column is headed "<contest> 1st Choice", "<contest> Choice 1" or "Rank 1"
(any case); a file with the columns of several contests is read for one of them (`CvrRules.contest`, the text
before the rank). Each cell names the candidate marked at that rank, or says "undervote" (or is blank: nothing
marked), "overvote" (more than one mark) or "write-in" (a write-in, counted as a candidate "Write-in"); a cell
with several names on separate lines is an overvote too. `CvrRules` says what overvotes, skipped ranks and a
candidate ranked twice do.

The candidates are the names that appear, in order of first appearance: ES&S files list no others, so a
candidate nobody ranked is not on the ballot, and there is no place for seats, withdrawn candidates or papers
rejected outright. The contest's label (the text before "1st Choice") is the profile's title.

`write_ess` writes one row a paper with sequential record ids; names a spreadsheet would run as formulas get a
leading "'" (omov.count.formats.csv_safety), which the reader takes off again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence

from omov.count.errors import CountError
from omov.count.formats.csv_safety import neutralise_row, restore
from omov.count.formats.cvr import OVERVOTE, CvrRules, Papers, Tally, clean, pick_contest, resolve
from omov.count.profile import Profile

ProgressFn = Callable[[int, int], None]

_ORDINAL = re.compile(r"^(.*?)\s*\b([0-9]{1,4})(?:st|nd|rd|th)\s+choice\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(.*?)\s*\b(?:choice|rank)\s*#?\s*([0-9]{1,4})\s*$", re.IGNORECASE)
_ID_HEADERS = {"cast vote record", "cvr", "cvr id", "cvr number", "record id", "ballot id"}
UNDERVOTE_CELLS = {"", "undervote"}
OVERVOTE_CELLS = {"overvote"}
WRITE_IN_CELLS = {"write-in", "writein", "write in", "uwi"}
WRITE_IN = "Write-in"


def rank_column(cell: str) -> tuple[str, int] | None:
    """(contest label, rank) if a header cell heads a rank column, else None."""
    m = _ORDINAL.match(cell) or _NUMBERED.match(cell)
    if m is None or int(m.group(2)) < 1:
        return None
    return clean(m.group(1)), int(m.group(2))


def looks_like_ess(header: Sequence[str]) -> bool:
    """Whether a CSV header row is an ES&S cast vote record header rather than omov's own CSV."""
    cells = [clean(h) for h in header]
    ranks = [rank_column(c) for c in cells]
    if not any(ranks):
        return False
    if cells and cells[0].casefold() in _ID_HEADERS:
        return True
    if any(_ORDINAL.match(c) for c in cells):
        return True
    # rank columns beside columns omov's CSV would not have (precinct, ballot style...): ES&S
    others = [c for c, r in zip(cells, ranks, strict=True) if r is None and c.casefold() not in {"weight", "id", ""}]
    return bool(others)


def parse_ess(
    text: str,
    *,
    source: str = "<ess>",
    rules: CvrRules | None = None,
    tally: Tally | None = None,
    progress: ProgressFn | None = None,
) -> Profile:
    """Parse ES&S-style CSV cast vote records into a Profile of one contest."""
    rules = rules or CvrRules()
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines):
        raise CountError("the file is empty; expected a header row with rank columns", source=source)
    reader = csv.reader(io.StringIO("".join(lines[start:])), strict=True)

    def fail(message: str, line: int | None = None) -> CountError:
        return CountError(message, source=source, line=start + (reader.line_num if line is None else line))

    try:
        header = [clean(restore(h)) for h in next(reader)]
    except csv.Error as exc:
        raise fail(f"cannot read the header row: {exc}", 1) from None
    contests: dict[str, dict[int, int]] = {}
    for col, cell in enumerate(header):
        found = rank_column(cell)
        if found is None:
            continue
        label, rank = found
        ranks = contests.setdefault(label, {})
        if rank in ranks:
            raise fail(f"the header has two columns for rank {rank} of {label or 'the contest'!r}: {cell!r}", 1)
        ranks[rank] = col
    if not contests:
        raise fail("the header has no rank columns (expected '1st Choice', 'Choice 1' or 'Rank 1' headings)", 1)
    labels = list(contests)
    label = labels[pick_contest([(lb, lb) for lb in labels], rules.contest, source=source)]
    columns = contests[label]
    depth = max(columns)
    missing = [r for r in range(1, depth + 1) if r not in columns]
    if missing:
        raise fail(f"the header has no column for rank {missing[0]} of {label or 'the contest'!r}", 1)
    order = [columns[r] for r in range(1, depth + 1)]
    has_ids = bool(header) and header[0].casefold() in _ID_HEADERS

    papers = Papers(source=source)
    total = len(lines)
    tick = max(1, total // 200)
    width = len(header)
    try:
        for row in reader:
            line = start + reader.line_num
            if progress is not None and line % tick == 0:
                progress(line, total)
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                raise fail(f"the row has {len(row)} cells but the header has {width}")
            slots: list[list[str]] = []
            writein = False
            for col in order:
                cell = row[col] if col < len(row) else ""
                choices = [clean(restore(part)) for part in cell.split("\n")]
                choices = [c for c in choices if c]
                slot: list[str] = []
                for choice in choices:
                    folded = choice.casefold()
                    if folded in UNDERVOTE_CELLS:
                        continue
                    if folded in OVERVOTE_CELLS:
                        slot.append(OVERVOTE)
                    elif folded in WRITE_IN_CELLS:
                        slot.append(WRITE_IN)
                        writein = True
                    else:
                        slot.append(choice)
                slots.append(slot)
            if tally is not None:
                tally.write_ins += writein
                tally.ids += has_ids
            papers.add(resolve(slots, rules, tally), line=line)
    except csv.Error as exc:
        raise fail(f"cannot read the row: {exc}") from None
    if progress is not None:
        progress(total, total)
    if not papers.names:
        raise CountError(
            f"no paper ranks anyone in {label or 'the contest'!r}, so the file names no candidates", source=source
        )
    return papers.profile(title=label)


def write_ess(profile: Profile) -> str:
    """The profile as ES&S-style CSV: a record id, blank precinct and ballot style, then one column a rank."""
    for name in profile.names:
        folded = name.casefold()
        if folded in OVERVOTE_CELLS | UNDERVOTE_CELLS or (folded in WRITE_IN_CELLS and name != WRITE_IN):
            raise CountError(
                f"a candidate called {name!r} would read back as that marker, not a candidate; write this profile "
                "as CDF, JSON or BLT"
            )
    title = clean(profile.title)
    if rank_column(f"{title} 1st Choice") != (title, 1):
        raise CountError(f"the title {title!r} cannot head the rank columns; give the profile another title")
    depth = max((len(r) for r in profile.rankings), default=0) or 1
    prefix = f"{title} " if title else ""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    heads = [f"{prefix}{_ordinal(r)} Choice" for r in range(1, depth + 1)]
    w.writerow(["Cast Vote Record", "Precinct", "Ballot Style", *neutralise_row(heads)])
    safe = neutralise_row(profile.names)
    n = 0
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        cells = [safe[c] for c in ranking] + ["undervote"] * (depth - len(ranking))
        for _ in range(weight):
            n += 1
            w.writerow([n, "", "", *cells])
    return out.getvalue()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


__all__ = ["looks_like_ess", "parse_ess", "write_ess"]
