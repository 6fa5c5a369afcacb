"""The election record: a directory of JSON files (format "omov-election-record", version 1).

docs/record.md specifies every file, field and byte encoding; omov.crypto.verify checks a record from the
record alone. This module writes records, and runs a whole simulated election for `omov record demo`:
trustee ceremony, encrypted ranked papers, mix-net, threshold decryption with proofs, an STV count.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omov.crypto import mixnet as mx
from omov.crypto import shuffle as sh
from omov.crypto.group import ORDER, Point, base_mul
from omov.crypto.proofs import DlogProof, prove_dlog
from omov.crypto.verify import (
    FORMAT,
    VERSION,
    ceremony_context,
    classify,
    dleq_challenge,
    lagrange_at_zero,
    public_share,
    published_positions,
    share_context,
    value_table,
)

RULE = "scottish"


def dump(obj: Any) -> bytes:
    """A record file's bytes: JSON, UTF-8, keys sorted, no insignificant whitespace, one final newline."""
    return (json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


def write_record(directory: Path | str, files: dict[str, Any], election: str) -> Path:
    """Write `files` (path -> JSON value) under `directory` and the manifest that lists their SHA-256."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    for name in sorted(files):
        data = dump(files[name])
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    manifest = {"format": FORMAT, "version": VERSION, "election": election, "files": digests}
    (root / "manifest.json").write_bytes(dump(manifest))
    return root


@dataclass
class DemoSettings:
    """What `omov record demo` simulates."""

    papers: int = 1000
    candidates: int = 8
    seats: int = 3
    trustees: int = 3
    threshold: int = 2
    mixers: int = 2
    seed: str | None = None
    invalid_every: int = 97  # every n-th paper is spoilt on purpose (0: none), to show how invalid papers look
    workers: int | None = None
    candidate_names: list[str] = field(default_factory=list)


def demo_rankings(rng: random.Random, n: int, candidates: int) -> list[list[int]]:
    """Rankings from a Plackett–Luce model with uneven candidate strengths; each voter ranks 1..C of them."""
    strengths = [rng.uniform(0.2, 3.0) for _ in range(candidates)]
    out = []
    for _ in range(n):
        length = rng.randint(1, candidates)
        remaining = list(range(candidates))
        ranking = []
        for _ in range(length):
            pick = rng.choices(remaining, weights=[strengths[c] for c in remaining])[0]
            remaining.remove(pick)
            ranking.append(pick)
        out.append(ranking)
    return out


def spoilt_values(rng: random.Random, candidates: int, width: int) -> list[int]:
    """Plaintext values of a paper that is not a valid ranking (a repeat, a gap, no first preference, junk)."""
    kind = rng.randrange(4)
    values = [rng.randrange(1, candidates + 1) for _ in range(width)]
    if kind == 0 and width >= 2:
        values[1] = values[0]  # the same candidate twice
    elif kind == 1 and width >= 3:
        values = [values[0], 0, values[2]] + [0] * (width - 3)  # a preference after a blank
    elif kind == 2:
        values = [0] * width  # no first preference
    else:
        values[0] = 1000 + rng.randrange(10**6)  # not a candidate at all
    return values


def run_demo(settings: DemoSettings) -> tuple[dict[str, Any], str]:
    """Simulate a whole election; returns (record files, election id)."""
    seed = settings.seed if settings.seed is not None else sh.sb(sh.random_scalar()).hex()[:16]
    rng = random.Random(f"omov-demo/{seed}")
    election = f"demo-{seed}"
    c, k = settings.candidates, settings.candidates
    names = settings.candidate_names or [f"Candidate {chr(65 + i)}" if i < 26 else f"Candidate {i + 1}"
                                         for i in range(c)]
    if not 1 <= settings.threshold <= settings.trustees:
        raise sh.ShuffleError("the threshold must be between 1 and the number of trustees")
    if settings.seats >= c:
        raise sh.ShuffleError("there must be more candidates than seats")
    if settings.papers < 2 or settings.mixers < 1:
        raise sh.ShuffleError("a demo needs at least two papers and one mix server")

    with sh.Workers(settings.workers) as pool:
        ceremony = Ceremony.run(election, settings.trustees, settings.threshold, rng)
        pk = ceremony.public_key
        rankings = demo_rankings(rng, settings.papers, c)
        values = [
            spoilt_values(rng, c, k) if settings.invalid_every and (i + 1) % settings.invalid_every == 0
            else mx.plaintexts(r, k)
            for i, r in enumerate(rankings)
        ]
        papers = encrypt_all(pk.data, values, rng, pool)
        mixers = [f"mix-{i}" for i in range(1, settings.mixers + 1)]
        mixes = mx.run_mixnet(pk, papers, k, election, mixers, rng=rng, pool=pool)
        final = list(mixes[-1].outputs)
        # One trustee is absent whenever the threshold allows it.
        present = list(range(1, settings.threshold + 1)) if settings.threshold < settings.trustees else \
            list(range(1, settings.trustees + 1))
        decryption = decrypt_papers(election, ceremony, present, final, k, c, rng, pool)

    results = results_of(decryption["values"], c)
    from omov.count import Profile, count
    from omov.count.sheet import to_dict

    valid = [r for r in results if r["status"] == "valid"]
    profile = Profile.from_papers(names, [tuple(r["ranking"]) for r in valid], seats=settings.seats,
                                  title=f"Demo election {seed}", invalid=len(results) - len(valid))
    sheet = to_dict(count(profile, RULE, seats=settings.seats, seed=seed))

    files: dict[str, Any] = {
        "parameters.json": {
            "election": election,
            "title": f"Demo election {seed}",
            "group": "ristretto255",
            "generator": sh.G.hex(),
            "candidates": names,
            "seats": settings.seats,
            "rule": RULE,
            "count_seed": seed,
            "width": k,
            "encoding": "position j holds m = (index of the candidate ranked j-th) + 1; m = 0: no preference",
            "mixers": mixers,
            "shuffle_proof": sh.DOMAIN.decode(),
        },
        "trustees.json": ceremony.to_json(),
        "papers.json": {"papers": [{"tracker": mx.tracker(p), "ciphertexts": p.hex()} for p in papers]},
        "decryption.json": {"present": present, "papers": decryption["shares"]},
        "results.json": {"papers": results, "count": json.loads(json.dumps(sheet))},
    }
    for mix in mixes:
        files[f"mixes/mix-{mix.index:02d}.json"] = {
            "index": mix.index,
            "mixer": mix.mixer,
            "outputs": [p.hex() for p in mix.outputs],
            "proof": mix.proof.to_json(),
        }
    return files, election


def results_of(values: Sequence[Sequence[int | None]], candidates: int) -> list[dict[str, Any]]:
    """The decrypted papers as published: a valid ranking (0-based candidate indices) or just "invalid"."""
    out: list[dict[str, Any]] = []
    for vs in values:
        status, ranking = classify(vs, candidates)
        out.append({"status": "valid", "ranking": ranking} if status == "valid" else {"status": "invalid"})
    return out


def _encrypt_job(job: tuple[bytes, list[list[int]], int]) -> list[bytes]:
    pk, values, seed = job
    rng = random.Random(seed)
    return [mx.encrypt_values(pk, v, rng) for v in values]


def encrypt_all(pk: bytes, values: list[list[int]], rng: random.Random, pool: sh.Workers) -> list[bytes]:
    """The voters' encryptions (each chunk with its own seeded generator, so a seed reproduces the record)."""
    out: list[bytes] = []
    jobs = [(pk, values[s:e], rng.getrandbits(128)) for s, e in pool.spans(len(values))]
    for chunk in pool.map(_encrypt_job, jobs):
        out.extend(chunk)
    return out


# --------------------------------------------------------------------------------------------------------
# Trustees: a Pedersen-style distributed key generation with Feldman commitments (simulated in one process),
# and threshold decryption shares with Chaum–Pedersen proofs.


@dataclass
class Ceremony:
    """The trustees' key ceremony: each trustee i deals a random polynomial f_i of degree K-1, publishes
    A_{i,k} = a_{i,k} G and a Schnorr proof for A_{i,0}; trustee j's secret share is x_j = sum_i f_i(j)."""

    election: str
    trustees: int
    threshold: int
    commitments: list[list[Point]]
    proofs: list[DlogProof]
    secret_shares: dict[int, int]  # never written to the record

    @classmethod
    def run(cls, election: str, trustees: int, threshold: int, rng: random.Random) -> Ceremony:
        polys = [[sh.random_scalar(rng) for _ in range(threshold)] for _ in range(trustees)]
        commitments = [[base_mul(a) for a in poly] for poly in polys]
        proofs = [prove_dlog(poly[0], ceremony_context(election, i), rng=rng) for i, poly in enumerate(polys, 1)]
        shares = {j: sum(_evaluate(poly, j) for poly in polys) % ORDER for j in range(1, trustees + 1)}
        return cls(election, trustees, threshold, commitments, proofs, shares)

    @property
    def public_key(self) -> Point:
        total = Point.identity()
        for coeffs in self.commitments:
            total = total + coeffs[0]
        return total

    def to_json(self) -> dict[str, Any]:
        return {
            "trustees": self.trustees,
            "threshold": self.threshold,
            "public_key": self.public_key.data.hex(),
            "commitments": [
                {
                    "trustee": i,
                    "coefficients": [a.data.hex() for a in coeffs],
                    "proof": proof.to_json(),
                    "public_share": public_share(self.commitments, i).data.hex(),
                }
                for i, (coeffs, proof) in enumerate(zip(self.commitments, self.proofs, strict=True), start=1)
            ],
        }


def _evaluate(poly: Sequence[int], x: int) -> int:
    acc = 0
    for a in reversed(poly):
        acc = (acc * x + a) % ORDER
    return acc


_DecryptJob = tuple[str, int, list[bytes], dict[int, int], int, int, int]


def _decrypt_job(job: _DecryptJob) -> tuple[list[list[int | None]], list[list[list[list[str]]]]]:
    election, start, papers, secrets_, width, candidates, seed = job
    rng = random.Random(seed)
    table = value_table(candidates)
    present = sorted(secrets_)
    public = {t: sh.base_mul(secrets_[t]) for t in present}
    weights = lagrange_at_zero(present)
    all_values, all_shares = [], []
    for offset, paper in enumerate(papers):
        index = start + offset
        pairs = sh.split_paper(paper, width)
        partials = [[sh.mul(secrets_[t], a) for t in present] for a, _ in pairs]
        values: list[int | None] = []
        for (_, b), ds in zip(pairs, partials, strict=True):
            combined = sh.point_sum([sh.mul(weights[t], d) for t, d in zip(present, ds, strict=True)])
            values.append(table.get(sh.sub(b, combined)))
        shown = published_positions(values, candidates)
        shares = []
        for position in range(shown):
            a = pairs[position][0]
            row = []
            for t, d in zip(present, partials[position], strict=True):
                # Chaum–Pedersen, exactly omov.crypto.proofs.prove_dleq(x_t, G, a, context) on raw encodings.
                w = sh.random_scalar(rng)
                c = dleq_challenge(share_context(election, index, position, t), public[t], a, d, sh.base_mul(w),
                                   sh.mul(w, a))
                z = (w + c * secrets_[t]) % ORDER
                row.append([d.hex(), sh.sb(c).hex(), sh.sb(z).hex()])
            shares.append(row)
        all_values.append(values[:shown])
        all_shares.append(shares)
    return all_values, all_shares


def decrypt_papers(
    election: str, ceremony: Ceremony, present: Sequence[int], papers: Sequence[bytes], width: int,
    candidates: int, rng: random.Random, pool: sh.Workers,
) -> dict[str, Any]:
    """The present trustees' decryption shares (with proofs) of each paper's published positions.

    Trustees decrypt a paper's positions in order and stop at the first position that makes it invalid, so
    an invalid paper shows no more than that (docs/record.md, "What the record reveals").
    """
    secrets_ = {t: ceremony.secret_shares[t] for t in present}
    jobs: list[_DecryptJob] = [
        (election, s, list(papers[s:e]), secrets_, width, candidates, rng.getrandbits(128))
        for s, e in pool.spans(len(papers), 16)
    ]
    values: list[list[int | None]] = []
    shares: list[Any] = []
    for vs, ss in pool.map(_decrypt_job, jobs):
        values.extend(vs)
        shares.extend(ss)
    return {"values": values, "shares": shares}
