"""The record binds what the election is, and is read strictly (docs/record.md §2.2, §3 V1, §4).

Attacks, each by a forger who refreshes the manifest's digests: (1) parameters.json rewritten (candidates
swapped, a seat removed, the rule or the title changed) with the result recounted to match, even with the
trackers and chain rebuilt; (2) a duplicate key carrying a second result; (3) booleans for numbers, wrong
types, non-canonical JSON. Each must fail `omov verify`, naming the file and the item.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omov.crypto import verify_shuffle as vsh
from omov.crypto.cli_verify import main as verify_main
from omov.crypto.record import DemoSettings, count_sheet, dump, papers_file, run_demo, write_record
from omov.crypto.verify import verify_record
from omov.crypto.verify_json import RecordJsonError, read_canonical

SETTINGS = DemoSettings(papers=40, candidates=4, seats=2, trustees=3, threshold=2, mixers=1, seed="binding",
                        workers=1, invalid_every=13)


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files, election = run_demo(SETTINGS)
    return write_record(tmp_path_factory.mktemp("binding") / "record", files, election)


@pytest.fixture
def copy(record: Path, tmp_path: Path) -> Path:
    out = tmp_path / "record"
    shutil.copytree(record, out)
    return out


def load(root: Path, name: str) -> Any:
    return json.loads((root / name).read_text(encoding="utf-8"))


def reseal(root: Path, name: str, data: bytes) -> None:
    """Write a file's bytes and refresh its digest (and, for parameters.json, the fingerprint) in the manifest."""
    (root / name).write_bytes(data)
    manifest = load(root, "manifest.json")
    manifest["files"][name] = hashlib.sha256(data).hexdigest()
    if name == "parameters.json":
        manifest["fingerprint"] = manifest["files"][name]
    (root / "manifest.json").write_bytes(dump(manifest))


def failures(root: Path, **options: Any) -> dict[str, str]:
    return {c.name: c.detail for c in verify_record(root, workers=1, **options) if not c.ok}


# -- (1) the parameters rewritten, the result recounted, the digests refreshed


def swap_candidates(p: dict[str, Any]) -> None:
    p["candidates"][0], p["candidates"][1] = p["candidates"][1], p["candidates"][0]


REWRITES: dict[str, Callable[[dict[str, Any]], None]] = {
    "candidates swapped": swap_candidates,
    "a seat removed": lambda p: p.update(seats=p["seats"] - 1),
    "rule changed": lambda p: p.update(rule="ers97"),
    "title changed": lambda p: p.update(title="Another election"),
}


def forge_parameters(root: Path, rewrite: Callable[[dict[str, Any]], None], *, rechain: bool) -> dict[str, Any]:
    params = load(root, "parameters.json")
    rewrite(params)
    reseal(root, "parameters.json", dump(params))
    results = load(root, "results.json")
    results["count"] = count_sheet(params, results["papers"])  # the declared result recounted to match
    reseal(root, "results.json", dump(results))
    if rechain:  # trackers and chain are public data: a forger can recompute them for the new fingerprint
        papers = [bytes.fromhex(e["ciphertexts"]) for e in load(root, "papers.json")["papers"]]
        reseal(root, "papers.json", dump(papers_file(params["election"], hashlib.sha256(dump(params)).digest(),
                                                     papers)))
    return results


@pytest.mark.parametrize("name", list(REWRITES))
def test_rewritten_parameters_with_a_recounted_result_fail(record: Path, copy: Path, name: str) -> None:
    original = load(record, "results.json")["count"]
    forged = forge_parameters(copy, REWRITES[name], rechain=False)
    if name != "title changed":  # the forgery matters: it declares another result
        assert forged["count"] != original
    failed = failures(copy)
    # The count itself agrees with the forged parameters; the trackers, bound to the fingerprint, do not.
    assert "count" not in failed
    assert "manifest and file digests" not in failed and "parameters" not in failed
    assert "tracker is not the hash of the fingerprint and the paper" in failed["cast papers and trackers"]


@pytest.mark.parametrize("name", ["candidates swapped", "a seat removed"])
def test_rewritten_parameters_fail_even_with_trackers_and_chain_rebuilt(
    record: Path, copy: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = forge_parameters(copy, REWRITES[name], rechain=True)
    assert forged["count"]["elected"] != load(record, "results.json")["count"]["elected"]
    failed = failures(copy)
    assert "cast papers and trackers" not in failed
    # The mix's proof and the trustees' decryption proofs carry the fingerprint in their context.
    assert failed["mix 1 (mix-1) proof of shuffle"].startswith("mixes/mix-01.json: the proof of shuffle fails: "
                                                                "the Fiat–Shamir challenge")
    assert "fingerprint" in failed["mix 1 (mix-1) proof of shuffle"]
    assert verify_main([str(copy), "--workers", "1"]) == 1
    assert "✗ mix 1 (mix-1) proof of shuffle: mixes/mix-01.json" in capsys.readouterr().out


def test_decryption_proofs_are_bound_to_the_fingerprint(copy: Path) -> None:
    """Even a forger who could redo the mix cannot reuse the trustees' decryption proofs under new parameters:
    here only the decryption check is run against a fingerprint that differs by one title."""
    from omov.crypto.verify import Verifier

    verifier = Verifier(copy, workers=1)
    checks = {c.name: c for c in verifier.verify()}
    assert all(c.ok for c in checks.values())
    params = load(copy, "parameters.json")
    params["title"] = "Another election"
    verifier.fingerprint = hashlib.sha256(dump(params)).digest()
    with pytest.raises(Exception, match="decryption.json: .* fault"):
        verifier.check_decryption()


def test_the_published_fingerprint_catches_rewritten_parameters(
    record: Path, copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = load(record, "manifest.json")["fingerprint"]
    assert published == hashlib.sha256((record / "parameters.json").read_bytes()).hexdigest()
    tracker = load(record, "papers.json")["papers"][0]["tracker"]
    assert verify_main([str(record), "--tracker", tracker, "--fingerprint", published.upper()]) == 0
    assert "✓ published fingerprint: parameters.json has the published fingerprint" in capsys.readouterr().out
    forge_parameters(copy, swap_candidates, rechain=True)
    failed = failures(copy, lookup_only=True, tracker=None, fingerprint=published)
    assert "is not the published fingerprint" in failed["published fingerprint"]
    assert "parameters.json's fingerprint" in failed["published fingerprint"]


def test_a_manifest_fingerprint_that_is_not_the_parameters_hash_fails(copy: Path) -> None:
    manifest = load(copy, "manifest.json")
    manifest["fingerprint"] = "ab" * 32
    (copy / "manifest.json").write_bytes(dump(manifest))
    assert "manifest.json: fingerprint is not the SHA-256 of parameters.json" in failures(copy)[
        "manifest and file digests"]


def test_parameters_must_name_the_trustees_public_key(copy: Path) -> None:
    params = load(copy, "parameters.json")
    params["public_key"] = vsh.times_g(12345).hex()
    reseal(copy, "parameters.json", dump(params))
    assert failures(copy)["trustee keys"] == "parameters.json: public_key is not the trustees' joint public key"


# -- (2) a duplicate key carrying a second result


def test_a_duplicate_key_with_a_second_result_is_refused(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = load(copy, "results.json")
    other = dict(results["count"], elected=list(reversed(results["count"]["elected"])))
    # {"count": <the real sheet>, "count": <another>, "papers": ...}: a lax reader keeps the second.
    text = dump(results).decode()
    real = json.dumps(results["count"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    forged = json.dumps(other, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data = text.replace(f'"count":{real},', f'"count":{real},"count":{forged},', 1).encode()
    assert json.loads(data)["count"] == other
    reseal(copy, "results.json", data)
    failed = failures(copy)
    assert "results.json: count: the key 'count' appears twice in one object" in failed["manifest and file digests"]
    assert failed["count"].startswith("not checked: results.json: count")
    assert verify_main([str(copy), "--workers", "1"]) == 1
    assert "results.json: count: the key 'count' appears twice" in capsys.readouterr().out


def test_a_duplicate_key_deep_in_a_file_is_named_by_its_path(copy: Path) -> None:
    text = (copy / "papers.json").read_text()
    data = text.replace('"position":3,', '"position":3,"position":3,', 1).encode()
    reseal(copy, "papers.json", data)
    detail = failures(copy)["manifest and file digests"]
    assert "papers.json: papers[2].position: the key 'position' appears twice" in detail


# -- (3) booleans for numbers, wrong types, non-canonical JSON

TYPED: dict[str, tuple[str, Callable[[Any], None], str]] = {
    "seats as true": ("parameters.json", lambda p: p.update(seats=True),
                      "parameters.json: seats: must be a non-negative integer, not true"),
    "width as a string": ("parameters.json", lambda p: p.update(width="4"),
                          "parameters.json: width: must be a non-negative integer, not a string"),
    "a candidate as a number": ("parameters.json", lambda p: p["candidates"].__setitem__(1, 7),
                                "parameters.json: candidates[1]: must be a string, not an integer"),
    "a ranking of booleans": ("results.json", lambda r: next(p for p in r["papers"] if p["status"] == "valid")
                              .update(ranking=[True, False]), ": must be a non-negative integer, not true"),
    "a position as false": ("papers.json", lambda p: p["papers"][0].update(position=False),
                            "papers.json: papers[0].position: must be a non-negative integer, not false"),
    "an extra key": ("results.json", lambda r: r.update(winner="Candidate A"),
                     "results.json: winner: is not part of the record format"),
    "a missing key": ("parameters.json", lambda p: p.pop("rule"), "parameters.json: rule: is missing"),
    "uppercase hex": ("papers.json", lambda p: p["head"].update(hash=p["head"]["hash"].upper()),
                      "papers.json: head.hash: must be 64 lowercase hex digits"),
    "a share that is not a triple": ("decryption.json", lambda d: d["papers"][0][0][0].pop(),
                                     "decryption.json: papers[0][0][0]: must have 3 items, has 2"),
    "a mix index as a string": ("mixes/mix-01.json", lambda m: m.update(index="1"),
                                "mixes/mix-01.json: index: must be a non-negative integer, not a string"),
    "an init's id as true": ("trustees.json", lambda t: t["inits"][0].update(id=True),
                             "trustees.json: inits[0].id: must be a non-negative integer, not true"),
}


@pytest.mark.parametrize("name", list(TYPED))
def test_wrong_types_are_refused_naming_file_and_item(copy: Path, name: str) -> None:
    file, change, message = TYPED[name]
    value = load(copy, file)
    change(value)
    reseal(copy, file, dump(value))
    failed = failures(copy)
    assert message in failed["manifest and file digests"], failed["manifest and file digests"]
    assert verify_record(copy, workers=1)[-1].ok is False or any(not c.ok for c in verify_record(copy, workers=1))


NON_CANONICAL: dict[str, tuple[Callable[[str], str], str]] = {
    "whitespace": (lambda t: t.replace('"seats":', '"seats": ', 1), "parameters.json: seats: whitespace"),
    "keys out of order": (lambda t: t.replace('"candidates":', '"zzz":0,"candidates":', 1),
                          "parameters.json: candidates: keys are not in order: 'candidates' comes after 'zzz'"),
    "a float": (lambda t: t.replace('"seats":2', '"seats":2.0', 1),
                "parameters.json: seats: a number must be an integer"),
    "an exponent": (lambda t: t.replace('"seats":2', '"seats":2e0', 1),
                    "parameters.json: seats: a number must be an integer"),
    "a needless escape": (lambda t: t.replace('"Candidate A"', '"Candid\\u0061te A"', 1),
                          "parameters.json: candidates[0]: a string that is not in canonical form"),
    "an escaped slash": (lambda t: t.replace('"scottish"', '"scot\\/tish"', 1),
                         "parameters.json: rule: a string that is not in canonical form"),
    "no final newline": (lambda t: t[:-1], "parameters.json: does not end with one newline"),
    "two final newlines": (lambda t: t + "\n", "parameters.json: the document: more after the end"),
    "NaN": (lambda t: t.replace('"seats":2', '"seats":NaN', 1), "parameters.json: seats: unexpected 'N'"),
}


@pytest.mark.parametrize("name", list(NON_CANONICAL))
def test_non_canonical_json_is_refused_naming_file_and_item(copy: Path, name: str) -> None:
    change, message = NON_CANONICAL[name]
    text = (copy / "parameters.json").read_text(encoding="utf-8")
    assert '"seats":2,' in text
    reseal(copy, "parameters.json", change(text).encode("utf-8"))
    failed = failures(copy)
    assert message in failed["manifest and file digests"], failed["manifest and file digests"]
    assert failed["parameters"].startswith("not checked: parameters.json")


def test_a_non_canonical_manifest_is_refused(copy: Path) -> None:
    text = (copy / "manifest.json").read_text()
    (copy / "manifest.json").write_text(text.replace('"version":3', '"version":true'))
    assert failures(copy)["manifest and file digests"] == "version true is not 3 or 4"
    (copy / "manifest.json").write_text(text.replace("{", "{ ", 1))
    assert "manifest.json: the document: whitespace" in failures(copy)["manifest and file digests"]


def test_the_strict_reader_reads_what_the_writer_writes() -> None:
    value = {"b": [1, 0, -3, None, True, False], "a": {"x": "ü\n\t\"\\\x01\x7f\u2028/"}, "": []}
    assert read_canonical(dump(value), "f.json") == value
    with pytest.raises(RecordJsonError, match="f.json: a: the key 'a' appears twice"):
        read_canonical(b'{"a":1,"a":1}\n', "f.json")
    with pytest.raises(RecordJsonError, match="-0 is not canonical"):
        read_canonical(b"[-0]\n", "f.json")
    with pytest.raises(RecordJsonError, match="nested deeper"):
        read_canonical(b"[" * 100 + b"]" * 100 + b"\n", "f.json")
    with pytest.raises(RecordJsonError, match="not UTF-8"):
        read_canonical(b'["\xff"]\n', "f.json")
    with pytest.raises(RecordJsonError, match="not in canonical form"):
        read_canonical(b'["\\ud800"]\n', "f.json")  # a lone surrogate cannot be written canonically


def test_workers_are_capped_at_the_cores() -> None:
    import os

    assert vsh.capped_workers(10**6) == min(os.cpu_count() or 1, vsh.MAX_WORKERS)
    assert vsh.capped_workers(0) == 1 and vsh.capped_workers(-5) == 1
    from omov.crypto import shuffle as sh

    assert sh.Workers(10**6).n == (os.cpu_count() or 1)
