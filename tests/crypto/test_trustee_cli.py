"""The `omov trustee` ceremony by files: 3 machines (directories), threshold 2, decryption by any 2."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from omov.cli import main as omov
from omov.crypto.elgamal import encrypt
from omov.crypto.encoding import ciphertext_hex, point_from_hex


def run(*args: str) -> int:
    return omov([str(a) for a in args])


def ceremony(tmp_path: Path) -> Path:
    board = tmp_path / "board"  # the public bulletin board everyone copies to and from
    board.mkdir()
    for i in (1, 2, 3):
        machine = tmp_path / f"machine{i}"
        assert run("trustee", "init", "--id", i, "--n", 3, "--t", 2, "--election", "E", "--out", machine) == 0
        shutil.copy(machine / f"trustee-{i}.init.json", board)
        mode = stat.S_IMODE((machine / f"trustee-{i}.secret.json").stat().st_mode)
        assert mode == 0o600
    for i in (1, 2, 3):
        assert (
            run("trustee", "share", "--secret", tmp_path / f"machine{i}/trustee-{i}.secret.json", "--public", board)
            == 0
        )
    for i in (1, 2, 3):
        assert (
            run("trustee", "combine", "--secret", tmp_path / f"machine{i}/trustee-{i}.secret.json", "--public", board)
            == 0
        )
    assert not list(board.glob("*.secret.json"))
    return board


def test_ceremony_decrypt_with_any_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    board = ceremony(tmp_path)
    assert run("trustee", "verify", "--public", board) == 0
    pk = point_from_hex(json.loads((board / "trustee-1.combine.json").read_text())["public_key"])
    messages = [3, 0, 11]
    cfile = tmp_path / "ciphertexts.json"
    cfile.write_text(
        json.dumps(
            {
                "type": "omov/ciphertexts/v1",
                "election": "E",
                "context": "tally",
                "ciphertexts": [ciphertext_hex(encrypt(pk, m)[0]) for m in messages],
            }
        )
    )
    for i in (1, 2, 3):
        assert (
            run(
                "trustee",
                "decrypt",
                "--secret",
                tmp_path / f"machine{i}/trustee-{i}.secret.json",
                "--input",
                cfile,
                "--out",
                tmp_path / f"p{i}.json",
            )
            == 0
        )
    for pair in ((1, 2), (1, 3), (2, 3)):
        out = tmp_path / f"result{pair}.json"
        partials = [tmp_path / f"p{i}.json" for i in pair]
        assert (
            run(
                "trustee",
                "result",
                "--public",
                board,
                "--input",
                cfile,
                "--partials",
                *partials,
                "--max",
                100,
                "--out",
                out,
            )
            == 0
        )
        assert json.loads(out.read_text())["plaintexts"] == messages
        assert (
            run("trustee", "verify", "--public", board, "--input", cfile, "--partials", *partials, "--result", out) == 0
        )
    # one trustee cannot decrypt
    assert (
        run(
            "trustee",
            "result",
            "--public",
            board,
            "--input",
            cfile,
            "--partials",
            tmp_path / "p1.json",
            "--max",
            100,
            "--out",
            tmp_path / "r1.json",
        )
        == 1
    )
    # a tampered partial, a tampered result: caught by the verifier
    bad = json.loads((tmp_path / "p2.json").read_text())
    bad["partials"][0]["d"] = bad["partials"][1]["d"]
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert (
        run(
            "trustee",
            "verify",
            "--public",
            board,
            "--input",
            cfile,
            "--partials",
            tmp_path / "p1.json",
            tmp_path / "bad.json",
        )
        == 1
    )
    res = json.loads((tmp_path / "result(1, 2).json").read_text())
    res["plaintexts"][0] += 1
    (tmp_path / "badres.json").write_text(json.dumps(res))
    assert (
        run(
            "trustee",
            "verify",
            "--public",
            board,
            "--input",
            cfile,
            "--partials",
            tmp_path / "p1.json",
            tmp_path / "p2.json",
            "--result",
            tmp_path / "badres.json",
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "does not match" in err and "do not verify" in err


def test_bad_share_gives_a_complaint_file(tmp_path: Path) -> None:
    board = tmp_path / "board"
    for i in (1, 2, 3):
        assert run("trustee", "init", "--id", i, "--n", 3, "--t", 2, "--election", "E", "--out", tmp_path) == 0
    board.mkdir()
    for f in tmp_path.glob("*.init.json"):
        shutil.copy(f, board)
    for i in (1, 2, 3):
        assert run("trustee", "share", "--secret", tmp_path / f"trustee-{i}.secret.json", "--public", board) == 0
    # trustee 1 sends trustee 3 a box made for trustee 2 (it will not open / not match)
    shares = json.loads((board / "trustee-1.shares.json").read_text())
    to2 = next(s for s in shares["shares"] if s["to"] == 2)
    for s in shares["shares"]:
        if s["to"] == 3:
            s["box"], s["ephemeral"] = to2["box"], to2["ephemeral"]
    (board / "trustee-1.shares.json").write_text(json.dumps(shares))
    assert run("trustee", "combine", "--secret", tmp_path / "trustee-3.secret.json", "--public", board) == 1
    assert (board / "trustee-3.complaint-1.json").exists()
    assert run("trustee", "combine", "--secret", tmp_path / "trustee-2.secret.json", "--public", board) == 0
