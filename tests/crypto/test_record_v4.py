"""Record version 4 (docs/record.md §9): the platform's writer, `omov verify` on both kinds, tampering, and the
CLIs a returning officer or a trustee runs (credentials generate, mix, trustee decrypt-record)."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from omov.cli import main as omov_main
from omov.crypto import record4 as r4
from omov.crypto.credentials import derive_credential, encrypt_ranked, signature_context, tracker_of
from omov.crypto.proofs import prove_dlog
from omov.crypto.record import Ceremony, DemoSettings, dump
from omov.crypto.verify import verify_record


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for kind in ("ranked", "marks"):
        parts, _ = r4.demo_parts(DemoSettings(papers=8, candidates=3, seats=1, trustees=3, threshold=2, mixers=1,
                                              seed=f"t4{kind}", workers=1), kind)
        out[kind] = r4.write_record(tmp_path_factory.mktemp(kind), **parts)
    return out


def failures(root: Path) -> dict[str, str]:
    return {c.name: c.detail for c in verify_record(root, workers=1) if not c.ok}


@pytest.mark.parametrize("kind", ["ranked", "marks"])
def test_both_kinds_verify(records: dict[str, Path], kind: str) -> None:
    checks = verify_record(records[kind], workers=1)
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    names = [c.name for c in checks]
    assert "voters' credentials" in names
    assert ("mix 1 (mix-1) proof of shuffle" in names) == (kind == "ranked")


def rewrite(root: Path, tmp: Path, name: str, change: Any) -> Path:
    copy = tmp / "copy"
    shutil.copytree(root, copy)
    value = json.loads((copy / name).read_text())
    change(value)
    (copy / name).write_bytes(dump(value))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["files"][name] = hashlib.sha256((copy / name).read_bytes()).hexdigest()
    (copy / "manifest.json").write_bytes(dump(manifest))
    return copy


def flip(hexstr: str, at: int) -> str:
    raw = bytearray(bytes.fromhex(hexstr))
    raw[at] ^= 1
    return raw.hex()


CASES = [
    ("credentials.json", lambda v: v["keys"].reverse(), "voters' credentials", "parameters.json's credentials"),
    ("papers.json", lambda v: v["papers"][1].update(credential=v["papers"][0]["credential"]),
     "cast papers and trackers", "papers[1].credential: already signed papers[0]"),
    ("papers.json", lambda v: v["papers"][0].update(credential="e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a6594"
                                                                "5e08d2d76"),
     "cast papers and trackers", "papers[0].credential: not in credentials.json"),
    ("papers.json", lambda v: v["papers"][2]["signature"].update(c=flip(v["papers"][2]["signature"]["c"], 0)),
     "cast papers and trackers", "papers[2].signature: does not verify"),
    ("papers.json", lambda v: v["papers"][3].update(proof=flip(v["papers"][3]["proof"], 0)),
     "cast papers and trackers", "papers[3].tracker"),
]


@pytest.mark.parametrize("kind", ["ranked", "marks"])
@pytest.mark.parametrize(("name", "change", "check", "message"), CASES)
def test_tampering_fails_the_right_check(records: dict[str, Path], tmp_path: Path, kind: str, name: str,
                                         change: Any, check: str, message: str) -> None:
    if kind == "marks" and message.endswith(".tracker"):
        change = lambda v: v["papers"][3].update(ciphertexts=flip(v["papers"][3]["ciphertexts"], -40))  # noqa: E731
    failed = failures(rewrite(records[kind], tmp_path, name, change))
    assert message in failed[check], failed


def test_marks_tally_and_totals_are_checked(records: dict[str, Path], tmp_path: Path) -> None:
    copy = rewrite(records["marks"], tmp_path, "results.json", lambda v: v["totals"].__setitem__(0, v["totals"][0] + 1))
    assert "results.json: totals[0]" in failures(copy)["decrypted totals"]
    shutil.rmtree(copy)
    copy = rewrite(records["marks"], tmp_path, "decryption.json",
                   lambda v: v["tally"][1][0].__setitem__(2, v["tally"][1][1][2]))
    assert "decryption.json: tally[1][0]: trustee 1's share does not verify" in failures(copy)["decryption shares"]


def test_a_signed_paper_with_a_bad_proof_is_named(tmp_path: Path) -> None:
    """A forger holding a credential re-signs a paper whose proof of randomness is broken: V4 names it."""
    rng = random.Random(3)
    election = "v4-forge"
    ceremony = Ceremony.run(election, 1, 1, rng)
    codes = [f"{i:025d}" for i in range(1, 4)]
    creds = [derive_credential(election, c) for c in codes]
    from omov.crypto.credentials import credentials_list

    listing = credentials_list(election, [c.public for c in creds])
    params = r4.ranked_parameters(election=election, title="t", public_key=ceremony.public_key,
                                  candidates=["A", "B"], seats=1, rule="scottish", count_seed="s", mixers=["m"],
                                  credentials=listing)
    fp = r4.fingerprint(params)
    casts = [encrypt_ranked(election=election, fingerprint=fp, public_key=ceremony.public_key, candidates=2,
                            ranking=[i % 2], code=c, rng=rng).cast for i, c in enumerate(codes)]
    bad = casts[1]
    bad["proof"] = flip(bad["proof"], 33)
    bad["tracker"] = tracker_of(fp, creds[1].public, bytes.fromhex(bad["paper"]), bytes.fromhex(bad["proof"]))
    bad["signature"] = prove_dlog(creds[1].secret, signature_context(election, fp, bad["tracker"])).to_json()
    entries = [{"tracker": c["tracker"], "credential": c["credential"], "ciphertexts": c["paper"],
                "proof": c["proof"], "signature": c["signature"]} for c in casts]
    papers = [bytes.fromhex(c["paper"]) for c in casts]
    mix = r4.run_mix(r4.mix_input(election=election, fingerprint=fp, index=1, public_key=ceremony.public_key,
                                  width=2, papers=papers), "m", rng=rng)["mix"]
    dinput = r4.decryption_input(election=election, fingerprint=fp, width=2,
                                 papers=[bytes.fromhex(p) for p in mix["outputs"]])
    partials = {1: r4.trustee_partials(ceremony.secrets[1], dinput, rng=rng)}
    decryption, values = r4.combine_ranked(dinput, partials, ceremony.inits, 2)
    root = r4.write_record(tmp_path / "rec", parameters=params, credentials=listing, papers=entries,
                           trustees=ceremony.to_json(), decryption=decryption,
                           results=r4.ranked_results(params, values), mixes=[mix])
    failed = failures(root)
    assert all(d.startswith("not checked") for n, d in failed.items() if n != "cast papers and trackers"), failed
    assert "papers[1].proof: the proof of randomness does not verify" in failed["cast papers and trackers"]


def test_credentials_generate(tmp_path: Path) -> None:
    assert omov_main(["credentials", "generate", "--election", "e1", "--count", "5", "--out", str(tmp_path)]) == 0
    codes = (tmp_path / "codes.csv").read_text().split()
    assert len(codes) == 5 and stat.S_IMODE((tmp_path / "codes.csv").stat().st_mode) == 0o600
    public = json.loads((tmp_path / "credentials.json").read_text())
    assert public == {"election": "e1", "keys": sorted(derive_credential("e1", c).public_hex for c in codes)}
    assert omov_main(["credentials", "generate", "--election", "e1", "--count", "5", "--out", str(tmp_path)]) == 2


def test_trustee_mix_and_decrypt_record_clis(records: dict[str, Path], tmp_path: Path) -> None:
    from omov.crypto.trustees import combine, init_trustee, make_shares

    rng = random.Random(9)
    election = "cli-e"
    started = [init_trustee(election, i, 2, 2, rng=rng) for i in (1, 2)]
    inits = [p for _, p in started]
    shares = [make_shares(s, inits, rng=rng) for s, _ in started]
    for s, _ in started:
        combine(s, inits, shares, rng=rng)
    from omov.crypto.trustees import joint_public_key

    pk = joint_public_key(inits)
    fp = bytes(32)
    papers = [bytes.fromhex(encrypt_ranked(election=election, fingerprint=fp, public_key=pk, candidates=2,
                                           ranking=[i % 2], code=f"{i + 1:05d}", rng=rng).cast["paper"])
              for i in range(3)]
    mix_in = r4.mix_input(election=election, fingerprint=fp, index=1, public_key=pk, width=2, papers=papers)
    (tmp_path / "in.json").write_bytes(dump(mix_in))
    assert omov_main(["mix", "--input", str(tmp_path / "in.json"), "--out", str(tmp_path / "mix.json"),
                      "--name", "trustee 1", "--workers", "1"]) == 0
    mixed = json.loads((tmp_path / "mix.json").read_text())
    assert r4.check_mix(mix_in, mixed)["mixer"] == "trustee 1"
    mixed["mix"]["outputs"].reverse()
    with pytest.raises(r4.CryptoError, match="proof of shuffle fails"):
        r4.check_mix(mix_in, mixed)
    dinput = r4.decryption_input(election=election, fingerprint=fp, width=2,
                                 papers=[bytes.fromhex(p) for p in json.loads(
                                     (tmp_path / "mix.json").read_text())["mix"]["outputs"]])
    (tmp_path / "d.json").write_bytes(dump(dinput))
    partials = {}
    for secret, _ in started:
        (tmp_path / "s.json").write_bytes(dump(secret.to_json()))
        out = tmp_path / f"p{secret.id}.json"
        assert omov_main(["trustee", "decrypt-record", "--secret", str(tmp_path / "s.json"), "--input",
                          str(tmp_path / "d.json"), "--out", str(out)]) == 0
        partials[secret.id] = json.loads(out.read_text())
    _, values = r4.combine_ranked(dinput, partials, inits, 2)
    assert sorted(v[0] for v in values) == [1, 1, 2]
    partials[2]["shares"][0][0][0] = partials[2]["shares"][0][1][0]
    with pytest.raises(r4.CryptoError, match="paper 1, position 1: trustee 2's proof does not verify"):
        r4.check_partials(dinput, partials[2], inits)


def test_rule_options_and_constraints_in_the_records_form() -> None:
    from omov.count import Constraint
    from omov.crypto.errors import CryptoError

    assert r4.rule_options({"ties": ("forwards", "lot"), "decimals": 3, "extra": {"rounding": "nearest"}}) == \
        {"decimals": 3, "extra": {"rounding": "nearest"}, "ties": ["forwards", "lot"]}
    for bad, item in [({"surplus": "all"}, "options.surplus"), ({"decimals": 2.5}, "options.decimals"),
                      ({"meek_omega": 0}, "options.meek_omega"), ({"extra": {"guard": 1}}, "options.extra.guard"),
                      ({"ties": "lot"}, "options.ties")]:
        with pytest.raises(CryptoError, match=item):
            r4.rule_options(bad)
    names = ["Ann", "Bob", "Cat"]
    cons = r4.constraints_json([Constraint("women", frozenset({"Cat", "Ann"}), 1), Constraint("men", frozenset({"Bob"}),
                                                                                             0, 1)], names)
    assert cons == [{"group": "women", "min": 1, "max": None, "members": [0, 2]},
                    {"group": "men", "min": 0, "max": 1, "members": [1]}]
    rule = r4.count_rule({"candidates": names, "rule": "wigm", "options": {"ties": ["forwards", "lot"]},
                          "constraints": cons})
    assert rule.ties == ("forwards", "lot") and rule.constraints[0] == Constraint("women", frozenset({"Ann", "Cat"}), 1)
    with pytest.raises(CryptoError, match=r"constraints\[0\]: 'Dan' is not a candidate"):
        r4.constraints_json([Constraint("x", frozenset({"Dan"}), 1)], names)
    with pytest.raises(CryptoError, match=r"constraints\[0\].members"):
        r4.constraints_json([{"group": "x", "min": 0, "max": None, "members": [3]}], names)
