"""The BLT ballot format (as read by OpenSTV, Droop, and the ERS's counting programs).

    4 2                  number of candidates, number of seats
    -3                   optional: withdrawn candidates, as negative numbers
    3 1 2 0              a weight (how many papers), the preferences in order, then 0
    (a7) 1 4 1 0         optional ballot id in parentheses before the weight
    1 2=3 0              equal rankings, only where the rule allows them
    0                    end of the papers
    "Ann"                the candidates' names, one a line, quoted (CSV-style, "" inside) or not
    "Title"              optional: the election's title

Text is read as UTF-8, else Latin-1; undecodable bytes are replaced, never fatal. `#` starts a comment in
the numeric part; the
names section is read line by line as it stands.

Every malformed file is a CountError naming the line, including the hostile ones: a number of thousands of digits
(Python's int() refuses over 4,300), a number in anything but ASCII digits ("1_0", "+5", "٣": see
omov.count.digits), papers adding up to more than omov.count.profile.MAX_PAPERS, a paper ranking a candidate the
header does not have, a header claiming more candidates than the file could name (refused before anything is sized
by it), and a names section that does not match the header: an unquoted name that is a number (a stray "0"), or
more lines after the names than one title.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from omov.count.digits import is_whole, shown, whole
from omov.count.errors import CountError
from omov.count.profile import MAX_PAPERS, Candidate, Profile, too_many_papers

_PLAIN = re.compile(r"^[0-9 \t]+$")
ProgressFn = Callable[[int, int], None]
MAX_WEIGHT = MAX_PAPERS  # one line's weight; the papers of the whole file together are held to the same bound
_MAX_DIGITS = 19  # len(str(MAX_WEIGHT)): a longer number is refused before int() (which refuses over 4,300 digits)


def decode(data: bytes) -> str:
    """Decode ballot-file bytes: UTF-8 if valid, else Latin-1 with anything odd replaced."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1", errors="replace")


def parse_names(line: str) -> list[str]:
    """The names on a line: quoted CSV-style ("" is a quote inside) or the whole line as it stands."""
    text = line.strip()
    if not text.startswith('"'):
        return [text]
    names: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] != '"':
            # unquoted text after a quoted name: take the rest of the line as one more name
            names.append(text[i:].strip())
            break
        i += 1
        buf: list[str] = []
        while i < len(text):
            if text[i] == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    buf.append('"')
                    i += 2
                    continue
                i += 1
                break
            buf.append(text[i])
            i += 1
        else:
            # no closing quote: keep what there is rather than fail on a hand-edited file
            pass
        names.append("".join(buf))
    return names


def _int(tok: str, what: str, source: str, line: int) -> int:
    """A whole number in ASCII digits (a leading "-" allowed), else a CountError naming the line."""
    try:
        return whole(tok, signed=True)
    except ValueError as exc:
        raise CountError(str(exc), source=source, line=line) from None


def _ints(tokens: Iterable[str], source: str, line: int) -> list[int]:
    return [_int(tok, "number", source, line) for tok in tokens]


def _weight(tok: str, source: str, line: int) -> int:
    """A paper's weight: a whole number of papers, in ASCII digits, up to MAX_WEIGHT."""
    body = tok.lstrip("-")
    if is_whole(body) and len(body.lstrip("0")) > _MAX_DIGITS:
        raise CountError(f"the weight {shown(tok)} is too large", source=source, line=line)
    if tok.startswith("-") and is_whole(body):
        raise CountError(f"a paper's weight cannot be negative ({shown(tok)})", source=source, line=line)
    try:
        value = whole(tok, what="a paper's weight must be a whole number")
    except ValueError as exc:
        raise CountError(str(exc), source=source, line=line) from None
    if value > MAX_WEIGHT:
        raise CountError(
            f"the weight {shown(tok)} is too large (at most {MAX_WEIGHT} papers)", source=source, line=line
        )
    return value


def _check_candidates(tokens: Iterable[str], ncand: int, source: str, line: int) -> None:
    """Every preference a candidate's number (1 to ncand); checked where the line is still known."""
    for tok in tokens:
        if not is_whole(tok):
            raise CountError(f"expected a candidate's number, found {shown(tok)}", source=source, line=line)
        ok = len(tok.lstrip("0")) <= len(str(ncand)) and 1 <= int(tok) <= ncand
        if not ok:
            raise CountError(
                f"the paper ranks candidate {shown(tok)}, "
                f"but there are only {ncand} candidates",
                source=source,
                line=line,
            )


def parse_blt(
    text: str,
    *,
    source: str = "<blt>",
    allow_equal: bool = False,
    progress: ProgressFn | None = None,
    fast: bool = True,
) -> Profile:
    """Parse BLT text into a Profile; any problem is a CountError naming the line.

    A plain file's papers are read in bulk by omov.count.formats.blt_fast (the same Profile, faster); `fast=False`
    reads every line here.
    """
    if fast:
        from omov.count.formats.blt_fast import parse_plain

        plain = parse_plain(text, parse_blt, source=source, allow_equal=allow_equal, progress=progress)
        if plain is not None:
            return plain
    lines = text.splitlines()
    total = len(lines)
    pos = 0

    def next_content(literal: bool = False) -> tuple[int, str] | None:
        # In the names section a line is taken as it stands: names have no comment syntax.
        nonlocal pos
        while pos < total:
            raw = lines[pos]
            pos += 1
            body = raw.strip() if literal or raw.lstrip().startswith('"') else raw.split("#", 1)[0].strip()
            if body:
                return pos, body
        return None

    head = next_content()
    if head is None:
        raise CountError("the file is empty; a BLT file starts with 'candidates seats'", source=source, line=1)
    lineno, body = head
    numbers = _ints(body.split(), source, lineno)
    if len(numbers) < 2:
        raise CountError("the first line must give the number of candidates and of seats", source=source, line=1)
    ncand, seats = numbers[0], numbers[1]
    if ncand < 1:
        raise CountError(f"the number of candidates must be at least 1 (got {ncand})", source=source, line=lineno)
    if seats < 1:
        raise CountError(f"the number of seats must be at least 1 (got {seats})", source=source, line=lineno)
    # The names must follow the papers, each on a line or quoted ("A" "B" on one line): a header claiming more
    # candidates than the rest of the file has room to name is refused here, before anything is sized by it.
    room = (total - pos) + text.count('"') // 2
    if ncand > room:
        raise CountError(
            f"the header says {ncand} candidates, but the file is far too short to name them "
            f"({total - pos} more lines)",
            source=source,
            line=lineno,
        )
    withdrawn: dict[int, int] = {}  # candidate number -> the line that withdrew them
    extra = numbers[2:]  # some writers put the withdrawn on the header line
    for n in extra:
        if n >= 0:
            raise CountError(f"unexpected number {n} on the header line", source=source, line=lineno)
        withdrawn.setdefault(-n, lineno)

    grouped: dict[str, int] = {}
    invalid = 0
    papers = 0  # the running total, held to MAX_PAPERS line by line

    def add(key: str, weight: int, lineno: int) -> None:
        nonlocal papers
        papers += weight
        if papers > MAX_PAPERS:
            raise too_many_papers(source=source, line=lineno)
        grouped[key] = grouped.get(key, 0) + weight
    ended = False
    tick = max(1, total // 200)
    while True:
        item = next_content()
        if item is None:
            break
        lineno, body = item
        if progress is not None and lineno % tick == 0:
            progress(lineno, total)
        if _PLAIN.match(body):
            parts = body.split()
            if parts == ["0"]:
                ended = True
                break
            if parts[-1] != "0":
                raise CountError("a paper's line must end with 0", source=source, line=lineno)
            weight = _weight(parts[0], source, lineno)
            key = " ".join(parts[1:-1])
            if key not in grouped:
                _check_candidates(parts[1:-1], ncand, source, lineno)
            add(key, weight, lineno)
            continue
        if body.startswith("-") and not grouped:
            for n in _ints(body.split(), source, lineno):
                if n >= 0:
                    raise CountError(
                        "withdrawn candidates are listed as negative numbers only", source=source, line=lineno
                    )
                withdrawn.setdefault(-n, lineno)
            continue
        parts = body.split()
        if parts and parts[0].startswith("("):
            parts = parts[1:]  # a ballot id
        if not parts or parts[-1] != "0":
            if body.startswith('"'):
                raise CountError(
                    "found a name before the line '0' that ends the papers", source=source, line=lineno
                )
            raise CountError("a paper's line must end with 0", source=source, line=lineno)
        weight = _weight(parts[0], source, lineno)
        prefs = []
        for tok in parts[1:-1]:
            if tok == "-":
                continue  # a skipped rank: later preferences move up
            if "=" in tok:
                if not all(is_whole(x) for x in tok.split("=")):
                    raise CountError(f"expected candidate numbers, found {tok!r}", source=source, line=lineno)
                if not allow_equal:
                    raise CountError(
                        f"equal rankings ({tok!r}) are not allowed under this rule; "
                        "give each candidate a different preference",
                        source=source,
                        line=lineno,
                    )
                prefs.extend(tok.split("="))
                continue
            if not is_whole(tok):
                raise CountError(
                    f"expected a candidate's number (a whole number), found {shown(tok)}", source=source, line=lineno
                )
            prefs.append(tok)
        key = " ".join(prefs)
        if key not in grouped:
            _check_candidates(prefs, ncand, source, lineno)
        add(key, weight, lineno)

    if not ended:
        raise CountError("the papers must end with a line '0' before the names", source=source, line=total)

    names: list[str] = []
    while len(names) < ncand:
        item = next_content(literal=True)
        if item is None:
            raise CountError(
                f"the header says {ncand} candidates but only {len(names)} names follow", source=source, line=total
            )
        if is_whole(item[1], signed=True):
            # a stray "0" (or a paper's number) read as a name would put a candidate called "0" on the sheet
            raise CountError(
                f"found the number {shown(item[1])} where candidate {len(names) + 1}'s name should be: the papers "
                "end with a single line '0', then come the names (quote a name that is a number: \"2020\")",
                source=source,
                line=item[0],
            )
        names.extend(parse_names(item[1]))
        if len(names) > ncand + 1:
            raise CountError(
                f"the header says {ncand} candidates, but this line brings the names to {len(names)} "
                "(more than the candidates and a title)",
                source=source,
                line=item[0],
            )
    title_item = next_content(literal=True) if len(names) == ncand else None
    if len(names) > ncand:
        title = names[ncand]
        names = names[:ncand]
    else:
        title = parse_names(title_item[1])[0] if title_item else ""
    surplus = next_content(literal=True)
    if surplus is not None:
        raise CountError(
            f"the header says {ncand} candidates, but more lines follow their names and the title: "
            f"{shown(surplus[1])} (is a candidate missing from the header, or a line left over?)",
            source=source,
            line=surplus[0],
        )

    rankings: list[tuple[int, ...]] = []
    weights: list[int] = []
    merged: dict[tuple[int, ...], int] = {}
    for key, weight in grouped.items():
        ranking = tuple(int(x) for x in key.split()) if key else ()
        clean: list[int] = []
        seen: set[int] = set()
        bad = False
        for c in ranking:
            if not 1 <= c <= ncand:  # checked as each paper was read; kept as a guard
                raise CountError(
                    f"a paper ranks candidate {c}, but there are only {ncand} candidates"
                    f" (papers: {key!r})",
                    source=source,
                )
            if c in seen:
                bad = True  # a repeated candidate: the paper stops at the first repeat (invalid beyond)
                break
            seen.add(c)
            clean.append(c - 1)
        if bad and not clean:
            invalid += weight
            continue
        ranking = tuple(clean)
        merged[ranking] = merged.get(ranking, 0) + weight
    for ranking, weight in merged.items():
        rankings.append(ranking)
        weights.append(weight)
    for w, line in withdrawn.items():
        if not 1 <= w <= ncand:
            raise CountError(
                f"withdrawn candidate {w} is not on the ballot (1 to {ncand})", source=source, line=line
            )
    candidates = tuple(Candidate(" ".join(n.split()) or f"Candidate {i + 1}", (i + 1) in withdrawn)
                       for i, n in enumerate(names))
    if len({c.name for c in candidates}) != len(candidates):
        seen_names: set[str] = set()
        fixed = []
        for i, cand in enumerate(candidates):
            name = cand.name if cand.name not in seen_names else f"{cand.name} ({i + 1})"
            seen_names.add(name)
            fixed.append(Candidate(name, cand.withdrawn))
        candidates = tuple(fixed)
    if progress is not None:
        progress(total, total)
    profile = Profile(candidates, tuple(rankings), tuple(weights), seats=seats, title=title, invalid=invalid)
    _ = profile.arrays  # the array form every count reads: built once, as part of reading the file
    return profile


def read_blt(
    path: str | os.PathLike[str], *, allow_equal: bool = False, progress: ProgressFn | None = None
) -> Profile:
    """Read a BLT file into a Profile."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    return parse_blt(decode(data), source=str(path), allow_equal=allow_equal, progress=progress)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_blt(profile: Profile) -> str:
    """The profile as BLT text (withdrawn candidates on the line after the header)."""
    out = [f"{len(profile.candidates)} {profile.seats or 1}"]
    gone = [f"-{i + 1}" for i, c in enumerate(profile.candidates) if c.withdrawn]
    if gone:
        out.append(" ".join(gone))
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        out.append(" ".join([str(weight), *(str(c + 1) for c in ranking), "0"]))
    out.append("0")
    # one line each: line breaks in a name or title (possible in a Profile built in code) become spaces
    out.extend(_quote(" ".join(c.name.split())) for c in profile.candidates)
    out.append(_quote(" ".join(profile.title.split())))
    return "\n".join(out) + "\n"
