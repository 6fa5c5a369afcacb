"""`omov nominations whatif`'s readers under attack: rules, shares, --size, the nominations CSV, the round id.

Every bad input is a RuleError (or NominationError) that names the file and line, the option or the column,
never a traceback, a hang or a silent wrong answer; the fuzz tests at the end feed each reader arbitrary input
in bounded time.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omov.nominations import cli
from omov.nominations.errors import NominationError
from omov.nominations.thresholds import (
    MAX_COUNT,
    GroupTerm,
    Nomination,
    RuleError,
    evaluate_all,
    parse_count,
    parse_rule,
    parse_share,
)
from omov.nominations.whatif import parse_nominations_csv, read_nominations_csv, whatif

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = cli.main(argv)
    out, err = capsys.readouterr()
    return rc, out, err


# ---------------------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("text", ["1_0", "+5", "-5", " ", "", "nan", "inf", "1e3", "١٠", "５", "0x10", "5,0,0",
                                  "1,00", "10.0", "1 000"])
def test_a_count_in_anything_but_ascii_digits_is_refused(text: str) -> None:
    with pytest.raises(RuleError, match="count: .* is not a whole number"):
        parse_count(text, "count")


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("212", 212), ("1,234", 1234), ("1,000,000,000", MAX_COUNT),
                                             (" 648 ", 648), ("007", 7)])
def test_a_count_in_ascii_digits_with_grouped_thousands_is_read(text: str, value: int) -> None:
    assert parse_count(text, "count") == value


@pytest.mark.parametrize("text", ["1000000001", "9" * 400, "9" * 5000])
def test_a_count_beyond_the_bound_is_refused_and_not_repeated_in_full(text: str) -> None:
    with pytest.raises(RuleError, match="more than 1,000,000,000") as exc:
        parse_count(text, "count")
    assert len(str(exc.value)) < 200


@pytest.mark.parametrize(("text", "value"), [("1/3", Fraction(1, 3)), ("0.5", Fraction(1, 2)), ("50%", Fraction(1, 2)),
                                             (" 100% ", Fraction(1)), ("1", Fraction(1))])
def test_a_share_is_read_as_a_fraction(text: str, value: Fraction) -> None:
    assert parse_share(text) == value


@pytest.mark.parametrize("text", ["1e-99999999", "1e400", "nan", "inf", "1_0%", "+50%", "١/٣", "0", "0%", "101%",
                                  "2/1", "1/0", "", "-1/3", "1/" + "9" * 5000])
def test_a_share_that_is_not_one_is_refused_at_once(text: str) -> None:
    # Before: Fraction("1e-99999999") computed a power of ten for minutes, and 1_0%, +50% and ١/٣ were read.
    with pytest.raises(NominationError, match="share") as exc:
        parse_share(text)
    assert len(str(exc.value)) < 200


def test_parse_share_lives_in_thresholds_and_services_still_offers_it() -> None:
    from omov.nominations import selectors, services

    assert services.parse_share is parse_share and selectors.parse_share is parse_share


# ---------------------------------------------------------------------------------------------- rules


@pytest.mark.parametrize(("rule", "message"), [
    ("mp >= 0%", "more than 0% and at most 100%"),
    ("mp >= 101%", "more than 0% and at most 100%"),
    ("mp >= 100000000000000000000000000000000000000000000000000000000%", "more than 0% and at most 100%"),
    ("clp >= 5% or affiliates(3, members >= 1000%)", "column 39 must be more than 0%"),
    ("mp >= 1000000001", "column 7 is more than 1,000,000,000"),
    ("affiliates(99999999999, union >= 2)", "more than 1,000,000,000"),
    ("affiliates(3, union >= 99999999999)", "more than 1,000,000,000"),
    ("mp >= ١٠%", "cannot read the rule at column 6"),
    ("mp >= 1e308%", "cannot read the rule"),
])
def test_a_share_or_count_outside_its_range_in_a_rule_is_refused_naming_the_column(rule: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rule(rule)


def test_the_edges_of_the_ranges_are_accepted() -> None:
    assert parse_rule("mp >= 100%") == GroupTerm("mp", percent=Fraction(100))
    assert parse_rule("mp >= 0.001%") == GroupTerm("mp", percent=Fraction(1, 1000))
    assert parse_rule("mp >= 0") == GroupTerm("mp", number=0)
    assert parse_rule(f"mp >= {MAX_COUNT}") == GroupTerm("mp", number=MAX_COUNT)


# ---------------------------------------------------------------------------------------------- the CSV


@pytest.mark.parametrize(("text", "message"), [
    ("candidate,group,count\nAnn,mp,1_0\n", "line 2: count: '1_0' is not a whole number"),
    ("candidate,group,count\nAnn,mp,+5\n", "line 2: count: '\\+5' is not a whole number"),
    ("candidate,group,count\nAnn,mp,١\n", "line 2: count: '١' is not a whole number"),
    ("candidate,group,count\nAnn,mp,-1\n", "line 2: count: '-1' is not a whole number"),
    ("candidate,group,members\nAnn,affiliate,nan\n", "line 2: members: 'nan' is not a whole number"),
    ("candidate,group,count\nAnn,mp," + "9" * 400 + "\n", "line 2: count: .* is more than 1,000,000,000"),
    ("candidate,group,count\nAnn,mp," + "9" * 5000 + "\n", "line 2: count: .* is more than 1,000,000,000"),
    # a row wider than the header: before, the extra cells were dropped without a word (members read as 1)
    ("candidate,group,members\nAnn,affiliate,1,000\n", "line 2: 4 cells, but the header has 3 columns"),
    # a column named twice: before, the second silently won
    ("candidate,group,group\nAnn,mp,clp\n", "line 1: column.s. group named twice"),
    ("candidate,group\nA\u202enn,mp\n", "line 2: candidate has the character U\\+202E"),
    ("candidate,group\nB\x1b[31mob,mp\n", "line 2: candidate has the character U\\+001B"),
    ("candidate,group\nAnn\x00,mp\n", "line 2: candidate has the character U\\+0000"),
    ("candidate,group,nominator\nAnn,mp,m\u20661\n", "line 2: nominator has the character U\\+2066"),
    ("candidate,group\nAnn,m\u2028p\n", "line 2: group has the character U\\+2028"),
    ("candidate,group\n\"Ann,mp\n", "line 2: cannot read the file as CSV"),
    ("candidate,group\n" + "x" * 200_000 + ",mp\n", "line 2: cannot read the file as CSV .field larger"),
    # the header is on line 3, after a blank line and a comment: the error says so
    ("\n# a comment\ncandidate,colour\n", "line 3: missing column"),
    # lines are the file's own, a quoted cell spanning lines counted as the lines it spans
    ("candidate,group,nominator\nAnn,mp,m1\n\"# a note\nover two lines\",x\nBob,mp,m1\n",
     "line 5: 'm1' .mp. has already nominated on line 2"),
    ("candidate,group\nAnn,mp\n\"Bob\nBobson\",mp\n", "line 3: candidate has the character U\\+000A"),
])
def test_a_bad_csv_row_is_refused_naming_the_line_and_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message) as exc:
        parse_nominations_csv(text, source="round.csv")
    assert str(exc.value).startswith("round.csv")
    assert len(str(exc.value)) < 400


def test_odd_but_well_formed_names_are_kept_as_written() -> None:
    text = "candidate,group,nominator,members\n\"Starmer, Keir\",mp,\u200fמ1,\"1,234\"\nمحمد\u200c,mp,m2,\n"
    noms = parse_nominations_csv(text)
    assert [(n.candidate, n.nominator, n.members) for n in noms] == [
        ("Starmer, Keir", "\u200fמ1", 1234), ("محمد\u200c", "m2", 0)]


def test_reading_a_directory_or_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=f"{tmp_path}: cannot read the file"):
        read_nominations_csv(tmp_path)
    with pytest.raises(RuleError, match="nope.csv: cannot read the file: No such file"):
        read_nominations_csv(tmp_path / "nope.csv")


def test_a_round_of_100000_nominations_is_checked_and_evaluated() -> None:
    # Before: each row rebuilt the set of (group, nominator) pairs seen so far, and each candidate filtered
    # every nomination: minutes for a round of this size; linear, a second or two. No clock here (timings belong
    # in benchmarks/): a quadratic reader would show as this test running for minutes.
    n = 100_000
    text = "candidate,group,nominator\n" + "".join(f"c{i % 50_000},mp,m{i}\n" for i in range(n))
    noms = parse_nominations_csv(text)
    [(_, evaluations)] = whatif(noms, ["mp >= 1%"], {"mp": n})
    assert len(noms) == n
    assert len(evaluations) == 50_000 and all(e.terms[0].have == "2" for e in evaluations)


def test_evaluate_all_keeps_each_candidates_own_nominations_in_first_seen_order() -> None:
    noms = [Nomination("B", "mp", "m1"), Nomination("A", "mp", "m2"), Nomination("B", "mp", "m3")]
    evs = evaluate_all(parse_rule("mp >= 2"), noms, {})
    assert [(e.candidate, e.qualified) for e in evs] == [("B", True), ("A", False)]


# ---------------------------------------------------------------------------------------------- the command


@pytest.mark.parametrize(("size", "message"), [
    ("mp=-5", "--size 'mp': '-5' is not a whole number"),
    ("mp=0", "--size 'mp': a group's size is at least 1"),
    ("mp=1_000", "is not a whole number"),
    ("mp=+5", "is not a whole number"),
    ("mp=١٠", "is not a whole number"),
    ("mp=5,0,0", "is not a whole number"),
    ("mp=" + "9" * 400, "more than 1,000,000,000"),
    ("mp=" + "9" * 5000, "more than 1,000,000,000"),
    ("=5", "--size takes GROUP=N"),
])
def test_a_bad_size_is_refused_with_exit_status_2_and_a_message(
    size: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "n.csv"
    csv.write_text("candidate,group,nominator\nAnn,mp,m1\n", encoding="utf-8")
    rc, out, err = run(["whatif", str(csv), "--rule", "mp >= 10%", "--size", size], capsys)
    assert rc == 2 and out == ""
    assert err.startswith("omov nominations: ") and message in err and "Traceback" not in err
    assert len(err) < 300


def test_a_round_id_in_another_scripts_digits_is_a_file_name_not_a_round(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: "١٢".isdigit() made it round 12 on the platform.
    rc, _, err = run(["whatif", "١٢", "--rule", "mp >= 1"], capsys)
    assert rc == 2 and "١٢: cannot read the file: No such file" in err
    rc, _, err = run(["whatif", "9" * 5000, "--rule", "mp >= 1"], capsys)
    assert rc == 2 and "cannot read the file" in err


# ---------------------------------------------------------------------------------------------- fuzzing

_CSV_ALPHABET = st.sampled_from(list("candidtegroupnmbskf,\"\n\r #%0123456789-+_.émm") + [
    "\x00", "\x1b", "\u202e", "\u2066", "١", "\u2028", "\u200f", "\ufeff", "mp", "clp", "affiliate"])


@FUZZ
@given(st.lists(_CSV_ALPHABET, max_size=120).map("".join))
def test_fuzz_the_csv_reader_gives_nominations_or_a_rule_error_naming_the_source(text: str) -> None:
    header = "candidate,group,nominator,count,kind,members\n"
    for body in (text, header + text):
        try:
            noms = parse_nominations_csv(body, source="f.csv")
        except RuleError as exc:
            assert str(exc).startswith("f.csv")
            continue
        for n in noms:
            assert n.candidate and n.group and 0 <= n.count <= MAX_COUNT and 0 <= n.members <= MAX_COUNT
            assert not any(c in n.candidate + n.group + n.nominator + n.kind for c in "\x00\x1b\u202e\u2066\u2028")


@FUZZ
@given(raw=st.binary(max_size=400))
def test_fuzz_any_bytes_as_a_csv_file_through_the_command_exit_0_or_2(
    raw: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"candidate,group,count,members\n" + raw)
    rc, _, err = run(["whatif", str(path), "--rule", "mp >= 1", "--format", "json"], capsys)
    assert rc == 0 or (rc == 2 and err.startswith(f"omov nominations: {path}"))


_RULE_ALPHABET = st.sampled_from(["mp", "clp", "union", "members", "affiliates", "and", "or", ">=", "(", ")", ",",
                                  "%", " ", "0", "1", "5", "9", ".", "١", "_", "e", "x", "\u202e", "\x00"])


@FUZZ
@given(st.lists(_RULE_ALPHABET, max_size=40).map("".join))
def test_fuzz_a_rule_parses_within_its_ranges_or_is_a_rule_error(rule: str) -> None:
    try:
        expr = parse_rule(rule)
    except RuleError:
        return
    assert parse_rule(expr.text()) == expr  # what is accepted reads back the same
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, GroupTerm):
            assert (e.percent is not None and 0 < e.percent <= 100) or (e.number is not None and
                                                                         0 <= e.number <= MAX_COUNT)
        elif hasattr(e, "parts"):
            stack.extend(e.parts)


@FUZZ
@given(st.text(max_size=30) | st.from_regex(r"\A[0-9]{1,12}(/[0-9]{1,12}|%|\.[0-9]{1,4})?\Z"))
def test_fuzz_a_share_is_in_range_or_a_nomination_error(text: str) -> None:
    try:
        value = parse_share(text)
    except NominationError:
        return
    assert 0 < value <= 1 and text.strip().isascii()


@FUZZ
@given(value=st.text(max_size=20) | st.integers(-10, 2 * MAX_COUNT).map(str)
       | st.integers(0, MAX_COUNT).map("{:,}".format))
def test_fuzz_a_size_option_is_a_bounded_positive_count_or_exit_status_2(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "n.csv"
    path.write_text("candidate,group\nAnn,mp\n", encoding="utf-8")
    rc, out, err = run(["whatif", str(path), "--rule", "mp >= 50%", "--size", f"mp={value}", "--format", "json"],
                       capsys)
    if rc == 0:
        assert 1 <= int(value.replace(",", "")) <= MAX_COUNT and value.strip().replace(",", "").isascii()
    else:
        assert rc == 2 and err.startswith("omov nominations: --size")


# ---------------------------------------------------------------------------------------------- the platform


@pytest.mark.parametrize("name", ["Ann\u202eeibboB", "Ann\x1b[2J", "Ann\x00", "Ann\u2066x\u2069"])
def test_a_candidate_name_with_a_control_or_direction_character_is_refused_on_the_platform(data, name: str) -> None:
    from omov.nominations import services as ns
    from omov.nominations.models import RoundCandidate
    from tests.nominations.test_rounds import make_round

    rnd, _ = make_round(data, candidates=("Ann",))
    with pytest.raises(NominationError, match="the candidate's name has the character U\\+"):
        ns.add_candidate(round=rnd, name=name, actor=data.officer)
    assert list(RoundCandidate.objects.filter(round=rnd).values_list("name", flat=True)) == ["Ann"]
    ns.add_candidate(round=rnd, name="محمد\u200c Ali", actor=data.officer)  # a joiner real names need is kept
