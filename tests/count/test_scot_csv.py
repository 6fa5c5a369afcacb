"""The scot-elex CSV layout (`scot`, VoteKit's `load_scottish`): an invented ward read as its BLT twin is, real
wards converted from BLT counting the same, what a written profile reads back as, detection beside omov's own
CSV and ES&S, the warnings, and every malformed file a CountError naming the file and the line.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omov.count import Candidate, CountError, Profile, count, read_blt
from omov.count.convert import losses
from omov.count.convert import main as convert_main
from omov.count.formats import FORMATS, detect_format, format_profile, read_profile, write_profile
from omov.count.formats.blt import decode_noting
from omov.count.formats.scot import parse_scot, write_scot

DATA = Path(__file__).parent / "data"
WARD = DATA / "scot" / "glenbrae.csv"
ROOT = Path(__file__).resolve().parents[2]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ("Morag Example", "Callum Placeholder", "Isla Sample", "Fraser Testcase", "Ailsa Dummy")


def convert(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = convert_main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def error_of(text: str) -> CountError:
    with pytest.raises(CountError) as info:
        parse_scot(text, source="ward.csv")
    return info.value


# ---------------------------------------------------------------------------------------------- the invented ward
def test_the_ward_reads_with_names_parties_seats_and_ward() -> None:
    p = read_profile(WARD)
    assert p.names == NAMES
    assert p.parties == ("Scottish Green Party", "Scottish Labour Party", "Scottish National Party (SNP)",
                         "Independent", "Scottish Liberal Democrats")
    assert p.seats == 3 and p.title == "Ward 9 - Glenbrae and Lochside"
    assert p.papers == 890 and len(p.rankings) == 12
    assert p.rankings[-1] == (2, 0, 3, 1, 4) and p.weights[-1] == 10
    assert p.warnings == ()  # a trailing comma on every row and quoted candidate rows are the layout, not oddities


def test_the_ward_counts_as_its_blt_twin_and_as_worked_by_hand() -> None:
    scot, blt = read_profile(WARD), read_blt(DATA / "scot" / "glenbrae.blt")
    assert scot == blt and scot.candidates == blt.candidates and scot.title == blt.title
    a, b = count(scot, "scottish", seed="omov"), count(blt, "scottish", seed="omov")
    assert a.elected_names == b.elected_names
    assert [s.votes for s in a.stages] == [s.votes for s in b.stages]
    # by hand: quota 890 // 4 + 1 = 223; Isla Sample (250) and Callum Placeholder (225) are elected at once;
    # their surpluses leave Ailsa Dummy lowest, whose 95 papers all go on to Morag Example (70 by way of Isla)
    assert a.quota == 223
    assert [int(v) for v in a.stages[0].votes] == [200, 225, 250, 120, 95]
    assert a.elected_names == ("Isla Sample", "Callum Placeholder", "Morag Example")


def test_omov_count_reads_it_by_content() -> None:
    from omov.count.cli import main as count_main

    out, err = io.StringIO(), io.StringIO()
    code = count_main([str(WARD), "--rule", "scottish", "--seed", "1", "--format", "json", "--no-progress"],
                      out=out, err=err)
    assert code == 0, err.getvalue()
    sheet = json.loads(out.getvalue())
    assert sheet["title"] == "Ward 9 - Glenbrae and Lochside"
    assert sheet["parties"]["Isla Sample"] == "Scottish National Party (SNP)"


def test_counting_a_blt_file_does_not_import_the_scot_reader() -> None:
    code = (
        "import sys\n"
        "from omov.count.cli import main\n"
        f"rc = main([{str(DATA / 'scot' / 'glenbrae.blt')!r}, '--rule', 'scottish', '--seed', '1', '--no-progress'])\n"
        "assert rc == 0, rc\n"
        "print('SCOT', 'omov.count.formats.scot' in sys.modules, file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "SCOT False" in run.stderr


# ---------------------------------------------------------------------------------------------- detection
def test_detected_by_content_beside_omov_csv_ess_and_blt(tmp_path: Path) -> None:
    data = WARD.read_bytes()
    assert detect_format("ward.csv", data) == "scot"
    assert detect_format("ward", data) == "scot" and detect_format("ward.txt", data) == "scot"
    assert detect_format("ward.blt", data) == "blt"  # an extension that says otherwise wins, as for every format
    assert detect_format("ward.csv", b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")) == "scot"
    missing_ward = data[: data.rindex(b'"Ward')]
    assert detect_format("ward.csv", missing_ward) == "scot"  # so the reader can say the ward row is missing
    # omov's own CSV and ES&S are as before
    assert detect_format("a.csv", b"pref1,pref2\nAnn,Bob\n") == "csv"
    assert detect_format("a.csv", b"Ann,Bob\n1,2\n2,1\n") == "csv"
    assert detect_format("a.csv", b"1,2\n3,4\nCandidate,x\n") == "scot"
    assert detect_format("a.csv", b"1,2,3\n3,4\nCandidate 1,x\nWard\n") == "csv"  # three numbers: not this layout
    assert detect_format("a.csv", b"5,3\n1,2\n9,9\n") == "csv"  # no Candidate row at the end
    assert detect_format("a.csv", (DATA / "cvr" / "mayor_ess.csv").read_bytes()) == "ess"
    assert detect_format("ward", (DATA / "scot" / "glenbrae.blt").read_bytes()) == "blt"
    for fmt in ("csv", "json", "blt"):
        assert detect_format(f"w.{fmt}", format_profile(read_profile(WARD), fmt).encode()) == fmt


def test_the_format_name_is_offered_everywhere() -> None:
    from omov.count.cli import build_parser as count_parser
    from omov.count.convert import build_parser as convert_parser

    assert "scot" in FORMATS
    assert "scot" in convert_parser().format_help() and "scot" in count_parser().format_help()


# ---------------------------------------------------------------------------------------------- convert
def test_convert_blt_to_scot_and_back_is_lossless(tmp_path: Path) -> None:
    out = tmp_path / "glenbrae-scot.csv"
    code, _, err = convert(str(DATA / "scot" / "glenbrae.blt"), str(out), "--to", "scot")
    assert code == 0 and "warning" not in err, err
    assert detect_format(out, out.read_bytes()) == "scot"
    back = tmp_path / "back.blt"
    code, _, err = convert(str(out), str(back))  # the source detected
    assert code == 0 and "warning" not in err and "scot -> blt" in err, err
    p, q = read_blt(back), read_blt(DATA / "scot" / "glenbrae.blt")
    assert p == q and p.candidates == q.candidates and p.title == q.title


def test_convert_reports_what_the_layout_cannot_hold(tmp_path: Path) -> None:
    profile = Profile.from_papers(["Ann", "Bob", "Cat"], [((0, 1), 3), ((2,), 1)], seats=1, invalid=2, title="W")
    source = tmp_path / "w.json"
    write_profile(profile.withdraw("Cat"), source)
    code, _, err = convert(str(source), str(tmp_path / "w.csv"), "--to", "scot")
    assert code == 0
    assert "scot has no withdrawn candidates: Cat become ordinary candidates" in err
    assert "scot has no place for the 2 paper(s) rejected outright" in err
    back = read_profile(tmp_path / "w.csv")
    assert back.names == ("Ann", "Bob", "Cat") and not any(c.withdrawn for c in back.candidates)
    assert back.invalid == 0 and back.papers == 4
    # parties cross to scot, and are reported lost leaving it for a format without them
    assert losses(read_profile(WARD), "scot") == []
    assert any("no place for candidates' parties (5" in w for w in losses(read_profile(WARD), "json"))


def test_write_profile_writes_the_layout_when_named(tmp_path: Path) -> None:
    p = read_profile(WARD)
    write_profile(p, tmp_path / "w.csv", "scot")
    assert (tmp_path / "w.csv").read_text(encoding="utf-8") == write_scot(p)
    assert read_profile(tmp_path / "w.csv") == p
    assert read_profile(tmp_path / "w.csv", "scot").title == p.title


# ---------------------------------------------------------------------------------------------- real wards
def norm(name: str) -> str:
    """The shared data README's comparison (the 2007/2012 reference names carry the party code before '')."""
    if "''" in name:
        name = name.split("''")[1]
    return " ".join(re.sub(r"[^A-Za-z \-()]", "", name).split()).casefold()


def test_real_wards_converted_from_blt_read_back_and_elect_the_reference_set(scottish_data: Path) -> None:
    reference = json.loads((scottish_data / "elected.json").read_text())
    files = sorted((scottish_data / "ballots").glob("*.blt"))[::10]  # 38 wards of the 374, every council's kind
    assert len(files) == 38
    for path in files:
        blt = read_blt(path)
        text = format_profile(blt, "scot")
        assert detect_format(path.with_suffix(".csv"), text.encode()) == "scot"
        scot = parse_scot(text, source=path.name)
        assert scot == blt and scot.candidates == blt.candidates and scot.title == blt.title, path.name
        assert scot.warnings == (), path.name
        result = count(scot, "scottish", seed="omov")
        assert result.elected_names == count(blt, "scottish", seed="omov").elected_names, path.name
        assert sorted(map(norm, result.elected_names)) == sorted(map(norm, reference[path.stem])), path.name


def test_dennistoun_2022_converted_matches_the_published_result() -> None:
    # published figures: tests/count/data/scotland-2022/README.md (the council's declaration)
    blt = read_blt(DATA / "scotland-2022" / "glasgow_2022_ward22.blt")
    scot = parse_scot(format_profile(blt, "scot"), source="dennistoun.csv")
    assert scot == blt and scot.parties == blt.parties
    result = count(scot, "scottish", seed="omov")
    assert result.valid == 5464 and result.quota == 1367
    first = {name.split()[-1].casefold(): int(v) for name, v in zip(scot.names, result.stages[0].votes, strict=True)}
    assert first == {"mcdougall": 1595, "carroll": 1431, "casey": 1337, "finn": 582, "connelly": 339,
                     "mccann": 96, "duncan": 84}
    assert {n.split()[-1].casefold() for n in result.elected_names} == {"mcdougall", "carroll", "casey"}


# ---------------------------------------------------------------------------------------------- accepted oddities
GOOD = WARD.read_text(encoding="utf-8")


def test_encoding_line_ends_and_bom_are_named_in_warnings(tmp_path: Path) -> None:
    plain = read_profile(WARD)
    cases = {
        "bom.csv": (b"\xef\xbb\xbf" + GOOD.encode(), "byte-order mark"),
        "crlf.csv": (GOOD.replace("\n", "\r\n").encode(), "CRLF"),
        "latin1.csv": (GOOD.replace("Isla", "Ìsla").encode("latin-1"), "not UTF-8"),
        "utf16.csv": (GOOD.encode("utf-16"), "UTF-16"),
    }
    for name, (data, warning) in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        p = read_profile(f, "scot" if name == "utf16.csv" else None)
        assert p.rankings == plain.rankings and p.title == plain.title, name
        assert any(warning in w for w in p.warnings), (name, p.warnings)
    assert read_profile(tmp_path / "latin1.csv").names[2] == "Ìsla Sample"


def test_a_blank_cell_between_preferences_is_a_skipped_preference() -> None:
    p = parse_scot(GOOD.replace("10,3,1,4,2,5,", "10,3,,1,4,2,5,"), source="ward.csv")
    assert p == read_profile(WARD)
    assert p.warnings == ("a blank cell between a paper's preferences: read as a skipped preference (later "
                          "preferences move up) (line 13)",)


@pytest.mark.parametrize(
    ("ward_row", "title"),
    [
        ('""""Ward 9 - Glenbrae"" "",', "Ward 9 - Glenbrae"),  # quoted twice over, as some of the collection's files
        ('""Ward 9 - Glenbrae, Lochside"",', "Ward 9 - Glenbrae, Lochside"),
        ("Ward 9 - Glenbrae, Lochside", "Ward 9 - Glenbrae, Lochside"),  # a comma outside quotes
    ],
)
def test_a_ward_row_that_is_not_one_cell_is_read_whole_with_a_warning(ward_row: str, title: str) -> None:
    p = parse_scot(GOOD.replace('"Ward 9 - Glenbrae and Lochside",', ward_row), source="ward.csv")
    assert p.title == title
    assert len(p.warnings) == 1 and "the ward row is not one CSV cell" in p.warnings[0] and "(line 19)" in p.warnings[0]


def test_plain_variants_read_without_warnings() -> None:
    bare = (
        "\n3,1\n\n4,1,2\n2,3,,,\n1\n,,,\n"  # blank lines and rows of commas skipped; a paper of no preferences kept
        "candidate,Ann\nCandidate,Bob,\nCandidate 3,Cat,Ind\n\n2020\n"  # labels without numbers; a numeric ward
    )
    p = parse_scot(bare, source="w.csv")
    assert p.names == ("Ann", "Bob", "Cat") and p.parties == ("", "", "Ind")
    assert p.rankings == ((0, 1), (2,), ()) and p.weights == (4, 2, 1)
    assert p.seats == 1 and p.title == "2020" and p.warnings == ()
    assert parse_scot("1,1\n5,1\nCandidate 1,Ann\nCandidate 7\n", source="w.csv").title == "Candidate 7"
    assert parse_scot('1,1\n5,1\nCandidate 1,Ann\n,"Ward 2",,\n', source="w.csv").title == "Ward 2"


# ---------------------------------------------------------------------------------------------- refused
TAIL = '"Candidate 1","Ann","A"\n"Candidate 2","Bob","B"\n"Candidate 3","Cat","C"\n"Ward 1"\n'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "the file is empty"),
        ("\n ,,\n", 1, "the file is empty"),
        ("3\n" + TAIL, 1, "it has 1 cells"),
        ("3,2,1\n" + TAIL, 1, "it has 3 cells"),
        ("3,x\n" + TAIL, 1, "expected the number of seats, found 'x'"),
        ("0,1\n" + TAIL, 1, "the number of candidates must be at least 1"),
        ("3,0\n" + TAIL, 1, "the number of seats must be at least 1"),
        ("3,١\n" + TAIL, 1, "expected the number of seats"),
        ("3,1,\n", 1, "the file ends after its first row"),
        ("4,1\n5,1\n" + TAIL, 3, "says 4 candidates, but 3 'Candidate' rows"),
        ("2,1\n5,1\n" + TAIL, 3, "says 2 candidates, but 3 'Candidate' rows"),
        ("3,1\n5,1\n\"Ward 1\"\n", 3, "says 3 candidates, but 0 'Candidate' rows"),
        ("3,1\n5,1\n" + TAIL.replace('"Ward 1"\n', ""), 5, "the file ends with a 'Candidate' row"),
        ("3,1\n5,4\n" + TAIL, 2, "ranks candidate 4, but there are only 3 candidates"),
        ("3,1\n5,1,0\n" + TAIL, 2, "preference 0: candidates are numbered from 1"),
        ("3,1\n5,1,2,1\n" + TAIL, 2, "ranks candidate 1 twice"),
        ("3,1\n5,1,2=3\n" + TAIL, 2, "'2=3' is an equal ranking, which this layout cannot hold"),
        ("3,1\n5,1,x\n" + TAIL, 2, "expected a candidate's number (1 to 3), found 'x'"),
        ("3,1\n5,1, 2\n" + TAIL, 2, "expected a candidate's number (1 to 3), found ' 2'"),
        ("3,1\n5,1,99999999999999999999999\n" + TAIL, 2, "ranks candidate 99999999999"),
        ("3,1\n1.5,1\n" + TAIL, 2, "expected a paper's weight (a whole number of papers), found '1.5'"),
        ("3,1\nfive,1\n" + TAIL, 2, "expected a paper's weight (a whole number of papers), found 'five'"),
        ("3,1\n-5,1\n" + TAIL, 2, "a paper's weight cannot be negative"),
        ("3,1\n,1,2\n" + TAIL, 2, "starts with a blank cell; expected a paper's weight"),
        ("3,1\n10000000000000000001,1\n" + TAIL, 2, "too large"),
        ("3,1\n999999999999999999,1\n999999999999999999,2\n" + TAIL, 3, "the papers add up to more than"),
        ("3,1\n5,1\n\"Candidate 1\",\"Zed\"\n7,2\n" + TAIL, 3, "a 'Candidate' row among the papers"),
        ("3,1\n5,1\n" + TAIL.replace("Candidate 2", "Candidate 3"), 4, "labelled 'Candidate 3', but it is the 2nd"),
        ("3,1\n5,1\n" + TAIL.replace('"Bob"', '""'), 4, "candidate 2's name is blank"),
        ("3,1\n5,1\n" + TAIL.replace('"Bob","B"', '"",""'), 4, "candidate 2's row has no name"),
        ("3,1\n5,1\n" + TAIL.replace('"Bob"', '"Ann"'), 4, "candidate 2 has the same name as candidate 1: 'Ann'"),
        ("3,1\n5,1\n" + TAIL.replace('"B"', '"B","x"'), 4, "a candidate's row has 4 cells"),
        ("3,1\n5,1\n" + TAIL.replace('"Bob"', '"Bob'), 4, "cannot read the row as CSV"),
        ('3,1\n5,"1\n' + TAIL, 2, "cannot read the row as CSV"),
    ],
)
def test_malformed_files_are_refused_naming_the_line(text: str, line: int, message: str) -> None:
    exc = error_of(text)
    assert message in exc.message, exc.message
    assert exc.source == "ward.csv" and exc.line == line, str(exc)
    assert str(exc).startswith(f"ward.csv, line {line}: ")


def test_an_unreadable_or_missing_file_is_a_count_error(tmp_path: Path) -> None:
    with pytest.raises(CountError, match="cannot read the file"):
        read_profile(tmp_path / "nope.csv", "scot")


def test_the_writer_refuses_what_would_not_read_back() -> None:
    with pytest.raises(CountError, match="needs at least one candidate"):
        write_scot(Profile((), (), ()))
    with pytest.raises(CountError, match="candidate 1's name is blank"):
        write_scot(Profile((Candidate(" "),), ((0,),), (1,)))


# ---------------------------------------------------------------------------------------------- properties
TEXT = st.text(
    alphabet=st.one_of(st.sampled_from('Ab éÖ,"\'=+-@#0123456789Candidate\t'), st.characters(codec="utf-8")),
    min_size=1,
    max_size=12,
).map(lambda s: " ".join(s.split()))


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    names = draw(st.lists(TEXT.filter(bool), min_size=1, max_size=6, unique=True))
    n = len(names)
    candidates = tuple(Candidate(name, party=draw(st.one_of(st.just(""), TEXT))) for name in names)
    rankings = draw(
        st.lists(
            st.permutations(range(n)).flatmap(lambda perm: st.integers(0, len(perm)).map(lambda k: tuple(perm[:k]))),
            max_size=8,
            unique=True,
        )
    )
    weights = draw(st.lists(st.integers(0, 10**6), min_size=len(rankings), max_size=len(rankings)))
    return Profile(candidates, tuple(rankings), tuple(weights), seats=draw(st.integers(1, n + 1)),
                   title=draw(st.one_of(st.just(""), TEXT)))


@FAST
@given(profiles(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]), st.booleans())
def test_a_written_profile_reads_back_the_same(profile: Profile, encoding: str, crlf: bool) -> None:
    text = write_scot(profile)
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(encoding)
    if encoding != "utf-16":  # UTF-16 is read when named; detection reads bytes
        assert detect_format("w.csv", data) == "scot"
    decoded, notes = decode_noting(data)
    again = parse_scot(decoded, source="w.csv", warnings=notes)
    assert again == profile
    assert again.candidates == profile.candidates and again.title == profile.title and again.seats == profile.seats
    assert any("CRLF" in w for w in again.warnings) == crlf


def _outcome(text: str) -> Profile | None:
    try:
        return parse_scot(text, source="w.csv")
    except CountError as exc:
        assert exc.source == "w.csv" and exc.line is not None, exc
        return None


@FAST
@given(st.data())
def test_random_edits_give_a_profile_or_a_count_error(data: st.DataObject) -> None:
    text = GOOD
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        edit = data.draw(st.sampled_from(["delete", "insert", "line"]))
        if edit == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 8)):]
        elif edit == "insert":
            text = text[:at] + data.draw(st.text(alphabet=',"0123456789=-\n\r Candidate', max_size=6)) + text[at:]
        else:
            lines = text.split("\n")
            k = data.draw(st.integers(0, len(lines) - 1))
            lines[k] = data.draw(st.sampled_from(["", "0", "5,3", "Candidate 1,X,Y", '"', "1,2,3,4,5,6", "x"]))
            text = "\n".join(lines)
    _outcome(text)
    assert detect_format("w.csv", text.encode()) in ("scot", "csv", "ess")


@FAST
@given(st.binary(max_size=200), st.booleans())
def test_random_bytes_give_a_profile_or_a_count_error(junk: bytes, after_header: bool) -> None:
    data = (b"5,3\n" + junk) if after_header else junk
    decoded, _ = decode_noting(data)
    assert _outcome(decoded) is None  # a file of random bytes is never five candidates and a ward
    assert detect_format("w.csv", data) in ("scot", "csv", "ess")
