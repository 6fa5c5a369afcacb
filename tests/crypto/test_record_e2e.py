"""End to end: a simulated election (3 trustees, threshold 2, 1,000 ranked papers of 8 candidates, 2 mix servers,
one trustee absent, Scottish STV count) writes a record that `omov verify` accepts; each of the tamperings below
makes a named check fail (the chain's with the message naming the first broken paper)."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omov.crypto import mixnet as mx
from omov.crypto import shuffle as sh
from omov.crypto.cli_verify import main as verify_main
from omov.crypto.record import DemoSettings, dump, papers_file, run_demo, write_record
from omov.crypto.verify import paper_link, verify_record


def fingerprint(root: Path) -> bytes:
    return hashlib.sha256((root / "parameters.json").read_bytes()).digest()

SETTINGS = DemoSettings(papers=1000, candidates=8, seats=3, trustees=3, threshold=2, mixers=2, seed="e2e-2026",
                        workers=2)


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files, election = run_demo(SETTINGS)
    return write_record(tmp_path_factory.mktemp("record") / "record", files, election)


def load(root: Path, name: str) -> Any:
    return json.loads((root / name).read_text(encoding="utf-8"))


def save(root: Path, name: str, value: Any, *, reseal: bool = True) -> None:
    """Write a changed file; by default also rewrite the manifest's digests, as a forger would."""
    (root / name).write_bytes(dump(value))
    if reseal:
        manifest = load(root, "manifest.json")
        manifest["files"][name] = hashlib.sha256((root / name).read_bytes()).hexdigest()
        (root / "manifest.json").write_bytes(dump(manifest))


def edit(name: str, change: Callable[[Any], None], *, reseal: bool = True) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        value = load(root, name)
        change(value)
        save(root, name, value, reseal=reseal)

    return apply


def other_point(k: int) -> str:
    return sh.base_mul(1000 + k).hex()


def bump_scalar(text: str) -> str:
    return sh.sb(int.from_bytes(bytes.fromhex(text), "little") + 1).hex()


def bump_in(container: Any, key: Any) -> None:
    container[key] = bump_scalar(container[key])


def replace_ciphertext(papers: dict[str, Any], root: Path) -> None:
    entry = papers["papers"][10]
    raw = bytearray(bytes.fromhex(entry["ciphertexts"]))
    raw[0:32] = bytes.fromhex(other_point(1))
    entry["ciphertexts"] = raw.hex()
    entry["tracker"] = mx.tracker(bytes(raw), fingerprint(root))


def copy_paper(papers: dict[str, Any]) -> None:
    papers["papers"][5] = dict(papers["papers"][4])


def rechained(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    """Change papers.json, then rebuild the whole chain and head from the changed list, as a forger would."""

    def apply(root: Path) -> None:
        papers = load(root, "papers.json")
        change(papers)
        election = load(root, "manifest.json")["election"]
        save(root, "papers.json", papers_file(election, fingerprint(root),
                                              [bytes.fromhex(e["ciphertexts"]) for e in papers["papers"]]))

    return apply


def swap_entries(papers: dict[str, Any]) -> None:
    entries = papers["papers"]
    entries[3], entries[8] = entries[8], entries[3]


def swap_papers_keep_links(papers: dict[str, Any]) -> None:
    """Swap two papers with their trackers, leaving each place's position and hashes where they were."""
    a, b = papers["papers"][3], papers["papers"][8]
    for key in ("tracker", "ciphertexts"):
        a[key], b[key] = b[key], a[key]


def renumber(papers: dict[str, Any]) -> None:
    for n, entry in enumerate(papers["papers"], start=1):
        entry["position"] = n


def drop_and_renumber(papers: dict[str, Any]) -> None:
    papers["papers"].pop(17)
    renumber(papers)


def fresh_entry(root: Path, papers: dict[str, Any], after: int) -> dict[str, Any]:
    """A new, correctly encrypted paper with a correct tracker, linked to the entry at (1-based) `after`."""
    pk = bytes.fromhex(load(root, "trustees.json")["public_key"])
    paper = mx.encrypt_ranking(pk, [0, 1, 2], 8, random.Random(after))
    previous = papers["papers"][after - 1]["entry_hash"]
    tracker = mx.tracker(paper, fingerprint(root))
    return {"position": after + 1, "tracker": tracker, "ciphertexts": paper.hex(), "previous_hash": previous,
            "entry_hash": paper_link(papers["chain"], previous, after + 1, tracker)}


def insert_fresh(root: Path) -> None:
    papers = load(root, "papers.json")
    papers["papers"].insert(50, fresh_entry(root, papers, 50))
    save(root, "papers.json", papers)


def append_fresh(root: Path) -> None:
    """A paper added after the last one, with the head moved to it: the chain itself is intact."""
    papers = load(root, "papers.json")
    entry = fresh_entry(root, papers, len(papers["papers"]))
    papers["papers"].append(entry)
    papers["head"] = {"position": entry["position"], "hash": entry["entry_hash"]}
    save(root, "papers.json", papers)


def swap_outputs(mix: dict[str, Any]) -> None:
    mix["outputs"][0], mix["outputs"][1] = mix["outputs"][1], mix["outputs"][0]


def substitute_output(root: Path) -> Callable[[dict[str, Any]], None]:
    pk = bytes.fromhex(load(root, "trustees.json")["public_key"])

    def change(mix: dict[str, Any]) -> None:
        mix["outputs"][7] = mx.encrypt_ranking(pk, [0, 1, 2], 8, random.Random(1)).hex()

    return change


def first_valid(results: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in results["papers"] if p["status"] == "valid")


def change_ranking(results: dict[str, Any]) -> None:
    paper = first_valid(results)
    paper["ranking"] = paper["ranking"][::-1] if len(paper["ranking"]) > 1 else [(paper["ranking"][0] + 1) % 8]


def mark_invalid(results: dict[str, Any]) -> None:
    paper = first_valid(results)
    paper.clear()
    paper["status"] = "invalid"


def change_elected(results: dict[str, Any]) -> None:
    sheet = results["count"]
    sheet["elected"] = sheet["elected"][::-1]


def change_stage_total(results: dict[str, Any]) -> None:
    totals = results["count"]["stages"][0]["totals"]
    name = sorted(totals)[0]
    totals[name] = f"{float(totals[name]) + 1:.5f}"


def drop_trustee(decryption: dict[str, Any]) -> None:
    decryption["present"] = decryption["present"][:1]
    for paper in decryption["papers"]:
        for position in paper:
            del position[1:]


TAMPERINGS: dict[str, tuple[Callable[[Path], None], str]] = {
    "file changed, manifest not updated": (
        edit("results.json", change_elected, reseal=False), "manifest and file digests"),
    "cast ciphertext replaced": (
        lambda root: edit("papers.json", lambda p: replace_ciphertext(p, root))(root), "cast papers and trackers"),
    "cast ciphertext replaced, chain rebuilt": (
        lambda root: rechained(lambda p: replace_ciphertext(p, root))(root), "mix 1 (mix-1) proof of shuffle"),
    "tracker changed": (
        edit("papers.json", lambda p: p["papers"][3].update(tracker="00" * 32)), "cast papers and trackers"),
    "paper cast twice": (edit("papers.json", copy_paper), "cast papers and trackers"),
    "paper cast twice, chain rebuilt": (rechained(copy_paper), "cast papers and trackers"),
    "cast paper dropped": (edit("papers.json", lambda p: p["papers"].pop(17)), "cast papers and trackers"),
    "cast paper dropped, positions renumbered": (edit("papers.json", drop_and_renumber), "cast papers and trackers"),
    "cast paper dropped, chain rebuilt": (
        rechained(lambda p: p["papers"].pop(17)), "mix 1 (mix-1) proof of shuffle"),
    "two cast papers swapped": (edit("papers.json", swap_entries), "cast papers and trackers"),
    "two cast papers swapped, positions renumbered": (
        edit("papers.json", lambda p: (swap_entries(p), renumber(p))), "cast papers and trackers"),
    "two papers swapped with their trackers, links left in place": (
        edit("papers.json", swap_papers_keep_links), "cast papers and trackers"),
    "fresh paper inserted": (insert_fresh, "cast papers and trackers"),
    "fresh paper appended, head moved": (append_fresh, "mix 1 (mix-1) proof of shuffle"),
    "head position changed": (
        edit("papers.json", lambda p: p["head"].update(position=999)), "cast papers and trackers"),
    "head hash changed": (
        edit("papers.json", lambda p: p["head"].update(hash=p["papers"][-2]["entry_hash"])),
        "cast papers and trackers"),
    "chain renamed": (edit("papers.json", lambda p: p.update(chain="papers:1")), "cast papers and trackers"),
    "first paper not at the start of the chain": (
        edit("papers.json", lambda p: p["papers"][0].update(previous_hash="11" * 32)), "cast papers and trackers"),
    "mix 1 outputs swapped": (edit("mixes/mix-01.json", swap_outputs), "mix 1 (mix-1) proof of shuffle"),
    "mix 1 challenge changed": (
        edit("mixes/mix-01.json", lambda m: m["proof"].update(challenge=bump_scalar(m["proof"]["challenge"]))),
        "mix 1 (mix-1) proof of shuffle"),
    "mix 1 permutation commitment changed": (
        edit("mixes/mix-01.json", lambda m: m["proof"]["commitments"].__setitem__(3, other_point(2))),
        "mix 1 (mix-1) proof of shuffle"),
    "mix 2 response changed": (
        edit("mixes/mix-02.json", lambda m: bump_in(m["proof"]["s_prime"], 9)),
        "mix 2 (mix-2) proof of shuffle"),
    "mix 2 output replaced by a chosen encryption": (
        lambda root: edit("mixes/mix-02.json", substitute_output(root))(root), "mix 2 (mix-2) proof of shuffle"),
    "mix 2 t4 changed": (
        edit("mixes/mix-02.json", lambda m: m["proof"]["t4"][2].__setitem__(0, other_point(3))),
        "mix 2 (mix-2) proof of shuffle"),
    "trustee public key changed": (
        edit("trustees.json", lambda t: t.update(public_key=other_point(4))), "trustee keys"),
    "trustee proof of knowledge changed": (
        edit("trustees.json", lambda t: bump_in(t["inits"][1]["commitment_proof"], "z")), "trustee keys"),
    "trustee key share proof changed": (
        edit("trustees.json", lambda t: bump_in(t["combines"][2]["proof"], "c")), "trustee keys"),
    "decryption share changed": (
        edit("decryption.json", lambda d: d["papers"][20][0][1].__setitem__(0, other_point(5))), "decryption shares"),
    "decryption proof response changed": (
        edit("decryption.json", lambda d: bump_in(d["papers"][33][1][0], 2)),
        "decryption shares"),
    "decryption by fewer trustees than the threshold": (edit("decryption.json", drop_trustee), "decryption shares"),
    "decryption claimed by the absent trustee": (
        edit("decryption.json", lambda d: d.update(present=[1, 3])), "decryption shares"),
    "decrypted ranking changed": (edit("results.json", change_ranking), "decrypted papers"),
    "valid paper published as invalid": (edit("results.json", mark_invalid), "decrypted papers"),
    "count sheet elects others": (edit("results.json", change_elected), "count"),
    "count sheet stage changed": (edit("results.json", change_stage_total), "count"),
    # The fingerprint changes with the parameters: every tracker, bound to it, no longer matches.
    "seats changed in the parameters": (
        edit("parameters.json", lambda p: p.update(seats=p["seats"] + 1)), "manifest and file digests"),
}


# What the failed check must say, for the chain's tamperings (the first broken paper, by its 1-based place).
MESSAGES = {
    "cast ciphertext replaced": "paper 11's entry hash is not the hash of its chain entry",
    "paper cast twice": "paper 6 is not chained to paper 5: its position is 5",
    "paper cast twice, chain rebuilt": "the same paper is on the record twice",
    "cast paper dropped": "paper 18 is not chained to paper 17: its position is 19",
    "cast paper dropped, positions renumbered":
        "paper 18 is not chained to paper 17: its previous hash is not paper 17's entry hash",
    "two cast papers swapped": "paper 4 is not chained to paper 3: its position is 9",
    "two cast papers swapped, positions renumbered":
        "paper 4 is not chained to paper 3: its previous hash is not paper 3's entry hash",
    "two papers swapped with their trackers, links left in place":
        "paper 4's entry hash is not the hash of its chain entry",
    "fresh paper inserted": "paper 52 is not chained to paper 51: its position is 51",
    "fresh paper appended, head moved": "the shuffle has 1001 papers in and 1000 out",
    "head position changed": "the head says position 999, but the list ends at paper 1000",
    "head hash changed": "the head says hash",
    "chain renamed": "the chain is named 'papers:1', not 'record:demo-e2e-2026:papers'",
    "seats changed in the parameters": "manifest.json: fingerprint is not the SHA-256 of parameters.json",
    "first paper not at the start of the chain": "paper 1 does not start the chain: its previous hash is not 64 zeros",
    "cast paper dropped, chain rebuilt": "the shuffle has 999 papers in and 1000 out",
}


NAMES = [
    "manifest and file digests", "parameters", "trustee keys", "cast papers and trackers",
    "mix 1 (mix-1) proof of shuffle", "mix 2 (mix-2) proof of shuffle", "decryption shares", "decrypted papers",
    "count",
]


def test_the_demo_record_verifies(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The command line: every check printed with its mark and name, exit status 0.
    assert verify_main([str(record), "--workers", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [f"✓ {n}" for n in NAMES]
    assert lines[-1].startswith("OK: all 9 checks passed")
    decryption = load(record, "decryption.json")
    assert decryption["present"] == [1, 2]  # trustee 3 absent
    results = load(record, "results.json")["papers"]
    assert len(results) == 1000
    invalid = [r for r in results if r["status"] == "invalid"]
    assert len(invalid) == 1000 // 97 and all(r == {"status": "invalid"} for r in invalid)
    # An invalid paper shows only the positions up to the one that makes it invalid.
    shown = [len(p) for p, r in zip(decryption["papers"], results, strict=True) if r["status"] == "invalid"]
    assert shown and min(shown) < 8


def test_a_voter_finds_their_tracker(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tracker = load(record, "papers.json")["papers"][123]["tracker"]
    assert verify_main([str(record), "--tracker", tracker.upper()]) == 0
    out = capsys.readouterr().out
    assert "✓ tracker: tracker" in out and "found: paper 124 of 1000" in out
    # The voter sees where their paper is in the chain, to compare with the entry hash on their receipt.
    papers = load(record, "papers.json")
    entry = papers["papers"][123]
    assert entry["position"] == 124
    assert f"chain entry 124, entry hash {entry['entry_hash']} (head {papers['head']['hash']})" in out
    assert verify_main([str(record), "--tracker", "ab" * 32]) == 1
    out = capsys.readouterr().out
    assert "✗ tracker" in out and "not found" in out


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_each_tampering_fails_the_check_it_breaks(record: Path, tmp_path: Path, name: str) -> None:
    tamper, broken = TAMPERINGS[name]
    copy = tmp_path / "record"
    shutil.copytree(record, copy)
    tamper(copy)
    # Stop at the first failure to keep the suite quick; it must be the check the tampering breaks.
    checks = verify_record(copy, workers=2, fail_fast=True)
    failed = [c for c in checks if not c.ok]
    assert failed, f"{name}: the verifier accepted a tampered record"
    assert failed[0].name == broken, f"{name}: expected {broken!r} to fail first, got {failed[0]}"
    assert failed[0].detail
    assert MESSAGES.get(name, "") in failed[0].detail, f"{name}: {failed[0].detail}"


def test_the_record_is_version_3_and_a_version_2_record_is_refused(record: Path, tmp_path: Path) -> None:
    assert load(record, "manifest.json")["version"] == 3
    copy = tmp_path / "record"
    shutil.copytree(record, copy)
    manifest = load(copy, "manifest.json")
    manifest["version"] = 2
    (copy / "manifest.json").write_bytes(dump(manifest))
    checks = verify_record(copy, workers=2, fail_fast=True)
    assert [(c.name, c.ok, c.detail) for c in checks] == [("manifest and file digests", False, "version 2 is not 3 or 4")]  # noqa: E501


def test_every_check_still_runs_after_a_failure(record: Path, tmp_path: Path) -> None:
    copy = tmp_path / "record"
    shutil.copytree(record, copy)
    edit("results.json", change_elected, reseal=False)(copy)
    checks = {c.name: c for c in verify_record(copy, workers=2)}
    assert list(checks) == NAMES
    assert {n for n, c in checks.items() if not c.ok} == {"manifest and file digests", "count"}
    assert "results.json does not match its SHA-256" in checks["manifest and file digests"].detail
    assert verify_main([str(copy), "--workers", "2"]) == 1


def test_a_head_published_at_the_close_catches_a_paper_appended_after_it(
    record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = load(record, "papers.json")["head"]
    # The head as the results page would publish it, with or without its position: the record ends there.
    assert verify_main([str(record), "--tracker", load(record, "papers.json")["papers"][0]["tracker"],
                        "--head", f"{head['position']}:{head['hash'].upper()}"]) == 0
    assert "✓ published head: the list of papers ends at the published head: paper 1000" in capsys.readouterr().out
    # A paper appended after the close with the head moved to it keeps the chain intact; only the head
    # published independently tells (the mix catches it here too, but a record could be mixed afterwards).
    copy = tmp_path / "record"
    shutil.copytree(record, copy)
    append_fresh(copy)
    checks = {c.name: c for c in verify_record(copy, workers=2, lookup_only=True, head=head["hash"])}
    assert checks["cast papers and trackers"].ok
    assert not checks["published head"].ok
    assert "is not the published head" in checks["published head"].detail
    assert "paper 1000's entry: 1 paper(s) were added after it" in checks["published head"].detail
    wrong_position = verify_record(record, lookup_only=True, head=f"999:{head['hash']}")
    assert [c.detail for c in wrong_position if not c.ok] == [
        "the published head is at position 999, the record's list ends at paper 1000"
    ]
    assert verify_main([str(record), "--tracker", "ab" * 32, "--head", "not-a-hash"]) == 1
    assert "is not a 64-digit hex hash" in capsys.readouterr().out
