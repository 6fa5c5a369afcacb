"""What-if analysis: the same nominations under several ballot-access rules, side by side."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from omov.members.names import name_problem
from omov.nominations.thresholds import (
    PRESETS,
    Evaluation,
    Nomination,
    RuleError,
    evaluate_all,
    parse_count,
    quoted,
    resolve,
)

REQUIRED = ("candidate", "group")
# A page of the site evaluates rules for anyone who asks, signed in or not: each rule costs a parse and a pass
# over every nomination, so one request may ask for a few, each of a sensible length (400 rules took 4 s).
MAX_RULES = 8
MAX_RULE_LENGTH = 200
OPTIONAL = ("nominator", "count", "kind", "members")


def read_nominations_csv(path: str | Path) -> list[Nomination]:
    """Read a CSV of nominations (columns candidate, group; optional nominator, count, kind, members)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1", errors="replace")
    return parse_nominations_csv(text, source=str(path))


def parse_nominations_csv(text: str, *, source: str = "<csv>") -> list[Nomination]:
    """Parse nominations CSV text; a RuleError names the line and what is wrong.

    Blank rows and rows whose first cell starts with `#` are skipped; lines are the file's own (a quoted cell
    may span lines). One pass over the rows: a round of 100,000 nominations reads in well under a second.
    """
    # strict: an unclosed quote is an error at its line, not a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    out: list[Nomination] = []
    first_line: dict[tuple[str, str], int] = {}  # (group, nominator) -> the line of its nomination
    line = end = 0
    try:
        for row in reader:
            line, end = end + 1, reader.line_num  # a record's first line (a quoted cell may span several)
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = _header(row, f"{source}, line {line}")
                continue
            out.append(_nomination(header, row, f"{source}, line {line}", first_line, line))
    except csv.Error as exc:
        raise RuleError(f"{source}, line {end + 1}: cannot read the file as CSV ({exc})") from None
    if header is None:
        raise RuleError(f"{source}: the file is empty; it needs a header row with candidate,group")
    return out


def _header(row: list[str], where: str) -> list[str]:
    header = [h.strip().lower() for h in row]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RuleError(f"{where}: missing column(s) {', '.join(missing)} (need candidate,group)")
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    if unknown:
        raise RuleError(f"{where}: unknown column(s) {', '.join(quoted(h) for h in unknown)}")
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise RuleError(f"{where}: column(s) {', '.join(twice)} named twice")
    return header


def _nomination(
    header: list[str], row: list[str], where: str, first_line: dict[tuple[str, str], int], line: int
) -> Nomination:
    # More cells than columns would be silently dropped, and a cell out of place misread as another column.
    if len(row) > len(header):
        raise RuleError(f"{where}: {len(row)} cells, but the header has {len(header)} columns")
    cell = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
    if not cell["candidate"] or not cell["group"]:
        raise RuleError(f"{where}: candidate and group must not be empty")
    for column in ("candidate", "group", "nominator", "kind"):
        problem = name_problem(cell.get(column, ""), column)
        if problem:
            raise RuleError(f"{where}: {problem}")
    count = parse_count(cell.get("count") or "1", f"{where}: count")
    members = parse_count(cell.get("members") or "0", f"{where}: members")
    nominator = cell.get("nominator", "")
    if nominator:
        key = (cell["group"], nominator)
        if key in first_line:
            raise RuleError(f"{where}: {nominator!r} ({cell['group']}) has already nominated on line "
                            f"{first_line[key]}; one nomination per nominator")
        first_line[key] = line
    return Nomination(cell["candidate"], cell["group"], nominator, count, cell.get("kind", ""), members)


def check_asked_rules(rules: Sequence[str]) -> None:
    """Refuse more than MAX_RULES rules, or a rule longer than MAX_RULE_LENGTH characters, with a RuleError that
    says which and what to do."""
    if len(rules) > MAX_RULES:
        raise RuleError(f"{len(rules)} rules were asked for; compare at most {MAX_RULES} at a time")
    for n, rule in enumerate(rules, start=1):
        if len(rule) > MAX_RULE_LENGTH:
            raise RuleError(
                f"rule {n} ({rule[:30]}...) is {len(rule)} characters long; a rule may be at most "
                f"{MAX_RULE_LENGTH} characters"
            )


def whatif(
    nominations: Sequence[Nomination], rules: Sequence[str], sizes: Mapping[str, int]
) -> list[tuple[str, list[Evaluation]]]:
    """Evaluate the nominations under each rule (a preset's name or an expression)."""
    out = []
    for rule in rules:
        label, expr = resolve(rule)
        out.append((label, evaluate_all(expr, nominations, sizes)))
    return out


def to_json(results: Sequence[tuple[str, list[Evaluation]]]) -> list[dict[str, Any]]:
    """One object per rule: `rule`, `expression`, `qualified` (names) and per-candidate, per-term working."""
    out = []
    for label, evaluations in results:
        _, expr = resolve(label)
        out.append(
            {
                "rule": label,
                "expression": expr.text(),
                "title": PRESETS[label].title if label in PRESETS else "",
                "qualified": [e.candidate for e in evaluations if e.qualified],
                "candidates": [
                    {
                        "candidate": e.candidate,
                        "qualified": e.qualified,
                        "terms": [
                            {"term": t.term, "passed": t.passed, "have": t.have, "need": t.need, "working": t.working}
                            for t in e.terms
                        ],
                    }
                    for e in evaluations
                ],
            }
        )
    return out
