"""Reads of verifiable ballots for the pages (vbpages) and the record: the ceremony, what the booth needs, the
bulletin board of cast papers, the pipeline's stage, and the record's files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from omov.audit.models import ChainHead
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot, Election, Mix, Paper, PartialDecryption, Trustee
from omov.ballots.papers import chain_name
from omov.ballots.verifiable.election import question_for

GENESIS = "0" * 64
NEXT_STEP = {
    Trustee.State.INVITED: "init",
    Trustee.State.INIT: "shares",
    Trustee.State.SHARES: "combine",
    Trustee.State.COMBINED: "",
}


@dataclass(frozen=True)
class TrusteeStatus:
    number: int
    name: str
    user_id: int | None
    state: str
    next_step: str  # "init", "shares", "combine" or "" (done); "shares" waits for every init, "combine" for shares
    can_do_next: bool  # the files it depends on are all in


@dataclass(frozen=True)
class CeremonyStatus:
    """Where a verifiable ballot's key ceremony stands."""

    election: str
    trustees: int
    threshold: int
    lines: list[TrusteeStatus] = field(default_factory=list)
    complete: bool = False  # every combine file in and the whole ceremony checks
    public_key: str | None = None
    problem: str = ""  # why a ceremony whose files are all in does not check


def ceremony_status(*, ballot: Ballot) -> CeremonyStatus:
    from omov.ballots.verifiable.services.ceremony import check_complete_ceremony

    trustees = list(ballot.trustees.order_by("number"))
    all_init = bool(trustees) and all(t.init is not None for t in trustees)
    all_shares = bool(trustees) and all(t.shares is not None for t in trustees)
    lines = []
    for t in trustees:
        step = NEXT_STEP[Trustee.State(t.state)]
        ready = step == "init" or (step == "shares" and all_init) or (step == "combine" and all_shares)
        lines.append(TrusteeStatus(t.number, t.name, t.user_id, t.state, step, ready))
    complete, pk, problem = False, None, ""
    if trustees and all(t.combine is not None for t in trustees):
        try:
            pk = check_complete_ceremony(ballot).data.hex()
            complete = True
        except BallotError as exc:
            problem = str(exc)
    return CeremonyStatus(ballot.election_id, ballot.trustee_count, ballot.trustee_threshold, lines, complete, pk,
                          problem)  # fmt: skip


def ceremony_files(*, ballot: Ballot) -> dict[str, list[dict[str, Any]]]:
    """The public files so far, as the trustees' `board/` folder holds them: inits, shares, combines."""
    trustees = list(ballot.trustees.order_by("number"))
    return {
        "inits": [t.init for t in trustees if t.init is not None],
        "shares": [t.shares for t in trustees if t.shares is not None],
        "combines": [t.combine for t in trustees if t.combine is not None],
    }


def trustee_for(*, ballot: Ballot, user: Any) -> Trustee | None:
    """The trustee of this ballot that a signed-in user is, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ballot.trustees.filter(user=user).first()


def election_for(*, ballot: Ballot) -> Election | None:
    """What opening fixed (None before the opening or for other ballots)."""
    return Election.objects.filter(ballot=ballot).first()


def booth_parameters(*, ballot: Ballot) -> dict[str, Any]:
    """What the booth (omov-crypto.js encryptRanked / encryptMarks) needs: the election id, the fingerprint, the
    public key, and the number of candidates (ranked) or the question (marks), with the parameters themselves."""
    election = Election.objects.get(ballot=ballot)
    params = json.loads(election.parameters)
    out: dict[str, Any] = {"election": election.election_id, "fingerprint": election.fingerprint,
                           "publicKey": election.public_key, "kind": params["kind"], "parameters": params}
    if params["kind"] == "ranked":
        out["candidates"] = int(params["width"])
    else:
        out["question"] = params["question"]
    return out


def draft_question(*, ballot: Ballot) -> dict[str, Any]:
    """The mark question a marks ballot will have (before it opens: for pages that explain it)."""
    return question_for(ballot).to_json()


def board_entry(paper: Paper) -> dict[str, Any]:
    """A cast paper as the board and the record's papers.json show it (record.md §9)."""
    cast = json.loads(bytes(paper.content))
    return {
        "position": paper.position,
        "tracker": paper.tracker,
        "credential": cast["credential"],
        "ciphertexts": cast["paper"],
        "proof": cast["proof"],
        "signature": cast["signature"],
        "previous_hash": paper.previous_hash,
        "entry_hash": paper.entry_hash,
    }


def board(*, ballot: Ballot, start: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    """The bulletin board: every cast paper in the order cast (public while voting: ciphertexts only)."""
    qs = Paper.objects.filter(ballot=ballot, position__gt=start).order_by("position")
    if limit is not None:
        qs = qs[:limit]
    return [board_entry(p) for p in qs.iterator(chunk_size=2000)]


def find_on_board(*, ballot: Ballot, tracker: str) -> dict[str, Any] | None:
    """The board entry with this tracker (any case, spaces ignored), or None."""
    code = "".join(tracker.split()).lower()
    paper = Paper.objects.filter(ballot=ballot, tracker=code).first()
    return None if paper is None else board_entry(paper)


def chain_head(*, ballot: Ballot) -> dict[str, Any]:
    """{"position": N, "hash": entry hash of paper N} (64 zeros and 0 before any paper)."""
    head = ChainHead.objects.filter(name=chain_name(ballot)).first()
    return {"position": head.position if head else 0, "hash": head.head_hash if head else GENESIS}


@dataclass(frozen=True)
class PipelineStatus:
    stage: str  # omov.ballots.models.Election.Stage
    mixes: list[tuple[int, str]]
    waiting_for_trustee_mix: bool
    partials_from: list[int]
    threshold: int


def pipeline_status(*, ballot: Ballot) -> PipelineStatus | None:
    election = election_for(ballot=ballot)
    if election is None:
        return None
    mixes = list(Mix.objects.filter(ballot=ballot).order_by("index").values_list("index", "mixer"))
    partials = sorted(PartialDecryption.objects.filter(ballot=ballot).values_list("trustee__number", flat=True))
    return PipelineStatus(election.stage, mixes, election.stage == Election.Stage.TRUSTEE_MIX, partials,
                          ballot.trustee_threshold)  # fmt: skip


# The record (docs/record.md §9) ----------------------------------------------------------------------------


def write_record(*, ballot: Ballot, directory: Any) -> Any:
    """Write the ballot's version-4 election record under `directory` with omov.crypto.record4's writer (which
    computes the manifest), once the ballot is counted. Returns the directory (a Path)."""
    from omov.crypto import record4 as r4

    election = election_for(ballot=ballot)
    if election is None or not election.results:
        raise BallotError(f"the record of {ballot.title!r} is complete once it is counted")
    trustees = list(ballot.trustees.order_by("number"))
    return r4.write_record(
        directory,
        parameters=json.loads(election.parameters),
        credentials=json.loads(election.credentials),
        papers={"chain": chain_name(ballot), "papers": board(ballot=ballot), "head": chain_head(ballot=ballot)},
        trustees={
            "trustees": ballot.trustee_count,
            "threshold": ballot.trustee_threshold,
            "public_key": election.public_key,
            "inits": [t.init for t in trustees],
            "shares": [t.shares for t in trustees],
            "combines": [t.combine for t in trustees],
        },
        decryption=json.loads(election.decryption),
        results=json.loads(election.results),
        mixes=[json.loads(m.content) for m in Mix.objects.filter(ballot=ballot).order_by("index")],
    )


def record_files(*, ballot: Ballot) -> dict[str, bytes]:
    """Every file of the ballot's record, name (e.g. "mixes/mix-01.json") -> exact bytes, manifest included: for a
    download as one archive. Written by the same writer as `omov record export`."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="omov-record-") as tmp:
        root = Path(write_record(ballot=ballot, directory=tmp))
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.json"))}


def record_zip(*, ballot: Ballot) -> bytes:
    """The record as one ZIP archive (files under a folder named for the election), for the results page."""
    import io
    import zipfile

    files = record_files(ballot=ballot)
    folder = ballot.election_id
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()
