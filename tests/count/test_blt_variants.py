"""BLT files as councils and other programs actually write them (tests/count/data/blt_variants, docs/formats.md).

Every variant file holds the same election (three candidates, two seats, papers 4 x 1-2-3, 3 x 2-1, 2 x 3) written
another way; each must read into the same papers, with the names (and parties) the file gives, and a warning that
names the variant. The files that are not BLT in any dialect are refused with the line and what was expected.
Real files: the Scottish councils' 2022 and 2012 files, whose name lines carry the party.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from omov.count import CountError, Profile, count, parse_blt, read_blt, sheet
from omov.count.cli import main
from omov.count.formats import read_profile
from omov.count.formats.blt import write_blt

VARIANTS = Path(__file__).parent / "data" / "blt_variants"
SCOTLAND_2022 = Path(__file__).parent / "data" / "scotland-2022"
PAPERS = {(0, 1, 2): 4, (1, 0): 3, (2,): 2}
NAMES = ("Anne Example", "Brian Sample", "Catriona Placeholder")
UPPER = ("Anne EXAMPLE", "Brian SAMPLE", "Catriona PLACEHOLDER")
PARTIES = ("Scottish Liberal Democrats", "Independent", "Example Green Party")
NONE = ("", "", "")
TITLE = "Ward 1 - Example North"

# file -> (names, parties, title, the words a warning must hold (none for plain BLT))
ACCEPTED: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]] = {
    "plain.blt": (NAMES, NONE, TITLE, ()),
    "name_party.blt": (NAMES, PARTIES, TITLE, ("a name and a party",)),
    "name_party_some.blt": (NAMES, ("Scottish Liberal Democrats", "", "Example Green Party"), TITLE,
                            ("a name and a party",)),
    "csv_name_then_party.blt": (UPPER, PARTIES, "Ward 1 Example North", ("quoted twice over", "a name and a party")),
    "csv_two_strings.blt": (UPPER, PARTIES, TITLE, ("quoted twice over", "a name and a party")),
    "party_code_first.blt": (UPPER, ("LD", "Ind", "Grn"), TITLE, ("quoted twice over", "short party code")),
    "spreadsheet_commas.blt": (NAMES, NONE, TITLE, ("commas",)),
    "commas_between.blt": (NAMES, PARTIES, TITLE, ("commas", "a name and a party")),
    "equal_rankings.blt": (NAMES, NONE, TITLE, ("equal rankings",)),
    "skipped.blt": (NAMES, NONE, TITLE, ("skipped preferences",)),
    "withdrawn_line.blt": (NAMES, NONE, TITLE, ("withdrawn candidates listed",)),
    "withdrawn_header.blt": (NAMES, NONE, TITLE, ("withdrawn candidates given on the first line",)),
    "ballot_ids.blt": (NAMES, NONE, TITLE, ("ballot ids",)),
    "comments.blt": (NAMES, NONE, TITLE, ("after '#'", "'/*' and '*/'")),
    "crlf.blt": (NAMES, PARTIES, TITLE, ("CRLF", "a name and a party")),
    "bom.blt": (("Anne Exämple", *NAMES[1:]), NONE, TITLE, ("byte-order mark",)),
    "latin1.blt": (("Anne Exämple", *NAMES[1:]), NONE, TITLE, ("not UTF-8", "Latin-1")),
    "utf16.blt": (("Anne Exämple", *NAMES[1:]), NONE, TITLE, ("UTF-16",)),
    "title_glued.blt": (NAMES, NONE, TITLE, ("title is on the same line",)),
    "packed_names.blt": (NAMES, NONE, TITLE, ("several names on one line",)),
    "unquoted_names.blt": (("Anne EXAMPLE (LD)", "Brian SAMPLE (Ind)", "Catriona PLACEHOLDER (Grn)"), NONE, TITLE, ()),
}

# file -> (line, words of the error)
REFUSED = {
    "droop_tie_option.blt": (9, "'=tie'"),
    "three_strings.blt": (6, "a name and a party/description, but the line holds 3 strings"),
    "unclosed_quote.blt": (6, "no closing quote"),
}


def test_every_variant_file_is_in_a_table() -> None:
    assert {p.name for p in VARIANTS.glob("*.blt")} == set(ACCEPTED) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_each_variant_reads_into_the_same_papers_with_its_names_parties_and_a_warning(name: str) -> None:
    names, parties, title, words = ACCEPTED[name]
    for profile in (read_blt(VARIANTS / name, allow_equal=True), read_profile(VARIANTS / name, "blt", True)):
        assert dict(zip(profile.rankings, profile.weights, strict=True)) == PAPERS
        assert profile.names == names and profile.parties == parties and profile.title == title
        assert profile.seats == 2
        assert [c.withdrawn for c in profile.candidates] == [False, "withdrawn" in name, False]
        text = " | ".join(profile.warnings)
        for word in words:
            assert word in text, (name, word, profile.warnings)
        if not words:
            assert profile.warnings == ()
        # each warning says where: the line it was first seen on (encoding notes are about the whole file)
        assert all("(line " in w or "UTF" in w or "byte-order" in w or "CRLF" in w for w in profile.warnings)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_no_dialect_writes_is_refused_naming_the_file_and_line(name: str) -> None:
    line, words = REFUSED[name]
    with pytest.raises(CountError) as caught:
        read_blt(VARIANTS / name)
    assert caught.value.line == line and caught.value.source == str(VARIANTS / name)
    assert words in caught.value.message


def test_equal_rankings_stay_refused_where_the_rule_forbids_them() -> None:
    with pytest.raises(CountError, match="equal rankings"):
        read_blt(VARIANTS / "equal_rankings.blt")


def test_two_quoted_strings_are_one_candidate_and_a_party_not_two_candidates() -> None:
    # the bug this reader fixes: each name's party read as the next candidate shifted every later name
    profile = read_blt(VARIANTS / "name_party.blt")
    result = count(profile, "scottish", seed="s")
    assert set(result.elected_names) <= set(NAMES)
    assert result.elected_names == ("Anne Example", "Brian Sample")
    assert result.parties == PARTIES


def test_a_quoted_nickname_among_plain_names_stays_part_of_the_name() -> None:
    p = parse_blt('2 1\n1 1 0\n0\n"Ann ""Red"""\n"Bob"\n"T"\n')
    assert p.names == ('Ann "Red"', "Bob") and p.parties == ("", "") and p.warnings == ()


def test_a_number_where_a_name_should_be_is_refused_in_a_comma_file_too() -> None:
    with pytest.raises(CountError, match="found the number") as caught:
        parse_blt("2 1,\n1 1 0,\n0,\n0,\nAnn,\nBob,\n")
    assert caught.value.line == 4


def test_an_unclosed_droop_comment_is_refused_naming_the_line() -> None:
    with pytest.raises(CountError, match=r"'/\*' is not closed") as caught:
        parse_blt("2 1\n/* a comment\n1 1 0\n0\nA\nB\n")
    assert caught.value.line == 2


def test_the_fast_path_and_the_line_by_line_reader_agree_on_a_comma_file() -> None:
    plain = "3 2\n" + "1 1 2 3 0\n" * 500 + "2 3 0\n" * 300 + '0\n"A"\n"B"\n"C"\n"T"\n'
    commas = plain.replace(" 0\n", " 0,\n").replace("3 2\n", "3 2,\n")
    a, b = parse_blt(plain), parse_blt(commas)
    assert a == b and a.warnings == () and "commas" in b.warnings[0]


# --- the warnings on the count sheet and on stderr --------------------------------------------------------------


def test_the_count_sheet_shows_parties_beside_names_and_the_warnings_in_its_notes() -> None:
    result = count(read_blt(VARIANTS / "crlf.blt"), "scottish", seed="s")
    assert result.elected_names == ("Anne Example", "Brian Sample")  # names alone
    assert [n for n in result.notes if n.startswith("Ballot file: ")] == [
        "Ballot file: Windows line endings (CRLF)",
        "Ballot file: candidate lines give a name and a party/description (e.g. 'Anne Example', "
        "'Scottish Liberal Democrats'): the name is the candidate, the party is shown beside it (line 6)",
    ]
    text = sheet.render_text(result)
    assert "Anne Example (Scottish Liberal Democrats)" in text and "Ballot file: Windows line endings" in text
    assert "Elected: 1. Anne Example, 2. Brian Sample" in text
    assert "Anne Example (Scottish Liberal Democrats)" in sheet.render_csv(result)
    assert '<span class="omov-party">(Example Green Party)</span>' in sheet.render_html(result)
    doc = json.loads(sheet.render_json(result))
    assert doc["parties"] == dict(zip(NAMES, PARTIES, strict=True)) and doc["elected"] == list(NAMES[:2])
    assert sheet.from_json(sheet.render_json(result)) == result


def test_a_plain_file_adds_no_parties_and_no_notes() -> None:
    result = count(read_blt(VARIANTS / "plain.blt"), "scottish", seed="s")
    assert result.parties == () and not any(n.startswith("Ballot file") for n in result.notes)
    assert "parties" not in json.loads(sheet.render_json(result))


def test_omov_count_prints_each_warning_on_stderr_with_the_file() -> None:
    out, err = io.StringIO(), io.StringIO()
    path = str(VARIANTS / "spreadsheet_commas.blt")
    assert main([path, "--rule", "scottish", "--seed", "s"], out=out, err=err) == 0
    assert err.getvalue() == (
        f"omov count: warning: {path}: commas after (or between) the numbers, as a spreadsheet exports them: "
        "read as spaces (line 1, and 4 more lines)\n"
    )
    assert "Ballot file: commas after" in out.getvalue()
    err = io.StringIO()
    assert main([str(VARIANTS / "plain.blt"), "--rule", "scottish", "--seed", "s"], out=io.StringIO(), err=err) == 0
    assert err.getvalue() == ""


def test_withdrawing_keeps_the_party_and_writing_keeps_both() -> None:
    profile = read_blt(VARIANTS / "name_party.blt").withdraw("Brian Sample")
    assert profile.candidates[1].party == "Independent" and profile.candidates[1].withdrawn
    again = parse_blt(write_blt(profile))
    assert again == profile and again.parties == PARTIES


# --- real council files ------------------------------------------------------------------------------------------


def test_east_ayrshire_2022_two_strings_per_line_give_names_and_parties() -> None:
    # the file quotes each name and party separately, the whole line quoted once more:
    # """Robin BAWA"" ""Scottish Conservative and Unionist"" "
    profile = read_blt(SCOTLAND_2022 / "east_ayrshire_2022_ward5.blt")
    assert profile.names == (
        "Robin BAWA", "Peter MABON", "Clare MAITLAND", "Stewart John MCLINTOCK", "Jim TODD", "Keyrin James VON-DÖRING",
    )
    assert profile.parties == (
        "Scottish Conservative and Unionist", "Scottish Labour Party", "Scottish National Party (SNP)",
        "Alba Party for independence", "Scottish National Party (SNP)", "Scottish Libertarian Party",
    )
    assert profile.title == "Ward 5 - Kilmarnock South"
    assert any("quoted twice over" in w for w in profile.warnings)


def test_dennistoun_2022_elects_the_published_councillors_by_name_with_their_parties() -> None:
    # Published (Glasgow City Council's declaration, as cited in tests/count/data/scotland-2022/README.md):
    # McDougall (Lab), Carroll (Green), Casey (SNP), in that order.
    result = count(read_blt(SCOTLAND_2022 / "glasgow_2022_ward22.blt"), "scottish", seed="omov")
    assert result.elected_names == ("Elaine MCDOUGALL", "Anthony CARROLL", "Allan CASEY")
    party = dict(zip(result.candidates, result.parties, strict=True))
    assert [party[n] for n in result.elected_names] == [
        "Glasgow Labour", "Elect a Scottish Green Councillor", "Scottish National Party (SNP)",
    ]


def test_every_2022_ward_reads_a_party_for_every_candidate() -> None:
    for path in sorted(SCOTLAND_2022.glob("*.blt")):
        profile = read_blt(path)
        assert all(profile.parties), path.name
        assert not any('"' in n for n in profile.names), path.name


def test_the_2012_files_give_the_party_code_before_the_name(scottish_data: Path) -> None:
    profile = read_blt(scottish_data / "ballots" / "aberdeen_2012_ward1.blt")
    assert profile.candidates[0].name == "Barney CROCKETT" and profile.candidates[0].party == "Lab"
    assert set(profile.parties) == {"Lab", "Ind", "SNP", "LD", "Grn", "Con"}
    assert any("short party code" in w for w in profile.warnings)


def test_profiles_compare_equal_whatever_their_files_warned() -> None:
    a = read_blt(VARIANTS / "plain.blt")
    b = read_blt(VARIANTS / "comments.blt")
    assert a == b and a.warnings != b.warnings
    assert isinstance(a, Profile)
