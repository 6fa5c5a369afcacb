"""The count sheet renderings: golden text, CSV, HTML escaping, the JSON schema and reading it back."""

import ast
import inspect
import json
from fractions import Fraction as F

import pytest

from omov.count import CountError, result, sheet
from omov.count.result import Count, Stage


def hand_count() -> Count:
    """Four candidates, two seats: a surplus, then an exclusion after a tie broken by lot."""
    names = ("Ann Smith", 'Bob "B" <Jones>', "Cat Lee", "Dan Roe")
    q = F(34)
    s1 = Stage(1, "first-preferences", "First preferences", (), (F(40), F(30), F(20), F(10)), F(0), F(0), q,
               ("elected", "continuing", "continuing", "continuing"), elected=(0,))
    s2 = Stage(2, "surplus", "Surplus of Ann Smith", (0,), (F(34), F(33), F(22), F(10)), F(0), F(1), q,
               ("elected", "continuing", "continuing", "continuing"))
    s3 = Stage(3, "exclusion", "Exclusion of Dan Roe", (3,), (F(34), F(37), F(25), F(0)), F(3), F(1), q,
               ("elected", "elected", "continuing", "excluded"), elected=(1,), excluded=(3,),
               notes=("tie between Cat Lee, Dan Roe broken by lot (seed s1, draw 1)",))
    return Count("ers97", "ers97", "Ward 1 & <Test>", names, 2, 101, F(100), 1, q, (s1, s2, s3), (0, 1),
                 decimals=2, seed="s1")


GOLDEN_TEXT = """\
Ward 1 & <Test>
Rule: ers97    Seats: 2
Papers: 101    Valid: 100.00    Invalid: 1    Quota: 34.00
Seed: s1
┌───────────────────┬────────────────┬────────────────┬────────────────┬───────────────────────┐
│                   │                │       Stage 2: │       Stage 3: │                       │
│                   │ Stage 1: First │ Surplus of Ann │   Exclusion of │                       │
│ Candidate         │    preferences │          Smith │        Dan Roe │ Result                │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Ann Smith         │          40.00 │          -6.00 │                │ elected 1st (stage 1) │
│                   │        ELECTED │          34.00 │          34.00 │                       │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Bob "B" <Jones>   │          30.00 │          +3.00 │          +4.00 │ elected 2nd (stage 3) │
│                   │                │          33.00 │          37.00 │                       │
│                   │                │                │        ELECTED │                       │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Cat Lee           │          20.00 │          +2.00 │          +3.00 │ not elected           │
│                   │                │          22.00 │          25.00 │                       │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Dan Roe           │          10.00 │                │         -10.00 │ excluded (stage 3)    │
│                   │                │          10.00 │           0.00 │                       │
│                   │                │                │       EXCLUDED │                       │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Non-transferable  │           0.00 │                │          +3.00 │                       │
│                   │                │           0.00 │           3.00 │                       │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Loss of fractions │           0.00 │          +1.00 │                │                       │
│                   │                │           1.00 │           1.00 │                       │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Total             │         100.00 │         100.00 │         100.00 │                       │
├───────────────────┼────────────────┼────────────────┼────────────────┼───────────────────────┤
│ Quota             │          34.00 │          34.00 │          34.00 │                       │
└───────────────────┴────────────────┴────────────────┴────────────────┴───────────────────────┘
Elected: 1. Ann Smith, 2. Bob "B" <Jones>
Notes:
  Stage 3: tie between Cat Lee, Dan Roe broken by lot (seed s1, draw 1)
"""


def test_text_sheet_matches_the_golden_sheet():
    assert sheet.render_text(hand_count()) == GOLDEN_TEXT


def test_narrow_terminal_splits_the_stages_across_tables_with_the_same_figures():
    text = sheet.render_text(hand_count(), width=60)
    assert text.count("┌") == 2  # two tables
    assert max(len(line) for line in text.splitlines()) <= 60
    for figure in ("40.00", "-6.00", "+4.00", "EXCLUDED", "excluded (stage 3)", "Seed: s1"):
        assert figure in text


def test_csv_sheet_has_a_change_and_total_column_per_stage_and_the_notes():
    rows = list(__import__("csv").reader(sheet.render_csv(hand_count()).splitlines()))
    assert rows[0][:4] == [
        "Candidate",
        "Stage 1: First preferences (total)",
        "Stage 2: Surplus of Ann Smith (change)",
        "Stage 2: Surplus of Ann Smith (total)",
    ]
    assert rows[1] == ["Ann Smith", "40.00", "-6.00", "34.00", "", "34.00", "elected 1st (stage 1)"]
    assert rows[4] == ["Dan Roe", "10.00", "", "10.00", "-10.00", "0.00", "excluded (stage 3)"]
    assert ["Non-transferable", "0.00", "", "0.00", "+3.00", "3.00", ""] in rows
    assert ["Seed", "s1"] in rows
    assert ["Elected", "Ann Smith", 'Bob "B" <Jones>'] in rows
    assert ["Note", "Stage 3: tie between Cat Lee, Dan Roe broken by lot (seed s1, draw 1)"] in rows


def test_html_fragment_escapes_names_and_titles_and_marks_states():
    out = sheet.render_html(hand_count())
    assert "<Jones>" not in out and "Bob &quot;B&quot; &lt;Jones&gt;" in out
    assert "<caption>Ward 1 &amp; &lt;Test&gt;</caption>" in out
    assert out.startswith('<div class="omov-count">') and '<table class="omov-count-sheet">' in out
    assert '<tr class="candidate state-excluded">' in out
    assert out.count('class="votes elected-here"') == 2
    assert "<link" not in out and "<script" not in out and "<style" not in out and "http" not in out


def test_html_escapes_hostile_names_in_every_place():
    names = ("<script>alert(1)</script>", "B & B")
    s = Stage(1, "first-preferences", "First preferences of <b>", (), (F(2), F(1)), F(0), F(0), F(2),
              ("elected", "continuing"), elected=(0,), notes=("<i>note</i>",))
    c = Count("fptp", "fptp", "<t>", names, 1, 3, F(3), 0, None, (s,), (0,), seed="<seed>")
    out = sheet.render_html(c)
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out and "<t>" not in out
    assert "&lt;script&gt;" in out and "B &amp; B" in out and "&lt;seed&gt;" in out


def test_json_sheet_has_the_documented_keys():
    doc = json.loads(sheet.render_json(hand_count()))
    assert doc["schema"] == "omov-count-sheet" and doc["version"] == 1
    for key in ("rule", "seats", "quota", "elected", "stages", "seed", "valid", "invalid", "papers", "title"):
        assert key in doc
    assert doc["elected"] == ["Ann Smith", 'Bob "B" <Jones>']
    assert doc["quota"] == "34.00" and doc["valid"] == "100.00" and doc["papers"] == 101
    stage = doc["stages"][2]
    for key in ("action", "description", "subjects", "totals", "non_transferable", "loss", "elected", "excluded",
                "notes"):
        assert key in stage
    assert stage["action"] == "exclusion" and stage["subjects"] == ["Dan Roe"]
    assert stage["totals"]["Cat Lee"] == "25.00" and stage["non_transferable"] == "3.00"
    assert stage["notes"] == ["tie between Cat Lee, Dan Roe broken by lot (seed s1, draw 1)"]
    assert "exact" not in stage  # every value is exact at 2 places


def test_json_round_trips_to_the_same_count():
    count = hand_count()
    again = sheet.from_json(sheet.render_json(count))
    assert again == count
    assert sheet.render_text(again) == GOLDEN_TEXT


def rational_count() -> Count:
    third = F(1, 3)
    s1 = Stage(1, "first-preferences", "First preferences", (), (F(5), F(3), F(2)), F(0), F(0), F(10, 3),
               ("elected", "continuing", "continuing"), elected=(0,))
    s2 = Stage(2, "round", "Surplus of A (Meek iteration)", (0,), (F(10, 3), F(3) + F(5, 3) - third, F(2) + third),
               F(0), F(0), F(10, 3), ("elected", "elected", "continuing"), elected=(1,),
               keep_factors=(F(2, 3), F(1), F(1)))
    return Count("meek", "meek", "", ("A", "B", "C"), 2, 10, F(10), 0, F(10, 3), (s1, s2), (0, 1), decimals=None,
                 seed="7", options={"omega": F(1, 10**9), "group": frozenset({"B", "A"})})


def test_rationals_print_fixed_places_and_keep_the_exact_value():
    count = rational_count()
    doc = json.loads(sheet.render_json(count))
    assert doc["places"] == sheet.RATIONAL_PLACES and doc["decimals"] is None
    assert doc["quota"] == "3.333333" and doc["exact"]["quota"] == "10/3"
    assert doc["stages"][1]["totals"]["B"] == "4.333333"
    assert doc["stages"][1]["exact"]["totals"]["B"] == "13/3"
    assert doc["stages"][1]["keep_factors"]["A"] == "2/3"
    assert doc["options"] == {"omega": "1/1000000000", "group": ["A", "B"]}
    again = sheet.from_json(json.dumps(doc))
    assert again.stages == count.stages and again.quota == F(10, 3) and again.valid == 10
    assert "3.333333" in sheet.render_text(count)


def test_whole_number_counts_print_without_decimals():
    s = Stage(1, "elected", "Marks counted", (), (F(7), F(3)), F(0), F(0), F(0), ("elected", "continuing"),
              elected=(0,))
    c = Count("fptp", "fptp", "", ("A", "B"), 1, 10, F(10), 0, None, (s,), (0,), seed="1")
    text = sheet.render_text(c)
    assert " 7 " in text and "7.0" not in text and "Quota" not in text


def test_decimal_truncates_towards_zero():
    assert sheet.decimal(F(2, 3), 2) == "0.66"
    assert sheet.decimal(F(-2, 3), 2) == "-0.66"
    assert sheet.decimal(F(5), 0) == "5"
    assert sheet.decimal(F(1, 100), 5) == "0.01000"
    assert sheet.signed(F(0), 2) == "" and sheet.signed(F(3, 2), 2) == "+1.50"


def test_withdrawn_candidates_are_listed_and_shown_as_out():
    s = Stage(1, "first-preferences", "First preferences", (), (F(4), F(0), F(3)), F(0), F(0), F(4),
              ("elected", "withdrawn", "continuing"), elected=(0,))
    c = Count("irv", "irv", "", ("A", "W", "C"), 1, 7, F(7), 0, None, (s,), (0,), seed="1", withdrawn=(1,))
    text = sheet.render_text(c)
    assert "Withdrawn: W" in text and "withdrawn" in text
    assert sheet.to_dict(c)["withdrawn"] == ["W"]


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda d: d.update(schema="other"), "schema"),
        (lambda d: d.update(version=99), "newer"),
        (lambda d: d.pop("stages"), "missing key 'stages'"),
        (lambda d: d["stages"][0].update(action="magic"), "unknown stage action"),
        (lambda d: d.update(elected=["Nobody"]), "'Nobody' is not one of the candidates"),
        (lambda d: d["stages"][0]["totals"].update({"Cat Lee": "lots"}), "not a count sheet"),
    ],
)
def test_reading_a_broken_sheet_says_what_is_wrong(mutate, words):
    doc = sheet.to_dict(hand_count())
    mutate(doc)
    with pytest.raises(CountError, match=words):
        sheet.from_dict(doc, source="sheet.json")


def test_reading_invalid_json_names_the_line():
    with pytest.raises(CountError) as err:
        sheet.from_json('{\n"schema": \n}', source="s.json")
    assert err.value.line == 3 and str(err.value).startswith("s.json, line 3")


def test_render_dispatches_and_rejects_unknown_formats():
    count = hand_count()
    assert sheet.render(count, "csv") == sheet.render_csv(count)
    assert json.loads(sheet.render(count, "json"))["title"] == "Ward 1 & <Test>"
    with pytest.raises(CountError, match="unknown sheet format"):
        sheet.render(count, "pdf")


def test_the_sheet_functions_render_and_read_back():
    count = hand_count()
    assert sheet.from_json(sheet.render_json(count)) == count
    assert sheet.render(count, "html") == sheet.render_html(count)


def test_result_does_not_import_the_sheet():
    """The sheet renders a Count; the Count knows nothing of the sheet (no import circle, even inside functions)."""
    tree = ast.parse(inspect.getsource(result))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(name and name.startswith("omov.count.sheet") for name in imported)


@pytest.mark.parametrize("rule", ["scottish", "ers97", "meek", "irv", "wigm", "fptp", "bloc"])
def test_real_counts_round_trip_through_json_and_every_rendering_adds_up(scottish_data, rule):
    from omov.count import count as run_count
    from omov.count import read_blt

    for path in sorted((scottish_data / "ballots").glob("*.blt"))[:4]:
        result = run_count(read_blt(path), rule, seed="sheet-test")
        doc = sheet.to_dict(result)
        again = sheet.from_dict(json.loads(json.dumps(doc)))
        assert again == result
        assert sheet.to_dict(again) == doc
        digits = sheet.places(result)
        for stage in doc["stages"]:
            exact = stage.get("exact", stage)
            total = sum(F(v) for v in exact["totals"].values()) + F(exact["non_transferable"]) + F(exact["loss"])
            assert total == result.valid
        text = sheet.render_text(result)
        assert "Total" in text and "Elected: 1. " in text
        assert sheet.decimal(result.valid, digits) in text
        assert "<script" not in sheet.render_html(result)


def test_text_sheet_prints_markup_like_names_literally():
    s = Stage(1, "first-preferences", "First [b]x[/b]", (), (F(2), F(1)), F(0), F(0), F(2),
              ("elected", "continuing"), elected=(0,), notes=("[red]note[/red]",))
    c = Count("fptp", "fptp", "[i]T[/i]", ("[red]Ann[/red]", "B :smile:"), 1, 3, F(3), 0, None, (s,), (0,), seed="1")
    text = sheet.render_text(c)
    for literal in ("[i]T[/i]", "[red]Ann[/red]", "B :smile:", "[b]x[/b]", "Stage 1: [red]note[/red]"):
        assert literal in text
