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
EXAMPLE_FINGERPRINT = "d798e933684aebbc9edf3f4ad5a6539b513cc5e80cb2c264b0cc1579fab56e71"
EXAMPLE_TRACKERS = ["9c2f24f895d623c79c0d07db86164888e827834ddb054ca3eb5a33e8c425a389",
                    "0c27fd20dd30089d8ebf11e54dfb5e1c1b94fbcce60966049f3d1f4fe53873ed"]
EXAMPLE_HASHES = ["07dc3e14c847e9815d27be3f577c72f6fdd72d1cfc8e430d880dd1f35ba01703",
                  "0ef890d6cf1b419b6a336e8a1e6a9254272c84e818849cf44f8e2a8476b551c2"]


@pytest.mark.parametrize(
    ("chain", "previous", "position", "payload"),
    [
        ("record:demo-doc:papers", "0" * 64, 1, b"9c2f24f895d623c79c0d07db86164888e827834ddb054ca3eb5a33e8c425a389"),
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
    fingerprint = hashlib.sha256(b"unit parameters").digest()
    listing = papers_file("unit", fingerprint, papers)
    assert listing["chain"] == vf.papers_chain_name("unit") == "record:unit:papers"
    previous = "0" * 64
    for n, (entry, paper) in enumerate(zip(listing["papers"], papers, strict=True), start=1):
        # length_prefixed("omov/record/v3/tracker", F, paper), spelt out
        domain = b"omov/record/v3/tracker"
        tracker = hashlib.sha256(len(domain).to_bytes(8, "big") + domain + (32).to_bytes(8, "big") + fingerprint
                                 + len(paper).to_bytes(8, "big") + paper).hexdigest()
        assert tracker == vf.paper_tracker(fingerprint, paper)
        expected = audit_chain.link_hash("record:unit:papers", previous, n, tracker.encode("ascii"))
        assert entry == {"position": n, "tracker": tracker, "ciphertexts": paper.hex(), "previous_hash": previous,
                         "entry_hash": expected}
        previous = expected
    assert listing["head"] == {"position": 5, "hash": previous}


def test_the_specifications_worked_example(tmp_path: Path) -> None:
    files, election = run_demo(EXAMPLE)
    assert election == "demo-doc"
    entries = files["papers.json"]["papers"]
    assert hashlib.sha256(write_record(tmp_path / "fp", files, election).joinpath("parameters.json").read_bytes()) \
        .hexdigest() == EXAMPLE_FINGERPRINT
    assert [e["tracker"] for e in entries[:2]] == EXAMPLE_TRACKERS
    assert [e["entry_hash"] for e in entries[:2]] == EXAMPLE_HASHES
    # The 168 bytes the specification spells out, hashed by hand.
    hashed = b"omov-chain-v1\nrecord:demo-doc:papers\n" + b"0" * 64 + b"\n1\n" + EXAMPLE_TRACKERS[0].encode()
    assert len(hashed) == 168 and hashlib.sha256(hashed).hexdigest() == EXAMPLE_HASHES[0]
    second = b"omov-chain-v1\nrecord:demo-doc:papers\n" + EXAMPLE_HASHES[0].encode() + b"\n2\n" + \
        EXAMPLE_TRACKERS[1].encode()
    assert hashlib.sha256(second).hexdigest() == EXAMPLE_HASHES[1]
    spec = SPEC.read_text(encoding="utf-8")
    for value in [EXAMPLE_FINGERPRINT, *EXAMPLE_TRACKERS, *EXAMPLE_HASHES]:
        assert value in spec
    command = "--papers 3 --candidates 2 --seats 1 --trustees 1 --threshold 1 --mixers 1 --seed doc --invalid-every 0"
    assert command in " ".join(spec.split())
    # And the record verifies, its tracker lookup showing the entry hash.
    root = write_record(tmp_path / "rec", files, election)
    checks = vf.verify_record(root, tracker=EXAMPLE_TRACKERS[0].upper(), workers=1)
    assert all(c.ok for c in checks), checks
    assert f"chain entry 1, entry hash {EXAMPLE_HASHES[0]}" in checks[-1].detail
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == 3 and 3 in vf.VERSIONS
    assert manifest["fingerprint"] == EXAMPLE_FINGERPRINT


def test_a_chain_of_malformed_fields_is_refused(tmp_path: Path) -> None:
    """A position that is not a JSON integer (true, "1", 1.0) or a head without one is refused when the file is
    read, naming the item; the papers' check then says it did not run."""
    files, election = run_demo(EXAMPLE)
    for bad in (True, "1", 1.0):
        changed = json.loads(json.dumps(files))
        changed["papers.json"]["papers"][0]["position"] = bad
        checks = {c.name: c for c in vf.verify_record(write_record(tmp_path / repr(bad), changed, election),
                                                      workers=1, lookup_only=True)}
        assert not checks["cast papers and trackers"].ok
        assert "papers.json: papers[0].position: " in checks["manifest and file digests"].detail
        assert checks["cast papers and trackers"].detail.startswith("not checked: papers.json: papers[0].position")
    changed = json.loads(json.dumps(files))
    del changed["papers.json"]["head"]["position"]
    checks = {c.name: c for c in vf.verify_record(write_record(tmp_path / "headless", changed, election), workers=1,
                                                  lookup_only=True)}
    assert checks["cast papers and trackers"].detail == "not checked: papers.json: head.position: is missing"


def test_the_library_does_not_import_the_platform() -> None:
    """omov.crypto writes and checks the chain itself: importing its record modules loads no omov.audit."""
    code = ("import sys, omov.crypto.record, omov.crypto.verify, omov.crypto.cli_verify; "
            "print(sorted(m for m in sys.modules if m.startswith('omov.') and not m.startswith(('omov.crypto', "
            "'omov.count'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
