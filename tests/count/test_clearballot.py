"""Clear Ballot CSV cast vote records (format "clearballot"): read under RCTab's rules, written, detected.

tests/count/data/cvr/mayor_clearballot.csv is written by hand for these tests (invented names). Its mayoral
contest has three ranks of four choices (Ilse Marr, Oren Pike, Tova Quill, Write-in); its council contest (a name
with a comma, so its headings are quoted) two ranks of two, and only rows 10 and 11 have it. Row by row, the
mayoral marks and what the default rules make of them:

     1  Marr, Pike, -                  -> Marr, Pike
     2  Pike, Marr, Quill              -> Pike, Marr, Quill
     3  Marr+Pike, Quill, -            -> ()            an overvote at rank 1 exhausts the paper
     4  Quill, Marr+Pike, Marr         -> Quill         an overvote at rank 2 (Status 1 on this row)
     5  -, -, Pike                     -> Pike          skipped ranks passed over
     6  Marr, Marr, Pike               -> Marr, Pike    the repeat passed over
     7  Write-in, Marr, -              -> Write-in, Marr (Remade 1 on this row)
     8  nothing marked                 -> ()            an empty paper
     9  Marr, Pike, -                  -> Marr, Pike
    10  (mayoral cells blank)          -> not a paper of the contest
    11  Pike, -, Quill                 -> Pike, Quill
    12  Quill, Marr, -                 -> Quill, Marr
"""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omov.count import CountError, Profile
from omov.count.formats import detect_format, format_profile, read_profile
from omov.count.formats.clearballot import LEADING, is_choice_heading, parse_clearballot, write_clearballot
from omov.count.formats.cvr import CvrRules, Tally
from omov.count.profile import Candidate

DATA = Path(__file__).parent / "data" / "cvr"
FILE = DATA / "mayor_clearballot.csv"
MAYOR = CvrRules(contest="Lakeview Mayor")
MARR, PIKE, QUILL, WI = "Ilse Marr", "Oren Pike", "Tova Quill", "Write-in"
ROOT = Path(__file__).resolve().parents[2]


def papers(profile: Profile) -> dict[tuple[str, ...], int]:
    out: dict[tuple[str, ...], int] = {}
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        key = tuple(profile.names[c] for c in ranking)
        out[key] = out.get(key, 0) + weight
    return out


# --- reading the hand-made file ----------------------------------------------------------------------------------


def test_reads_the_chosen_contest_under_the_default_rules():
    tally = Tally()
    p = read_profile(FILE, rules=MAYOR, tally=tally)
    assert p.names == (MARR, PIKE, QUILL, WI)  # the order of the columns: ballot order
    assert p.parties == ("Lantern Party", "", "", "")  # "NON" is no party
    assert p.seats == 1 and p.title == "Lakeview Mayor"  # "Vote For 1"; the contest's name
    assert papers(p) == {
        (MARR, PIKE): 3,  # rows 1, 6, 9
        (PIKE, MARR, QUILL): 1,  # row 2
        (): 2,  # rows 3, 8
        (QUILL,): 1,  # row 4
        (PIKE,): 1,  # row 5
        (WI, MARR): 1,  # row 7
        (PIKE, QUILL): 1,  # row 11
        (QUILL, MARR): 1,  # row 12
    }
    assert (tally.overvotes, tally.duplicates, tally.write_ins, tally.ids, tally.not_in_contest) == (2, 1, 1, 11, 1)
    assert tally.notes == [
        "1 paper(s) of the contest have a Status other than 0; they are counted like the rest (as RCTab counts them)",
        "1 paper(s) of the contest have a Remade other than 0; they are counted like the rest (as RCTab counts them)",
    ]


def test_rcv_options_change_the_rankings_as_rctab_would():
    p = read_profile(FILE, rules=CvrRules(contest="lakeview mayor", overvote="skip", skipped=1, duplicate="exhaust"))
    assert papers(p) == {
        (MARR, PIKE): 2,  # rows 1, 9
        (PIKE, MARR, QUILL): 1,
        (QUILL,): 1,  # row 3: the overvoted rank 1 passed over
        (QUILL, MARR): 2,  # row 4: the overvoted rank 2 passed over; row 12
        (): 2,  # row 5: two skipped ranks before Pike stop it; row 8
        (MARR,): 1,  # row 6: the repeat stops the paper
        (WI, MARR): 1,
        (PIKE, QUILL): 1,  # row 11: one skipped rank is allowed
    }


def test_several_contests_name_them_and_a_quoted_contest_reads():
    with pytest.raises(CountError, match=r"2 contests.*Lakeview Mayor; Lakeview Council, Ward 2") as info:
        read_profile(FILE)
    assert info.value.source == str(FILE)
    tally = Tally()
    council = read_profile(FILE, rules=CvrRules(contest="Lakeview Council, Ward 2"), tally=tally)
    assert council.names == ("Bram Holt", "Cyra Dunn") and council.parties == ("", "")  # "Non-Partisan"
    assert council.seats == 2 and papers(council) == {("Cyra Dunn", "Bram Holt"): 1, ("Bram Holt",): 1}
    assert tally.not_in_contest == 10 and tally.notes == []  # the Status and Remade rows have no council


def test_a_count_of_the_file_gives_the_result_worked_by_hand():
    # First preferences: Marr 3 (rows 1, 6, 9), Pike 3 (2, 5, 11), Quill 2 (4, 12), Write-in 1 (7); 2 empty.
    # Write-in is excluded: row 7 goes to Marr (4). Quill is excluded: row 4 has no later choice, row 12 goes
    # to Marr: 5 of the 8 continuing votes, a majority.
    from omov.count.cli import main as count_main

    out, err = io.StringIO(), io.StringIO()
    code = count_main([str(FILE), "--rule", "irv", "--contest", "Lakeview Mayor", "--format", "json", "--seed", "1",
                       "--no-progress"], out=out, err=err)
    assert code == 0, err.getvalue()
    sheet = json.loads(out.getvalue())
    assert sheet["papers"] == 11 and sheet["seats"] == 1 and sheet["elected"] == [MARR]
    totals = [{k: v for k, v in s["totals"].items() if v != "0"} for s in sheet["stages"]]
    assert totals == [
        {MARR: "3", PIKE: "3", QUILL: "2", WI: "1"},
        {MARR: "4", PIKE: "3", QUILL: "2"},
        {MARR: "5", PIKE: "3"},
    ]
    assert [s["excluded"] for s in sheet["stages"]] == [[], [WI], [QUILL]]


def test_detected_by_its_choice_columns_only():
    assert detect_format(FILE, FILE.read_bytes()) == "clearballot"
    assert detect_format("cvr.txt", FILE.read_bytes()) == "clearballot"
    assert detect_format("cvr.json", FILE.read_bytes()) == "json"  # the extension says otherwise
    assert detect_format("a.csv", (DATA / "mayor_ess.csv").read_bytes()) == "ess"
    assert detect_format("a.csv", b"pref1,pref2\nChoice_1_1:x,Bob\n") == "csv"  # not in the header line
    assert detect_format("a.csv", b'\xef\xbb\xbfBallotID,"Choice_7_1:A, B:1:Vote For 1:Ann:NON"\n1,1\n') == (
        "clearballot"
    )
    assert is_choice_heading("Choice_36_1:City Council:1:Number of Winners 3:Ann:NON")
    assert not is_choice_heading("Choice 1") and not is_choice_heading("Choice_1_1")


def test_reading_a_blt_file_does_not_import_the_reader():
    code = (
        "import sys\n"
        "from omov.count.formats import read_profile\n"
        f"read_profile({str(DATA.parent / 'blt_variants' / 'bom.blt')!r})\n"
        "print(sorted(m for m in sys.modules if m.startswith('omov.count.formats.')))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "clearballot" not in run.stdout and "omov.count.formats.blt" in run.stdout


# --- malformed files: a CountError naming the file and the line --------------------------------------------------

HEAD = "BallotID,Choice_1_1:M:1:Vote For 1:Ann:NON,Choice_2_1:M:1:Vote For 1:Bob:NON,Choice_3_1:M:2:Vote For 1:Ann:NON"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", "the file is empty"),
        ("BallotID,Precinct\n1,2\n", "line 1: the header has no choice columns"),
        ("BallotID,Choice_1_1:M:1:Vote For 1:Ann\n",
         "line 1: column 2 .*: expected 6 fields separated by colons .* found 5"),
        ("BallotID,Choice_1_1:M:first:Vote For 1:Ann:NON\n", "line 1: column 2 .*expected a rank .* found 'first'"),
        ("BallotID,Choice_1_1:M:0:Vote For 1:Ann:NON\n", "line 1: column 2 .*expected a rank"),
        ("BallotID,Choice_1_1:M:1:Vote For 1::NON\n",
         "line 1: column 2 .*: the choice's name \\(the fifth field\\) is empty"),
        ("Choice_1_1:M:1:Vote For 1:Ann:NON,Choice_2_1:M:3:Vote For 1:Bob:NON\n",
         "line 1: the header has no column for rank 2 of 'M'"),
        ("Choice_1_1:M:1:Vote For 1:Ann:NON,Choice_9_1:M:1:Vote For 1:Ann:NON\n",
         "line 1: columns 1 and 2 are both rank 1 of 'Ann' in 'M'"),
        ("Choice_1_1:M:1:Vote For 1:Ann:NON,Choice_2_1:M:1:Vote For 2:Bob:NON\n",
         "line 1: columns 1 and 2 of 'M' give different numbers of winners"),
        ("Choice_1_1:M:1:Vote For 0:Ann:NON\n", "line 1: column 1 .*at least 1 winner"),
        (f"{HEAD}\n1,1,0,0\n\n2,0,2,1\n", "line 4: column 3 .*expected 1 \\(marked\\), 0 or blank .* found '2'"),
        (f"{HEAD}\n1,1,x,0\n", "line 2: column 3 .*found 'x'"),
        (f"{HEAD}\n1,1,0\n", "line 2: the row has 3 cells but the header has 4"),
        (f"{HEAD}\n1,1,0,0,1\n", "line 2: the row has 5 cells but the header has 4"),
        (f'{HEAD}\n1,1,0,"0\n', "line 2: cannot read the row"),
        ('BallotID,"Choice_1_1:M:1:Vote For 1:Ann:NON\n', "line 1: cannot read the header row"),
    ],
)
def test_errors_name_the_file_and_the_line(text, where):
    with pytest.raises(CountError, match=where) as info:
        parse_clearballot(text, source="cb.csv")
    assert info.value.source == "cb.csv"


def test_blank_lines_before_the_header_and_trailing_empty_cells_are_accepted():
    p = parse_clearballot(f"\n\n{HEAD}\n1,1,0,0,,\n2,0,1,1\n\n3,,,\n")
    assert papers(p) == {("Ann",): 1, ("Bob", "Ann"): 1}
    assert p.papers == 2  # row 3 has no cells for the contest: not a paper of it


# --- writing -----------------------------------------------------------------------------------------------------


def test_written_file_has_rctab_leading_columns_and_reads_back():
    profile = Profile(
        (Candidate("Ann", party="Lantern Party"), Candidate("Bob"), Candidate("Cat")),
        ((0, 1), (2,), ()), (2, 1, 1), seats=2, title="Harbour Council, Ward 1",
    )
    text = write_clearballot(profile)
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header[:10]) == LEADING  # RCTab takes the choice columns to start at the eleventh
    assert header[10:] == [
        f"Choice_{k}_1:Harbour Council, Ward 1:{rank}:Number of Winners 2:{name}:{party}"
        for k, (rank, name, party) in enumerate(
            [(r, n, p) for r in (1, 2) for n, p in (("Ann", "Lantern Party"), ("Bob", "NON"), ("Cat", "NON"))], 1)
    ]
    assert len(text.splitlines()) == 1 + 4  # one row a paper
    assert detect_format("out.csv", text.encode()) == "clearballot"
    assert parse_clearballot(text) == profile
    assert format_profile(profile, "clearballot") == text


def test_written_without_seats_reads_back_without_seats():
    profile = Profile.from_papers(["Ann", "Bob"], [((1, 0), 1)])
    text = write_clearballot(profile)
    assert ":Ranked Choice:" in text and parse_clearballot(text) == profile


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (Profile.from_papers(["Ann: the elder", "Bob"], [(0,)]), "candidate 'Ann: the elder' has a colon"),
        (Profile.from_papers(["Ann", "Bob"], [(0,)], title="Vote: Mayor"), "title 'Vote: Mayor' has a colon"),
        (Profile((Candidate("Ann", party="A:B"),), ((0,),), (1,)), "party 'A:B' has a colon"),
    ],
)
def test_writer_refuses_what_would_not_read_back(profile, message):
    with pytest.raises(CountError, match=message):
        write_clearballot(profile)


# --- properties --------------------------------------------------------------------------------------------------

NAME = st.text(st.sampled_from("abcdefgh XYZ-'é,\""), min_size=1, max_size=8).map(lambda s: " ".join(s.split()))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def profiles(draw):
    names = draw(st.lists(NAME.filter(bool), min_size=1, max_size=5, unique=True))
    parties = draw(st.lists(st.sampled_from(["", "Lantern", "Harbour, Left"]), min_size=len(names),
                            max_size=len(names)))
    n = len(names)
    rankings = draw(st.lists(st.permutations(range(n)).flatmap(
        lambda perm: st.integers(0, len(perm)).map(lambda k: tuple(perm[:k]))), min_size=0, max_size=6))
    weights = draw(st.lists(st.integers(1, 3), min_size=len(rankings), max_size=len(rankings)))
    seats = draw(st.none() | st.integers(1, 3))
    title = draw(st.sampled_from(["", "Mayor", "Ward 7", "City Council, District 2"]))
    cands = [Candidate(nm, party=pt) for nm, pt in zip(names, parties, strict=True)]
    return Profile.from_papers(cands, list(zip(rankings, weights, strict=True)), seats=seats, title=title)


@FAST
@given(profiles())
def test_written_then_read_is_the_same_profile(profile):
    assert parse_clearballot(write_clearballot(profile)) == profile


SAMPLE = FILE.read_text()


@FAST
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE)), st.integers(0, 3),
                          st.text(st.sampled_from(':,"\n\r 01x2_Choice'), max_size=3)), min_size=1, max_size=4))
def test_random_edits_give_a_count_error_or_a_profile(edits):
    text = SAMPLE
    for at, cut, put in edits:
        at = min(at, len(text))
        text = text[:at] + put + text[at + cut:]
    for rules in (MAYOR, CvrRules()):
        try:
            parse_clearballot(text, source="e.csv", rules=rules)
        except CountError as exc:
            assert exc.source == "e.csv"


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_give_a_count_error_or_a_profile(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("b") / "f.csv"
    path.write_bytes(b"Choice_1_1:M:1:Vote For 1:Ann:NON," + data)
    try:
        read_profile(path, "clearballot")
    except CountError as exc:
        assert exc.source == str(path)
    path.write_bytes(data)
    try:
        read_profile(path, "clearballot")
    except CountError as exc:
        assert exc.source == str(path)
