"""Clear Ballot (ClearVote) cast vote records as CSV, the layout RCTab reads with its "clearBallot" provider.

    RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,
        Choice_1_1:Harbour Mayor:1:Vote For 1:Ilse Marr:NON,Choice_2_1:Harbour Mayor:1:Vote For 1:Oren Pike:NON,
        Choice_3_1:Harbour Mayor:2:Vote For 1:Ilse Marr:NON,Choice_4_1:Harbour Mayor:2:Vote For 1:Oren Pike:NON
    1,B-1,1,B-1+1,P1,3,Precinct,Scan-2,0,0,1,0,0,1

(the header is one line). One row a paper. A column is a "choice column" when its heading is six fields
separated by colons: `Choice_<id>_<n>`, the contest's name, the rank, the vote rule ("Vote For 1",
"Number of Winners 3"), the choice's name and its party ("NON" for none). Each paper's cell in it is 1 when the
paper marks that choice at that rank and 0 when not; a candidate so has a column for every rank. The other
columns (row number, box, ballot id, precinct, ballot style, scanner, status, remade) are read past.

A file holds the columns of every contest on the ballot; one contest is read (`CvrRules.contest`, its name).
Its candidates are the choice names, in the order their columns come (rank 1's block first, which is ballot
order); two choices at one rank marked on a paper are an overvote, a rank with none marked a skipped rank, and
`CvrRules` says what those and a candidate ranked twice do, as for every cast vote record. A paper whose cells
for the contest are all blank does not have the contest (another ballot style). The vote rule's number, when it
has one, is the number of seats; the contest's name is the profile's title. A write-in position is a choice
like any other (its name, as "Write-in" or "UWI", is kept).

`write_clearballot` writes the same layout, one row a paper, with RCTab's ten leading columns, so that what omov
writes RCTab reads too. The reader takes any columns before and between the choice columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from omov.count.errors import CountError
from omov.count.formats.cvr import CvrRules, Papers, Tally, clean, pick_contest, resolve
from omov.count.profile import Profile

ProgressFn = Callable[[int, int], None]

_BLANK_LINES = re.compile(r"(?:[ \t\f\v]*(?:\r\n|\r|\n))*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CHOICE_ID = re.compile(r"Choice_[0-9]+_[0-9]+")
_RANK = re.compile(r"[0-9]{1,4}")
_SEATS = re.compile(r"(?:vote\s+for|number\s+of\s+winners)\s+([0-9]{1,6})", re.IGNORECASE)
_WRITE_IN = re.compile(r"\bwrite[-\s]?ins?\b|^uwi$", re.IGNORECASE)
NO_PARTY = {"", "non", "nonpartisan", "non-partisan", "non partisan"}
FIELDS = 6
LEADING = (
    "RowNumber", "BoxID", "BoxPosition", "BallotID", "PrecinctID", "BallotStyleID", "PrecinctStyleName",
    "ScanComputerName", "Status", "Remade",
)
_NOTED = ("Status", "Remade")  # columns whose non-zero values are reported, not acted on (RCTab ignores them)
UNSEATED_RULE = "Ranked Choice"  # the vote rule written when the profile has no number of seats


@dataclass(frozen=True)
class Choice:
    """One choice column's heading, taken apart."""

    contest: str
    rank: int
    rule: str
    name: str
    party: str


def is_choice_heading(cell: str) -> bool:
    """Whether a header cell is meant as a Clear Ballot choice column (it starts `Choice_<id>_<n>:`)."""
    head = cell.strip().split(":", 1)[0]
    return ":" in cell and _CHOICE_ID.fullmatch(head) is not None


def parse_heading(cell: str) -> Choice | str:
    """A choice column's heading taken apart, or what is wrong with it (a sentence)."""
    parts = [clean(p) for p in cell.split(":")]
    if len(parts) != FIELDS:
        return (
            f"expected {FIELDS} fields separated by colons (Choice_<id>_<n>, contest, rank, vote rule, choice, "
            f"party), found {len(parts)}"
        )
    _, contest, rank, rule, name, party = parts
    if not _RANK.fullmatch(rank) or int(rank) < 1:
        return f"expected a rank (a whole number of 1 or more) in the third field, found {rank!r}"
    if not name:
        return "the choice's name (the fifth field) is empty"
    return Choice(contest, int(rank), rule, name, "" if party.casefold() in NO_PARTY else party)


def _seats(rule: str) -> int | None:
    m = _SEATS.fullmatch(rule)
    return int(m.group(1)) if m else None


def parse_clearballot(
    text: str,
    *,
    source: str = "<clearballot>",
    rules: CvrRules | None = None,
    tally: Tally | None = None,
    progress: ProgressFn | None = None,
) -> Profile:
    """Parse Clear Ballot CSV cast vote records into a Profile of one contest."""
    rules = rules or CvrRules()
    blank = _BLANK_LINES.match(text)
    start = len(_LINE_BREAK.findall(blank.group())) if blank else 0
    body = text[blank.end():] if blank else text
    if not body.strip():
        raise CountError("the file is empty; expected a header row with Choice_ columns", source=source)
    reader = csv.reader(io.StringIO(body), strict=True)

    def fail(message: str, line: int | None = None) -> CountError:
        return CountError(message, source=source, line=start + (reader.line_num if line is None else line))

    try:
        header = next(reader)
    except csv.Error as exc:
        raise fail(f"cannot read the header row: {exc}", 1) from None
    except StopIteration:
        raise fail("the file has no header row", 1) from None
    contests: dict[str, list[tuple[int, Choice]]] = {}
    for col, cell in enumerate(header):
        if not is_choice_heading(cell):
            continue
        got = parse_heading(cell)
        if isinstance(got, str):
            raise fail(f"column {col + 1} ({_short(cell)}): {got}", 1)
        contests.setdefault(got.contest, []).append((col, got))
    if not contests:
        raise fail(
            "the header has no choice columns (expected headings like "
            "'Choice_1_1:<contest>:<rank>:Vote For 1:<candidate>:<party>')",
            1,
        )
    labels = list(contests)
    label = labels[pick_contest([(lb, lb) for lb in labels], rules.contest, source=source)]
    columns = contests[label]
    shown = repr(label) if label else "the contest"

    names: list[str] = []
    parties: dict[str, str] = {}
    seen: dict[tuple[int, str], int] = {}
    seats: int | None = None
    seats_col = -1
    for col, ch in columns:
        if (ch.rank, ch.name) in seen:
            raise fail(
                f"columns {seen[ch.rank, ch.name] + 1} and {col + 1} are both rank {ch.rank} of {ch.name!r} in "
                f"{shown}; omov cannot tell them apart",
                1,
            )
        seen[ch.rank, ch.name] = col
        if ch.name not in parties:
            names.append(ch.name)
            parties[ch.name] = ch.party
        n = _seats(ch.rule)
        if n is not None and n < 1:
            raise fail(f"column {col + 1} ({_short(header[col])}): a contest has at least 1 winner", 1)
        if n is not None and seats is not None and n != seats:
            raise fail(
                f"columns {seats_col + 1} and {col + 1} of {shown} give different numbers of winners ({seats} "
                f"and {n})",
                1,
            )
        if n is not None and seats is None:
            seats, seats_col = n, col
    depth = max(ch.rank for _, ch in columns)
    have = {ch.rank for _, ch in columns}
    missing = [r for r in range(1, depth + 1) if r not in have]
    if missing:
        raise fail(f"the header has no column for rank {missing[0]} of {shown}", 1)

    cols = [col for col, _ in columns]
    take: Callable[[list[str]], tuple[str, ...]] = (
        itemgetter(*cols) if len(cols) > 1 else lambda row: (row[cols[0]],)
    )
    rank_of = [ch.rank - 1 for _, ch in columns]
    name_of = [ch.name for _, ch in columns]
    writein_cols = {i for i, n in enumerate(name_of) if _WRITE_IN.search(n)}
    noted = {h: i for i, h in enumerate(clean(c) for c in header) if h in _NOTED}
    ids = any(clean(h).casefold() == "ballotid" for h in header)
    width = len(header)

    papers = Papers(names, source=source)
    memo: dict[tuple[int, ...], tuple[tuple[str, ...], Tally]] = {}
    not_zero = dict.fromkeys(noted, 0)
    total = start + body.count("\n") + 1
    tick = max(1, total // 200)
    allowed = {"0", "1", ""}
    try:
        for row in reader:
            line = start + reader.line_num
            if progress is not None and line % tick == 0:
                progress(line, total)
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < width or (len(row) > width and any(cell.strip() for cell in row[width:])):
                raise fail(f"the row has {len(row)} cells but the header has {width}")
            cells = take(row)
            if not set(cells) <= allowed:  # a cell with spaces round it is read as without
                cells = tuple(c.strip() for c in cells)
            if not set(cells) <= allowed:
                k = next(i for i, v in enumerate(cells) if v not in allowed)
                raise fail(
                    f"column {cols[k] + 1} ({_short(header[cols[k]])}): expected 1 (marked), 0 or blank (not "
                    f"marked), found {_short(row[cols[k]])}"
                )
            if not any(cells):
                if tally is not None:
                    tally.not_in_contest += 1
                continue
            for heading, at in noted.items():
                if row[at].strip() not in ("", "0"):
                    not_zero[heading] += 1
            marked = _marked(cells)
            found = memo.get(marked)
            if found is None:
                seen_here = Tally()
                slots: list[list[str]] = [[] for _ in range(depth)]
                for i in marked:
                    slots[rank_of[i]].append(name_of[i])
                seen_here.write_ins = int(any(i in writein_cols for i in marked))
                found = memo[marked] = (resolve(slots, rules, seen_here), seen_here)
            ranking, seen_here = found
            if tally is not None:
                tally.overvotes += seen_here.overvotes
                tally.duplicates += seen_here.duplicates
                tally.exhausted_by_skips += seen_here.exhausted_by_skips
                tally.write_ins += seen_here.write_ins
                tally.ids += ids
            papers.add(ranking, line=line)
    except csv.Error as exc:
        raise fail(f"cannot read the row: {exc}") from None
    if progress is not None:
        progress(total, total)
    if tally is not None:
        for heading, n in not_zero.items():
            if n:
                tally.notes.append(
                    f"{n:,} paper(s) of the contest have a {heading} other than 0; they are counted like the rest "
                    "(as RCTab counts them)"
                )
    return papers.profile(seats=seats, title=label, parties=parties)


def _marked(cells: tuple[str, ...]) -> tuple[int, ...]:
    """The positions of the cells that are "1" (a paper marks few of many: list.index scans in C)."""
    out: list[int] = []
    i = -1
    try:
        while True:
            i = cells.index("1", i + 1)
            out.append(i)
    except ValueError:
        return tuple(out)


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def write_clearballot(profile: Profile) -> str:
    """The profile as Clear Ballot CSV: RCTab's ten leading columns, then a choice column per rank and candidate."""
    title = clean(profile.title)
    for what, text in [("title", title), *(("candidate", n) for n in profile.names),
                       *(("party", p) for p in profile.parties)]:
        if ":" in text:
            raise CountError(
                f"the {what} {text!r} has a colon, which separates a Clear Ballot heading's fields; write this "
                "profile as CDF, JSON or BLT"
            )
    if profile.seats is not None and profile.seats < 1:
        raise CountError(f"a Clear Ballot contest has at least 1 winner (the profile has {profile.seats})")
    rule = UNSEATED_RULE if profile.seats is None else f"Number of Winners {profile.seats}"
    n = len(profile.candidates)
    depth = max((len(r) for r, w in zip(profile.rankings, profile.weights, strict=True) if w), default=0) or 1
    heads = [
        f"Choice_{r * n + i + 1}_1:{title}:{r + 1}:{rule}:{c.name}:{c.party or 'NON'}"
        for r in range(depth)
        for i, c in enumerate(profile.candidates)
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([*LEADING, *heads])
    k = 0
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        cells = ["0"] * (depth * n)
        for r, c in enumerate(ranking):
            cells[r * n + c] = "1"
        marks = ",".join(cells)
        for _ in range(weight):
            k += 1
            out.write(f"{k},,{k},{k},,,,,0,0,{marks}\n")
    return out.getvalue()


__all__ = ["is_choice_heading", "parse_clearballot", "write_clearballot"]
