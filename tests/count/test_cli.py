"""`omov count`: run as a user would (a subprocess), checking exit codes, one-line errors and the sheets."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from omov.count.cli import Progress, main

ROOT = Path(__file__).resolve().parents[2]

WARD = """4 2
3 1 2 0
4 2 1 0
2 3 4 0
1 4 3 0
0
"Ann"
"Bob"
"Cat"
"Dan"
"Ward Seven"
"""

# B and C tie for last at the first round: the draw by lot decides who goes.
TIE = """3 1
2 1 0
1 2 0
1 3 0
0
"A"
"B"
"C"
"Tie"
"""

SLATE = """Ann,Bob,Cat,Dan,Eve,weight
x,,,,,10
,x,,,,9
,,x,,,8
,,,x,,3
,,,,x,2
"""


def omov(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "omov.cli", "count", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=120,
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "ward.blt").write_text(WARD)
    (tmp_path / "tie.blt").write_text(TIE)
    (tmp_path / "slate.csv").write_text(SLATE)
    (tmp_path / "bad.blt").write_text("2 1\n1 1 x 0\n0\nA\nB\n")
    return tmp_path


def assert_one_line_error(run: subprocess.CompletedProcess[str], *words: str) -> None:
    assert run.returncode == 2
    assert run.stdout == "" or run.stdout.strip()  # whatever else was counted may be on stdout
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("omov count: ") and "Traceback" not in run.stderr
    for w in words:
        assert w in lines[0]


def test_counts_a_ward_and_prints_the_sheet(files: Path) -> None:
    run = omov(str(files / "ward.blt"), "--rule", "scottish", "--seed", "1")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no progress bar when stderr is not a terminal
    assert run.stdout.startswith("Ward Seven\nRule: scottish    Seats: 2")
    assert "Elected: 1. Bob, 2. Ann" in run.stdout
    assert "Seed: 1" in run.stdout


@pytest.mark.parametrize("fmt", ["csv", "html", "json"])
def test_each_sheet_format(files: Path, fmt: str) -> None:
    run = omov(str(files / "ward.blt"), "--rule", "ers97", "--seed", "1", "--format", fmt)
    assert run.returncode == 0, run.stderr
    if fmt == "csv":
        assert run.stdout.startswith("Candidate,Stage 1: First preferences (total)")
    elif fmt == "html":
        assert run.stdout.startswith('<div class="omov-count">')
    else:
        doc = json.loads(run.stdout)
        assert doc["file"] == str(files / "ward.blt") and doc["elected"] == ["Bob", "Ann"]


def test_missing_file_is_one_line_and_exit_2(files: Path) -> None:
    assert_one_line_error(omov(str(files / "nope.blt"), "--rule", "irv"), "nope.blt", "cannot read the file")


def test_malformed_file_names_file_and_line(files: Path) -> None:
    run = omov("bad.blt", "--rule", "irv", cwd=files)
    assert_one_line_error(run)
    assert run.stderr == "omov count: bad.blt, line 2: expected a candidate's number (a whole number), found 'x'\n"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rule", "borda"], ["invalid choice: 'borda'"]),
        ([], ["--rule"]),
        (["--rule", "irv", "--seats", "0"], ["--seats must be at least 1"]),
        (["--rule", "irv", "--withdraw", "Zed"], ["--withdraw", "no candidate called 'Zed'"]),
        (["--rule", "bloc", "--at-least", "women=1"], ["define it with --group women="]),
        (["--rule", "bloc", "--group", "women=Ann,Zed", "--at-least", "women=1"], ["'Zed', who is not a candidate"]),
        (["--rule", "bloc", "--group", "women=Ann", "--at-least", "women=one"], ["wants a whole number"]),
        (["--rule", "bloc", "--group", "women"], ["wants GROUP=VALUE"]),
    ],
)
def test_option_errors_are_one_line(files: Path, args: list[str], words: list[str]) -> None:
    assert_one_line_error(omov(str(files / "ward.blt"), *args), *words)


def test_no_seats_anywhere_is_a_one_line_error(files: Path) -> None:
    assert_one_line_error(omov(str(files / "slate.csv"), "--rule", "scottish"), "slate.csv", "how many seats")


def test_several_files_as_json_lines_each_with_its_file(files: Path) -> None:
    run = omov(str(files / "ward.blt"), str(files / "tie.blt"), "--rule", "irv", "--seats", "1", "--format", "json",
               "--seed", "5")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    docs = [json.loads(line) for line in lines]
    assert [d["file"] for d in docs] == [str(files / "ward.blt"), str(files / "tie.blt")]
    assert [d["title"] for d in docs] == ["Ward Seven", "Tie"]


def test_several_files_as_text_have_headings_and_a_bad_one_does_not_stop_the_rest(files: Path) -> None:
    run = omov("ward.blt", "bad.blt", "tie.blt", "--rule", "irv", "--seats", "1", "--seed", "5", cwd=files)
    assert run.returncode == 2
    assert run.stderr == (
        "omov count: bad.blt, line 2: expected a candidate's number (a whole number), found 'x'\n"
        "omov count: 3 files: 2 counted, 1 failed\n"
    )
    assert "== ward.blt ==" in run.stdout and "== tie.blt ==" in run.stdout
    assert run.stdout.index("== ward.blt ==") < run.stdout.index("Ward Seven") < run.stdout.index("== tie.blt ==")


def test_withdraw_removes_a_candidate_from_the_count(files: Path) -> None:
    run = omov(str(files / "ward.blt"), "--rule", "scottish", "--seed", "1", "--format", "json", "--withdraw", "bob")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["withdrawn"] == ["Bob"] and "Bob" not in doc["elected"]
    assert doc["stages"][0]["totals"]["Bob"] == "0.00000"


def test_at_least_from_a_group_changes_who_is_elected(files: Path) -> None:
    plain = json.loads(omov(str(files / "slate.csv"), "--rule", "bloc", "--seats", "2", "--format", "json").stdout)
    assert plain["elected"] == ["Ann", "Bob"]
    run = omov(str(files / "slate.csv"), "--rule", "bloc", "--seats", "2", "--format", "json",
               "--group", "women=Cat,Eve", "--at-least", "women=1")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert set(doc["elected"]) == {"Ann", "Cat"}
    assert any("women" in note for stage in doc["stages"] for note in stage["notes"])


def test_at_most_caps_a_group(files: Path) -> None:
    run = omov(str(files / "slate.csv"), "--rule", "bloc", "--seats", "2", "--format", "json",
               "--group", "front=Ann,Bob", "--at-most", "front=1")
    assert run.returncode == 0, run.stderr
    assert set(json.loads(run.stdout)["elected"]) == {"Ann", "Cat"}


def test_same_seed_same_sheet_and_the_seed_decides_the_lot(files: Path) -> None:
    first = omov(str(files / "tie.blt"), "--rule", "irv", "--seed", "abc", "--format", "json")
    again = omov(str(files / "tie.blt"), "--rule", "irv", "--seed", "abc", "--format", "json")
    assert first.returncode == 0 and first.stdout == again.stdout
    assert json.loads(first.stdout)["seed"] == "abc"
    outcomes = set()
    for seed in range(12):
        doc = json.loads(omov(str(files / "tie.blt"), "--rule", "irv", "--seed", str(seed), "--format", "json").stdout)
        outcomes.add(tuple(doc["excluded"][:1]))
        assert any("lot" in n for s in doc["stages"] for n in s["notes"])
    assert outcomes == {("B",), ("C",)}


def test_without_a_seed_a_fresh_one_is_printed(files: Path) -> None:
    doc = json.loads(omov(str(files / "tie.blt"), "--rule", "irv", "--format", "json").stdout)
    assert isinstance(doc["seed"], str) and len(doc["seed"]) >= 8


def test_help_exits_0(files: Path) -> None:
    run = omov("--help")
    assert run.returncode == 0 and "--at-least" in run.stdout


def test_omov_count_does_not_import_django(files: Path) -> None:
    code = (
        "import sys\n"
        "from omov.cli import main\n"
        f"rc = main(['count', {str(files / 'ward.blt')!r}, '--rule', 'scottish', '--format', 'json', '--seed', '1'])\n"
        "assert rc == 0, rc\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print('DJANGO', loaded, file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "DJANGO []" in run.stderr


def test_main_in_process_writes_to_the_given_streams(files: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main([str(files / "ward.blt"), "--rule", "ers97", "--seed", "2"], out=out, err=err) == 0
    assert "Elected: 1. Bob, 2. Ann" in out.getvalue() and err.getvalue() == ""


def test_progress_bar_only_when_enabled_and_slow() -> None:
    stream = io.StringIO()
    quick = Progress("x", enabled=True, stream=stream, delay=3600)
    quick(1, 10)
    assert quick._bar is None
    off = Progress("x", enabled=False, stream=stream, delay=0)
    off(1, 10)
    assert off._bar is None
    with Progress("x", enabled=True, stream=stream, delay=0) as slow:
        slow(5, 10)
        assert slow._bar is not None
    assert slow._bar is None


def test_progress_bar_shows_for_slow_work_that_never_reports() -> None:
    import time

    with Progress("x", enabled=True, stream=io.StringIO(), delay=0.01) as bar:
        waited = 0
        while bar._bar is None and waited < 1000:  # the timer thread shows it; wait up to 10 s
            time.sleep(0.01)
            waited += 1
        assert bar._bar is not None
    assert bar._bar is None


def test_counts_json_and_ranking_layout_csv_ballots_alike(files: Path) -> None:
    (files / "ward.json").write_text(json.dumps({
        "title": "Ward Seven", "seats": 2, "candidates": ["Ann", "Bob", "Cat", "Dan"],
        "ballots": [{"ranking": ["Ann", "Bob"], "weight": 3}, {"ranking": ["Bob", "Ann"], "weight": 4},
                    {"ranking": ["Cat", "Dan"], "weight": 2}, {"ranking": ["Dan", "Cat"]}],
    }))
    (files / "ward-ranking.txt").write_text(
        "# seats: 2\n# title: Ward Seven\n# candidates: Ann; Bob; Cat; Dan\npref1,pref2,weight\n"
        "Ann,Bob,3\nBob,Ann,4\nCat,Dan,2\nDan,Cat,1\n"
    )
    sheets = []
    for name, extra in (("ward.blt", []), ("ward.json", []), ("ward-ranking.txt", ["--input-format", "csv"])):
        run = omov(str(files / name), "--rule", "scottish", "--seed", "1", "--format", "json", *extra)
        assert run.returncode == 0, run.stderr
        doc = json.loads(run.stdout)
        doc.pop("file")
        sheets.append(doc)
    assert sheets[0] == sheets[1] == sheets[2]


# ---- several files: keep going, a summary, and --jobs


def test_a_batch_keeps_going_names_each_bad_file_and_line_and_sums_up(files: Path) -> None:
    (files / "short.blt").write_text("3 1\n1 1 2 0\n0\nA\nB\n")
    run = omov("bad.blt", "ward.blt", "missing.blt", "short.blt", "tie.blt", "--rule", "irv", "--seats", "1",
               "--seed", "5", "--format", "json", cwd=files)
    assert run.returncode == 2
    errors = run.stderr.splitlines()
    assert errors[0] == "omov count: bad.blt, line 2: expected a candidate's number (a whole number), found 'x'"
    assert errors[1].startswith("omov count: missing.blt: cannot read the file")
    assert errors[2].startswith("omov count: short.blt, line ") and "only 2 names" in errors[2]
    assert errors[3] == "omov count: 5 files: 2 counted, 3 failed"
    assert len(errors) == 4 and "Traceback" not in run.stderr
    assert [json.loads(line)["file"] for line in run.stdout.splitlines()] == ["ward.blt", "tie.blt"]


def test_a_batch_that_all_counts_exits_0_with_its_summary(files: Path) -> None:
    run = omov("ward.blt", "tie.blt", "--rule", "irv", "--seats", "1", "--seed", "5", cwd=files)
    assert run.returncode == 0
    assert run.stderr == "omov count: 2 files: 2 counted\n"


def test_one_file_has_no_summary(files: Path) -> None:
    run = omov("ward.blt", "--rule", "irv", "--seats", "1", "--seed", "5", cwd=files)
    assert run.returncode == 0 and run.stderr == ""


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_jobs_give_the_same_output_in_the_same_order_as_one_job(files: Path, fmt: str) -> None:
    names = ["ward.blt", "bad.blt", "tie.blt", "slate.csv", "ward.blt", "nope.blt", "tie.blt"]
    common = ["--rule", "bloc", "--seats", "2", "--seed", "9", "--format", fmt]
    one = omov(*names, *common, cwd=files)
    two = omov(*names, *common, "--jobs", "2", cwd=files)
    many = omov(*names, *common, "--jobs", "64", cwd=files)  # capped at the cores
    assert one.returncode == two.returncode == many.returncode == 2
    assert one.stdout == two.stdout == many.stdout and one.stdout
    assert one.stderr == two.stderr == many.stderr
    assert one.stderr.splitlines()[-1] == "omov count: 7 files: 5 counted, 2 failed"


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "٢"])
def test_jobs_must_be_a_whole_number_of_at_least_1(files: Path, value: str) -> None:
    assert_one_line_error(omov("ward.blt", "--rule", "irv", "--jobs", value, cwd=files), "jobs")


def test_jobs_in_process_order_and_streams(files: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    paths = [str(files / n) for n in ("tie.blt", "bad.blt", "ward.blt")]
    assert main([*paths, "--rule", "ers97", "--seats", "1", "--seed", "2", "--jobs", "2"], out=out, err=err) == 2
    text = out.getvalue()
    assert text.index(f"== {paths[0]} ==") < text.index(f"== {paths[2]} ==")
    assert err.getvalue().splitlines() == [
        f"omov count: {paths[1]}, line 2: expected a candidate's number (a whole number), found 'x'",
        "omov count: 3 files: 2 counted, 1 failed",
    ]


def test_a_readers_warnings_are_printed_and_counted_in_the_summary(files: Path, monkeypatch) -> None:
    from dataclasses import replace

    import omov.count.formats as formats

    real = formats.read_profile

    def reader(path, *a, **k):
        p = real(path, *a, **k)
        if str(path).endswith("tie.blt"):
            return replace(p, warnings=("line 3: a warning from the reader",))
        return p

    monkeypatch.setattr(formats, "read_profile", reader)
    out, err = io.StringIO(), io.StringIO()
    paths = [str(files / n) for n in ("tie.blt", "ward.blt", "bad.blt")]
    assert main([*paths, "--rule", "irv", "--seats", "1", "--seed", "2"], out=out, err=err) == 2
    lines = err.getvalue().splitlines()
    assert lines[0] == f"omov count: warning: {paths[0]}: line 3: a warning from the reader"
    assert lines[-1] == "omov count: 3 files: 2 counted (1 with warnings), 1 failed"
    assert "== " + paths[0] + " ==" in out.getvalue()
