"""Ballot file formats: BLT, CSV (two layouts), JSON, the CSV of MGGG's scot-elex collection of Scottish council
elections (`scot`, as VoteKit's `load_scottish` reads it), and the cast vote records of US ranked-choice counts
(NIST CDF JSON, ES&S CSV, Clear Ballot CSV, a Dominion export folder); read any of them into a Profile, write
any of them.

The format is the one named, else the file's extension (.blt, .csv, .json) refined by what the text looks like (a
CDF report or a Dominion export is JSON; an ES&S, a Clear Ballot or a scot-elex file is CSV), else what the text
looks like. A folder is a Dominion export. docs/formats.md describes each.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from omov.count.errors import CountError
from omov.count.formats.cvr import CvrRules, Tally
from omov.count.profile import Profile

ProgressFn = Callable[[int, int], None]
FORMATS = ("blt", "csv", "json", "scot", "cdf", "ess", "dominion", "clearballot")
_EXTENSIONS = {".blt": "blt", ".csv": "csv", ".json": "json", ".txt": None}


_CDF = re.compile(rb'"@type"\s*:\s*"(CVR\.)?CastVoteRecordReport"')
_SESSIONS = re.compile(rb'"Sessions"\s*:\s*\[')
_CLEARBALLOT = re.compile(rb'(?:[^\r\n]*,)?"?Choice_[0-9]+_[0-9]+:')  # a choice column in the header line


def detect_format(path: str | os.PathLike[str], data: bytes | None = None) -> str:
    """The ballot format of a file: a folder is a Dominion export; else by the extension and the first bytes."""
    from omov.count.formats.dominion import is_export_name

    p = Path(path)
    if p.is_dir() or is_export_name(p.name):
        return "dominion"
    fmt = _EXTENSIONS.get(p.suffix.lower())
    text = (data or b"").lstrip(b"\xef\xbb\xbf \t\r\n")
    if fmt in (None, "json") and text.startswith((b"{", b"[")):
        if _CDF.search(text):  # a quote inside a JSON string is escaped, so this is a key, not a name
            return "cdf"
        if _SESSIONS.search(text):
            return "dominion"
        return "json"
    if fmt is not None and fmt != "csv":
        return fmt
    head = text[:4096]
    if _scot_layout(head, text[-4096:]):
        return "scot"
    if fmt is None:
        first = head.split(b"\n", 1)[0].split(b"#", 1)[0].split()
        if len(first) >= 2 and all(tok.lstrip(b"-").isdigit() for tok in first):
            return "blt"
    if _CLEARBALLOT.match(text[:65536]):
        return "clearballot"
    return "ess" if _ess_header(text) else "csv"


_SCOT_HEADER = re.compile(rb'^\s*"?[0-9]{1,9}"?\s*,\s*"?[0-9]{1,9}"?[\s,]*$')
_SCOT_CANDIDATE = re.compile(rb'^\s*"?candidate(\s*[0-9]+)?"?\s*,', re.IGNORECASE)


def _scot_layout(head: bytes, tail: bytes) -> bool:
    """A scot-elex CSV: its first non-blank row two whole numbers, one of its last two a `Candidate` row (the
    last is the ward's name). Reads only the first and last few thousand bytes."""
    first = next((ln for ln in head.splitlines() if ln.strip(b" \t,")), b"")
    if not _SCOT_HEADER.match(first):
        return False
    last = [ln for ln in tail.splitlines() if ln.strip(b" \t,")][-2:]
    return any(_SCOT_CANDIDATE.match(ln) for ln in last)


def _ess_header(text: bytes) -> bool:
    import csv

    from omov.count.formats.blt import decode
    from omov.count.formats.ess import looks_like_ess

    for line in text[:65536].splitlines():
        if not line.strip() or line.lstrip().startswith(b"#"):
            continue
        try:
            header = next(csv.reader([decode(line)]))
        except (csv.Error, StopIteration):
            return False
        return looks_like_ess(header)
    return False


def read_profile(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    allow_equal: bool = False,
    progress: ProgressFn | None = None,
    *,
    rules: CvrRules | None = None,
    tally: Tally | None = None,
) -> Profile:
    """Read a ballot file (or a Dominion export folder) into a Profile; any problem is a CountError naming the
    file and the line (or, in JSON cast vote records, the item). Each reader is imported only when its format is
    read (a count of a BLT file loads nothing else).

    `rules` are for cast vote records (cdf, ess, dominion, clearballot): which contest, and what overvotes, skipped
    ranks and repeated candidates do; `tally`, if given, collects what the reader met (overvotes, write-ins...).
    """
    from omov.count.formats.blt import decode, decode_noting, parse_blt

    source = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise CountError(f"unknown ballot format {fmt!r}; choose one of: {', '.join(FORMATS)}", source=source)
    if fmt == "dominion" or (fmt is None and Path(path).is_dir()):
        from omov.count.formats.dominion import read_dominion

        return read_dominion(path, rules=rules, tally=tally, progress=progress)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise CountError("is a folder, not a ballot file", source=source) from None
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=source) from None
    kind = fmt or detect_format(path, data)
    if kind == "dominion":
        from omov.count.formats.dominion import read_dominion

        return read_dominion(path, rules=rules, tally=tally, progress=progress)
    if kind == "blt":
        text, notes = decode_noting(data)
        return parse_blt(text, source=source, allow_equal=allow_equal, progress=progress, warnings=notes)
    if kind == "scot":
        from omov.count.formats.scot import parse_scot

        text, notes = decode_noting(data)
        return parse_scot(text, source=source, progress=progress, warnings=notes)
    text = decode(data)
    if kind == "csv":
        from omov.count.formats.csv_ import parse_csv  # each reader imported only when its format is read

        return parse_csv(text, source=source, allow_equal=allow_equal, progress=progress)
    if kind == "cdf":
        from omov.count.formats.cdf import parse_cdf

        return parse_cdf(text, source=source, rules=rules, tally=tally, progress=progress)
    if kind == "ess":
        from omov.count.formats.ess import parse_ess

        return parse_ess(text, source=source, rules=rules, tally=tally, progress=progress)
    if kind == "clearballot":
        from omov.count.formats.clearballot import parse_clearballot

        return parse_clearballot(text, source=source, rules=rules, tally=tally, progress=progress)
    from omov.count.formats.json_ import parse_json

    return parse_json(text, source=source, allow_equal=allow_equal, progress=progress)


def format_profile(profile: Profile, fmt: str) -> str:
    """The profile as text in ballot format `fmt` (blt, csv, json, scot, cdf, ess, clearballot; a Dominion export is a
    folder)."""
    from omov.count.formats.blt import write_blt
    from omov.count.formats.cdf import write_cdf
    from omov.count.formats.csv_ import write_csv
    from omov.count.formats.ess import write_ess
    from omov.count.formats.json_ import write_json

    if fmt == "blt":
        return write_blt(profile)
    if fmt == "csv":
        return write_csv(profile)
    if fmt == "json":
        return write_json(profile)
    if fmt == "scot":
        from omov.count.formats.scot import write_scot

        return write_scot(profile)
    if fmt == "cdf":
        return write_cdf(profile)
    if fmt == "ess":
        return write_ess(profile)
    if fmt == "clearballot":
        from omov.count.formats.clearballot import write_clearballot

        return write_clearballot(profile)
    if fmt == "dominion":
        raise CountError("a Dominion export is a folder of files, not one text; write it with write_profile")
    raise CountError(f"unknown ballot format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def write_profile(profile: Profile, path: str | os.PathLike[str], fmt: str | None = None) -> None:
    """Write the profile to `path` in `fmt` (default: by the extension, else BLT), as UTF-8; a Dominion export
    is written into the folder `path`."""
    from omov.count.formats.dominion import write_dominion

    kind = fmt or _EXTENSIONS.get(Path(path).suffix.lower()) or "blt"
    if kind == "dominion":
        write_dominion(profile, path)
        return
    text = format_profile(profile, kind)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CountError(f"cannot write the file: {exc.strerror}", source=str(path)) from None


__all__ = ["FORMATS", "CvrRules", "Tally", "detect_format", "format_profile", "read_profile", "write_profile"]
