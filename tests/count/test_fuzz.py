"""Fuzzing the counting engine: every reader (BLT, CSV, JSON) and every rule option, on mutated real files.

Each input either gives a CountError that names the file (and, for the BLT reader, the line), or reads into a
profile whose count under any rule conserves the votes at every stage, never goes negative, elects at most the
seats, and renders in every sheet format (the JSON reading back to the same count). Anything else (a
traceback, an "internal" error) fails the test. The mutations start from real ballot files: the smallest wards
of the Scottish 2012 and 2017 data in /work/shared/data/scottish-stv, with bytes flipped, inserted or deleted,
and tokens replaced by hostile ones (numbers in other scripts, "1_0", huge weights, stray zeros and quotes).

Bounded: a hundred examples per test (the whole module runs in well under a minute on one core); set
OMOV_FUZZ_EXAMPLES for a deeper run by hand.
"""

import json
import os
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from omov.count import Constraint, Count, CountError, Profile, count, parse_blt, preset, sheet
from omov.count.formats.blt import decode, write_blt
from omov.count.formats.csv_ import parse_csv, write_csv
from omov.count.formats.json_ import parse_json, write_json
from omov.count.profile import MAX_PAPERS

SHARED = Path(os.environ.get("OMOV_SHARED", Path(__file__).resolve().parents[3] / "shared"))
BALLOTS = SHARED / "data" / "scottish-stv" / "ballots"
# the smallest real wards (a few kilobytes each), so that every example counts in milliseconds
WARDS = sorted(BALLOTS.glob("*.blt"), key=lambda p: p.stat().st_size)[:12] if BALLOTS.is_dir() else []

RULES = ("fptp", "bloc", "approval", "irv", "scottish", "wigm", "ers97", "meek")
# OMOV_FUZZ_EXAMPLES=2000 for a deeper run by hand; CI keeps the default
EXAMPLES = int(os.environ.get("OMOV_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HOSTILE_TOKENS = [
    "0", "00", "-1", "-0", "+1", "1_0", "\u0663", "\uff15", "\u00b2", "2=3", "=", "(", ")", '"', '""', "#",
    "99999999999999999999", str(MAX_PAPERS), str(2**63), "9" * 400, "1.5", "NaN", "x", "\t", "\u200b", "\x00",
    '"0"', "=HYPERLINK(1)",
]


def test_the_real_wards_are_there():
    assert len(WARDS) == 12, f"shared data not found at {BALLOTS} (set OMOV_SHARED)"


# --- what a valid result must satisfy ----------------------------------------------------------------------------


def _note(label: str) -> None:
    """Count what happened, for --hypothesis-show-statistics (only inside a hypothesis test)."""
    if currently_in_test_context():
        event(label)


def check_result(result: Count, profile: Profile) -> None:
    """Votes conserved at every stage, nothing negative, at most the seats elected, every rendering works."""
    assert len(result.elected) <= result.seats
    assert len(set(result.elected)) == len(result.elected)
    for stage in result.stages:
        assert all(v >= 0 for v in stage.votes), stage
        assert sum(stage.votes, Fraction(0)) + stage.non_transferable + stage.loss == result.valid, stage.number
    for fmt in sheet.FORMATS:
        assert sheet.render(result, fmt)
    assert sheet.from_json(sheet.render_json(result)) == result


def count_or_refuse(profile: Profile, rule_name: str, seats: int, **options: object) -> None:
    """Count under the rule (with options); a CountError is a fine answer, as long as it is not 'internal'."""
    rule = preset(rule_name).with_(**options) if options else preset(rule_name)
    if rule_name in {"irv", "fptp"}:
        seats = 1
    try:
        result = count(profile, rule, seats=seats, seed="fuzz")
    except CountError as exc:
        assert "internal" not in str(exc), str(exc)
        _note("count refused")
        return
    _note("counted")
    check_result(result, profile)


def read_or_refuse(reader, text: str, source: str, *, want_line: bool) -> Profile | None:
    try:
        profile = reader(text, source=source)
        _note("read")
        return profile
    except CountError as exc:
        _note("refused")
        assert exc.source == source, str(exc)
        assert "internal" not in str(exc)
        if want_line:
            assert exc.line is not None, str(exc)
        return None


# --- mutated real BLT files --------------------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw) -> tuple[str, bytes]:
    path = draw(st.sampled_from(WARDS)) if WARDS else None
    data = bytearray(path.read_bytes() if path else b"2 1\n1 1 0\n0\nA\nB\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and data:
            del data[at : at + draw(st.integers(1, 8))]
        elif kind == "truncate":
            del data[at:]
    return (path.name if path else "tiny.blt"), bytes(data)


@st.composite
def mutated_tokens(draw) -> tuple[str, str]:
    path = draw(st.sampled_from(WARDS)) if WARDS else None
    lines = (path.read_text(encoding="utf-8") if path else "2 1\n1 1 0\n0\nA\nB\n").splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["replace", "insert-token", "drop-token", "dup-line", "drop-line", "new-line"]))
        tokens = lines[i].split()
        if kind == "replace" and tokens:
            tokens[draw(st.integers(0, len(tokens) - 1))] = draw(st.sampled_from(HOSTILE_TOKENS))
        elif kind == "insert-token":
            tokens.insert(draw(st.integers(0, len(tokens))), draw(st.sampled_from(HOSTILE_TOKENS)))
        elif kind == "drop-token" and tokens:
            del tokens[draw(st.integers(0, len(tokens) - 1))]
        elif kind == "dup-line":
            lines.insert(i, lines[i])
            continue
        elif kind == "drop-line":
            del lines[i]
            if not lines:
                lines = ["0"]
            continue
        elif kind == "new-line":
            lines.insert(i, " ".join(draw(st.lists(st.sampled_from(HOSTILE_TOKENS), min_size=1, max_size=3))))
            continue
        lines[i] = " ".join(tokens)
    return (path.name if path else "tiny.blt"), "\n".join(lines) + "\n"


def _count_profile(profile: Profile, rule_name: str) -> None:
    count_or_refuse(profile, rule_name, profile.seats or 1)


@FUZZ
@given(case=mutated_bytes(), rule=st.sampled_from(RULES))
def test_real_blt_files_with_bytes_flipped_inserted_or_deleted(case, rule):
    name, data = case
    profile = read_or_refuse(parse_blt, decode(data), name, want_line=True)
    if profile is not None:
        _count_profile(profile, rule)


@FUZZ
@given(case=mutated_tokens(), rule=st.sampled_from(RULES))
def test_real_blt_files_with_hostile_tokens(case, rule):
    name, text = case
    profile = read_or_refuse(parse_blt, text, name, want_line=True)
    if profile is not None:
        _count_profile(profile, rule)


# --- CSV and JSON built from real files, then mutated ------------------------------------------------------------


def _real_profile(index: int) -> Profile:
    return parse_blt(WARDS[index].read_text(encoding="utf-8"), source=WARDS[index].name)


def _mutate_text(draw, text: str) -> str:
    chars = list(text)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(chars) - 1, 0)))
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        piece = draw(st.one_of(st.sampled_from(HOSTILE_TOKENS), st.text(max_size=3)))
        if kind == "replace" and chars:
            chars[at : at + len(piece)] = list(piece)
        elif kind == "insert":
            chars[at:at] = list(piece)
        elif chars:
            del chars[at : at + draw(st.integers(1, 6))]
    return "".join(chars)


@FUZZ
@given(data=st.data(), layout=st.sampled_from(["ranks", "ranking"]), rule=st.sampled_from(RULES))
def test_csv_of_real_wards_mutated(data, layout, rule):
    assert WARDS
    profile = _real_profile(data.draw(st.integers(0, len(WARDS) - 1)))
    text = _mutate_text(data.draw, write_csv(profile, layout=layout))
    again = read_or_refuse(parse_csv, text, "ward.csv", want_line=False)
    if again is not None:
        _count_profile(again, rule)


@FUZZ
@given(data=st.data(), rule=st.sampled_from(RULES))
def test_json_of_real_wards_mutated(data, rule):
    assert WARDS
    profile = _real_profile(data.draw(st.integers(0, len(WARDS) - 1)))
    text = _mutate_text(data.draw, write_json(profile))
    again = read_or_refuse(parse_json, text, "ward.json", want_line=False)
    if again is not None:
        _count_profile(again, rule)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


HOSTILE_DOCUMENTS = st.fixed_dictionaries(
    {
        "candidates": st.one_of(
            st.just(["A", "B", "C"]),
            st.lists(st.sampled_from(["A", "B", "C", " A ", "", "=x"]), max_size=4),
            JSON_VALUES,
        ),
        "ballots": st.one_of(
            st.lists(
                st.one_of(
                    st.fixed_dictionaries(
                        {"ranking": st.lists(st.sampled_from(["A", "B", "C", "Z", 1, None, ["A", "B"]]), max_size=3)},
                        optional={"weight": st.one_of(st.integers(0, 10**19), JSON_VALUES), "id": JSON_VALUES},
                    ),
                    st.lists(st.sampled_from(["A", "B", "C"]), max_size=3),
                    JSON_VALUES,
                ),
                max_size=5,
            ),
            JSON_VALUES,
        ),
    },
    optional={
        "seats": st.one_of(st.integers(-1, 10**30), JSON_VALUES),
        "invalid": st.one_of(st.integers(-1, 10**30), JSON_VALUES),
        "withdrawn": st.one_of(st.lists(st.sampled_from(["A", "B", "Q"]), max_size=2), JSON_VALUES),
        "title": st.one_of(st.text(max_size=6), JSON_VALUES),
        "format": st.sampled_from(["omov-ballots", "other"]),
        "version": st.one_of(st.integers(0, 3), JSON_VALUES),
    },
)


@FUZZ
@given(doc=HOSTILE_DOCUMENTS, rule=st.sampled_from(RULES))
def test_json_documents_of_any_shape(doc, rule):
    profile = read_or_refuse(parse_json, json.dumps(doc, allow_nan=True), "doc.json", want_line=False)
    if profile is not None:
        _count_profile(profile, rule)


# --- every rule option --------------------------------------------------------------------------------------------

OPTIONS = {
    "wigm": st.fixed_dictionaries(
        {
            "quota": st.sampled_from(["droop", "droop-exact", "hare", "none"]),
            "decimals": st.one_of(st.none(), st.integers(-2, 20)),
            "ties": st.lists(st.sampled_from(["backwards", "forwards", "lot", "dice"]), max_size=3).map(tuple),
            "extra": st.fixed_dictionaries(
                {},
                optional={
                    "rounding": st.sampled_from(["down", "nearest", "up"]),
                    "empty_papers": st.sampled_from(["invalid", "non-transferable", "x"]),
                },
            ),
        }
    ),
    "ers97": st.fixed_dictionaries(
        {
            "decimals": st.one_of(st.none(), st.integers(-2, 20)),
            "ties": st.lists(st.sampled_from(["backwards", "forwards", "lot"]), max_size=3).map(tuple),
        }
    ),
    "meek": st.fixed_dictionaries(
        {
            "meek_precision": st.integers(-1, 30),
            "meek_omega": st.sampled_from(["0.000001", "0", "1", "NaN", "1e-9", "-0.1", "\u0660.1", "0.5"]),
            "extra": st.fixed_dictionaries(
                {},
                optional={
                    "meek_arithmetic": st.sampled_from(["guarded", "fixed", "float"]),
                    "meek_guard": st.one_of(st.integers(-1, 12), st.just("3")),
                    "meek_batch_defeat": st.sampled_from(["safe", "none"]),
                },
            ),
        }
    ),
    "irv": st.fixed_dictionaries(
        {
            "batch_exclusion": st.booleans(),
            "ties": st.lists(st.sampled_from(["backwards", "forwards", "lot"]), max_size=3).map(tuple),
        }
    ),
    "bloc": st.fixed_dictionaries({"max_marks": st.one_of(st.none(), st.integers(-1, 6))}),
    "scottish": st.fixed_dictionaries({"ties": st.sampled_from([("backwards", "lot"), ("lot",)])}),
    "fptp": st.just({}),
    "approval": st.just({}),
}


@FUZZ
@given(
    data=st.data(),
    rule=st.sampled_from(RULES),
    seats=st.integers(1, 5),
    group=st.lists(st.integers(0, 11), max_size=4, unique=True),
    minimum=st.integers(0, 3),
    maximum=st.one_of(st.none(), st.integers(0, 4)),
)
def test_every_rule_option_on_real_wards(data, rule, seats, group, minimum, maximum):
    assert WARDS
    profile = _real_profile(data.draw(st.integers(0, len(WARDS) - 1)))
    options = dict(data.draw(OPTIONS[rule]))
    members = frozenset(profile.names[i] for i in group if i < len(profile.names))
    if members and (maximum is None or maximum >= minimum):
        options["constraints"] = (Constraint("group", members, minimum, maximum),)
    count_or_refuse(profile, rule, seats, **options)


# --- the writers round-trip what the readers accept ---------------------------------------------------------------


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(["blt", "csv-ranks", "csv-ranking", "json"]))
def test_real_wards_survive_every_writer_and_reader(data, fmt):
    assert WARDS
    profile = _real_profile(data.draw(st.integers(0, len(WARDS) - 1)))
    if data.draw(st.booleans()):
        profile = profile.withdraw(data.draw(st.sampled_from(profile.names)))
    if fmt == "blt":
        again = parse_blt(write_blt(profile))
    elif fmt == "json":
        again = parse_json(write_json(profile))
    else:
        again = parse_csv(write_csv(profile, layout=fmt.removeprefix("csv-")))
    assert set(again.names) == set(profile.names) and again.title == profile.title
    assert again.papers == profile.papers and again.seats == profile.seats
    assert [c.name for c in again.candidates if c.withdrawn] == [c.name for c in profile.candidates if c.withdrawn]
    before = count(profile, "scottish", seed="rt")
    after = count(again, "scottish", seed="rt")
    assert set(before.elected_names) == set(after.elected_names)


@pytest.mark.parametrize("rule", RULES)
def test_every_real_small_ward_counts_cleanly_under_every_rule(rule):
    assert WARDS
    for path in WARDS[:4]:
        profile = _real_profile(WARDS.index(path))
        count_or_refuse(profile, rule, profile.seats or 1)
