"""Ranked ballots as CSV, one paper (or one group of identical papers) a row. Two layouts, told by the header:

Rank layout: a header of candidate names; each cell holds the rank number the paper gives that candidate
(1 = first preference), blank for none. Gaps in the numbers are closed up (1, 3 reads as 1, 2). A cell of
"x" (or "X") is a mark without an order, for FPTP, bloc and approval papers; a paper may not mix marks with
numbers. Two candidates with the same number are equal rankings, refused unless the rule allows them.

    Ann,Bob,Cat,weight
    1,2,,3
    ,1,2,1

Ranking layout: a header of pref1, pref2, ... (also "preference 1", "rank1", "choice 1"); each cell holds the
name of the candidate at that preference. The candidates are the names that appear, in order of first
appearance, plus any named on a "# candidates:" line. A blank cell is a skipped preference.

    pref1,pref2,pref3,weight
    Ann,Bob,,3
    Bob,Cat,,1

Both: an optional `weight` column (a whole number of papers, default 1), an optional `id` column (ignored),
and optional lines before the header of the form "# key: value" for seats, title, withdrawn (names separated
by ";"), invalid and candidates (";"-separated). Text is UTF-8, else Latin-1 with undecodable bytes replaced.
`write_csv` neutralises names a spreadsheet would run as formulas ("=...", "@..." get a leading "'": see
omov.count.formats.csv_safety) and the reader restores them, so a written profile reads back the same.
Every problem is a CountError naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from omov.count.digits import whole
from omov.count.errors import CountError
from omov.count.formats.blt import decode
from omov.count.formats.csv_safety import neutralise_row, restore
from omov.count.profile import MAX_PAPERS, Candidate, Profile, too_many_papers

ProgressFn = Callable[[int, int], None]

# ASCII digits only (a str pattern's \d is any script's digit), and few enough for int()
_PREF = re.compile(r"^\s*(pref|preference|rank|choice)[\s_#.-]*([0-9]{1,9})\s*$", re.IGNORECASE)
_MARKS = {"x", "X", "\u2713", "\u2714", "\u2717"}
_META = re.compile(r"^#\s*([A-Za-z_]+)\s*:\s*(.*)$")
_SPECIAL = {"weight", "id", "ballot id", "ballot_id"}  # header cells that are not candidates


def _split_names(value: str) -> list[str]:
    return [" ".join(n.split()) for n in value.split(";") if n.strip()]


def parse_csv(
    text: str, *, source: str = "<csv>", allow_equal: bool = False, progress: ProgressFn | None = None
) -> Profile:
    """Parse CSV ballots (either layout) into a Profile."""
    lines = text.splitlines(keepends=True)
    meta: dict[str, str] = {}
    meta_line: dict[str, int] = {}
    start = 0
    while start < len(lines):
        raw = lines[start].strip()
        if not raw:
            start += 1
            continue
        if raw.startswith("#"):
            m = _META.match(raw)
            if m:
                meta[m.group(1).lower()] = m.group(2).strip()
                meta_line[m.group(1).lower()] = start + 1
            start += 1
            continue
        break
    if start >= len(lines):
        raise CountError("the file has no header row (candidate names, or pref1, pref2, ...)", source=source)

    reader = csv.reader(io.StringIO("".join(lines[start:])), strict=True)
    offset = start  # reader.line_num counts from the header
    try:
        header = [" ".join(restore(h).split()) for h in next(reader)]
        while header and not header[-1]:
            header.pop()  # spreadsheets often end rows with empty cells
    except csv.Error as exc:
        raise CountError(f"cannot read the header row: {exc}", source=source, line=offset + 1) from None

    def fail(message: str, line: int | None = None) -> CountError:
        return CountError(message, source=source, line=offset + (reader.line_num if line is None else line))

    lowered = [h.casefold() for h in header]
    if lowered.count("weight") > 1:
        # a candidate called "Weight" beside the weight column: which one holds the papers is anyone's guess
        raise fail("the header has more than one 'weight' column", 1)
    weight_col = lowered.index("weight") if "weight" in lowered else None
    skip = {i for i, h in enumerate(lowered) if h in _SPECIAL}
    columns = [i for i in range(len(header)) if i not in skip]
    if not columns:
        raise fail("the header names no candidates and no preference columns", 1)
    pref_match = [_PREF.match(header[i]) for i in columns]
    ranking_layout = all(pref_match)
    if any(pref_match) and not ranking_layout:
        odd = [header[i] for i, m in zip(columns, pref_match, strict=True) if not m]
        raise fail(f"the header mixes preference columns with other columns: {', '.join(odd)}", 1)

    names: list[str] = []
    index: dict[str, int] = {}
    if ranking_layout:
        order = sorted(columns, key=lambda i: int(_PREF.match(header[i]).group(2)))  # type: ignore[union-attr]
        for name in _split_names(meta.get("candidates", "")):
            if name not in index:
                index[name] = len(names)
                names.append(name)
    else:
        order = columns
        for i in columns:
            name = header[i]
            if not name:
                raise fail(f"column {i + 1} of the header is blank; it should name a candidate", 1)
            if name in index:
                raise fail(f"the header names {name!r} twice", 1)
            index[name] = len(names)
            names.append(name)

    grouped: dict[tuple[int, ...], int] = {}
    papers = 0  # the running total, held to MAX_PAPERS row by row
    total = len(lines)
    tick = max(1, total // 200)
    width = len(header)
    try:
        for row in reader:
            line = offset + reader.line_num
            if progress is not None and line % tick == 0:
                progress(line, total)
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) > width:
                extra = row[width:]
                if any(cell.strip() for cell in extra):
                    raise fail(f"the row has {len(row)} cells but the header has {width}")
            weight = 1
            if weight_col is not None:
                cell = row[weight_col].strip() if weight_col < len(row) else ""
                if cell:
                    if cell.startswith("-") and cell[1:].isdigit():
                        raise fail(f"the weight cannot be negative (found {cell})")
                    try:
                        weight = whole(cell, what="the weight must be a whole number of papers")
                    except ValueError as exc:
                        raise fail(str(exc)) from None
            papers += weight
            if papers > MAX_PAPERS:
                raise too_many_papers(source=source, line=line)
            if ranking_layout:
                ranking: list[int] = []
                for i in order:
                    cell = " ".join(restore(row[i]).split()) if i < len(row) else ""
                    if not cell:
                        continue
                    c = index.get(cell)
                    if c is None:
                        c = index[cell] = len(names)
                        names.append(cell)
                    if c in ranking:
                        raise fail(f"the paper names {cell!r} twice")
                    ranking.append(c)
                key = tuple(ranking)
            else:
                key = _ranks_to_ranking(row, order, header, allow_equal, fail)
            grouped[key] = grouped.get(key, 0) + weight
    except csv.Error as exc:
        raise fail(f"cannot read the row: {exc}") from None

    if not names:
        raise CountError("the file names no candidates", source=source)
    seats = None
    if meta.get("seats"):
        try:
            seats = whole(meta["seats"], what="'# seats:' must be a whole number")
        except ValueError as exc:
            raise CountError(str(exc), source=source, line=meta_line["seats"]) from None
    invalid = 0
    if meta.get("invalid"):
        try:
            invalid = whole(meta["invalid"], what="'# invalid:' must be a whole number")
        except ValueError as exc:
            raise CountError(str(exc), source=source, line=meta_line["invalid"]) from None
    withdrawn = set(_split_names(meta.get("withdrawn", "")))
    unknown = withdrawn - set(names)
    if unknown:
        raise CountError(f"'# withdrawn:' names {', '.join(sorted(unknown))}, not candidates", source=source)
    if progress is not None:
        progress(total, total)
    return Profile(
        tuple(Candidate(n, n in withdrawn) for n in names),
        tuple(grouped),
        tuple(grouped.values()),
        seats=seats,
        title=meta.get("title", ""),
        invalid=invalid,
    )


def _ranks_to_ranking(
    row: list[str],
    order: list[int],
    header: list[str],
    allow_equal: bool,
    fail: Callable[[str], CountError],
) -> tuple[int, ...]:
    ranked: list[tuple[int, int]] = []
    marked: list[int] = []
    for c, i in enumerate(order):
        cell = row[i].strip() if i < len(row) else ""
        if not cell:
            continue
        if cell in _MARKS:
            marked.append(c)
            continue
        try:
            rank = whole(cell, what="expected a rank number or blank")
        except ValueError as exc:
            raise fail(f"{header[i]!r}: {exc}") from None
        if rank < 1:
            raise fail(f"{header[i]!r}: a rank must be 1 or more, found {rank}")
        ranked.append((rank, c))
    if marked and ranked:
        raise fail("the paper mixes marks (x) with rank numbers")
    if marked:
        return tuple(marked)
    ranked.sort()
    for (r1, c1), (r2, c2) in zip(ranked, ranked[1:], strict=False):
        if r1 == r2 and not allow_equal:
            raise fail(
                f"rank {r1} is given to both {header[order[c1]]!r} and {header[order[c2]]!r}; equal rankings "
                "are not allowed under this rule"
            )
    return tuple(c for _, c in ranked)


def read_csv(
    path: str, *, allow_equal: bool = False, progress: ProgressFn | None = None
) -> Profile:
    """Read a CSV ballot file into a Profile."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    return parse_csv(decode(data), source=str(path), allow_equal=allow_equal, progress=progress)


def write_csv(profile: Profile, *, layout: str = "ranks") -> str:
    """The profile as CSV text ("ranks": a column per candidate; "ranking": pref1, pref2, ...), with weights.

    The "# key: value" lines hold one line each, names separated by ";": a title's line breaks become spaces,
    and a name containing ";" that would have to go on such a line is refused (it would read back as two).
    """
    if layout == "ranks":
        special = [n for n in profile.names if n.casefold() in _SPECIAL or _PREF.match(n)]
        if special:
            raise CountError(
                f"a candidate called {special[0]!r} would be read back as a column of that name, not a candidate; "
                "write this profile with layout='ranking', or as JSON or BLT"
            )
    listed = [c.name for c in profile.candidates if c.withdrawn or layout == "ranking"]
    split = [n for n in listed if ";" in n]
    if split:
        raise CountError(
            f"the candidate name {split[0]!r} contains ';', which separates names in the CSV's '# withdrawn:' and "
            "'# candidates:' lines; write this profile as JSON or BLT instead"
        )
    out = io.StringIO()
    for key, value in (
        ("seats", "" if profile.seats is None else str(profile.seats)),
        ("title", " ".join(profile.title.split())),
        ("withdrawn", "; ".join(c.name for c in profile.candidates if c.withdrawn)),
        ("invalid", str(profile.invalid) if profile.invalid else ""),
    ):
        if value:
            out.write(f"# {key}: {value}\n")
    w = csv.writer(out, lineterminator="\n")
    names = profile.names
    safe = neutralise_row(names)  # no name may run as a spreadsheet formula; the reader restores them
    if layout == "ranks":
        w.writerow([*safe, "weight"])
        for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
            cells = [""] * len(names)
            for rank, c in enumerate(ranking, 1):
                cells[c] = str(rank)
            w.writerow([*cells, weight])
    elif layout == "ranking":
        out.write(f"# candidates: {'; '.join(names)}\n")
        depth = max((len(r) for r in profile.rankings), default=0) or 1
        w.writerow([*(f"pref{i}" for i in range(1, depth + 1)), "weight"])
        for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
            cells = [safe[c] for c in ranking] + [""] * (depth - len(ranking))
            w.writerow([*cells, weight])
    else:
        raise CountError(f"unknown CSV layout {layout!r}; choose ranks or ranking")
    return out.getvalue()
