"""`omov convert IN OUT`: every format to every other, warnings naming what a target cannot hold."""

import io
import json
from pathlib import Path

import pytest

from omov.cli import COMMANDS
from omov.count import Profile
from omov.count.convert import main
from omov.count.formats import FORMATS, read_profile, write_profile

DATA = Path(__file__).parent / "data" / "cvr"
EXT = {"blt": "ward.blt", "csv": "ward.csv", "json": "ward.json", "scot": "scot.csv", "cdf": "cdf.json",
       "ess": "ess.csv", "dominion": "export", "clearballot": "clearballot.csv"}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def names_papers(p: Profile) -> dict[tuple[str, ...], int]:
    return {tuple(p.names[c] for c in r): w for r, w in zip(p.rankings, p.weights, strict=True)}


def test_registered_beside_count():
    assert COMMANDS["convert"][0] == "omov.count.convert"


@pytest.mark.parametrize("src", FORMATS)
@pytest.mark.parametrize("dst", FORMATS)
def test_every_format_to_every_other(tmp_path, src, dst):
    profile = Profile.from_papers(["Ann", "Bob", "Cat"], [((0, 1, 2), 2), ((1, 0), 1), ((2,), 1)], seats=1,
                                  title="Ward 7")
    source = tmp_path / EXT[src]
    write_profile(profile, source, src)
    target = tmp_path / ("out-" + EXT[dst])
    code, _, err = run(str(source), str(target), "--from", src, "--to", dst)
    assert code == 0, err
    back = read_profile(target, dst)
    assert names_papers(back) == names_papers(profile)
    if "ess" not in (src, dst):
        assert back.seats == 1 and back.names == profile.names
    if dst == "ess" and src != "ess":
        assert "number of seats (1)" in err
    assert back.title == "Ward 7"


def test_detection_and_warnings(tmp_path):
    profile = Profile.from_papers(["Ann", "Bob", "Cat", "Dan"], [((0, 1), 2), ((1,), 1)], seats=2, invalid=3)
    profile = profile.withdraw("Cat")
    source = tmp_path / "ward.json"
    write_profile(profile, source)
    code, _, err = run(str(source), str(tmp_path / "cvr.csv"), "--to", "ess")
    assert code == 0
    assert "no withdrawn candidates: Cat become ordinary" in err and "3 paper(s) rejected outright" in err
    assert "not on the ballot any more: Cat, Dan" in err and "number of seats (2)" in err
    code, _, err = run(str(source), str(tmp_path / "ward.csv"))  # by extension: nothing lost
    assert code == 0 and "warning:" not in err
    assert read_profile(tmp_path / "ward.csv") == profile
    code, _, err = run(str(source), str(tmp_path / "ward.blt"))
    assert code == 0 and "blt has no place for the 3 paper(s) rejected outright" in err


def test_cast_vote_records_report_the_rules_met(tmp_path):
    code, out, err = run(str(DATA / "mayor_ess.csv"), "-", "--to", "json", "--overvote", "skip")
    assert code == 0
    assert "2 paper(s) with an overvote had that rank passed over (overvote rule: skip)" in err
    assert "record ids of 9 paper(s) are not kept" in err
    assert json.loads(out)["title"] == "Mayor"
    code, _, err = run(str(DATA / "dominion"), str(tmp_path / "mayor.blt"), "--contest", "Mayor",
                       "--skipped-ranks", "0")
    assert code == 0, err
    assert "stopped after more than 0 consecutive skipped rank(s)" in err
    assert read_profile(tmp_path / "mayor.blt").title == "Mayor"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope.blt", "x.json"], "nope.blt: cannot read the file"),
        ([str(DATA / "mayor_cdf.json"), "x.blt"], "2 contests; name the one to read"),
        ([str(DATA / "mayor_ess.csv"), "x.weird"], "cannot tell the format to write"),
        ([str(DATA / "mayor_ess.csv"), "x.blt", "--skipped-ranks", "two"], "--skipped-ranks must be a whole number"),
        ([str(DATA / "mayor_ess.csv"), str(DATA / "mayor_ess.csv"), "--to", "ess"], "the same file"),
        ([str(DATA / "mayor_ess.csv"), "-", "--to", "dominion"], "a Dominion export is a folder"),
        ([str(DATA / "mayor_ess.csv"), "x.blt", "--overvote", "sometimes"], "invalid choice"),
    ],
)
def test_errors_are_one_line_and_status_2(tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(*argv)
    assert code == 2 and message in err and err.count("\n") == 1 and err.startswith("omov convert: ")


def test_omov_count_reads_cast_vote_records_with_the_same_options():
    from omov.count.cli import main as count_main

    out, err = io.StringIO(), io.StringIO()
    code = count_main([str(DATA / "dominion"), "--rule", "irv", "--contest", "Mayor", "--overvote", "skip",
                       "--format", "json", "--seed", "1", "--no-progress"], out=out, err=err)
    assert code == 0, err.getvalue()
    sheet = json.loads(out.getvalue())
    assert sheet["papers"] == 6  # the six current sessions with the contest
    out, err = io.StringIO(), io.StringIO()
    code = count_main([str(DATA / "mayor_cdf.json"), "--rule", "irv", "--skipped-ranks", "x"], out=out, err=err)
    assert code == 2 and "--skipped-ranks must be a whole number" in err.getvalue()
