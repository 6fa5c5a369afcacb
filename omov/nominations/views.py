"""Public pages: the live tracker (polled fragment), what-if, trigger ballot state, the selection's record.

Public views only read, through selectors; the officers' pages write only by calling services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from omov.members.models import Member, Unit
from omov.nominations import selectors, services
from omov.nominations.errors import NominationError
from omov.nominations.models import Nomination, NominationRound, OpenSelection, TriggerBallot
from omov.nominations.thresholds import PRESETS, RuleError
from omov.nominations.whatif import check_asked_rules

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
    asked = list(dict.fromkeys(asked))
    compare_presets = not asked  # by default, every preset the round's nominators can be counted under
    rules = list(dict.fromkeys([rnd.rule, *(asked or PRESETS)]))
    boards, errors, left_out = [], [], []
    try:
        check_asked_rules(asked)
    except RuleError as exc:
        errors.append(str(exc))
        rules = []  # nothing evaluated: the request asked for too much
    for rule in rules:
        try:
            boards.append(selectors.tracker(round=rnd, rule=rule))
        except RuleError as exc:
            if compare_presets and rule != rnd.rule:
                left_out.append(rule)  # counts a group this round has none of (MPs, in a selection): not an error
            else:
                errors.append(f"{rule}: {exc}")
    names = [r.candidate for r in boards[0].rows] if boards else []
    table = [(name, [next(r for r in b.rows if r.candidate == name) for b in boards]) for name in names]
    return render(request, "nominations/whatif.html", {
        "round": rnd, "boards": boards, "table": table, "errors": errors, "presets": PRESETS, "custom": custom,
        "left_out": left_out,
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


# Officers' pages: record nominations and trigger votes (nominations officers; every write is a service call)

def _officer(request: HttpRequest) -> bool:
    return services.is_nominations_officer(request.user)


def _not_an_officer(request: HttpRequest) -> HttpResponse:
    """Sign in first; signed in without the permission, a refusal that says who can (not a sign-in loop)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return HttpResponseForbidden(
        "Only nominations officers can do this: an administrator gives the permission 'Can run nomination rounds, "
        "trigger ballots and open selections' to a user or a group.",
        content_type="text/plain; charset=utf-8",
    )


def _int(value: str | None, what: str) -> int | None:
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    if len(text) > 12:  # int() would refuse 4,301 digits; the database, more than 2**63
        raise NominationError(f"{what} must be a whole number of at most 12 digits")
    try:
        n = int(text)
    except ValueError:
        raise NominationError(f"{what} must be a whole number, not {value[:20]!r}") from None
    if n < 0:
        raise NominationError(f"{what} cannot be negative")
    return n


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise NominationError(f"the meeting's date must be written YYYY-MM-DD, not {value!r}") from None


def _unit(organisation_id: int, code: str) -> Unit:
    unit = Unit.objects.filter(organisation_id=organisation_id, code=code.strip()).first()
    if unit is None:
        raise NominationError(f"there is no unit with code {code.strip()!r}: check the code on the units list")
    return unit


def _member(organisation_id: int, number: str) -> Member:
    member = Member.objects.filter(organisation_id=organisation_id, membership_number=number.strip()).first()
    if member is None:
        raise NominationError(f"there is no member with membership number {number.strip()!r}")
    return member


def record_nomination(request: HttpRequest, round_id: int) -> HttpResponse:
    """An officer records a nomination (an MP's, or a unit's with its meeting's vote), or withdraws one."""
    if not _officer(request):
        return _not_an_officer(request)
    rnd = get_object_or_404(NominationRound, pk=round_id)
    error = ""
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("withdraw"):
                nom = get_object_or_404(Nomination, pk=_int(post["withdraw"], "the nomination"), round=rnd)
                services.withdraw_nomination(nomination=nom, actor=request.user, reason=post.get("reason", ""))
                messages.success(request, f"Withdrawn: {nom.nominator_label}'s nomination of {nom.candidate.name}.")
            else:
                cand = rnd.candidates.filter(pk=_int(post.get("candidate"), "the candidate") or 0).first()
                if cand is None:
                    raise NominationError("choose a candidate")
                number, code = post.get("member", "").strip(), post.get("unit", "").strip()
                if bool(number) == bool(code):
                    raise NominationError("give either a member's membership number or a unit's code")
                if number:
                    nom = services.nominate(round=rnd, candidate=cand, member=_member(rnd.organisation_id, number),
                                            actor=request.user)
                else:
                    nom = services.nominate(
                        round=rnd, candidate=cand, unit=_unit(rnd.organisation_id, code), actor=request.user,
                        meeting_date=_date(post.get("meeting_date")),
                        votes_for=_int(post.get("votes_for"), "votes for"),
                        votes_against=_int(post.get("votes_against"), "votes against"),
                        abstentions=_int(post.get("abstentions"), "abstentions"),
                    )
                messages.success(request, f"Recorded: {nom.nominator_label} nominates {cand.name}.")
            return redirect("nominations:round-record", round_id=rnd.pk)
        except NominationError as exc:
            error = str(exc)
    standing = Nomination.objects.filter(round=rnd, withdrawn_at__isnull=True).select_related(
        "candidate", "member", "unit").order_by("-made_at")
    return render(request, "nominations/record.html", {
        "round": rnd, "candidates": rnd.candidates.filter(withdrawn=False), "standing": standing, "error": error,
        "post": request.POST if error else {},
    }, status=400 if error else 200)


def record_trigger_vote(request: HttpRequest, trigger_id: int) -> HttpResponse:
    """An officer records a branch's or affiliate's trigger-ballot vote."""
    if not _officer(request):
        return _not_an_officer(request)
    trigger = get_object_or_404(TriggerBallot, pk=trigger_id)
    error = ""
    if request.method == "POST":
        post = request.POST
        try:
            unit = _unit(trigger.organisation_id, post.get("unit", ""))
            services.record_trigger_vote(
                trigger=trigger, unit=unit, choice=post.get("choice", ""), actor=request.user,
                votes_open=_int(post.get("votes_open"), "votes to open"),
                votes_reselect=_int(post.get("votes_reselect"), "votes to reselect"),
                abstentions=_int(post.get("abstentions"), "abstentions"), meeting_date=_date(post.get("meeting_date")),
            )
            messages.success(request, f"Recorded: {unit.name} votes {post.get('choice')}.")
            return redirect("nominations:trigger-record", trigger_id=trigger.pk)
        except NominationError as exc:
            error = str(exc)
    ctx = _trigger_context(trigger)
    ctx.update({"error": error, "post": request.POST if error else {}})
    return render(request, "nominations/trigger_record.html", ctx, status=400 if error else 200)


def _datetime(value: str | None, what: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value or "")
    except ValueError:
        raise NominationError(f"{what} must be a date and time, e.g. 2030-01-31T19:00, not {value!r}") from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def run_selection(request: HttpRequest, selection_id: int) -> HttpResponse:
    """The guided open selection for officers: the current stage and the form for its next step."""
    if not _officer(request):
        return _not_an_officer(request)
    sel = get_object_or_404(OpenSelection.objects.select_related("round", "constituency", "ballot"), pk=selection_id)
    error = ""
    if request.method == "POST":
        post, actor, step = request.POST, request.user, request.POST.get("step", "")
        try:
            if step == "candidate":
                services.add_candidate(round=sel.round, name=post.get("name", ""), gender=post.get("gender", ""),
                                       actor=actor)
                done = f"{post.get('name')} is a candidate."
            elif step == "open":
                services.open_round(round=sel.round, actor=actor)
                done = "Nominations are open."
            elif step == "longlist":
                names = services.draw_longlist(selection=sel, actor=actor)
                done = f"Longlist: {', '.join(names) or 'nobody'}."
            elif step == "shortlist":
                working = services.set_shortlist(selection=sel, names=post.getlist("name"), actor=actor)
                done = f"Shortlist set ({working})."
            elif step == "hustings":
                services.add_hustings(selection=sel, starts_at=_datetime(post.get("starts_at"), "the start"),
                                      place=post.get("place", ""), actor=actor)
                done = "Hustings added."
            elif step == "ballot":
                ballot = services.start_selection_ballot(
                    selection=sel, actor=actor, opens_at=_datetime(post.get("opens_at"), "the opening"),
                    closes_at=_datetime(post.get("closes_at"), "the close"),
                    freeze_date=_date(post.get("freeze_date")),
                )
                done = f"The members' ballot is ready (ballot {ballot.pk}); open it from its page."
            elif step == "publish":
                done = f"{services.publish_selection(selection=sel, actor=actor)} is selected."
            else:
                raise NominationError("unknown step")
            messages.success(request, done)
            return redirect("nominations:selection-run", selection_id=sel.pk)
        except NominationError as exc:
            error = str(exc)
        sel.refresh_from_db()
    candidates = list(sel.round.candidates.all())
    return render(request, "nominations/selection_run.html", {
        "selection": sel, "round": sel.round, "candidates": candidates,
        "longlist": [c for c in candidates if c.longlisted], "shortlist": [c for c in candidates if c.shortlisted],
        "hustings": sel.hustings.all(), "error": error, "stages": OpenSelection.Stage.choices,
    }, status=400 if error else 200)


# The timetable: an officer moves a deadline with a reason (services.change_*); the page shows the history.

def _timetable_page(request: HttpRequest, *, title: str, subject: str, opens_at: dt.datetime | None,
                    closes_at: dt.datetime, can_open: bool, back: str, public: str, change: Callable[..., None],
                    done: str) -> HttpResponse:
    """The shared form: the new deadline (and opening, while it can move) and the reason; POST calls `change`."""
    error = ""
    if request.method == "POST":
        post = request.POST
        try:
            new_open = _datetime(post.get("opens_at"), "the opening") if can_open and post.get("opens_at") else None
            if new_open is not None and opens_at is not None and new_open == opens_at.replace(second=0, microsecond=0):
                new_open = None  # the form shows minutes: an opening left as shown is not a change of seconds
            change(closes_at=_datetime(post.get("closes_at"), "the deadline"), opens_at=new_open,
                   reason=post.get("reason", ""), actor=request.user)
            messages.success(request, done)
            return redirect(request.path)
        except NominationError as exc:
            error = str(exc)
    return render(request, "nominations/timetable.html", {
        "title": title, "opens_at": opens_at, "closes_at": closes_at, "can_open": can_open, "back": back,
        "public": public, "error": error, "post": request.POST if error else {},
        "history": [(e, selectors.timetable_changes(details=e.details))
                    for e in selectors.timetable_history(subject=subject)],
    }, status=400 if error else 200)


def round_timetable(request: HttpRequest, round_id: int) -> HttpResponse:
    """An officer moves a round's deadline (or, before nominations open, its opening), with a reason."""
    if not _officer(request):
        return _not_an_officer(request)
    rnd = get_object_or_404(NominationRound, pk=round_id)
    sel = OpenSelection.objects.filter(round=rnd).first()

    def change(*, closes_at: dt.datetime, opens_at: dt.datetime | None, reason: str, actor: object) -> None:
        if sel is not None:  # a selection's nominations: its own service, so its record has the change too
            services.change_selection_timetable(selection=sel, closes_at=closes_at, opens_at=opens_at,
                                                reason=reason, actor=actor)
        else:
            services.change_round_timetable(round=rnd, closes_at=closes_at, opens_at=opens_at, reason=reason,
                                            actor=actor)

    can_open = rnd.state == NominationRound.State.DRAFT or (
        rnd.state == NominationRound.State.OPEN and timezone.now() < rnd.opens_at)
    back = (reverse("nominations:selection-run", args=[sel.pk]) if sel is not None
            else reverse("nominations:round-record", args=[rnd.pk]))
    public = "" if rnd.state == NominationRound.State.DRAFT else reverse("nominations:round", args=[rnd.pk])
    return _timetable_page(request, title=rnd.title, subject=f"round:{rnd.pk}", opens_at=rnd.opens_at,
                           closes_at=rnd.closes_at, can_open=can_open, back=back, public=public, change=change,
                           done="The timetable is changed; those affected are being told by email.")


def trigger_timetable(request: HttpRequest, trigger_id: int) -> HttpResponse:
    """An officer moves a trigger ballot's deadline, with a reason."""
    if not _officer(request):
        return _not_an_officer(request)
    trig = get_object_or_404(TriggerBallot.objects.select_related("constituency"), pk=trigger_id)

    def change(*, closes_at: dt.datetime, opens_at: dt.datetime | None, reason: str, actor: object) -> None:
        services.change_trigger_deadline(trigger=trig, closes_at=closes_at, reason=reason, actor=actor)

    return _timetable_page(
        request, title=f"Trigger ballot: {trig.representative}, {trig.constituency.name}",
        subject=f"trigger:{trig.pk}", opens_at=None, closes_at=trig.closes_at, can_open=False,
        back=reverse("nominations:trigger-record", args=[trig.pk]),
        public=reverse("nominations:trigger", args=[trig.pk]),
        change=change, done="The deadline is changed; the representative is being told by email.",
    )
