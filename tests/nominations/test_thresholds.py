"""Ballot-access rules: every term, rounding, the language's errors, and the 2020 what-if."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from omov.nominations.thresholds import (
    PRESETS,
    AffiliatesTerm,
    GroupTerm,
    Nomination,
    RuleError,
    evaluate,
    evaluate_all,
    parse_rule,
)
from omov.nominations.whatif import parse_nominations_csv, read_nominations_csv, to_json, whatif

ROOT = Path(__file__).resolve().parents[2]
CSV_2020 = ROOT / "docs" / "data" / "labour-leadership-2020-nominations.csv"


def noms(candidate, group, n, **kw):
    return [Nomination(candidate, group, nominator=f"{group}{i}", **kw) for i in range(n)]


@pytest.mark.parametrize(
    ("size", "percent", "need"),
    [(648, 5, 33), (212, 10, 22), (232, 15, 35), (212, 15, 32), (200, 10, 20), (0, 10, 0), (1, 5, 1)],
)
def test_a_share_is_rounded_up_to_whole_nominators(size, percent, need):
    term = parse_rule(f"g >= {percent}%")
    assert term.evaluate(noms("A", "g", need), {"g": size}).passed
    if need:
        assert not term.evaluate(noms("A", "g", need - 1), {"g": size}).passed


def test_exact_threshold_passes_and_one_short_fails():
    expr = parse_rule("mp >= 35")
    assert evaluate(expr, "A", noms("A", "mp", 35), {}).qualified
    assert not evaluate(expr, "A", noms("A", "mp", 34), {}).qualified


def test_an_empty_group_needs_nobody_for_a_share_and_everyone_for_a_number():
    assert evaluate(parse_rule("mp >= 10%"), "A", [], {"mp": 0}).qualified
    assert not evaluate(parse_rule("mp >= 1"), "A", [], {}).qualified


def test_a_share_without_the_group_size_is_a_clear_error():
    with pytest.raises(RuleError, match="--size mp=N"):
        evaluate(parse_rule("mp >= 10%"), "A", [], {})


def test_affiliates_need_number_kinds_and_membership_together():
    term = parse_rule("affiliates(3, union >= 2, members >= 5%)")
    assert isinstance(term, AffiliatesTerm)
    sizes = {"affiliate_members": 1_000_000}
    good = [
        Nomination("A", "affiliate", "U1", kind="union", members=30_000),
        Nomination("A", "affiliate", "U2", kind="union", members=15_000),
        Nomination("A", "affiliate", "S1", kind="society", members=5_000),
    ]
    assert term.evaluate(good, sizes).passed  # 50,000 = 5% exactly
    assert not term.evaluate(good[:2], sizes).passed  # only two affiliates
    one_union = [good[0], good[2], Nomination("A", "affiliate", "S2", kind="society", members=20_000)]
    assert not term.evaluate(one_union, sizes).passed
    small = [*good[:2], Nomination("A", "affiliate", "S1", kind="society", members=4_999)]
    result = term.evaluate(small, sizes)
    assert not result.passed and "49,999" in result.working
    # without the total membership the share cannot be shown: not met, and the working says why
    assert "not given" in term.evaluate(good, {}).working


def test_and_binds_tighter_than_or_and_parentheses_group():
    expr = parse_rule("a >= 1 or b >= 1 and c >= 1")
    assert evaluate(expr, "X", noms("X", "a", 1), {}).qualified
    assert not evaluate(expr, "X", noms("X", "b", 1), {}).qualified
    expr2 = parse_rule("(a >= 1 or b >= 1) and c >= 1")
    assert not evaluate(expr2, "X", noms("X", "a", 1), {}).qualified
    assert evaluate(expr2, "X", noms("X", "b", 1) + noms("X", "c", 1), {}).qualified


def test_every_term_shows_its_working():
    ev = evaluate(PRESETS["2018"].rule, "A", noms("A", "mp", 22) + noms("A", "clp", 33), {"mp": 212, "clp": 648})
    assert ev.qualified
    assert [t.passed for t in ev.terms] == [True, True, False]
    assert "rounded up to 22" in ev.terms[0].working and "rounded up to 33" in ev.terms[1].working


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("mp >=", "number"),
        ("mp >= 10% and", "group name"),
        ("mp > 3", "column 3"),
        ("(mp >= 3", r"expected '\)'"),
        ("mp >= 2.5", "whole"),
        ("affiliates(3, union >= 2%)", "whole number"),
        ("affiliates(3, members >= 5)", "percentage"),
        ("affiliates(5%)", "how many"),
        ("mp >= 3 mp >= 4", "unexpected"),
        ("and mp >= 3", "needs something"),
    ],
)
def test_malformed_rules_get_a_clear_error(text, words):
    with pytest.raises(RuleError, match=words):
        parse_rule(text)


def test_presets_parse_and_print_back_to_their_text():
    for preset in PRESETS.values():
        assert parse_rule(preset.rule.text()) == preset.rule
        assert preset.source


def test_round_trip_of_terms():
    assert parse_rule("mp >= 12.5%") == GroupTerm("mp", percent=parse_rule("mp >= 12.5%").percent)


def test_generated_round_every_term_matches_a_direct_count():
    """A fixed-seed round (200 MPs, 600 CLPs, 20 affiliates): each term agrees with counting by hand."""
    rng = random.Random(2024)
    candidates = ["A", "B", "C", "D"]
    affiliates = [(f"aff{i}", "union" if i < 12 else "society", rng.randint(1_000, 300_000)) for i in range(20)]
    round_ = []
    for i in range(200):
        round_.append(Nomination(rng.choice(candidates), "mp", f"mp{i}"))
    for i in range(600):
        if rng.random() < 0.8:
            round_.append(Nomination(rng.choice(candidates), "clp", f"clp{i}"))
    for name, kind, members in affiliates:
        round_.append(Nomination(rng.choice(candidates), "affiliate", name, kind=kind, members=members))
    total_members = sum(m for _, _, m in affiliates)
    sizes = {"mp": 200, "clp": 600, "affiliate_members": total_members}
    for ev in evaluate_all(PRESETS["2018"].rule, round_, sizes):
        mine = [n for n in round_ if n.candidate == ev.candidate]
        mps = sum(1 for n in mine if n.group == "mp")
        clps = sum(1 for n in mine if n.group == "clp")
        affs = [n for n in mine if n.group == "affiliate"]
        unions = sum(1 for n in affs if n.kind == "union")
        share = sum(n.members for n in affs) * 100 >= 5 * total_members
        expected = mps >= 20 and (clps >= 30 or (len(affs) >= 3 and unions >= 2 and share))
        assert ev.qualified == expected, ev


def test_csv_rows_are_validated_with_line_numbers():
    with pytest.raises(RuleError, match="line 1: missing column"):
        parse_nominations_csv("candidate,count\nA,1\n")
    with pytest.raises(RuleError, match="line 3: count: .x. is not a whole number"):
        parse_nominations_csv("candidate,group,count\nA,mp,1\nB,mp,x\n")
    with pytest.raises(RuleError, match="line 3: 'm1' .mp. has already nominated"):
        parse_nominations_csv("candidate,group,nominator\nA,mp,m1\nB,mp,m1\n")
    with pytest.raises(RuleError, match="unknown column"):
        parse_nominations_csv("candidate,group,colour\nA,mp,red\n")
    with pytest.raises(RuleError, match="empty"):
        parse_nominations_csv("")


def test_the_2020_leadership_round_under_each_preset():
    """The published 2020 totals: who would have qualified under each rule (docs/nominations-whatif.md)."""
    noms_2020 = read_nominations_csv(CSV_2020)
    results = dict(whatif(noms_2020, ["2014", "2017", "2018", "2021"], {"mp": 212, "clp": 648}))
    qualified = {rule: [e.candidate for e in evs if e.qualified] for rule, evs in results.items()}
    assert qualified == {
        "2014": ["Keir Starmer", "Rebecca Long-Bailey"],
        "2017": ["Keir Starmer", "Rebecca Long-Bailey", "Lisa Nandy", "Jess Phillips", "Emily Thornberry"],
        "2018": ["Keir Starmer", "Rebecca Long-Bailey", "Lisa Nandy"],
        "2021": ["Keir Starmer"],
    }
    payload = to_json(whatif(noms_2020, ["2018"], {"mp": 212, "clp": 648}))
    assert payload[0]["rule"] == "2018" and payload[0]["candidates"][0]["terms"][0]["need"] == "22"


def test_cli_whatif_json_and_errors():
    cmd = [sys.executable, "-m", "omov.cli", "nominations", "whatif", str(CSV_2020), "--rule", "2018",
           "--rule", "mp >= 5%", "--size", "mp=212", "--size", "clp=648", "--format", "json"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert [d["rule"] for d in data] == ["2018", "mp >= 5%"]
    assert data[1]["qualified"] == ["Keir Starmer", "Rebecca Long-Bailey", "Lisa Nandy", "Jess Phillips",
                                    "Emily Thornberry"]
    bad = subprocess.run([*cmd[:6], "--rule", "mp >>= 3"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("omov nominations:") and "Traceback" not in bad.stderr
