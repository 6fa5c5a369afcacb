"""What-if analysis: the same nominations under several ballot-access rules, side by side."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from omov.nominations.thresholds import PRESETS, Evaluation, Nomination, RuleError, evaluate_all, resolve

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
    """Parse nominations CSV text; a RuleError names the row and what is wrong."""
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r) and not r[0].lstrip().startswith("#")]
    if not rows:
        raise RuleError(f"{source}: the file is empty; it needs a header row with candidate,group")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RuleError(f"{source}, line 1: missing column(s) {', '.join(missing)} (need candidate,group)")
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    if unknown:
        raise RuleError(f"{source}, line 1: unknown column(s) {', '.join(unknown)}")
    out: list[Nomination] = []
    seen: set[tuple[str, str, str]] = set()
    # line numbers: count physical rows including skipped ones
    lines = [i + 1 for i, r in enumerate(csv.reader(io.StringIO(text)))
             if any(cell.strip() for cell in r) and not r[0].lstrip().startswith("#")]
    for lineno, row in zip(lines[1:], rows[1:], strict=True):
        cell = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        where = f"{source}, line {lineno}"
        if not cell["candidate"] or not cell["group"]:
            raise RuleError(f"{where}: candidate and group must not be empty")
        try:
            count = int(cell.get("count") or 1)
            members = int((cell.get("members") or "0").replace(",", ""))
        except ValueError:
            raise RuleError(f"{where}: count and members must be whole numbers") from None
        if count < 0 or members < 0:
            raise RuleError(f"{where}: count and members cannot be negative")
        nominator = cell.get("nominator", "")
        if nominator:
            key = (cell["group"], nominator, cell["candidate"])
            if (cell["group"], nominator) in {(g, n) for g, n, _ in seen}:
                raise RuleError(f"{where}: {nominator!r} ({cell['group']}) has already nominated; one nomination "
                                "per nominator")
            seen.add(key)
        out.append(Nomination(cell["candidate"], cell["group"], nominator, count, cell.get("kind", ""), members))
    return out


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
