"""`omov nominations ...`: what-if analysis of ballot-access rules (a CSV round needs no Django; a round id does)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from omov.nominations.thresholds import PRESETS, Nomination, RuleError, parse_count, quoted
from omov.nominations.whatif import read_nominations_csv, to_json, whatif


def _sizes(items: list[str]) -> dict[str, int]:
    """--size GROUP=N: N a whole number of 1 to MAX_COUNT (a share of a group of nobody asks nothing)."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise RuleError(f"--size takes GROUP=N, got {quoted(item)}")
        size = parse_count(value, f"--size {quoted(key.strip())}")
        if size == 0:
            raise RuleError(f"--size {quoted(key.strip())}: a group's size is at least 1, not 0")
        out[key.strip()] = size
    return out


# A round's id is a database key: ASCII digits (str.isdigit() also takes other scripts' digits), bounded so
# that a long number is read as a file's name, not handed to the database as an integer it cannot hold.
_ROUND_ID = re.compile(r"[0-9]{1,18}", re.ASCII)


def _is_round_id(text: str) -> bool:
    """A number that is not a file's name is a round on the platform."""
    return bool(_ROUND_ID.fullmatch(text)) and not Path(text).exists()


def _round_inputs(round_id: int) -> tuple[list[Nomination], dict[str, int]]:
    """A platform round's counting nominations and group sizes (Django is set up here, only when needed)."""
    from omov.core.django import ensure_django

    ensure_django()
    from omov.nominations.models import NominationRound
    from omov.nominations.selectors import round_inputs

    try:
        rnd = NominationRound.objects.get(pk=round_id)
    except NominationRound.DoesNotExist:
        raise RuleError(f"there is no nomination round {round_id} on the platform") from None
    return round_inputs(round=rnd)


def main(argv: list[str]) -> int:
    """Run `omov nominations` and return the exit status."""
    parser = argparse.ArgumentParser(prog="omov nominations", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    w = sub.add_parser("whatif", help="evaluate one round's nominations under several rules, side by side")
    w.add_argument("round", help="a round on the platform (its id; group sizes come from the round) or a CSV "
                   "file of a historic round (candidate,group[,nominator,count,kind,members])")
    w.add_argument("--rule", action="append", required=True,
                   help=f"a preset ({', '.join(PRESETS)}) or an expression such as 'mp >= 10%% and clp >= 5%%'")
    w.add_argument("--size", action="append", default=[], help="a group's size, e.g. --size mp=212 --size clp=648")
    w.add_argument("--format", choices=["text", "json"], default="text")
    sub.add_parser("presets", help="list the ballot-access presets and their sources")
    args = parser.parse_args(argv)
    try:
        if args.action == "presets":
            for p in PRESETS.values():
                print(f"{p.name:15} {p.expression}\n{'':15} {p.title}\n{'':15} source: {p.source}\n")
            return 0
        if _is_round_id(args.round):
            noms, sizes = _round_inputs(int(args.round))
            sizes.update(_sizes(args.size))
        else:
            noms, sizes = read_nominations_csv(args.round), _sizes(args.size)
        results = whatif(noms, args.rule, sizes)
    except RuleError as exc:
        print(f"omov nominations: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(to_json(results), indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for label, evaluations in results:
        title = PRESETS[label].title if label in PRESETS else label
        table = Table(title=f"Rule {label}: {title}", show_lines=True)
        table.add_column("Candidate")
        table.add_column("Qualified")
        table.add_column("Working")
        for e in evaluations:
            working = "\n".join(f"{'✓' if t.passed else '✗'} {t.term}: {t.working}" for t in e.terms)
            table.add_row(e.candidate, "yes" if e.qualified else "no", working)
        console.print(table)
        qualified = [e.candidate for e in evaluations if e.qualified]
        console.print(f"Qualified under {label}: {', '.join(qualified) or 'nobody'}\n")
    return 0
