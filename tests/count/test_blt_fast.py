"""The BLT reader's fast path (omov/count/formats/blt_fast.py) gives exactly the full parser's Profile.

Every test reads the same text both ways: `parse_blt(text)` (the fast path when the file is plain, else the full
parser) and `parse_blt(text, fast=False)` (always the full parser). Either both raise the same CountError (same
message, same line) or both give equal Profiles, down to the order of the rankings and the array form the counts
read. Separate tests check that the fast path is really taken for plain files, so that the comparisons are not
between two runs of the full parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.count import CountError, parse_blt
from omov.count.formats import blt_fast
from omov.count.formats.blt import decode
from omov.count.formats.blt_fast import parse_plain


@pytest.fixture(scope="module", autouse=True, params=["c", "numpy"])
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test twice: with the C scanner (omov/count/formats/_bltscan.c, up to 15 candidates) and without it
    (numpy only, as on a machine where it could not be built)."""
    saved = blt_fast.c_scan
    if request.param == "c" and saved is None:
        pytest.fail("the C scanner was not built (pip builds it where it finds a C compiler)")
    if request.param == "numpy":
        blt_fast.c_scan = None
    yield request.param
    blt_fast.c_scan = saved


def _outcome(text: str, *, fast: bool) -> tuple[str, object]:
    try:
        p = parse_blt(text, source="f.blt", fast=fast)
    except CountError as exc:
        return "error", (str(exc), exc.line)
    return "profile", p


def _same(text: str) -> tuple[str, object]:
    """Both paths give the same outcome; returns it."""
    fast, full = _outcome(text, fast=True), _outcome(text, fast=False)
    assert fast[0] == full[0], (fast, full)
    if fast[0] == "profile":
        a, b = fast[1], full[1]
        assert a == b
        assert a.warnings == b.warnings  # type: ignore[attr-defined]  (not part of a Profile's equality)
        assert isinstance(a, type(b))
        for name in ("matrix", "lengths", "weights"):
            x, y = getattr(a.arrays, name), getattr(b.arrays, name)  # type: ignore[attr-defined]
            assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y)
        assert a.weights == b.weights and all(type(w) is int for w in a.weights)  # type: ignore[attr-defined]
    else:
        assert fast[1] == full[1]
    return fast


def _blt(ncand: int, papers: list[tuple[int, list[int]]], *, sep: str = " ", eol: str = "\n", head: str = "",
         blank: bool = False, withdrawn: str = "", trailing: str = "") -> str:
    lines = [f"{head}{ncand} 2"]
    if withdrawn:
        lines.append(withdrawn)
    for i, (w, r) in enumerate(papers):
        lines.append(sep.join([str(w), *map(str, r), "0"]) + trailing)
        if blank and i % 3 == 1:
            lines.append("")
    lines.append("0")
    lines += [f'"C{i + 1}"' for i in range(ncand)]
    lines.append('"Title"')
    return eol.join(lines) + eol


@st.composite
def plain_files(draw: st.DrawFn) -> tuple[int, list[tuple[int, list[int]]]]:
    ncand = draw(st.sampled_from([1, 3, 5, 12, 15, 16, 40, 70]))
    ranking = st.lists(st.integers(1, ncand), unique=True, max_size=min(ncand, 8))
    weight = st.one_of(st.integers(0, 3), st.integers(0, 10**12))
    papers = draw(st.lists(st.tuples(weight, ranking), min_size=1, max_size=30))
    return ncand, papers


@settings(max_examples=120, deadline=None)
@given(plain_files(), st.sampled_from([" ", "  ", "\t", " \t"]), st.sampled_from(["\n", "\r\n"]), st.booleans(),
       st.sampled_from(["", " ", "  "]))
def test_plain_files_take_the_fast_path_and_give_the_full_parsers_profile(
    file: tuple[int, list[tuple[int, list[int]]]], sep: str, eol: str, blank: bool, trailing: str
) -> None:
    ncand, papers = file
    text = _blt(ncand, papers, sep=sep, eol=eol, blank=blank, trailing=trailing)
    assert parse_plain(text, parse_blt, source="f.blt") is not None  # the fast path is taken
    assert _same(text)[0] == "profile"


@settings(max_examples=40, deadline=None)
@given(plain_files())
def test_papers_across_many_blocks_merge_in_order_of_first_appearance(
    file: tuple[int, list[tuple[int, list[int]]]]
) -> None:
    ncand, papers = file
    text = _blt(ncand, papers * 3)
    old = blt_fast.BLOCK
    blt_fast.BLOCK = 16  # a few lines a block: groups of later blocks merge into earlier ones
    try:
        assert parse_plain(text, parse_blt) is not None
        assert _same(text)[0] == "profile"
    finally:
        blt_fast.BLOCK = old


# one odd line, anywhere among plain ones: the fast path must step aside and the full parser decide
_ODD = [
    "1 2 2 0", "1 1 2 1 0", "1 9 0", "1 0 2 0", "1 2", "7", " 0", "0 ", "00", "1 2 00", "1 02 0", "01 2 0",
    "1 2 0 # note", "# note", "(a1) 1 2 0", "1 2=3 0", "1 - 2 0", "-1", "1 -2 0", "+1 2 0", "1 ٣ 0",
    "1\x0c2 0", "1 2\r0", "1 2 0\x0b", "1 2 0\x85", "1 x 0", "1234567890123456789 1 0", "999999999999999999 1 0",
    "0001 3 0", '"A"', "1 1 0 0", "1 2 3 4 5 6 0",
]


@settings(max_examples=150, deadline=None)
@given(plain_files(), st.sampled_from(_ODD), st.integers(0, 40), st.sampled_from(["\n", "\r\n"]))
def test_an_odd_line_gives_the_same_profile_or_the_same_error(
    file: tuple[int, list[tuple[int, list[int]]]], odd: str, where: int, eol: str
) -> None:
    ncand, papers = file
    text = _blt(max(ncand, 3), papers, eol=eol)
    lines = text.split(eol)
    at = 1 + where % (len(papers) + 1)
    lines.insert(at, odd)
    _same(eol.join(lines))


@pytest.mark.parametrize(
    "text",
    [
        "3 1\n1 1 2 0\n0\nA\nB\nC\n",
        "3 1\n-2\n1 1 2 0\n2 3 0\n0\nA\nB\nC\nT\n",
        "3 1 -2\n1 1 2 0\n0\n\"A\" \"B\" \"C\" \"T\"\n",
        "# made by hand\n\n3 1\n\n1 1 2 0\n\n0 0\n0\nA\nB\nC\n",
        "3 1\n1 1 2 0\n0\nA\nB\n",  # a name missing
        "3 1\n1 1 2 0\n0\nA\nB\nC\nT\nextra\n",  # a line too many
        "3 1\n-4\n1 1 2 0\n0\nA\nB\nC\n",  # withdrawn candidate not on the ballot
        "3 0\n1 1 2 0\n0\nA\nB\nC\n",  # no seats
        "3 1\n1 1 2 0\n0\nA\n2020\nC\n",  # a number for a name
        "3 1\n1 1 2 0\n0\nA\nA\nC\n",  # the same name twice
        "3 1\n1 1 2 0\n1 3 0",  # no end
        "3 1\r\n1 1 2 0\r\n0\r\nA\r\nB\r\nC\r\n",
        "3 1\n1 1 2 0\n0\n\"Zoë\"\nB\nC\n",
        "3 1\n1 1 2 0\n0\r\nA\nB\nC\n",
        "2 1\n" + "1 1 2 0\n" * 20 + "1 2 0\n0\nA\nB\n",
        "2 1\n" + "500000000000000000 1 0\n" * 3 + "0\nA\nB\n",  # more than a count takes
        "2 1\n0 0\n0\nA\nB\n",
        "2 1\n" + "999999999999999999 1 0\n" * 10 + "0\nA\nB\n",  # totals past 2**63 - 1
        "2 1\n1 1 0\n0\n1 2 0\n0\nA\nB\n",  # two lines "0": the papers end at the first
        "2 1\n1 1 0\n0\nA\nB\n0\n",  # a line "0" after the names
        "2 1\r\n1 1 0\r\n0\r\nA\r\nB\r\n0\n",
    ],
)
def test_edge_files_agree(text: str) -> None:
    _same(text)


def test_the_real_council_files_take_the_fast_path_and_agree(scottish_data: Path) -> None:
    files = sorted((scottish_data / "ballots").glob("*.blt"))
    data = Path(__file__).parent / "data"
    variants = data / "blt_variants"  # written to exercise the full parser: every one has an unusual papers line
    files += sorted(f for f in data.glob("**/*.blt") if variants not in f.parents)
    assert len(files) > 300
    for f in files:
        text = decode(f.read_bytes())
        assert parse_plain(text, parse_blt, source=str(f)) is not None, f
        assert _same(text)[0] == "profile", f
    for f in sorted(variants.glob("*.blt")):  # fast path or not, the same answer
        text = decode(f.read_bytes())
        assert _same(text)[0] in ("profile", "error"), f


def test_a_large_generated_file_agrees_and_counts_the_same() -> None:
    from omov.count import count

    rng = np.random.default_rng(7)
    ncand = 12
    orders = np.argsort(rng.random((20_000, ncand)), axis=1) + 1
    lengths = rng.integers(0, ncand + 1, orders.shape[0])
    lines = [" ".join(["1", *map(str, row[:k]), "0"]) for row, k in zip(orders.tolist(), lengths.tolist(),
                                                                      strict=True)]
    text = f"{ncand} 3\n" + "\n".join(lines) + "\n0\n" + "".join(f'"C{i}"\n' for i in range(ncand))
    assert parse_plain(text, parse_blt) is not None
    _, fast = _same(text)
    full = parse_blt(text, fast=False)
    a = count(fast, "ers97", seed="x")  # type: ignore[arg-type]
    b = count(full, "ers97", seed="x")
    assert a.elected_names == b.elected_names and len(a.stages) == len(b.stages)


def test_the_fast_paths_profile_builds_its_tuples_only_when_read_and_behaves_as_any_other() -> None:
    import copy
    import pickle
    from dataclasses import replace

    text = _blt(4, [(2, [1, 2]), (1, [3]), (1, [1, 2]), (0, []), (5, [4, 3, 2, 1])])
    fast, full = parse_blt(text), parse_blt(text, fast=False)
    assert "rankings" not in fast.__dict__  # the counts read the arrays; nothing built the tuples yet
    assert fast.papers == full.papers == 9
    assert pickle.loads(pickle.dumps(fast)) == full
    assert copy.deepcopy(fast) == full
    assert fast.withdraw("C2") == full.withdraw("C2")
    assert replace(fast, title="New") == replace(full, title="New")
    assert fast.continuing_rankings() == full.continuing_rankings()
    assert fast.rankings == full.rankings == ((0, 1), (2,), (), (3, 2, 1, 0))
    assert "rankings" in fast.__dict__  # built once, kept
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        fast.nothing  # type: ignore[attr-defined]  # noqa: B018


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["0", "1", "2", "3", "9", "12", "15", "16", "00", "07", "999999999999999999",
                                 "1234567890123456789", " ", "  ", "\t", "\n", "\r\n", "\r", "x", "-"]),
                max_size=60),
       st.integers(1, 15))
def test_the_c_scanner_and_numpy_agree_on_any_bytes(parts: list[str], ncand: int) -> None:
    """Differential fuzz: on any papers section, the C scanner gives up exactly where numpy (with the repeat
    check that follows it) does, and otherwise gives the same groups in the same order."""
    try:
        from omov.count.formats._bltscan import scan
    except ImportError:
        pytest.fail("the C scanner was not built (pip builds it where it finds a C compiler)")
    data = ("".join(parts) + "\n").encode("ascii")

    def grouped(c: object) -> tuple[list[list[int]], list[int]] | None:
        saved = blt_fast.c_scan
        blt_fast.c_scan = c  # type: ignore[assignment]
        try:
            found = blt_fast._grouped_papers(data, 0, len(data), ncand, None)
        finally:
            blt_fast.c_scan = saved
        if found is None or blt_fast._arrays(found[0], found[1], ncand) is None:
            return None
        return found[0].tolist(), found[1].tolist()

    assert grouped(scan) == grouped(None)
