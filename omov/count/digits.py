"""Whole numbers as the engine reads them: ASCII digits only, in every format and option.

Python's `int()` also takes "1_0", "+5", " 5 " and the digits of other scripts ("٣", "５"), so a ballot file
could say one thing to a person reading it and another to the count. Every number the engine reads from text
goes through `whole()` instead, which takes `[0-9]+` (with a leading "-" only where the caller allows a sign)
and nothing else, and refuses a number longer than `MAX_DIGITS` before converting it (no count needs more, and
`int()` is quadratic in the length).
"""

from __future__ import annotations

import re

MAX_DIGITS = 30  # far beyond any count (omov.count.profile.MAX_PAPERS has 19 digits); cheap to convert

_UNSIGNED = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"-?[0-9]+")


def is_whole(text: str, *, signed: bool = False) -> bool:
    """Is `text` a whole number written in ASCII digits (with an optional leading "-" when `signed`)?"""
    return (_SIGNED if signed else _UNSIGNED).fullmatch(text) is not None


def whole(text: str, *, signed: bool = False, what: str = "expected a whole number") -> int:
    """`text` as an int, or ValueError with a sentence saying what is wrong (the caller adds file and line).

    `what` starts the sentence: "expected a rank number or blank", "the weight must be a whole number".
    """
    if not is_whole(text, signed=signed):
        raise ValueError(f"{what}, found {shown(text)}{_why(text)}")
    if len(text.lstrip("-").lstrip("0")) > MAX_DIGITS:
        raise ValueError(f"the number {shown(text)} is too large")
    return int(text)


def _why(text: str) -> str:
    """Why a number Python would take is refused (nothing for plain text such as "x")."""
    try:
        int(text[:MAX_DIGITS * 2])
    except ValueError:
        return ""
    return " (only the digits 0-9 make a number here)"


def shown(tok: str) -> str:
    """A token as an error message quotes it: a long one cut short, with its length (a line must stay readable)."""
    if is_whole(tok, signed=True):
        return tok if len(tok) <= 24 else f"{tok[:12]}…({len(tok)} digits)"
    return repr(tok) if len(tok) <= 24 else f"{tok[:12]!r}…({len(tok)} characters)"
