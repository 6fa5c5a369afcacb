"""`omov count FILE... --rule RULE`: count ballot files and print the count sheet.

    omov count ward.blt --rule scottish
    omov count a.blt b.csv --rule ers97 --seats 3 --format json --seed 2026
    omov count nec.csv --rule bloc --seats 3 --group women=Ann,Cat,Eve --at-least women=1

Errors are one line on stderr ("omov count: ward.blt, line 7: ...") and exit status 2. A progress bar shows on
stderr, when it is a terminal, for work that takes more than a second. Never imports Django.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import IO, Any, NoReturn

from omov.count.convert import add_cvr_options, cvr_rules
from omov.count.digits import whole
from omov.count.errors import CountError
from omov.count.formats import FORMATS
from omov.count.formats.csv_safety import neutralise
from omov.count.rules import PRESETS, Constraint, Rule, preset

PROG = "omov count"
EXIT_ERROR = 2
RULES = ("fptp", "bloc", "approval", "irv", "ers97", "scottish", "meek", "wigm")
SHEET_FORMATS = ("text", "csv", "json", "html")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _seats(text: str) -> int:
    """--seats: ASCII digits only (int() would also take "+2", "1_0" and "٣")."""
    try:
        return whole(text, what="the seats must be a whole number")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The command's options."""
    p = _Parser(
        prog=PROG,
        description="Count ballot files (BLT, CSV or JSON) under a rule and print the count sheet.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="ballot files: .blt, .csv or .json")
    p.add_argument("--rule", required=True, choices=[r for r in RULES if r in PRESETS] or RULES, help="counting rule")
    p.add_argument("--seats", type=_seats, help="seats to fill (default: the ballot file's header, or the rule's)")
    p.add_argument("--format", dest="sheet_format", choices=SHEET_FORMATS, default="text", help="count sheet format")
    p.add_argument("--input-format", choices=FORMATS, help="ballot format (default: by extension and content)")
    add_cvr_options(p)  # --contest, --overvote, --skipped-ranks, --duplicate: for cast vote records
    p.add_argument("--seed", help="seed for any draw by lot (printed on the sheet; default: a fresh one)")
    p.add_argument("--withdraw", action="append", default=[], metavar="NAME", help="a withdrawn candidate")
    p.add_argument("--group", action="append", default=[], metavar="GROUP=NAME,NAME...", help="a group of candidates")
    p.add_argument("--at-least", action="append", default=[], metavar="GROUP=K", help="elect at least K of GROUP")
    p.add_argument("--at-most", action="append", default=[], metavar="GROUP=K", help="elect at most K of GROUP")
    p.add_argument("--title", help="title for the sheet (default: the ballot file's)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    return p


def _split_assignment(text: str, option: str) -> tuple[str, str]:
    group, sep, value = text.partition("=")
    if not sep or not group.strip():
        raise CountError(f"{option} wants GROUP=VALUE, got {text!r}")
    return group.strip(), value.strip()


def constraints_from_args(groups: Sequence[str], at_least: Sequence[str], at_most: Sequence[str]) -> tuple[
    Constraint, ...
]:
    """Turn --group / --at-least / --at-most into the rule's constraints."""
    members: dict[str, frozenset[str]] = {}
    for text in groups:
        name, value = _split_assignment(text, "--group")
        people = [" ".join(n.split()) for n in value.split(",") if n.strip()]
        if not people:
            raise CountError(f"--group {name} names nobody")
        members[name] = members.get(name, frozenset()) | frozenset(people)
    limits: dict[str, list[int | None]] = {}
    for option, values, slot in (("--at-least", at_least, 0), ("--at-most", at_most, 1)):
        for text in values:
            name, value = _split_assignment(text, option)
            if value.startswith("-") and value[1:].isdigit():
                raise CountError(f"{option} {name}= cannot be negative")
            try:
                k = whole(value)
            except ValueError as exc:
                raise CountError(f"{option} {name}= wants a whole number: {exc}") from None
            if name not in members:
                raise CountError(f"{option} names group {name!r}; define it with --group {name}=NAME,NAME")
            limits.setdefault(name, [0, None])[slot] = k
    unused = set(members) - set(limits)
    if unused:
        raise CountError(f"group {sorted(unused)[0]!r} has no --at-least or --at-most")
    return tuple(
        Constraint(group=name, members=members[name], minimum=lo or 0, maximum=hi)
        for name, (lo, hi) in limits.items()
    )


class Progress:
    """A rich progress bar on stderr that appears only when the work has taken over a second.

    Use it as a context manager around the work and pass it as the `progress` callback: a timer shows the bar
    after `delay` seconds (pulsing until the work reports how far it is); quick work never shows one.
    """

    def __init__(self, label: str, *, enabled: bool, stream: IO[str] | None = None, delay: float = 1.0) -> None:
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.delay = delay
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._done: tuple[int, int] | None = None

    def _show(self) -> None:
        with self._lock:
            if self._bar is not None or not self.enabled:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.start()
            done, total = self._done or (0, 0)
            self._task = self._bar.add_task(self.label, total=total or None, completed=done)

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        self._done = (done, total)
        if self._bar is None and time.monotonic() - self.started >= self.delay:
            self._show()
        with self._lock:
            if self._bar is not None:
                self._bar.update(self._task, completed=done, total=max(total, 1))

    def __enter__(self) -> Progress:
        self.started = time.monotonic()
        if self.enabled:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self.enabled = False
            if self._bar is not None:
                self._bar.stop()
                self._bar = None


def _count_file(path: str, args: argparse.Namespace, rule: Rule, show_progress: bool) -> Any:
    from omov.count.engine import count
    from omov.count.formats import read_profile

    name = os.path.basename(path)
    with Progress(f"reading {name}", enabled=show_progress) as bar:
        profile = read_profile(path, args.input_format, rule.allow_equal_rankings, bar, rules=cvr_rules(args))
    if args.withdraw:
        try:
            profile = profile.withdraw(*args.withdraw)
        except CountError as exc:
            raise CountError(f"--withdraw: {exc.message}", source=path) from None
    if args.title is not None:
        from dataclasses import replace

        profile = replace(profile, title=args.title)
    with Progress(f"counting {name}", enabled=show_progress) as bar:
        try:
            return count(profile, rule, seats=args.seats, seed=args.seed, progress=bar)
        except CountError as exc:
            if exc.source is None:
                raise CountError(exc.message, source=path, line=exc.line) from None
            raise


def _print_error(exc: BaseException, err: IO[str]) -> None:
    text = " ".join(str(exc).split()) or type(exc).__name__
    print(f"{PROG}: {text}", file=err)


def main(argv: list[str], *, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run `omov count` with `argv` (the arguments after "count") and return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    if any(a in {"-h", "--help"} for a in argv):
        parser.print_help(out)
        return 0
    try:
        args = parser.parse_args(argv)
        cvr_rules(args)  # a bad --skipped-ranks is a usage error, before any file is read
        rule = preset(args.rule)
        constraints = constraints_from_args(args.group, args.at_least, args.at_most)
        if constraints:
            rule = rule.with_(constraints=rule.constraints + constraints)
        if args.seats is not None and args.seats < 1:
            raise CountError(f"--seats must be at least 1 (got {args.seats})")
    except (_UsageError, CountError) as exc:
        _print_error(exc, err)
        return EXIT_ERROR

    show_progress = not args.no_progress and err.isatty()
    several = len(args.files) > 1
    width = None
    if args.sheet_format == "text" and out.isatty():
        width = os.get_terminal_size(out.fileno()).columns if hasattr(out, "fileno") else None
    status = 0
    for i, path in enumerate(args.files):
        try:
            result = _count_file(path, args, rule, show_progress)
        except CountError as exc:
            _print_error(exc, err)
            status = EXIT_ERROR
            continue
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted", file=err)
            return 130
        except Exception as exc:
            # a bug in a method, never the user's fault: still one line, never a traceback
            _print_error(CountError(f"internal error while counting: {type(exc).__name__}: {exc}", source=path), err)
            status = EXIT_ERROR
            continue
        from omov.count.engine import file_warnings

        for warning in file_warnings(result):  # what the reader accepted that is not plain BLT: also on the sheet
            print(f"{PROG}: warning: {path}: {warning}", file=err)
        _write_sheet(result, path, args.sheet_format, several, i, width, out)
    out.flush()
    return status


def _write_sheet(result: Any, path: str, fmt: str, several: bool, i: int, width: int | None, out: IO[str]) -> None:
    from omov.count import sheet

    if fmt == "json":
        out.write(sheet.render_json(result, indent=None, extra={"file": path}) + "\n")
        return
    if fmt == "text":
        if several:
            heading = f"== {path} =="
            out.write(("\n" if i else "") + heading + "\n")
        out.write(sheet.render_text(result, width=width))
        return
    if fmt == "csv":
        if several:
            out.write(("\n" if i else "") + f"File,{_csv_cell(path)}\n")
        out.write(sheet.render_csv(result))
        return
    if several:
        import html

        out.write(f'<section class="omov-count-file"><h2>{html.escape(path)}</h2>\n')
    out.write(sheet.render_html(result))
    if several:
        out.write("</section>\n")


def _csv_cell(text: str) -> str:
    text = neutralise(text)  # a file's name must not run as a spreadsheet formula either
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\r\n') else text


def run(argv: Sequence[str] | None = None, exit: Callable[[int], Any] = sys.exit) -> None:  # pragma: no cover
    """Entry point for `python -m omov.count.cli`."""
    exit(main(list(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":  # pragma: no cover
    run()
