"""The independent verifier: checks an election record (docs/record.md) from the record alone.

Each check has a name and a result; `verify_record` runs them all (a check whose inputs failed an earlier
check is reported as failed too, saying which) and `omov verify RECORD` prints them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omov.crypto import mixnet as mx
from omov.crypto import shuffle as sh
from omov.crypto.encoding import GROUP_NAME, u32, u64
from omov.crypto.errors import CryptoError
from omov.crypto.group import ORDER, Point, hash_to_scalar, length_prefixed
from omov.crypto.proofs import DOMAIN_DLEQ

FORMAT = "omov-election-record"
VERSION = 2  # 2: papers.json is a hash chain (docs/record.md §2.4, §8)
MAX_PAPERS_SHOWN = 5


# --------------------------------------------------------------------------------------------------------
# The chain of cast papers (docs/record.md, "papers.json"): the same construction as the platform's audit log
# and list of papers (omov.audit.chain), re-implemented here so that this library imports nothing but
# omov.count.

CHAIN_DOMAIN = b"omov-chain-v1\n"
GENESIS = "0" * 64


def papers_chain_name(election: str) -> str:
    """The name of a record's chain of cast papers; the verifier requires exactly this name."""
    return f"record:{election}:papers"


def link_hash(chain: str, previous: str, position: int, payload: bytes) -> str:
    """One chain entry's hash: SHA-256( "omov-chain-v1\\n" || UTF8(chain) || "\\n" || previous (64 hex digits)
    || "\\n" || position (decimal ASCII) || "\\n" || payload ), as lower-case hex (omov.audit.chain.link_hash)."""
    h = hashlib.sha256()
    h.update(CHAIN_DOMAIN)
    h.update(chain.encode("utf-8") + b"\n")
    h.update(previous.encode("ascii") + b"\n")
    h.update(str(position).encode("ascii") + b"\n")
    h.update(payload)
    return h.hexdigest()


def paper_link(chain: str, previous: str, position: int, tracker: str) -> str:
    """The entry hash of the cast paper at `position` (1-based): its payload is its tracker's 64 ASCII hex digits."""
    return link_hash(chain, previous, position, tracker.encode("ascii"))


# --------------------------------------------------------------------------------------------------------
# The ranking rules (docs/record.md, "Decrypted papers")


def classify(values: Sequence[int | None], candidates: int) -> tuple[str, list[int]]:
    """("valid", ranking) or ("invalid", []) for a paper's decrypted values (None: not a small value).

    Valid: every value in 0..C, a non-empty run of candidates (m = index + 1) at the front, then only 0s,
    no candidate twice. The ranking is the 0-based candidate indices in order.
    """
    fault = first_fault(values, candidates)
    if fault is not None:
        return "invalid", []
    return "valid", [v - 1 for v in values if v]


def first_fault(values: Sequence[int | None], candidates: int) -> int | None:
    """The 0-based position at which a paper first stops being a valid ranking, or None if it is valid."""
    seen: set[int] = set()
    blank = False
    for j, v in enumerate(values):
        if v is None or not 0 <= v <= candidates:
            return j
        if v == 0:
            if j == 0:
                return 0  # no first preference
            blank = True
            continue
        if blank or v in seen:
            return j
        seen.add(v)
    return None


def published_positions(values: Sequence[int | None], candidates: int) -> int:
    """How many leading positions of a paper are decrypted on the record: all of a valid paper's; of an
    invalid one, only up to and including its first fault."""
    fault = first_fault(values, candidates)
    return len(values) if fault is None else fault + 1


# --------------------------------------------------------------------------------------------------------
# Threshold keys and decryption shares (docs/record.md, "Trustees" and "Decryption")

DECRYPTION_DOMAIN = b"omov/record/v1/decryption"


def paper_context(paper: int) -> bytes:
    """The context under which trustees decrypt the (0-based) paper-th paper of the last mix's output."""
    return length_prefixed(DECRYPTION_DOMAIN, u64(paper))


def share_context(election: str, paper: int, position: int, trustee: int) -> bytes:
    """Context of one partial decryption's Chaum–Pedersen proof: omov.crypto.trustees.partial_decrypt's
    length_prefixed("omov/v1/partial-decryption", election, u32(trustee), paper_context(paper), u32(position))."""
    return length_prefixed(b"omov/v1/partial-decryption", election.encode("utf-8"), u32(trustee),
                           paper_context(paper), u32(position))


def lagrange_at_zero(present: Sequence[int]) -> dict[int, int]:
    """lambda_i = prod over j != i of j / (j - i), modulo L, for the present trustees' indices."""
    out = {}
    for i in present:
        num, den = 1, 1
        for j in present:
            if j != i:
                num = num * j % ORDER
                den = den * (j - i) % ORDER
        out[i] = num * pow(den, -1, ORDER) % ORDER
    return out


def value_table(candidates: int) -> dict[bytes, int]:
    """{encoding of m*G: m} for the values a valid position can hold (0..C)."""
    return {sh.base_mul(m): m for m in range(candidates + 1)}


def dleq_challenge(context: bytes, x: bytes, a: bytes, d: bytes, r1: bytes, r2: bytes) -> int:
    """The Chaum–Pedersen challenge of omov.crypto.proofs for log_G(X) = log_a(D) (docs/crypto.md)."""
    return hash_to_scalar(DOMAIN_DLEQ, GROUP_NAME, context, sh.G, x, a, d, r1, r2)


def dleq_holds(context: bytes, x: bytes, a: bytes, d: bytes, c: int, z: int) -> bool:
    """omov.crypto.proofs.verify_dleq(G, X, a, D, (c, z), context) on raw encodings (raises InvalidPoint)."""
    r1 = sh.sub(sh.base_mul(z), sh.mul(c, x))
    r2 = sh.sub(sh.mul(z, a), sh.mul(c, d))
    return dleq_challenge(context, x, a, d, r1, r2) == c


_ShareJob = tuple[str, int, list[bytes], list[list[list[list[str]]]], list[int], list[bytes], int, int]


def _check_shares_job(job: _ShareJob) -> tuple[list[list[int | None]], list[str]]:
    """Check a chunk of papers' decryption shares; returns each paper's published values and any faults."""
    election, start, papers, shares, present, public_shares, width, candidates = job
    table = value_table(candidates)
    weights = lagrange_at_zero(present)
    values: list[list[int | None]] = []
    faults: list[str] = []
    for offset, (paper, paper_shares) in enumerate(zip(papers, shares, strict=True)):
        index = start + offset
        vs: list[int | None] = []
        if not 1 <= len(paper_shares) <= width:
            faults.append(f"paper {index + 1}: {len(paper_shares)} positions decrypted (width {width})")
            values.append([])
            continue
        for position, position_shares in enumerate(paper_shares):
            a, b = paper[64 * position : 64 * position + 32], paper[64 * position + 32 : 64 * position + 64]
            if len(position_shares) != len(present):
                faults.append(f"paper {index + 1} position {position + 1}: {len(position_shares)} shares for "
                              f"{len(present)} present trustees")
                vs.append(None)
                continue
            combined = sh.IDENTITY
            for trustee, x_j, share in zip(present, public_shares, position_shares, strict=True):
                try:
                    d_hex, c_hex, z_hex = share
                    d = bytes.fromhex(d_hex)
                    ok = len(d) == 32 and dleq_holds(share_context(election, index, position, trustee), x_j, a, d,
                                                     sh.scalar_hex(c_hex), sh.scalar_hex(z_hex))
                    combined = sh.add(combined, sh.mul(weights[trustee], d))
                except (ValueError, TypeError, sh.InvalidPoint):
                    ok = False
                if not ok:
                    faults.append(f"paper {index + 1} position {position + 1}: trustee {trustee}'s share does not "
                                  "verify")
            vs.append(table.get(sh.sub(b, combined)))
        values.append(vs)
    return values, faults


# --------------------------------------------------------------------------------------------------------
# The checks


@dataclass(frozen=True)
class Check:
    """One named check of the record and its outcome."""

    name: str
    ok: bool
    detail: str = ""


class RecordError(CryptoError):
    """A record file is missing or malformed."""


class _Failed(Exception):
    """Raised inside a check to fail it with a message."""


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise _Failed(message)


def _hexbytes(value: Any, size: int | None, what: str) -> bytes:
    try:
        raw = bytes.fromhex(value)
    except (TypeError, ValueError):
        raise _Failed(f"{what} is not hex") from None
    if size is not None and len(raw) != size:
        raise _Failed(f"{what} is {len(raw)} bytes, not {size}")
    return raw


def _point(value: Any, what: str) -> Point:
    try:
        return Point.decode(_hexbytes(value, 32, what))
    except CryptoError:
        raise _Failed(f"{what} is not a valid ristretto255 point") from None


class Verifier:
    """Runs the checks of one record, keeping what each check established for the ones after it."""

    def __init__(self, root: Path | str, *, workers: int | None = None) -> None:
        self.root = Path(root)
        self.workers = workers
        self.checks: list[Check] = []
        self.failed: set[str] = set()
        self.files: dict[str, Any] = {}
        self.election = ""
        self.params: dict[str, Any] = {}
        self.public_key: Point | None = None
        self.public_shares: dict[int, Point] = {}
        self.threshold = 0
        self.papers: list[bytes] = []
        self.trackers: list[str] = []
        self.entry_hashes: list[str] = []
        self.final: list[bytes] = []
        self.values: list[list[int | None]] = []
        self.pool: sh.Workers | None = None
        self.fail_fast = False

    # -- plumbing
    def run(self, name: str, fn: Callable[[], str], *, after: Sequence[str] = ()) -> bool:
        if self.fail_fast and self.failed:
            return False
        blocked = [a for a in after if a in self.failed]
        if blocked:
            self.checks.append(Check(name, False, f"not checked: depends on {', '.join(blocked)}"))
            self.failed.add(name)
            return False
        try:
            detail = fn()
            self.checks.append(Check(name, True, detail))
            return True
        except _Failed as exc:
            self.checks.append(Check(name, False, str(exc)))
        except Exception as exc:  # noqa: BLE001 - a verifier reports a broken record, it never crashes on one
            self.checks.append(Check(name, False, f"malformed record: {type(exc).__name__}: {exc}"))
        self.failed.add(name)
        return False

    def file(self, name: str) -> Any:
        if name not in self.files:
            raise _Failed(f"{name} is not listed in the manifest")
        return self.files[name]

    # -- the checks, in order
    def check_manifest(self) -> str:
        path = self.root / "manifest.json"
        _need(path.is_file(), f"no manifest.json in {self.root}")
        manifest = json.loads(path.read_text(encoding="utf-8"))
        _need(manifest.get("format") == FORMAT, f"format is {manifest.get('format')!r}, expected {FORMAT!r}")
        _need(manifest.get("version") == VERSION, f"version {manifest.get('version')!r} is not {VERSION}")
        listed: dict[str, str] = manifest["files"]
        self.election = manifest["election"]
        required = {"parameters.json", "trustees.json", "papers.json", "decryption.json", "results.json"}
        missing = sorted(required - set(listed))
        problems = [f"the manifest does not list {', '.join(missing)}"] if missing else []
        # Files are loaded even when a digest is wrong, so that the later checks can say what else is broken.
        for name, digest in sorted(listed.items()):
            if ".." in name or name.startswith("/") or ("/" in name and not name.startswith("mixes/")):
                problems.append(f"unexpected file name {name!r}")
                continue
            fpath = self.root / name
            if not fpath.is_file():
                problems.append(f"{name} is listed but missing")
                continue
            data = fpath.read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                problems.append(f"{name} does not match its SHA-256 in the manifest")
            try:
                self.files[name] = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                problems.append(f"{name} is not JSON")
        _need(not problems, "; ".join(problems))
        return f"{len(listed)} files, SHA-256 digests match"

    def check_parameters(self) -> str:
        p = self.file("parameters.json")
        _need(p["election"] == self.election, "the election id differs from the manifest's")
        _need(p["group"] == "ristretto255", f"unknown group {p['group']!r}")
        _need(p["generator"] == sh.G.hex(), "the generator is not ristretto255's standard base point")
        _need(p["shuffle_proof"] == sh.DOMAIN.decode(), f"unknown shuffle proof {p['shuffle_proof']!r}")
        names = p["candidates"]
        _need(isinstance(names, list) and len(names) >= 2 and all(isinstance(n, str) for n in names),
              "candidates must be a list of at least two names")
        _need(len(set(names)) == len(names), "candidate names repeat")
        width = p["width"]
        _need(isinstance(width, int) and 1 <= width <= len(names), "the width must be 1..number of candidates")
        _need(isinstance(p["seats"], int) and 1 <= p["seats"] < len(names), "seats must be 1..candidates-1")
        _need(isinstance(p["mixers"], list) and len(p["mixers"]) >= 1, "there must be at least one mix server")
        mixes = sorted(n for n in self.files if n.startswith("mixes/"))
        expected = [f"mixes/mix-{i:02d}.json" for i in range(1, len(p["mixers"]) + 1)]
        _need(mixes == expected, f"the mix files are {mixes}, expected {expected}")
        from omov.count.rules import preset

        preset(p["rule"])
        self.params = p
        return f"{len(names)} candidates, {p['seats']} seats, width {width}, rule {p['rule']}, " \
               f"{len(p['mixers'])} mix servers"

    def check_trustees(self) -> str:
        from omov.crypto import trustees as tr

        t = self.file("trustees.json")
        n, k = t["trustees"], t["threshold"]
        _need(isinstance(n, int) and isinstance(k, int) and 1 <= k <= n, "need 1 <= threshold <= trustees")
        inits, combines = t["inits"], t["combines"]
        _need(len(inits) == n and len(combines) == n, f"{len(inits)} init and {len(combines)} combine files for "
              f"{n} trustees")
        for obj in inits:
            _need(obj.get("election") == self.election, "a trustee's init file is for another election")
            _need((obj.get("n"), obj.get("t")) == (n, k), "a trustee's init file has another n or threshold")
        try:
            pk = tr.check_ceremony(inits, combines)
        except CryptoError as exc:
            raise _Failed(f"the key ceremony does not check: {exc}") from None
        _need(pk.data.hex() == t["public_key"], "the election public key is not the sum of the trustees' commitments")
        _need(not pk.is_identity(), "the election public key is the identity")
        self.public_key, self.threshold = pk, k
        self.public_shares = {j: tr.verification_key(inits, j) for j in range(1, n + 1)}
        return f"{n} trustees, threshold {k}; commitments' and key shares' proofs verify; public key recomputed"

    def check_papers(self) -> str:
        width = self.params["width"]
        listing = self.file("papers.json")
        entries = listing["papers"]
        _need(len(entries) >= 2, "fewer than two papers")
        papers, trackers, bad = [], [], []
        for i, e in enumerate(entries):
            paper = _hexbytes(e["ciphertexts"], 64 * width, f"paper {i + 1}")
            if mx.tracker(paper) != e["tracker"]:
                bad.append(i + 1)
            papers.append(paper)
            trackers.append(e["tracker"])
        _need(not bad, f"tracker is not the SHA-256 of the paper for paper(s) {bad[:MAX_PAPERS_SHOWN]}")
        hashes = self.check_chain(listing, trackers)
        _need(len(set(papers)) == len(papers), "the same paper is on the record twice")
        halves = [p[64 * j : 64 * j + 32] for p in papers for j in range(width)]
        _need(len(set(halves)) == len(halves), "a ciphertext is reused (a copied or replayed encryption)")
        # Every point is validated by the first mix's proof check, which multiplies each one.
        self.papers, self.trackers, self.entry_hashes = papers, trackers, hashes
        return f"{len(papers)} papers, trackers match, chained 1..{len(papers)} up to the head " \
               f"{hashes[-1][:16]}…, no paper or ciphertext repeated"

    def check_chain(self, listing: dict[str, Any], trackers: Sequence[str]) -> list[str]:
        """The papers' hash chain (docs/record.md §2.4): positions 1..N in order, each entry's previous hash the
        entry before's hash (64 zeros for the first), each entry hash recomputed, the head the last entry.
        Fails naming the first broken paper; returns the entry hashes."""
        name = papers_chain_name(self.election)
        _need(listing.get("chain") == name, f"the chain is named {listing.get('chain')!r}, not {name!r}")
        previous, hashes = GENESIS, []
        for n, (e, tracker) in enumerate(zip(listing["papers"], trackers, strict=True), start=1):
            broken = f"paper {n} is not chained to paper {n - 1}" if n > 1 else "paper 1 does not start the chain"
            position = e["position"]
            _need(type(position) is int and position == n,
                  f"{broken}: its position is {position!r} (a paper was removed, inserted or moved)")
            _need(e["previous_hash"] == previous,
                  f"{broken}: its previous hash is not " + (f"paper {n - 1}'s entry hash" if n > 1 else "64 zeros"))
            _need(e["entry_hash"] == paper_link(name, previous, n, tracker),
                  f"paper {n}'s entry hash is not the hash of its chain entry (position, previous hash, tracker)")
            previous = e["entry_hash"]
            hashes.append(previous)
        head = listing["head"]
        _need(head.get("position") == len(hashes) and type(head.get("position")) is int,
              f"the head says position {head.get('position')!r}, but the list ends at paper {len(hashes)}")
        _need(head.get("hash") == previous, f"the head says hash {str(head.get('hash'))[:16]}…, but paper "
              f"{len(hashes)}'s entry hash is {previous[:16]}…")
        return hashes

    def check_mix(self, index: int) -> str:
        width = self.params["width"]
        m = self.file(f"mixes/mix-{index:02d}.json")
        _need(m["index"] == index, f"the file says it is mix {m['index']}")
        _need(m["mixer"] == self.params["mixers"][index - 1], "the mixer's name differs from parameters.json")
        outputs = [_hexbytes(p, 64 * width, f"output paper {i + 1}") for i, p in enumerate(m["outputs"])]
        proof = sh.ShuffleProof.from_json(m["proof"])
        inputs = self.papers if index == 1 else self.final
        assert self.public_key is not None
        reason = sh.check_shuffle(self.public_key.data, inputs, outputs, proof, width,
                                  mx.mix_context(self.election, index), pool=self.pool)
        _need(reason is None, f"the proof of shuffle fails: {reason}")
        self.final = outputs
        return f"{len(outputs)} papers shuffled and re-encrypted; proof of shuffle verifies"

    def check_decryption(self) -> str:
        d = self.file("decryption.json")
        p = self.params
        present = d["present"]
        n = self.file("trustees.json")["trustees"]
        _need(len(present) >= self.threshold, f"{len(present)} trustees decrypted; the threshold is {self.threshold}")
        _need(present == sorted(set(present)) and all(1 <= i <= n for i in present),
              "present trustees must be distinct indices 1..n in increasing order")
        shares = d["papers"]
        _need(len(shares) == len(self.final), f"{len(shares)} decrypted papers for {len(self.final)} mixed papers")
        pool = self.pool or sh.Workers(1)
        spans = pool.spans(len(self.final), 16)
        public = [self.public_shares[i].data for i in present]
        jobs: list[_ShareJob] = [
            (self.election, s, self.final[s:e], shares[s:e], present, public, p["width"], len(p["candidates"]))
            for s, e in spans
        ]
        values: list[list[int | None]] = []
        faults: list[str] = []
        for vs, fs in pool.map(_check_shares_job, jobs):
            values.extend(vs)
            faults.extend(fs)
        _need(not faults, f"{len(faults)} fault(s): {'; '.join(faults[:MAX_PAPERS_SHOWN])}")
        self.values = values
        count = sum(len(s) for s in shares) * len(present)
        return f"{count} decryption shares by trustees {present} verify (Chaum–Pedersen)"

    def check_results(self) -> str:
        c, width = len(self.params["candidates"]), self.params["width"]
        results = self.file("results.json")["papers"]
        _need(len(results) == len(self.values), f"{len(results)} results for {len(self.values)} papers")
        for i, (vs, r) in enumerate(zip(self.values, results, strict=True)):
            fault = first_fault(vs, c)
            if len(vs) < width:
                _need(fault == len(vs) - 1,
                      f"paper {i + 1}: {len(vs)} of {width} positions decrypted, but they do not show it invalid")
            else:
                _need(fault is None or fault == width - 1,
                      f"paper {i + 1}: positions decrypted beyond its first fault (position {(fault or 0) + 1})")
            status, ranking = classify(vs, c) if len(vs) == width else ("invalid", [])
            expected = {"status": "valid", "ranking": ranking} if status == "valid" else {"status": "invalid"}
            _need(r == expected, f"paper {i + 1}: the record says {r}, the decryption gives {expected}")
        invalid = sum(1 for r in results if r["status"] == "invalid")
        return f"{len(results)} papers: {len(results) - invalid} valid rankings, {invalid} invalid"

    def check_count(self) -> str:
        from omov.count import Profile, count
        from omov.count.sheet import to_dict

        p = self.params
        results = self.file("results.json")
        valid = [tuple(r["ranking"]) for r in results["papers"] if r["status"] == "valid"]
        profile = Profile.from_papers(p["candidates"], valid, seats=p["seats"], title=p["title"],
                                      invalid=len(results["papers"]) - len(valid))
        sheet = json.loads(json.dumps(to_dict(count(profile, p["rule"], seats=p["seats"], seed=p["count_seed"]))))
        stored = results["count"]
        _need(sheet["elected"] == stored.get("elected"),
              f"the recount elects {sheet['elected']}, the record says {stored.get('elected')}")
        _need(sheet == stored, "the recount's sheet differs from the record's count sheet")
        return f"recount under {p['rule']} elects {', '.join(str(e) for e in sheet['elected'])}"

    def verify(
        self, tracker: str | None = None, *, fail_fast: bool = False, lookup_only: bool = False, head: str | None = None
    ) -> list[Check]:
        """Run the checks in order. `fail_fast` stops at the first failure; `lookup_only` (for a voter's
        tracker lookup) runs only the checks of the cast papers and the tracker itself; `head`, the chain head
        published when voting closed (its entry hash, or "N:hash" with its position), adds a check that the
        record's list of papers ends there."""
        self.fail_fast = fail_fast
        with sh.Workers(1 if lookup_only else self.workers) as pool:
            self.pool = pool
            self._run_all(tracker, lookup_only)
            if head is not None:
                self.run("published head", lambda: self.check_head(head), after=["cast papers and trackers"])
        self.pool = None
        return self.checks

    def _run_all(self, tracker: str | None, lookup_only: bool) -> None:
        self.run("manifest and file digests", self.check_manifest)
        if not self.files and "manifest and file digests" in self.failed:
            return  # nothing could be read at all
        self.run("parameters", self.check_parameters)
        if not lookup_only:
            self.run("trustee keys", self.check_trustees, after=["parameters"])
        self.run("cast papers and trackers", self.check_papers, after=["parameters"])
        if not lookup_only:
            mixers = self.params.get("mixers", []) if "parameters" not in self.failed else []
            previous = "cast papers and trackers"
            for i, name in enumerate(mixers, start=1):
                check = f"mix {i} ({name}) proof of shuffle"
                self.run(check, lambda i=i: self.check_mix(i), after=["trustee keys", previous])  # type: ignore[misc]
                previous = check
            if not mixers and not (self.fail_fast and self.failed):
                self.checks.append(Check("mixes", False, "not checked: depends on parameters"))
                self.failed.add("mixes")
                previous = "mixes"
            self.run("decryption shares", self.check_decryption, after=[previous])
            self.run("decrypted papers", self.check_results, after=["decryption shares"])
            self.run("count", self.check_count, after=["parameters"])
        if tracker is not None:
            self.run("tracker", lambda: self.check_tracker(tracker), after=["cast papers and trackers"])

    def check_head(self, published: str) -> str:
        """The record's chain ends at the head published elsewhere (say, on the results page at the close): a
        paper appended after the close, with the head moved to it, is caught here and only here."""
        text = published.strip().lower()
        position, _, digest = text.rpartition(":")
        _need(len(digest) == 64 and all(ch in "0123456789abcdef" for ch in digest),
              f"the published head {published!r} is not a 64-digit hex hash (optionally preceded by 'position:')")
        n = len(self.entry_hashes)
        if position:
            _need(position.isdigit() and int(position) == n,
                  f"the published head is at position {position}, the record's list ends at paper {n}")
        if self.entry_hashes[-1] != digest:
            earlier = self.entry_hashes.index(digest) + 1 if digest in self.entry_hashes else 0
            _need(False, f"the record's head {self.entry_hashes[-1]} is not the published head {digest}"
                  + (f" (which is paper {earlier}'s entry: {n - earlier} paper(s) were added after it)"
                     if earlier else ""))
        return f"the list of papers ends at the published head: paper {n}, {digest}"

    def check_tracker(self, code: str) -> str:
        wanted = code.strip().lower()
        _need(wanted in self.trackers, f"tracker {wanted} not found on the record")
        i = self.trackers.index(wanted)
        return f"tracker {wanted} found: paper {i + 1} of {len(self.trackers)}; chain entry {i + 1}, entry hash " \
               f"{self.entry_hashes[i]} (head {self.entry_hashes[-1]})"


def verify_record(
    root: Path | str,
    *,
    tracker: str | None = None,
    workers: int | None = None,
    fail_fast: bool = False,
    lookup_only: bool = False,
    head: str | None = None,
) -> list[Check]:
    """Run the checks on the record in `root` (all of them unless `fail_fast` or `lookup_only`; plus the
    published-head check when `head` is given)."""
    return Verifier(root, workers=workers).verify(tracker, fail_fast=fail_fast, lookup_only=lookup_only, head=head)
