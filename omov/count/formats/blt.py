"""The BLT ballot format (as read by OpenSTV, Droop, and the ERS's counting programs), as councils publish it.

    4 2                  number of candidates, number of seats
    -3                   optional: withdrawn candidates, as negative numbers
    3 1 2 0              a weight (how many papers), the preferences in order, then 0
    (a7) 1 4 1 0         optional ballot id in parentheses before the weight
    1 2=3 0              equal rankings, only where the rule allows them
    0                    end of the papers
    "Ann"                the candidates' names, one a line, quoted (CSV-style, "" inside) or not
    "Bob" "Labour"       a name and a party/description on one line (as Scottish councils publish them)
    "Title"              optional: the election's title

Text is read as UTF-8, else Latin-1 (with a warning); undecodable bytes are replaced, never fatal. `#` and
`/* ... */` start comments in the numeric part; the names section is read line by line as it stands.

Real files vary (docs/formats.md, "BLT as published", lists each variant with an example). Every variant the
reader accepts is named in `Profile.warnings`, which `omov count` prints on stderr and the count sheet lists in
its notes: a party beside each name (two quoted strings; a CSV-quoted line holding `Name "Party"`, or
`Party "Name"` where every prefix is a short party code), a spreadsheet export (commas after or between the
numbers, after the names), `-` skipped preferences, `=` equal rankings, a withdrawn line, OpenSTV ballot ids,
comments, CRLF line ends, a byte-order mark, Latin-1 or UTF-16 text, a title on the last name's line, several
names on one line.

Every malformed file is a CountError naming the line, including the hostile ones: a number of thousands of digits
(Python's int() refuses over 4,300), a number in anything but ASCII digits ("1_0", "+5", "٣": see
omov.count.digits), papers adding up to more than omov.count.profile.MAX_PAPERS, a paper ranking a candidate the
header does not have, a header claiming more candidates than the file could name (refused before anything is sized
by it), and a names section that does not match the header: an unquoted name that is a number (a stray "0"), a
quote left open, a line with more than a name and a party, or more lines after the names than one title.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from omov.count.digits import is_whole, shown, whole
from omov.count.errors import CountError
from omov.count.profile import MAX_PAPERS, Candidate, Profile, too_many_papers

_PLAIN = re.compile(r"^[0-9 \t]+$")
ProgressFn = Callable[[int, int], None]
MAX_WEIGHT = MAX_PAPERS  # one line's weight; the papers of the whole file together are held to the same bound
_MAX_DIGITS = 19  # len(str(MAX_WEIGHT)): a longer number is refused before int() (which refuses over 4,300 digits)
_FAST_CANDIDATES = 10_000  # the fast path's number table stops here; a file with more is read line by line


class Warnings:
    """The variants a reader accepted, each said once with the first line it was seen on (and how many more)."""

    def __init__(self, initial: Iterable[str] = ()) -> None:
        self._seen: dict[str, list[Any]] = {text: [text, None, 0] for text in initial}

    def add(self, key: str, message: str, line: int | None = None) -> None:
        entry = self._seen.get(key)
        if entry is None:
            self._seen[key] = [message, line, 0]
        else:
            entry[2] += 1

    def __contains__(self, key: str) -> bool:
        return key in self._seen

    def lines(self) -> tuple[str, ...]:
        out = []
        for message, line, more in self._seen.values():
            where = ""
            if line is not None:
                where = f" (line {line}" + (f", and {more} more line{'s' if more != 1 else ''}" if more else "") + ")"
            out.append(message + where)
        return tuple(out)


def decode_noting(data: bytes) -> tuple[str, list[str]]:
    """Decode ballot-file bytes, saying what was unusual: UTF-8 (a byte-order mark dropped), UTF-16 with its
    byte-order mark, else Latin-1 (every byte is a Latin-1 character, so nothing is lost or fatal)."""
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            pass
        else:
            notes.append("the file is UTF-16 text (a spreadsheet's 'Unicode text' export); read as such")
            return text, notes
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("the file starts with a byte-order mark (as Windows programs write UTF-8); ignored")
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError as exc:
        notes.append(
            f"the file is not UTF-8 (byte {exc.start + 1} is not valid UTF-8); read as Latin-1: check that accented "
            "names look right"
        )
        return data.decode("latin-1", errors="replace"), notes


def decode(data: bytes) -> str:
    """Decode ballot-file bytes: UTF-8 if valid, else Latin-1 with anything odd replaced."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1", errors="replace")


class _Field(NamedTuple):
    """One string of a names line: its text and whether it was quoted."""

    text: str
    quoted: bool


def _split_fields(text: str, commas: bool, source: str, line: int) -> list[_Field]:
    """A names line as its strings: quoted ones CSV-style ("" is a quote inside), unquoted runs as they stand.

    An unquoted run goes on to the end of the line, or to a quote that opens after a space (`Ann "Labour"`), or,
    in a comma-separated file, to the next comma. A comma may separate two quoted strings in any file.
    """
    out: list[_Field] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or (ch == "," and (commas or (out and out[-1].quoted))):
            i += 1
            continue
        if ch == '"':
            i += 1
            buf: list[str] = []
            while True:
                if i >= n:
                    raise CountError(
                        "a quoted name has no closing quote (a quote inside a name is written twice)",
                        source=source,
                        line=line,
                    )
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(text[i])
                i += 1
            out.append(_Field("".join(buf), True))
            continue
        j = i
        while j < n:
            if commas and text[j] == ",":
                break
            if text[j] == '"' and text[j - 1].isspace():
                break
            j += 1
        out.append(_Field(text[i:j].strip(), False))
        i = j
    return out


def parse_names(line: str) -> list[str]:
    """The strings on a names line: quoted CSV-style ("" is a quote inside) or the whole line as it stands."""
    text = line.strip()
    if not text.startswith('"'):
        return [text]
    try:
        return [f.text for f in _split_fields(text, False, "<names>", 1)]
    except CountError:
        return [text.strip('"')]


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


def _fast_papers(lines: list[str], start: int, ncand: int) -> tuple[dict[tuple[int, ...], int], int] | None:
    """The papers section read in bulk: identical lines are counted once, then parsed once.

    Returns the papers grouped by ranking (as the line-by-line loop groups them, in the same order) and the
    index of the line after the closing "0"; None when anything is unusual (a comment, a ballot id, equal
    rankings, a repeated or unknown candidate, a malformed line, an early end marker), so that the line-by-line
    loop reads the file and names the line.
    """
    try:
        end = lines.index("0", start)
    except ValueError:
        return None
    # sized by the candidates the header claims, so capped: a header claiming millions must not cost gigabytes
    number = {str(i): i - 1 for i in range(1, min(ncand, _FAST_CANDIDATES) + 1)}.__getitem__
    merged: dict[tuple[int, ...], int] = {}
    get = merged.get
    for raw, n in Counter(islice(lines, start, end)).items():
        parts = raw.split()
        if len(parts) < 2 or parts[-1] != "0":
            if not parts:
                continue  # a blank line
            return None
        weight = parts[0]
        if len(weight) >= _MAX_DIGITS or not (weight.isascii() and weight.isdigit()):
            return None  # a weight that may be too large: the line-by-line loop checks it and names the line
        try:
            # every preference must be a candidate's number as written by the slow loop's int(); anything
            # else (a comment, "-", "2=3", "01", a number too high) sends the file to the line-by-line loop
            ranking = tuple(map(number, parts[1:-1]))
        except KeyError:
            return None
        if len(set(ranking)) != len(ranking):
            return None
        merged[ranking] = get(ranking, 0) + int(weight) * n
    if sum(merged.values()) > MAX_PAPERS:
        return None  # the line-by-line loop finds the line at which the papers pass the bound
    return merged, end + 1


_COMMENT = re.compile(r"/\*.*?\*/")
_PARTY_CODE = re.compile(r"[^\s\"]{1,5}")  # a short party code written before the name: SNP, Lab, LD, Grn, UKIP


def _line_fields(body: str, commas: bool, source: str, line: int) -> tuple[list[_Field], list[_Field] | None]:
    """A candidate's line as its strings, and (when the whole line is one quoted string shaped like a name and
    a party quoted CSV-style once more) the strings inside it.

    `"Ann" "Labour"`, `Ann "Labour"`, `"Ann" Labour` and, in a comma-separated file, `Ann,Labour,` give two
    strings; a line quoted twice over (the whole of `Ann "Labour"` or of `"Ann" "Labour"` inside one quoted
    string, its inner quotes doubled) also gives the inner strings, which the caller uses when every line has
    that shape. A line that does not start with a quote and is not a name then a quoted party is one name.
    """
    top = _split_fields(body, commas, source, line)
    if not commas and not body.startswith('"') and not (len(top) == 2 and top[1].quoted):
        return [_Field(body.strip(), False)], None
    if len(top) == 1 and top[0].quoted and '"' in top[0].text:
        try:
            inner = _split_fields(top[0].text.strip(), False, source, line)
        except CountError:
            return top, None
        if len(inner) == 1 and inner[0].quoted or len(inner) == 2 and inner[1].quoted:
            return top, inner
    return top, None


def parse_blt(
    text: str,
    *,
    source: str = "<blt>",
    allow_equal: bool = False,
    progress: ProgressFn | None = None,
    warnings: Iterable[str] = (),
) -> Profile:
    """Parse BLT text into a Profile; any problem is a CountError naming the line.

    `warnings` are notes already made about the file (its encoding: see `decode_noting`); the profile's
    `warnings` add every variant of the format this text uses.
    """
    notes = Warnings(warnings)
    if "\r" in text:
        notes.add("crlf", "Windows line endings (CRLF)" if "\r\n" in text else "carriage-return line endings")
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.add("bom", "the text starts with a byte-order mark; ignored")
    lines = text.splitlines()
    total = len(lines)
    pos = 0
    commas = False  # a spreadsheet export: commas after (or between) the numbers, and after the names

    def next_content(literal: bool = False) -> tuple[int, str] | None:
        # In the names section a line is taken as it stands: names have no comment syntax.
        nonlocal pos, commas
        while pos < total:
            raw = lines[pos]
            pos += 1
            if literal or raw.lstrip().startswith('"'):
                body = raw.strip()
            else:
                body = raw
                if "#" in body:
                    body = body.split("#", 1)[0]
                    notes.add("comment", "comments after '#' ignored", pos)
                if "/*" in body:
                    body = _COMMENT.sub(" ", body)
                    if "/*" in body:
                        raise CountError("a comment '/*' is not closed with '*/' on the same line", source=source,
                                         line=pos)
                    notes.add("droop-comment", "comments between '/*' and '*/' ignored", pos)
                if "," in body:
                    body = body.replace(",", " ")
                    commas = True
                    notes.add(
                        "commas",
                        "commas after (or between) the numbers, as a spreadsheet exports them: read as spaces",
                        pos,
                    )
                body = body.strip()
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
    if extra:
        notes.add("withdrawn-header", "withdrawn candidates given on the first line, after the seats", lineno)

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
    tried_fast = False
    fast_merged: dict[tuple[int, ...], int] | None = None
    while True:
        item = next_content()
        if item is None:
            break
        lineno, body = item
        if progress is not None and lineno % tick == 0:
            progress(lineno, total)
        if not tried_fast and not grouped and _PLAIN.match(body):
            tried_fast = True
            fast = _fast_papers(lines, lineno - 1, ncand)
            if fast is not None:
                fast_merged, pos = fast
                ended = True
                if progress is not None:
                    progress(pos, total)
                break
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
            notes.add("withdrawn", "withdrawn candidates listed (negative numbers before the papers)", lineno)
            continue
        parts = body.split()
        if parts and parts[0].startswith("("):
            if not parts[0].endswith(")"):
                raise CountError(
                    f"a ballot id is one word in parentheses, such as (a7); found {shown(parts[0])}",
                    source=source,
                    line=lineno,
                )
            parts = parts[1:]  # a ballot id
            notes.add("ballot-id", "ballot ids in parentheses before the weight (OpenSTV); ignored", lineno)
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
                notes.add("skipped", "skipped preferences '-': the later preferences move up", lineno)
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
                notes.add("equal", "equal rankings ('2=3'), kept in the order written", lineno)
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

    names, parties, title = _read_names(next_content, ncand, commas, notes, source, total)

    rankings: list[tuple[int, ...]] = []
    weights: list[int] = []
    merged: dict[tuple[int, ...], int] = fast_merged if fast_merged is not None else {}
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
    candidates = tuple(
        Candidate(" ".join(n.split()) or f"Candidate {i + 1}", (i + 1) in withdrawn, " ".join(parties[i].split()))
        for i, n in enumerate(names)
    )
    if len({c.name for c in candidates}) != len(candidates):
        seen_names: set[str] = set()
        fixed = []
        for i, cand in enumerate(candidates):
            name = cand.name if cand.name not in seen_names else f"{cand.name} ({i + 1})"
            seen_names.add(name)
            fixed.append(Candidate(name, cand.withdrawn, cand.party))
        candidates = tuple(fixed)
    if progress is not None:
        progress(total, total)
    profile = Profile(
        candidates, tuple(rankings), tuple(weights), seats=seats, title=" ".join(title.split()), invalid=invalid,
        warnings=notes.lines(),
    )
    _ = profile.arrays  # the array form every count reads: built once, as part of reading the file
    return profile


def _read_names(
    next_content: Callable[[bool], tuple[int, str] | None],
    ncand: int,
    commas: bool,
    notes: Warnings,
    source: str,
    total: int,
) -> tuple[list[str], list[str], str]:
    """The names section: each candidate's name and party ("" for none), and the title ("" for none).

    One candidate a line when there are at least as many lines as candidates (a line may give a name and a
    party); fewer lines than candidates means several names share a line (no parties then).
    """
    rest: list[tuple[int, str]] = []
    while (item := next_content(True)) is not None:
        rest.append(item)
        if len(rest) > ncand + 1:
            break  # one line too many is enough to say so
    for k, (line, body) in enumerate(rest[:ncand]):
        bare = body.rstrip(",").strip() if commas else body
        if is_whole(bare, signed=True):
            # a stray "0" (or a paper's number) read as a name would put a candidate called "0" on the sheet
            raise CountError(
                f"found the number {shown(body)} where candidate {k + 1}'s name should be: the papers "
                "end with a single line '0', then come the names (quote a name that is a number: \"2020\")",
                source=source,
                line=line,
            )
    if len(rest) < ncand:
        return _packed_names(rest, ncand, commas, notes, source, total)
    for line, body in rest[ncand:]:
        if body.startswith("="):
            raise CountError(
                f"{shown(body)}: options such as Droop's '=tie' are not read; remove the line (omov breaks ties "
                "by its rule, from a seed printed on the sheet)",
                source=source,
                line=line,
            )
    if len(rest) > ncand + 1:
        line, body = rest[ncand + 1]
        raise CountError(
            f"the header says {ncand} candidates, but more lines follow their names and the title: "
            f"{shown(body)} (is a candidate missing from the header, or a line left over?)",
            source=source,
            line=line,
        )
    read = [_line_fields(body, commas, source, line) for line, body in rest[:ncand]]
    # quoted twice over: only when every candidate's line is (as councils' files are); one name with a quoted
    # nickname at its end ("Ann ""Red""") among plain names stays as it is
    wrapped = all(inner is not None for _, inner in read)
    if wrapped:
        notes.add(
            "wrapped",
            "names quoted twice over (CSV-style, the name and party inside one quoted string): "
            "read from inside the outer quotes",
            rest[0][0],
        )
    fields: list[list[_Field]] = []
    for (line, body), (top, inner) in zip(rest[:ncand], read, strict=True):
        got = inner if wrapped and inner is not None else top
        if len(got) > 2:
            raise CountError(
                f"expected a candidate's name, or a name and a party/description, but the line holds {len(got)} "
                f"strings: {shown(body)}",
                source=source,
                line=line,
            )
        fields.append(got)
    title = ""
    if len(rest) > ncand:
        line, body = rest[ncand]
        top, inner = _line_fields(body, commas, source, line)
        got = inner if wrapped and inner is not None else top
        title = got[0].text if len(got) == 1 else body.strip().strip(",")
    else:
        pairs = [k for k, f in enumerate(fields) if len(f) == 2]
        if pairs == [ncand - 1]:
            # only the last line has two strings, and no title line follows: the title was glued to it
            title = fields[-1][1].text
            fields[-1] = fields[-1][:1]
            notes.add("glued-title", "the title is on the same line as the last candidate's name", rest[ncand - 1][0])
    first_with_party = next((k for k, f in enumerate(fields) if len(f) == 2), None)
    party_first = False
    if first_with_party is not None:
        plain_prefix = [f for f in fields if len(f) == 2 and not f[0].quoted]
        party_first = bool(plain_prefix) and all(_PARTY_CODE.fullmatch(f[0].text) for f in plain_prefix) and any(
            " " in f[1].text.strip() for f in plain_prefix
        )
        example = fields[first_with_party]
        if party_first:
            notes.add(
                "party-first",
                "each name follows a short party code (as in 'Lab \"Ann SMITH\"'): read as the party, then the name",
                rest[first_with_party][0],
            )
        else:
            notes.add(
                "party",
                f"candidate lines give a name and a party/description (e.g. {example[0].text!r}, "
                f"{example[1].text!r}): the name is the candidate, the party is shown beside it",
                rest[first_with_party][0],
            )
    names: list[str] = []
    parties: list[str] = []
    for f in fields:
        if not f:
            names.append("")
            parties.append("")
        elif len(f) == 1:
            names.append(f[0].text)
            parties.append("")
        elif party_first and not f[0].quoted:
            names.append(f[1].text)
            parties.append(f[0].text)
        else:
            names.append(f[0].text)
            parties.append(f[1].text)
    return names, parties, title


def _packed_names(
    rest: list[tuple[int, str]], ncand: int, commas: bool, notes: Warnings, source: str, total: int
) -> tuple[list[str], list[str], str]:
    """Fewer names lines than candidates: the names (and the title) are several to a line, each quoted."""
    if not rest:
        raise CountError(f"the header says {ncand} candidates but no names follow", source=source, line=total)
    names: list[str] = []
    for line, body in rest:
        got = _split_fields(body, commas, source, line) if body.startswith('"') or commas else [_Field(body, False)]
        names.extend(f.text for f in got)
        if len(names) > ncand + 1:
            raise CountError(
                f"the header says {ncand} candidates, but this line brings the names to {len(names)} "
                "(more than the candidates and a title)",
                source=source,
                line=line,
            )
    if len(names) < ncand:
        raise CountError(
            f"the header says {ncand} candidates but only {len(names)} names follow", source=source, line=total
        )
    notes.add("packed", "several names on one line (read in order; parties cannot be told apart there)", rest[0][0])
    title = names[ncand] if len(names) > ncand else ""
    return names[:ncand], [""] * ncand, title


def read_blt(
    path: str | os.PathLike[str], *, allow_equal: bool = False, progress: ProgressFn | None = None
) -> Profile:
    """Read a BLT file into a Profile (its `warnings` name every variant of the format the file uses)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    text, notes = decode_noting(data)
    return parse_blt(text, source=str(path), allow_equal=allow_equal, progress=progress, warnings=notes)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_blt(profile: Profile) -> str:
    """The profile as BLT text (withdrawn candidates on the line after the header; a party after its name)."""
    out = [f"{len(profile.candidates)} {profile.seats or 1}"]
    gone = [f"-{i + 1}" for i, c in enumerate(profile.candidates) if c.withdrawn]
    if gone:
        out.append(" ".join(gone))
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        out.append(" ".join([str(weight), *(str(c + 1) for c in ranking), "0"]))
    out.append("0")
    # one line each: line breaks in a name or title (possible in a Profile built in code) become spaces
    for c in profile.candidates:
        party = " ".join(c.party.split())
        out.append(_quote(" ".join(c.name.split())) + (" " + _quote(party) if party else ""))
    out.append(_quote(" ".join(profile.title.split())))
    return "\n".join(out) + "\n"
