"""Ballot file formats: BLT, CSV (two layouts) and JSON; read any of them into a Profile, write any of them.

The format is the one named, else the file's extension (.blt, .csv, .json), else what the text looks like.
docs/formats.md describes each.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from omov.count.errors import CountError
from omov.count.profile import Profile

ProgressFn = Callable[[int, int], None]
FORMATS = ("blt", "csv", "json")
_EXTENSIONS = {".blt": "blt", ".csv": "csv", ".json": "json", ".txt": None}


def detect_format(path: str | os.PathLike[str], data: bytes | None = None) -> str:
    """The ballot format of a file: by its extension, else by its first bytes."""
    fmt = _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is not None:
        return fmt
    head = (data or b"")[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "json"
    first = head.split(b"\n", 1)[0].split(b"#", 1)[0].split()
    if len(first) >= 2 and all(tok.lstrip(b"-").isdigit() for tok in first):
        return "blt"
    return "csv"


def read_profile(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    allow_equal: bool = False,
    progress: ProgressFn | None = None,
) -> Profile:
    """Read a ballot file (BLT, CSV or JSON) into a Profile; any problem is a CountError naming file and line."""
    from omov.count.formats.blt import decode, parse_blt

    source = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise CountError(f"unknown ballot format {fmt!r}; choose one of: {', '.join(FORMATS)}", source=source)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise CountError("is a folder, not a ballot file", source=source) from None
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=source) from None
    kind = fmt or detect_format(path, data)
    text = decode(data)
    if kind == "blt":
        return parse_blt(text, source=source, allow_equal=allow_equal, progress=progress)
    if kind == "csv":
        from omov.count.formats.csv_ import parse_csv  # each reader imported only when its format is read

        return parse_csv(text, source=source, allow_equal=allow_equal, progress=progress)
    from omov.count.formats.json_ import parse_json

    return parse_json(text, source=source, allow_equal=allow_equal, progress=progress)


def format_profile(profile: Profile, fmt: str) -> str:
    """The profile as text in ballot format `fmt` (blt, csv, json)."""
    from omov.count.formats.blt import write_blt
    from omov.count.formats.csv_ import write_csv
    from omov.count.formats.json_ import write_json

    if fmt == "blt":
        return write_blt(profile)
    if fmt == "csv":
        return write_csv(profile)
    if fmt == "json":
        return write_json(profile)
    raise CountError(f"unknown ballot format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def write_profile(profile: Profile, path: str | os.PathLike[str], fmt: str | None = None) -> None:
    """Write the profile to `path` in `fmt` (default: by the extension, else BLT), as UTF-8."""
    kind = fmt or _EXTENSIONS.get(Path(path).suffix.lower()) or "blt"
    text = format_profile(profile, kind)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CountError(f"cannot write the file: {exc.strerror}", source=str(path)) from None


__all__ = ["FORMATS", "detect_format", "format_profile", "read_profile", "write_profile"]
