"""`omov moderation screen FILE`: run the moderation pipeline over a file of comments, without Django.

FILE has one comment a line, or JSON lines with a `text` field (other fields such as `id` are echoed back);
`-` reads standard input. One JSON line is printed per comment:
    {"line": 3, "id": "c17", "verdict": "hold", "reasons": ["abuse"], "scores": {"spam": 0.01, "abuse": 0.97, ...}}
Exit status: 0 when done, 2 for a usage or input error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _read(path: str) -> list[tuple[int, dict[str, Any]]]:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    items = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {n}: not valid JSON ({exc.msg})") from None
            if not isinstance(item.get("text"), str):
                raise ValueError(f'line {n}: a JSON line needs a "text" string')
        else:
            item = {"text": line}
        items.append((n, item))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omov moderation", description="screen comments for spam and abuse")
    sub = parser.add_subparsers(dest="action", required=True)
    screen = sub.add_parser("screen", help="screen a file of comments (one a line, or JSON lines with `text`)")
    screen.add_argument("file", help="the file, or - for standard input")
    screen.add_argument("--abuse-threshold", type=float, help="hold at or above this abuse score (default 0.5)")
    screen.add_argument("--spam-threshold", type=float, help="spam at or above this spam score (default 0.9)")
    screen.add_argument("--hold-threshold", type=float, help="hold at or above this spam score (default 0.6)")
    args = parser.parse_args(argv)

    from omov.voice.moderation import ModerationSettings, Pipeline

    try:
        items = _read(args.file)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
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
