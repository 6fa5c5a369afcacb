"""`omov check`: a published ballot passes every check from its downloads alone; each kind of tampering with the
downloads fails the check that guards against it, and the command says so with a non-zero exit."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from omov import check
from omov.ballots import services as bs
from tests.conftest import ROOT
from tests.conftest_django import open_and_issue

# Ann and Cat are women; the count must elect at least one of them (a balance rule carried into the recount).
# Without the rule Bob and Dan are elected (Ann is excluded on the tie with Dan, broken by first preferences).
PAPERS = [[2, 4], [2, 4], [2], [2, 4], [4, 2], [4], [4, 2], [1, 3], [1], [3, 1]]
IRV_PAPERS = [[1, 2], [1], [2, 3], [2], [3, 1], [1, 3], [2, 1]]


@pytest.fixture
def published(world, tmp_path) -> tuple[object, Path, list[str]]:
    """A published two-seat Scottish STV ballot with a balance rule, its four downloads saved in a folder, and
    the voters' tracker codes."""
    ballot = world.ballot("scottish", seats=2, candidates=("Ann", "Bob", "Cat", "Dan"),
                          genders=("woman", "man", "woman", "man"), ready=False)  # fmt: skip
    bs.add_balance_rule(ballot=ballot, actor=world.officer, group="women", minimum=1, genders=["woman"])
    bs.mark_ready(ballot=ballot, actor=world.officer)
    tokens = open_and_issue(ballot, world.officer)
    trackers = [bs.cast(credential=t, paper=p).tracker for t, p in zip(tokens, PAPERS, strict=False)]
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    folder = tmp_path / "downloads"
    folder.mkdir()
    client = Client()
    for name in check.FILES.values():
        response = client.get(f"/ballots/{ballot.pk}/{name}")
        assert response.status_code == 200, name
        (folder / name).write_bytes(response.content)
    return ballot, folder, trackers


def run(source: Path | str, *args: str) -> tuple[int, list[str]]:
    lines: list[str] = []
    return check.main([str(source), *args], out=lines.append), lines


def test_a_published_ballot_passes_every_check_and_finds_the_voters_trackers(published):
    ballot, folder, trackers = published
    status, lines = run(folder, "--tracker", trackers[3], "--tracker", trackers[0].upper())
    assert status == 0, lines
    assert lines[0].startswith("✓ manifest: scottish ballot (Test Party), rule scottish, 2 to elect, seed ")
    assert "✓ papers and trackers: 10 papers" in lines[1]
    assert lines[2].startswith("✓ list as recorded at the close: 10 papers with the root ")
    leaf = sorted(trackers).index(trackers[3])
    assert (f"✓ tracker {trackers[3][:16]}…: on the list (leaf {leaf} of 10); its inclusion proof leads to the root "
            "recorded at the close") in lines  # fmt: skip
    assert "✓ BLT file: the same 10 papers as the list" in lines
    recount = next(line for line in lines if "recount" in line)
    assert recount.startswith("✓ recount against the count sheet") and "every figure as published" in recount
    assert lines[-1].startswith("OK: all 8 checks passed")


def test_the_published_list_is_in_tracker_order_and_says_nothing_of_the_order_of_casting(published, world):
    """papers.jsonl holds only trackers and papers, sorted by tracker; the BLT file's rankings are sorted too
    (they were in the order each ranking was first cast); neither the manifest nor the public audit trail gives
    the private chain's head, from which few papers' order could be found by trying every order."""
    ballot, folder, trackers = published
    rows = _lines(folder)
    assert [set(r) for r in rows] == [{"tracker", "paper"}] * 10
    assert [r["tracker"] for r in rows] == sorted(trackers) != trackers
    blt = (folder / "papers.blt").read_text().splitlines()
    rankings = [tuple(int(c) for c in line.split()[1:-1]) for line in blt[1 : blt.index("0")]]
    assert rankings == sorted(rankings) and rankings[0] == (1,)  # first cast was [2, 4]
    manifest = (folder / "result.json").read_text()
    assert "head" not in manifest and "chain" not in manifest
    trail = Client().get(f"/ballots/{ballot.pk}/trail/").content.decode()
    from omov.audit.models import AuditEntry

    close = AuditEntry.objects.get(subject=f"ballot:{ballot.pk}", action="ballot.close")
    assert close.details["papers_head"] not in trail and close.details["papers_seal"] not in trail
    assert "papers_head: withheld (would tell the order of casting)" in trail
    assert f"papers_root: {close.details['papers_root']}" in trail
    officer = Client()
    officer.force_login(world.officer)  # the ballot's officers and scrutineers see the whole entry
    assert close.details["papers_head"] in officer.get(f"/ballots/{ballot.pk}/trail/").content.decode()


def test_a_reordered_list_is_still_accepted(published):
    """The commitment is to the set of papers: the lines may come in any order (a mirror may re-sort them)."""
    _, folder, trackers = published
    rows = _lines(folder)
    _write_lines(folder, rows[::-1])
    status, lines = run(folder, "--tracker", trackers[5])
    assert status == 0, lines
    _write_lines(folder, rows[3:] + rows[:3])
    assert run(folder)[0] == 0


def test_the_balance_rule_is_part_of_the_recount(published):
    """The manifest carries the constraint the count applied: without it the recount would elect others."""
    _, folder, _ = published
    pub = check.load(str(folder))
    assert pub.manifest["count"]["constraints"] == [
        {"group": "women", "candidates": ["Ann", "Cat"], "minimum": 1, "maximum": None}
    ]
    with_rule = check.recount(pub, [tuple(p) for p in PAPERS])
    pub.manifest["count"]["constraints"] = []
    without = check.recount(pub, [tuple(p) for p in PAPERS])
    assert sorted(with_rule.elected_names) == ["Ann", "Bob"] and sorted(without.elected_names) == ["Bob", "Dan"]


def _lines(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "papers.jsonl").read_text().splitlines()]


def _write_lines(folder: Path, rows: list[dict], *, retrack: bool = False) -> None:
    """Write the list back (sorted by tracker, as published); with retrack, recompute every tracker as a forger
    who knows the format would (so only the root recorded at the close can catch a changed paper)."""
    if retrack:
        for row in rows:
            row["tracker"] = hashlib.sha256(row["paper"].encode()).hexdigest()
        rows = sorted(rows, key=lambda r: r["tracker"])
    (folder / "papers.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def _edit_json(folder: Path, name: str, change: Callable[[dict], None]) -> None:
    doc = json.loads((folder / name).read_text())
    change(doc)
    (folder / name).write_text(json.dumps(doc))


def _another_ranking(row: dict, wanted: list[int]) -> list[int]:
    """`wanted`, unless the paper already says it (the list is sorted by tracker, so which paper stands in a
    given row changes from run to run): then a ranking it does not say."""
    return wanted if json.loads(row["paper"])["ranking"] != wanted else [1, 2, 3, 4]


def _set_paper(row: dict, **fields: object) -> None:
    paper = json.loads(row["paper"])
    paper.update(fields)
    row["paper"] = json.dumps(paper, sort_keys=True, separators=(",", ":"))


def _new_paper(folder: Path, ranking: list[int]) -> dict:
    """A well-formed paper of this ballot that was never cast (a fresh nonce), with its tracker."""
    paper = json.loads(_lines(folder)[0]["paper"])
    paper.update(nonce="ab" * 16, ranking=ranking)
    row = {"paper": json.dumps(paper, sort_keys=True, separators=(",", ":"))}
    row["tracker"] = hashlib.sha256(row["paper"].encode()).hexdigest()
    return row


def t_changed_paper(folder: Path) -> None:
    rows = _lines(folder)
    _set_paper(rows[0], ranking=_another_ranking(rows[0], [3, 1]))
    _write_lines(folder, rows)


def t_changed_paper_with_its_tracker(folder: Path) -> None:
    rows = _lines(folder)
    _set_paper(rows[2], ranking=_another_ranking(rows[2], [4]))
    _write_lines(folder, rows, retrack=True)


def t_dropped_paper(folder: Path) -> None:
    rows = _lines(folder)
    del rows[4]
    _write_lines(folder, rows)


def t_added_paper(folder: Path) -> None:
    _write_lines(folder, [*_lines(folder), _new_paper(folder, [1, 3])], retrack=True)


def t_paper_swapped_for_another(folder: Path) -> None:
    rows = _lines(folder)
    rows[7] = _new_paper(folder, [2, 1])
    _write_lines(folder, rows, retrack=True)


def t_root_recorded_at_the_close(folder: Path) -> None:
    _edit_json(folder, "result.json", lambda doc: doc["papers"]["at_close"].update(root="ab" * 32))


def t_no_root_recorded_at_the_close(folder: Path) -> None:
    _edit_json(folder, "result.json", lambda doc: doc["papers"].update(at_close=None))


def t_paper_of_another_ballot(folder: Path) -> None:
    rows = _lines(folder)
    _set_paper(rows[5], ballot="00000000-0000-4000-8000-000000000000")
    _write_lines(folder, rows, retrack=True)


def t_copied_paper(folder: Path) -> None:
    rows = _lines(folder)
    rows[9]["paper"] = rows[8]["paper"]
    _write_lines(folder, rows, retrack=True)


def t_figure_in_the_sheet(folder: Path) -> None:
    def change(doc: dict) -> None:
        doc["stages"][-1]["totals"]["Bob"] = "9.00000"

    _edit_json(folder, "sheet.json", change)


def t_winner_in_the_sheet_and_the_declaration(folder: Path) -> None:
    def change(doc: dict) -> None:
        doc["elected"] = ["Dan", "Bob"]

    _edit_json(folder, "sheet.json", change)
    _edit_json(folder, "result.json", lambda doc: doc["result"].update(elected=["Dan", "Bob"]))


def t_declared_winners(folder: Path) -> None:
    _edit_json(folder, "result.json", lambda doc: doc["result"].update(elected=["Dan", "Bob"]))


def t_seed(folder: Path) -> None:
    _edit_json(folder, "result.json", lambda doc: doc["count"].update(seed="not-the-seed"))


def t_blt_paper(folder: Path) -> None:
    text = (folder / "papers.blt").read_text().splitlines()
    text[1] = "1 4 0" if text[1] != "1 4 0" else "1 3 0"
    (folder / "papers.blt").write_text("\n".join(text) + "\n")


def t_manifest_version(folder: Path) -> None:
    _edit_json(folder, "result.json", lambda doc: doc.update(version=99))


TAMPERINGS = [
    (t_changed_paper, "papers and trackers", "line 1: its tracker is not the SHA-256 of its paper"),
    (t_changed_paper_with_its_tracker, "list as recorded at the close", "the list has 10 with the root"),
    (t_dropped_paper, "list as recorded at the close", "the list has 9 with the root"),
    (t_added_paper, "list as recorded at the close", "the list has 11 with the root"),
    (t_paper_swapped_for_another, "list as recorded at the close", "the list has 10 with the root"),
    (t_root_recorded_at_the_close, "list as recorded at the close", "the close recorded 10 papers with the root abab"),
    (t_no_root_recorded_at_the_close, "list as recorded at the close", "the site published no root for the close"),
    (t_paper_of_another_ballot, "papers and trackers", "its paper is for another ballot"),
    (t_copied_paper, "papers and trackers", "nonce was used by an earlier paper"),
    (t_figure_in_the_sheet, "recount against the count sheet", "totals.Bob"),
    (t_winner_in_the_sheet_and_the_declaration, "recount against the count sheet", "elected"),
    (t_declared_winners, "declared result", "declared elected ['Dan', 'Bob']"),
    (t_seed, "recount against the count sheet", "seed"),
    (t_blt_paper, "BLT file", "listed papers are not in it"),
    (t_manifest_version, "manifest", "version 99"),
]


@pytest.mark.parametrize(("tamper", "name", "detail"), TAMPERINGS, ids=[t[0].__name__[2:] for t in TAMPERINGS])
def test_each_tampering_fails_the_check_that_guards_against_it(published, tamper, name, detail):
    _, folder, _ = published
    tamper(folder)
    status, lines = run(folder)
    failed = [line for line in lines if line.startswith("✗")]
    assert status == 1 and lines[-1].startswith("FAILED"), lines
    assert failed[0].startswith(f"✗ {name}: ") and detail in failed[0], failed


def test_a_voters_missing_tracker_and_a_root_published_elsewhere(published):
    _, folder, trackers = published
    root = json.loads((folder / "result.json").read_text())["papers"]["at_close"]["root"]
    status, lines = run(folder, "--tracker", "ab" * 32, "--root", "cd" * 32)
    assert status == 1
    assert f"✗ tracker {'ab' * 8}…: NOT on the list" in lines
    assert f"✗ published root: the list gives the root {root[:16]}…, not {'cd' * 8}…" in lines
    status, lines = run(folder, "--root", root.upper())
    assert status == 0 and f"✓ published root: the list gives the root {root[:16]}…" in lines
    # A site that rewrote the list and the root it shows alike is caught by the root published elsewhere.
    t_added_paper(folder)
    forged = check.list_root(check._entries((folder / "papers.jsonl").read_text())[0]).hex()
    _edit_json(folder, "result.json", lambda doc: doc["papers"]["at_close"].update(root=forged, papers=11))
    _edit_json(folder, "result.json", lambda doc: doc["result"].update(papers=11))
    status, lines = run(folder, "--root", root)
    assert status == 1 and lines[2].startswith("✓ list as recorded at the close: 11 papers"), lines
    assert f"✗ published root: the list gives the root {forged[:16]}…, not {root[:16]}…" in lines


def test_a_wrong_inclusion_proof_fails(published):
    """The site's proof of a tracker leads to the root recorded at the close; a proof with a hash changed, for
    another leaf, for a tree of another size or for another tracker does not."""
    ballot, folder, trackers = published
    root = json.loads((folder / "result.json").read_text())["papers"]["at_close"]["root"]
    code = trackers[6]
    proof = Client().get(f"/ballots/{ballot.pk}/papers/proof/{code}").json()
    assert check.check_proof(proof, code, root, 10).ok
    wrong = [
        {**proof, "audit_path": [proof["audit_path"][0].replace(proof["audit_path"][0][0], "f" if
                                 proof["audit_path"][0][0] != "f" else "e", 1), *proof["audit_path"][1:]]},
        {**proof, "leaf_index": (proof["leaf_index"] + 1) % 10},
        {**proof, "audit_path": proof["audit_path"][:-1]},
        {**proof, "audit_path": [*proof["audit_path"], proof["audit_path"][0]]},
    ]  # fmt: skip
    for bad in wrong:
        result = check.check_proof(bad, code, root, 10)
        assert not result.ok and "does not lead to the root" in result.detail, bad
    other = check.check_proof(proof, trackers[7], root, 10)
    assert not other.ok and "not a proof for this tracker" in other.detail
    assert not check.check_proof({"tracker": code}, code, root, 10).ok
    # A proof for a leaf of the full left subtree (leaves 0-7 of 10) leads to the same root in a tree of 9 leaves:
    # the size must be the number of papers the close recorded.
    left = sorted(trackers)[4]
    proof = Client().get(f"/ballots/{ballot.pk}/papers/proof/{left}").json()
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert proof["leaf_index"] == 4 and check.root_from_proof(4, 9, check.leaf_hash(left), path).hex() == root
    resized = check.check_proof({**proof, "tree_size": 9}, left, root, 10)
    assert not resized.ok and "the close recorded 10 papers" in resized.detail


def test_nothing_to_read_is_exit_status_two_with_a_reason(tmp_path, published):
    _, folder, _ = published
    assert run(tmp_path / "nowhere") == (2, [f"omov check: {tmp_path / 'nowhere'}: neither a ballot's address "
                                             "(http(s)://...) nor a folder"])  # fmt: skip
    (folder / "sheet.json").write_text("{not json")
    status, lines = run(folder)
    assert status == 2 and lines[0].startswith("omov check: sheet.json: not valid JSON")
    (folder / "sheet.json").unlink()
    status, lines = run(folder)
    assert status == 2 and "sheet.json: missing" in lines[0]


def test_the_result_page_gives_the_check_command(published):
    ballot, _, _ = published
    page = Client().get(f"/ballots/{ballot.pk}/").content.decode()
    assert f'<code class="cmd" id="check-command">omov check http://testserver/ballots/{ballot.pk}/</code>' in page
    assert f'href="/ballots/{ballot.pk}/result.json"' in page


def test_an_unpublished_ballot_has_no_manifest_for_the_public(world):
    ballot = world.ballot("irv")
    open_and_issue(ballot, world.officer)
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    assert Client().get(f"/ballots/{ballot.pk}/result.json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_omov_check_fetches_a_ballot_from_a_running_site_and_saves_what_it_checked(live_server, tmp_path):
    """The real command, in its own process, against the site over HTTP (no Django in the checker)."""
    from tests.conftest_django import World

    world = World()
    ballot = world.ballot("irv")
    trackers = [bs.cast(credential=token, paper=paper).tracker
                for token, paper in zip(open_and_issue(ballot, world.officer), IRV_PAPERS, strict=False)]  # fmt: skip
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    script = "import sys; from omov.cli import main; sys.exit(main(sys.argv[1:]))"
    url = f"{live_server.url}/ballots/{ballot.pk}/papers/"  # any of the ballot's addresses will do
    done = subprocess.run([sys.executable, "-c", script, "check", url, "--save", str(tmp_path / "saved"),
                           "--tracker", trackers[2]],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"✓ the site's proof for {trackers[2][:16]}…: leaf " in done.stdout  # fetched and checked
    assert "OK: all 8 checks passed" in done.stdout
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == sorted(check.FILES.values())
    assert run(tmp_path / "saved")[0] == 0
    no_django = ("import sys; from omov.check import main; status = main([sys.argv[1]]); "
                 "sys.exit(status or ('django' in sys.modules and 3))")
    alone = subprocess.run([sys.executable, "-c", no_django, str(tmp_path / "saved")], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert alone.returncode == 0, alone.stdout + alone.stderr  # 3 would mean it loaded Django


@pytest.mark.parametrize(
    ("method", "seats", "papers"),
    [
        ("bloc", 2, [[1, 2], [2, 3], [1], [3, 4], [1, 4], [2]]),  # marks, up to the seats
        ("fptp", 1, [[1], [2], [2], [4], [3]]),  # one mark
        ("meek", 2, [[4, 1, 2], [1, 2], [2, 4], [3], [4, 3], [1, 4, 3]]),  # ranked, another rule
    ],
)
def test_mark_ballots_other_rules_and_a_withdrawn_candidate_pass_every_check(world, tmp_path, method, seats, papers):
    ballot = world.ballot(method, seats=seats, candidates=("Ann", "Bob", "Cat", "Dan"))
    tokens = open_and_issue(ballot, world.officer)
    for token, paper in zip(tokens, papers, strict=False):
        bs.cast(credential=token, paper=paper)
    bs.withdraw_candidate(candidate=ballot.candidates.get(name="Dan"), actor=world.officer)  # after voting began
    bs.close_ballot(ballot=ballot, actor=world.officer, early=True)
    bs.count_ballot(ballot=ballot, actor=world.officer)
    bs.publish_result(ballot=ballot, actor=world.officer)
    client = Client()
    for name in check.FILES.values():
        (tmp_path / name).write_bytes(client.get(f"/ballots/{ballot.pk}/{name}").content)
    status, lines = run(tmp_path)
    assert status == 0, lines
    assert json.loads((tmp_path / "result.json").read_text())["candidates"][3] == {
        "number": 4, "name": "Dan", "withdrawn": True
    }


def test_a_list_that_cannot_be_read_whole_leaves_the_root_and_trackers_unchecked_and_says_so(published):
    _, folder, trackers = published
    rows = _lines(folder)
    rows[4]["tracker"] = "not-a-tracker"
    _write_lines(folder, rows)
    status, lines = run(folder, "--tracker", trackers[0], "--root", "ab" * 32)
    assert status == 1
    assert "✗ list as recorded at the close: not checked: a tracker is not 64 hex digits" in lines
    assert "✗ published root: not checked: the list could not be read whole (see above)" in lines
    assert f"✗ tracker {trackers[0][:16]}…: not checked: the list could not be read whole (see above)" in lines
    (folder / "papers.jsonl").write_text('{"tracker": "ab"}\n')
    status, lines = run(folder, "--tracker", trackers[0])
    assert status == 1 and lines[1].startswith("✗ papers and trackers: papers.jsonl line 1: not an entry of the list")
    assert f"✗ tracker {trackers[0][:16]}…: not checked: the list could not be read whole (see above)" in lines
