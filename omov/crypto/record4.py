"""The platform's election record, version 4 (docs/record.md §9): credentials, signed papers, mark ballots.

What the platform calls (stable API):

    ranked_parameters(election=, title=, public_key=, candidates=, seats=, rule=, count_seed=, mixers=,
                      credentials=, options={}, constraints=()) -> dict   parameters.json of a ranked ballot
    marks_parameters(election=, title=, public_key=, candidates=, seats=, rule=, count_seed=, question=,
                     credentials=, options={}, constraints=()) -> dict    parameters.json of a mark ballot
    rule_options(options) / constraints_json(constraints, candidates)    their canonical forms (record.md §9)
    count_rule(parameters) -> omov.count Rule            the preset with the options and constraints
    ranked_profile(...) / marks_profile(...) / count_record(parameters, profile)   the record's count
    fingerprint(parameters) -> bytes                     F = SHA-256 of parameters.json's exact bytes
    papers_file(election, entries) -> dict               papers.json (entries: CastPaper or their .entry() dicts)
    tally_of(papers, options) -> list[bytes]             marks: the summed ciphertext of each option (64 bytes)
    decryption_input(...)  / trustee_partials(secret, input) / check_partials(input, partials, inits)
    combine_ranked(...) / combine_marks(...)             decryption.json and the decrypted values
    mix_input(...) / run_mix(input, name) / check_mix(input, mix)   a trustee's (or the server's) mix
    ranked_results(parameters, papers, withdrawn=()) / marks_results(parameters, n, totals, withdrawn=())
                                                         results.json (ranked_counted / marks_counted: with the Count)
    write_record(directory, parameters=, credentials=, papers=, trustees=, decryption=, results=, mixes=)

`demo_parts(settings, kind)` simulates a whole election of either kind (`omov record demo`).
The independent verifier (omov.crypto.verify) imports nothing from here.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from omov.crypto import mixnet as mx
from omov.crypto import shuffle as sh
from omov.crypto import trustees as tr
from omov.crypto.credentials import CastPaper, credentials_list, derive_credential, encrypt_marks, encrypt_ranked
from omov.crypto.elgamal import Ciphertext, discrete_log
from omov.crypto.encoding import canonical_json, length_prefixed, point_from_hex, scalar_from_hex, u32
from omov.crypto.errors import CryptoError
from omov.crypto.group import Point, scalar_bytes
from omov.crypto.marks import QuestionSpec
from omov.crypto.proofs import DleqProof
from omov.crypto.record import (
    FORMAT,
    GENESIS,
    Ceremony,
    DemoSettings,
    chain_entry_hash,
    decryption_context,
    demo_rankings,
    dump,
    fixed_spans,
    ranking_fault,
    results_of,
)

VERSION = 4
RANKED_ENCODING = "position j holds m = (index of the candidate ranked j-th) + 1; m = 0: no preference"
MARKS_ENCODING = "option i holds m = 1 if it is marked, else 0"
TALLY_DOMAIN = b"omov/record/v4/tally"
DECRYPTION_INPUT_TYPE = "omov/record-decryption-input/v1"
PARTIALS_TYPE = "omov/record-partials/v1"
MIX_INPUT_TYPE = "omov/mix-input/v1"
MIX_TYPE = "omov/mix/v1"
SPAN = 256  # the fewest papers a worker process takes at once when decryptions are made or checked in parallel


# ---------------------------------------------------------------------------------------------------- parameters

# The count rule's options a record may change (record.md §9): each name and the JSON type of its value. Any other
# name is refused, so that the record's recount depends on nothing it does not name.
RULE_OPTIONS: dict[str, str] = {
    "quota": "string", "decimals": "integer or null", "ties": "array of strings", "batch_exclusion": "boolean",
    "max_marks": "integer or null", "allow_equal_rankings": "boolean", "meek_omega": "string",
    "meek_precision": "integer", "extra": "object",
}
RULE_EXTRA: dict[str, str] = {
    "rounding": "string", "empty_papers": "string", "meek_arithmetic": "string", "meek_guard": "integer",
    "meek_batch_defeat": "string",
}


def _is(value: Any, kind: str) -> bool:
    if kind == "string":
        return type(value) is str
    if kind == "integer":
        return type(value) is int and value >= 0
    if kind == "integer or null":
        return value is None or (type(value) is int and value >= 0)
    if kind == "boolean":
        return type(value) is bool
    if kind == "array of strings":
        return type(value) in (list, tuple) and all(type(v) is str for v in value)
    return type(value) is dict


def rule_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The count rule's option changes in the record's form (record.md §9), or CryptoError naming the option."""
    out: dict[str, Any] = {}
    for name, value in sorted((options or {}).items()):
        if name not in RULE_OPTIONS:
            raise CryptoError(f"options.{name}: not a rule option a record can hold (known: "
                              f"{', '.join(RULE_OPTIONS)})")
        if not _is(value, RULE_OPTIONS[name]):
            raise CryptoError(f"options.{name}: must be {RULE_OPTIONS[name]}, not {value!r}")
        if name == "extra":
            for key, item in value.items():
                if key not in RULE_EXTRA:
                    raise CryptoError(f"options.extra.{key}: not a rule option a record can hold (known: "
                                      f"{', '.join(RULE_EXTRA)})")
                if not _is(item, RULE_EXTRA[key]):
                    raise CryptoError(f"options.extra.{key}: must be {RULE_EXTRA[key]}, not {item!r}")
            value = dict(sorted(value.items()))
        out[name] = list(value) if name == "ties" else value
    return out


def constraints_json(constraints: Sequence[Any], candidates: Sequence[str]) -> list[dict[str, Any]]:
    """Balance rules in the record's form (record.md §9): {"group", "min", "max" (or null), "members": increasing
    0-based candidate indices}, in the order given. Takes omov.count Constraint objects (members by name) or the
    record's own dicts; CryptoError naming the constraint otherwise."""
    index = {name: i for i, name in enumerate(candidates)}
    out = []
    for n, con in enumerate(constraints):
        if isinstance(con, Mapping):
            group, lo, hi, members = con.get("group"), con.get("min"), con.get("max"), list(con.get("members", []))
        else:
            group, lo, hi = con.group, con.minimum, con.maximum
            try:
                members = [index[name] for name in con.members]
            except KeyError as exc:
                raise CryptoError(f"constraints[{n}]: {exc.args[0]!r} is not a candidate") from None
        members = sorted(set(members))
        if type(group) is not str or not group:
            raise CryptoError(f"constraints[{n}].group: must be a non-empty string")
        if type(lo) is not int or lo < 0 or (hi is not None and (type(hi) is not int or hi < lo)):
            raise CryptoError(f"constraints[{n}]: need 0 <= min <= max (max may be null)")
        if any(type(i) is not int or not 0 <= i < len(candidates) for i in members):
            raise CryptoError(f"constraints[{n}].members: must be candidate indices 0..{len(candidates) - 1}")
        out.append({"group": group, "min": lo, "max": hi, "members": members})
    return out


def count_rule(parameters: Mapping[str, Any]) -> Any:
    """The omov.count Rule a version-4 record counts under: the preset `rule` with `options` and `constraints`."""
    from omov.count import Constraint, preset

    names = parameters["candidates"]
    changes = dict(parameters.get("options") or {})
    if "ties" in changes:
        changes["ties"] = tuple(changes["ties"])
    cons = tuple(Constraint(c["group"], frozenset(names[i] for i in c["members"]), c["min"], c["max"])
                 for c in parameters.get("constraints") or ())
    rule = preset(parameters["rule"]).with_(**changes)
    return rule.with_(constraints=cons) if cons else rule


def _standing(parameters: Mapping[str, Any], profile: Any, withdrawn: Sequence[int]) -> Any:
    names = parameters["candidates"]
    return profile.withdraw(*(names[i] for i in withdrawn)) if withdrawn else profile


def ranked_profile(parameters: Mapping[str, Any], papers: Sequence[Mapping[str, Any]],
                   withdrawn: Sequence[int] = ()) -> Any:
    """The profile a ranked record counts: one paper per valid ranking, the invalid ones counted as such, the
    candidates withdrawn after opening marked withdrawn (their papers go to the next preference)."""
    from omov.count import Profile

    valid = [tuple(r["ranking"]) for r in papers if r["status"] == "valid"]
    profile = Profile.from_papers(parameters["candidates"], valid, seats=parameters["seats"],
                                  title=parameters["title"], invalid=len(papers) - len(valid))
    return _standing(parameters, profile, withdrawn)


def marks_profile(parameters: Mapping[str, Any], totals: Sequence[int], withdrawn: Sequence[int] = ()) -> Any:
    """record.md §9: for each option i, totals[i] one-mark papers of option i (all a mark count depends on)."""
    from omov.count import Profile

    papers = [((i,), n) for i, n in enumerate(totals) if n]
    profile = Profile.from_papers(parameters["candidates"], papers, seats=parameters["seats"],
                                  title=parameters["title"])
    return _standing(parameters, profile, withdrawn)


def count_record(parameters: Mapping[str, Any], profile: Any) -> Any:
    """The count (omov.count Count) of a record's profile under its rule, options, constraints, seats and seed."""
    from omov.count import count

    return count(profile, count_rule(parameters), seats=parameters["seats"], seed=parameters["count_seed"])


def withdrawn_indices(parameters: Mapping[str, Any], withdrawn: Sequence[int | str]) -> list[int]:
    """The withdrawn candidates (indices or names) as results.json lists them: increasing indices."""
    names = list(parameters["candidates"])
    out = set()
    for w in withdrawn:
        if isinstance(w, str):
            if w not in names:
                raise CryptoError(f"withdrawn: {w!r} is not a candidate")
            out.add(names.index(w))
        elif type(w) is int and 0 <= w < len(names):
            out.add(w)
        else:
            raise CryptoError(f"withdrawn: {w!r} is not a candidate index")
    return sorted(out)



def _credentials_digest(credentials: Mapping[str, Any]) -> str:
    return hashlib.sha256(dump(dict(credentials))).hexdigest()


def _common(election: str, title: str, public_key: str | bytes | Point, candidates: Sequence[str], seats: int,
            rule: str, count_seed: str, credentials: Mapping[str, Any], options: Mapping[str, Any] | None,
            constraints: Sequence[Any]) -> dict[str, Any]:
    pk = public_key.data.hex() if isinstance(public_key, Point) else \
        public_key.hex() if isinstance(public_key, bytes) else str(public_key)
    if credentials.get("election") != election:
        raise CryptoError("the credentials list is for another election")
    return {"election": election, "title": title, "group": "ristretto255", "generator": sh.G.hex(),
            "public_key": pk, "candidates": list(candidates), "seats": seats, "rule": rule,
            "count_seed": count_seed, "width": len(candidates), "shuffle_proof": sh.DOMAIN.decode(),
            "credentials": _credentials_digest(credentials), "options": rule_options(options),
            "constraints": constraints_json(constraints, candidates)}


def ranked_parameters(*, election: str, title: str, public_key: str | bytes | Point, candidates: Sequence[str],
                      seats: int, rule: str, count_seed: str, mixers: Sequence[str],
                      credentials: Mapping[str, Any], options: Mapping[str, Any] | None = None,
                      constraints: Sequence[Any] = ()) -> dict[str, Any]:
    """parameters.json of a ranked ballot (record.md §2.2 and §9): width = the number of candidates; the rule's
    option changes and the constraints (omov.count Constraint objects, or the record's dicts) fixed with them."""
    if not mixers:
        raise CryptoError("a ranked ballot needs at least one mix server")
    out = _common(election, title, public_key, candidates, seats, rule, count_seed, credentials, options,
                  constraints)
    out.update(kind="ranked", encoding=RANKED_ENCODING, mixers=list(mixers))
    return out


def marks_parameters(*, election: str, title: str, public_key: str | bytes | Point, candidates: Sequence[str],
                     seats: int, rule: str, count_seed: str, question: QuestionSpec | Mapping[str, Any],
                     credentials: Mapping[str, Any], options: Mapping[str, Any] | None = None,
                     constraints: Sequence[Any] = ()) -> dict[str, Any]:
    """parameters.json of a mark ballot (record.md §9): no mixers, the question of crypto.md §5."""
    spec = question if isinstance(question, QuestionSpec) else QuestionSpec.from_json(dict(question))
    if spec.options != len(candidates):
        raise CryptoError("the question must have one option per candidate")
    out = _common(election, title, public_key, candidates, seats, rule, count_seed, credentials, options,
                  constraints)
    out.update(kind="marks", encoding=MARKS_ENCODING, mixers=[], question=spec.to_json())
    return out


def fingerprint(parameters: Mapping[str, Any]) -> bytes:
    """F = SHA-256 of the exact bytes of parameters.json."""
    return hashlib.sha256(dump(dict(parameters))).digest()


# ---------------------------------------------------------------------------------------------------- papers


def papers_file(election: str, entries: Sequence[CastPaper | Mapping[str, Any]]) -> dict[str, Any]:
    """papers.json (record.md §9): the cast papers in the order cast, hash-chained over their v4 trackers."""
    chain = f"record:{election}:papers"
    out: list[dict[str, Any]] = []
    previous = GENESIS
    for position, item in enumerate(entries, start=1):
        e = item.entry() if isinstance(item, CastPaper) else dict(item)
        fields = {k: e[k] for k in ("tracker", "credential", "ciphertexts", "proof", "signature")}
        entry_hash = chain_entry_hash(chain, previous, position, fields["tracker"])
        out.append({**fields, "position": position, "previous_hash": previous, "entry_hash": entry_hash})
        previous = entry_hash
    return {"chain": chain, "papers": out, "head": {"position": len(out), "hash": previous}}


def _mark_ciphertexts(paper: bytes, options: int) -> list[bytes]:
    """The k ciphertexts (64 bytes each) of a mark paper's canonical bytes (crypto.md §5)."""
    out, pos = [], 0
    items = []
    while pos < len(paper):
        n = int.from_bytes(paper[pos : pos + 8], "big")
        items.append(paper[pos + 8 : pos + 8 + n])
        pos += 8 + n
    out = items[2 : 2 + options]
    if len(out) != options or any(len(c) != 64 for c in out):
        raise CryptoError("not a mark paper with this many options")
    return out


def tally_of(papers: Sequence[bytes | str], options: int) -> list[bytes]:
    """Marks: the component-wise sum of every cast paper's ciphertexts, option by option (64 bytes each)."""
    totals = [Ciphertext.zero() for _ in range(options)]
    for p in papers:
        data = bytes.fromhex(p) if isinstance(p, str) else p
        cts = [Ciphertext.decode(c) for c in _mark_ciphertexts(data, options)]
        totals = [t + c for t, c in zip(totals, cts, strict=True)]
    return [t.encode() for t in totals]


# ---------------------------------------------------------------------------------------------------- decryption


def tally_context(fp: bytes) -> bytes:
    """h = length_prefixed("omov/record/v4/tally", F) (record.md §9)."""
    return length_prefixed(TALLY_DOMAIN, fp)


def decryption_input(*, election: str, fingerprint: bytes, width: int | None = None,
                     papers: Sequence[bytes] | None = None, tally: Sequence[bytes] | None = None) -> dict[str, Any]:
    """What the platform offers a trustee to decrypt (record.md §9): the last mix's papers, or the tally."""
    base = {"type": DECRYPTION_INPUT_TYPE, "election": election, "fingerprint": fingerprint.hex()}
    if papers is not None:
        if width is None:
            raise CryptoError("a ranked decryption input needs the width")
        return {**base, "kind": "ranked", "width": width, "papers": [p.hex() for p in papers]}
    if tally is None:
        raise CryptoError("give papers (ranked) or tally (marks)")
    return {**base, "kind": "marks", "tally": [t.hex() for t in tally]}


def input_digest(obj: Mapping[str, Any]) -> str:
    """SHA-256 hex of a file's canonical JSON (crypto.md §6: keys sorted, no whitespace, no final newline)."""
    return hashlib.sha256(canonical_json(dict(obj))).hexdigest()


def _input_items(obj: Mapping[str, Any]) -> tuple[bytes, list[tuple[bytes, list[Ciphertext]]]]:
    """(F, [(context, ciphertexts)]) for each unit a trustee decrypts under one context."""
    if obj.get("type") != DECRYPTION_INPUT_TYPE:
        raise CryptoError(f"not a decryption input (type must be {DECRYPTION_INPUT_TYPE!r})")
    fp = bytes.fromhex(obj["fingerprint"])
    if obj.get("kind") == "ranked":
        k = int(obj["width"])
        units = []
        for i, p in enumerate(obj["papers"]):
            units.append((decryption_context(fp, i), list(mx.decode_paper(bytes.fromhex(p), k))))
        return fp, units
    if obj.get("kind") == "marks":
        return fp, [(tally_context(fp), [Ciphertext.decode(bytes.fromhex(t)) for t in obj["tally"]])]
    raise CryptoError("the decryption input's kind must be 'ranked' or 'marks'")


def _share(d: Point, proof: DleqProof) -> list[str]:
    return [d.data.hex(), scalar_bytes(proof.c).hex(), scalar_bytes(proof.z).hex()]


def trustee_partials(secret: tr.TrusteeSecret, input_obj: Mapping[str, Any], rng: Any = None, *,
                     workers: int | None = 1) -> dict[str, Any]:
    """A trustee's partial decryptions with proofs (record.md §9): every position of every paper, or every option
    of the tally, under the record's contexts (§4, §9). With `workers` > 1 (and no seeded `rng`), the papers are
    shared among that many processes."""
    if input_obj.get("election") != secret.election:
        raise CryptoError(f"the input is for election {input_obj.get('election')!r}, not {secret.election!r}")
    if rng is not None or input_obj.get("kind") != "ranked":
        workers = 1
    _, units = _input_items(input_obj)
    with sh.Workers(workers) as pool:
        jobs = [(secret.to_json(), [(c, [x.encode() for x in cts]) for c, cts in units[a:b]], rng)
                for a, b in pool.spans(len(units), SPAN)]
        shares = [unit for part in pool.map(_partials_span, jobs) for unit in part]
    return {"type": PARTIALS_TYPE, "election": secret.election, "fingerprint": input_obj["fingerprint"],
            "trustee": secret.id, "input": input_digest(input_obj),
            "shares": shares if input_obj["kind"] == "ranked" else shares[0]}


def _partials_span(job: tuple[Any, ...]) -> list[list[list[str]]]:
    secret_json, units, rng = job
    secret = tr.TrusteeSecret.from_json(secret_json)
    return [[_share(d, p) for d, p in tr.partial_decrypt(secret, [Ciphertext.decode(c) for c in cts], context,
                                                         rng=rng)]
            for context, cts in units]


def check_partials(input_obj: Mapping[str, Any], partials: Any, inits: Sequence[Any], *,
                   workers: int | None = 1) -> list[list[Point]]:
    """Check a trustee's uploaded partials against the input and its verification key; returns the shares d
    (per paper, per position; marks: one list of the options) or CryptoError naming the item that fails (the
    first in order, however many `workers` processes share the proofs)."""
    if type(partials) is not dict or partials.get("type") != PARTIALS_TYPE:
        raise CryptoError(f"not a trustee's partial decryptions (type must be {PARTIALS_TYPE!r})")
    for key in ("election", "fingerprint"):
        if partials.get(key) != input_obj.get(key):
            raise CryptoError(f"{key}: the partials are for another {key}")
    if partials.get("input") != input_digest(input_obj):
        raise CryptoError("input: the partials decrypt another input file")
    if input_obj.get("type") != DECRYPTION_INPUT_TYPE or input_obj.get("kind") not in ("ranked", "marks"):
        _input_items(input_obj)  # raises, naming what is wrong with the input
    trustee = partials.get("trustee")
    if type(trustee) is not int or not 1 <= trustee <= len(inits):
        raise CryptoError("trustee: not one of the election's trustees")
    vkey = tr.verification_key(inits, trustee)
    kind = input_obj["kind"]
    items = input_obj["papers"] if kind == "ranked" else [None]
    shares = partials.get("shares")
    if kind == "marks":
        shares = [shares]
    if type(shares) is not list or len(shares) != len(items):
        raise CryptoError(f"shares: {len(items)} entries expected")
    with sh.Workers(workers) as pool:
        spans = pool.spans(len(items), SPAN)
        jobs = [(dict(input_obj, papers=[], tally=[]) if kind == "ranked" else dict(input_obj), partials["election"],
                 trustee, vkey.data, a, items[a:b] if kind == "ranked" else None, shares[a:b]) for a, b in spans]
        out: list[list[Point]] = []
        for found in pool.map(_check_partials_span, jobs):
            if isinstance(found, str):
                raise CryptoError(found)
            out += [[Point(d) for d in unit] for unit in found]
    return out


def _check_partials_span(job: tuple[Any, ...]) -> list[list[bytes]] | str:
    """Papers `start`.. of a ranked input (or the tally of a marks input) checked in order: the shares d as bytes,
    or the message naming the first that fails."""
    input_obj, election, trustee, vkey_data, start, papers, shares = job
    vkey = Point(vkey_data)
    fp = bytes.fromhex(input_obj["fingerprint"])
    ranked = input_obj["kind"] == "ranked"
    out = []
    for offset, unit in enumerate(shares):
        i = start + offset
        if ranked:
            context = decryption_context(fp, i)
            cts = list(mx.decode_paper(bytes.fromhex(papers[offset]), int(input_obj["width"])))
        else:
            context = tally_context(fp)
            cts = [Ciphertext.decode(bytes.fromhex(t)) for t in input_obj["tally"]]
        where = f"paper {i + 1}" if ranked else "tally"
        if type(unit) is not list or len(unit) != len(cts):
            return f"shares: {where}: {len(cts)} shares expected"
        try:
            parts = [(point_from_hex(d), DleqProof(scalar_from_hex(c), scalar_from_hex(z))) for d, c, z in unit]
        except (CryptoError, ValueError, TypeError):
            return f"shares: {where}: a share is not [point, scalar, scalar]"
        for j, (ct, part) in enumerate(zip(cts, parts, strict=True)):
            if not _verify_at(election, trustee, vkey, ct, part, context, j):
                return f"shares: {where}, position {j + 1}: trustee {trustee}'s proof does not verify"
        out.append([d.data for d, _ in parts])
    return out


def _verify_at(election: str, trustee: int, key: Point, ct: Ciphertext, part: tuple[Point, DleqProof],
               context: bytes, index: int) -> bool:
    from omov.crypto.proofs import verify_dleq

    ctx = length_prefixed(b"omov/v1/partial-decryption", election.encode("utf-8"), u32(trustee), context, u32(index))
    return verify_dleq(Point.base(), key, ct.a, part[0], part[1], ctx)


def _combine(cts: Sequence[Ciphertext], shares: Mapping[int, Sequence[Point]]) -> list[Point]:
    weights = tr.lagrange_at_zero(sorted(shares))
    out = []
    for j, ct in enumerate(cts):
        total = Point.identity()
        for t, ds in shares.items():
            total = total + ds[j] * weights[t]
        out.append(ct.b - total)
    return out


def combine_ranked(input_obj: Mapping[str, Any], partials: Mapping[int, Mapping[str, Any]], inits: Sequence[Any],
                   candidates: int, *, workers: int | None = 1) -> tuple[dict[str, Any], list[list[int | None]]]:
    """decryption.json of a ranked record from the (checked) partials of at least t trustees, keeping for each
    paper only the positions up to its first fault (record.md §7), and the values so published."""
    threshold = int(inits[0]["t"])
    checked = {t: check_partials(input_obj, p, inits, workers=workers) for t, p in sorted(partials.items())}
    if len(checked) < threshold:
        raise CryptoError(f"{len(checked)} trustees decrypted; {threshold} are needed")
    present = sorted(checked)
    items = input_obj["papers"]
    width = int(input_obj["width"])
    with sh.Workers(workers) as pool:
        jobs = [(items[a:b], width, {t: [[d.data for d in unit] for unit in checked[t][a:b]] for t in present},
                 candidates) for a, b in pool.spans(len(items), SPAN)]  # fmt: skip
        decrypted = [vs for part in pool.map(_combine_span, jobs) for vs in part]
    papers, values = [], []
    for i, vs in enumerate(decrypted):
        fault = ranking_fault(vs, candidates)
        shown = len(vs) if fault is None else fault + 1
        papers.append([[partials[t]["shares"][i][j] for t in present] for j in range(shown)])
        values.append(vs[:shown])
    return {"present": present, "papers": papers}, values


def _combine_span(job: tuple[Any, ...]) -> list[list[int | None]]:
    """The values of some papers from t trustees' (checked) shares d: m*G = b - sum of lambda_t * d_t, looked up
    among 0..candidates (None: no such value)."""
    papers, width, shares, candidates = job
    table = {sh.base_mul(m): m for m in range(candidates + 1)}
    out = []
    for offset, paper in enumerate(papers):
        cts = mx.decode_paper(bytes.fromhex(paper), width)
        points = _combine(cts, {t: [Point(d) for d in ds[offset]] for t, ds in shares.items()})
        out.append([table.get(p.data) for p in points])
    return out


def combine_marks(input_obj: Mapping[str, Any], partials: Mapping[int, Mapping[str, Any]], inits: Sequence[Any],
                  papers: int) -> tuple[dict[str, Any], list[int]]:
    """decryption.json of a mark record and the totals (each found in 0..papers)."""
    threshold = int(inits[0]["t"])
    checked = {t: check_partials(input_obj, p, inits)[0] for t, p in sorted(partials.items())}
    if len(checked) < threshold:
        raise CryptoError(f"{len(checked)} trustees decrypted; {threshold} are needed")
    present = sorted(checked)
    _, units = _input_items(input_obj)
    totals = [discrete_log(p, papers) for p in _combine(units[0][1], checked)]
    tally = [[partials[t]["shares"][i] for t in present] for i in range(len(totals))]
    return {"present": present, "tally": tally}, totals


# ---------------------------------------------------------------------------------------------------- mixes


def mix_input(*, election: str, fingerprint: bytes, index: int, public_key: str | bytes | Point, width: int,
              papers: Sequence[bytes]) -> dict[str, Any]:
    """What mix server `index` (1-based) takes: the cast papers' P (index 1) or the previous mix's outputs."""
    pk = public_key.data.hex() if isinstance(public_key, Point) else \
        public_key.hex() if isinstance(public_key, bytes) else str(public_key)
    return {"type": MIX_INPUT_TYPE, "election": election, "fingerprint": fingerprint.hex(), "index": index,
            "public_key": pk, "width": width, "papers": [p.hex() for p in papers]}


def _mix_parts(obj: Mapping[str, Any]) -> tuple[bytes, bytes, int, int, list[bytes]]:
    if obj.get("type") != MIX_INPUT_TYPE:
        raise CryptoError(f"not a mix input (type must be {MIX_INPUT_TYPE!r})")
    fp, pk = bytes.fromhex(obj["fingerprint"]), point_from_hex(obj["public_key"]).data
    width, index = int(obj["width"]), int(obj["index"])
    papers = [bytes.fromhex(p) for p in obj["papers"]]
    for i, p in enumerate(papers):
        if len(p) != 64 * width:
            raise CryptoError(f"papers[{i}]: a paper of width {width} is {64 * width} bytes")
    if len(fp) != 32 or index < 1 or len(papers) < 2:
        raise CryptoError("a mix input needs a 32-byte fingerprint, an index from 1 and at least two papers")
    return fp, pk, width, index, papers


def run_mix(input_obj: Mapping[str, Any], name: str, *, rng: Any = None, workers: int | None = 1) -> dict[str, Any]:
    """Shuffle, re-encrypt and prove: {"type": "omov/mix/v1", "election", "fingerprint", "input": SHA-256 hex of
    the input's canonical JSON, "mix": the record's mixes/mix-NN.json object (record.md §2.5)}."""
    fp, pk, width, index, papers = _mix_parts(input_obj)
    with sh.Workers(workers) as pool:
        outputs, psi, rands = sh.shuffle(pk, papers, width, rng=rng, pool=pool)
        context = mx.mix_context(input_obj["election"], fp, index)
        proof = sh.prove_shuffle(pk, papers, outputs, psi, rands, width, context, rng=rng, pool=pool)
    return {"type": MIX_TYPE, "election": input_obj["election"], "fingerprint": fp.hex(),
            "input": input_digest(input_obj),
            "mix": {"index": index, "mixer": name, "outputs": [p.hex() for p in outputs], "proof": proof.to_json()}}


def check_mix(input_obj: Mapping[str, Any], mix_obj: Any, *, workers: int | None = 1) -> dict[str, Any]:
    """The uploaded mix's record object if its proof of shuffle holds for this input; CryptoError naming what
    fails otherwise."""
    fp, pk, width, index, papers = _mix_parts(input_obj)
    if type(mix_obj) is not dict or mix_obj.get("type") != MIX_TYPE:
        raise CryptoError(f"not a mix (type must be {MIX_TYPE!r})")
    for key in ("election", "fingerprint"):
        if mix_obj.get(key) != input_obj.get(key):
            raise CryptoError(f"{key}: the mix is for another {key}")
    if mix_obj.get("input") != input_digest(input_obj):
        raise CryptoError("input: the mix was made from another input file")
    mix = mix_obj.get("mix")
    if type(mix) is not dict or set(mix) != {"index", "mixer", "outputs", "proof"}:
        raise CryptoError("mix: must hold exactly index, mixer, outputs and proof")
    if mix["index"] != index or type(mix["mixer"]) is not str:
        raise CryptoError(f"mix.index: must be {index}")
    try:
        outputs = [bytes.fromhex(p) for p in mix["outputs"]]
        proof = sh.ShuffleProof.from_json(mix["proof"])
    except (CryptoError, ValueError, TypeError, KeyError) as exc:
        raise CryptoError(f"mix: malformed outputs or proof ({exc})") from None
    with sh.Workers(workers) as pool:
        reason = sh.check_shuffle(pk, papers, outputs, proof, width, mx.mix_context(input_obj["election"], fp, index),
                                  pool=pool)
    if reason is not None:
        raise CryptoError(f"mix.proof: the proof of shuffle fails: {reason}")
    return mix


# ---------------------------------------------------------------------------------------------------- results


def _sheet(count: Any) -> Any:
    import json

    from omov.count.sheet import to_dict

    return json.loads(json.dumps(to_dict(count)))


def ranked_counted(parameters: Mapping[str, Any], values: Sequence[Sequence[int | None]],
                   withdrawn: Sequence[int | str] = ()) -> tuple[dict[str, Any], Any, Any]:
    """(results.json, the profile counted, its omov.count Count) of a ranked record from each paper's published
    values and the candidates withdrawn after opening (indices or names)."""
    papers = results_of(values, len(parameters["candidates"]))
    gone = withdrawn_indices(parameters, withdrawn)
    profile = ranked_profile(parameters, papers, gone)
    counted = count_record(parameters, profile)
    return {"papers": papers, "withdrawn": gone, "count": _sheet(counted)}, profile, counted


def ranked_results(parameters: Mapping[str, Any], values: Sequence[Sequence[int | None]],
                   withdrawn: Sequence[int | str] = ()) -> dict[str, Any]:
    """results.json of a ranked record (see ranked_counted)."""
    return ranked_counted(parameters, values, withdrawn)[0]


def marks_counted(parameters: Mapping[str, Any], papers: int, totals: Sequence[int],
                  withdrawn: Sequence[int | str] = ()) -> tuple[dict[str, Any], Any, Any]:
    """(results.json, the profile counted, its Count) of a mark record: the profile holds n_i one-mark papers for
    each option i (record.md §9), with the candidates withdrawn after opening marked so."""
    gone = withdrawn_indices(parameters, withdrawn)
    profile = marks_profile(parameters, totals, gone)
    counted = count_record(parameters, profile)
    return {"papers": papers, "totals": list(totals), "withdrawn": gone, "count": _sheet(counted)}, profile, counted


def marks_results(parameters: Mapping[str, Any], papers: int, totals: Sequence[int],
                  withdrawn: Sequence[int | str] = ()) -> dict[str, Any]:
    """results.json of a mark record (see marks_counted)."""
    return marks_counted(parameters, papers, totals, withdrawn)[0]


# ---------------------------------------------------------------------------------------------------- writing


def write_record(
    directory: Path | str, *, parameters: Mapping[str, Any], credentials: Mapping[str, Any],
    papers: Mapping[str, Any] | Sequence[CastPaper | Mapping[str, Any]], trustees: Mapping[str, Any],
    decryption: Mapping[str, Any], results: Mapping[str, Any], mixes: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Write a version 4 record directory from its parts and compute the manifest. `papers` is papers.json or the
    cast papers in the order cast; `trustees` is trustees.json (record.md §2.3); `mixes` the mix file objects
    (ranked), in order. Refuses parts that do not belong together (election, credentials digest, mixers)."""
    election = parameters["election"]
    if parameters.get("credentials") != _credentials_digest(credentials):
        raise CryptoError("parameters.credentials is not the SHA-256 of this credentials.json")
    if credentials.get("election") != election:
        raise CryptoError("credentials.json is for another election")
    if len(mixes) != len(parameters.get("mixers", [])):
        raise CryptoError(f"{len(mixes)} mixes for {len(parameters.get('mixers', []))} mix servers")
    listing = dict(papers) if isinstance(papers, Mapping) else papers_file(election, papers)
    files: dict[str, Any] = {
        "parameters.json": dict(parameters), "credentials.json": dict(credentials), "trustees.json": dict(trustees),
        "papers.json": listing, "decryption.json": dict(decryption), "results.json": dict(results),
    }
    for i, mix in enumerate(mixes, start=1):
        if mix.get("index") != i:
            raise CryptoError(f"mix {i} says it is mix {mix.get('index')}")
        files[f"mixes/mix-{i:02d}.json"] = dict(mix)
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


# ---------------------------------------------------------------------------------------------------- the demo


def demo_code(rng: random.Random) -> str:
    """A seeded credential code (the demo's voters; real codes come from credentials.new_code)."""
    from omov.crypto.credentials import ALPHABET

    s = "".join(rng.choice(ALPHABET) for _ in range(25))
    return "-".join(s[i : i + 5] for i in range(0, 25, 5))


_CastJob = tuple[str, str, bytes, bytes, list[Any], int]


def _cast_job(job: _CastJob) -> list[dict[str, Any]]:
    kind, election, fp, pk, items, seed = job
    rng = random.Random(seed)
    out = []
    for code, choice, spec in items:
        if kind == "ranked":
            sealed = encrypt_ranked(election=election, fingerprint=fp, public_key=pk, candidates=spec,
                                    ranking=choice, code=code, rng=rng)
        else:
            sealed = encrypt_marks(election=election, fingerprint=fp, public_key=pk, question=spec, marks=choice,
                                   code=code, rng=rng)
        c = sealed.cast
        out.append({"tracker": c["tracker"], "credential": c["credential"], "ciphertexts": c["paper"],
                    "proof": c["proof"], "signature": c["signature"]})
    return out


def demo_parts(settings: DemoSettings, kind: str = "ranked") -> tuple[dict[str, Any], str]:
    """The parts write_record takes, for a simulated election: voters with credentials cast signed papers;
    ranked: two mixes, trustees' partials, a recount; marks: the tally decrypted by the trustees."""
    if kind not in ("ranked", "marks"):
        raise CryptoError("the kind is 'ranked' or 'marks'")
    seed = settings.seed if settings.seed is not None else sh.sb(sh.random_scalar()).hex()[:16]
    rng = random.Random(f"omov-demo-v4/{kind}/{seed}")
    election = f"demo-{seed}"
    c = settings.candidates
    names = settings.candidate_names or [f"Candidate {chr(65 + i)}" if i < 26 else f"Candidate {i + 1}"
                                         for i in range(c)]
    if not 1 <= settings.threshold <= settings.trustees:
        raise CryptoError("the threshold must be between 1 and the number of trustees")
    if not 1 <= settings.seats < c:
        raise CryptoError("there must be more candidates than seats")
    if settings.papers < 2 or (kind == "ranked" and settings.mixers < 1):
        raise CryptoError("a demo needs at least two papers (and, ranked, one mix server)")
    ceremony = Ceremony.run(election, settings.trustees, settings.threshold, rng)
    pk = ceremony.public_key
    codes = [demo_code(rng) for _ in range(settings.papers + 2)]  # two voters on the roll do not vote
    credentials = credentials_list(election, [derive_credential(election, code).public for code in codes])
    common: dict[str, Any] = {"election": election, "title": f"Demo election {seed} ({kind})", "public_key": pk,
              "candidates": names, "seats": settings.seats, "count_seed": seed, "credentials": credentials}
    if kind == "ranked":
        parameters = ranked_parameters(**common, rule="scottish",
                                       mixers=[f"mix-{i}" for i in range(1, settings.mixers + 1)])
        choices: list[Any] = demo_rankings(rng, settings.papers, c)
        spec: Any = c
    else:
        question = QuestionSpec.bloc("demo", c, up_to=settings.seats)
        parameters = marks_parameters(**common, rule="bloc", question=question)
        choices = []
        for _ in range(settings.papers):
            marked = rng.sample(range(c), rng.randint(0, settings.seats))
            choices.append([1 if i in marked else 0 for i in range(c)])
        spec = question.to_json()
    fp = fingerprint(parameters)
    items = [(code, choice, spec) for code, choice in zip(codes, choices, strict=False)]
    present = list(range(1, settings.threshold + 1)) if settings.threshold < settings.trustees else \
        list(range(1, settings.trustees + 1))
    inits = ceremony.inits
    with sh.Workers(settings.workers) as pool:
        jobs: list[_CastJob] = [(kind, election, fp, pk.data, items[s:e], rng.getrandbits(128))
                                for s, e in fixed_spans(len(items))]
        entries = [e for chunk in pool.map(_cast_job, jobs) for e in chunk]
        cast = [bytes.fromhex(e["ciphertexts"]) for e in entries]
        mixes: list[dict[str, Any]] = []
        if kind == "ranked":
            for mix in mx.run_mixnet(pk, cast, c, election, fp, parameters["mixers"], rng=rng, pool=pool):
                mixes.append({"index": mix.index, "mixer": mix.mixer, "outputs": [p.hex() for p in mix.outputs],
                              "proof": mix.proof.to_json()})
            final = [bytes.fromhex(p) for p in mixes[-1]["outputs"]]
            dinput = decryption_input(election=election, fingerprint=fp, width=c, papers=final)
            partials = {t: trustee_partials(ceremony.secrets[t], dinput, rng=rng) for t in present}
            decryption, values = combine_ranked(dinput, partials, inits, c)
            results = ranked_results(parameters, values)
        else:
            dinput = decryption_input(election=election, fingerprint=fp, tally=tally_of(cast, c))
            partials = {t: trustee_partials(ceremony.secrets[t], dinput, rng=rng) for t in present}
            decryption, totals = combine_marks(dinput, partials, inits, len(cast))
            results = marks_results(parameters, len(cast), totals)
    parts = {"parameters": parameters, "credentials": credentials, "papers": papers_file(election, entries),
             "trustees": ceremony.to_json(), "decryption": decryption, "results": results, "mixes": mixes}
    return parts, election
