"""The two verifiers side by side: `omov verify` (Python) and the JavaScript verifier
(`node omov/web/static/omov/verify/cli.mjs RECORD_DIR`), written from docs/record.md independently, must agree:
both accept an honest record (exit 0) and both refuse each tampered copy (non-zero), the JavaScript one naming
the file and the item. node is required: without it these tests fail, they are not skipped."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omov.cli import main as omov_main
from omov.crypto.record import DemoSettings, dump

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "omov" / "web" / "static" / "omov" / "verify" / "cli.mjs"


def node() -> str:
    found = shutil.which("node")
    assert found, "node is not installed: the JavaScript verifier cannot be tested (install Node.js 20 or later)"
    return found


def run_js(record: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([node(), str(CLI), str(record), "--quiet", *extra], capture_output=True, text=True,
                          timeout=600, check=False)


def run_py(record: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = omov_main(["verify", str(record), "--workers", "1", *extra])
    return code, capsys.readouterr().out


def refresh(record: Path, name: str) -> None:
    """Put the file's new SHA-256 in the manifest (and its fingerprint when the parameters changed)."""
    manifest = json.loads((record / "manifest.json").read_text())
    digest = hashlib.sha256((record / name).read_bytes()).hexdigest()
    manifest["files"][name] = digest
    if name == "parameters.json":
        manifest["fingerprint"] = digest
    (record / "manifest.json").write_bytes(dump(manifest))


def edit(record: Path, name: str, change: Callable[[Any], None]) -> None:
    doc = json.loads((record / name).read_text())
    change(doc)
    (record / name).write_bytes(dump(doc))
    refresh(record, name)


def flip_hex(s: str, at: int = 10) -> str:
    return s[:at] + ("0" if s[at] != "0" else "1") + s[at + 1:]


@pytest.fixture(scope="module")
def v3_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    record = tmp_path_factory.mktemp("js") / "v3"
    assert omov_main(["record", "demo", str(record), "--papers", "24", "--candidates", "4", "--seats", "2",
                      "--trustees", "3", "--threshold", "2", "--mixers", "2", "--seed", "js-v3",
                      "--invalid-every", "7", "--workers", "1"]) == 0
    return record


def write_v4(directory: Path, kind: str, *, papers: int = 10, twice: bool = False) -> Path:
    """A version 4 record (omov.crypto.record4's demo); with `twice`, the second voter's paper is cast under the
    first voter's credential (validly signed: the device had the first voter's code)."""
    from omov.crypto import record4

    settings = DemoSettings(papers=papers, candidates=4, seats=2, trustees=3, threshold=2, mixers=2,
                            seed=f"js-{kind}", workers=1)
    if not twice:
        parts, _ = record4.demo_parts(settings, kind)
    else:
        original = record4._cast_job

        def cast_twice(job: Any) -> Any:
            kind_, election, fp, pk, items, seed = job
            items = [items[0], (items[0][0], *items[1][1:]), *items[2:]]
            return original((kind_, election, fp, pk, items, seed))

        record4._cast_job = cast_twice  # type: ignore[assignment]
        try:
            parts, _ = record4.demo_parts(settings, kind)
        finally:
            record4._cast_job = original  # type: ignore[assignment]
    record4.write_record(directory, **parts)
    return directory


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_both_verifiers_accept_an_honest_v3_record(v3_record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    js = run_js(v3_record)
    assert js.returncode == 0, js.stdout + js.stderr
    for name in ("manifest and file digests", "parameters", "trustee keys", "cast papers and trackers",
                 "mix 1 (mix-1) proof of shuffle", "mix 2 (mix-2) proof of shuffle", "decryption shares",
                 "decrypted papers", "count"):
        assert f"✓ {name}: " in js.stdout
    assert "✗" not in js.stdout and "omov verify" in js.stdout  # it says the full recount is Python's
    code, out = run_py(v3_record, capsys)
    assert code == 0, out


def test_the_js_verifier_says_the_same_with_one_or_three_worker_threads(v3_record: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered"
    shutil.copytree(v3_record, tampered)
    edit(tampered, "decryption.json", lambda d: d["papers"][5][0][1].__setitem__(2, d["papers"][5][0][1][1]))
    for record in (v3_record, tampered):
        one, three = run_js(record, "--workers", "1"), run_js(record, "--workers", "3")
        assert one.returncode == three.returncode == (0 if record == v3_record else 1)
        assert one.stdout.splitlines()[:-1] == three.stdout.splitlines()[:-1]  # the last line says how long it took
    assert "✗ decryption shares: decryption.json: papers[5][0][1]: " in three.stdout


def test_the_js_verifier_runs_v9_v10_and_v2a(v3_record: Path) -> None:
    papers = json.loads((v3_record / "papers.json").read_text())
    manifest = json.loads((v3_record / "manifest.json").read_text())
    tracker = papers["papers"][4]["tracker"]
    head = papers["head"]
    js = run_js(v3_record, "--tracker", tracker.upper(), "--all", "--head", f"{head['position']}:{head['hash']}",
                "--fingerprint", manifest["fingerprint"])
    assert js.returncode == 0, js.stdout
    assert "✓ tracker: found: paper 5 of 24" in js.stdout and "✓ published head" in js.stdout
    assert "✓ published fingerprint" in js.stdout
    # a voter's quick lookup runs V1, V2, V4, V9 only
    quick = run_js(v3_record, "--tracker", tracker)
    assert quick.returncode == 0 and "proof of shuffle" not in quick.stdout and "✓ tracker" in quick.stdout
    # a head published before the last paper was appended
    earlier = papers["papers"][21]["entry_hash"]
    late = run_js(v3_record, "--head", earlier)
    assert late.returncode == 1 and "paper 22's entry, and 2 paper(s) follow it" in late.stdout
    wrong = run_js(v3_record, "--fingerprint", "ab" * 32)
    assert wrong.returncode == 1 and "✗ published fingerprint" in wrong.stdout
    missing = run_js(v3_record, "--tracker", "00" * 32)
    assert missing.returncode == 1 and "not found" in missing.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert subprocess.run([node(), str(CLI)], capture_output=True, text=True, check=False).returncode == 2
    assert subprocess.run([node(), str(CLI), str(tmp_path / "nowhere")], capture_output=True, text=True,
                          check=False).returncode == 2
    assert subprocess.run([node(), str(CLI), str(tmp_path), "--bogus"], capture_output=True, text=True,
                          check=False).returncode == 2
    for bad in ("0", "two"):
        refused = subprocess.run([node(), str(CLI), str(tmp_path), "--workers", bad], capture_output=True, text=True,
                                 check=False)
        assert refused.returncode == 2 and "--workers needs a positive whole number" in refused.stderr
    empty = run_js(tmp_path)  # a directory that is not a record
    assert empty.returncode == 1 and "✗ manifest and file digests: manifest.json: the file is missing" in empty.stdout


def _paper_byte(r: Path) -> None:
    edit(r, "papers.json", lambda d: d["papers"][3].__setitem__("ciphertexts", flip_hex(d["papers"][3]["ciphertexts"])))


def _tracker(r: Path) -> None:
    edit(r, "papers.json", lambda d: d["papers"][2].__setitem__("tracker", flip_hex(d["papers"][2]["tracker"])))


def _mix_scalar(r: Path) -> None:
    edit(r, "mixes/mix-02.json", lambda d: d["proof"].__setitem__("s3", flip_hex(d["proof"]["s3"], 2)))


def _share(r: Path) -> None:
    def change(d: Any) -> None:
        share = d["papers"][5][0][1]
        share[1] = flip_hex(share[1], 2)
    edit(r, "decryption.json", change)


def _results(r: Path) -> None:
    def change(d: Any) -> None:
        valid = next(i for i, p in enumerate(d["papers"]) if p["status"] == "valid" and len(p["ranking"]) > 1)
        ranking = d["papers"][valid]["ranking"]
        ranking[0], ranking[1] = ranking[1], ranking[0]
    edit(r, "results.json", change)


def _parameters(r: Path) -> None:
    edit(r, "parameters.json", lambda d: d.__setitem__("title", d["title"] + " (rewritten)"))


def _duplicate_key(r: Path) -> None:
    data = (r / "results.json").read_bytes()
    assert data.startswith(b'{"count":')
    (r / "results.json").write_bytes(b'{"count":{},' + data[1:])
    refresh(r, "results.json")


def _count(r: Path) -> None:
    def change(d: Any) -> None:
        d["count"]["invalid"] += 1
    edit(r, "results.json", change)


TAMPERINGS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a paper's ciphertext byte": (_paper_byte, "✗ cast papers and trackers: papers.json: papers[3].tracker: "),
    "a tracker": (_tracker, "✗ cast papers and trackers: papers.json: papers[2].tracker: "),
    "a mix proof scalar": (_mix_scalar, "✗ mix 2 (mix-2) proof of shuffle: mixes/mix-02.json: proof: "),
    "a decryption share": (_share, "✗ decryption shares: decryption.json: papers[5][0][1]: "),
    "results": (_results, "✗ decrypted papers: results.json: papers["),
    "parameters with a refreshed manifest": (_parameters, "✗ cast papers and trackers: papers.json: papers[0].tracker"),
    "a duplicate key": (_duplicate_key, "results.json: count: the key \"count\" appears twice in one object"),
    "the count sheet": (_count, "✗ count: results.json: count: invalid: "),
}


@pytest.mark.parametrize("what", list(TAMPERINGS))
def test_both_verifiers_refuse_a_tampered_v3_record(what: str, v3_record: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    tamper, named = TAMPERINGS[what]
    record = copy(v3_record, tmp_path / "tampered")
    tamper(record)
    js = run_js(record)
    assert js.returncode == 1, js.stdout
    assert named in js.stdout, js.stdout
    code, out = run_py(record, capsys)
    assert code == 1, out


@pytest.mark.parametrize("kind", ["ranked", "marks"])
def test_both_verifiers_accept_an_honest_v4_record(kind: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    record = write_v4(tmp_path / kind, kind)
    js = run_js(record)
    assert js.returncode == 0, js.stdout + js.stderr
    assert "✓ voters' credentials: " in js.stdout
    assert ("✓ decrypted totals: " if kind == "marks" else "✓ mix 2 (mix-2) proof of shuffle: ") in js.stdout
    code, out = run_py(record, capsys)
    assert code == 0, out


@pytest.mark.parametrize("kind", ["ranked", "marks"])
def test_both_verifiers_refuse_a_second_paper_under_one_credential(kind: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    record = write_v4(tmp_path / kind, kind, twice=True)
    js = run_js(record)
    assert js.returncode == 1, js.stdout
    assert "papers.json: papers[1].credential: signs a second paper: paper 1 was cast under the same credential" \
        in js.stdout, js.stdout
    code, out = run_py(record, capsys)
    assert code == 1, out


def test_v4_tamperings_are_named(tmp_path: Path) -> None:
    honest = write_v4(tmp_path / "honest", "ranked")
    cases: list[tuple[Callable[[Path], None], str]] = [
        (lambda r: edit(r, "papers.json", lambda d: d["papers"][1]["signature"].__setitem__(
            "z", flip_hex(d["papers"][1]["signature"]["z"], 2))), "papers.json: papers[1].signature: "),
        (lambda r: edit(r, "papers.json", lambda d: d["papers"][2].__setitem__(
            "proof", flip_hex(d["papers"][2]["proof"], 70))), "papers.json: papers[2].tracker: "),
        (lambda r: edit(r, "credentials.json", lambda d: d["keys"].pop()),
         "parameters.json: credentials: is not the SHA-256 of credentials.json"),
    ]
    for n, (tamper, named) in enumerate(cases):
        record = copy(honest, tmp_path / f"t{n}")
        tamper(record)
        js = run_js(record)
        assert js.returncode == 1 and named in js.stdout, js.stdout
