"""Voter credentials and signed papers: the platform's verifiable ballots (docs/crypto.md §11).

Every voter on the roll has a credential code; its public key S = s*G is published (sorted, no names) when voting
opens. A cast paper is signed under one of those keys, and a ranked paper carries a proof of knowledge of its
encryption randomness bound to the election, the parameters' fingerprint F and S, so nobody casts without a
credential, casts twice under one, or copies another voter's ciphertext.

What the platform calls (this API is stable; everything else here is a helper):

    new_code() -> str                                  a fresh code (25 Crockford base-32 symbols, 5 groups)
    normalise_code(code) -> str                        CredentialCodeError if it cannot be a code
    derive_credential(election, code) -> Credential    .secret (int s), .public (32 bytes S), .public_hex
    credentials_list(election, public_keys) -> dict    {"election", "keys": sorted hex} (duplicates refused)
    encrypt_ranked(election=, fingerprint=, public_key=, candidates=, ranking=, code=) -> Sealed
    encrypt_marks(election=, fingerprint=, public_key=, question=, marks=, code=) -> Sealed
        Sealed.cast (omov/cast-paper/v1 dict), Sealed.opening (omov/benaloh-opening/v2 dict), Sealed.tracker
        (the platform uses these only to play the browser in tests and demos)
    check_cast(cast, election=, fingerprint=, public_key=, width= | question=, listed=, used=, on_board=,
               spoiled=) -> CastPaper                  or CastRefused(code, message): nothing to spend or store
    check_opening(opening, election=, fingerprint=, public_key=, candidates= | question=) -> list[int]
    tracker_of(fingerprint, credential, paper, proof) -> str

Domains and byte layouts are those of docs/crypto.md §11; test vectors: tests/crypto/vectors/credentials.json and
ranked_papers.json.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from omov.crypto.elgamal import Ciphertext, encrypt
from omov.crypto.encoding import GROUP_NAME, u32
from omov.crypto.errors import CryptoError
from omov.crypto.group import ORDER, Point, base_mul, hash_to_scalar, length_prefixed, random_scalar, scalar_bytes
from omov.crypto.marks import MarkPaper, QuestionSpec, encrypt_paper, verify_paper
from omov.crypto.proofs import DisjunctiveProof, DlogProof, prove_dlog, verify_dlog

__all__ = [
    "ALPHABET",
    "CAST_TYPE",
    "OPENING_TYPE",
    "CastPaper",
    "CastRefused",
    "Credential",
    "CredentialCodeError",
    "Sealed",
    "check_cast",
    "check_opening",
    "credentials_list",
    "decode_mark_paper",
    "derive_credential",
    "encrypt_marks",
    "encrypt_ranked",
    "new_code",
    "normalise_code",
    "ranked_values",
    "signature_context",
    "tracker_of",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: what omov generates
ACCEPTED = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # what a normalised code may hold (crypto.md §11)
CODE_SYMBOLS = 25
CAST_TYPE = "omov/cast-paper/v1"
OPENING_TYPE = "omov/benaloh-opening/v2"
CREDENTIAL_DOMAIN = "omov/v1/credential"
RANDOMNESS_DOMAIN = "omov/v1/proof/randomness"
RANKED_PAPER_DOMAIN = b"omov/v1/ranked-paper"
SIGNATURE_DOMAIN = b"omov/v1/paper-signature"
TRACKER_DOMAIN = b"omov/record/v4/tracker"


class CredentialCodeError(CryptoError):
    """A string that cannot be a credential code."""


# ---------------------------------------------------------------------------------------------------- codes


def new_code() -> str:
    """A fresh credential code: 25 symbols of Crockford's base 32 (125 bits), in five groups of five."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(CODE_SYMBOLS))
    return "-".join(symbols[i : i + 5] for i in range(0, CODE_SYMBOLS, 5))


def normalise_code(code: str) -> str:
    """The code with '-' and spaces removed and ASCII letters upper-cased; refused if then empty or if it holds
    anything but the digits 0-9 and the letters A-Z."""
    if not isinstance(code, str):
        raise CredentialCodeError("a credential code must be a string")
    if len(code) > 200:
        raise CredentialCodeError("a credential code is at most 200 characters")
    text = "".join(ch for ch in code if ch not in "- ")
    text = "".join(ch.upper() if "a" <= ch <= "z" else ch for ch in text)
    if not text:
        raise CredentialCodeError("the credential code is empty")
    bad = sorted({ch for ch in text if ch not in ACCEPTED})
    if bad:
        raise CredentialCodeError(f"a credential code holds only letters and digits, not {''.join(bad)!r}")
    return text


@dataclass(frozen=True)
class Credential:
    """A voter's credential: the signing key s and its public key S = s*G (32 bytes)."""

    election: str
    secret: int = field(repr=False)
    public: bytes

    @property
    def public_hex(self) -> str:
        return self.public.hex()


def derive_credential(election: str, code: str) -> Credential:
    """s = hash_to_scalar("omov/v1/credential", UTF8(E), UTF8(normalised code)), S = s*G."""
    normalised = normalise_code(code)
    s = hash_to_scalar(CREDENTIAL_DOMAIN, election.encode("utf-8"), normalised.encode("utf-8"))
    if s == 0:  # pragma: no cover - probability 2^-252
        raise CredentialCodeError("this code gives a zero key; use another code")
    return Credential(election, s, base_mul(s).data)


def credentials_list(election: str, public_keys: Sequence[str | bytes]) -> dict[str, Any]:
    """The published list {"election": E, "keys": [hex32, ...]} in strictly increasing order; a key given twice
    or not a valid point (or the identity) is refused."""
    keys = [k.hex() if isinstance(k, bytes | bytearray) else str(k) for k in public_keys]
    for k in keys:
        point = _point(k, "credential key")
        if point.is_identity():
            raise CryptoError("a credential key may not be the identity")
    ordered = sorted(keys)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a == b:
            raise CryptoError(f"the credential key {a} is listed twice")
    return {"election": election, "keys": ordered}


# ---------------------------------------------------------------------------------------------------- papers


def ranked_values(ranking: Sequence[int], candidates: int) -> list[int]:
    """The record's encoding of a ranking (0-based candidate indices, most preferred first): position j holds
    index + 1 of the candidate ranked j-th, then 0 up to the width k = candidates."""
    ranking = list(ranking)
    if not ranking:
        raise CryptoError("a ranking needs at least a first preference")
    if len(set(ranking)) != len(ranking):
        raise CryptoError("a candidate is ranked twice")
    for c in ranking:
        if type(c) is not int or not 0 <= c < candidates:
            raise CryptoError(f"{c!r} is not a candidate index 0..{candidates - 1}")
    return [c + 1 for c in ranking] + [0] * (candidates - len(ranking))


def ranked_context(election: str, fingerprint: bytes, credential: bytes) -> bytes:
    """RP = length_prefixed("omov/v1/ranked-paper", UTF8(E), F, S)."""
    return length_prefixed(RANKED_PAPER_DOMAIN, election.encode("utf-8"), fingerprint, credential)


def _randomness_challenge(context: bytes, pk: Point, cts: Sequence[Ciphertext], commitments: Sequence[Point]) -> int:
    parts = [GROUP_NAME, context, pk.data, u32(len(cts))]
    for c in cts:
        parts += [c.a.data, c.b.data]
    parts += [r.data for r in commitments]
    return hash_to_scalar(RANDOMNESS_DOMAIN, *parts)


def prove_randomness(pk: Point, cts: Sequence[Ciphertext], rs: Sequence[int], context: bytes, rng: Any = None) -> bytes:
    """Proof of knowledge of every r_j with a_j = r_j*G (nonces w_1..w_k); returns c || z_1 || ... || z_k."""
    ws = [random_scalar(rng) for _ in cts]
    c = _randomness_challenge(context, pk, cts, [base_mul(w) for w in ws])
    return scalar_bytes(c) + b"".join(scalar_bytes(w + c * r) for w, r in zip(ws, rs, strict=True))


def verify_randomness(pk: Point, cts: Sequence[Ciphertext], proof: bytes, context: bytes) -> bool:
    """R_j' = z_j*G - c*a_j, and c recomputed over them."""
    k = len(cts)
    if len(proof) != 32 * (k + 1):
        return False
    scalars = [int.from_bytes(proof[32 * i : 32 * i + 32], "little") for i in range(k + 1)]
    if any(x >= ORDER for x in scalars):
        return False
    c, zs = scalars[0], scalars[1:]
    commitments = [base_mul(z) - ct.a * c for z, ct in zip(zs, cts, strict=True)]
    return _randomness_challenge(context, pk, cts, commitments) == c


def tracker_of(fingerprint: bytes, credential: bytes, paper: bytes, proof: bytes) -> str:
    """SHA-256(length_prefixed("omov/record/v4/tracker", F, S, P, Q)), 64 lowercase hex digits."""
    return hashlib.sha256(length_prefixed(TRACKER_DOMAIN, fingerprint, credential, paper, proof)).hexdigest()


def signature_context(election: str, fingerprint: bytes, tracker: str) -> bytes:
    """length_prefixed("omov/v1/paper-signature", UTF8(E), F, tracker as 32 bytes)."""
    return length_prefixed(SIGNATURE_DOMAIN, election.encode("utf-8"), fingerprint, bytes.fromhex(tracker))


@dataclass(frozen=True)
class Sealed:
    """A paper encrypted on the voter's device: what to send to cast it, or to publish to open it (never both)."""

    cast: dict[str, Any]
    opening: dict[str, Any]
    tracker: str


def _fingerprint(fingerprint: bytes | str) -> bytes:
    f = bytes.fromhex(fingerprint) if isinstance(fingerprint, str) else bytes(fingerprint)
    if len(f) != 32:
        raise CryptoError("a fingerprint is 32 bytes (64 hex digits)")
    return f


def _public_key(pk: Point | bytes | str) -> Point:
    if isinstance(pk, Point):
        return pk
    return Point.decode(bytes.fromhex(pk) if isinstance(pk, str) else bytes(pk))


def _seal(
    election: str, f: bytes, cred: Credential, paper: bytes, proof: bytes, values: list[int], rs: list[int],
    rng: Any,
) -> Sealed:
    tracker = tracker_of(f, cred.public, paper, proof)
    signature = prove_dlog(cred.secret, signature_context(election, f, tracker), rng=rng)
    cast = {"type": CAST_TYPE, "election": election, "credential": cred.public_hex, "paper": paper.hex(),
            "proof": proof.hex(), "tracker": tracker, "signature": signature.to_json()}
    opening = {"type": OPENING_TYPE, "election": election, "fingerprint": f.hex(), "credential": cred.public_hex,
               "tracker": tracker, "paper": paper.hex(), "proof": proof.hex(), "values": values,
               "randomness": [scalar_bytes(r).hex() for r in rs]}
    return Sealed(cast, opening, tracker)


def encrypt_ranked(
    *, election: str, fingerprint: bytes | str, public_key: Point | bytes | str, candidates: int,
    ranking: Sequence[int], code: str | None = None, credential: Credential | None = None, rng: Any = None,
) -> Sealed:
    """Encrypt a ranking at width k = candidates, prove the randomness, sign. Nonces, in order: r_1..r_k,
    w_1..w_k (the proof), w (the signature)."""
    cred = credential if credential is not None else derive_credential(election, _need_code(code))
    f, pk = _fingerprint(fingerprint), _public_key(public_key)
    values = ranked_values(ranking, candidates)
    rs = [random_scalar(rng) for _ in values]
    cts = [encrypt(pk, m, r)[0] for m, r in zip(values, rs, strict=True)]
    paper = b"".join(c.encode() for c in cts)
    proof = prove_randomness(pk, cts, rs, ranked_context(election, f, cred.public), rng)
    return _seal(election, f, cred, paper, proof, values, rs, rng)


def encrypt_marks(
    *, election: str, fingerprint: bytes | str, public_key: Point | bytes | str,
    question: QuestionSpec | dict[str, Any],
    marks: Sequence[int], code: str | None = None, credential: Credential | None = None, rng: Any = None,
) -> Sealed:
    """Encrypt a mark paper (crypto.md §5) with binding F || S, sign it. Nonces: those of encrypt_paper, then w."""
    cred = credential if credential is not None else derive_credential(election, _need_code(code))
    f, pk = _fingerprint(fingerprint), _public_key(public_key)
    spec = question if isinstance(question, QuestionSpec) else QuestionSpec.from_json(question)
    paper, rs = encrypt_paper(pk, election, spec, list(marks), f + cred.public, rng)
    return _seal(election, f, cred, paper.encode(), b"", list(marks), list(rs), rng)


def _need_code(code: str | None) -> str:
    if code is None:
        raise CryptoError("give the voter's credential code (or a derived credential)")
    return code


def _split_length_prefixed(data: bytes) -> list[bytes]:
    items, pos = [], 0
    while pos < len(data):
        if pos + 8 > len(data):
            raise CryptoError("truncated length prefix")
        n = int.from_bytes(data[pos : pos + 8], "big")
        pos += 8
        if pos + n > len(data):
            raise CryptoError("an item runs past the end")
        items.append(data[pos : pos + n])
        pos += n
    return items


def decode_mark_paper(data: bytes, spec: QuestionSpec) -> MarkPaper:
    """A mark paper from its canonical bytes (crypto.md §5), in the question's shape; CryptoError otherwise.
    Every point is validated."""
    items = _split_length_prefixed(data)
    k = spec.options
    if len(items) != 3 + 2 * k:
        raise CryptoError(f"a paper for this question has {3 + 2 * k} parts, this one {len(items)}")
    if items[0] != spec.question_id.encode("utf-8"):
        raise CryptoError("the paper is for another question")
    if items[1] != u32(k):
        raise CryptoError(f"the paper does not have {k} options")
    cts = tuple(Ciphertext.decode(items[2 + i]) for i in range(k))
    proofs = tuple(DisjunctiveProof.decode(items[2 + k + i]) for i in range(k))
    last = items[2 + 2 * k]
    if spec.needs_sum_proof != bool(last):
        raise CryptoError("the paper's sum proof is " + ("missing" if spec.needs_sum_proof else "not expected"))
    paper = MarkPaper(spec.question_id, cts, proofs, DisjunctiveProof.decode(last) if last else None)
    if paper.encode() != data:  # pragma: no cover - the parts above re-encode to the same bytes
        raise CryptoError("the paper's bytes are not canonical")
    return paper


# ---------------------------------------------------------------------------------------------------- casting


class CastRefused(CryptoError):
    """The ballot box refuses a cast paper; `code` says which rule (crypto.md §11), the message says why."""

    CODES = ("malformed", "type", "election", "credential-unknown", "credential-used", "shape", "point", "proof",
             "signature", "tracker", "copied", "spoiled")

    def __init__(self, code: str, message: str) -> None:
        assert code in self.CODES, code
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class CastPaper:
    """A cast paper that passed every check: what the platform stores (and publishes on the board)."""

    election: str
    credential: str  # hex32(S)
    paper: bytes  # P
    proof: bytes  # Q (empty for marks)
    tracker: str
    signature: dict[str, str]
    ciphertexts: tuple[Ciphertext, ...]

    @property
    def a_components(self) -> list[bytes]:
        """The 32-byte `a` of every ciphertext (the board refuses one seen before: a copied encryption)."""
        return [c.a.data for c in self.ciphertexts]

    def entry(self) -> dict[str, Any]:
        """The fields of its papers.json entry (record.md §9), without position and chain hashes."""
        return {"tracker": self.tracker, "credential": self.credential, "ciphertexts": self.paper.hex(),
                "proof": self.proof.hex(), "signature": dict(self.signature)}


_CAST_KEYS = {"type", "election", "credential", "paper", "proof", "tracker", "signature"}


def _hex_field(cast: dict[str, Any], key: str) -> bytes:
    value = cast[key]
    if type(value) is not str or value != value.lower() or len(value) % 2:
        raise CastRefused("malformed", f"{key}: must be lowercase hex")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise CastRefused("malformed", f"{key}: must be lowercase hex") from None


def _point(value: str, what: str) -> Point:
    try:
        raw = bytes.fromhex(value)
        return Point.decode(raw)
    except (ValueError, CryptoError):
        raise CryptoError(f"{what} is not a valid point") from None


def _contains(collection: Collection[str] | Callable[[str], bool], key: str) -> bool:
    return collection(key) if callable(collection) else key in collection


def check_cast(
    cast: Any,
    *,
    election: str,
    fingerprint: bytes | str,
    public_key: Point | bytes | str,
    width: int | None = None,
    question: QuestionSpec | dict[str, Any] | None = None,
    listed: Collection[str] | Callable[[str], bool],
    used: Collection[str] | Callable[[str], bool] = (),
    on_board: Callable[[bytes, list[bytes]], bool] | None = None,
    spoiled: Collection[str] | Callable[[str], bool] = (),
) -> CastPaper:
    """Every rule of the ballot box (crypto.md §11), or CastRefused saying which. Give `width` for a ranked
    ballot, `question` for a mark ballot. The stateful rules come from the caller: `listed` (the published
    credential keys, hex), `used` (credentials that have cast), `on_board(P, [a_1, ...])` (True if P or any `a`
    is already on the board), `spoiled` (trackers opened by a Benaloh challenge) — each a collection or a
    predicate. Nothing is changed here: the caller spends the credential and stores the paper together."""
    if (width is None) == (question is None):
        raise CryptoError("check_cast needs either width (ranked) or question (marks)")
    if type(cast) is not dict:
        raise CastRefused("malformed", "a cast paper is a JSON object")
    if cast.get("type") != CAST_TYPE:
        raise CastRefused("type", f"not a cast paper (type must be {CAST_TYPE!r})")
    if set(cast) != _CAST_KEYS:
        missing, extra = sorted(_CAST_KEYS - set(cast)), sorted(set(cast) - _CAST_KEYS)
        raise CastRefused("malformed", "the cast paper " + (f"lacks {', '.join(missing)}" if missing else
                                                            f"has unknown fields {', '.join(extra)}"))
    if cast["election"] != election:
        raise CastRefused("election", f"this paper is for election {cast['election']!r}, not {election!r}")
    f, pk = _fingerprint(fingerprint), _public_key(public_key)
    credential = _hex_field(cast, "credential")
    paper, proof = _hex_field(cast, "paper"), _hex_field(cast, "proof")
    tracker = cast["tracker"]
    signature = cast["signature"]
    if type(tracker) is not str or len(tracker) != 64 or tracker != tracker.lower():
        raise CastRefused("malformed", "tracker: must be 64 lowercase hex digits")
    _hex_field(cast, "tracker")
    if type(signature) is not dict or set(signature) != {"c", "z"} or not all(
            type(v) is str and len(v) == 64 for v in signature.values()):
        raise CastRefused("malformed", "signature: must be {\"c\": 64 hex digits, \"z\": 64 hex digits}")
    if len(credential) != 32:
        raise CastRefused("malformed", "credential: must be 64 hex digits (a point)")
    key = credential.hex()
    if not _contains(listed, key):
        raise CastRefused("credential-unknown", "this credential is not in the ballot's published list")
    if _contains(used, key):
        raise CastRefused("credential-used", "this credential has already cast a paper")
    try:
        s_point = Point.decode(credential)
    except CryptoError:  # pragma: no cover - the published list holds valid points only
        raise CastRefused("point", "the credential is not a valid point") from None
    # Shape and points.
    spec: QuestionSpec | None = None
    if width is not None:
        if len(paper) != 64 * width:
            raise CastRefused("shape", f"a paper for this ballot is {64 * width} bytes, this one {len(paper)}")
        if len(proof) != 32 * (width + 1):
            raise CastRefused("shape", f"the proof of randomness is {32 * (width + 1)} bytes, this one {len(proof)}")
        try:
            cts = tuple(Ciphertext.decode(paper[64 * j : 64 * j + 64]) for j in range(width))
        except CryptoError:
            raise CastRefused("point", "the paper holds an invalid point") from None
    else:
        spec = question if isinstance(question, QuestionSpec) else QuestionSpec.from_json(question)
        if proof:
            raise CastRefused("shape", "a mark paper carries no separate proof (its proofs are in the paper)")
        try:
            marks = decode_mark_paper(paper, spec)
        except CryptoError as exc:
            code = "point" if "point" in str(exc) else "shape"
            raise CastRefused(code, f"not a paper for this question: {exc}") from None
        cts = marks.ciphertexts
    if tracker_of(f, credential, paper, proof) != tracker:
        raise CastRefused("tracker", "the tracker is not the hash of this paper (recomputed from F, S, P and Q)")
    try:
        sig = DlogProof(int.from_bytes(bytes.fromhex(signature["c"]), "little"),
                        int.from_bytes(bytes.fromhex(signature["z"]), "little"))
    except ValueError:
        raise CastRefused("malformed", "signature: must be lowercase hex") from None
    if sig.c >= ORDER or sig.z >= ORDER or signature["c"] != signature["c"].lower() \
            or signature["z"] != signature["z"].lower():
        raise CastRefused("signature", "the signature's scalars are not canonical")
    if not verify_dlog(s_point, sig, signature_context(election, f, tracker)):
        raise CastRefused("signature", "the signature does not verify under this credential")
    if spec is None:
        if not verify_randomness(pk, cts, proof, ranked_context(election, f, credential)):
            raise CastRefused("proof", "the proof of randomness does not verify")
    elif not verify_paper(pk, election, spec, marks, f + credential):
        raise CastRefused("proof", "the paper's proofs do not verify")
    if on_board is not None and on_board(paper, [c.a.data for c in cts]):
        raise CastRefused("copied", "this encryption (or part of it) is already on the board")
    if _contains(spoiled, tracker):
        raise CastRefused("spoiled", "this paper was opened by a Benaloh challenge: it can never be cast")
    return CastPaper(election, key, paper, proof, tracker, {"c": signature["c"], "z": signature["z"]}, cts)


# ---------------------------------------------------------------------------------------------------- Benaloh v2

_OPENING_KEYS = {"type", "election", "fingerprint", "credential", "tracker", "paper", "proof", "values", "randomness"}


def check_opening(
    opening: Any,
    *,
    election: str,
    fingerprint: bytes | str,
    public_key: Point | bytes | str,
    candidates: int | None = None,
    question: QuestionSpec | dict[str, Any] | None = None,
) -> list[int]:
    """Check an opened paper on another device (crypto.md §11, Benaloh v2): each ciphertext re-encrypts from the
    revealed value and randomness, the proofs verify, the tracker recomputes. Returns the values (ranked: the
    record's encoding, see ranked_values; marks: 0/1 per option); CryptoError saying what differs."""
    if (candidates is None) == (question is None):
        raise CryptoError("check_opening needs either candidates (ranked) or question (marks)")
    if type(opening) is not dict or opening.get("type") != OPENING_TYPE:
        raise CryptoError(f"not a Benaloh opening (type must be {OPENING_TYPE!r})")
    if set(opening) != _OPENING_KEYS:
        raise CryptoError("the opening's fields are not " + ", ".join(sorted(_OPENING_KEYS)))
    f, pk = _fingerprint(fingerprint), _public_key(public_key)
    if opening["election"] != election:
        raise CryptoError(f"the opening is for election {opening['election']!r}, not {election!r}")
    if opening["fingerprint"] != f.hex():
        raise CryptoError("the opening is for other parameters (its fingerprint differs)")
    try:
        credential = bytes.fromhex(opening["credential"])
        Point.decode(credential)
        paper, proof = bytes.fromhex(opening["paper"]), bytes.fromhex(opening["proof"])
        values = opening["values"]
        rs = [int.from_bytes(bytes.fromhex(r), "little") for r in opening["randomness"]]
    except (TypeError, ValueError, CryptoError) as exc:
        raise CryptoError(f"malformed Benaloh opening: {exc}") from None
    if type(values) is not list or any(type(v) is not int for v in values) or any(r >= ORDER for r in rs):
        raise CryptoError("malformed Benaloh opening: values must be integers, randomness canonical scalars")
    if tracker_of(f, credential, paper, proof) != opening["tracker"]:
        raise CryptoError("the tracker is not the hash of this paper")
    if candidates is not None:
        k = candidates
        if len(paper) != 64 * k or len(values) != k or len(rs) != k:
            raise CryptoError(f"the opening does not have {k} positions, each with a value and a randomness")
        cts = [Ciphertext.decode(paper[64 * j : 64 * j + 64]) for j in range(k)]
        if not verify_randomness(pk, cts, proof, ranked_context(election, f, credential)):
            raise CryptoError("the proof of randomness does not verify")
        if any(not 0 <= v <= candidates for v in values):
            raise CryptoError("a position holds a value that is no candidate")
    else:
        spec = question if isinstance(question, QuestionSpec) else QuestionSpec.from_json(question)
        marks = decode_mark_paper(paper, spec)
        cts = list(marks.ciphertexts)
        if proof or len(values) != spec.options or len(rs) != spec.options:
            raise CryptoError(f"the opening does not have {spec.options} options, each with a mark and a randomness")
        if not verify_paper(pk, election, spec, marks, f + credential):
            raise CryptoError("the paper's proofs do not verify")
    for j, (m, r, c) in enumerate(zip(values, rs, cts, strict=True)):
        if encrypt(pk, m, r)[0] != c:
            raise CryptoError(f"position {j + 1}: the ciphertext does not encrypt the revealed value")
    return list(values)
