"""The pages of a verifiable ballot (docs/verifiable.md): the booth, the bulletin board, the ballot's public
files and the election record, the trustees' ceremony and decryption pages, and the check of an opened paper.

Views translate HTTP into calls of `omov.ballots.services` (every write: uploads, casts, spoilt trackers) and
reads of the models; the cryptography a person does is done in their browser by the page's scripts
(omov/ballots/static/ballots/verifiable/), or on their own machine with `omov trustee` / `omov mix`.
What the server receives is public by construction: the sealed paper (never the ranking nor the code), and
the trustees' public files (never a secret file).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omov.ballots import permissions
from omov.ballots.attempts import wrong_code
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot, Election, Paper, Trustee
from omov.ballots.verifiable.election import mixers_for
from omov.ballots.verifiable.services import casting, ceremony, opening, pipeline
from omov.core.ratelimit import client_ip

S = Ballot.State
BOARD_PER_PAGE = 100
MAX_UPLOAD = 64 * 1024 * 1024  # a trustee's partial decryption of 100,000 ranked papers is tens of MB


def _say(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _visible(request: HttpRequest, ballot_id: int) -> Ballot:
    ballot = get_object_or_404(Ballot.objects.select_related("organisation"), pk=ballot_id)
    if not permissions.is_visible(actor=request.user, ballot=ballot) or not ballot.verifiable:
        raise Http404("no such verifiable ballot")
    return ballot


def _visible_to_trustees(request: HttpRequest, ballot_id: int) -> Ballot:
    """As `_visible`, and also to the ballot's own trustees while it is a draft (their ceremony can start then,
    and a command-line trustee needs the others' public files)."""
    ballot = get_object_or_404(Ballot.objects.select_related("organisation"), pk=ballot_id, verifiable=True)
    if permissions.is_visible(actor=request.user, ballot=ballot):
        return ballot
    if request.user.is_authenticated and Trustee.objects.filter(ballot=ballot, user=request.user).exists():
        return ballot
    raise Http404("no such verifiable ballot")


def election_of(ballot: Ballot) -> Election | None:
    return Election.objects.filter(ballot=ballot).first()


def _json_download(body: str | bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def candidates_for_booth(ballot: Ballot) -> list[dict[str, Any]]:
    """The paper's rows with each candidate's 0-based index in parameters.json's `candidates` (ballot order)."""
    return [
        {"number": c.number, "name": c.name, "withdrawn": c.withdrawn, "index": i}
        for i, c in enumerate(ballot.candidates.order_by("number"))
    ]


# The booth ------------------------------------------------------------------------------------------------------


def booth(
    request: HttpRequest, ballot: Ballot, paper: dict[str, Any], *, error: str = "", status: int = 200,
    credential: str = "",
) -> HttpResponse:
    """The paper of an open verifiable ballot (views.vote hands it here, with the paper's context as for any
    ballot). GET shows it; POST `cast` (the sealed paper's JSON, the only field) casts it with one service call
    and shows the receipt."""
    election = election_of(ballot)
    if election is None:
        raise Http404("this ballot has not opened")
    if request.method == "POST" and not error:
        raw = request.POST.get("cast", "")
        token = request.POST.get("credential", "").strip()[:100]
        try:
            cast = json.loads(raw)
        except ValueError:
            return booth(request, ballot, paper, error="The sealed paper did not arrive whole; nothing was stored.",
                         status=400)  # fmt: skip
        try:
            receipt = casting.cast_encrypted(credential=token, cast=cast, ballot_id=ballot.pk)
        except BallotError as exc:
            # A wrong code counts against the address's allowance as on any ballot (ballots/attempts.py).
            hit = wrong_code(ip=client_ip(request), ballot_id=ballot.pk, credential=token, refused=exc)
            if hit is not None:
                response = render(request, "ballots/too_many.html", {"ballot": ballot, "minutes": hit.retry_minutes},
                                  status=429)  # fmt: skip
                response["Retry-After"] = str(hit.retry_after)
                return response
            return booth(request, ballot, paper, error=_say(exc), status=409 if exc.code == "not-open" else 400,
                         credential=token)
        return render(request, "ballots/verifiable/receipt.html", {
            "ballot": ballot, "receipt": receipt, "election": election,
            "board_url": f"{reverse('verifiable-board', args=[ballot.pk])}?tracker={receipt.tracker}",
        })  # fmt: skip
    parameters = json.loads(election.parameters)
    context = dict(paper)
    context.update({
        "error": error, "credential": credential,
        "offline": ballot.credential_mode == "offline",
        "booth": {
            "election": election.election_id, "fingerprint": election.fingerprint,
            "public_key": election.public_key, "kind": parameters.get("kind", "ranked" if ballot.ranked else "marks"),
            "question": parameters.get("question"), "candidates": candidates_for_booth(ballot),
            "max_choices": context["max_choices"], "allow_empty": ballot.allow_empty,
            "spoil_url": reverse("verifiable-spoil", args=[ballot.pk]),
        },
    })  # fmt: skip
    return render(request, "ballots/verifiable/booth.html", context, status=status)


@require_POST
def spoil(request: HttpRequest, ballot_id: int) -> JsonResponse:
    """The booth tells the ballot box the tracker of a paper it opened (Benaloh challenge), so that paper can never
    be cast. Only the tracker is sent: the opening, which holds the voter's choices, stays on the device."""
    ballot = get_object_or_404(Ballot, pk=ballot_id, verifiable=True)
    try:
        tracker = casting.spoil_tracker(ballot=ballot, tracker=request.POST.get("tracker", ""))
    except BallotError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=409 if exc.code == "not-open" else 400)
    return JsonResponse({"ok": True, "tracker": tracker})


@require_GET
def check_opening(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Check an opened (audited) paper on any device: the file is read and checked in the page."""
    ballot = _visible(request, ballot_id)
    election = election_of(ballot)
    if election is None:
        raise Http404("this ballot has not opened")
    parameters = json.loads(election.parameters)
    return render(request, "ballots/verifiable/check_opening.html", {
        "ballot": ballot,
        "params": {"election": election.election_id, "fingerprint": election.fingerprint,
                   "public_key": election.public_key, "kind": parameters.get("kind"),
                   "question": parameters.get("question"), "candidates": candidates_for_booth(ballot)},
    })  # fmt: skip


# The ballot's public files, its board and its record ----------------------------------------------------------


def _pipeline(ballot: Ballot, election: Election | None) -> list[tuple[str, str, str]]:
    """The close pipeline as (step, state: done / now / later, words), for the ballot page."""
    trustees = list(ballot.trustees.all())
    n, t = ballot.trustee_count, ballot.trustee_threshold
    combined = sum(1 for x in trustees if x.state == Trustee.State.COMBINED)
    stage = election.stage if election else None
    order = [Election.Stage.VOTING, Election.Stage.MIXING, Election.Stage.TRUSTEE_MIX, Election.Stage.DECRYPTING,
             Election.Stage.COUNTING, Election.Stage.COUNTED]  # fmt: skip
    at = order.index(stage) if stage in order else -1
    if ballot.state == S.PUBLISHED:
        at = len(order)

    def state(i: int) -> str:
        return "done" if at > i else ("now" if at == i else "later")

    partials = ballot.partial_decryptions.count() if election else 0
    mixes = ballot.mixes_done.count() if election else 0
    steps = [("ceremony", "done" if election else ("now" if ballot.state in (S.DRAFT, S.READY) else "later"),
              f"Key ceremony: {combined} of {n} trustees done (any {t} of them can decrypt)")]  # fmt: skip
    steps.append(("voting", state(0), "Voting: papers sealed on voters' devices, signed, and put on the board"))
    if ballot.ranked:
        steps.append(("mix", state(1), "The server mixes the papers (shuffles and re-seals them, with a proof)"))
        if ballot.mix_count > 1:
            steps.append(("trustee-mix", state(2), f"A trustee mixes them again on their own machine ({mixes} mix"
                                                   f"{'es' if mixes != 1 else ''} stored)"))
    steps.append(("decrypt", state(3), f"Trustees decrypt {'the mixed papers' if ballot.ranked else 'the totals'}:"
                                      f" {partials} of the {t} needed"))
    steps.append(("count", state(4), "The decrypted papers are counted under the ballot's rule"))
    published = "done" if ballot.state == S.PUBLISHED else "later"
    steps.append(("publish", published, "The result and the record are published"))
    return steps


@never_cache
@require_GET
def ballot_files(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """What anyone can check a verifiable ballot with: its fingerprint and key, the trustees' files, the list of
    credential keys, the board, the close's progress and (once published) the record."""
    ballot = _visible(request, ballot_id)
    election = election_of(ballot)
    trustees = _with_words(list(ballot.trustees.all()))
    head = Paper.objects.filter(ballot=ballot).order_by("-position").first()
    observer = request.user.is_authenticated and permissions.is_observer(actor=request.user, ballot=ballot)
    officer = request.user.is_authenticated and permissions.is_officer(actor=request.user, ballot=ballot)
    mine = [t for t in trustees if request.user.is_authenticated and t.user_id == request.user.pk]
    return render(request, "ballots/verifiable/ballot.html", {
        "ballot": ballot, "election": election, "trustees": trustees, "head": head, "observer": observer,
        "mine": mine, "pipeline": _pipeline(ballot, election),
        "keys": ballot.credential_keys.count() if election else 0,
        "used": ballot.credential_keys.filter(used=True).count() if election else 0,
        "spoiled": ballot.spoiled_trackers.count() if election else 0,
        "published": ballot.state == S.PUBLISHED,
        "upload_keys": officer and ballot.credential_mode == "offline" and ballot.state in (S.DRAFT, S.READY),
        "uploaded_keys": ballot.credential_keys.count() if election is None else 0,
    })  # fmt: skip


@require_GET
def credentials_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _visible(request, ballot_id)
    election = election_of(ballot)
    if election is None:
        raise Http404("the list of credential keys is published when voting opens")
    return _json_download(election.credentials, f"ballot-{ballot.pk}-credentials.json")


@require_GET
def parameters_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _visible(request, ballot_id)
    election = election_of(ballot)
    if election is None:
        raise Http404("the parameters are fixed when voting opens")
    return _json_download(election.parameters, f"ballot-{ballot.pk}-parameters.json")


_KINDS = ("init", "shares", "combine")
STATE_WORDS = {"invited": "keys not made yet", "init": "keys made", "shares": "shares sent", "combined": "done"}


def _with_words(trustees: list[Trustee]) -> list[Trustee]:
    for t in trustees:
        t.words = STATE_WORDS.get(t.state, t.state)  # type: ignore[attr-defined]
    return trustees


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def _trustee_file_name(trustee: Trustee, kind: str) -> str:
    return f"trustee-{trustee.number}.{kind}.json"


@require_GET
def trustee_file(request: HttpRequest, ballot_id: int, number: int, kind: str) -> HttpResponse:
    """One trustee's public file (init, shares or combine), named as `omov trustee` names it."""
    ballot = _visible_to_trustees(request, ballot_id)
    trustee = get_object_or_404(Trustee, ballot=ballot, number=number)
    if kind not in _KINDS or getattr(trustee, kind) is None:
        raise Http404("no such file")
    return _json_download(_canonical(getattr(trustee, kind)), _trustee_file_name(trustee, kind))


def _zip(files: dict[str, bytes], name: str) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, body in sorted(files.items()):
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))  # the same bytes every time
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=name, content_type="application/zip")


@require_GET
def trustee_files_zip(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Every trustee's public files so far, in one folder: what `omov trustee share/combine --public` reads."""
    ballot = _visible_to_trustees(request, ballot_id)
    files = {
        f"board/{_trustee_file_name(t, kind)}": _canonical(getattr(t, kind)).encode()
        for t in ballot.trustees.all() for kind in _KINDS if getattr(t, kind) is not None
    }  # fmt: skip
    return _zip(files, f"ballot-{ballot.pk}-trustee-files.zip")


def _tracker_query(text: str) -> str:
    return re.sub(r"[^0-9a-f]", "", text.strip().lower())[:64]


@require_GET
def board(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The bulletin board: every cast paper in the order cast, with its tracker, sealed paper (abbreviated),
    signature and place in the hash chain; searchable by tracker (or its first 8+ digits)."""
    ballot = _visible(request, ballot_id)
    page, query, found = _board_page(request, ballot)
    return render(request, "ballots/verifiable/board.html", {
        "ballot": ballot, "page": page, "query": query, "found": found, "looked_up": bool(query),
        "entries": [_entry(p) for p in page], "election": election_of(ballot),
        "head": Paper.objects.filter(ballot=ballot).order_by("-position").first(),
    })  # fmt: skip


def _board_page(request: HttpRequest, ballot: Ballot) -> tuple[Any, str, Paper | None]:
    query = _tracker_query(request.GET.get("tracker", ""))
    found = None
    if len(query) >= 8:
        found = Paper.objects.filter(ballot=ballot, tracker__startswith=query).order_by("position").first()
    papers = Paper.objects.filter(ballot=ballot).order_by("position")
    if found is not None and not request.GET.get("page"):
        number = (found.position - 1) // BOARD_PER_PAGE + 1
    else:
        number = request.GET.get("page")
    return Paginator(papers, BOARD_PER_PAGE).get_page(number), query, found


def _entry(paper: Paper) -> dict[str, Any]:
    """A board entry as the page and the JSON show it (the cast JSON's public parts and the chain link)."""
    try:
        cast = json.loads(bytes(paper.content).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        cast = {}
    return {
        "position": paper.position, "tracker": paper.tracker, "credential": cast.get("credential", ""),
        "paper": cast.get("paper", ""), "proof": cast.get("proof", ""), "signature": cast.get("signature", {}),
        "previous_hash": paper.previous_hash, "entry_hash": paper.entry_hash,
    }  # fmt: skip


@require_GET
def board_json(request: HttpRequest, ballot_id: int) -> JsonResponse:
    """The board as JSON, a page at a time (`?page=N`, 100 papers a page, in the order cast; `?tracker=` finds
    the page holding a tracker)."""
    ballot = _visible(request, ballot_id)
    page, query, found = _board_page(request, ballot)
    election = election_of(ballot)
    return JsonResponse({
        "type": "omov/board-page/v1", "election": election.election_id if election else None,
        "fingerprint": election.fingerprint if election else None,
        "page": page.number, "pages": page.paginator.num_pages, "papers_total": page.paginator.count,
        "found": found.position if found is not None else None,
        "papers": [_entry(p) for p in page],
    })  # fmt: skip


_RECORDS: dict[tuple[int, str], dict[str, bytes]] = {}  # (ballot, published at) -> files: a published record is fixed


def _record(ballot: Ballot) -> dict[str, bytes]:
    """The election record's files (record.md §9), by path, once the result is published (made once a process:
    the in-browser verifier asks for each file in turn)."""
    from omov.ballots.verifiable.selectors import record_files  # noqa: PLC0415  (the record is rarely asked for)

    if ballot.state != S.PUBLISHED:
        raise Http404("the election record is published with the result")
    key = (ballot.pk, str(ballot.result.published_at))
    if key not in _RECORDS:
        try:
            files = record_files(ballot=ballot)
        except BallotError as exc:
            raise Http404(str(exc)) from None
        if len(_RECORDS) >= 4:
            _RECORDS.pop(next(iter(_RECORDS)))
        _RECORDS[key] = files
    return _RECORDS[key]


@require_GET
def record_zip(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The whole election record (version 4) as one zip: unzip it and run `omov verify` or the JS verifier."""
    ballot = _visible(request, ballot_id)
    files = _record(ballot)
    return _zip({f"ballot-{ballot.pk}-record/{path}": body for path, body in files.items()},
                f"ballot-{ballot.pk}-record.zip")  # fmt: skip


@require_GET
def record_file(request: HttpRequest, ballot_id: int, path: str) -> HttpResponse:
    """One file of the record (what the in-browser verifier reads)."""
    ballot = _visible(request, ballot_id)
    files = _record(ballot)
    if path not in files:
        raise Http404("no such file in the record")
    response = HttpResponse(files[path], content_type="application/json")
    response["X-Content-SHA256"] = hashlib.sha256(files[path]).hexdigest()
    return response


# The trustees' pages -------------------------------------------------------------------------------------------


def _my_trustee(request: HttpRequest, ballot_id: int) -> Trustee | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    ballot = get_object_or_404(Ballot.objects.select_related("organisation"), pk=ballot_id, verifiable=True)
    trustee = Trustee.objects.filter(ballot=ballot, user=request.user).first()
    if trustee is None:
        if not permissions.is_visible(actor=request.user, ballot=ballot):
            raise Http404("no such ballot")
        return render(request, "ballots/refused.html", {
            "ballot": ballot, "message": f"only the trustees of {ballot.title!r} have a trustee's page"}, status=403)
    return trustee


def trustee_step(trustee: Trustee) -> tuple[str, str]:
    """What this trustee has to do now: (step, words). Steps: init, share, combine, mix, decrypt, wait, done."""
    ballot = trustee.ballot
    others = list(ballot.trustees.all())
    election = election_of(ballot)
    T = Trustee.State
    if election is None:
        if len(others) < ballot.trustee_count:
            return "wait", f"The returning officer has named {len(others)} of the {ballot.trustee_count} trustees."
        if trustee.state == T.INVITED:
            return "init", "Make your keys."
        if trustee.state == T.INIT:
            waiting = [t.name for t in others if t.state == T.INVITED]
            if waiting:
                return "wait", f"Waiting for the other trustees to make their keys: {', '.join(waiting)}."
            return "share", "Send each other trustee their share."
        if trustee.state == T.SHARES:
            waiting = [t.name for t in others if t.state in (T.INVITED, T.INIT)]
            if waiting:
                return "wait", f"Waiting for the other trustees' shares: {', '.join(waiting)}."
            return "combine", "Check the shares you received and make your key share."
        return "done", "Your part of the key ceremony is done. Keep your secret file until the result is published."
    if election.stage == Election.Stage.TRUSTEE_MIX:
        return "mix", "Mix the papers on your machine (any one trustee does this)."
    if election.stage == Election.Stage.DECRYPTING:
        if ballot.partial_decryptions.filter(trustee=trustee).exists():
            return "wait", "Your decryption is in. Waiting for the other trustees."
        return "decrypt", "Decrypt your share of the papers."
    if ballot.state == S.OPEN:
        return "done", "Voting is open. Keep your secret file: you will need it when voting closes."
    if election.stage in (Election.Stage.VOTING, Election.Stage.MIXING, Election.Stage.COUNTING):
        return "wait", "Nothing to do yet: the server is working."
    return "done", "Your work for this ballot is done."


def _upload_text(request: HttpRequest) -> str:
    """The public file posted by the page (`file`) or chosen on the device (`upload`, from the command line)."""
    if request.FILES.get("upload"):
        upload = request.FILES["upload"]
        if upload.size > MAX_UPLOAD:
            raise BallotError(f"{upload.name} is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise BallotError(f"{upload.name} is not a text (JSON) file") from None
    return request.POST.get("file", "")


@never_cache
@require_http_methods(["GET", "POST"])
def trustee_page(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The signed-in trustee's page: the step to take now, in the browser or on the command line."""
    trustee = _my_trustee(request, ballot_id)
    if isinstance(trustee, HttpResponse):
        return trustee
    ballot = trustee.ballot
    step, words = trustee_step(trustee)
    if request.method == "POST":
        posted = request.POST.get("step", "")
        try:
            text = _upload_text(request)
            try:
                content = json.loads(text)
            except ValueError as exc:
                raise BallotError(f"the file is not JSON ({exc})") from None
            if posted != step:
                raise BallotError(f"this is the {step} step, not {posted}; reload the page")
            if step in ("init", "share", "combine"):
                ceremony.upload_trustee_file(ballot=ballot, trustee=trustee, actor=request.user, data=content)
            elif step == "mix":
                pipeline.upload_mix(ballot=ballot, trustee=trustee, actor=request.user, data=content)
            elif step == "decrypt":
                pipeline.upload_partials(ballot=ballot, trustee=trustee, actor=request.user, data=content)
            else:
                raise BallotError("there is nothing to upload at this step")
        except BallotError as exc:
            messages.error(request, f"Not accepted: {_say(exc)}")
            return redirect("verifiable-trustee", ballot_id=ballot.pk)
        messages.success(request, {"init": "Your public keys are in.", "share": "Your shares are in.",
                                   "combine": "Your key share is checked and in. Your part of the ceremony is done.",
                                   "mix": "Your mix is checked and in.",
                                   "decrypt": "Your decryption is checked and in."}[step])  # fmt: skip
        return redirect("verifiable-trustee", ballot_id=ballot.pk)
    trustees = _with_words(list(ballot.trustees.all()))
    data: dict[str, Any] = {"election": ballot.election_id, "id": trustee.number, "n": ballot.trustee_count,
                            "t": ballot.trustee_threshold, "step": step}  # fmt: skip
    if step in ("share", "combine"):
        data["inits"] = [t.init for t in trustees]
    if step == "combine":
        data["shares"] = [t.shares for t in trustees]
    election = election_of(ballot)
    if step == "decrypt":
        data["input"] = json.loads(ballot.decryption_input.content)
    return render(request, "ballots/verifiable/trustee.html", {
        "ballot": ballot, "trustee": trustee, "trustees": trustees, "step": step, "words": words, "data": data,
        "election": election, "mixer": (mixers_for(ballot) + ["", ""])[1],
    })  # fmt: skip


@require_GET
def mix_input(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The papers a trustee mixes (omov/mix-input/v1), for `omov mix --input`."""
    trustee = _my_trustee(request, ballot_id)
    if isinstance(trustee, HttpResponse):
        return trustee
    try:
        body = pipeline.mix_input(ballot=trustee.ballot)
    except BallotError as exc:
        raise Http404(str(exc)) from None
    return _json_download(_canonical(body), f"ballot-{trustee.ballot.pk}-mix-input.json")


@require_GET
def decryption_input(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """What the trustees decrypt (omov/record-decryption-input/v1): public once offered."""
    ballot = _visible(request, ballot_id)
    di = getattr(ballot, "decryption_input", None)
    if di is None:
        raise Http404("the papers are offered for decryption after the mixes")
    return _json_download(di.content, f"ballot-{ballot.pk}-decryption-input.json")


def summary(request: HttpRequest, ballot: Ballot) -> dict[str, Any]:
    """What the ballot's own page (views.ballot_detail) shows of a verifiable ballot: the fingerprint, the chain
    head, the close's progress, the signed-in trustee's link, and the record once published."""
    election = election_of(ballot)
    trustee = None
    if request.user.is_authenticated:
        trustee = Trustee.objects.filter(ballot=ballot, user=request.user).first()
    return {
        "election": election,
        "head": Paper.objects.filter(ballot=ballot).order_by("-position").first(),
        "pipeline": _pipeline(ballot, election),
        "trustee": trustee,
        "trustee_step": trustee_step(trustee) if trustee is not None else None,
    }


@require_POST
def credentials_upload(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Offline mode: a returning officer uploads the public list of credential keys (credentials.json from
    `omov credentials generate`) before opening; the codes themselves never come here."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("verifiable-ballot", args=[ballot_id]))
    ballot = _visible_to_trustees(request, ballot_id)
    try:
        text = _upload_text(request)
        count = opening.upload_credentials(ballot=ballot, actor=request.user, data=text)
    except BallotError as exc:
        messages.error(request, f"Not accepted: {_say(exc)}")
    else:
        messages.success(request, f"The list of {count} credential keys is in; it is checked against the roll "
                                  "when the ballot opens.")  # fmt: skip
    return redirect("verifiable-ballot", ballot_id=ballot.pk)
