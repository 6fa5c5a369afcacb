"""The election record's chain of cast papers (docs/record.md §2.4): the same hash as the platform's chains
(omov.audit.chain), written and checked by omov.crypto without importing omov.audit, and the specification's
worked example."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from omov.audit import chain as audit_chain
from omov.crypto import verify as vf
from omov.crypto.record import DemoSettings, papers_file, run_demo, write_record

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "record.md"

# The worked example of docs/record.md §2.4.
EXAMPLE = DemoSettings(papers=3, candidates=2, seats=1, trustees=1, threshold=1, mixers=1, seed="doc",
                       invalid_every=0, workers=1)
EXAMPLE_TRACKERS = ["7959a7d385c689253c672e2fbfca7e7ecfeb5ae1fbcbb9f2c02f6334ea387908",
                    "1c7f7d5ddd72b946e33cb8d48c70d7bbb685f1a57f97300d510d35137b04885a"]
EXAMPLE_HASHES = ["a6d6200166198efa822452b7931fc96742e35fc539e3be24b3e097979ba810b3",
                  "a79e99de817051c3c237eff0785cdedf352b3a7ee17a8483b5fc946aa91b9678"]


@pytest.mark.parametrize(
    ("chain", "previous", "position", "payload"),
    [
        ("record:demo-doc:papers", "0" * 64, 1, b"7959a7d385c689253c672e2fbfca7e7ecfeb5ae1fbcbb9f2c02f6334ea387908"),
        ("record:demo-doc:papers", "ab" * 32, 2, b"00" * 32),
        ("record:Élection 2026 — ĉ:papers", "f" * 64, 1_000_000, b"x"),  # non-ASCII name, a long position
        ("papers:17", "0" * 64, 10, b""),  # the platform's own list of papers
        ("audit", "12" * 32, 3, b'{"action":"ballot.open"}'),
    ],
)
def test_the_chain_hash_is_the_audit_chains(chain: str, previous: str, position: int, payload: bytes) -> None:
    assert vf.link_hash(chain, previous, position, payload) == audit_chain.link_hash(chain, previous, position, payload)
    assert vf.GENESIS == audit_chain.GENESIS
    if len(payload) == 64:
        assert vf.paper_link(chain, previous, position, payload.decode()) == vf.link_hash(chain, previous, position,
                                                                                          payload)


def test_papers_file_chains_every_paper_from_genesis_to_the_head() -> None:
    papers = [bytes([i]) * 64 for i in range(1, 6)]
    listing = papers_file("unit", papers)
    assert listing["chain"] == vf.papers_chain_name("unit") == "record:unit:papers"
    previous = "0" * 64
    for n, (entry, paper) in enumerate(zip(listing["papers"], papers, strict=True), start=1):
        tracker = hashlib.sha256(paper).hexdigest()
        expected = audit_chain.link_hash("record:unit:papers", previous, n, tracker.encode("ascii"))
        assert entry == {"position": n, "tracker": tracker, "ciphertexts": paper.hex(), "previous_hash": previous,
                         "entry_hash": expected}
        previous = expected
    assert listing["head"] == {"position": 5, "hash": previous}


def test_the_specifications_worked_example(tmp_path: Path) -> None:
    files, election = run_demo(EXAMPLE)
    assert election == "demo-doc"
    entries = files["papers.json"]["papers"]
    assert [e["tracker"] for e in entries[:2]] == EXAMPLE_TRACKERS
    assert [e["entry_hash"] for e in entries[:2]] == EXAMPLE_HASHES
    # The 168 bytes the specification spells out, hashed by hand.
    hashed = b"omov-chain-v1\nrecord:demo-doc:papers\n" + b"0" * 64 + b"\n1\n" + EXAMPLE_TRACKERS[0].encode()
    assert len(hashed) == 168 and hashlib.sha256(hashed).hexdigest() == EXAMPLE_HASHES[0]
    second = b"omov-chain-v1\nrecord:demo-doc:papers\n" + EXAMPLE_HASHES[0].encode() + b"\n2\n" + \
        EXAMPLE_TRACKERS[1].encode()
    assert hashlib.sha256(second).hexdigest() == EXAMPLE_HASHES[1]
    spec = SPEC.read_text(encoding="utf-8")
    for value in [*EXAMPLE_TRACKERS, *EXAMPLE_HASHES]:
        assert value in spec
    command = "--papers 3 --candidates 2 --seats 1 --trustees 1 --threshold 1 --mixers 1 --seed doc --invalid-every 0"
    assert command in " ".join(spec.split())
    # And the record verifies, its tracker lookup showing the entry hash.
    root = write_record(tmp_path / "rec", files, election)
    checks = vf.verify_record(root, tracker=EXAMPLE_TRACKERS[0].upper(), workers=1)
    assert all(c.ok for c in checks), checks
    assert f"chain entry 1, entry hash {EXAMPLE_HASHES[0]}" in checks[-1].detail
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == vf.VERSION == 2


def test_a_chain_of_malformed_fields_is_refused(tmp_path: Path) -> None:
    """A position that is not a JSON integer (true, "1", 1.0) or a head without one fails the check."""
    files, election = run_demo(EXAMPLE)
    for bad in (True, "1", 1.0):
        changed = json.loads(json.dumps(files))
        changed["papers.json"]["papers"][0]["position"] = bad
        checks = {c.name: c for c in vf.verify_record(write_record(tmp_path / repr(bad), changed, election),
                                                      workers=1, lookup_only=True)}
        assert not checks["cast papers and trackers"].ok
        assert checks["cast papers and trackers"].detail.startswith("paper 1 does not start the chain: its position")
    changed = json.loads(json.dumps(files))
    del changed["papers.json"]["head"]["position"]
    checks = {c.name: c for c in vf.verify_record(write_record(tmp_path / "headless", changed, election), workers=1,
                                                  lookup_only=True)}
    assert checks["cast papers and trackers"].detail == "the head says position None, but the list ends at paper 3"


def test_the_library_does_not_import_the_platform() -> None:
    """omov.crypto writes and checks the chain itself: importing its record modules loads no omov.audit."""
    code = ("import sys, omov.crypto.record, omov.crypto.verify, omov.crypto.cli_verify; "
            "print(sorted(m for m in sys.modules if m.startswith('omov.') and not m.startswith(('omov.crypto', "
            "'omov.count'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
