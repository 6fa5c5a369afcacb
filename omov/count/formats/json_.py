"""Ranked ballots as one JSON object (documented in docs/formats.md):

    {
      "format": "omov-ballots", "version": 1,          optional on reading
      "title": "Ward 7", "seats": 3,                    optional
      "candidates": ["Ann", "Bob", "Cat"],              required, unique names
      "withdrawn": ["Cat"],                             optional
      "invalid": 0,                                     optional: papers rejected outright
      "ballots": [                                      required
        {"ranking": ["Ann", "Bob"], "weight": 3},       weight optional (default 1)
        {"ranking": ["Bob", ["Ann", "Cat"]]},           a list inside: equal rankings, if the rule allows
        {"ranking": []}                                 a paper with no valid preference
      ]
    }

Every problem is a CountError naming the file and the line (of the ballot at fault, where it can be found).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

from omov.count.errors import CountError
from omov.count.formats.blt import decode
from omov.count.profile import MAX_PAPERS, Candidate, Profile, too_many_papers

ProgressFn = Callable[[int, int], None]
FORMAT = "omov-ballots"
VERSION = 1

_BALLOTS = re.compile(r'"ballots"\s*:\s*\[')


def _key_line(text: str, key: str) -> int | None:
    """The line of the first `"key":` in the text (a top-level key's, in any file omov or a person writes)."""
    m = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _ballot_line(text: str, number: int) -> int | None:
    """The line on which ballot `number` (0-based) starts, found by walking the "ballots" array."""
    m = _BALLOTS.search(text)
    if m is None:
        return None
    decoder = json.JSONDecoder()
    pos = m.end()
    for i in range(number + 1):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if i == number:
            return text.count("\n", 0, pos) + 1
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return None
    return None


def parse_json(
    text: str, *, source: str = "<json>", allow_equal: bool = False, progress: ProgressFn | None = None
) -> Profile:
    """Parse JSON ballots into a Profile."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CountError(f"not valid JSON: {exc.msg} (column {exc.colno})", source=source, line=exc.lineno) from None
    except ValueError:
        # json turns each number into an int with int(), which refuses more than sys.get_int_max_str_digits()
        long = re.search(f"[0-9]{{{max(sys.get_int_max_str_digits(), 1)},}}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else None
        raise CountError(
            "a number in the file is far too large (thousands of digits)", source=source, line=line
        ) from None
    except RecursionError:
        raise CountError(
            "the JSON is nested too deeply (thousands of brackets inside brackets): a ballot file has a list of "
            "ballots, each a list of candidates",
            source=source,
            line=1,
        ) from None
    if not isinstance(doc, dict):
        raise CountError("expected a JSON object with candidates and ballots", source=source, line=1)
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        raise CountError(f'"format" is {fmt!r}, expected {FORMAT!r}', source=source, line=_key_line(text, "format"))
    version = doc.get("version", VERSION)
    if not isinstance(version, int) or version > VERSION:
        raise CountError(
            f"ballot format version {version!r} is newer than this reader ({VERSION})",
            source=source,
            line=_key_line(text, "version"),
        )

    def top(message: str) -> CountError:
        # the line of the key the message starts with ('"seats" must be ...'), where it can be found
        key = re.match(r'"([a-z]+)"', message)
        return CountError(message, source=source, line=_key_line(text, key.group(1)) if key else None)

    raw_names = doc.get("candidates")
    if not isinstance(raw_names, list) or not raw_names or not all(isinstance(n, str) for n in raw_names):
        raise top('"candidates" must be a non-empty list of names')
    names = [" ".join(n.split()) for n in raw_names]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise top(f'"candidates" names {", ".join(dupes)} more than once')
    index = {n: i for i, n in enumerate(names)}
    withdrawn = doc.get("withdrawn", [])
    if not isinstance(withdrawn, list) or not all(isinstance(n, str) for n in withdrawn):
        raise top('"withdrawn" must be a list of candidate names')
    for n in withdrawn:
        if " ".join(n.split()) not in index:
            raise top(f'"withdrawn" names {n!r}, who is not a candidate')
    gone = {" ".join(n.split()) for n in withdrawn}
    seats = doc.get("seats")
    if seats is not None and (not isinstance(seats, int) or isinstance(seats, bool) or seats < 1):
        raise top(f'"seats" must be a whole number of at least 1, found {seats!r}')
    title = doc.get("title", "")
    if not isinstance(title, str):
        raise top('"title" must be text')
    invalid = doc.get("invalid", 0)
    if not isinstance(invalid, int) or isinstance(invalid, bool) or invalid < 0:
        raise top(f'"invalid" must be a whole number, found {invalid!r}')
    ballots = doc.get("ballots")
    if not isinstance(ballots, list):
        raise top('"ballots" must be a list of {"ranking": [...], "weight": n} objects')

    grouped: dict[tuple[int, ...], int] = {}
    papers = 0  # the running total, held to MAX_PAPERS ballot by ballot
    total = len(ballots)
    tick = max(1, total // 200)
    for number, ballot in enumerate(ballots):
        if progress is not None and number % tick == 0:
            progress(number, total)
        try:
            key, weight = _ballot(ballot, index, allow_equal)
        except ValueError as exc:
            raise CountError(
                f"ballot {number + 1}: {exc}", source=source, line=_ballot_line(text, number)
            ) from None
        papers += weight
        if papers > MAX_PAPERS:
            raise too_many_papers(source=source, line=_ballot_line(text, number))
        grouped[key] = grouped.get(key, 0) + weight
    if progress is not None:
        progress(total, total)
    return Profile(
        tuple(Candidate(n, n in gone) for n in names),
        tuple(grouped),
        tuple(grouped.values()),
        seats=seats,
        title=title,
        invalid=invalid,
    )


def _ballot(ballot: Any, index: dict[str, int], allow_equal: bool) -> tuple[tuple[int, ...], int]:
    if isinstance(ballot, list):
        ranking_raw: Any = ballot
        weight: Any = 1
    elif isinstance(ballot, dict):
        unknown = set(ballot) - {"ranking", "weight", "id"}
        if unknown:
            raise ValueError(f"unexpected key {sorted(unknown)[0]!r} (a ballot has ranking and weight)")
        if "ranking" not in ballot:
            raise ValueError('no "ranking"')
        ranking_raw = ballot["ranking"]
        weight = ballot.get("weight", 1)
    else:
        raise ValueError('expected {"ranking": [...], "weight": n}')
    if not isinstance(weight, int) or isinstance(weight, bool):
        raise ValueError(f"the weight must be a whole number of papers, found {weight!r}")
    if weight < 0:
        raise ValueError(f"the weight cannot be negative (found {weight})")
    if not isinstance(ranking_raw, list):
        raise ValueError('"ranking" must be a list of candidate names')
    out: list[int] = []
    for item in ranking_raw:
        group = item if isinstance(item, list) else [item]
        if isinstance(item, list) and len(item) > 1 and not allow_equal:
            raise ValueError(f"equal rankings ({', '.join(map(str, item))}) are not allowed under this rule")
        for name in group:
            if not isinstance(name, str):
                raise ValueError(f"expected a candidate's name, found {name!r}")
            c = index.get(" ".join(name.split()))
            if c is None:
                raise ValueError(f"ranks {name!r}, who is not a candidate")
            if c in out:
                raise ValueError(f"ranks {name!r} twice")
            out.append(c)
    return tuple(out), weight


def read_json(path: str, *, allow_equal: bool = False, progress: ProgressFn | None = None) -> Profile:
    """Read a JSON ballot file into a Profile."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    return parse_json(decode(data), source=str(path), allow_equal=allow_equal, progress=progress)


def write_json(profile: Profile, *, indent: int | None = None) -> str:
    """The profile as JSON ballots text (one ballot a line when `indent` is None)."""
    names = profile.names
    head: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "title": profile.title,
        "seats": profile.seats,
        "candidates": list(names),
        "withdrawn": [c.name for c in profile.candidates if c.withdrawn],
        "invalid": profile.invalid,
    }
    if indent is not None:
        doc = {
            **head,
            "ballots": [
                {"ranking": [names[c] for c in r], "weight": w}
                for r, w in zip(profile.rankings, profile.weights, strict=True)
            ],
        }
        return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "ballots": [']
    rows = [
        json.dumps({"ranking": [names[c] for c in r], "weight": w}, ensure_ascii=False)
        for r, w in zip(profile.rankings, profile.weights, strict=True)
    ]
    lines.append(",\n".join(rows))
    lines.append("]}")
    return "\n".join(lines) + "\n"
