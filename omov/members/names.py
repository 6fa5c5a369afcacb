"""Names people type (members, candidates, nominators), checked for characters that mislead whoever reads them.

Pure Python, no Django: the nominations what-if reads names from a CSV without the platform.

Refused: control characters (NUL, escape sequences that recolour a terminal, tabs and line breaks inside a
name), the line and paragraph separators, lone surrogates (not text at all), and the bidirectional embedding,
override and isolate controls (U+202A-U+202E, U+2066-U+2069) that make "Ann\u202egnaK" show as another name, as
in the "Trojan Source" attacks (CVE-2021-42574). Left alone: the marks and joiners real names in Arabic, Hebrew,
Persian and Indic scripts need (U+200C/U+200D, U+200E/U+200F).
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def name_problem(text: str, what: str = "name") -> str:
    """'' when `text` may be shown as a name; otherwise a sentence saying which character is refused and where."""
    m = _UNSAFE.search(text)
    if m is None:
        return ""
    char = m.group()
    surrogate = "\ud800" <= char <= "\udfff"
    label = unicodedata.name(char, "") or ("a lone surrogate" if surrogate else "a control character")
    return (f"{what} has the character U+{ord(char):04X} ({label.lower()}) at position {m.start() + 1}, a control or "
            "direction-changing character (or not text at all) that misleads a reader; remove it")
