"""The election record: a directory of JSON files (format "omov-election-record", version 2).

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
from omov.crypto import trustees as tr
from omov.crypto.group import Point, length_prefixed

# The writer's own constants and derivations (docs/record.md): the verifier (omov.crypto.verify) re-derives
# each of them from that page and imports nothing from here, nor this module from it.
FORMAT = "omov-election-record"
VERSION = 3  # 3: the parameters' fingerprint is bound into trackers and every proof (docs/record.md §8)
GENESIS = "0" * 64
DECRYPTION_DOMAIN = b"omov/record/v3/decryption"

RULE = "scottish"


def dump(obj: Any) -> bytes:
    """A record file's bytes: JSON, UTF-8, keys sorted, no insignificant whitespace, one final newline."""
    return (json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


def fingerprint_of(parameters: dict[str, Any]) -> bytes:
    """The election's fingerprint F: SHA-256 of parameters.json's canonical bytes (docs/record.md §2.2)."""
    return hashlib.sha256(dump(parameters)).digest()


def write_record(directory: Path | str, files: dict[str, Any], election: str) -> Path:
    """Write `files` (path -> JSON value) under `directory` and the manifest that lists their SHA-256 and the
    fingerprint of parameters.json."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    for name in sorted(files):
        data = dump(files[name])
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    manifest = {"format": FORMAT, "version": VERSION, "election": election, "files": digests,
                "fingerprint": digests["parameters.json"]}
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
        mixers = [f"mix-{i}" for i in range(1, settings.mixers + 1)]
        # The parameters are fixed, and their fingerprint published, before voting opens: every tracker and
        # every proof from here on is bound to it (docs/record.md §2.2).
        parameters = {
            "election": election,
            "title": f"Demo election {seed}",
            "group": "ristretto255",
            "generator": sh.G.hex(),
            "public_key": pk.data.hex(),
            "candidates": names,
            "seats": settings.seats,
            "rule": RULE,
            "count_seed": seed,
            "width": k,
            "encoding": "position j holds m = (index of the candidate ranked j-th) + 1; m = 0: no preference",
            "mixers": mixers,
            "shuffle_proof": sh.DOMAIN.decode(),
        }
        fingerprint = fingerprint_of(parameters)
        rankings = demo_rankings(rng, settings.papers, c)
        values = [
            spoilt_values(rng, c, k) if settings.invalid_every and (i + 1) % settings.invalid_every == 0
            else mx.plaintexts(r, k)
            for i, r in enumerate(rankings)
        ]
        papers = encrypt_all(pk.data, values, rng, pool)
        mixes = mx.run_mixnet(pk, papers, k, election, fingerprint, mixers, rng=rng, pool=pool)
        final = list(mixes[-1].outputs)
        # One trustee is absent whenever the threshold allows it.
        present = list(range(1, settings.threshold + 1)) if settings.threshold < settings.trustees else \
            list(range(1, settings.trustees + 1))
        decryption = decrypt_papers(fingerprint, ceremony, present, final, k, c, rng, pool)

    results = results_of(decryption["values"], c)
    files: dict[str, Any] = {
        "parameters.json": parameters,
        "trustees.json": ceremony.to_json(),
        "papers.json": papers_file(election, fingerprint, papers),
        "decryption.json": {"present": present, "papers": decryption["shares"]},
        "results.json": {"papers": results, "count": count_sheet(parameters, results)},
    }
    for mix in mixes:
        files[f"mixes/mix-{mix.index:02d}.json"] = {
            "index": mix.index,
            "mixer": mix.mixer,
            "outputs": [p.hex() for p in mix.outputs],
            "proof": mix.proof.to_json(),
        }
    return files, election


def count_sheet(parameters: dict[str, Any], results: Sequence[dict[str, Any]]) -> Any:
    """The count of the valid rankings under the parameters' rule, seats and seed, as record JSON."""
    from omov.count import Profile, count
    from omov.count.sheet import to_dict

    valid = [tuple(r["ranking"]) for r in results if r["status"] == "valid"]
    profile = Profile.from_papers(parameters["candidates"], valid, seats=parameters["seats"],
                                  title=parameters["title"], invalid=len(results) - len(valid))
    sheet = count(profile, parameters["rule"], seats=parameters["seats"], seed=parameters["count_seed"])
    return json.loads(json.dumps(to_dict(sheet)))


def chain_entry_hash(chain: str, previous: str, position: int, tracker: str) -> str:
    """A chain entry's hash (docs/record.md §2.4; the construction of omov.audit.chain)."""
    lines = ["omov-chain-v1", chain, previous, str(position), tracker]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def papers_file(election: str, fingerprint: bytes, papers: Sequence[bytes]) -> dict[str, Any]:
    """papers.json: the cast papers in the order cast, as a hash chain (docs/record.md §2.4).

    Entry n (1-based) carries its position, the previous entry's hash (64 zeros for the first), and its own
    entry hash over the chain name, that previous hash, n and the paper's tracker; the head is the last entry.
    """
    chain = f"record:{election}:papers"
    entries: list[dict[str, Any]] = []
    previous = GENESIS
    for position, paper in enumerate(papers, start=1):
        tracker = mx.tracker(paper, fingerprint)
        entry_hash = chain_entry_hash(chain, previous, position, tracker)
        entries.append({"position": position, "tracker": tracker, "ciphertexts": paper.hex(),
                        "previous_hash": previous, "entry_hash": entry_hash})
        previous = entry_hash
    return {"chain": chain, "papers": entries, "head": {"position": len(entries), "hash": previous}}


def results_of(values: Sequence[Sequence[int | None]], candidates: int) -> list[dict[str, Any]]:
    """The decrypted papers as published: a valid ranking (0-based candidate indices) or just "invalid"."""
    # An invalid paper's values stop at (and include) its fault, so the fault is found in what was decrypted.
    return [{"status": "invalid"} if ranking_fault(vs, candidates) is not None
            else {"status": "valid", "ranking": [v - 1 for v in vs if v]} for vs in values]  # type: ignore[operator]


def ranking_fault(values: Sequence[int | None], candidates: int) -> int | None:
    """The 0-based position where a paper's values stop being a ranking (docs/record.md §6.3), or None.

    A value is a candidate (1..C) or a blank (0); position 1 holds a candidate, a candidate follows only
    candidates, and none comes twice. None (not a small value) is a fault wherever it is."""
    for j, v in enumerate(values):
        before = values[:j]
        if v is None or not 0 <= v <= candidates or (v == 0 and j == 0) or (v and (0 in before or v in before)):
            return j
    return None


def fixed_spans(n: int, size: int = 50) -> list[tuple[int, int]]:
    """Chunks of a fixed size, so that a seeded demo writes the same record whatever the number of workers."""
    return [(i, min(n, i + size)) for i in range(0, n, size)]


def _encrypt_job(job: tuple[bytes, list[list[int]], int]) -> list[bytes]:
    pk, values, seed = job
    rng = random.Random(seed)
    return [mx.encrypt_values(pk, v, rng) for v in values]


def encrypt_all(pk: bytes, values: list[list[int]], rng: random.Random, pool: sh.Workers) -> list[bytes]:
    """The voters' encryptions (each chunk with its own seeded generator, so a seed reproduces the record)."""
    out: list[bytes] = []
    jobs = [(pk, values[s:e], rng.getrandbits(128)) for s, e in fixed_spans(len(values))]
    for chunk in pool.map(_encrypt_job, jobs):
        out.extend(chunk)
    return out


# --------------------------------------------------------------------------------------------------------
# Trustees: the key ceremony and partial decryptions of omov.crypto.trustees (joint-Feldman DKG; Chaum–Pedersen
# proofs), every trustee simulated in this process.


@dataclass
class Ceremony:
    """A finished key ceremony: the trustees' public files and (simulation only) their secrets."""

    election: str
    trustees: int
    threshold: int
    inits: list[dict[str, Any]]
    shares: list[dict[str, Any]]
    combines: list[dict[str, Any]]
    secrets: dict[int, tr.TrusteeSecret]  # never written to the record

    @classmethod
    def run(cls, election: str, trustees: int, threshold: int, rng: random.Random) -> Ceremony:
        """init, share and combine for every trustee (steps 1-3 of omov.crypto.trustees)."""
        started = [tr.init_trustee(election, i, trustees, threshold, rng=rng) for i in range(1, trustees + 1)]
        inits = [public for _, public in started]
        shares = [tr.make_shares(secret, inits, rng=rng) for secret, _ in started]
        combines = [tr.combine(secret, inits, shares, rng=rng) for secret, _ in started]
        return cls(election, trustees, threshold, inits, shares, combines, {s.id: s for s, _ in started})

    @property
    def public_key(self) -> Point:
        return tr.joint_public_key(self.inits)

    def to_json(self) -> dict[str, Any]:
        return {
            "trustees": self.trustees,
            "threshold": self.threshold,
            "public_key": self.public_key.data.hex(),
            "inits": self.inits,
            "shares": self.shares,
            "combines": self.combines,
        }


def decryption_context(fingerprint: bytes, index: int) -> bytes:
    """What trustees decrypt the (0-based) index-th paper of the last mix's output under (docs/record.md §4)."""
    return length_prefixed(DECRYPTION_DOMAIN, fingerprint, sh.u64(index))


_DecryptJob = tuple[bytes, int, list[bytes], dict[int, tr.TrusteeSecret], int, int, int]


def _decrypt_job(job: _DecryptJob) -> tuple[list[list[int | None]], list[list[list[list[str]]]]]:
    fingerprint, start, papers, secrets_, width, candidates, seed = job
    rng = random.Random(seed)
    table = {sh.base_mul(m): m for m in range(candidates + 1)}
    present = sorted(secrets_)
    weights = tr.lagrange_at_zero(present)
    all_values, all_shares = [], []
    for offset, paper in enumerate(papers):
        index = start + offset
        cts = mx.decode_paper(paper, width)
        # Find the values first (to know how many positions the record shows), then have each trustee
        # publish its partial decryptions of those positions with proofs.
        values: list[int | None] = []
        for ct in cts:
            combined = sh.point_sum([sh.mul(weights[t] * secrets_[t].share, ct.a.data)  # type: ignore[operator]
                                     for t in present])
            values.append(table.get(sh.sub(ct.b.data, combined)))
        fault = ranking_fault(values, candidates)
        shown = len(values) if fault is None else fault + 1  # an invalid paper: up to its first fault only
        context = decryption_context(fingerprint, index)
        partials = {t: tr.partial_decrypt(secrets_[t], cts[:shown], context, rng=rng) for t in present}
        shares = [
            [[partials[t][position][0].data.hex(), sh.sb(partials[t][position][1].c).hex(),
              sh.sb(partials[t][position][1].z).hex()] for t in present]
            for position in range(shown)
        ]
        all_values.append(values[:shown])
        all_shares.append(shares)
    return all_values, all_shares


def decrypt_papers(
    fingerprint: bytes, ceremony: Ceremony, present: Sequence[int], papers: Sequence[bytes], width: int,
    candidates: int, rng: random.Random, pool: sh.Workers,
) -> dict[str, Any]:
    """The present trustees' decryption shares (with proofs) of each paper's published positions.

    Trustees decrypt a paper's positions in order and stop at the first position that makes it invalid, so
    an invalid paper shows no more than that (docs/record.md, "What the record reveals").
    """
    secrets_ = {t: ceremony.secrets[t] for t in present}
    jobs: list[_DecryptJob] = [
        (fingerprint, s, list(papers[s:e]), secrets_, width, candidates, rng.getrandbits(128))
        for s, e in fixed_spans(len(papers))
    ]
    values: list[list[int | None]] = []
    shares: list[Any] = []
    for vs, ss in pool.map(_decrypt_job, jobs):
        values.extend(vs)
        shares.extend(ss)
    return {"values": values, "shares": shares}
