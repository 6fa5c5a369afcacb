"""The returning officer's guided set-up of a ballot, on omov's own pages (not the Django admin).

`/ballots/setup/` lists the drafts one runs and starts a new ballot (or copies an earlier one); each draft has a
page with a checklist of what is missing and a step for each part: details and method, candidates, balance rules,
electorate (with a live count of the roll), timetable, officers, and a preview of the paper as a voter sees it;
then one button marks it ready. Views translate HTTP into calls of `omov.ballots.services` (which check who acts
and record each change in the audit log); GET never writes; every form posts and redirects (works without
JavaScript; the roll count's script only refreshes a number the page already shows).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omov.ballots import permissions, selectors
from omov.ballots import services as bs
from omov.ballots.errors import BallotError
from omov.ballots.methods import METHODS
from omov.ballots.models import BalanceRule, Ballot, Candidate
from omov.ballots.setup_forms import (
    BalanceRuleForm,
    CandidateForm,
    CopyForm,
    DetailsForm,
    ElectorateForm,
    NewBallotForm,
    OfficerForm,
    TimetableForm,
    VerifiableForm,
)
from omov.ballots.verifiable.services.ceremony import set_verifiable
from omov.ballots.views import _choices, _paper_context
from omov.members.models import Appointment
from omov.members.permissions import organisation_wide, organisations_for, units_run_by
from omov.members.selectors import eligible_members, genders_recorded, people_with_role
from omov.members.services import user_for_member

S = Ballot.State
RO = Appointment.Role.RETURNING_OFFICER

STEPS = [
    ("setup-details", "Method and seats"),
    ("setup-candidates", "Candidates"),
    ("setup-balance", "Balance rules"),
    ("setup-electorate", "Who may vote"),
    ("setup-timetable", "Timetable"),
    ("setup-officers", "Officers"),
    ("setup-verifiable", "Verifiable"),
    ("setup-preview", "Preview"),
]


def _say(exc: BallotError) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _refused(request: HttpRequest, message: str, ballot: Ballot | None = None) -> HttpResponse:
    return render(request, "ballots/setup/refused.html", {"message": message, "ballot": ballot}, status=403)


def _draft(request: HttpRequest, ballot_id: int) -> Ballot | HttpResponse:
    """The ballot if the signed-in user runs it; otherwise the response to give (sign in, 404, 403, or the
    ballot's own page once it is no longer a draft)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    ballot = get_object_or_404(Ballot.objects.select_related("organisation"), pk=ballot_id)
    if not permissions.is_visible(actor=request.user, ballot=ballot):
        raise Http404("no such ballot")
    if not permissions.is_officer(actor=request.user, ballot=ballot):
        return _refused(request, "only the ballot's returning officers can set it up", ballot)
    if ballot.state != S.DRAFT:
        messages.info(request, f"{ballot.title} is {ballot.state}: its set-up can no longer change.")
        return redirect("ballot", ballot_id=ballot.pk)
    return ballot


def _page(request: HttpRequest, ballot: Ballot, template: str, step: str, **context: Any) -> HttpResponse:
    steps = [(name, label, reverse(name, args=[ballot.pk]), name == step) for name, label in STEPS]
    return render(request, f"ballots/setup/{template}", {
        "ballot": ballot, "steps": steps, "step": step, "method": METHODS.get(ballot.method), **context,
    })  # fmt: skip


def method_options(field: Any) -> list[tuple[Any, Any]]:
    """Each method's radio button with its words (what it does, whom it suits), for the template."""
    return [(box, METHODS[box.data["value"]]) for box in field]


def _attempt(request: HttpRequest, call: Callable[[], Any], done: str) -> bool:
    """Run one service call; say what happened (the service's own words when it refuses)."""
    try:
        call()
    except BallotError as exc:
        messages.error(request, _say(exc))
        return False
    messages.success(request, done)
    return True


# The list of drafts, a new ballot, a copy ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """The drafts the user runs; a new ballot; a copy of an earlier one as a template."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisations = organisations_for(actor=request.user, role=RO)
    drafts = [b for b in selectors.ballots_run_by(user=request.user) if b.state == S.DRAFT]
    if not organisations.exists() and not drafts:
        return _refused(request, "only an administrator or an appointed returning officer can set up ballots")
    sources = Ballot.objects.filter(pk__in=[b.pk for b in selectors.ballots_run_by(user=request.user)])
    new = NewBallotForm(request.POST if request.POST.get("form") == "new" else None, organisations=organisations,
                        prefix="new")  # fmt: skip
    copy = CopyForm(request.POST if request.POST.get("form") == "copy" else None, sources=sources, prefix="copy")
    if request.method == "POST":
        try:
            if new.is_bound and new.is_valid():
                d = new.cleaned_data
                ballot = bs.create_ballot(organisation=d["organisation"], title=d["title"], method=d["method"],
                                          seats=d["seats"], actor=request.user)  # fmt: skip
                messages.success(request, f"{ballot.title} is created as a draft. Now add its candidates.")
                return redirect("setup-candidates", ballot_id=ballot.pk)
            if copy.is_bound and copy.is_valid():
                d = copy.cleaned_data
                ballot = bs.copy_ballot(source=d["source"], actor=request.user, title=d["title"],
                                        with_candidates=d["with_candidates"])  # fmt: skip
                messages.success(request, f"{ballot.title} is a new draft set up like {d['source'].title}.")
                return redirect("setup-draft", ballot_id=ballot.pk)
        except BallotError as exc:
            messages.error(request, _say(exc))
    return render(request, "ballots/setup/index.html", {
        "drafts": drafts, "new": new, "copy": copy, "method_options": method_options(new["method"]),
        "can_create": organisations.exists(),
        "can_copy": sources.exists(),
    }, status=400 if request.method == "POST" else 200)  # fmt: skip


# The draft's page: a checklist and the ready button ---------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    step: str  # the URL name of the step that fixes it
    label: str
    done: bool
    detail: str


def checklist(ballot: Ballot) -> list[Check]:
    """What the draft has and what it still lacks, step by step (reads only)."""
    candidates = list(ballot.candidates.filter(withdrawn=False))
    rules = list(ballot.balance_rules.all())
    officers = list(ballot.returning_officers.all())
    units = list(ballot.electorate_units.all())
    method = METHODS.get(ballot.method)
    return [
        Check("setup-details", "Method and seats", True,
              f"{method.label if method else ballot.method}; {ballot.seats} to elect"),
        Check("setup-candidates", "Candidates", len(candidates) >= max(ballot.seats, 1) and len(candidates) > 0,
              f"{len(candidates)} candidate{'s' if len(candidates) != 1 else ''} for {ballot.seats} "
              f"seat{'s' if ballot.seats != 1 else ''}"),
        Check("setup-balance", "Balance rules", True,
              "; ".join(f"at least {r.minimum} {r.group}" for r in rules) or "none (optional)"),
        Check("setup-electorate", "Who may vote", True,
              (", ".join(u.name for u in units) if units else "the whole organisation")
              + f"; {', '.join(ballot.statuses)}"),
        Check("setup-timetable", "Timetable", bool(ballot.opens_at and ballot.closes_at), _when(ballot)),
        Check("setup-officers", "Officers", bool(officers),
              ", ".join(u.get_username() for u in officers) or "no returning officer yet"),
        _verifiable_check(ballot),
    ]  # fmt: skip


def _verifiable_check(ballot: Ballot) -> Check:
    if not ballot.verifiable:
        return Check("setup-verifiable", "Verifiable", True, "no (optional): papers are counted as cast, not sealed")
    named = ballot.trustees.count()
    codes = "by letter, made offline" if ballot.credential_mode == "offline" else "in the voting link"
    return Check("setup-verifiable", "Verifiable", named == ballot.trustee_count,
                 f"yes: {named} of {ballot.trustee_count} trustees named, any {ballot.trustee_threshold} decrypt; "
                 f"codes {codes}")  # fmt: skip


def _when(ballot: Ballot) -> str:
    """The timetable in the organisation's time zone, as the checklist says it."""
    if not (ballot.opens_at and ballot.closes_at):
        return "not set: when does voting open and close?"
    zone = zoneinfo.ZoneInfo(ballot.organisation.time_zone or "UTC")
    opens, closes = (timezone.localtime(t, zone).strftime("%-d %B %Y, %H:%M") for t in (ballot.opens_at,
                                                                                         ballot.closes_at))
    return f"opens {opens}, closes {closes} ({zone.key})"


@never_cache
@require_GET
def draft(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    problems = selectors.readiness_problems(ballot)
    return _page(request, ballot, "draft.html", "", checks=checklist(ballot), problems=problems)


@require_POST
def mark_ready(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    if _attempt(request, lambda: bs.mark_ready(ballot=ballot, actor=request.user),
                f"{ballot.title} is ready. It opens at its set time, or when you open it."):  # fmt: skip
        return redirect("ballot", ballot_id=ballot.pk)
    return redirect("setup-draft", ballot_id=ballot.pk)


# The steps ------------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    initial = {k: getattr(ballot, k) for k in ("title", "description", "method", "seats", "max_choices", "allow_empty")}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        if not changes or _attempt(request, lambda: bs.update_ballot(ballot=ballot, actor=request.user, **changes),
                                   "Saved."):  # fmt: skip
            return redirect("setup-candidates", ballot_id=ballot.pk)
    return _page(request, ballot, "details.html", "setup-details", form=form,
                 method_options=method_options(form["method"]))  # fmt: skip


def _candidate(ballot: Ballot, pk: Any) -> Candidate:
    try:
        return ballot.candidates.get(pk=int(pk))
    except (ValueError, TypeError, Candidate.DoesNotExist):
        raise Http404("no such candidate") from None


@never_cache
@require_http_methods(["GET", "POST"])
def candidates(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The candidates in paper order: add one; move one up or down; remove one (a draft's candidate leaves the
    paper) or mark one withdrawn (kept on the paper, marked, passed over in the count)."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    genders = genders_recorded(organisation=ballot.organisation)
    action = request.POST.get("action", "")
    form = CandidateForm(request.POST if action == "add" else None, genders=genders)
    if request.method == "POST":
        user = request.user
        if action == "add":
            if form.is_valid():
                d = form.cleaned_data
                if _attempt(request, lambda: bs.add_candidate(ballot=ballot, actor=user, name=d["name"],
                                                              statement=d["statement"], gender=d.get("gender", "")),
                            f"{d['name']} is added."):  # fmt: skip
                    return redirect("setup-candidates", ballot_id=ballot.pk)
        elif action in ("up", "down", "remove", "withdraw"):
            cand = _candidate(ballot, request.POST.get("candidate"))
            calls = {
                "up": (lambda: bs.move_candidate(candidate=cand, actor=user, by=-1), f"{cand.name} moved up."),
                "down": (lambda: bs.move_candidate(candidate=cand, actor=user, by=1), f"{cand.name} moved down."),
                "remove": (lambda: bs.remove_candidate(candidate=cand, actor=user), f"{cand.name} is removed."),
                "withdraw": (lambda: bs.withdraw_candidate(candidate=cand, actor=user),
                             f"{cand.name} is marked withdrawn."),
            }  # fmt: skip
            _attempt(request, *calls[action])
            return redirect(f"{reverse('setup-candidates', args=[ballot.pk])}#candidate-{cand.pk}")
        else:
            raise Http404("no such action")
    rows = list(ballot.candidates.order_by("number"))
    return _page(request, ballot, "candidates.html", "setup-candidates", form=form, rows=rows, genders=genders)


@never_cache
@require_http_methods(["GET", "POST"])
def candidate(request: HttpRequest, ballot_id: int, candidate_id: int) -> HttpResponse:
    """One candidate's name, statement and gender."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    cand = _candidate(ballot, candidate_id)
    genders = genders_recorded(organisation=ballot.organisation)
    initial = {"name": cand.name, "statement": cand.statement, "gender": cand.gender}
    form = CandidateForm(request.POST or None, initial=initial, genders=genders)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        if not changes or _attempt(
            request, lambda: bs.update_candidate(candidate=cand, actor=request.user, **changes), "Saved."
        ):
            return redirect("setup-candidates", ballot_id=ballot.pk)
    return _page(request, ballot, "candidate.html", "setup-candidates", form=form, candidate=cand)


@never_cache
@require_http_methods(["GET", "POST"])
def balance(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Balance rules chosen from lists: "at least [2] of the elected must be [women]"."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    genders = genders_recorded(organisation=ballot.organisation)
    action = request.POST.get("action", "")
    form = BalanceRuleForm(request.POST if action == "add" else None, genders=genders, ballot=ballot)
    if request.method == "POST":
        if action == "add":
            if form.is_valid():
                d = form.cleaned_data
                listed = list(ballot.candidates.filter(pk__in=[int(p) for p in d.get("candidates") or []]))
                if _attempt(request, lambda: bs.add_balance_rule(
                        ballot=ballot, actor=request.user, group=d["group"].strip(), minimum=d["minimum"],
                        maximum=d.get("maximum"), genders=[d["gender"]] if d.get("gender") else [],
                        candidates=listed), f"Added: at least {d['minimum']} {d['group']}."):  # fmt: skip
                    return redirect("setup-balance", ballot_id=ballot.pk)
        elif action == "remove":
            rule = get_object_or_404(BalanceRule, pk=request.POST.get("rule") or 0, ballot=ballot)
            _attempt(request, lambda: bs.remove_balance_rule(rule=rule, actor=request.user), "The rule is removed.")
            return redirect("setup-balance", ballot_id=ballot.pk)
        else:
            raise Http404("no such action")
    rules = list(ballot.balance_rules.prefetch_related("candidates"))
    return _page(request, ballot, "balance.html", "setup-balance", form=form, rules=rules, genders=genders)


def _electorate_form(request: HttpRequest, ballot: Ballot, data: Any = None) -> ElectorateForm:
    org = ballot.organisation
    units = list(units_run_by(actor=request.user, role=RO, organisation=org))
    chosen = list(ballot.electorate_units.all())
    # A per-ballot officer without an appointment may pick any unit (permissions.electorate_allowed).
    everywhere = organisation_wide(actor=request.user, role=RO, organisation=org) or not units
    if not units:
        units = list(org.units.all())
    units += [u for u in chosen if u not in units]
    initial = {
        "units": [str(u.pk) for u in chosen], "statuses": ballot.statuses, "freeze_date": ballot.freeze_date,
        "allow_arrears": ballot.allow_arrears, "supporters_allowed": ballot.supporters_allowed,
    }  # fmt: skip
    return ElectorateForm(data, initial=initial, units=units, whole_organisation=everywhere)


def _roll_size(ballot: Ballot, form: ElectorateForm) -> int:
    d = form.cleaned_data
    return eligible_members(
        organisation=ballot.organisation, units=form.chosen_units(), statuses=d["statuses"],
        joined_on_or_before=d.get("freeze_date"), allow_arrears=d.get("allow_arrears", False),
        supporters_allowed=d.get("supporters_allowed", False),
    ).count()  # fmt: skip


def _saved_roll_size(ballot: Ballot) -> int:
    return eligible_members(
        organisation=ballot.organisation, units=ballot.electorate_units.all(), statuses=ballot.statuses,
        joined_on_or_before=ballot.freeze_date, allow_arrears=ballot.allow_arrears,
        supporters_allowed=ballot.supporters_allowed,
    ).count()  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def electorate(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Who may vote: units from the tree, statuses, a freeze date, arrears, supporters; with the roll's size."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    form = _electorate_form(request, ballot, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _attempt(request, lambda: bs.set_electorate(
                ballot=ballot, actor=request.user, units=form.chosen_units(), statuses=d["statuses"],
                freeze_date=d.get("freeze_date"), allow_arrears=d["allow_arrears"],
                supporters_allowed=d["supporters_allowed"]), "Saved."):  # fmt: skip
            return redirect("setup-timetable", ballot_id=ballot.pk)
    boxes = zip(form["units"], form.units.values(), strict=True)
    tree = [(box, unit, f"depth-{min(unit.depth, 4)}") for box, unit in boxes]
    return _page(request, ballot, "electorate.html", "setup-electorate", form=form, tree=tree,
                 roll=_saved_roll_size(ballot))  # fmt: skip


@never_cache
@require_GET
def roll_count(request: HttpRequest, ballot_id: int) -> JsonResponse:
    """How many members the electorate rule in the query would put on the roll (for the live count; reads only)."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return JsonResponse({"error": "only the ballot's returning officers see this"}, status=403)
    form = _electorate_form(request, ballot, request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "; ".join(e for errs in form.errors.values() for e in errs)}, status=400)
    return JsonResponse({"count": _roll_size(ballot, form)})


@never_cache
@require_http_methods(["GET", "POST"])
def timetable(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """When voting opens and closes, in the organisation's time zone."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    zone = ballot.organisation.time_zone or "UTC"
    probe = TimetableForm(zone=zone)
    initial = {"opens_at": probe.local(ballot.opens_at), "closes_at": probe.local(ballot.closes_at),
               "count_when_closed": ballot.count_when_closed}  # fmt: skip
    form = TimetableForm(request.POST or None, initial=initial, zone=zone)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _attempt(request, lambda: bs.update_ballot(ballot=ballot, actor=request.user, opens_at=d["opens_at"],
                                                      closes_at=d["closes_at"],
                                                      count_when_closed=d["count_when_closed"]), "Saved."):  # fmt: skip
            return redirect("setup-officers", ballot_id=ballot.pk)
    return _page(request, ballot, "timetable.html", "setup-timetable", form=form, zone=zone)


@never_cache
@require_http_methods(["GET", "POST"])
def officers(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The ballot's returning officers and scrutineers, from the people the organisation has appointed."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    org = ballot.organisation
    roles = (RO, Appointment.Role.SCRUTINEER)
    pool = {u.pk: u for role in roles for u in people_with_role(organisation=org, role=role)}
    people = [(str(u.pk), f"{u.get_username()} ({u.email})" if u.email else u.get_username()) for u in pool.values()]
    action = request.POST.get("action", "")
    form = OfficerForm(request.POST if action == "add" else None, people=people)
    if request.method == "POST":
        user = request.user
        if action == "add":
            if form.is_valid():
                person = pool[int(form.cleaned_data["user"])]
                if form.cleaned_data["role"] == "officer":
                    call = lambda: bs.appoint_returning_officer(ballot=ballot, user=person, actor=user)  # noqa: E731
                else:
                    call = lambda: bs.appoint_scrutineer(ballot=ballot, user=person, actor=user)  # noqa: E731
                if _attempt(request, call, f"{person.get_username()} is added."):
                    return redirect("setup-officers", ballot_id=ballot.pk)
        elif action in ("remove-officer", "remove-scrutineer"):
            person = get_object_or_404(get_user_model(), pk=request.POST.get("user") or 0)
            if action == "remove-officer":
                _attempt(request, lambda: bs.remove_returning_officer(ballot=ballot, user=person, actor=user),
                         f"{person.get_username()} is no longer a returning officer of this ballot.")  # fmt: skip
            else:
                _attempt(request, lambda: bs.remove_scrutineer(ballot=ballot, user=person, actor=user),
                         f"{person.get_username()} is no longer a scrutineer of this ballot.")  # fmt: skip
            return redirect("setup-officers", ballot_id=ballot.pk)
        else:
            raise Http404("no such action")
    return _page(request, ballot, "officers.html", "setup-officers", form=form, people=people,
                 officers=list(ballot.returning_officers.all()),
                 scrutineers=list(ballot.scrutineers.all()))  # fmt: skip


@never_cache
@require_GET
def preview(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The paper exactly as a voter will see it (the voting page's own fragment), in a phone-sized frame."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    context = _paper_context(ballot, _choices(ballot), None, "")  # the voting page's own, for an empty paper
    context.pop("ballot")
    return _page(request, ballot, "preview.html", "setup-preview", **context)


def _trustee_user(ballot: Ballot, email: str) -> Any:
    """The account a trustee signs in with: an active user with this email (an officer), or the organisation's
    member with this email (their account is made on first use, as when they sign in). None if neither."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
    if user is not None:
        return user
    member = ballot.organisation.members.filter(email__iexact=email).first()
    return user_for_member(member=member) if member is not None else None


@never_cache
@require_http_methods(["GET", "POST"])
def verifiable(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Whether the ballot is verifiable; its trustees, threshold, voting codes and mixing (docs/verifiable.md)."""
    ballot = _draft(request, ballot_id)
    if isinstance(ballot, HttpResponse):
        return ballot
    trustees = list(ballot.trustees.select_related("user").order_by("number"))
    initial: dict[str, Any] = {"verifiable": ballot.verifiable, "credential_mode": ballot.credential_mode,
                               "trustee_threshold": ballot.trustee_threshold, "mix_count": str(ballot.mix_count)}
    for t in trustees:
        initial[f"name_{t.number}"] = t.name
        initial[f"email_{t.number}"] = t.user.email if t.user else ""
    form = VerifiableForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        named, unknown = [], []
        for name, email in form.trustees():
            person = _trustee_user(ballot, email)
            if person is None:
                unknown.append(email)
            named.append((name, person))
        if unknown:
            messages.error(request, f"Nobody in the organisation has the email address {', '.join(unknown)}.")
        elif _attempt(request, lambda: set_verifiable(
                ballot=ballot, actor=request.user, verifiable=d["verifiable"],
                trustees=named if d["verifiable"] else (), threshold=d["trustee_threshold"],
                credential_mode=d["credential_mode"], mix_count=int(d["mix_count"])),
                "Saved." if d["verifiable"] else "Saved: this is an ordinary ballot."):  # fmt: skip
            return redirect("setup-verifiable", ballot_id=ballot.pk)
    return _page(request, ballot, "verifiable.html", "setup-verifiable", form=form, trustees=trustees)
