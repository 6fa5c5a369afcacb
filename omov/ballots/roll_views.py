"""The voter roll during a ballot, for its returning officers and scrutineers: find a member, see where their
credential stands and whether they voted (never how, nor when), reissue a lost credential with a reason, print
letters, send a reminder to those who have not voted (once a day), and see turnout by unit.

Scrutineers read the roll; only returning officers act on it (the services check, and the forms are not shown
to anyone else). Views only translate HTTP into calls: writes are `services.reissue_credential`,
`services.print_letters` and `services.start_reminders`; reads are `omov.ballots.selectors`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from omov.ballots import permissions, selectors
from omov.ballots import services as bs
from omov.ballots.errors import BallotError
from omov.ballots.models import Ballot, Voter

S = Ballot.State
_ROLL_STATES = (S.OPEN, S.CLOSED, S.COUNTED, S.PUBLISHED)  # a roll exists from the opening on
MAX_REASON = 500


class _Refused(Exception):
    """The page is not for this visitor; carries the response to give instead."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _roll_ballot(request: HttpRequest, ballot_id: int) -> Ballot:
    """The ballot, if this visitor observes it (officer or scrutineer); otherwise sign in, 404 or 403."""
    ballot = get_object_or_404(Ballot.objects.select_related("organisation"), pk=ballot_id)
    if not permissions.is_visible(actor=request.user, ballot=ballot):
        raise Http404("no such ballot")  # a draft's existence is not told to who cannot see it
    if not request.user.is_authenticated:
        raise _Refused(redirect(f"{reverse('signin')}?next={request.path}"))
    if not permissions.is_observer(actor=request.user, ballot=ballot):
        raise _Refused(_refused(request, ballot, "only the ballot's returning officers and scrutineers see its roll"))
    return ballot


def _refused(request: HttpRequest, ballot: Ballot, message: str) -> HttpResponse:
    return render(request, "ballots/refused.html", {"ballot": ballot, "message": message}, status=403)


def _sentence(exc: BallotError) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + "."


def _voter(ballot: Ballot, voter_id: int) -> Voter:
    return get_object_or_404(Voter.objects.select_related("member", "ballot"), pk=voter_id, ballot=ballot)


def refusing(view: Any) -> Any:
    """Turn a `_Refused` raised by the view into its response."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except _Refused as refused:
            return refused.response
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# Pages ----------------------------------------------------------------------------------------------------------


@never_cache
@require_GET
@refusing
def roll(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The roll: search, where each voter's credential stands, delivery figures, reminders, turnout by unit."""
    ballot = _roll_ballot(request, ballot_id)
    officer = permissions.is_officer(actor=request.user, ballot=ballot)
    query = request.GET.get("q", "").strip()[:200]
    frozen = ballot.state in _ROLL_STATES
    context: dict[str, Any] = {"ballot": ballot, "officer": officer, "query": query, "frozen": frozen}
    if frozen:
        page = Paginator(selectors.search_roll(ballot=ballot, query=query), selectors.ROLL_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        turnout = selectors.turnout_by_unit(ballot=ballot)
        last = selectors.last_reminder(ballot=ballot)
        reminder_jobs = list(selectors.jobs_for_ballot(ballot=ballot).filter(kind="send-reminders")[:3])
        context.update({
            "page": page,
            "lines": selectors.roll_lines(page.object_list),
            "stats": selectors.roll_stats(ballot=ballot),
            "pending": selectors.pending_credentials(ballot=ballot),
            "turnout": turnout,
            "turnout_chart": {"units": [t.name for t in turnout], "percent": [t.percent for t in turnout],
                              "voted": [t.voted for t in turnout], "roll": [t.roll for t in turnout]},
            "last_reminder": last,
            "next_reminder": last.created_at + selectors.REMINDER_INTERVAL if last else None,
            "reminder_jobs": reminder_jobs,
            "jobs_running": any(not j.finished for j in reminder_jobs),
            "is_open": ballot.state == S.OPEN,
        })  # fmt: skip
    return render(request, "ballots/roll/roll.html", context)


@never_cache
@require_GET
@refusing
def roll_voter(request: HttpRequest, ballot_id: int, voter_id: int) -> HttpResponse:
    """One voter: where their credential stands, whether they voted, its reissues; the reissue form for officers."""
    ballot = _roll_ballot(request, ballot_id)
    return _voter_page(request, ballot, _voter(ballot, voter_id))


def _voter_page(request: HttpRequest, ballot: Ballot, voter: Voter, *, error: str = "", reason: str = "",
                status: int = 200) -> HttpResponse:  # fmt: skip
    line = selectors.roll_line(voter=voter)
    return render(request, "ballots/roll/voter.html", {
        "ballot": ballot,
        "voter": voter,
        "member": voter.member,
        "line": line,
        "reissues": selectors.reissues_for(voter=voter),
        "can_reissue": ballot.state == S.OPEN and not line.voted
        and permissions.is_officer(actor=request.user, ballot=ballot),
        "error": error,
        "reason": reason,
    }, status=status)  # fmt: skip


# Actions (POST, CSRF-protected; the services check who acts and the ballot's state) ---------------------------


@never_cache
@require_POST
@refusing
def roll_reissue(request: HttpRequest, ballot_id: int, voter_id: int) -> HttpResponse:
    """Reissue a voter's credential, with a reason; the new one is shown once, on this response only."""
    ballot = _roll_ballot(request, ballot_id)
    voter = _voter(ballot, voter_id)
    reason = " ".join(request.POST.get("reason", "").split())
    if not reason:
        return _voter_page(request, ballot, voter, status=400,
                           error="Say why the credential is reissued (for example: lost, never arrived).")
    if len(reason) > MAX_REASON:
        return _voter_page(request, ballot, voter, status=400, reason=reason[:MAX_REASON],
                           error=f"Keep the reason under {MAX_REASON} characters.")
    try:
        token = bs.reissue_credential(voter=voter, actor=request.user, reason=reason)
    except BallotError as exc:
        if exc.code == "not-allowed":
            return _refused(request, ballot, str(exc))
        return _voter_page(request, ballot, voter, error=_sentence(exc), reason=reason, status=409)
    response = render(request, "ballots/roll/reissued.html", {
        "ballot": ballot, "member": voter.member, "token": token, "reason": reason,
        "link": request.build_absolute_uri(reverse("vote", args=[ballot.pk])) + f"#credential={token}",
    })  # fmt: skip
    return response  # never_cache: the credential is on this response alone, never kept by a cache


@require_POST
@refusing
def roll_reminders(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Queue a reminder to the voters who have not voted yet (refused within a day of the last)."""
    ballot = _roll_ballot(request, ballot_id)
    try:
        bs.start_reminders(ballot=ballot, actor=request.user)
    except BallotError as exc:
        if exc.code == "not-allowed":
            return _refused(request, ballot, str(exc))
        messages.error(request, _sentence(exc))
    else:
        messages.success(request, "Reminders are on their way: the job below shows how far it has got.")
    return redirect(f"{reverse('roll', args=[ballot.pk])}#reminders")


@never_cache
@require_POST
@refusing
def roll_letters(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Print the credential letters not printed yet (and, if asked, for voters whose email bounced): shown once."""
    ballot = _roll_ballot(request, ballot_id)
    try:
        letters = bs.print_letters(ballot=ballot, actor=request.user,
                                   reprint_failed_email=request.POST.get("bounced") == "1")
    except BallotError as exc:
        if exc.code == "not-allowed":
            return _refused(request, ballot, str(exc))
        messages.error(request, _sentence(exc))
        return redirect(f"{reverse('roll', args=[ballot.pk])}#letters")
    return render(request, "ballots/letters.html", {"letters": letters, "ballots": ballot.title})  # never cached
