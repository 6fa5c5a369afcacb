"""Mark ballots: yes/no, bloc ("mark up to N") and approval papers, encrypted mark by mark.

A paper for a question with k options is k exponential-ElGamal ciphertexts, one per option (1 = marked,
0 = not), each with a disjunctive proof that it encrypts 0 or 1, plus — when the 0/1 proofs do not already
imply it — a disjunctive proof that the sum of the marks lies in [min_marks, max_marks] (one branch per
allowed sum, as Helios and Belenios do). Papers add up homomorphically into one ciphertext per option; the
tally is decrypted with proofs (by trustees, see omov.crypto.trustees, or by a single key holder here) and
checked against the published counts.

Fiat–Shamir contexts (docs/crypto.md):
    paper context  = length_prefixed("omov/v1/mark-paper", election_id, question_id, u32 k, u32 min, u32 max,
                                     binding)
    mark i context = length_prefixed(paper context, "mark", u32 i)
    sum context    = length_prefixed(paper context, "sum")
(the sum proof's statement lists every option's ciphertext; the proof is about their sum).
`binding` ties the paper to where it is cast (e.g. the hash of the voter's credential's public part), so a
copied paper cannot be replayed under another credential; it may be empty.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from omov.crypto.elgamal import Ciphertext, discrete_log, encrypt
from omov.crypto.encoding import (
    canonical_json,
    ciphertext_from_hex,
    ciphertext_hex,
    length_prefixed,
    sha256_hex,
    text,
    u32,
)
from omov.crypto.errors import CryptoError
from omov.crypto.group import ORDER, Point, base_mul, random_scalar
from omov.crypto.proofs import (
    BatchVerifier,
    DisjunctiveProof,
    DleqProof,
    prove_disjunctive,
    prove_dleq,
    verify_disjunctive,
    verify_dleq,
)

__all__ = [
    "QuestionSpec",
    "MarkPaper",
    "paper_context",
    "encrypt_paper",
    "verify_paper",
    "verify_papers",
    "verify_batch",
    "tally",
    "decrypt_tally",
    "verify_tally_decryption",
    "plain_count",
]

MARK_VALUES = (0, 1)


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What a paper may say: `options` ciphertexts, each 0 or 1, with between min_marks and max_marks marked."""

    question_id: str
    options: int
    min_marks: int
    max_marks: int
    kind: str = "bloc"

    def __post_init__(self) -> None:
        if self.options < 1:
            raise CryptoError("a question needs at least one option")
        if not 0 <= self.min_marks <= self.max_marks <= self.options:
            raise CryptoError("need 0 <= min_marks <= max_marks <= options")

    @staticmethod
    def yes_no(question_id: str, allow_blank: bool = False) -> QuestionSpec:
        """Two options (0 = yes, 1 = no), exactly one marked (or none, if blank papers are allowed)."""
        return QuestionSpec(question_id, 2, 0 if allow_blank else 1, 1, "yes_no")

    @staticmethod
    def bloc(question_id: str, options: int, up_to: int, at_least: int = 0) -> QuestionSpec:
        """Mark up to `up_to` of `options` candidates."""
        return QuestionSpec(question_id, options, at_least, up_to, "bloc")

    @staticmethod
    def approval(question_id: str, options: int) -> QuestionSpec:
        """Mark any number of candidates."""
        return QuestionSpec(question_id, options, 0, options, "approval")

    @property
    def needs_sum_proof(self) -> bool:
        """The 0/1 proofs already imply 0 <= sum <= options; a sum proof is needed only for a tighter range."""
        return self.min_marks > 0 or self.max_marks < self.options

    @property
    def allowed_sums(self) -> list[int]:
        return list(range(self.min_marks, self.max_marks + 1))

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "kind": self.kind,
            "options": self.options,
            "min_marks": self.min_marks,
            "max_marks": self.max_marks,
        }

    @staticmethod
    def from_json(obj: Any) -> QuestionSpec:
        try:
            return QuestionSpec(
                str(obj["question_id"]),
                int(obj["options"]),
                int(obj["min_marks"]),
                int(obj["max_marks"]),
                str(obj.get("kind", "bloc")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CryptoError("malformed question spec") from exc


@dataclass(frozen=True, slots=True)
class MarkPaper:
    """An encrypted paper: one ciphertext and one 0/1 proof per option, and the sum proof (or None)."""

    question_id: str
    ciphertexts: tuple[Ciphertext, ...]
    mark_proofs: tuple[DisjunctiveProof, ...]
    sum_proof: DisjunctiveProof | None

    def encode(self) -> bytes:
        """Canonical bytes: length_prefixed(question_id, u32 k, ct_0..ct_k-1, proof_0..proof_k-1, sum proof or
        empty)."""
        return length_prefixed(
            text(self.question_id),
            u32(len(self.ciphertexts)),
            *(c.encode() for c in self.ciphertexts),
            *(p.encode() for p in self.mark_proofs),
            b"" if self.sum_proof is None else self.sum_proof.encode(),
        )

    def tracker(self) -> str:
        """The voter's receipt: SHA-256 of the canonical bytes, hex."""
        return sha256_hex(self.encode())

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "ciphertexts": [ciphertext_hex(c) for c in self.ciphertexts],
            "mark_proofs": [p.to_json() for p in self.mark_proofs],
            "sum_proof": None if self.sum_proof is None else self.sum_proof.to_json(),
        }

    @staticmethod
    def from_json(obj: Any) -> MarkPaper:
        try:
            cts = tuple(ciphertext_from_hex(c) for c in obj["ciphertexts"])
            proofs = tuple(DisjunctiveProof.from_json(p) for p in obj["mark_proofs"])
            sp = obj["sum_proof"]
            return MarkPaper(
                str(obj["question_id"]), cts, proofs, None if sp is None else DisjunctiveProof.from_json(sp)
            )
        except (KeyError, TypeError) as exc:
            raise CryptoError("malformed mark paper") from exc


def paper_context(election_id: str, spec: QuestionSpec, binding: bytes = b"") -> bytes:
    return length_prefixed(
        b"omov/v1/mark-paper",
        text(election_id),
        text(spec.question_id),
        u32(spec.options),
        u32(spec.min_marks),
        u32(spec.max_marks),
        binding,
    )


def _mark_context(ctx: bytes, i: int) -> bytes:
    return length_prefixed(ctx, b"mark", u32(i))


def _sum_context(ctx: bytes) -> bytes:
    return length_prefixed(ctx, b"sum")


def encrypt_paper(
    pk: Point,
    election_id: str,
    spec: QuestionSpec,
    marks: Sequence[int],
    binding: bytes = b"",
    rng: Any = None,
) -> tuple[MarkPaper, list[int]]:
    """Encrypt a paper's marks (a 0/1 per option) with all proofs. Returns the paper and the randomness of each
    ciphertext (kept by the voter's device only for a Benaloh challenge; otherwise discarded)."""
    marks = list(marks)
    if len(marks) != spec.options or any(m not in MARK_VALUES for m in marks):
        raise CryptoError(f"a paper needs {spec.options} marks, each 0 or 1")
    if not spec.min_marks <= sum(marks) <= spec.max_marks:
        raise CryptoError(f"between {spec.min_marks} and {spec.max_marks} options may be marked, not {sum(marks)}")
    ctx = paper_context(election_id, spec, binding)
    rs = [random_scalar(rng) for _ in marks]
    cts = [encrypt(pk, m, r)[0] for m, r in zip(marks, rs, strict=True)]
    proofs = [
        prove_disjunctive(pk, c, m, r, MARK_VALUES, _mark_context(ctx, i), rng)
        for i, (c, m, r) in enumerate(zip(cts, marks, rs, strict=True))
    ]
    sum_proof = None
    if spec.needs_sum_proof:
        sum_proof = prove_disjunctive(pk, cts, sum(marks), sum(rs) % ORDER, spec.allowed_sums, _sum_context(ctx), rng)
    return MarkPaper(spec.question_id, tuple(cts), tuple(proofs), sum_proof), rs


def _shape_ok(spec: QuestionSpec, paper: MarkPaper) -> bool:
    return (
        paper.question_id == spec.question_id
        and len(paper.ciphertexts) == spec.options
        and len(paper.mark_proofs) == spec.options
        and (paper.sum_proof is None) != spec.needs_sum_proof
    )


def _add_paper(batch: BatchVerifier, election_id: str, spec: QuestionSpec, paper: MarkPaper, binding: bytes) -> bool:
    """Put a paper's proofs in the batch; False at once if its shape or a challenge is wrong."""
    if not _shape_ok(spec, paper):
        return False
    ctx = paper_context(election_id, spec, binding)
    for i, (c, proof) in enumerate(zip(paper.ciphertexts, paper.mark_proofs, strict=True)):
        if not batch.add(c, MARK_VALUES, proof, _mark_context(ctx, i)):
            return False
    if paper.sum_proof is not None:
        return batch.add(paper.ciphertexts, spec.allowed_sums, paper.sum_proof, _sum_context(ctx))
    return True


def verify_paper(
    pk: Point, election_id: str, spec: QuestionSpec, paper: MarkPaper, binding: bytes = b"", exact: bool = False
) -> bool:
    """Every proof of the paper checks: each option is 0 or 1 and the number marked is allowed.
    By default the paper's proofs are checked together with random weights (BatchVerifier); `exact=True`
    recomputes every commitment instead (the plain definition, slower)."""
    if not exact:
        batch = BatchVerifier(pk)
        return _add_paper(batch, election_id, spec, paper, binding) and batch.check()
    if not _shape_ok(spec, paper):
        return False
    ctx = paper_context(election_id, spec, binding)
    for i, (c, proof) in enumerate(zip(paper.ciphertexts, paper.mark_proofs, strict=True)):
        if not verify_disjunctive(pk, c, MARK_VALUES, proof, _mark_context(ctx, i)):
            return False
    if paper.sum_proof is not None:
        return verify_disjunctive(pk, paper.ciphertexts, spec.allowed_sums, paper.sum_proof, _sum_context(ctx))
    return True


def verify_batch(
    pk: Point,
    election_id: str,
    spec: QuestionSpec,
    papers: Sequence[MarkPaper],
    bindings: Sequence[bytes] | None = None,
) -> list[bool]:
    """verify_paper for many papers in one batch; if the batch fails, each paper is checked alone to say which."""
    binds = list(bindings) if bindings is not None else [b""] * len(papers)
    batch = BatchVerifier(pk)
    shapes = [_add_paper(batch, election_id, spec, p, b) for p, b in zip(papers, binds, strict=True)]
    if batch.check():
        return shapes
    return [ok and verify_paper(pk, election_id, spec, p, b) for ok, p, b in zip(shapes, papers, binds, strict=True)]


def _verify_chunk(args: tuple[bytes, str, dict[str, Any], list[tuple[bytes, bytes]]]) -> list[bool]:
    """A worker's share when papers travel to it as canonical JSON (start methods other than fork)."""
    pk_data, election_id, spec_json, items = args
    pk = Point.decode(pk_data)
    spec = QuestionSpec.from_json(spec_json)
    out: list[bool] = []
    papers: list[MarkPaper] = []
    binds: list[bytes] = []
    index: list[int] = []
    for paper_json, binding in items:
        try:
            paper = MarkPaper.from_json(_json_loads(paper_json))
        except CryptoError:
            out.append(False)
            continue
        papers.append(paper)
        binds.append(binding)
        index.append(len(out))
        out.append(False)
    for i, ok in zip(index, verify_batch(pk, election_id, spec, papers, binds), strict=True):
        out[i] = ok
    return out


def _json_loads(data: bytes) -> Any:
    import json

    return json.loads(data)


# What forked workers read: set by verify_papers just before it forks its pool, so a worker receives only the
# bounds of its share, never the papers themselves (it already holds them, copy-on-write).
_FORKED: tuple[Point, str, QuestionSpec, Sequence[MarkPaper], list[bytes], int] | None = None


def _verify_span(
    pk: Point,
    election_id: str,
    spec: QuestionSpec,
    papers: Sequence[MarkPaper],
    binds: Sequence[bytes],
    chunk: int,
    start: int,
    end: int,
) -> list[bool]:
    """verify_batch over papers[start:end], in batches of at most `chunk` papers."""
    return [
        ok
        for i in range(start, end, chunk)
        for ok in verify_batch(pk, election_id, spec, papers[i : min(i + chunk, end)], binds[i : min(i + chunk, end)])
    ]


def _verify_range(bounds: tuple[int, int]) -> list[bool]:
    """A forked worker's share: the papers it inherited, between these bounds."""
    assert _FORKED is not None
    return _verify_span(*_FORKED, *bounds)


def _can_fork() -> bool:
    """Fork only where it is the platform's own start method for worker pools and no other thread runs (a forked
    child of a threaded process may inherit a lock held by another thread)."""
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def verify_papers(
    pk: Point,
    election_id: str,
    spec: QuestionSpec,
    papers: Sequence[MarkPaper],
    bindings: Sequence[bytes] | None = None,
    processes: int | None = None,
    chunk: int = 200,
    min_parallel: int = 100,
) -> list[bool]:
    """verify_paper for many papers, in batches of at most `chunk` papers. From `min_parallel` papers on, the
    papers are shared among a pool of processes (`processes` defaults to the number of CPUs; 1 verifies in this
    process), about four shares per process so that they finish together. Where the pool can be forked, the
    workers inherit the parsed papers and receive only the bounds of their shares; elsewhere each share travels
    as canonical JSON."""
    global _FORKED
    binds = list(bindings) if bindings is not None else [b""] * len(papers)
    if len(binds) != len(papers):
        raise CryptoError("one binding per paper")
    workers = processes if processes is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(papers) < max(min_parallel, 2):
        return _verify_span(pk, election_id, spec, papers, binds, chunk, 0, len(papers))
    size = max(1, -(-len(papers) // (workers * 4)))
    bounds = [(i, min(i + size, len(papers))) for i in range(0, len(papers), size)]
    if _can_fork():
        _FORKED = (pk, election_id, spec, papers, binds, chunk)
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
                results = list(pool.map(_verify_range, bounds))
        finally:
            _FORKED = None
        return [ok for part in results for ok in part]
    jobs = [
        (pk.data, election_id, spec.to_json(), [(canonical_json(papers[i].to_json()), binds[i]) for i in range(a, b)])
        for a, b in bounds
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_verify_chunk, jobs))
    return [ok for part in results for ok in part]


def tally(spec: QuestionSpec, papers: Sequence[MarkPaper]) -> list[Ciphertext]:
    """The homomorphic sum, option by option, of the (already verified) papers."""
    totals = [Ciphertext.zero() for _ in range(spec.options)]
    for paper in papers:
        if len(paper.ciphertexts) != spec.options:
            raise CryptoError("a paper has the wrong number of options")
        totals = [t + c for t, c in zip(totals, paper.ciphertexts, strict=True)]
    return totals


def _decryption_context(election_id: str, spec: QuestionSpec, i: int) -> bytes:
    return length_prefixed(b"omov/v1/tally-decryption", text(election_id), text(spec.question_id), u32(i))


def decrypt_tally(
    sk: int, election_id: str, spec: QuestionSpec, totals: Sequence[Ciphertext], max_count: int, rng: Any = None
) -> list[tuple[int, DleqProof]]:
    """Single-key decryption of the tally (for one key holder; trustees use omov.crypto.trustees): each count
    with a Chaum–Pedersen proof that b - count*G = sk*a for PK = sk*G."""
    out = []
    for i, c in enumerate(totals):
        shared = c.a * sk
        count = discrete_log(c.b - shared, max_count)
        out.append((count, prove_dleq(sk, Point.base(), c.a, _decryption_context(election_id, spec, i), rng)))
    return out


def verify_tally_decryption(
    pk: Point,
    election_id: str,
    spec: QuestionSpec,
    totals: Sequence[Ciphertext],
    counts: Sequence[int],
    proofs: Sequence[DleqProof],
) -> bool:
    """Check published counts against the tally ciphertexts and their decryption proofs."""
    if not len(totals) == len(counts) == len(proofs) == spec.options:
        return False
    for i, (c, count, proof) in enumerate(zip(totals, counts, proofs, strict=True)):
        shared = c.b - base_mul(count)
        if not verify_dleq(Point.base(), pk, c.a, shared, proof, _decryption_context(election_id, spec, i)):
            return False
    return True


def plain_count(spec: QuestionSpec, marks: Sequence[Sequence[int]]) -> list[int]:
    """The count of unencrypted papers, option by option (what the decrypted tally must equal)."""
    return [sum(paper[i] for paper in marks) for i in range(spec.options)]
