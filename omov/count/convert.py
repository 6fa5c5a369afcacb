"""`omov convert IN OUT`: a ballot file from one format to another, saying on stderr what the target cannot hold.

    omov convert ward.blt ward.json
    omov convert cvr_export/ mayor.blt --contest Mayor              a Dominion export folder
    omov convert cvr.json mayor.csv --from cdf --overvote skip      a NIST CDF report
    omov convert mayor.csv - --from ess --to blt                    to stdout

Formats: blt, csv, json (omov's own), scot (the CSV of MGGG's scot-elex Scottish council data, as VoteKit reads
it), cdf (NIST SP 1500-103 JSON), ess (ES&S CSV), dominion (a folder), clearballot (Clear Ballot
CSV). The source is read as `omov count` reads
it (the format by `--from`, else detected), into the profile a count uses, and written from it: what that profile
holds (candidates, withdrawn ones, rankings and how many papers carry each, seats, title, papers rejected
outright) crosses over whenever the target has a place for it, and every loss is a warning line on stderr
("omov convert: warning: ..."). Cast vote records are resolved into rankings as they are read (`--overvote`,
`--skipped-ranks`, `--duplicate`), and what that met is reported too. A scot file is written only when named
(`--to scot`): a .csv name means omov's own CSV.

Errors are one line on stderr and exit status 2, as `omov count`'s. Never imports Django.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NoReturn

from omov.count.digits import whole
from omov.count.errors import CountError
from omov.count.formats import FORMATS, detect_format, format_profile, read_profile, write_profile
from omov.count.formats.cvr import CvrRules, Tally
from omov.count.profile import Profile

PROG = "omov convert"
EXIT_ERROR = 2
_EXT = {".blt": "blt", ".csv": "csv", ".json": "json"}
RECORDS = ("cdf", "ess", "dominion", "clearballot")  # one record a paper, no withdrawn candidates, no invalid papers
NO_WITHDRAWN = (*RECORDS, "scot")  # formats with no place for withdrawn candidates
NO_INVALID = (*RECORDS, "blt", "scot")  # formats with no place for papers rejected outright
PARTIES = ("blt", "scot", "cdf", "clearballot")  # formats that hold a party beside each candidate's name


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def add_cvr_options(p: argparse.ArgumentParser) -> None:
    """The options for reading cast vote records (shared with `omov count`)."""
    p.add_argument("--contest", help="the contest to read from cast vote records that hold several (id or name)")
    p.add_argument(
        "--overvote", choices=("exhaust", "skip"), default="exhaust",
        help="cast vote records: an overvoted rank stops the paper (exhaust, the default) or is passed over (skip)",
    )
    p.add_argument(
        "--skipped-ranks", default="unlimited", metavar="N",
        help="cast vote records: the most consecutive skipped ranks before a paper stops (default: unlimited)",
    )
    p.add_argument(
        "--duplicate", choices=("skip", "exhaust"), default="skip",
        help="cast vote records: a candidate ranked again is passed over (skip, the default) or stops the paper",
    )


def cvr_rules(args: argparse.Namespace) -> CvrRules:
    """The CvrRules the options give; a CountError for a --skipped-ranks that is not a number or 'unlimited'."""
    skipped: int | None = None
    if args.skipped_ranks != "unlimited":
        try:
            skipped = whole(args.skipped_ranks, what="--skipped-ranks must be a whole number or 'unlimited'")
        except ValueError as exc:
            raise CountError(str(exc)) from None
    return CvrRules(overvote=args.overvote, skipped=skipped, duplicate=args.duplicate, contest=args.contest)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Convert a ballot file between formats: " + ", ".join(FORMATS) + ".")
    p.add_argument("source", metavar="IN", help="ballot file (or a Dominion export folder)")
    p.add_argument("target", metavar="OUT", help="file to write (a folder for dominion; - for stdout)")
    p.add_argument("--from", dest="src_format", choices=FORMATS, help="format of IN (default: detected)")
    p.add_argument(
        "--to", dest="dst_format", choices=FORMATS,
        help="format of OUT (default: by its extension .blt/.csv/.json; a name without one is a dominion folder)",
    )
    add_cvr_options(p)
    p.add_argument(
        "--allow-equal", action="store_true",
        help="read equal rankings in blt/csv/json (written in the order the file lists them, with a warning)",
    )
    return p


def target_format(target: str, named: str | None) -> str:
    """The format to write: the one named, else by the extension; a name without one is a Dominion folder."""
    if named is not None:
        return named
    if target == "-":
        return "blt"
    p = Path(target)
    if p.is_dir() or not p.suffix:
        return "dominion"
    fmt = _EXT.get(p.suffix.lower())
    if fmt is None:
        raise CountError(f"cannot tell the format to write from {target!r}; give --to ({', '.join(FORMATS)})")
    return fmt


def losses(profile: Profile, target: str) -> list[str]:
    """What the profile holds that format `target` cannot, one sentence each."""
    out: list[str] = []
    withdrawn = [c.name for c in profile.candidates if c.withdrawn]
    if withdrawn and target in NO_WITHDRAWN:
        out.append(f"{target} has no withdrawn candidates: {', '.join(withdrawn)} become ordinary candidates")
    if profile.invalid and target in NO_INVALID:
        out.append(f"{target} has no place for the {profile.invalid:,} paper(s) rejected outright; they are dropped")
    zero = sum(1 for w in profile.weights if w == 0)
    if zero and target in RECORDS:
        out.append(f"{target} writes one record a paper: {zero} ranking(s) carried by no paper are dropped")
    if target == "ess":
        if profile.seats is not None:
            out.append(f"ess has no place for the number of seats ({profile.seats})")
        ranked = {c for r, w in zip(profile.rankings, profile.weights, strict=True) if w for c in r}
        unranked = [c.name for i, c in enumerate(profile.candidates) if i not in ranked]
        if unranked:
            out.append(f"ess lists only the candidates papers rank; not on the ballot any more: {', '.join(unranked)}")
        appearance: dict[int, None] = {}
        for r, w in zip(profile.rankings, profile.weights, strict=True):
            if w:
                appearance.update(dict.fromkeys(r))
        if list(appearance) != sorted(ranked):
            out.append("ess keeps no ballot order: the candidates will be read back in order of first appearance")
    parties = [c for c in profile.candidates if getattr(c, "party", None)]
    if parties and target not in PARTIES:
        out.append(f"{target} has no place for candidates' parties ({len(parties)} candidate(s) have one)")
    return out


def _source_notes(path: str, fmt: str, allow_equal: bool) -> list[str]:
    """What a blt/csv/json source holds that no profile keeps (ballot ids, equal rankings read in order)."""
    if fmt not in ("blt", "csv", "json"):
        return []
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    notes = []
    ids = {
        "blt": r"(?m)^\s*\(",
        "csv": r"(?im)^[^#\n]*\b(id|ballot[ _]id)\b[^\n]*$",
        "json": r'"id"\s*:',
    }[fmt]
    if re.search(ids, text[:1_000_000]):
        notes.append("ballot ids are not kept: a profile groups identical papers, whoever they were")
    if allow_equal:
        notes.append("equal rankings, if any, are written in the order the file lists them")
    return notes


def main(argv: list[str], *, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run `omov convert` with `argv` (the arguments after "convert") and return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    if any(a in {"-h", "--help"} for a in argv):
        parser.print_help(out)
        return 0
    try:
        args = parser.parse_args(argv)
        rules = cvr_rules(args)
        dst = target_format(args.target, args.dst_format)
        if dst == "dominion" and args.target == "-":
            raise CountError("a Dominion export is a folder; give a folder name, not -")
        if args.target != "-" and Path(args.target).resolve() == Path(args.source).resolve():
            raise CountError("IN and OUT are the same file; write somewhere else")
        tally = Tally()
        src = args.src_format
        if src is None:
            p = Path(args.source)
            try:
                head = b"" if p.is_dir() else p.read_bytes()
            except OSError as exc:
                raise CountError(f"cannot read the file: {exc.strerror}", source=args.source) from None
            src = detect_format(p, head)
        profile = read_profile(args.source, src, args.allow_equal, rules=rules, tally=tally)
        warnings = _source_notes(args.source, src, args.allow_equal)
        if src in RECORDS:
            warnings += tally.summary(rules)
        warnings += losses(profile, dst)
        if args.target == "-":
            text = format_profile(profile, dst)
        else:
            write_profile(profile, args.target, dst)
    except (_UsageError, CountError) as exc:
        print(f"{PROG}: {' '.join(str(exc).split())}", file=err)
        return EXIT_ERROR
    for w in warnings:
        print(f"{PROG}: warning: {w}", file=err)
    if args.target == "-":
        out.write(text)
    else:
        print(f"{PROG}: {profile.papers:,} papers, {len(profile.candidates)} candidates: {src} -> {dst} "
              f"{args.target}", file=err)
    return 0


def run(argv: Sequence[str] | None = None) -> None:  # pragma: no cover
    sys.exit(main(list(sys.argv[1:] if argv is None else argv)))


__all__ = ["add_cvr_options", "build_parser", "cvr_rules", "losses", "main", "target_format"]
