import pytest

from omov.count import CountError, parse_blt, read_blt, write_blt

SIMPLE = """4 2
-4
3 1 2 0
(b7) 2 2 3 0
1 3 0
0
"Ann ""Red"" Smith"
Bob Jones
"Cat"
"Dan"
"A test"
"""


def test_parses_weights_withdrawn_quoted_names_and_title():
    p = parse_blt(SIMPLE)
    assert p.names == ('Ann "Red" Smith', "Bob Jones", "Cat", "Dan")
    assert [c.withdrawn for c in p.candidates] == [False, False, False, True]
    assert p.seats == 2 and p.title == "A test" and p.papers == 6
    assert dict(zip(p.rankings, p.weights, strict=True)) == {(0, 1): 3, (1, 2): 2, (2,): 1}


def test_identical_papers_are_grouped():
    p = parse_blt("2 1\n1 1 2 0\n1 1 2 0\n5 2 0\n0\nA\nB\n")
    assert dict(zip(p.rankings, p.weights, strict=True)) == {(0, 1): 2, (1,): 5}


def test_round_trip_through_write_blt():
    p = parse_blt(SIMPLE)
    again = parse_blt(write_blt(p))
    assert again == p


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("2 1\n1 1 2\n0\nA\nB\n", 2, "end with 0"),
        ("2 1\n1 1 x 0\n0\nA\nB\n", 2, "whole number"),
        ("2 1\n1 1=2 0\n0\nA\nB\n", 2, "equal rankings"),
        ("2 1\n1 1 2 0\n0\nA\n", None, "only 1 names"),
        ("", None, "empty"),
        ("2 0\n0\nA\nB\n", 1, "seats"),
    ],
)
def test_bad_input_names_the_line(text, line, words):
    with pytest.raises(CountError) as err:
        parse_blt(text, source="x.blt")
    assert words in str(err.value)
    assert str(err.value).startswith("x.blt")
    if line is not None:
        assert err.value.line == line


def test_equal_rankings_allowed_when_the_rule_says():
    p = parse_blt("3 2\n1 1=2 0\n0\nA\nB\nC\n", allow_equal=True)
    assert p.rankings == ((0, 1),)


def test_latin1_bytes_are_read_not_fatal(tmp_path):
    f = tmp_path / "l1.blt"
    f.write_bytes("2 1\n1 1 0\n0\n\"Zo\xeb\"\n\"B\"\n".encode("latin-1"))
    assert read_blt(f).names[0] == "Zoë"


def test_missing_file_is_a_count_error(tmp_path):
    with pytest.raises(CountError, match="cannot read"):
        read_blt(tmp_path / "nope.blt")


def test_every_real_ward_parses(scottish_data):
    files = sorted((scottish_data / "ballots").glob("*.blt"))
    assert len(files) == 374
    for f in files:
        p = read_blt(f)
        assert p.papers > 0 and p.seats and len(p.candidates) > p.seats
