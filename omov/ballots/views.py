"""Members' and officers' pages: home, voting (paper → confirm → receipt), ballot and result pages, the list of
papers, downloads, and the returning officer's close → count → publish buttons.

Views only translate HTTP into calls: papers are written by `services.cast` alone, state changes by the
state-machine services; reads go through `omov.ballots.selectors` or the small read helpers below.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from omov.ballots import permissions, selectors, steps, verifiable_views
from omov.ballots import services as bs
from omov.ballots.attempts import wrong_code
from omov.ballots.errors import BallotError, CredentialError, NotOpen
from omov.ballots.forms import Choice, PaperForm, read_credential, read_marks, read_ranked
from omov.ballots.models import Ballot, Paper, Result
from omov.ballots.papers import MERKLE_TREE
from omov.core.ratelimit import client_ip
from omov.members.selectors import member_for_user

S = Ballot.State
PAPERS_PER_PAGE = 500
_CLOSED = (S.CLOSED, S.COUNTED, S.PUBLISHED)


# Read helpers (no writes) -------------------------------------------------------------------------------------


def _choices(ballot: Ballot) -> list[Choice]:
    return [Choice(c.number, c.name, c.withdrawn) for c in ballot.candidates.order_by("number")]


def _max_choices(ballot: Ballot, choices: list[Choice]) -> int:
    return selectors.max_choices_for(ballot, len(choices))


def credential_problem(*, ballot: Ballot, credential: str) -> str:
    """Why this credential cannot vote in this ballot ('' if it can), read without spending it."""
    return selectors.credential_status(ballot_id=ballot.pk, credential=credential)[1]


def _observer(request: HttpRequest, ballot: Ballot) -> bool:
    return request.user.is_authenticated and permissions.is_observer(actor=request.user, ballot=ballot)


def _officer(request: HttpRequest, ballot: Ballot) -> bool:
    return request.user.is_authenticated and permissions.is_officer(actor=request.user, ballot=ballot)


def _visible_ballot(request: HttpRequest, ballot_id: int) -> Ballot:
    """A ballot anyone may look at once it is ready; drafts and cancelled ones only to those who run it."""
    ballot = get_object_or_404(Ballot.objects.select_related("organisation"), pk=ballot_id)
    if not permissions.is_visible(actor=request.user, ballot=ballot):
        raise Http404("no such ballot")
    return ballot


def _result_for(request: HttpRequest, ballot: Ballot) -> Result | None:
    """The published result; or, for its officers and scrutineers, the counted one before publication."""
    if ballot.state == S.PUBLISHED:
        return selectors.published_result(ballot=ballot)
    if ballot.state == S.COUNTED and _observer(request, ballot):
        return Result.objects.filter(ballot=ballot).first()
    return None


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def chart_data(result: Result) -> dict[str, Any] | None:
    """Stage totals and transfers per candidate from the stored count sheet (JSON), for the chart (display only)."""
    try:
        doc = json.loads(result.sheet_json)
        stages = doc["stages"]
        names = list(doc["candidates"])
    except (ValueError, KeyError, TypeError):
        return None
    if not stages:
        return None
    changes = [_number(v) for s in stages[1:] for v in s["changes"].values()]
    return {
        "transfers": any(changes),  # False for a one-round count (FPTP, bloc, yes/no): a bar chart then
        "stages": [f"{s['number']}: {s['description']}" for s in stages],
        "candidates": [
            {
                "name": name,
                "totals": [_number(s["totals"].get(name)) for s in stages],
                "changes": [_number(s["changes"].get(name)) for s in stages],
            }
            for name in names
        ],
        "non_transferable": [_number(s.get("non_transferable")) for s in stages],
        "quota": [_number(s.get("quota")) for s in stages] if doc.get("quota") is not None else None,
        "elected": list(doc.get("elected", [])),
    }


def _sheet_html(result: Result) -> str:
    """The engine's HTML rendering of the count sheet (rendered again from the JSON if it was not stored)."""
    if result.sheet_html:
        return result.sheet_html
    try:
        from omov.count import sheet

        return sheet.render_html(sheet.from_json(result.sheet_json))
    except Exception:  # an old or fallback JSON dump: the downloads still carry the data
        return ""


# Home ---------------------------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A member's open ballots and published results; officers' ballots; everyone: published results."""
    member = member_for_user(user=request.user)
    open_ballots = list(selectors.ballots_for_member(member=member)) if member else []
    org = member.organisation if member else None
    published = list(selectors.published_ballots(organisation=org).order_by("-result__published_at")[:50])
    running = selectors.ballots_run_by(user=request.user, limit=50) if request.user.is_authenticated else []
    return render(request, "ballots/home.html", {
        "member": member, "open_ballots": open_ballots, "published": published, "running": running,
    })  # fmt: skip


# Voting -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One candidate's line on the paper as a template shows it."""

    number: int
    name: str
    withdrawn: bool
    value: str
    error: str
    checked: bool


def _rows(choices: list[Choice], form: PaperForm | None) -> list[Row]:
    values = form.values if form else {}
    errors = form.field_errors if form else {}
    return [
        Row(c.number, c.name, c.withdrawn, values.get(c.number, ""), errors.get(c.number, ""), c.number in values)
        for c in choices
    ]


def _paper_context(ballot: Ballot, choices: list[Choice], form: PaperForm | None, credential: str) -> dict[str, Any]:
    max_choices = _max_choices(ballot, choices)
    return {
        "ballot": ballot,
        "rows": _rows(choices, form),
        "form": form,
        "credential": credential,
        "max_choices": max_choices,
        "single": not ballot.ranked and max_choices == 1,
        "n_candidates": len([c for c in choices if not c.withdrawn]),
    }


def _read(ballot: Ballot, choices: list[Choice], data: Any) -> PaperForm:
    max_choices = _max_choices(ballot, choices)
    if ballot.ranked:
        form = read_ranked(data, choices, max_choices=max_choices, allow_empty=ballot.allow_empty)
    else:
        form = read_marks(data, choices, max_choices=max_choices, allow_empty=ballot.allow_empty)
    read_credential(data, form)
    if not form.credential_error:
        form.credential_error = credential_problem(ballot=ballot, credential=form.credential)
    return form


def _summary(ballot: Ballot, choices: list[Choice], paper: list[int]) -> list[tuple[int, str]]:
    names = {c.number: c.name for c in choices}
    return [(i, names[n]) for i, n in enumerate(paper, start=1)]


def _wrong_code(request: HttpRequest, ballot: Ballot, credential: str, refused: Exception) -> HttpResponse | None:
    """The 429 page if this refused code was a wrong guess past its address's allowance, else None (the refusal
    is answered as usual). A right code never comes here: it is never counted nor refused (ballots/attempts.py)."""
    hit = wrong_code(ip=client_ip(request), ballot_id=ballot.pk, credential=credential, refused=refused)
    if hit is None:
        return None
    response = render(request, "ballots/too_many.html", {"ballot": ballot, "minutes": hit.retry_minutes}, status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The ballot paper. POST `action=review` checks it and shows the confirm step; `action=cast` casts it
    (one call to `services.cast`) and shows the receipt; `action=change` shows the paper again, filled in."""
    ballot = _visible_ballot(request, ballot_id)
    choices = _choices(ballot)
    if ballot.state != S.OPEN:
        return render(
            request, "ballots/not_open.html", {"ballot": ballot}, status=409 if request.method == "POST" else 200
        )
    if ballot.verifiable:  # the paper is sealed on the voter's device: its own page and its own cast
        return verifiable_views.booth(request, ballot, _paper_context(ballot, choices, None, ""))
    if request.method == "GET":
        credential = request.GET.get("c", "").strip()[:100]
        return render(request, "ballots/vote.html", _paper_context(ballot, choices, None, credential))

    action = request.POST.get("action", "review")
    form = _read(ballot, choices, request.POST)
    context = _paper_context(ballot, choices, form, form.credential)
    if action != "change" and form.credential_error:  # only a refused code is counted; "change" reveals nothing
        slowed = _wrong_code(request, ballot, form.credential, CredentialError(form.credential_error))
        if slowed is not None:
            return slowed
    if action == "change" or not form.ok:
        status = 200 if action == "change" else 400
        if action == "change":
            form.errors, form.credential_error = [], ""
        return render(request, "ballots/vote.html", context, status=status)
    if action != "cast":
        context["summary"] = _summary(ballot, choices, form.paper)
        return render(request, "ballots/confirm.html", context)
    try:
        receipt = bs.cast(credential=form.credential, paper=form.paper, ballot_id=ballot.pk)
    except BallotError as exc:
        slowed = _wrong_code(request, ballot, form.credential, exc)
        if slowed is not None:
            return slowed
        if isinstance(exc, NotOpen):
            return render(request, "ballots/not_open.html", {"ballot": ballot, "message": str(exc)}, status=409)
        if isinstance(exc, CredentialError):
            form.credential_error = str(exc)[:1].upper() + str(exc)[1:] + "."
            return render(request, "ballots/vote.html", context, status=403)
        form.errors.append(str(exc)[:1].upper() + str(exc)[1:] + ".")  # InvalidPaper: the rule refused the form
        return render(request, "ballots/vote.html", context, status=400)
    return render(request, "ballots/receipt.html", {
        "ballot": ballot, "tracker": receipt.tracker, "summary": _summary(ballot, choices, form.paper),
    })  # fmt: skip


# Ballot and result pages --------------------------------------------------------------------------------------


@never_cache
@require_GET
def ballot_detail(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """A ballot: what it is and where it stands; the result once published (officers: once counted); for its
    returning officers, the next step's button and the background jobs."""
    ballot = _visible_ballot(request, ballot_id)
    result = _result_for(request, ballot)
    officer = _officer(request, ballot)
    observer = _observer(request, ballot)
    jobs = list(selectors.jobs_for_ballot(ballot=ballot)[:10]) if observer else []
    # The step this state's button would start is already under way (the officer's press, or the scheduler's):
    # no second button until its job has finished.
    waiting = next((j for j in jobs if not j.finished and j.kind == _BUSY.get(ballot.state)), None)
    context: dict[str, Any] = {
        "ballot": ballot,
        "candidates": ballot.candidates.order_by("number"),
        "result": result,
        "officer": officer,
        "observer": observer,
        "jobs": jobs,
        "jobs_running": any(not j.finished for j in jobs),
        # A verifiable ballot is counted by its close pipeline once the trustees have decrypted: no count button.
        "next_action": _NEXT.get(ballot.state) if officer and waiting is None
        and not (ballot.verifiable and ballot.state == S.CLOSED) else None,
        "confirm_steps": steps.CONFIRMED_STEPS,  # these buttons lead to a confirmation page, not straight to a change
        "can_cancel": officer and ballot.state not in (S.PUBLISHED, S.CANCELLED),
        "waiting": waiting,
        "stats": selectors.roll_stats(ballot=ballot) if observer and ballot.state != S.DRAFT else None,
        # The root the close recorded is public from the close on, so it can be noted before any result.
        "closing": selectors.closing_head(ballot=ballot) if ballot.state in _CLOSED else None,
        "verifiable": verifiable_views.summary(request, ballot) if ballot.verifiable else None,
    }
    if result is not None:
        context["sheet_html"] = _sheet_html(result)
        context["chart"] = chart_data(result)
        context["turnout_percent"] = f"{100 * result.turnout:.1f}"
        context["recount_command"] = recount_command(ballot, result)
    return render(request, "ballots/ballot.html", context)


def recount_command(ballot: Ballot, result: Result) -> str:
    """The `omov count` command that recounts the published papers under the same rule, seed and constraints."""
    rule = selectors.rule_for(ballot)
    args = ["omov", "count", f"ballot-{ballot.pk}.blt", "--rule", str(result.rule), "--seats", str(ballot.seats),
            "--seed", str(result.seed)]
    for con in rule.constraints:
        args += ["--group", f"{con.group}={','.join(sorted(con.members))}"]
        if con.minimum:
            args += ["--at-least", f"{con.group}={con.minimum}"]
        if con.maximum is not None:
            args += ["--at-most", f"{con.group}={con.maximum}"]
    return shlex.join(args)


def _published(request: HttpRequest, ballot_id: int) -> tuple[Ballot, Result]:
    ballot = _visible_ballot(request, ballot_id)
    result = _result_for(request, ballot)
    if result is None:
        raise Http404("the result of this ballot is not published yet")
    return ballot, result


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def download_blt(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The anonymised papers as a BLT file: `omov count ballot-N.blt` recounts them."""
    ballot, result = _published(request, ballot_id)
    return _download(result.blt, "text/plain; charset=utf-8", f"ballot-{ballot.pk}.blt")


@require_GET
def download_sheet_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot, result = _published(request, ballot_id)
    return _download(result.sheet_json, "application/json", f"ballot-{ballot.pk}-sheet.json")


@require_GET
def download_result_manifest(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """How the ballot was counted and what was declared, for `omov check` (docs/checking.md)."""
    ballot, result = _published(request, ballot_id)
    body = json.dumps(selectors.result_manifest(ballot=ballot, result=result), indent=1, ensure_ascii=False)
    return _download(body + "\n", "application/json", f"ballot-{ballot.pk}-result.json")


@require_GET
def download_sheet_csv(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot, result = _published(request, ballot_id)
    if not result.sheet_csv:
        raise Http404("no CSV rendering of this count sheet was stored")
    return _download(result.sheet_csv, "text/csv; charset=utf-8", f"ballot-{ballot.pk}-sheet.csv")


@require_GET
def papers(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The published list of papers (tracker codes, sorted: nothing about when each was cast), the Merkle root
    the close recorded, and a box to look a tracker up (with a link to its inclusion proof)."""
    ballot = _visible_ballot(request, ballot_id)
    if ballot.state != S.PUBLISHED:
        return render(request, "ballots/papers.html", {"ballot": ballot, "unpublished": True}, status=404)
    query = request.GET.get("tracker", "").strip()[:100]
    found = None
    if query:
        found = selectors.find_receipt(ballot=ballot, tracker=query)
    # The tracker column holds lower-case hex only, which every collation sorts in byte order.
    rows = Paper.objects.filter(ballot=ballot).order_by("tracker").values_list("tracker", flat=True)
    page = Paginator(rows, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "ballots/papers.html", {
        "ballot": ballot, "query": query, "found": found, "page": page, "looked_up": bool(query),
        "closing": selectors.closing_head(ballot=ballot),
    })  # fmt: skip


@require_GET
def receipt_proof(request: HttpRequest, ballot_id: int, tracker: str) -> JsonResponse:
    """A tracker's inclusion proof (docs/checking.md): its place in the sorted list and the audit path from its
    leaf to the Merkle root that the close recorded, for a voter to check without the whole list."""
    ballot = _visible_ballot(request, ballot_id)
    if ballot.state != S.PUBLISHED:
        return JsonResponse({"error": "the list of papers is published with the result"}, status=404)
    code = tracker.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", code):
        return JsonResponse({"error": "a tracker code is 64 hexadecimal digits"}, status=400)
    proof = selectors.receipt_proof(ballot=ballot, tracker=code)
    if proof is None:
        return JsonResponse({"error": f"no paper of this ballot has the tracker {code}"}, status=404)
    closing = selectors.closing_head(ballot=ballot)
    return JsonResponse({
        "format": "omov-inclusion-proof", "version": 1, "tree": MERKLE_TREE,
        "ballot": {"id": ballot.pk, "public_id": str(ballot.public_id)},
        "tracker": proof.tracker, "leaf_index": proof.leaf_index, "tree_size": proof.tree_size,
        "audit_path": list(proof.audit_path),
        "root": closing.root if closing is not None else None,
        "audit_position": closing.audit_position if closing is not None else None,
    })  # fmt: skip


@require_GET
def trail(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The ballot's audit trail: to its officers and scrutineers at any time; to everyone once the result is
    published, with personal details (a reissued credential's member, a rate-limited address) withheld."""
    ballot = _visible_ballot(request, ballot_id)
    observer = _observer(request, ballot)
    if not observer and ballot.state != S.PUBLISHED:
        return render(request, "ballots/trail.html", {"ballot": ballot, "unpublished": True}, status=404)
    entries = selectors.ballot_trail(ballot=ballot, public=not observer)
    return render(request, "ballots/trail.html", {"ballot": ballot, "entries": entries, "observer": observer})


@require_GET
def download_papers(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The whole published list as JSON lines, sorted by tracker: each paper's tracker and bytes."""
    ballot = _visible_ballot(request, ballot_id)
    try:
        entries = selectors.paper_list(ballot=ballot)
    except BallotError as exc:
        raise Http404(str(exc)) from None
    lines = (json.dumps({"tracker": e.tracker, "paper": e.content.decode("utf-8")}) + "\n" for e in entries)
    return _download("".join(lines), "application/x-ndjson", f"ballot-{ballot.pk}-papers.jsonl")


# The returning officer's buttons ------------------------------------------------------------------------------

# state -> (action, button label, explanation)
_NEXT: dict[str, tuple[str, str, str]] = {
    S.READY: ("open", "Open voting", "Freeze the roll and send the credentials (a background job)."),
    S.OPEN: ("close", "Close voting", "No more papers can be cast after this."),
    S.CLOSED: ("count", "Count the papers", "Count under the ballot's rule (a background job)."),
    S.COUNTED: ("publish", "Publish the result", "The result, count sheet, papers (BLT) and trackers become public."),
}

_BUSY = {S.READY: "open-ballot", S.CLOSED: "count"}  # state -> the kind of job that moves it on


def _refusal(request: HttpRequest, ballot: Ballot) -> HttpResponse | None:
    """The answer to someone who may not take this ballot's steps (None for its officers): sign in, or 403."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('signin')}?next={reverse('ballot', args=[ballot.pk])}")
    if _officer(request, ballot):
        return None
    if _observer(request, ballot):
        message = f"scrutineers observe {ballot.title!r} but cannot change it"
    else:
        message = f"only a returning officer of {ballot.title!r} can do that"
    return render(request, "ballots/refused.html", {"ballot": ballot, "message": message}, status=403)


def _confirm_page(
    request: HttpRequest, ballot: Ballot, action: str, error: str = "", status: int = 200
) -> HttpResponse:
    preview = steps.preview_step(ballot=ballot, action=action)
    if preview.problem:
        status = 409
    return render(request, "ballots/confirm_step.html", {
        "ballot": ballot, "step": preview, "error": error, "reason": request.POST.get("reason", "")[:2000],
    }, status=status)  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def officer_action(request: HttpRequest, ballot_id: int, action: str) -> HttpResponse:
    """One step of the state machine for a returning officer. Opening, closing, publishing and cancelling are
    confirmed first: GET (or a POST without `confirm=yes`) shows what the step will do; the confirming POST
    (CSRF-protected) calls the service, which enforces the same guards."""
    ballot = _visible_ballot(request, ballot_id)  # a refusal must not name a draft to someone who cannot see it
    post = request.POST
    steps_ = {
        "open": lambda: bs.start_opening(ballot=ballot, actor=request.user, open_now=post.get("open_now") == "yes"),
        "close": lambda: bs.close_ballot(ballot=ballot, actor=request.user, early=post.get("early") == "yes"),
        "count": lambda: bs.start_count(ballot=ballot, actor=request.user),
        "publish": lambda: bs.publish_result(ballot=ballot, actor=request.user),
        "cancel": lambda: bs.cancel_ballot(ballot=ballot, actor=request.user, reason=post.get("reason", "")[:2000]),
    }
    if action not in steps_:
        raise Http404("no such action")
    confirmed = action in steps.CONFIRMED_STEPS
    if request.method == "GET" and not confirmed:
        return HttpResponseNotAllowed(["POST"])
    refusal = _refusal(request, ballot)
    if refusal is not None:
        return refusal
    if confirmed and request.method == "GET":
        return _confirm_page(request, ballot, action)
    if confirmed and post.get("confirm") != "yes":
        return redirect("officer-action", ballot_id=ballot.pk, action=action)  # say what it does first
    try:
        steps_[action]()
    except BallotError as exc:
        text = str(exc)[:1].upper() + str(exc)[1:] + "."
        if exc.code == "not-allowed":
            return render(request, "ballots/refused.html", {"ballot": ballot, "message": str(exc)}, status=403)
        if confirmed:  # the page again, with what stopped it (a time that has moved on, a missing reason)
            ballot.refresh_from_db()
            return _confirm_page(request, ballot, action, error=text, status=409)
        messages.error(request, text)
    else:
        ballot.refresh_from_db(fields=["state"])
        # Opening and counting are jobs, done already when they run eagerly: say what is true now, once.
        done = {"open": "Opening started (see Background jobs)", "close": "Voting is closed",
                "count": "Counting started (see Background jobs)", "publish": "The result is published",
                "cancel": "The ballot is cancelled; the voters on its roll are being told"}[action]  # fmt: skip
        finished = {"open": "Voting is open", "count": "The ballot is counted: check the result, then publish it"}
        if ballot.state == {"open": "open", "count": "counted"}.get(action):
            done = finished[action]
        messages.success(request, f"{done}.")
    return redirect("ballot", ballot_id=ballot.pk)


@never_cache
@require_GET
def jobs_json(request: HttpRequest, ballot_id: int) -> JsonResponse:
    """Progress of the ballot's background jobs, for its officers and scrutineers (polled by the page)."""
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    if ballot is None or not bs.is_visible(actor=request.user, ballot=ballot):
        # The same answer as for a ballot that does not exist: a 403 here would say a hidden draft is there.
        return JsonResponse({"error": "no such ballot"}, status=404)
    if not _observer(request, ballot):
        return JsonResponse({"error": "only the ballot's officers and scrutineers see its jobs"}, status=403)
    jobs = selectors.jobs_for_ballot(ballot=ballot)[:10]
    return JsonResponse({
        "state": ballot.state,
        "jobs": [{"id": str(j.pk), "kind": j.kind, "state": j.state, "done": j.done, "total": j.total,
                  "percent": j.percent, "message": j.message, "error": j.error, "finished": j.finished}
                 for j in jobs],
    })  # fmt: skip
