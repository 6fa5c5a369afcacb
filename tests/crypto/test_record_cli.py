"""`omov record demo` and `omov verify` from the command line, on a small election."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omov.cli import main as omov_main


def test_record_demo_then_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "rec"
    assert omov_main(["record", "demo", str(record), "--papers", "40", "--candidates", "4", "--seats", "2",
                      "--trustees", "2", "--threshold", "2", "--mixers", "1", "--seed", "cli",
                      "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "wrote the record of demo-cli" in out and "elected:" in out
    params = json.loads((record / "parameters.json").read_text())
    assert params["candidates"] == ["Candidate A", "Candidate B", "Candidate C", "Candidate D"]
    assert json.loads((record / "decryption.json").read_text())["present"] == [1, 2]  # t = n: nobody absent
    assert sorted(p.name for p in (record / "mixes").iterdir()) == ["mix-01.json"]
    assert omov_main(["verify", str(record), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "✓ mix 1 (mix-1) proof of shuffle" in out and "OK: all 9 checks passed" in out


def test_the_same_seed_writes_the_same_record(tmp_path: Path) -> None:
    args = ["--papers", "120", "--candidates", "3", "--seats", "1", "--seed", "same"]
    assert omov_main(["record", "demo", str(tmp_path / "a"), *args, "--workers", "1"]) == 0
    assert omov_main(["record", "demo", str(tmp_path / "b"), *args, "--workers", "2"]) == 0
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()


def test_bad_settings_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert omov_main(["record", "demo", str(tmp_path / "x"), "--trustees", "2", "--threshold", "3"]) == 2
    assert "threshold" in capsys.readouterr().err


def test_verify_a_directory_that_is_not_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert omov_main(["verify", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "✗ manifest and file digests: no manifest.json" in out


def test_a_malformed_record_fails_its_checks_without_crashing(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import hashlib

    from omov.crypto.record import dump

    record = tmp_path / "rec"
    assert omov_main(["record", "demo", str(record), "--papers", "20", "--candidates", "3", "--seats", "1",
                      "--mixers", "1", "--seed", "bad", "--workers", "1", "--invalid-every", "0"]) == 0
    results = json.loads((record / "results.json").read_text())
    results["papers"][0]["ranking"] = [99]  # no such candidate
    (record / "results.json").write_bytes(dump(results))
    manifest = json.loads((record / "manifest.json").read_text())
    manifest["files"]["results.json"] = hashlib.sha256((record / "results.json").read_bytes()).hexdigest()
    (record / "manifest.json").write_bytes(dump(manifest))
    capsys.readouterr()
    assert omov_main(["verify", str(record), "--workers", "1"]) == 1
    out = capsys.readouterr().out
    assert "✗ decrypted papers: results.json: papers[0]: the record says" in out
    assert "✗ count: malformed record: CountError" in out
