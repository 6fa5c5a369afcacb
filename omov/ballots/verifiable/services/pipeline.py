"""The close pipeline of a verifiable ballot (docs/record.md §1 and §9), each step a background job or an upload:

ranked: close → the server's mix (job) → [a trustee's mix, uploaded and its proof checked] → decryption input →
        t trustees' partial decryptions, uploaded and checked → combine, results, count (job) → counted
marks:  close → the tally, summed under encryption (job) → decryption input → t trustees' partials → count

The ballot stays `closed` until the count stores its Result (as `count_ballot` does for other ballots); the
stage is on the Election row. Publishing is `publish_result`, as for every ballot.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from omov.audit.models import Job
from omov.audit.services import actor_name, create_job, record, report_progress
from omov.ballots.errors import BallotError, IllegalTransition, NotAllowed, RecordError
from omov.ballots.models import Ballot, DecryptionInput, Election, Mix, Paper, PartialDecryption, Result, Trustee, Voter
from omov.ballots.permissions import is_officer
from omov.ballots.services._common import S, _lock, _move, _require_officer
from omov.ballots.verifiable.election import (
    INPUT_TYPE,
    MIX_INPUT_TYPE,
    MIX_TYPE,
    PARTIALS_TYPE,
    dump,
    mixers_for,
    paper_context,
    parameters_of,
    partial_context,
    sha256_hex,
    tally_context,
)
from omov.ballots.verifiable.services.ceremony import read_upload, refuse_secrets
from omov.core.actors import is_system
from omov.core.jobs import enqueue
from omov.crypto import shuffle as sh
from omov.crypto import trustees as tr
from omov.crypto.credentials import decode_mark_paper
from omov.crypto.elgamal import Ciphertext
from omov.crypto.encoding import canonical_json
from omov.crypto.errors import CryptoError
from omov.crypto.group import Point
from omov.crypto.marks import QuestionSpec
from omov.crypto.mixnet import mix_context
from omov.crypto.proofs import DleqProof, verify_dleq

ST = Election.Stage


def start_pipeline(*, ballot: Ballot, actor: Any) -> Job:
    """Queue the first step after the close (call inside close_ballot's transaction): the server's mix of a ranked
    ballot, the encrypted tally of a marks ballot."""
    job = create_job(kind="verifiable-prepare", subject=f"ballot:{ballot.pk}", created_by=actor)
    Election.objects.filter(ballot=ballot).update(stage=ST.MIXING)
    record(actor=actor, action="ballot.verifiable.prepare.queued", subject=f"ballot:{ballot.pk}",
           details={"job": str(job.pk)})  # fmt: skip
    enqueue("omov.ballots.verifiable.prepare", str(job.pk), ballot.pk, actor_name(actor))
    return job


def cast_papers(ballot: Ballot) -> list[dict[str, Any]]:
    """The cast JSON of every paper, in the order cast (chain position)."""
    rows = Paper.objects.filter(ballot=ballot).order_by("position").values_list("content", flat=True)
    return [json.loads(bytes(c)) for c in rows.iterator(chunk_size=2000)]


def _election(ballot: Ballot) -> tuple[Election, dict[str, Any]]:
    election = Election.objects.get(ballot=ballot)
    return election, parameters_of(election)


@transaction.atomic
def prepare_decryption(*, ballot: Ballot, actor: Any, job: Job | None = None) -> str:
    """The job after the close: a ranked ballot's papers mixed by the server (with its proof of shuffle, checked
    before it is stored); a marks ballot's papers summed option by option. Then the decryption input is offered
    to the trustees, unless a trustee's mix comes first. Returns the stage reached."""
    _require_officer(actor, ballot)
    locked = _lock(ballot)
    election, params = _election(locked)
    if locked.state != S.CLOSED or election.stage != ST.MIXING:
        raise IllegalTransition(f"{locked.title!r} is not waiting for its papers to be mixed or summed")
    papers = [bytes.fromhex(p["paper"]) for p in cast_papers(locked)]
    if len(papers) < 2:
        raise RecordError(f"{locked.title!r} has {len(papers)} paper(s): a verifiable count needs at least two "
                          "(fewer would tell each voter's choice); cancel the ballot instead")  # fmt: skip
    if job is not None:
        report_progress(job=job, done=0, total=len(papers), message="mixing" if locked.ranked else "summing")
    fingerprint = bytes.fromhex(election.fingerprint)
    pk = bytes.fromhex(election.public_key)
    if locked.ranked:
        width = int(params["width"])
        with sh.Workers(1) as pool:
            outputs, psi, rands = sh.shuffle(pk, papers, width, pool=pool)
            context = mix_context(election.election_id, fingerprint, 1)
            proof = sh.prove_shuffle(pk, papers, outputs, psi, rands, width, context, pool=pool)
            reason = sh.check_shuffle(pk, papers, outputs, proof, width, context, pool=pool)
        if reason is not None:  # pragma: no cover - our own proof
            raise RecordError(f"the server's mix does not verify: {reason}")
        mix = {"index": 1, "mixer": params["mixers"][0], "outputs": [o.hex() for o in outputs],
               "proof": proof.to_json()}  # fmt: skip
        Mix.objects.create(ballot=locked, index=1, mixer=mix["mixer"], content=canonical_json(mix).decode(),
                           checked=True)  # fmt: skip
        record(actor=actor, action="ballot.verifiable.mixed", subject=f"ballot:{locked.pk}",
               details={"index": 1, "mixer": mix["mixer"], "papers": len(papers),
                        "sha256": sha256_hex(dump(mix))})  # fmt: skip
        if len(params["mixers"]) > 1:
            Election.objects.filter(pk=election.pk).update(stage=ST.TRUSTEE_MIX)
            return ST.TRUSTEE_MIX
        _offer_input(locked, election, params, outputs)
    else:
        spec = QuestionSpec.from_json(params["question"])
        totals = [Ciphertext.zero() for _ in range(spec.options)]
        for done, paper in enumerate(papers, 1):
            cts = decode_mark_paper(paper, spec).ciphertexts
            totals = [t + c for t, c in zip(totals, cts, strict=True)]
            if job is not None and done % 500 == 0:
                report_progress(job=job, done=done)
        _offer_input(locked, election, params, [c.encode() for c in totals])
    return ST.DECRYPTING


def _offer_input(ballot: Ballot, election: Election, params: dict[str, Any], items: list[bytes]) -> None:
    body: dict[str, Any] = {"type": INPUT_TYPE, "election": election.election_id,
                            "fingerprint": election.fingerprint, "kind": params["kind"], "width": params["width"]}
    body["papers" if params["kind"] == "ranked" else "tally"] = [i.hex() for i in items]
    content = canonical_json(body)
    DecryptionInput.objects.create(ballot=ballot, content=content.decode(), digest=sha256_hex(content))
    Election.objects.filter(pk=election.pk).update(stage=ST.DECRYPTING)
    record(actor=_pipeline_actor(), action="ballot.verifiable.decryption.offered",
           subject=f"ballot:{ballot.pk}", details={"input_sha256": sha256_hex(content), "items": len(items)})


def _pipeline_actor() -> Any:
    from omov.core.actors import SYSTEM

    return SYSTEM


def mix_input(*, ballot: Ballot) -> dict[str, Any]:
    """What a trustee downloads to mix (omov/mix-input/v1): the server's mix outputs, for `omov mix`."""
    election, params = _election(ballot)
    if election.stage != ST.TRUSTEE_MIX:
        raise IllegalTransition(f"{ballot.title!r} is not waiting for a trustee's mix (it is at {election.stage})")
    first = json.loads(Mix.objects.get(ballot=ballot, index=1).content)
    return {"type": MIX_INPUT_TYPE, "election": election.election_id, "fingerprint": election.fingerprint,
            "index": 2, "public_key": election.public_key, "width": params["width"], "papers": first["outputs"]}


def _may_act_for(actor: Any, trustee: Trustee) -> bool:
    if is_system(actor):
        return True
    if trustee.user_id is not None and getattr(actor, "pk", None) == trustee.user_id:
        return True
    return is_officer(actor=actor, ballot=trustee.ballot)


@transaction.atomic
def upload_mix(*, ballot: Ballot, trustee: Trustee, actor: Any, data: Any) -> Mix:
    """A trustee's mix (`omov mix` output, omov/mix/v1) of the server's mix outputs: its proof of shuffle is
    checked, and a bad one refused naming what failed; then the decryption input is offered."""
    locked = _lock(ballot)
    if trustee.ballot_id != locked.pk or not _may_act_for(actor, trustee):
        raise NotAllowed(f"only a trustee of {locked.title!r} (or a returning officer for them) can upload a mix")
    election, params = _election(locked)
    if election.stage != ST.TRUSTEE_MIX:
        raise IllegalTransition(f"{locked.title!r} is not waiting for a trustee's mix (it is at {election.stage})")
    what = f"the mix of trustee {trustee.number} ({trustee.name})"
    obj = read_upload(data, what)
    refuse_secrets(obj, what)
    if obj.get("type") != MIX_TYPE:
        raise RecordError(f"{what}: not a mix file (type must be {MIX_TYPE!r}; made by `omov mix`)")
    if obj.get("election", election.election_id) != election.election_id or obj.get(
        "fingerprint", election.fingerprint
    ) != election.fingerprint:
        raise RecordError(f"{what}: the file is for another election or other parameters")
    mix = obj.get("mix", obj)
    try:
        index, mixer = mix["index"], mix["mixer"]
        outputs = [bytes.fromhex(o) for o in mix["outputs"]]
        proof = sh.ShuffleProof.from_json(mix["proof"])
    except (KeyError, TypeError, ValueError, CryptoError) as exc:
        raise RecordError(f"{what}: the mix file is malformed ({exc})") from None
    if index != 2:
        raise RecordError(f"{what}: this is mix number {index!r}; the trustee's mix is number 2")
    expected = mixers_for(locked)[1]
    if mixer != expected:
        raise RecordError(f"{what}: the mixer is named {mixer!r}; the parameters name {expected!r} (run `omov mix "
                          f"--name {expected}`)")  # fmt: skip
    first = json.loads(Mix.objects.get(ballot=locked, index=1).content)
    inputs = [bytes.fromhex(p) for p in first["outputs"]]
    width = int(params["width"])
    if len(outputs) != len(inputs) or any(len(o) != 64 * width for o in outputs):
        raise RecordError(f"{what}: it must hold {len(inputs)} papers of {64 * width} bytes each")
    context = mix_context(election.election_id, bytes.fromhex(election.fingerprint), 2)
    with sh.Workers(1) as pool:
        try:
            reason = sh.check_shuffle(bytes.fromhex(election.public_key), inputs, outputs, proof, width, context,
                                      pool=pool)  # fmt: skip
        except CryptoError as exc:
            reason = str(exc)
    if reason is not None:
        raise RecordError(f"{what}: the proof of shuffle does not verify: {reason}")
    clean = {"index": 2, "mixer": mixer, "outputs": [o.hex() for o in outputs], "proof": proof.to_json()}
    stored = Mix.objects.create(ballot=locked, index=2, mixer=mixer, content=canonical_json(clean).decode(),
                                checked=True)  # fmt: skip
    record(actor=actor, action="ballot.verifiable.mixed", subject=f"ballot:{locked.pk}",
           details={"index": 2, "mixer": mixer, "trustee": trustee.number, "sha256": sha256_hex(dump(clean))})
    _offer_input(locked, election, params, outputs)
    return stored


def decryption_input(*, ballot: Ballot) -> dict[str, Any]:
    """What each trustee downloads to decrypt (omov/record-decryption-input/v1)."""
    row = DecryptionInput.objects.filter(ballot=ballot).first()
    if row is None:
        raise IllegalTransition(f"{ballot.title!r} has nothing for the trustees to decrypt yet")
    return json.loads(row.content)


def _shares_of(obj: dict[str, Any], what: str) -> Any:
    shares = obj.get("shares")
    if not isinstance(shares, list):
        raise RecordError(f"{what}: 'shares' must be a list")
    return shares


def _share(item: Any, where: str) -> tuple[Point, DleqProof]:
    try:
        if not isinstance(item, list) or len(item) != 3:
            raise ValueError("a share is [d, c, z]")
        d = Point.decode(bytes.fromhex(item[0]))
        return d, DleqProof.from_json({"c": item[1], "z": item[2]})
    except (TypeError, ValueError, CryptoError) as exc:
        raise RecordError(f"{where}: malformed share ({exc})") from None


@transaction.atomic
def upload_partials(*, ballot: Ballot, trustee: Trustee, actor: Any, data: Any) -> PartialDecryption:
    """A trustee's partial decryption of the decryption input (omov/record-partials/v1): every share's proof is
    checked against the trustee's verification key, and a bad file refused naming the paper and position (or
    option) that failed. When the threshold's worth are in, the count is queued."""
    locked = _lock(ballot)
    if trustee.ballot_id != locked.pk or not _may_act_for(actor, trustee):
        raise NotAllowed(f"only a trustee of {locked.title!r} (or a returning officer for them) can upload this")
    election, params = _election(locked)
    if election.stage != ST.DECRYPTING:
        raise IllegalTransition(f"{locked.title!r} is not waiting for decryptions (it is at {election.stage})")
    what = f"the partial decryption of trustee {trustee.number} ({trustee.name})"
    obj = read_upload(data, what)
    refuse_secrets(obj, what)
    if obj.get("type") != PARTIALS_TYPE:
        raise RecordError(f"{what}: not a partial decryption (type must be {PARTIALS_TYPE!r})")
    if obj.get("election") != election.election_id or obj.get("fingerprint") != election.fingerprint:
        raise RecordError(f"{what}: the file is for another election or other parameters")
    if obj.get("trustee") != trustee.number:
        raise RecordError(f"{what}: the file is trustee {obj.get('trustee')!r}'s, not {trustee.number}'s")
    source = DecryptionInput.objects.get(ballot=locked)
    if obj.get("input") != source.digest:
        raise RecordError(f"{what}: it decrypts another input (its 'input' is not this ballot's input's SHA-256)")
    if PartialDecryption.objects.filter(ballot=locked, trustee=trustee).exists():
        raise RecordError(f"{what}: already in; it cannot be replaced")
    body = json.loads(source.content)
    inits = [t.init for t in locked.trustees.order_by("number")]
    vk = tr.verification_key(inits, trustee.number)
    f = bytes.fromhex(election.fingerprint)
    shares = _shares_of(obj, what)
    base = Point.base()
    if params["kind"] == "ranked":
        width = int(params["width"])
        papers = body["papers"]
        if len(shares) != len(papers):
            raise RecordError(f"{what}: it has shares for {len(shares)} papers; the input has {len(papers)}")
        for i, (paper, row) in enumerate(zip(papers, shares, strict=True)):
            if not isinstance(row, list) or len(row) != width:
                raise RecordError(f"{what}: paper {i + 1}: needs {width} shares, one per position")
            raw = bytes.fromhex(paper)
            h = paper_context(f, i)
            for j, item in enumerate(row):
                where = f"{what}: paper {i + 1}, position {j + 1}"
                d, proof = _share(item, where)
                a = Point.decode(raw[64 * j : 64 * j + 32])
                if not verify_dleq(base, vk, a, d, proof, partial_context(election.election_id, trustee.number, h, j)):
                    raise RecordError(f"{where}: the proof of the decryption share does not verify")
    else:
        tally = body["tally"]
        if len(shares) != len(tally):
            raise RecordError(f"{what}: it has {len(shares)} shares; the tally has {len(tally)} options")
        h = tally_context(f)
        for j, (ct, item) in enumerate(zip(tally, shares, strict=True)):
            where = f"{what}: option {j + 1}"
            d, proof = _share(item, where)
            a = Point.decode(bytes.fromhex(ct)[:32])
            if not verify_dleq(base, vk, a, d, proof, partial_context(election.election_id, trustee.number, h, j)):
                raise RecordError(f"{where}: the proof of the decryption share does not verify")
    stored = PartialDecryption.objects.create(ballot=locked, trustee=trustee, content=canonical_json(obj).decode())
    record(actor=actor, action="ballot.verifiable.partials", subject=f"ballot:{locked.pk}",
           details={"trustee": trustee.number, "sha256": sha256_hex(canonical_json(obj))})  # fmt: skip
    if PartialDecryption.objects.filter(ballot=locked).count() >= locked.trustee_threshold:
        Election.objects.filter(pk=election.pk).update(stage=ST.COUNTING)
        job = create_job(kind="verifiable-count", subject=f"ballot:{locked.pk}", created_by=_pipeline_actor())
        record(actor=_pipeline_actor(), action="ballot.count.queued", subject=f"ballot:{locked.pk}",
               details={"job": str(job.pk)})  # fmt: skip
        enqueue("omov.ballots.verifiable.count", str(job.pk), locked.pk, "system")
    return stored


def _value_table(limit: int) -> dict[bytes, int]:
    return {sh.base_mul(m): m for m in range(limit + 1)}


@transaction.atomic
def count_verifiable(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Result:
    """closed → counted: combine the trustees' partials (all that are in, at least t), publish each paper's
    positions up to its first fault (ranked) or the option totals (marks), count with omov.count under the
    parameters' rule, seats and seed, and store the Result and the record's decryption and results files."""
    from omov.count import CountError, Profile, count, write_blt
    from omov.count.sheet import render_csv, render_html, render_json, to_dict
    from omov.crypto.record import ranking_fault, results_of

    _require_officer(actor, ballot)
    locked = _lock(ballot)
    election, params = _election(locked)
    if locked.state != S.CLOSED or election.stage != ST.COUNTING:
        raise IllegalTransition(f"{locked.title!r} is not waiting for its count")
    partials = {p.trustee.number: json.loads(p.content)
                for p in PartialDecryption.objects.filter(ballot=locked).select_related("trustee")}  # fmt: skip
    present = sorted(partials)
    if len(present) < locked.trustee_threshold:
        raise RecordError(f"{len(present)} trustees have decrypted; {locked.trustee_threshold} are needed")
    weights = tr.lagrange_at_zero(present)
    body = json.loads(DecryptionInput.objects.get(ballot=locked).content)
    names = list(params["candidates"])
    c = len(names)
    n_papers = Paper.objects.filter(ballot=locked).count()

    def value(ct_b: bytes, shares: list[list[str]], table: dict[bytes, int]) -> int | None:
        combined = sh.point_sum([sh.mul(weights[t], bytes.fromhex(s[0])) for t, s in zip(present, shares,
                                                                                          strict=True)])  # fmt: skip
        return table.get(sh.sub(ct_b, combined))

    if params["kind"] == "ranked":
        width = int(params["width"])
        table = _value_table(c)
        values, shown_shares = [], []
        for i, paper in enumerate(body["papers"]):
            raw = bytes.fromhex(paper)
            vs: list[int | None] = []
            rows = []
            for j in range(width):
                shares = [partials[t]["shares"][i][j] for t in present]
                vs.append(value(raw[64 * j + 32 : 64 * j + 64], shares, table))
                rows.append(shares)
            fault = ranking_fault(vs, c)
            shown = width if fault is None else fault + 1
            values.append(vs[:shown])
            shown_shares.append(rows[:shown])
            if job is not None and (i + 1) % 200 == 0:
                report_progress(job=job, done=i + 1, total=len(body["papers"]), message="decrypting")
        papers = results_of(values, c)
        valid = [tuple(p["ranking"]) for p in papers if p["status"] == "valid"]
        profile = Profile.from_papers(names, valid, seats=params["seats"], title=params["title"],
                                      invalid=len(papers) - len(valid))  # fmt: skip
        decryption: dict[str, Any] = {"present": present, "papers": shown_shares}
        results: dict[str, Any] = {"papers": papers}
    else:
        table = _value_table(n_papers)
        totals = []
        rows = []
        for j, ct in enumerate(body["tally"]):
            shares = [partials[t]["shares"][j] for t in present]
            v = value(bytes.fromhex(ct)[32:], shares, table)
            if v is None:
                raise RecordError(f"option {j + 1}'s total does not decrypt to a number of papers: a share is wrong")
            totals.append(v)
            rows.append(shares)
        profile = marks_profile(names, totals, seats=params["seats"], title=params["title"])
        decryption = {"present": present, "tally": rows}
        results = {"papers": n_papers, "totals": totals}
    try:
        outcome = count(profile, params["rule"], seats=params["seats"], seed=params["count_seed"])
    except CountError as exc:
        raise BallotError(f"the count of {locked.title!r} failed: {exc}") from exc
    results["count"] = json.loads(json.dumps(to_dict(outcome)))
    roll = Voter.objects.filter(ballot=locked).count()
    result = Result.objects.create(
        ballot=locked, rule=params["rule"], seed=params["count_seed"], elected=list(outcome.elected_names),
        papers=n_papers, roll=roll, sheet_json=render_json(outcome), sheet_html=render_html(outcome),
        sheet_csv=render_csv(outcome), blt=write_blt(profile), counted_at=timezone.now(),
    )  # fmt: skip
    Election.objects.filter(pk=election.pk).update(
        stage=ST.COUNTED, decryption=dump(decryption).decode(), results=dump(results).decode()
    )
    _move(locked, to=S.COUNTED, allowed_from=[S.CLOSED], actor=actor, action="ballot.count",
          elected=list(outcome.elected_names), papers=n_papers, roll=roll, seed=params["count_seed"],
          trustees=present)  # fmt: skip
    ballot.state = S.COUNTED
    return result


def marks_profile(names: list[str], totals: list[int], *, seats: int, title: str) -> Any:
    """record.md §9: for each option i, totals[i] one-mark papers of option i (all a mark count depends on)."""
    from omov.count import Profile

    return Profile.from_papers(names, [((i,), n) for i, n in enumerate(totals) if n], seats=seats, title=title)
