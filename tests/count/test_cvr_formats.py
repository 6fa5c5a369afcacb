"""Cast vote records: NIST CDF JSON, ES&S CSV and a Dominion export folder, read under RCTab's rules and written.

The small files in tests/count/data/cvr/ are written by hand for these tests (invented names); each paper's
expected ranking is worked out in the comments below from the file and the rules.
"""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omov.count import CountError, Profile
from omov.count.formats import detect_format, format_profile, read_profile, write_profile
from omov.count.formats.cdf import parse_cdf, write_cdf
from omov.count.formats.cvr import CvrRules, Tally, holds_parties, resolve
from omov.count.formats.dominion import dominion_files, parse_dominion
from omov.count.formats.ess import looks_like_ess, parse_ess, write_ess

DATA = Path(__file__).parent / "data" / "cvr"
MARR, PIKE, QUILL, WI = "Ilse Marr", "Oren Pike", "Tova Quill", "Write-in"


def papers(profile: Profile) -> dict[tuple[str, ...], int]:
    """The profile's papers as names -> how many, the same whatever order the candidates come in."""
    out: dict[tuple[str, ...], int] = {}
    for ranking, weight in zip(profile.rankings, profile.weights, strict=True):
        key = tuple(profile.names[c] for c in ranking)
        out[key] = out.get(key, 0) + weight
    return {k: w for k, w in out.items() if w}


# --- the rules ---------------------------------------------------------------------------------------------------


def test_resolve_defaults_exhaust_at_an_overvote_and_pass_over_skips_and_repeats():
    r = CvrRules()
    assert resolve([["A"], [], [], ["B"]], r) == ("A", "B")
    assert resolve([["A"], ["B", "C"], ["D"]], r) == ("A",)
    assert resolve([["A"], ["A"], ["B"]], r) == ("A", "B")
    assert resolve([["A", "A"], ["B"]], r) == ("A", "B")  # one candidate marked twice at a rank: one choice


def test_resolve_options():
    assert resolve([["A"], ["B", "C"], ["D"]], CvrRules(overvote="skip")) == ("A", "D")
    assert resolve([["A"], [], [], ["B"]], CvrRules(skipped=1)) == ("A",)
    assert resolve([["A"], [], ["B"]], CvrRules(skipped=1)) == ("A", "B")
    assert resolve([[], ["B"]], CvrRules(skipped=0)) == ()  # counted from rank 1
    assert resolve([["A"], ["A"], ["B"]], CvrRules(duplicate="exhaust")) == ("A",)


def test_unknown_rules_are_refused_and_exhaust_if_multiple_continuing_says_why():
    with pytest.raises(CountError, match="continuing"):
        CvrRules(overvote="exhaust_if_multiple_continuing")
    with pytest.raises(CountError, match="duplicate rule"):
        CvrRules(duplicate="keep")
    with pytest.raises(CountError, match="negative"):
        CvrRules(skipped=-1)


# --- NIST CDF ----------------------------------------------------------------------------------------------------


def test_cdf_reads_the_chosen_contest():
    tally = Tally()
    p = read_profile(DATA / "mayor_cdf.json", rules=CvrRules(contest="Mayor"), tally=tally)
    assert p.names == (MARR, PIKE, QUILL, WI) and p.seats == 1 and p.title == "Mayor"
    assert papers(p) == {
        (MARR, PIKE): 1,  # r1
        (PIKE, QUILL): 1,  # r2: the current snapshot is the modified one
        (): 2,  # r3: an overvote at rank 1 exhausts; r6: the contest with no mark is an empty paper
        (WI, MARR): 1,  # r4: HasIndication "no" and IsAllocable "no" are no marks; rank 4 counts
    }
    assert tally.not_in_contest == 1  # r5 has only the measure
    assert tally.overvotes == 1 and tally.write_ins == 1
    if holds_parties():  # once omov's Candidate has a party, the CDF's Party list fills it
        assert p.candidates[0].party == "Lantern Party"
    else:
        assert "the parties of 1 candidate(s) are not kept" in tally.notes[0]


def test_cdf_contest_by_id_and_options():
    p = read_profile(DATA / "mayor_cdf.json", "cdf", rules=CvrRules(contest="k-mayor", overvote="skip", skipped=1))
    assert papers(p) == {(MARR, PIKE): 1, (PIKE, QUILL): 1, (QUILL,): 1, (WI,): 1, (): 1}


def test_cdf_with_several_contests_refuses_to_guess_and_names_them():
    with pytest.raises(CountError, match=r"2 contests.*k-mayor \(Mayor\); k-measure \(Measure A\)"):
        read_profile(DATA / "mayor_cdf.json")
    with pytest.raises(CountError, match="no contest 'Dogcatcher'"):
        read_profile(DATA / "mayor_cdf.json", rules=CvrRules(contest="Dogcatcher"))


def test_cdf_ballot_measure_reads_its_selections():
    p = read_profile(DATA / "mayor_cdf.json", rules=CvrRules(contest="measure a"))
    assert p.names == ("Yes", "No") and papers(p) == {("Yes",): 1, ("No",): 1}


def test_cdf_accepts_types_without_the_prefix():
    doc = json.loads(write_cdf(Profile.from_papers(["Ann", "Bob"], [((0, 1), 2)], seats=1)))

    def strip(node):
        if isinstance(node, dict):
            return {k: (v[4:] if k == "@type" else strip(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(x) for x in node]
        return node

    p = parse_cdf(json.dumps(strip(doc)))
    assert papers(p) == {("Ann", "Bob"): 2}


def test_cdf_written_is_valid_shape():
    profile = Profile.from_papers(["Ann", "Bob", "Cat"], [((0, 1), 2), ((2,), 1), ((), 1)], seats=1, title="Ward 7")
    doc = json.loads(write_cdf(profile))
    assert doc["@type"] == "CVR.CastVoteRecordReport" and doc["Version"] == "1.0.0"
    for key in ("Election", "GeneratedDate", "GpUnit", "ReportGeneratingDeviceIds"):  # the schema's required keys
        assert key in doc
    assert len(doc["CVR"]) == 4
    contest = doc["Election"][0]["Contest"][0]
    assert contest["@type"] == "CVR.CandidateContest" and contest["NumberElected"] == 1 and contest["Name"] == "Ward 7"
    pos = doc["CVR"][0]["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"][1]["SelectionPosition"][0]
    assert pos == {"@type": "CVR.SelectionPosition", "HasIndication": "yes", "IsAllocable": "yes", "NumberVotes": 1,
                   "Rank": 2}
    assert {c["@type"] for c in doc["CVR"]} == {"CVR.CVR"}


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["CVR"][2]["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"][0]["SelectionPosition"][0]
         .update(Rank="first"), r"CVR\[2\]\.CVRSnapshot\[0\]\.CVRContest\[0\]\.CVRContestSelection\[0\]"
         r"\.SelectionPosition\[0\]\.Rank: expected a rank"),
        (lambda d: d["CVR"][0].update(CurrentSnapshotId="nope"), r"CVR\[0\]\.CurrentSnapshotId: names snapshot"),
        (lambda d: d["CVR"][1]["CVRSnapshot"][1]["CVRContest"][0]["CVRContestSelection"][0]
         .update(ContestSelectionId="s-zed"), r"CVR\[1\].*ContestSelectionId: 's-zed' is not a selection"),
        (lambda d: d["Election"][0]["Contest"][0]["ContestSelection"][0].update(CandidateIds=["c-zed"]),
         r"Election\[0\]\.Contest\[0\]\.ContestSelection\[0\]\.CandidateIds\[0\]: names candidate 'c-zed'"),
        (lambda d: d.update({"@type": "CVR.Election"}), r'"@type" must be "CVR.CastVoteRecordReport"'),
        (lambda d: d.update(CVR={"x": 1}), r"CVR\[0\]\.CVRSnapshot: a CVR needs at least one CVRSnapshot"),
    ],
)
def test_cdf_errors_name_the_file_and_the_item(tmp_path, mutate, where):
    doc = json.loads((DATA / "mayor_cdf.json").read_text())
    mutate(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(CountError, match=where) as info:
        read_profile(bad, "cdf", rules=CvrRules(contest="Mayor"))
    assert info.value.source == str(bad)


def test_cdf_invalid_json_names_the_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"@type": "CVR.CastVoteRecordReport",\n "CVR": [,]}')
    with pytest.raises(CountError, match="line 2: not valid JSON"):
        read_profile(bad, "cdf")


# --- ES&S --------------------------------------------------------------------------------------------------------


def test_ess_reads_rcv_markers():
    tally = Tally()
    p = read_profile(DATA / "mayor_ess.csv", tally=tally)
    assert p.title == "Mayor" and p.seats is None
    assert papers(p) == {
        (MARR, PIKE): 3,  # rows 1 and 9; row 6 ranks Ilse Marr twice, the repeat passed over
        (PIKE, MARR, QUILL): 1,
        (): 2,  # row 3 overvotes at rank 1; row 8 marks nothing
        (QUILL,): 1,  # row 4 overvotes at rank 2
        (PIKE,): 1,  # row 5 skips two ranks
        (WI, MARR): 1,
    }
    assert tally.overvotes == 2 and tally.duplicates == 1 and tally.ids == 9


def test_ess_options():
    p = read_profile(DATA / "mayor_ess.csv", rules=CvrRules(overvote="skip", skipped=1, duplicate="exhaust"))
    assert papers(p) == {
        (MARR, PIKE): 2, (PIKE, MARR, QUILL): 1, (QUILL,): 1, (QUILL, MARR): 1, (): 2, (MARR,): 1, (WI, MARR): 1,
    }


def test_ess_several_contests_and_newline_overvotes():
    text = (
        "Cast Vote Record,Precinct,Ballot Style,Mayor Choice 1,Mayor Choice 2,Council Choice 1,Council Choice 2\n"
        '1,P1,S1,Ann,Bob,Cy,Di\n2,P1,S1,"Ann\nBob",Cat,Di,undervote\n'
    )
    with pytest.raises(CountError, match="2 contests.*Mayor; Council"):
        parse_ess(text)
    assert papers(parse_ess(text, rules=CvrRules(contest="council"))) == {("Cy", "Di"): 1, ("Di",): 1}
    assert papers(parse_ess(text, rules=CvrRules(contest="Mayor"))) == {("Ann", "Bob"): 1, (): 1}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("Cast Vote Record,Precinct\n1,P\n", "line 1: the header has no rank columns"),
        ("CVR,Rank 1,Rank 3\n1,A,B\n", "line 1: the header has no column for rank 2"),
        ("CVR,Rank 1,Rank 1\n", "line 1: the header has two columns for rank 1"),
        ("CVR,Rank 1\n1,A,B\n", "line 2: the row has 3 cells but the header has 2"),
        ('CVR,Rank 1\n1,"A\n', "line 2: cannot read the row"),
    ],
)
def test_ess_errors_name_the_line(text, where):
    with pytest.raises(CountError, match=where):
        parse_ess(text, source="x.csv")


def test_ess_detection_leaves_omov_csv_alone():
    assert looks_like_ess(["Cast Vote Record", "Precinct", "Ballot Style", "Mayor 1st Choice"])
    assert looks_like_ess(["Id", "Precinct", "Rank 1", "Rank 2"])
    assert not looks_like_ess(["pref1", "pref2", "weight"])
    assert not looks_like_ess(["Rank 1", "Rank 2", "id"])
    assert not looks_like_ess(["Ann", "Bob", "weight"])
    assert detect_format("a.csv", b"pref1,pref2\nAnn,Bob\n") == "csv"
    assert detect_format("a.csv", (DATA / "mayor_ess.csv").read_bytes()) == "ess"


def test_ess_writer_refuses_marker_names():
    with pytest.raises(CountError, match="'Overvote' would read back as that marker"):
        write_ess(Profile.from_papers(["Overvote", "Bob"], [(0, 1)]))


# --- Dominion ----------------------------------------------------------------------------------------------------


def test_dominion_folder_and_export_file_read_the_same():
    rules = CvrRules(contest="4")
    tally = Tally()
    p = read_profile(DATA / "dominion", rules=rules, tally=tally)
    assert p.names == (MARR, PIKE, QUILL, WI) and p.seats == 1 and p.title == "Mayor"
    assert papers(p) == {
        (MARR, PIKE): 1,
        (QUILL,): 1,  # the Modified reading is the current one
        (): 2,  # an overvote at rank 1; a contest with no marks
        (WI, MARR): 1,  # an ambiguous mark at rank 2 is no mark
        (PIKE, QUILL): 1,  # Oren Pike ranked twice: the repeat passed over
    }
    assert tally.not_in_contest == 1 and any("neither reading is current" in n for n in tally.notes)
    assert papers(read_profile(DATA / "dominion" / "CvrExport.json", rules=rules)) == papers(p)


def test_dominion_several_contests_named():
    with pytest.raises(CountError, match=r"4 \(Mayor\); 5 \(Harbour Council\)"):
        read_profile(DATA / "dominion")
    council = read_profile(DATA / "dominion", rules=CvrRules(contest="Harbour Council"))
    assert council.seats == 2 and papers(council) == {("Bram Holt",): 1, ("Cyra Dunn",): 1}


def test_dominion_missing_manifest_and_bad_candidate(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(DATA / "dominion", folder)
    doc = json.loads((folder / "CvrExport.json").read_text())
    doc["Sessions"][3]["Original"]["Cards"][0]["Contests"][0]["Marks"][2]["CandidateId"] = 99
    (folder / "CvrExport.json").write_text(json.dumps(doc))
    with pytest.raises(CountError, match=r"CvrExport.json: Sessions\[3\]\.Original\.Cards\[0\]\.Contests\[0\]"
                       r"\.Marks\[2\]\.CandidateId: '99' is not a candidate of contest '4'"):
        read_profile(folder, rules=CvrRules(contest="Mayor"))
    (folder / "CandidateManifest.json").unlink()
    with pytest.raises(CountError, match="no CandidateManifest.json beside"):
        read_profile(folder, rules=CvrRules(contest="Mayor"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CountError, match="no CvrExport.json"):
        read_profile(empty)


def test_dominion_written_and_read(tmp_path):
    profile = Profile.from_papers(["Ann", "Bob"], [((0, 1), 2), ((1,), 1)], seats=1, title="Ward 7")
    write_profile(profile, tmp_path / "out", "dominion")
    assert detect_format(tmp_path / "out") == "dominion"
    assert read_profile(tmp_path / "out") == profile
    with pytest.raises(CountError, match="folder of files"):
        format_profile(profile, "dominion")


# --- property tests: a profile written then read is the same profile, and malformed input is a CountError ----------

NAME = st.text(st.sampled_from("abcdefgh XYZ-'é"), min_size=1, max_size=8).map(lambda s: " ".join(s.split())).filter(
    lambda s: bool(s) and s.casefold() not in {"overvote", "undervote", "write-in", "writein", "write in", "uwi"}
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def profiles(draw, *, every_candidate_ranked=False):
    names = draw(st.lists(NAME, min_size=1, max_size=5, unique=True))
    n = len(names)
    rankings = draw(st.lists(st.permutations(range(n)).flatmap(
        lambda perm: st.integers(0, len(perm)).map(lambda k: tuple(perm[:k]))), min_size=0, max_size=6))
    weights = draw(st.lists(st.integers(1, 3), min_size=len(rankings), max_size=len(rankings)))
    papers_ = list(zip(rankings, weights, strict=True))
    if every_candidate_ranked:
        papers_.append((tuple(range(n)), 1))
    seats = draw(st.none() | st.integers(1, 3))
    title = draw(st.sampled_from(["", "Mayor", "Ward 7", "City Council 2026"]))
    return Profile.from_papers(names, papers_, seats=seats, title=title)


@FAST
@given(profiles())
def test_cdf_round_trip(profile):
    assert parse_cdf(write_cdf(profile)) == profile


@FAST
@given(profiles())
def test_dominion_round_trip(profile):
    files = dominion_files(profile)
    back = parse_dominion(
        [("CvrExport.json", files["CvrExport.json"])],
        ("ContestManifest.json", files["ContestManifest.json"]),
        ("CandidateManifest.json", files["CandidateManifest.json"]),
    )
    assert back == profile


@FAST
@given(profiles(every_candidate_ranked=True))
def test_ess_round_trip(profile):
    back = parse_ess(write_ess(profile))
    # ES&S keeps the papers and the title, not the ballot order (names come in order of first appearance) or seats
    assert papers(back) == papers(profile) and back.title == profile.title
    assert sorted(back.names) == sorted(profile.names)


def _mutations(doc):
    """Every place in a JSON document, each replaced by something of the wrong kind."""
    def walk(node, path):
        yield path
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, (*path, i))
    return list(walk(doc, ()))


def _replace(doc, path, value):
    doc = json.loads(json.dumps(doc))
    if not path:
        return value
    node = doc
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return doc


JUNK = st.sampled_from([None, 0, -1, 2**70, "", "x", [], {}, [None], True, 1.5, {"@type": "CVR.CVR"}])
SMALL = Profile.from_papers(["Ann", "Bob", "Cat"], [((0, 1), 1), ((2,), 1), ((), 1)], seats=1, title="T")
CDF_DOC = json.loads(write_cdf(SMALL))
CDF_PLACES = _mutations(CDF_DOC)
DOM = {k: json.loads(v) for k, v in dominion_files(SMALL).items()}


@FAST
@given(st.sampled_from(CDF_PLACES), JUNK)
def test_cdf_malformed_is_a_count_error(path, junk):
    text = json.dumps(_replace(CDF_DOC, path, junk))
    try:
        parse_cdf(text, source="m.json")
    except CountError as exc:
        assert exc.source == "m.json"


@FAST
@given(st.sampled_from(["CvrExport.json", "ContestManifest.json", "CandidateManifest.json"]), st.data(), JUNK)
def test_dominion_malformed_is_a_count_error(name, data, junk):
    path = data.draw(st.sampled_from(_mutations(DOM[name])))
    docs = dict(DOM)
    docs[name] = _replace(DOM[name], path, junk)
    try:
        parse_dominion(
            [("CvrExport.json", json.dumps(docs["CvrExport.json"]))],
            ("ContestManifest.json", json.dumps(docs["ContestManifest.json"])),
            ("CandidateManifest.json", json.dumps(docs["CandidateManifest.json"])),
        )
    except CountError as exc:
        assert exc.source in {"CvrExport.json", "ContestManifest.json", "CandidateManifest.json"}


@FAST
@given(st.text(st.sampled_from('ab,"\n\r x-1stChoiceRankundervote'), max_size=120))
def test_ess_malformed_is_a_count_error(text):
    try:
        parse_ess("CVR,Rank 1,Rank 2\n" + text, source="m.csv")
    except CountError as exc:
        assert exc.source == "m.csv"


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_read_as_cdf_or_ess_give_a_count_error_or_a_profile(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("b") / "f.json"
    path.write_bytes(data)
    for fmt in ("cdf", "ess", "dominion"):
        try:
            read_profile(path, fmt)
        except CountError as exc:
            assert exc.source is not None
