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

from omov.crypto import verify_papers as vp
from omov.crypto import verify_shuffle as vs
from omov.crypto.errors import CryptoError
from omov.crypto.verify_json import (
    ANY,
    HEX,
    HEX32,
    INTEGER,
    STRING,
    Kind,
    RecordJsonError,
    check_schema,
    constant,
    read_canonical,
)
from omov.crypto.verify_shuffle import L as ORDER
from omov.crypto.verify_shuffle import fields, n64

FORMAT = "omov-election-record"
VERSION = 4  # the newest: 4, the platform's record with credentials, signed papers, mark ballots (record.md §9)
VERSIONS = (3, 4)  # 3: the parameters' fingerprint is bound into trackers and every proof (record.md §8)
MAX_PAPERS_SHOWN = 5


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


# --------------------------------------------------------------------------------------------------------
# The chain of cast papers (docs/record.md, "papers.json"): the same construction as the platform's audit log
# and list of papers (omov.audit.chain), re-implemented here from docs/record.md §2.4.

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


def paper_tracker(fingerprint: bytes, paper: bytes) -> str:
    """A cast paper's tracker (docs/record.md §2.4): SHA-256(length_prefixed("omov/record/v3/tracker", F, paper))."""
    return hashlib.sha256(fields(b"omov/record/v3/tracker", fingerprint, paper)).hexdigest()


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

def mix_context(election: str, fingerprint: bytes, index: int) -> bytes:
    """The context of mix server `index`'s proof of shuffle (docs/record.md §4)."""
    return fields(b"omov/mix/v2", election.encode("utf-8"), fingerprint, n64(index))


def paper_context(fingerprint: bytes, paper: int) -> bytes:
    """The context under which trustees decrypt the (0-based) paper-th paper of the last mix's output."""
    return fields(b"omov/record/v3/decryption", fingerprint, n64(paper))


def share_context(election: str, fingerprint: bytes, paper: int, position: int, trustee: int) -> bytes:
    """Context of one partial decryption's Chaum–Pedersen proof (docs/record.md §4): length_prefixed(
    "omov/v1/partial-decryption", election, u32(trustee), paper_context(F, paper), u32(position))."""
    return fields(b"omov/v1/partial-decryption", election.encode("utf-8"), u32(trustee),
                  paper_context(fingerprint, paper), u32(position))


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
    return {vs.times_g(m): m for m in range(candidates + 1)}


def dleq_challenge(context: bytes, x: bytes, a: bytes, d: bytes, r1: bytes, r2: bytes) -> int:
    """The Chaum–Pedersen challenge for log_G(X) = log_a(D) (docs/crypto.md §4.2, docs/record.md §6.1)."""
    return vs.to_scalar(b"omov/v1/proof/dleq", b"ristretto255", context, vs.G, x, a, d, r1, r2)


def dleq_holds(context: bytes, x: bytes, a: bytes, d: bytes, c: int, z: int) -> bool:
    """R1 = z·G − c·X, R2 = z·a − c·D and c = the challenge over them (raises NotAPoint)."""
    r1 = vs.minus(vs.times_g(z), vs.times(c, x))
    r2 = vs.minus(vs.times(z, a), vs.times(c, d))
    return dleq_challenge(context, x, a, d, r1, r2) == c


def scalar_of(text: str) -> int:
    """A scalar from its 64 hex digits (32 bytes little-endian), which must be canonical (< L)."""
    k = int.from_bytes(bytes.fromhex(text), "little")
    if len(text) != 64 or k >= ORDER:
        raise ValueError("not a canonical scalar")
    return k


_ShareJob = tuple[str, bytes, int, list[bytes], list[list[list[list[str]]]], list[int], list[bytes], int, int]


def _check_shares_job(job: _ShareJob) -> tuple[list[list[int | None]], list[str]]:
    """Check a chunk of papers' decryption shares; returns each paper's published values and any faults."""
    election, fingerprint, start, papers, shares, present, public_shares, width, candidates = job
    table = value_table(candidates)
    weights = lagrange_at_zero(present)
    values: list[list[int | None]] = []
    faults: list[str] = []
    for offset, (paper, paper_shares) in enumerate(zip(papers, shares, strict=True)):
        index = start + offset
        shown: list[int | None] = []
        if not 1 <= len(paper_shares) <= width:
            faults.append(f"paper {index + 1}: {len(paper_shares)} positions decrypted (width {width})")
            values.append([])
            continue
        for position, position_shares in enumerate(paper_shares):
            a, b = paper[64 * position : 64 * position + 32], paper[64 * position + 32 : 64 * position + 64]
            if len(position_shares) != len(present):
                faults.append(f"paper {index + 1} position {position + 1}: {len(position_shares)} shares for "
                              f"{len(present)} present trustees")
                shown.append(None)
                continue
            combined = vs.ZERO
            for trustee, x_j, share in zip(present, public_shares, position_shares, strict=True):
                try:
                    d_hex, c_hex, z_hex = share
                    d = bytes.fromhex(d_hex)
                    context = share_context(election, fingerprint, index, position, trustee)
                    ok = len(d) == 32 and dleq_holds(context, x_j, a, d, scalar_of(c_hex), scalar_of(z_hex))
                    combined = vs.plus(combined, vs.times(weights[trustee], d))
                except (ValueError, TypeError, vs.NotAPoint):
                    ok = False
                if not ok:
                    faults.append(f"paper {index + 1} position {position + 1}: trustee {trustee}'s share does not "
                                  "verify")
            try:
                shown.append(table.get(vs.minus(b, combined)))
            except vs.NotAPoint:
                shown.append(None)
        values.append(shown)
    return values, faults


_PaperJob = tuple[str, str, bytes, bytes, Any, int, int, list[dict[str, Any]]]


def _check_papers_job(job: _PaperJob) -> list[str]:
    """Version 4 (record.md §9): each paper's tracker, signature and proof (ranked: of randomness; marks: the mark
    paper's proofs with binding F || S); returns the faults, naming each paper."""
    kind, election, fingerprint, pk, question, width, start, entries = job
    faults: list[str] = []
    for offset, e in enumerate(entries):
        where = f"papers[{start + offset}]"
        credential, paper, proof = (bytes.fromhex(e[k]) for k in ("credential", "ciphertexts", "proof"))
        try:
            if vp.tracker_v4(fingerprint, credential, paper, proof) != e["tracker"]:
                faults.append(f"{where}.tracker: not the hash of F, the credential, the paper and its proof")
                continue
            c, z = vp.scalar(bytes.fromhex(e["signature"]["c"])), vp.scalar(bytes.fromhex(e["signature"]["z"]))
            if not vp.signature_holds(election, fingerprint, e["tracker"], credential, c, z):
                faults.append(f"{where}.signature: does not verify under its credential")
                continue
            if kind == "ranked":
                if not vp.randomness_holds(election, fingerprint, credential, pk, paper, proof, width):
                    faults.append(f"{where}.proof: the proof of randomness does not verify")
            else:
                fault = vp.mark_paper_fault(election, pk, question, paper, fingerprint + credential)
                if fault:
                    faults.append(f"{where}.ciphertexts: not a valid mark paper: {fault}")
        except ValueError as exc:  # a non-canonical scalar, or a point that does not decode (NotAPoint)
            faults.append(f"{where}: {exc}")
    return faults


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


def _hexbytes(value: str, size: int | None, what: str) -> bytes:
    raw = bytes.fromhex(value)  # the schema has checked it is lowercase hex
    if size is not None and len(raw) != size:
        raise _Failed(f"{what} is {len(raw)} bytes, not {size}")
    return raw


def _point(value: str, what: str) -> bytes:
    raw = _hexbytes(value, 32, what)
    _need(vs.valid(raw), f"{what} is not a valid ristretto255 point")
    return raw


def decode_shuffle_proof(proof: dict[str, Any], name: str) -> dict[str, Any]:
    """A mix file's proof with points as bytes and scalars as ints; refuses a non-canonical scalar (>= L)."""
    out: dict[str, Any] = {}
    for key, value in proof.items():
        if key in ("s1", "s2", "s3", "challenge"):
            out[key] = _scalar(value, f"{name}: proof.{key}")
        elif key in ("s4", "s_hat", "s_prime"):
            out[key] = [_scalar(x, f"{name}: proof.{key}[{i}]") for i, x in enumerate(value)]
        elif key == "t4":
            out[key] = [(bytes.fromhex(a), bytes.fromhex(b)) for a, b in value]
        elif isinstance(value, list):
            out[key] = [bytes.fromhex(x) for x in value]
        else:
            out[key] = bytes.fromhex(value)
    return out


def _scalar(text: str, what: str) -> int:
    try:
        return scalar_of(text)
    except ValueError:
        raise _Failed(f"{what} is not a canonical scalar (it must be below the group order)") from None


# Each file's shape (docs/record.md §2): exact keys, JSON types; checked by V1 before any item is used.
_PROOF = {"c": HEX32, "z": HEX32}
SCHEMAS: dict[str, Any] = {
    "manifest.json": {"format": STRING, "version": INTEGER, "election": STRING, "fingerprint": HEX32,
                      "files": ANY},
    "parameters.json": {
        "election": STRING, "title": STRING, "group": STRING, "generator": HEX32, "public_key": HEX32,
        "candidates": [STRING], "seats": INTEGER, "rule": STRING, "count_seed": STRING, "width": INTEGER,
        "encoding": STRING, "mixers": [STRING], "shuffle_proof": STRING,
    },
    "trustees.json": {
        "trustees": INTEGER, "threshold": INTEGER, "public_key": HEX32,
        "inits": [{"type": constant("omov/trustee-init/v1"), "election": STRING, "id": INTEGER, "n": INTEGER,
                   "t": INTEGER, "commitments": [HEX32], "commitment_proof": _PROOF, "transport_key": HEX32,
                   "transport_proof": _PROOF}],
        "shares": [{"type": constant("omov/trustee-shares/v1"), "election": STRING, "from": INTEGER,
                    "shares": [{"to": INTEGER, "ephemeral": HEX32, "box": HEX}]}],
        "combines": [{"type": constant("omov/trustee-combine/v1"), "election": STRING, "id": INTEGER,
                      "public_key": HEX32, "verification_key": HEX32, "proof": _PROOF, "inputs": [HEX32]}],
    },
    "papers.json": {
        "chain": STRING,
        "papers": [{"position": INTEGER, "tracker": HEX32, "ciphertexts": HEX, "previous_hash": HEX32,
                    "entry_hash": HEX32}],
        "head": {"position": INTEGER, "hash": HEX32},
    },
    "mixes/": {
        "index": INTEGER, "mixer": STRING, "outputs": [HEX],
        "proof": {"commitments": [HEX32], "chain": [HEX32], "t1": HEX32, "t2": HEX32, "t3": HEX32,
                  "t4": [[HEX32, HEX32]], "t_hat": [HEX32], "s1": HEX32, "s2": HEX32, "s3": HEX32, "s4": [HEX32],
                  "s_hat": [HEX32], "s_prime": [HEX32], "challenge": HEX32},
    },
    "decryption.json": {"present": [INTEGER], "papers": [[[[HEX32, HEX32, HEX32]]]]},
    "credentials.json": {"election": STRING, "keys": [HEX32]},
    "results.json": {
        "papers": [({"status": constant("valid"), "ranking": [INTEGER]}, {"status": constant("invalid")})],
        "count": ANY,  # compared byte for byte with the recount's canonical JSON (V9)
    },
}


_QUESTION = {"question_id": STRING, "kind": STRING, "options": INTEGER, "min_marks": INTEGER, "max_marks": INTEGER}
_INTEGER_OR_NULL = Kind("integer or null", lambda v: None if v is None or (type(v) is int and v >= 0)
                        else "must be a non-negative integer or null")
_OBJECT = Kind("object", lambda v: None if type(v) is dict else "must be an object")
# Balance rules (record.md §9): checked item by item in V2.
_CONSTRAINT = {"group": STRING, "min": INTEGER, "max": _INTEGER_OR_NULL, "members": [INTEGER]}
_PARAMETERS_V4 = {**SCHEMAS["parameters.json"], "kind": constant("ranked"), "credentials": HEX32,
                  "options": _OBJECT, "constraints": [_CONSTRAINT]}

# The count rule's options a version-4 record may change (record.md §9), with their JSON types; any other name is
# refused by V2, so that the recount depends on nothing the record does not say.
_RULE_OPTIONS = {
    "quota": "string", "decimals": "integer or null", "ties": "array of strings", "batch_exclusion": "boolean",
    "max_marks": "integer or null", "allow_equal_rankings": "boolean", "meek_omega": "string",
    "meek_precision": "integer", "extra": "object",
}
_RULE_EXTRA = {"rounding": "string", "empty_papers": "string", "meek_arithmetic": "string", "meek_guard": "integer",
               "meek_batch_defeat": "string"}


def _of_type(value: Any, kind: str) -> bool:
    return {
        "string": lambda: type(value) is str,
        "integer": lambda: type(value) is int and value >= 0,
        "integer or null": lambda: value is None or (type(value) is int and value >= 0),
        "boolean": lambda: type(value) is bool,
        "array of strings": lambda: type(value) is list and all(type(v) is str for v in value),
        "object": lambda: type(value) is dict,
    }[kind]()
# Version 4 (docs/record.md §9): what changes, by kind of record.
SCHEMAS_V4: dict[str, dict[str, Any]] = {
    "ranked": {
        "parameters.json": (_PARAMETERS_V4, {**_PARAMETERS_V4, "kind": constant("marks"), "question": _QUESTION}),
        "papers.json": {
            "chain": STRING,
            "papers": [{"position": INTEGER, "tracker": HEX32, "credential": HEX32, "ciphertexts": HEX, "proof": HEX,
                        "signature": _PROOF, "previous_hash": HEX32, "entry_hash": HEX32}],
            "head": {"position": INTEGER, "hash": HEX32},
        },
        "results.json": {**SCHEMAS["results.json"], "withdrawn": [INTEGER]},
    },
    "marks": {
        "decryption.json": {"present": [INTEGER], "tally": [[[HEX32, HEX32, HEX32]]]},
        "results.json": {"papers": INTEGER, "totals": [INTEGER], "withdrawn": [INTEGER], "count": ANY},
    },
}


def schema_for(name: str, version: int = 3, kind: str = "ranked") -> Any:
    """The shape of a record file (docs/record.md §2, and §9 for version 4 of either kind)."""
    key = "mixes/" if name.startswith("mixes/") else name
    if version >= 4:
        for part in ("marks", "ranked") if kind == "marks" else ("ranked",):
            if key in SCHEMAS_V4[part]:
                return SCHEMAS_V4[part][key]
    return SCHEMAS[key]


def canonical_bytes(value: Any) -> bytes:
    """A JSON value's canonical bytes (docs/record.md §2), to compare values without Python's True == 1."""
    return (json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            + "\n").encode("utf-8")


class Verifier:
    """Runs the checks of one record, keeping what each check established for the ones after it."""

    def __init__(self, root: Path | str, *, workers: int | None = None) -> None:
        self.root = Path(root)
        self.workers = workers
        self.checks: list[Check] = []
        self.failed: set[str] = set()
        self.files: dict[str, Any] = {}
        self.refused: dict[str, str] = {}
        self.election = ""
        self.fingerprint = b""
        self.params: dict[str, Any] = {}
        self.public_key = b""
        self.public_shares: dict[int, bytes] = {}
        self.threshold = 0
        self.papers: list[bytes] = []
        self.trackers: list[str] = []
        self.entry_hashes: list[str] = []
        self.final: list[bytes] = []
        self.values: list[list[int | None]] = []
        self.version = VERSION
        self.kind = "ranked"
        self.credentials: set[str] = set()
        self.pool: vs.Pool | None = None
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
        if name in self.refused:
            raise _Failed(f"not checked: {self.refused[name]}")
        if name not in self.files:
            raise _Failed(f"{name} is not listed in the manifest")
        return self.files[name]

    def read(self, name: str, data: bytes) -> str | None:
        """V1's reading of one file: canonical JSON of the file's shape, or the problem (file and item named)."""
        try:
            value = read_canonical(data, name)
            check_schema(value, schema_for(name, self.version, self.kind), name)
        except RecordJsonError as exc:
            self.refused[name] = str(exc)
            return str(exc)
        self.files[name] = value
        return None

    # -- the checks, in order
    def check_manifest(self) -> str:
        """V1 (docs/record.md §3)."""
        path = self.root / "manifest.json"
        _need(path.is_file(), f"no manifest.json in {self.root}")
        try:
            manifest = read_canonical(path.read_bytes(), "manifest.json")
        except RecordJsonError as exc:
            raise _Failed(str(exc)) from None
        _need(type(manifest) is dict, "manifest.json: the document must be an object")
        _need(manifest.get("format") == FORMAT, f"format is {manifest.get('format')!r}, expected {FORMAT!r}")
        _need(manifest.get("version") in VERSIONS and type(manifest.get("version")) is int,
              f"version {json.dumps(manifest.get('version'))} is not " + " or ".join(map(str, VERSIONS)))
        self.version = manifest["version"]
        try:
            check_schema(manifest, SCHEMAS["manifest.json"], "manifest.json")
            check_schema(manifest["files"], {name: HEX32 for name in manifest["files"]}
                         if type(manifest["files"]) is dict else {}, "manifest.json", "files")
        except RecordJsonError as exc:
            raise _Failed(str(exc)) from None
        listed: dict[str, str] = manifest["files"]
        self.election = manifest["election"]
        required = {"parameters.json", "trustees.json", "papers.json", "decryption.json", "results.json"}
        if self.version >= 4:
            required.add("credentials.json")
        missing = sorted(required - set(listed))
        problems = [f"the manifest does not list {', '.join(missing)}"] if missing else []
        # Files are loaded even when a digest is wrong, so that the later checks can say what else is broken.
        # parameters.json first: in version 4 its kind decides the shape of the others.
        for name, digest in sorted(listed.items(), key=lambda item: (item[0] != "parameters.json", item[0])):
            if name not in required and not (name.startswith("mixes/mix-") and name.endswith(".json")
                                             and "/" not in name[6:] and ".." not in name):
                problems.append(f"unexpected file name {name!r}")
                continue
            fpath = self.root / name
            if not fpath.is_file():
                problems.append(f"{name} is listed but missing")
                continue
            data = fpath.read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                problems.append(f"{name} does not match its SHA-256 in the manifest")
            if name == "parameters.json":
                # The election's fingerprint F: every tracker and proof after the parameters is bound to it.
                self.fingerprint = hashlib.sha256(data).digest()
                if manifest["fingerprint"] != self.fingerprint.hex():
                    problems.append("manifest.json: fingerprint is not the SHA-256 of parameters.json")
            problem = self.read(name, data)
            if name == "parameters.json" and self.version >= 4 and not problem:
                self.kind = self.files[name]["kind"]
            if problem:
                problems.append(problem)
        _need(not problems, "; ".join(problems))
        return f"{len(listed)} files, canonical JSON, SHA-256 digests match; fingerprint {self.fingerprint.hex()}"

    def check_parameters(self) -> str:
        """V2."""
        p = self.file("parameters.json")
        where = "parameters.json: "
        _need(p["election"] == self.election, f"{where}election differs from the manifest's")
        _need(p["group"] == "ristretto255", f"{where}group: unknown group {p['group']!r}")
        _need(p["generator"] == vs.G.hex(), f"{where}generator is not ristretto255's standard base point")
        _need(p["shuffle_proof"] == "omov/shuffle/v1", f"{where}shuffle_proof: unknown {p['shuffle_proof']!r}")
        names = p["candidates"]
        _need(len(names) >= 2, f"{where}candidates: there must be at least two")
        _need(len(set(names)) == len(names), f"{where}candidates: names repeat")
        width = p["width"]
        _need(1 <= width <= len(names), f"{where}width must be 1..{len(names)} (the number of candidates)")
        _need(1 <= p["seats"] < len(names), f"{where}seats must be 1..{len(names) - 1}")
        if self.kind == "marks":
            q = p["question"]
            _need(q["options"] == width == len(names), f"{where}question.options must equal width and the number "
                  "of candidates")
            _need(q["kind"] in ("yes_no", "bloc", "approval"), f"{where}question.kind: unknown kind {q['kind']!r}")
            _need(q["min_marks"] <= q["max_marks"] <= q["options"],
                  f"{where}question: need min_marks <= max_marks <= options")
            _need(not p["mixers"], f"{where}mixers: a marks record has no mix servers")
        else:
            _need(len(p["mixers"]) >= 1, f"{where}mixers: there must be at least one mix server")
        pk = _point(p["public_key"], f"{where}public_key")
        _need(pk != vs.ZERO, f"{where}public_key is the identity")
        mixes = sorted(n for n in [*self.files, *self.refused] if n.startswith("mixes/"))
        expected = [f"mixes/mix-{i:02d}.json" for i in range(1, len(p["mixers"]) + 1)]
        _need(mixes == expected, f"the mix files are {mixes}, expected {expected} (one per entry of "
              "parameters.json's mixers)")
        from omov.count.rules import preset

        try:
            preset(p["rule"])
        except Exception as exc:  # noqa: BLE001 - whatever the counter says, the rule is not one it knows
            raise _Failed(f"{where}rule: {exc}") from None
        if self.version >= 4:
            self._check_rule_options(p)
            self._check_constraints(p)
        self.params = p
        if self.version >= 4:
            extras = ""
            if p["options"]:
                extras += f" with options {json.dumps(p['options'], sort_keys=True)}"
            if p["constraints"]:
                extras += " and constraints " + "; ".join(
                    f"{c['group']} at least {c['min']}" + (f" at most {c['max']}" if c["max"] is not None else "")
                    for c in p["constraints"])
            return f"{self.kind} ballot, {len(names)} candidates, {p['seats']} seats, rule {p['rule']}{extras}, " \
                   f"{len(p['mixers'])} mix servers"
        return f"{len(names)} candidates, {p['seats']} seats, width {width}, rule {p['rule']}, " \
               f"{len(p['mixers'])} mix servers"

    @staticmethod
    def _check_rule_options(p: dict[str, Any]) -> None:
        """V2 (record.md §9): every option name known, of its type, and the rule with them a rule the counter takes."""
        from omov.count.rules import preset

        for name, value in p["options"].items():
            _need(name in _RULE_OPTIONS, f"parameters.json: options.{name}: not a rule option a record may change "
                  f"(known: {', '.join(_RULE_OPTIONS)})")
            kind = _RULE_OPTIONS[name]
            _need(_of_type(value, kind), f"parameters.json: options.{name}: must be {kind}")
            if name == "extra":
                for key, item in value.items():
                    _need(key in _RULE_EXTRA, f"parameters.json: options.extra.{key}: not a rule option a record "
                          f"may change (known: {', '.join(_RULE_EXTRA)})")
                    _need(_of_type(item, _RULE_EXTRA[key]),
                          f"parameters.json: options.extra.{key}: must be {_RULE_EXTRA[key]}")
        changes = {k: tuple(v) if k == "ties" else v for k, v in p["options"].items()}
        try:
            preset(p["rule"]).with_(**changes)
        except Exception as exc:  # noqa: BLE001 - whatever the counter says
            raise _Failed(f"parameters.json: options: the rule {p['rule']} does not take them: {exc}") from None

    @staticmethod
    def _check_constraints(p: dict[str, Any]) -> None:
        """V2 (record.md §9): each balance rule names a group, 0 <= min <= max (or max null), min <= seats, and
        its members are strictly increasing candidate indices, at least min of them."""
        c, seats = len(p["candidates"]), p["seats"]
        for n, con in enumerate(p["constraints"]):
            where = f"parameters.json: constraints[{n}]"
            _need(con["group"] != "", f"{where}.group: must not be empty")
            members = con["members"]
            _need(all(0 <= i < c for i in members), f"{where}.members: must be candidate indices 0..{c - 1}")
            _need(all(a < b for a, b in zip(members, members[1:], strict=False)),
                  f"{where}.members: must be strictly increasing")
            _need(con["max"] is None or con["min"] <= con["max"],
                  f"{where}: min {con['min']} is above max {con['max']}")
            _need(con["min"] <= min(seats, len(members)),
                  f"{where}.min: {con['min']} cannot be met ({len(members)} members, {seats} seats)")

    def check_fingerprint(self, published: str) -> str:
        """V2a: parameters.json is the one whose fingerprint was published before voting opened."""
        wanted = published.strip().lower()
        _need(len(wanted) == 64 and all(ch in "0123456789abcdef" for ch in wanted),
              f"the published fingerprint {published!r} is not 64 hex digits")
        _need(self.fingerprint.hex() == wanted, f"parameters.json's fingerprint {self.fingerprint.hex()} is not the "
              f"published fingerprint {wanted}: these are not the parameters voters were shown")
        return f"parameters.json has the published fingerprint {wanted}"

    def check_trustees(self) -> str:
        """V3."""
        from omov.crypto import trustees as tr

        t = self.file("trustees.json")
        n, k = t["trustees"], t["threshold"]
        _need(1 <= k <= n, "trustees.json: need 1 <= threshold <= trustees")
        inits, combines = t["inits"], t["combines"]
        _need(len(inits) == n and len(combines) == n, f"trustees.json: {len(inits)} init and {len(combines)} "
              f"combine files for {n} trustees")
        for i, obj in enumerate(inits):
            _need(obj["election"] == self.election, f"trustees.json: inits[{i}] is for another election")
            _need((obj["n"], obj["t"]) == (n, k), f"trustees.json: inits[{i}] has another n or threshold")
        try:
            pk = tr.check_ceremony(inits, combines)
        except CryptoError as exc:
            raise _Failed(f"the key ceremony does not check: {exc}") from None
        _need(pk.data.hex() == t["public_key"],
              "trustees.json: public_key is not the sum of the trustees' commitments")
        _need(not pk.is_identity(), "the election public key is the identity")
        _need(pk.data.hex() == self.params["public_key"],
              "parameters.json: public_key is not the trustees' joint public key")
        self.public_key, self.threshold = pk.data, k
        self.public_shares = {j: tr.verification_key(inits, j).data for j in range(1, n + 1)}
        return f"{n} trustees, threshold {k}; commitments' and key shares' proofs verify; public key recomputed " \
               "and the one in parameters.json"

    def check_credentials(self) -> str:
        """V2b (record.md §9): the published list of voters' credential keys."""
        c = self.file("credentials.json")
        data = (self.root / "credentials.json").read_bytes()
        _need(hashlib.sha256(data).hexdigest() == self.params["credentials"],
              "credentials.json: its SHA-256 is not parameters.json's credentials")
        _need(c["election"] == self.election, "credentials.json: election differs from the manifest's")
        keys = c["keys"]
        for i, key in enumerate(keys):
            _need(i == 0 or keys[i - 1] < key, f"credentials.json: keys[{i}]: not after keys[{i - 1}] (the keys must "
                  "be in strictly increasing order, none twice)")
            _need(vs.valid(bytes.fromhex(key)) and key != vs.ZERO.hex(),
                  f"credentials.json: keys[{i}]: not a valid point (or the identity)")
        self.credentials = set(keys)
        return f"{len(keys)} voters' credential keys, sorted, none twice, bound to the parameters"

    def check_papers(self) -> str:
        """V4."""
        if self.version >= 4:
            return self.check_papers_v4()
        width = self.params["width"]
        listing = self.file("papers.json")
        entries = listing["papers"]
        _need(len(entries) >= 2, "papers.json: fewer than two papers")
        papers, trackers, bad = [], [], []
        for i, e in enumerate(entries):
            paper = _hexbytes(e["ciphertexts"], 64 * width, f"papers.json: papers[{i}].ciphertexts")
            if paper_tracker(self.fingerprint, paper) != e["tracker"]:
                bad.append(i + 1)
            papers.append(paper)
            trackers.append(e["tracker"])
        _need(not bad, f"tracker is not the hash of the fingerprint and the paper for paper(s) "
              f"{bad[:MAX_PAPERS_SHOWN]}")
        hashes = self.check_chain(listing, trackers)
        _need(len(set(papers)) == len(papers), "the same paper is on the record twice")
        halves = [p[64 * j : 64 * j + 32] for p in papers for j in range(width)]
        _need(len(set(halves)) == len(halves), "a ciphertext is reused (a copied or replayed encryption)")
        # Every point is validated by the first mix's proof check, which multiplies each one.
        self.papers, self.trackers, self.entry_hashes = papers, trackers, hashes
        return f"{len(papers)} papers, trackers match, chained 1..{len(papers)} up to the head " \
               f"{hashes[-1][:16]}…, no paper or ciphertext repeated"

    def check_papers_v4(self) -> str:
        """V4 of a version 4 record (record.md §9): credentials, signatures, proofs, trackers, chain, no copies."""
        p = self.params
        width = p["width"]
        listing = self.file("papers.json")
        entries = listing["papers"]
        _need(len(entries) >= 2, "papers.json: fewer than two papers")
        seen: dict[str, int] = {}
        papers, trackers = [], []
        for i, e in enumerate(entries):
            where = f"papers.json: papers[{i}]"
            _need(e["credential"] in self.credentials, f"{where}.credential: not in credentials.json")
            _need(e["credential"] not in seen, f"{where}.credential: already signed papers[{seen.get(e['credential'])}]"
                  " (no credential signs twice)")
            seen[e["credential"]] = i
            if self.kind == "ranked":
                _hexbytes(e["ciphertexts"], 64 * width, f"{where}.ciphertexts")
                _hexbytes(e["proof"], 32 * (width + 1), f"{where}.proof")
            else:
                _need(e["proof"] == "", f"{where}.proof: a mark paper's proof must be empty")
            papers.append(bytes.fromhex(e["ciphertexts"]))
            trackers.append(e["tracker"])
        pool = self.pool or vs.Pool(1)
        jobs: list[_PaperJob] = [
            (self.kind, self.election, self.fingerprint, self.public_key_of_params(), p.get("question"), width, s,
             entries[s:e]) for s, e in pool.spans(len(entries), 16)
        ]
        faults = [f for part in pool.map(_check_papers_job, jobs) for f in part]
        _need(not faults, f"papers.json: {len(faults)} fault(s): {'; '.join(faults[:MAX_PAPERS_SHOWN])}")
        hashes = self.check_chain(listing, trackers)
        _need(len(set(papers)) == len(papers), "the same paper is on the record twice")
        if self.kind == "ranked":
            halves = [x[64 * j : 64 * j + 32] for x in papers for j in range(width)]
        else:
            halves = [c[:32] for x in papers for c in vp.mark_ciphertexts(x, p["question"])]
        _need(len(set(halves)) == len(halves), "a ciphertext is reused (a copied or replayed encryption)")
        self.papers, self.trackers, self.entry_hashes = papers, trackers, hashes
        what = "proofs of randomness" if self.kind == "ranked" else "mark papers' proofs"
        return f"{len(papers)} papers, each under its own listed credential; signatures, {what} and trackers " \
               f"verify; chained 1..{len(papers)} up to the head {hashes[-1][:16]}…, no paper or ciphertext repeated"

    def public_key_of_params(self) -> bytes:
        return bytes.fromhex(self.params["public_key"])

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
        """V5 (mix s = index)."""
        width = self.params["width"]
        name = f"mixes/mix-{index:02d}.json"
        m = self.file(name)
        _need(m["index"] == index, f"{name}: index says it is mix {m['index']}")
        _need(m["mixer"] == self.params["mixers"][index - 1], f"{name}: mixer differs from parameters.json's")
        outputs = [_hexbytes(p, 64 * width, f"{name}: outputs[{i}]") for i, p in enumerate(m["outputs"])]
        proof = decode_shuffle_proof(m["proof"], name)
        inputs = self.papers if index == 1 else self.final
        pool = self.pool or vs.Pool(1)
        reason = vs.shuffle_fault(self.public_key, inputs, outputs, proof, width,
                                  mix_context(self.election, self.fingerprint, index), pool)
        _need(reason is None, f"{name}: the proof of shuffle fails: {reason}")
        self.final = outputs
        return f"{len(outputs)} papers shuffled and re-encrypted; proof of shuffle verifies"

    def check_decryption(self) -> str:
        """V6."""
        if self.kind == "marks":
            return self.check_tally_shares()
        d = self.file("decryption.json")
        p = self.params
        present = d["present"]
        n = self.file("trustees.json")["trustees"]
        _need(len(present) >= self.threshold, f"decryption.json: present: {len(present)} trustees decrypted; the "
              f"threshold is {self.threshold}")
        _need(present == sorted(set(present)) and all(1 <= i <= n for i in present),
              "decryption.json: present: trustees must be distinct indices 1..n in increasing order")
        shares = d["papers"]
        _need(len(shares) == len(self.final), f"decryption.json: papers: {len(shares)} decrypted papers for "
              f"{len(self.final)} mixed papers")
        pool = self.pool or vs.Pool(1)
        spans = pool.spans(len(self.final), 16)
        public = [self.public_shares[i] for i in present]
        jobs: list[_ShareJob] = [
            (self.election, self.fingerprint, s, self.final[s:e], shares[s:e], present, public, p["width"],
             len(p["candidates"]))
            for s, e in spans
        ]
        values: list[list[int | None]] = []
        faults: list[str] = []
        for shown, fs in pool.map(_check_shares_job, jobs):
            values.extend(shown)
            faults.extend(fs)
        _need(not faults, f"decryption.json: {len(faults)} fault(s): {'; '.join(faults[:MAX_PAPERS_SHOWN])}")
        self.values = values
        count = sum(len(s) for s in shares) * len(present)
        return f"{count} decryption shares by trustees {present} verify (Chaum–Pedersen)"

    def check_tally_shares(self) -> str:
        """V6 of a marks record (record.md §9): the tally is the sum of the cast papers; every share verifies."""
        d = self.file("decryption.json")
        q = self.params["question"]
        present, tally = d["present"], d["tally"]
        n = self.file("trustees.json")["trustees"]
        _need(len(present) >= self.threshold, f"decryption.json: present: {len(present)} trustees decrypted; the "
              f"threshold is {self.threshold}")
        _need(present == sorted(set(present)) and all(1 <= i <= n for i in present),
              "decryption.json: present: trustees must be distinct indices 1..n in increasing order")
        k = q["options"]
        _need(len(tally) == k, f"decryption.json: tally: {len(tally)} entries for {k} options")
        sums = [[vs.ZERO, vs.ZERO] for _ in range(k)]
        for paper in self.papers:
            for i, ct in enumerate(vp.mark_ciphertexts(paper, q)):
                sums[i] = [vs.plus(sums[i][0], ct[:32]), vs.plus(sums[i][1], ct[32:])]
        weights = lagrange_at_zero(present)
        values: list[int | None] = []
        for i, (shares, (a, b)) in enumerate(zip(tally, sums, strict=True)):
            _need(len(shares) == len(present), f"decryption.json: tally[{i}]: {len(shares)} shares for "
                  f"{len(present)} present trustees")
            combined = vs.ZERO
            for j, (trustee, (d_hex, c_hex, z_hex)) in enumerate(zip(present, shares, strict=True)):
                d = bytes.fromhex(d_hex)
                c, z = _scalar(c_hex, f"decryption.json: tally[{i}][{j}]"), _scalar(z_hex, f"tally[{i}][{j}]")
                _need(vs.valid(d), f"decryption.json: tally[{i}][{j}]: not a valid point")
                context = vp.tally_share_context(self.election, self.fingerprint, trustee, i)
                _need(dleq_holds(context, self.public_shares[trustee], a, d, c, z),
                      f"decryption.json: tally[{i}][{j}]: trustee {trustee}'s share does not verify")
                combined = vs.plus(combined, vs.times(weights[trustee], d))
            values.append(vp.small_log(vs.minus(b, combined), len(self.papers)))
        self.values = [values]
        return f"{k * len(present)} decryption shares of the tally (the sum of {len(self.papers)} papers) by " \
               f"trustees {present} verify (Chaum–Pedersen)"

    def check_totals(self) -> str:
        """V7 of a marks record: each option's value is in 0..N and is the published total."""
        results = self.file("results.json")
        values = self.values[0]
        _need(results["papers"] == len(self.papers), f"results.json: papers: {results['papers']}, but "
              f"{len(self.papers)} papers were cast")
        _need(len(results["totals"]) == len(values), f"results.json: totals: {len(results['totals'])} for "
              f"{len(values)} options")
        for i, (v, t) in enumerate(zip(values, results["totals"], strict=True)):
            _need(v is not None, f"decryption.json: tally[{i}]: decrypts to no number of papers 0..{len(self.papers)}")
            _need(v == t, f"results.json: totals[{i}]: the record says {t}, the decryption gives {v}")
        return f"totals {values} decrypted from the tally"

    def check_results(self) -> str:
        """V7."""
        if self.kind == "marks":
            return self.check_totals()
        c, width = len(self.params["candidates"]), self.params["width"]
        results = self.file("results.json")["papers"]
        _need(len(results) == len(self.values), f"results.json: papers: {len(results)} results for "
              f"{len(self.values)} papers")
        for i, (shown, r) in enumerate(zip(self.values, results, strict=True)):
            fault = first_fault(shown, c)
            if len(shown) < width:
                _need(fault == len(shown) - 1, f"paper {i + 1}: {len(shown)} of {width} positions decrypted, but "
                      "they do not show it invalid")
            else:
                _need(fault is None or fault == width - 1,
                      f"paper {i + 1}: positions decrypted beyond its first fault (position {(fault or 0) + 1})")
            status, ranking = classify(shown, c) if len(shown) == width else ("invalid", [])
            expected = {"status": "valid", "ranking": ranking} if status == "valid" else {"status": "invalid"}
            _need(canonical_bytes(r) == canonical_bytes(expected),
                  f"results.json: papers[{i}]: the record says {r}, the decryption gives {expected}")
        invalid = sum(1 for r in results if r["status"] == "invalid")
        return f"{len(results)} papers: {len(results) - invalid} valid rankings, {invalid} invalid"

    def check_count(self) -> str:
        """V8."""
        from omov.count import Profile, count
        from omov.count.sheet import to_dict

        p = self.params
        results = self.file("results.json")
        if self.kind == "marks":
            # record.md §9: for each option i, totals[i] papers marking only option i.
            profile = Profile.from_papers(p["candidates"], [((i,), n) for i, n in enumerate(results["totals"]) if n],
                                          seats=p["seats"], title=p["title"])
        else:
            valid = [tuple(r["ranking"]) for r in results["papers"] if r["status"] == "valid"]
            profile = Profile.from_papers(p["candidates"], valid, seats=p["seats"], title=p["title"],
                                          invalid=len(results["papers"]) - len(valid))
        rule: Any = p["rule"]
        notes = ""
        if self.version >= 4:
            profile = self._withdrawn(profile, results["withdrawn"])
            rule = self._count_rule()
            if results["withdrawn"]:
                notes += "; withdrawn after opening: " + ", ".join(p["candidates"][i] for i in results["withdrawn"])
            if p["constraints"]:
                notes += f"; {len(p['constraints'])} constraint(s) applied"
        try:
            counted = count(profile, rule, seats=p["seats"], seed=p["count_seed"])
        except Exception as exc:  # noqa: BLE001 - a record whose count cannot run is refused, not crashed on
            raise _Failed(f"results.json: count: the recount cannot run: {exc}") from None
        sheet = json.loads(json.dumps(to_dict(counted)))
        stored = results["count"]
        elected = stored.get("elected") if type(stored) is dict else None
        _need(canonical_bytes(sheet["elected"]) == canonical_bytes(elected),
              f"results.json: count.elected: the recount elects {sheet['elected']}, the record says {elected}")
        _need(canonical_bytes(sheet) == canonical_bytes(stored),
              "results.json: count: the recount's sheet differs from the record's count sheet")
        return f"recount under {p['rule']} elects {', '.join(str(e) for e in sheet['elected'])}{notes}"

    def _withdrawn(self, profile: Any, withdrawn: list[int]) -> Any:
        """results.json's candidates withdrawn after opening (record.md §9): strictly increasing indices, leaving
        at least as many candidates standing as seats; the profile with them withdrawn."""
        names = self.params["candidates"]
        _need(all(0 <= i < len(names) for i in withdrawn),
              f"results.json: withdrawn: must be candidate indices 0..{len(names) - 1}")
        _need(all(a < b for a, b in zip(withdrawn, withdrawn[1:], strict=False)),
              "results.json: withdrawn: must be strictly increasing")
        _need(len(names) - len(withdrawn) >= self.params["seats"],
              f"results.json: withdrawn: {len(withdrawn)} withdrawn leaves fewer candidates than seats")
        return profile.withdraw(*(names[i] for i in withdrawn)) if withdrawn else profile

    def _count_rule(self) -> Any:
        """The preset with parameters.json's options and constraints (members by name), as V2 checked them."""
        from omov.count import Constraint
        from omov.count.rules import preset

        p = self.params
        changes = {k: tuple(v) if k == "ties" else v for k, v in p["options"].items()}
        rule = preset(p["rule"]).with_(**changes)
        cons = tuple(Constraint(c["group"], frozenset(p["candidates"][i] for i in c["members"]), c["min"], c["max"])
                     for c in p["constraints"])
        return rule.with_(constraints=cons) if cons else rule

    def verify(
        self, tracker: str | None = None, *, fail_fast: bool = False, lookup_only: bool = False,
        head: str | None = None, fingerprint: str | None = None,
    ) -> list[Check]:
        """Run the checks in order. `fail_fast` stops at the first failure; `lookup_only` (for a voter's
        tracker lookup) runs only the checks of the cast papers and the tracker itself; `head`, the chain head
        published when voting closed (its entry hash, or "N:hash" with its position), adds a check that the
        record's list of papers ends there; `fingerprint`, the one published before voting opened, adds a check
        that parameters.json is the one it fingerprints."""
        self.fail_fast = fail_fast
        with vs.Pool(1 if lookup_only else self.workers) as pool:
            self.pool = pool
            self._run_all(tracker, lookup_only, fingerprint)
            if head is not None:
                self.run("published head", lambda: self.check_head(head), after=["cast papers and trackers"])
        self.pool = None
        return self.checks

    def _run_all(self, tracker: str | None, lookup_only: bool, fingerprint: str | None) -> None:
        self.run("manifest and file digests", self.check_manifest)
        if not self.files and not self.refused and "manifest and file digests" in self.failed:
            return  # nothing could be read at all
        self.run("parameters", self.check_parameters)
        if fingerprint is not None:
            self.run("published fingerprint", lambda: self.check_fingerprint(fingerprint), after=["parameters"])
        papers_after = ["parameters"]
        if self.version >= 4:
            self.run("voters' credentials", self.check_credentials, after=["parameters"])
            papers_after.append("voters' credentials")
        if not lookup_only:
            self.run("trustee keys", self.check_trustees, after=["parameters"])
        self.run("cast papers and trackers", self.check_papers, after=papers_after)
        if not lookup_only and self.kind == "marks":
            self.run("decryption shares", self.check_decryption, after=["trustee keys", "cast papers and trackers"])
            self.run("decrypted totals", self.check_results, after=["decryption shares"])
            self.run("count", self.check_count, after=["parameters", "decrypted totals"])
        elif not lookup_only:
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
    fingerprint: str | None = None,
) -> list[Check]:
    """Run the checks on the record in `root` (all of them unless `fail_fast` or `lookup_only`; plus the
    published-head check when `head` is given, the published-fingerprint check when `fingerprint` is)."""
    return Verifier(root, workers=workers).verify(tracker, fail_fast=fail_fast, lookup_only=lookup_only, head=head,
                                                  fingerprint=fingerprint)
