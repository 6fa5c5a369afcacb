"""Public pages: the live tracker (polled fragment), what-if, trigger ballot state, the selection's record.

Views only read through selectors; nothing here writes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from omov.nominations import selectors
from omov.nominations.models import NominationRound, OpenSelection, TriggerBallot
from omov.nominations.thresholds import PRESETS, RuleError

POLL_SECONDS = 3


def index(request: HttpRequest) -> HttpResponse:
    """Rounds, trigger ballots and selections that are under way or done."""
    return render(request, "nominations/index.html", {
        "rounds": NominationRound.objects.exclude(state=NominationRound.State.DRAFT),
        "triggers": TriggerBallot.objects.select_related("constituency").order_by("-created_at"),
        "selections": OpenSelection.objects.select_related("constituency").order_by("-created_at"),
    })


def _round(round_id: int) -> NominationRound:
    return get_object_or_404(NominationRound.objects.exclude(state=NominationRound.State.DRAFT), pk=round_id)


def _board_context(rnd: NominationRound) -> dict[str, object]:
    board = selectors.tracker(round=rnd)
    preset = PRESETS.get(rnd.rule)
    return {"round": rnd, "board": board, "preset": preset, "poll": POLL_SECONDS,
            "live": rnd.state == NominationRound.State.OPEN}


def round_tracker(request: HttpRequest, round_id: int) -> HttpResponse:
    """The live tracker: each candidate's nominations against every term of the rule."""
    rnd = _round(round_id)
    return render(request, "nominations/round.html", _board_context(rnd))


def round_board(request: HttpRequest, round_id: int) -> HttpResponse:
    """The tracker's table alone, fetched every few seconds by the page's script."""
    rnd = _round(round_id)
    return render(request, "nominations/_board.html", _board_context(rnd))


def round_json(request: HttpRequest, round_id: int) -> JsonResponse:
    """The tracker as JSON (the same working as the page)."""
    rnd = _round(round_id)
    return JsonResponse(selectors.tracker(round=rnd).as_record())


def round_whatif(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's nominations under other rules (presets or expressions), side by side."""
    rnd = _round(round_id)
    asked = [r.strip() for r in request.GET.getlist("rule") if r.strip()]
    custom = request.GET.get("custom", "").strip()
    if custom:
        asked.append(custom)
    if not asked:
        asked = [rnd.rule, *[p for p in PRESETS if p != rnd.rule]]
    rules = list(dict.fromkeys([rnd.rule, *asked]))
    boards, errors = [], []
    for rule in rules:
        try:
            boards.append(selectors.tracker(round=rnd, rule=rule))
        except RuleError as exc:
            errors.append(f"{rule}: {exc}")
    names = [r.candidate for r in boards[0].rows] if boards else []
    table = [(name, [next(r for r in b.rows if r.candidate == name) for b in boards]) for name in names]
    return render(request, "nominations/whatif.html", {
        "round": rnd, "boards": boards, "table": table, "errors": errors, "presets": PRESETS, "custom": custom,
    }, status=400 if errors else 200)


def _trigger_context(trigger: TriggerBallot) -> dict[str, object]:
    state = selectors.trigger_state(trigger=trigger)
    votes = trigger.votes.select_related("unit").order_by("recorded_at")
    return {"trigger": trigger, "state": state, "votes": votes, "poll": POLL_SECONDS, "live": not trigger.outcome}


def trigger_page(request: HttpRequest, trigger_id: int) -> HttpResponse:
    """A trigger ballot's live state: each group's votes, the share needed, whether it has fired."""
    trigger = get_object_or_404(TriggerBallot, pk=trigger_id)
    return render(request, "nominations/trigger.html", _trigger_context(trigger))


def trigger_board(request: HttpRequest, trigger_id: int) -> HttpResponse:
    trigger = get_object_or_404(TriggerBallot, pk=trigger_id)
    return render(request, "nominations/_trigger_board.html", _trigger_context(trigger))


def selection_page(request: HttpRequest, selection_id: int) -> HttpResponse:
    """An open selection's record: stage, longlist, shortlist (with the balance working), hustings, result."""
    from omov.nominations.services import shortlist_balance

    sel = get_object_or_404(OpenSelection.objects.select_related("constituency", "round", "ballot"), pk=selection_id)
    candidates = list(sel.round.candidates.all())
    shortlist = [c for c in candidates if c.shortlisted]
    balance = shortlist_balance(selection=sel, names=[c.name for c in shortlist])[1] if shortlist else ""
    return render(request, "nominations/selection.html", {
        "selection": sel, "candidates": candidates, "longlist": [c for c in candidates if c.longlisted],
        "shortlist": shortlist, "balance": balance, "hustings": sel.hustings.all(),
        "stages": OpenSelection.Stage.choices,
    })
