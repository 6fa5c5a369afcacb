"""`omov moderation screen FILE`: run the moderation pipeline over a file of comments, without Django.

FILE has one comment a line, or JSON lines with a `text` field (other fields such as `id` are echoed back);
`-` reads standard input. One JSON line is printed per comment:
    {"line": 3, "id": "c17", "verdict": "hold", "reasons": ["abuse"], "scores": {"spam": 0.01, "abuse": 0.97, ...}}
Exit status: 0 when done, 2 for a usage or input error.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

# Keys the output writes itself: an input field of the same name would silently replace the line number.
OUTPUT_KEYS = frozenset({"line", "verdict", "reasons", "scores"})
MAX_INT_DIGITS = 100  # an echoed id of more digits is not an id (and Python refuses over 4,300 digits anyway)
# A threshold is a score's cut-off, and scores are probabilities: ASCII digits from 0 to 1 (float() also takes
# nan, inf, 1e308, 1_0 and other scripts' digits, and a threshold of nan holds nothing, silently).
_THRESHOLD = re.compile(r"(?:0(?:\.[0-9]{1,12})?|1(?:\.0{1,12})?|\.[0-9]{1,12})", re.ASCII)


def threshold(text: str) -> float:
    """An argparse type: a threshold from 0 to 1 written in ASCII digits, such as 0.5."""
    if not _THRESHOLD.fullmatch(text.strip()):
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise argparse.ArgumentTypeError(f"{shown!r} is not a threshold: write a number from 0 to 1, such as 0.5")
    return float(text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number of {len(text.lstrip('-'))} digits is too long (at most {MAX_INT_DIGITS})")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:20]} is too large for a number")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _json_line(line: str) -> dict[str, Any]:
    """One JSON line, strictly: no NaN or Infinity, no duplicate keys, numbers a JSON reader elsewhere can take."""
    try:
        item: dict[str, Any] = json.loads(line, parse_constant=_refuse_constant, parse_int=_bounded_int,
                          parse_float=_finite_float, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if not isinstance(item.get("text"), str):
        raise ValueError('a JSON line needs a "text" string')
    clash = sorted(OUTPUT_KEYS & item.keys())
    if clash:
        raise ValueError(f"the field(s) {', '.join(clash)} would be overwritten by the output's own: rename them")
    try:
        # A \ud800 escape decodes to a lone surrogate: not text, and not writable as UTF-8 when echoed back.
        json.dumps(item, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"a lone surrogate (U+{ord(exc.object[exc.start]):04X}) is not text") from None
    return item


def _read(path: str) -> list[tuple[int, dict[str, Any]]]:
    """The comments and their line numbers; a ValueError names the file and the line."""
    source = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            stdin = getattr(sys.stdin, "buffer", None)  # a text stream without bytes under test harnesses
            raw = stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8", "surrogatepass")
        else:
            raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"{source}: cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"{source}, line {line}: the file is not UTF-8 text (byte 0x{raw[exc.start]:02X}); "
                         "save it as UTF-8") from None
    items = []
    # Lines end at \n only (and \r\n): str.splitlines() would also split at \x0b, \x1c, \x85 and U+2028 inside
    # a comment, cutting it in pieces and numbering every line after it wrongly.
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                item = _json_line(line)
            except ValueError as exc:
                raise ValueError(f"{source}, line {n}: {exc}") from None
        else:
            item = {"text": line}
        items.append((n, item))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omov moderation", description="screen comments for spam and abuse")
    sub = parser.add_subparsers(dest="action", required=True)
    screen = sub.add_parser("screen", help="screen a file of comments (one a line, or JSON lines with `text`)")
    screen.add_argument("file", help="the file, or - for standard input")
    screen.add_argument("--abuse-threshold", type=threshold,
                        help="hold at or above this abuse score (0 to 1; default 0.5)")
    screen.add_argument("--spam-threshold", type=threshold,
                        help="spam at or above this spam score (0 to 1; default 0.9)")
    screen.add_argument("--hold-threshold", type=threshold,
                        help="hold at or above this spam score (0 to 1; default 0.6)")
    args = parser.parse_args(argv)

    from omov.voice.moderation import ModerationSettings, Pipeline

    try:
        items = _read(args.file)
    except ValueError as exc:
        print(f"omov moderation: {exc}", file=sys.stderr)
        return 2
    overrides = {
        k: v
        for k, v in {
            "abuse_hold_threshold": args.abuse_threshold,
            "spam_threshold": args.spam_threshold,
            "spam_hold_threshold": args.hold_threshold,
        }.items()
        if v is not None
    }
    pipeline = Pipeline(ModerationSettings(**overrides))
    verdicts = pipeline.screen_many([item["text"] for _, item in items])
    for (n, item), verdict in zip(items, verdicts, strict=True):
        out: dict[str, Any] = {"line": n}
        out.update({k: v for k, v in item.items() if k != "text"})
        out.update(verdict.as_dict())
        print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
