"""Ballot formats: CSV (both layouts) and JSON, read and written; every malformed input names its line."""

import json

import pytest

from omov.count import CountError, Profile
from omov.count.formats import detect_format, format_profile, read_profile, write_profile
from omov.count.formats.csv_ import parse_csv, write_csv
from omov.count.formats.json_ import parse_json, write_json
from omov.count.profile import Candidate


def sample() -> Profile:
    cands = (Candidate("Ann Smith"), Candidate('Bob "B" Jones'), Candidate("Zoë, Cat"), Candidate("Dan", True))
    papers = [((0, 1, 2), 3), ((1,), 2), ((2, 0), 1), ((), 4), ((3, 1), 1)]
    return Profile.from_papers(cands, papers, seats=2, title="Ward 7: Östersund", invalid=5)


# ---- CSV, rank layout


def test_csv_rank_layout_reads_rank_numbers_weights_and_blanks():
    p = parse_csv("Ann,Bob,Cat,weight\n1,2,,3\n,1,2,\n2,,1,2\n,,,1\n")
    assert p.names == ("Ann", "Bob", "Cat")
    assert dict(zip(p.rankings, p.weights, strict=True)) == {(0, 1): 3, (1, 2): 1, (2, 0): 2, (): 1}
    assert p.seats is None and p.title == ""


def test_csv_rank_gaps_close_up_and_marks_are_unordered():
    p = parse_csv("A,B,C\n1,3,\nx,,X\n")
    assert p.rankings == ((0, 1), (0, 2))


def test_csv_metadata_lines_give_seats_title_withdrawn_invalid():
    p = parse_csv("# seats: 2\n# title: Ward 7\n# withdrawn: B\n# invalid: 3\nA,B\n1,2\n")
    assert p.seats == 2 and p.title == "Ward 7" and p.invalid == 3
    assert [c.withdrawn for c in p.candidates] == [False, True]


def test_csv_equal_ranks_only_when_allowed():
    text = "A,B,C\n1,1,2\n"
    with pytest.raises(CountError, match="rank 1 is given to both 'A' and 'B'"):
        parse_csv(text)
    assert parse_csv(text, allow_equal=True).rankings == ((0, 1, 2),)


# ---- CSV, ranking layout


def test_csv_ranking_layout_reads_names_in_order_of_preference():
    p = parse_csv("pref1,pref2,pref3,weight\nAnn,Bob,,3\nBob,,Cat,1\n Ann ,Cat,Bob,\n")
    assert p.names == ("Ann", "Bob", "Cat")
    assert dict(zip(p.rankings, p.weights, strict=True)) == {(0, 1): 3, (1, 2): 1, (0, 2, 1): 1}


def test_csv_ranking_layout_accepts_other_spellings_and_orders_by_number():
    p = parse_csv("Preference 2,Preference 1,id\nB,A,x1\n")
    assert p.names == ("A", "B") and p.rankings == ((0, 1),)


def test_csv_ranking_layout_candidates_line_adds_unranked_candidates():
    p = parse_csv("# candidates: Cat; Ann\npref1\nAnn\n")
    assert p.names == ("Cat", "Ann") and p.rankings == ((1,),)


@pytest.mark.parametrize("layout", ["ranks", "ranking"])
def test_csv_round_trip(layout):
    p = sample()
    assert parse_csv(write_csv(p, layout=layout)) == p


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("A,B\n1,2\n1,y\n", 3, "'B': expected a rank number or blank, found 'y'"),
        ("A,B\n1,0\n", 2, "a rank must be 1 or more"),
        ("A,B,weight\n1,2,3\n1,2,two\n", 3, "weight must be a whole number"),
        ("A,B,weight\n1,2,-1\n", 2, "weight cannot be negative"),
        ("A,B\n1,2\n\n1,2,3\n", 4, "the row has 3 cells but the header has 2"),
        ("A,B\n1,x\n", 2, "mixes marks"),
        ("A,A\n1,2\n", 1, "names 'A' twice"),
        ("A,,B\n1,,2\n", 1, "column 2 of the header is blank"),
        ("pref1,pref2\nA,A\n", 2, "names 'A' twice"),
        ("pref1,Bob\nA,1\n", 1, "mixes preference columns"),
        ("# seats: 2\n\nA,B\n1,2\n2,2\n", 5, "rank 2 is given to both"),
        ('A,B\n1,2\n"1,2\n', 3, "cannot read the row"),
    ],
)
def test_csv_malformed_input_names_the_line(text, line, words):
    with pytest.raises(CountError) as err:
        parse_csv(text, source="ward.csv")
    assert words in str(err.value)
    assert err.value.line == line
    assert str(err.value).startswith(f"ward.csv, line {line}: ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no header row"),
        ("# seats: two\nA\n1\n", "'# seats:' must be a whole number"),
        ("# withdrawn: Z\nA\n1\n", "'# withdrawn:' names Z"),
    ],
)
def test_csv_whole_file_problems_name_the_file(text, words):
    with pytest.raises(CountError, match=words) as err:
        parse_csv(text, source="ward.csv")
    assert str(err.value).startswith("ward.csv")


# ---- JSON


def test_json_reads_the_documented_object():
    text = json.dumps(
        {
            "title": "T",
            "seats": 2,
            "candidates": ["Ann", "Bob", "Cat"],
            "withdrawn": ["Cat"],
            "ballots": [
                {"ranking": ["Ann", "Bob"], "weight": 3},
                {"ranking": ["Bob"]},
                ["Cat", "Ann"],
                {"ranking": []},
            ],
        }
    )
    p = parse_json(text)
    assert p.names == ("Ann", "Bob", "Cat") and p.seats == 2 and p.title == "T"
    assert [c.withdrawn for c in p.candidates] == [False, False, True]
    assert dict(zip(p.rankings, p.weights, strict=True)) == {(0, 1): 3, (1,): 1, (2, 0): 1, (): 1}


def test_json_equal_rankings_only_when_allowed():
    text = '{"candidates": ["A", "B", "C"], "ballots": [{"ranking": [["A", "B"], "C"]}]}'
    with pytest.raises(CountError, match="equal rankings"):
        parse_json(text)
    assert parse_json(text, allow_equal=True).rankings == ((0, 1, 2),)


@pytest.mark.parametrize("indent", [None, 2])
def test_json_round_trip(indent):
    p = sample()
    assert parse_json(write_json(p, indent=indent)) == p


@pytest.mark.parametrize(
    ("ballots", "line", "words"),
    [
        ('{"ranking": ["A", "Z"]}', 5, "ballot 3: ranks 'Z', who is not a candidate"),
        ('{"ranking": ["A", "A"]}', 5, "ballot 3: ranks 'A' twice"),
        ('{"ranking": ["A"], "weight": 1.5}', 5, "ballot 3: the weight must be a whole number"),
        ('{"ranking": ["A"], "weight": -2}', 5, "ballot 3: the weight cannot be negative"),
        ('{"weight": 2}', 5, 'ballot 3: no "ranking"'),
        ('{"ranking": "A"}', 5, 'ballot 3: "ranking" must be a list'),
        ('{"ranking": [1]}', 5, "ballot 3: expected a candidate's name, found 1"),
        ('{"rank": ["A"]}', 5, "ballot 3: unexpected key 'rank'"),
        ("7", 5, "ballot 3: expected"),
    ],
)
def test_json_bad_ballot_names_its_line(ballots, line, words):
    head = '{\n "candidates": ["A", "B"],\n "ballots": [\n  {"ranking": ["A"]}, {"ranking": ["B"]},\n  '
    text = head + ballots + "\n ]\n}\n"
    with pytest.raises(CountError) as err:
        parse_json(text, source="ward.json")
    assert words in str(err.value)
    assert err.value.line == line and str(err.value).startswith(f"ward.json, line {line}: ")


def test_json_syntax_error_names_the_line():
    with pytest.raises(CountError) as err:
        parse_json('{\n "candidates": ["A"],\n "ballots": [,]\n}', source="w.json")
    assert err.value.line == 3 and "not valid JSON" in str(err.value)


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ([], "expected a JSON object"),
        ({"ballots": []}, '"candidates" must be a non-empty list'),
        ({"candidates": ["A", "A"], "ballots": []}, "names A more than once"),
        ({"candidates": ["A"], "ballots": {}}, '"ballots" must be a list'),
        ({"candidates": ["A"], "withdrawn": ["B"], "ballots": []}, '"withdrawn" names \'B\''),
        ({"candidates": ["A"], "seats": 0, "ballots": []}, '"seats" must be a whole number'),
        ({"candidates": ["A"], "format": "other", "ballots": []}, '"format" is'),
        ({"candidates": ["A"], "version": 9, "ballots": []}, "newer than this reader"),
    ],
)
def test_json_bad_document_names_the_file(doc, words):
    with pytest.raises(CountError, match=words) as err:
        parse_json(json.dumps(doc), source="w.json")
    assert str(err.value).startswith("w.json")


# ---- choosing by extension or content; encodings; files


@pytest.mark.parametrize("fmt", ["blt", "csv", "json"])
def test_write_then_read_profile_by_extension(tmp_path, fmt):
    p = sample()
    path = tmp_path / f"ward.{fmt}"
    write_profile(p, path)
    again = read_profile(path)
    if fmt == "blt":  # BLT has no 'invalid' count
        assert again.rankings == p.rankings and again.names == p.names and again.seats == 2
    else:
        assert again == p


def test_format_is_detected_by_content_without_an_extension(tmp_path):
    p = sample()
    for fmt in ("blt", "csv", "json"):
        path = tmp_path / f"ward-{fmt}"
        path.write_text(format_profile(p, fmt), encoding="utf-8")
        assert detect_format(path, path.read_bytes()) == fmt
        assert read_profile(path).names == p.names
    assert read_profile(tmp_path / "ward-csv", fmt="csv").names == p.names


def test_latin1_csv_and_json_are_read_with_odd_bytes_replaced(tmp_path):
    f = tmp_path / "l1.csv"
    f.write_bytes("Zo\xeb,B\n1,2\n".encode("latin-1"))
    assert read_profile(f).names == ("Zoë", "B")
    g = tmp_path / "l1.json"
    g.write_bytes(b'{"candidates": ["Zo\xeb", "B"], "ballots": [["B"]]}')
    assert read_profile(g).names == ("Zoë", "B")


def test_utf8_bom_is_ignored(tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes("\ufeffÅsa,Bo\n1,2\n".encode())
    assert read_profile(f).names == ("Åsa", "Bo")


def test_missing_file_and_unknown_format_are_count_errors(tmp_path):
    with pytest.raises(CountError, match="cannot read the file") as err:
        read_profile(tmp_path / "nope.csv")
    assert str(tmp_path / "nope.csv") in str(err.value)
    (tmp_path / "x.csv").write_text("A\n1\n")
    with pytest.raises(CountError, match="unknown ballot format 'xml'"):
        read_profile(tmp_path / "x.csv", fmt="xml")
    with pytest.raises(CountError, match="folder"):
        read_profile(tmp_path)


def test_progress_is_reported_while_reading(tmp_path):
    f = tmp_path / "big.csv"
    f.write_text("A,B\n" + "1,2\n" * 1000)
    calls = []
    p = read_profile(f, progress=lambda done, total: calls.append((done, total)))
    assert p.papers == 1000 and calls and calls[-1][0] == calls[-1][1]


# ---- the BLT reader's bulk path reads exactly what the line-by-line loop reads

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from omov.count import parse_blt  # noqa: E402

_papers = st.lists(
    st.tuples(st.integers(0, 5), st.lists(st.integers(1, 5), max_size=6)), min_size=1, max_size=40
)


def _blt(papers, *, spacing: str = " ", comment: bool = False) -> str:
    body = [spacing.join([str(w), *map(str, r), "0"]) for w, r in papers]
    if comment:
        body.append("# a comment forces the line-by-line loop")
    return "5 2\n" + "\n".join(body) + "\n0\nA\nB\nC\nD\nE\nT\n"


@settings(max_examples=150, deadline=None)
@given(_papers, st.sampled_from([" ", "  ", "\t"]))
def test_blt_bulk_path_equals_line_by_line(papers, spacing):
    fast = parse_blt(_blt(papers, spacing=spacing))
    slow = parse_blt(_blt(papers, spacing=spacing, comment=True))
    assert fast == slow
    assert fast.papers + fast.invalid == sum(w for w, _ in papers)


def test_blt_bulk_path_falls_back_to_name_the_bad_line():
    text = "3 1\n" + "1 1 2 0\n" * 50 + "1 1 7 0\n" + "1 2 0\n" * 5 + "0\nA\nB\nC\n"
    with pytest.raises(CountError, match="only 3 candidates"):
        parse_blt(text, source="w.blt")
    text = "3 1\n" + "1 1 2 0\n" * 50 + "1 1 2\n0\nA\nB\nC\n"
    with pytest.raises(CountError) as err:
        parse_blt(text, source="w.blt")
    assert err.value.line == 52 and "end with 0" in str(err.value)
