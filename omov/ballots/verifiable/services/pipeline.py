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
from omov.ballots.verifiable.election import dump, mixers_for, parameters_of, sha256_hex
from omov.ballots.verifiable.services.ceremony import read_upload, refuse_secrets
from omov.core.actors import is_system
from omov.core.jobs import enqueue
from omov.crypto import record4 as r4
from omov.crypto.encoding import canonical_json
from omov.crypto.errors import CryptoError

ST = Election.Stage
# The heavy steps (mixing, checking proofs of shuffle and of decryption) use a process per core
# (omov.crypto.shuffle.Workers; one process where that cannot fork).
WORKERS: int | None = None


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
    if locked.ranked:
        source = r4.mix_input(election=election.election_id, fingerprint=fingerprint, index=1,
                              public_key=election.public_key, width=int(params["width"]), papers=papers)
        made = r4.run_mix(source, params["mixers"][0], workers=WORKERS)
        try:
            # The server's own proof, checked before anyone relies on it.
            mix = r4.check_mix(source, made, workers=WORKERS)
        except CryptoError as exc:  # pragma: no cover - our own proof
            raise RecordError(f"the server's mix does not verify: {exc}") from None
        Mix.objects.create(ballot=locked, index=1, mixer=mix["mixer"], content=canonical_json(mix).decode(),
                           checked=True)  # fmt: skip
        record(actor=actor, action="ballot.verifiable.mixed", subject=f"ballot:{locked.pk}",
               details={"index": 1, "mixer": mix["mixer"], "papers": len(papers),
                        "sha256": sha256_hex(dump(mix))})  # fmt: skip
        if job is not None:
            report_progress(job=job, done=len(papers), message="mixed")
        if len(params["mixers"]) > 1:
            Election.objects.filter(pk=election.pk).update(stage=ST.TRUSTEE_MIX)
            return ST.TRUSTEE_MIX
        _offer_input(locked, election, params, [bytes.fromhex(o) for o in mix["outputs"]])
    else:
        tally = r4.tally_of(papers, int(params["width"]))
        if job is not None:
            report_progress(job=job, done=len(papers), message="summed")
        _offer_input(locked, election, params, tally)
    return ST.DECRYPTING


def _offer_input(ballot: Ballot, election: Election, params: dict[str, Any], items: list[bytes]) -> None:
    f = bytes.fromhex(election.fingerprint)
    if params["kind"] == "ranked":
        body = r4.decryption_input(election=election.election_id, fingerprint=f, width=int(params["width"]),
                                   papers=items)  # fmt: skip
    else:
        body = r4.decryption_input(election=election.election_id, fingerprint=f, tally=items)
    content = canonical_json(body)
    DecryptionInput.objects.create(ballot=ballot, content=content.decode(), digest=sha256_hex(content))
    Election.objects.filter(pk=election.pk).update(stage=ST.DECRYPTING)
    record(actor=_pipeline_actor(), action="ballot.verifiable.decryption.offered", subject=f"ballot:{ballot.pk}",
           details={"input_sha256": sha256_hex(content), "items": len(items)})  # fmt: skip


def _pipeline_actor() -> Any:
    from omov.core.actors import SYSTEM

    return SYSTEM


def mix_input(*, ballot: Ballot) -> dict[str, Any]:
    """What a trustee downloads to mix (omov/mix-input/v1): the server's mix outputs, for `omov mix`."""
    election, params = _election(ballot)
    if election.stage != ST.TRUSTEE_MIX:
        raise IllegalTransition(f"{ballot.title!r} is not waiting for a trustee's mix (it is at {election.stage})")
    first = json.loads(Mix.objects.get(ballot=ballot, index=1).content)
    return r4.mix_input(election=election.election_id, fingerprint=bytes.fromhex(election.fingerprint), index=2,
                        public_key=election.public_key, width=int(params["width"]),
                        papers=[bytes.fromhex(p) for p in first["outputs"]])


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
    expected = mixers_for(locked)[1]
    mixer = (obj.get("mix") or {}).get("mixer") if isinstance(obj.get("mix"), dict) else None
    if mixer is not None and mixer != expected:
        raise RecordError(f"{what}: the mixer is named {mixer!r}; the parameters name {expected!r} (run `omov mix "
                          f"--name {expected}`)")  # fmt: skip
    try:
        mix = r4.check_mix(mix_input(ballot=locked), obj, workers=WORKERS)
    except CryptoError as exc:
        raise RecordError(f"{what}: refused: {exc}") from None
    outputs = [bytes.fromhex(o) for o in mix["outputs"]]
    clean = dict(mix)
    stored = Mix.objects.create(ballot=locked, index=2, mixer=expected, content=canonical_json(clean).decode(),
                                checked=True)  # fmt: skip
    record(actor=actor, action="ballot.verifiable.mixed", subject=f"ballot:{locked.pk}",
           details={"index": 2, "mixer": expected, "trustee": trustee.number, "sha256": sha256_hex(dump(clean))})
    _offer_input(locked, election, params, outputs)
    return stored


def decryption_input(*, ballot: Ballot) -> dict[str, Any]:
    """What each trustee downloads to decrypt (omov/record-decryption-input/v1)."""
    row = DecryptionInput.objects.filter(ballot=ballot).first()
    if row is None:
        raise IllegalTransition(f"{ballot.title!r} has nothing for the trustees to decrypt yet")
    return json.loads(row.content)


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
    if obj.get("trustee") != trustee.number:
        raise RecordError(f"{what}: the file is trustee {obj.get('trustee')!r}'s, not {trustee.number}'s")
    if PartialDecryption.objects.filter(ballot=locked, trustee=trustee).exists():
        raise RecordError(f"{what}: already in; it cannot be replaced")
    source = json.loads(DecryptionInput.objects.get(ballot=locked).content)
    inits = [t.init for t in locked.trustees.order_by("number")]
    try:
        r4.check_partials(source, obj, inits, workers=WORKERS)
    except CryptoError as exc:
        raise RecordError(f"{what}: refused: {exc}") from None
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


@transaction.atomic
def count_verifiable(*, ballot: Ballot, actor: Any, job: Job | None = None) -> Result:
    """closed → counted: combine the trustees' partials (all that are in, at least t), publish each paper's
    positions up to its first fault (ranked) or the option totals (marks), count with omov.count under the
    parameters' rule, options, constraints, seats and seed, with the candidates withdrawn since the opening, and
    store the Result and the record's decryption and results files."""
    from omov.count import CountError, write_blt
    from omov.count.sheet import render_csv, render_html, render_json, to_dict

    _require_officer(actor, ballot)
    locked = _lock(ballot)
    election, params = _election(locked)
    if locked.state != S.CLOSED or election.stage != ST.COUNTING:
        raise IllegalTransition(f"{locked.title!r} is not waiting for its count")
    partials = {p.trustee.number: json.loads(p.content)
                for p in PartialDecryption.objects.filter(ballot=locked).select_related("trustee")}  # fmt: skip
    if len(partials) < locked.trustee_threshold:
        raise RecordError(f"{len(partials)} trustees have decrypted; {locked.trustee_threshold} are needed")
    source = json.loads(DecryptionInput.objects.get(ballot=locked).content)
    inits = [t.init for t in locked.trustees.order_by("number")]
    names = list(params["candidates"])
    n_papers = Paper.objects.filter(ballot=locked).count()
    if job is not None:
        report_progress(job=job, done=0, total=1, message="decrypting")
    # Candidates withdrawn after the opening (the opening refuses a withdrawn one): their papers go to the next
    # preference, as in a plain ballot's count; results.json lists them (record.md §9), since F came before.
    withdrawn = [names.index(n) for n in locked.candidates.filter(withdrawn=True).values_list("name", flat=True)]
    try:
        if params["kind"] == "ranked":
            decryption, values = r4.combine_ranked(source, partials, inits, len(names), workers=WORKERS)
            results, profile, outcome = r4.ranked_counted(params, values, withdrawn)
        else:
            decryption, totals = r4.combine_marks(source, partials, inits, n_papers)
            results, profile, outcome = r4.marks_counted(params, n_papers, totals, withdrawn)
    except CryptoError as exc:
        raise RecordError(f"the trustees' decryptions do not combine: {exc}") from None
    except CountError as exc:
        raise BallotError(f"the count of {locked.title!r} failed: {exc}") from exc
    if json.loads(json.dumps(to_dict(outcome))) != results["count"]:  # pragma: no cover - one profile, one count
        raise RecordError("the count sheet differs from the record's: refusing to store either")
    present = decryption["present"]
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
