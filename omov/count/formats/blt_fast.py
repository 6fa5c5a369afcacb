"""The BLT reader's fast path: the papers of a plain file parsed with numpy, no Python loop per line.

A plain file is the form most counting programs write: a header, perhaps lines of withdrawn candidates, then one
paper a line made of ASCII digits and spaces only ("1 3 1 4 0"), the line "0", the names and the title. Such a
file's papers section is read as bytes in blocks of a few megabytes: every number is located and converted at
once (vectorised over the block), each line's preferences go into a row of a small integer matrix, identical
rows are grouped (a sort on a packed integer key), and the groups of all blocks are merged in the order of their
first paper, which is the order the line-by-line reader gives them.

Everything else about the file (header, withdrawn candidates, names, title, their errors) is read by the full
parser itself, given the file with its papers section cut out. Whenever the papers are not plain (a comment,
a ballot id, "-", "=", a repeated or unknown candidate, a line with a single number, a weight of more than 18
digits, papers that could add up to more than MAX_PAPERS, any other byte) or the rest of the file has any
problem, `parse_plain` returns None and the full parser reads the whole file, naming the line of any error.
So both paths give the identical Profile (tests/count/test_blt_fast.py checks it on generated and real files).

Up to 15 candidates (a whole ranking packed in one 64-bit key), the papers section is read by a small C
scanner instead, where pip could build it (omov/count/formats/_bltscan.c, an optional extension): one pass over
the bytes, identical papers grouped in a hash table in order of first appearance, so no sort is needed. It gives
up exactly where the numpy path does (a differential fuzz test checks it on arbitrary bytes); without it, numpy
does the same work, about four times slower.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np
import numpy.typing as npt

from omov.count.errors import CountError
from omov.count.profile import MAX_PAPERS, Profile, RankingArrays

CScan = Callable[[bytes, int, int, int], "tuple[bytes, bytes, int, int] | None"]
c_scan: CScan | None
try:  # the papers section in C, where it was built (pip builds it where it finds a C compiler): same answers
    from omov.count.formats._bltscan import scan as c_scan
except ImportError:  # pragma: no cover (then numpy does the same work, a few times slower)
    c_scan = None

ProgressFn = Callable[[int, int], None]
FullParser = Callable[..., Profile]

BLOCK = 512 << 10  # bytes of papers converted at once: the temporary arrays (a few times this) stay in cache
_MAX_TOKEN = 18  # digits: a longer number may not fit an int64 (10**18 - 1 does); the full parser judges it
_MAX_PREFIX_LINES = 1_000  # header, withdrawn candidates, comments and blank lines before the papers
_HEADER = re.compile(r"[0-9]+[ \t]+[0-9]+(?:[ \t]+-?[0-9]+)*")
_WITHDRAWN = re.compile(r"-[0-9]+(?:[ \t]+-?[0-9]+)*")

Grouped = tuple[npt.NDArray[Any], npt.NDArray[np.int64]]  # rows of candidate numbers, and their weights


def parse_plain(
    text: str,
    full: FullParser,
    *,
    source: str = "<blt>",
    allow_equal: bool = False,
    progress: ProgressFn | None = None,
    warnings: tuple[str, ...] = (),
) -> Profile | None:
    """The Profile of a plain BLT text, or None when the full parser must read it (see the module's text).

    `full` is the full parser (omov.count.formats.blt.parse_blt), called with `fast=False` on the file with its
    papers section cut out.
    """
    cut = _papers_section(text)
    if cut is None:
        return None
    start, end = cut
    if text.isascii():  # known without a scan: the whole file once as bytes, not the section copied twice
        data = text.encode("ascii")
    else:
        section = text[start:end]  # names with accents, say: the papers must still be ASCII
        if not section.isascii():
            return None
        data, start, end = section.encode("ascii"), 0, end - start
    try:
        shell = full(text[: cut[0]] + text[cut[1] :], source=source, allow_equal=allow_equal, fast=False,
                     warnings=warnings)  # fmt: skip
    except CountError:
        return None  # the full parser, reading the whole file, names the line
    if shell.rankings:
        return None
    ncand = len(shell.candidates)
    grouped = _grouped_papers(data, start, end, ncand, progress)
    if grouped is None:
        return None
    rows, weights = grouped
    arrays = _arrays(rows, weights, ncand)
    if arrays is None:
        return None
    profile = copy.copy(shell)  # every field the full parser filled in, whatever they are
    if shell.warnings:
        # the shell's line numbers after the cut are short by the papers' lines: say the file's own numbers
        object.__setattr__(profile, "warnings", _renumbered(shell.warnings, text, cut))
    names = {f.name for f in fields(Profile)}
    for key in [k for k in profile.__dict__ if k not in names]:
        del profile.__dict__[key]  # cached properties of the empty shell (its arrays)
    del profile.__dict__["rankings"]  # built from the arrays when first read (Profile.__getattr__)
    object.__setattr__(profile, "weights", tuple(arrays.weights.tolist()))
    profile.__dict__["arrays"] = arrays
    if progress is not None:
        progress(len(text), len(text))
    return profile


_LINE = re.compile(r"\(line (\d+)")


def _renumbered(warnings: tuple[str, ...], text: str, cut: tuple[int, int]) -> tuple[str, ...]:
    """Warnings about the text with its papers section cut out, with line numbers as in the whole text."""
    first = text.count("\n", 0, cut[0]) + 1  # the first line that was cut
    removed = text.count("\n", cut[0], cut[1])

    def fix(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"(line {n + removed if n >= first else n}"

    return tuple(_LINE.sub(fix, w) for w in warnings)


def _papers_section(text: str) -> tuple[int, int] | None:
    """Where the papers are: from the first line after the header and withdrawn lines, to the line "0"."""
    pos = 0
    header = False
    for _ in range(_MAX_PREFIX_LINES):
        nl = text.find("\n", pos)
        if nl < 0:
            return None
        line = text[pos:nl]
        if line.lstrip().startswith('"'):
            return None
        body = line.split("#", 1)[0].strip()
        if not body:
            pos = nl + 1
            continue
        if not header:
            if not _HEADER.fullmatch(body):
                return None
            header = True
        elif not _WITHDRAWN.fullmatch(body):
            break
        pos = nl + 1
    else:
        return None
    # The papers end at the first line "0"; the last one is found far sooner (from the end, past only the names
    # and title). Were they not the same, the section would hold a line "0", a lone number, which neither the C
    # scanner nor the numpy path takes for a plain paper: the full parser would read the file.
    lf = text.rfind("\n0\n", pos - 1)
    end = max(lf, text.rfind("\n0\r\n", max(lf, pos - 1)))  # a CR LF end only after the last LF one
    if end < pos:
        return None  # no papers, or no plain end line: nothing to gain
    return pos, end + 1


def _grouped_papers(data: bytes, pos: int, end: int, ncand: int, progress: ProgressFn | None) -> Grouped | None:
    """The papers in data[pos:end] grouped: rows of 1-based candidate numbers padded with 0, and their weights.

    Each paper's ranking is packed into integer keys (`_packing`), block by block; identical keys are grouped
    once all blocks are read, and the groups put in order of their first paper, as the full parser has them.
    """
    bits, per_word = _packing(ncand)
    if c_scan is not None and ncand * bits <= 63:
        return _c_grouped(data, pos, end, ncand, bits, per_word, progress)
    keys: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.int64] | None] = []  # None: every line of the block is one paper
    papers = 0
    heaviest = 0
    while pos < end:
        stop = end if end - pos <= BLOCK else data.rfind(b"\n", pos, pos + BLOCK) + 1
        if stop <= pos:
            stop = data.find(b"\n", pos) + 1  # a line longer than a block is a block (the section ends with \n)
        block = _parse_block(np.frombuffer(data, dtype=np.uint8, count=stop - pos, offset=pos), ncand)
        if block is None:
            return None
        keys.append(block[0])
        w = block[1]
        ones = bool(w.size) and int(w.min()) == int(w.max()) == 1
        weights.append(None if ones else w)
        papers += w.size
        heaviest = max(heaviest, int(w.max()) if w.size else 0)
        pos = stop
        if progress is not None:
            progress(pos, len(data))
    if heaviest * papers > MAX_PAPERS:
        return None  # the papers might add up to more than a count takes: the full parser finds the line
    words = max(k.shape[1] for k in keys)
    key = np.concatenate([np.pad(k, ((0, 0), (0, words - k.shape[1]))) for k in keys])
    flat: npt.NDArray[Any]
    if words == 1:
        flat = key.reshape(-1)
    else:
        flat = key.view(np.dtype((np.void, 8 * words))).reshape(-1)  # whole rows compared as bytes
    if not flat.size:  # blank lines only
        return _unpack(key, ncand, bits, per_word), np.zeros(0, dtype=np.int64)
    order = np.argsort(flat)  # not stable (twice as fast): each group's first paper is its least index
    ordered = flat[order]
    bounds = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    first = np.minimum.reduceat(order, bounds)
    if all(w is None for w in weights):  # one paper a line, the usual case: a group's size is its total
        totals = np.diff(bounds, append=order.size)
    else:
        each = [np.ones(k.shape[0], dtype=np.int64) if w is None else w for k, w in zip(keys, weights, strict=True)]
        totals = np.add.reduceat(np.concatenate(each)[order], bounds)
    # the groups in order of their first paper: first papers are distinct line numbers, so a scatter sorts them
    rank = np.full(order.size, -1, dtype=np.int64)
    rank[first] = np.arange(first.size)
    by_first = rank[rank >= 0]
    return _unpack(key[first[by_first]], ncand, bits, per_word), totals[by_first]


def _c_grouped(
    data: bytes, pos: int, end: int, ncand: int, bits: int, per_word: int, progress: ProgressFn | None
) -> Grouped | None:
    """`_grouped_papers` by the C scanner, for up to 15 candidates (a whole ranking in one key word).

    It gives up where the numpy path gives up (the C source says how), and groups in a hash table in order of
    first appearance, so the groups come out in the same order without a sort.
    """
    assert c_scan is not None
    found = c_scan(data, pos, end, ncand)
    if found is None:
        return None
    keys, totals, papers, heaviest = found
    if heaviest * papers > MAX_PAPERS:
        return None  # as in `_grouped_papers`: the full parser finds the line
    if progress is not None:
        progress(end, len(data))
    key = np.frombuffer(keys, dtype=np.int64).reshape(-1, 1)
    weights = np.frombuffer(totals, dtype=np.int64).copy()  # writable, as the numpy path's are
    return _unpack(key, ncand, bits, per_word), weights


def _packing(ncand: int) -> tuple[int, int]:
    """Bits per preference and preferences per int64 key word: a candidate's number 1..ncand, 0 for none."""
    bits = max(1, ncand.bit_length())
    return bits, max(1, 63 // bits)


def _unpack(key: npt.NDArray[np.int64], ncand: int, bits: int, per_word: int) -> npt.NDArray[Any]:
    """Rows of 1-based candidate numbers (0 after the last preference) from their packed keys."""
    width = min(ncand, key.shape[1] * per_word)
    rows = np.zeros((key.shape[0], width), dtype=RankingArrays.dtype_for(ncand))
    mask = (1 << bits) - 1
    for k in range(width):
        rows[:, k] = (key[:, k // per_word] >> (bits * (k % per_word))) & mask
    return rows


def _parse_block(
    b: npt.NDArray[np.uint8], ncand: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """One block of whole lines: each paper's packed ranking (see `_packing`) and its weight.

    None if any line is not a plain paper: a byte other than digits, spaces, tabs and line ends, a CR not before
    an LF, a line with one number, a line not ending with the number 0, a number of more than 18 digits, or a
    preference that is not a candidate's number.
    """
    digit = b - np.uint8(48)  # wraps: anything but a digit is 10 or more
    is_digit = digit < 10
    newline = np.flatnonzero(b == 10)
    spaces = int(np.count_nonzero(b == 32))
    tabs = int(np.count_nonzero(b == 9))
    cr = np.flatnonzero(b == 13)
    if int(np.count_nonzero(is_digit)) + newline.size + spaces + tabs + cr.size != b.size:
        return None  # some other byte
    if cr.size and (cr[-1] + 1 >= b.size or not (b[cr + 1] == 10).all()):
        return None  # a lone CR ends a line for the full parser (str.splitlines): not plain
    edge = np.diff(is_digit.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)
    length = ends - starts
    if length.size and int(length.max()) > _MAX_TOKEN:
        return None
    value = digit[starts].astype(np.int64)
    longer = np.flatnonzero(length > 1)
    j = 1
    while longer.size:
        value[longer] = value[longer] * 10 + digit[starts[longer] + j]
        j += 1
        longer = longer[length[longer] > j]
    if newline.size and newline[0] > 0 and bool(is_digit[newline - 1 - (b[newline - 1] == 13)].all()):
        # the usual layout: every line ends with its last number (then CR LF or LF), so no line is blank and
        # the numbers that end lines are those followed by a line end
        last = np.flatnonzero((b[ends] == 10) | (b[ends] == 13))
        first = np.concatenate(([0], last[:-1] + 1))
        count = last - first + 1
    else:
        # numbers before each line's end, less those before the previous line's end: the numbers on each line
        per_line = np.diff(np.searchsorted(starts, newline), prepend=0)
        count = per_line[per_line > 0]  # blank lines have no numbers and are skipped
        first = np.cumsum(count) - count  # index of each paper's weight among the numbers
        last = first + count - 1
    if (count == 1).any():
        return None  # a lone number: an early end of the papers, or a paper without its 0
    if not ((value[last] == 0) & (length[last] == 1)).all():
        return None  # the last number must be "0" (a longer zero, "00", is the full parser's to judge)
    prefs = count - 2
    width = int(prefs.max()) if prefs.size else 0
    if width > ncand:
        return None  # more preferences than candidates: a repeat, which the full parser handles
    bits, per_word = _packing(ncand)
    if not count.size:
        return np.zeros((0, 1), dtype=np.int64), np.zeros(0, dtype=np.int64)  # blank lines only
    if (width + 1) * bits < 64:
        # one key word: the k-th preference (k = 1, 2...) shifted k slots up, summed over each line, then the whole
        # shifted one slot down. A number's place on its line comes from one running sum: +1 a number, and at
        # each line's first number minus the previous line's count, so that it starts again from 0.
        step = np.ones(value.size, dtype=np.int64)
        step[first[1:]] = 1 - count[:-1]
        step[0] = 0
        place = np.cumsum(step)  # 0 for the weight, 1 for the first preference... count-1 for the closing 0
        prefs_only = value.copy()
        prefs_only[first] = 0  # the weights count for nothing in the key (the closing 0s add 0)
        if int(np.count_nonzero(prefs_only == 0)) != 2 * count.size or int(prefs_only.max()) > ncand:
            return None  # a preference 0, or a number higher than the candidates
        place *= bits
        key = np.add.reduceat(prefs_only << place, first) >> bits
        return key.reshape(-1, 1), value[first]
    key = np.zeros((count.size, -(-width // per_word)), dtype=np.int64)
    at = np.arange(count.size)
    for k in range(width):  # the (k+1)th preference of the papers that have one
        at = at[prefs[at] > k]
        chosen = value[first[at] + (k + 1)]
        if int(chosen.min()) < 1 or int(chosen.max()) > ncand:
            return None  # not a candidate's number
        key[at, k // per_word] |= chosen << (bits * (k % per_word))
    return key, value[first]


def _arrays(rows: npt.NDArray[Any], weights: npt.NDArray[np.int64], ncand: int) -> RankingArrays | None:
    """The grouped rows (already in order of first appearance) as the count's arrays; None on a repeat."""
    if _repeats(rows, ncand):
        return None  # a paper names a candidate twice: the full parser decides what counts
    lengths = np.count_nonzero(rows, axis=1).astype(np.int64)
    width = int(lengths.max()) if lengths.size else 0
    matrix = (rows[:, :width] - 1).astype(RankingArrays.dtype_for(ncand))  # the 0 padding becomes -1
    for a in (matrix, lengths, weights):
        a.flags.writeable = False
    return RankingArrays(matrix, lengths, weights)


def _repeats(rows: npt.NDArray[Any], ncand: int) -> bool:
    """Does any row name a candidate twice?"""
    if rows.shape[1] < 2:
        return False
    if ncand > 62:
        s = np.sort(rows, axis=1)
        return bool(((s[:, 1:] == s[:, :-1]) & (s[:, 1:] > 0)).any())
    bits = np.zeros(ncand + 1, dtype=np.int64)  # candidate c's bit; 0 for no preference
    bits[1:] = np.left_shift(1, np.arange(ncand, dtype=np.int64))
    seen = np.zeros(rows.shape[0], dtype=np.int64)
    for k in range(rows.shape[1]):
        bit = bits[rows[:, k]]
        if (seen & bit).any():
            return True
        seen |= bit
    return False
