"""Organising pages. Views only translate HTTP to selectors and service calls; every error is an OrganisingError
shown to the person, and nothing is written outside omov.organising.services. GET never writes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omov.core.actors import ANONYMOUS
from omov.core.ratelimit import client_ip, limiter
from omov.members.models import Member, Unit
from omov.members.selectors import member_for_user
from omov.members.services import user_for_member
from omov.organising import ical, selectors, services
from omov.organising.errors import OrganisingError, RateLimited
from omov.organising.models import Course, DoorRecord, Elector, ElectorList, Event, SignUpForm, Submission, WalkList
from omov.organising.permissions import in_audience, is_organiser

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _number(text: str | None, digits: int = 18) -> int | None:
    """A whole number from a form, or None: "abc", "²" (a digit to str.isdigit, not to int) or 50 digits are not."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def _event_url(request: HttpRequest, event: Event) -> str:
    return request.build_absolute_uri(reverse("organising:event", args=[event.pk]))


def _need_organiser(request: HttpRequest, unit: Unit) -> None:
    if not is_organiser(actor=request.user, unit=unit):
        raise Http404("no such page")  # canvass data: others are not told that it exists


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Events the reader can join, and (for organisers) their units and elector lists."""
    member = member_for_user(user=request.user)
    return render(
        request,
        "organising/index.html",
        {
            "events": selectors.upcoming_events_for(user=request.user, member=member),
            "units": selectors.organised_units(user=request.user),
            "lists": selectors.lists_visible_to(user=request.user),
            "forms": selectors.forms_visible_to(user=request.user),
            "join_requests": selectors.join_requests_for(user=request.user).count(),
        },
    )


@require_GET
def unit_events(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's public page of events (titles, times, places; no one's name)."""
    unit = get_object_or_404(Unit, pk=unit_id)
    events = selectors.public_events_of(unit=unit).filter(ends_at__gte=timezone.now())
    forms = selectors.open_forms_of(unit=unit).select_related("unit")
    return render(request, "organising/unit_events.html", {"unit": unit, "events": events, "forms": forms})


@require_GET
def unit_feed(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's events as an iCalendar feed to subscribe to."""
    unit = get_object_or_404(Unit, pk=unit_id)
    events = list(selectors.public_events_of(unit=unit))
    text = ical.calendar(
        events, name=f"{unit.name} events", urls={e.pk: _event_url(request, e) for e in events}, now=timezone.now()
    )
    return HttpResponse(text, content_type="text/calendar; charset=utf-8")


@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("unit", "requires", "teaches"), pk=event_id)
    member = member_for_user(user=request.user)
    organiser = is_organiser(actor=request.user, unit=event.unit)
    place = selectors.rsvp_of(member=member, event=event)
    context: dict[str, Any] = {
        "event": event,
        "member": member,
        "organiser": organiser,
        "place": place,
        "left": selectors.places_left(event),
        "may_join": in_audience(member=member, event=event),
        "trained": event.requires is None
        or (member is not None and selectors.has_completed(member=member, course=event.requires)),
        "going": event.rsvps.filter(state="going").select_related("member") if organiser else None,
        "waiting": services.waiting_list_of(event) if organiser else None,
        "queue_position": (
            services.waiting_list_of(event).filter(waiting_since__lte=place.waiting_since).count()
            if place is not None and place.state == "waiting"
            else None
        ),
        "walk_lists": event.walk_lists.all() if organiser else None,
    }
    return render(request, "organising/event.html", context)


@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=event_id)
    response = HttpResponse(
        ical.calendar([event], urls={event.pk: _event_url(request, event)}, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


_PLACE_MESSAGE = {
    "going": "You have a place. We have emailed you a confirmation with a calendar file.",
    "waiting": "You are on the waiting list. We have emailed you, and will email again if a place comes up.",
}


@login_required
@require_POST
def event_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=event_id)
    member = member_for_user(user=request.user)
    try:
        if member is None:
            raise OrganisingError("you are signed in, but not as a member: only members can RSVP")
        place = services.rsvp(
            event=event, member=member, actor=request.user, waiting_list=bool(request.POST.get("waiting_list"))
        )
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _PLACE_MESSAGE[place.state])
    return redirect("organising:event", event_id=event.pk)


@login_required
@require_POST
def event_unrsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=event_id)
    place = selectors.rsvp_of(member=member_for_user(user=request.user), event=event)
    if place is None:
        raise Http404("no RSVP")
    waiting = place.state == "waiting"
    try:
        services.cancel_rsvp(place=place, actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "You have left the waiting list." if waiting else "Your place is given up.")
    return redirect("organising:event", event_id=event.pk)


@require_POST
def event_signup(request: HttpRequest, event_id: int) -> HttpResponse:
    """The public sign-up form of a public event (rate-limited per address)."""
    event = get_object_or_404(Event, pk=event_id)
    limit = limiter("signup-ip")
    try:
        if not limit.hit(client_ip(request)).allowed:
            raise RateLimited("too many sign-ups from your connection: try again in an hour")
        place = services.sign_up(
            event=event, name=request.POST.get("name", ""), email=request.POST.get("email", ""), actor=ANONYMOUS,
            waiting_list=bool(request.POST.get("waiting_list")),
        )  # fmt: skip
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _PLACE_MESSAGE[place.state])
    return redirect("organising:event", event_id=event.pk)


def _parse_when(text: str) -> dt.datetime:
    try:
        return timezone.make_aware(dt.datetime.strptime(text.strip(), DATETIME_FORMAT))
    except ValueError:
        raise OrganisingError("give the date and time as YYYY-MM-DD HH:MM") from None


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    """An organiser creates an event for one of their units."""
    units = list(selectors.organisable_units(user=request.user))
    if not units:
        raise Http404("no such page")
    courses = Course.objects.filter(organisation_id__in={u.organisation_id for u in units})
    form = request.POST if request.method == "POST" else {}
    error = ""
    if request.method == "POST":
        try:
            unit = next((u for u in units if str(u.pk) == form.get("unit")), None)
            if unit is None:
                raise OrganisingError("choose one of your units")

            def course(field: str) -> Course | None:
                value = form.get(field) or ""
                return next((c for c in courses if str(c.pk) == value), None)

            capacity = form.get("capacity", "0").strip() or "0"
            if _number(capacity, 6) is None:
                raise OrganisingError("places are a whole number (0 for no limit)")
            event = services.create_event(
                unit=unit, kind=form.get("kind", ""), title=form.get("title", ""),
                starts_at=_parse_when(form.get("starts_at", "")), ends_at=_parse_when(form.get("ends_at", "")),
                description=form.get("description", ""), place=form.get("place", ""), link=form.get("link", ""),
                capacity=int(capacity), audience=form.get("audience", ""), teaches=course("teaches"),
                requires=course("requires"), actor=request.user,
            )  # fmt: skip
        except OrganisingError as exc:
            error = str(exc)
        else:
            messages.success(request, "Event created.")
            return redirect("organising:event", event_id=event.pk)
    return render(
        request,
        "organising/event_new.html",
        {
            "units": units,
            "courses": courses,
            "form": form,
            "error": error,
            "kinds": Event.Kind.choices,
            "audiences": Event.Audience.choices,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("unit", "teaches"), pk=event_id)
    _need_organiser(request, event.unit)
    if request.method == "POST":
        present = {n for n in map(_number, request.POST.getlist("present")) if n is not None}
        try:
            n = services.mark_attendance(event=event, present=present, actor=request.user)
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Attendance saved: {n} present.")
            return redirect("organising:event", event_id=event.pk)
    going = event.rsvps.filter(state="going").order_by("name")
    return render(request, "organising/attendance.html", {"event": event, "going": going})


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    """Cancelling cannot be undone: GET shows what it does and asks; POST does it."""
    event = get_object_or_404(Event.objects.select_related("unit"), pk=event_id)
    _need_organiser(request, event.unit)
    if request.method == "POST":
        try:
            services.cancel_event(event=event, actor=request.user)
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The event is cancelled.")
        return redirect("organising:event", event_id=event.pk)
    going = event.rsvps.filter(state="going").count()
    return render(request, "organising/event_cancel.html", {"event": event, "going": going})


# Canvassing ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def list_import(request: HttpRequest) -> HttpResponse:
    """An organiser imports electors from a CSV for one of their units."""
    units = list(selectors.organisable_units(user=request.user))
    if not units:
        raise Http404("no such page")
    form = request.POST if request.method == "POST" else {}
    error = ""
    if request.method == "POST":
        try:
            unit = next((u for u in units if str(u.pk) == form.get("unit")), None)
            if unit is None:
                raise OrganisingError("choose one of your units")
            upload = request.FILES.get("file")
            if upload is None:
                raise OrganisingError("choose the CSV file to import")
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise OrganisingError(
                    "the file is not UTF-8 text: save it from your spreadsheet as CSV UTF-8"
                ) from None
            try:
                retain = dt.date.fromisoformat(form.get("retain_until", "").strip())
            except ValueError:
                raise OrganisingError("give the retention date as YYYY-MM-DD") from None
            elector_list = services.import_electors(
                unit=unit,
                name=form.get("name", ""),
                csv_text=text,
                retain_until=retain,
                actor=request.user,
                layout=form.get("layout", "auto"),
            )
            services.cut_walk_lists(elector_list=elector_list, actor=request.user, split_sides=bool(form.get("sides")))
        except OrganisingError as exc:
            error = str(exc)
        else:
            messages.success(request, "Electors imported and cut into walk lists.")
            return redirect("organising:list", list_id=elector_list.pk)
    return render(
        request,
        "organising/list_import.html",
        {"units": units, "form": form, "error": error, "layouts": services.LAYOUTS.items()},
        status=400 if error else 200,
    )


def _visible_list(request: HttpRequest, list_id: int) -> ElectorList:
    elector_list = get_object_or_404(ElectorList.objects.select_related("unit"), pk=list_id)
    _need_organiser(request, elector_list.unit)
    return elector_list


@login_required
@require_GET
def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    """A list's walk lists, contact rates, and the search for a contact to erase."""
    elector_list = _visible_list(request, list_id)
    query = request.GET.get("q", "")
    sessions = Event.objects.filter(
        kind=Event.Kind.CANVASS, state=Event.State.SCHEDULED, unit__organisation_id=elector_list.unit.organisation_id
    )
    return render(
        request,
        "organising/list.html",
        {
            "list": elector_list,
            "walk_lists": _with_canvassers(elector_list.walk_lists.select_related("session", "canvasser")),
            "rates": selectors.contact_rates(elector_list=elector_list),
            "query": query,
            "found": selectors.find_contacts(elector_list=elector_list, query=query)[:50] if query else None,
            "sessions": sessions,
        },
    )


@login_required
@require_POST
def walk_assign(request: HttpRequest, walk_id: int) -> HttpResponse:
    walk_list = get_object_or_404(WalkList.objects.select_related("elector_list__unit"), pk=walk_id)
    _need_organiser(request, walk_list.elector_list.unit)
    session_id = _number(request.POST.get("session"))
    session = Event.objects.filter(pk=session_id).first() if session_id is not None else None
    try:
        canvasser = walk_list.canvasser
        if "canvasser" in request.POST:
            canvasser = _canvasser(request.POST.get("canvasser", ""), walk_list.elector_list.unit.organisation_id)
        services.assign_walk_list(walk_list=walk_list, session=session, canvasser=canvasser, actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{walk_list.name}: assigned.")
    return redirect("organising:list", list_id=walk_list.elector_list_id)


def _with_canvassers(walk_lists: Any) -> list[WalkList]:
    """Walk lists with their canvasser's name and membership number (what an organiser types to assign one)."""
    rows = list(walk_lists)
    members = {m.user_id: m for m in Member.objects.filter(user__in=[w.canvasser for w in rows if w.canvasser])}
    for w in rows:
        m = members.get(w.canvasser_id)
        username = w.canvasser.get_username() if w.canvasser else ""
        w.canvasser_label = m.membership_number if m else username  # type: ignore[attr-defined]
        w.canvasser_name = f"{m.name} ({m.membership_number})" if m else w.canvasser_label  # type: ignore[attr-defined]
    return rows


def _canvasser(text: str, organisation_id: int) -> Any:
    """The user a walk list goes to, from a membership number or email of the organisation ("" for no one)."""
    text = text.strip()
    if not text:
        return None
    found = list(
        Member.objects.filter(
            Q(membership_number__iexact=text) | Q(email__iexact=text), organisation_id=organisation_id
        )[:2]
    )
    if len(found) != 1:
        raise OrganisingError(f"no one member has the membership number or email {text!r}: check it")
    return user_for_member(member=found[0])


@login_required
@require_POST
def list_export(request: HttpRequest, list_id: int) -> HttpResponse:
    """The list as CSV. A POST from the list page: every export is written to the audit chain."""
    elector_list = _visible_list(request, list_id)
    try:
        text = services.export_list(elector_list=elector_list, actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
        return redirect("organising:list", list_id=elector_list.pk)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="elector-list-{elector_list.pk}.csv"'
    return response


@login_required
@require_POST
def walk_sheet(request: HttpRequest, walk_id: int) -> HttpResponse:
    """A walk list as a printable PDF walk sheet. A POST (from the list or walk page): every sheet is an export,
    written to the audit chain. Only the unit's organisers: others are told nothing exists."""
    walk_list = get_object_or_404(
        WalkList.objects.select_related("elector_list__unit", "session", "canvasser"), pk=walk_id
    )
    _need_organiser(request, walk_list.elector_list.unit)
    try:
        pdf = services.walk_sheet(walk_list=walk_list, actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
        return redirect("organising:list", list_id=walk_list.elector_list_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="walk-sheet-{walk_list.pk}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def contact_erase(request: HttpRequest, elector_id: int) -> HttpResponse:
    """Erasing a contact cannot be undone: GET says what it does and asks; POST does it."""
    elector = get_object_or_404(Elector.objects.select_related("elector_list__unit"), pk=elector_id)
    _need_organiser(request, elector.elector_list.unit)
    if request.method == "POST":
        try:
            services.erase_contact(elector=elector, actor=request.user, reason=request.POST.get("reason", "request"))
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The contact's personal data are erased. Their door records count, anonymously.")
        return redirect("organising:list", list_id=elector.elector_list_id)
    return render(request, "organising/contact_erase.html", {"elector": elector, "doors": elector.door_records.count()})


@login_required
@require_GET
def walk_detail(request: HttpRequest, walk_id: int) -> HttpResponse:
    """The canvasser's phone page: the doors in walking order, each with a form to record what happened."""
    walk_list = get_object_or_404(WalkList.objects.select_related("elector_list__unit"), pk=walk_id)
    if not selectors.may_canvass(user=request.user, walk_list=walk_list):
        raise Http404("no such page")
    doors = selectors.doors_of(walk_list)
    for door in doors:
        door.client_id = uuid.uuid4()  # type: ignore[attr-defined]  # a resent form is stored once
    return render(
        request,
        "organising/walk.html",
        {
            "walk": walk_list,
            "doors": doors,
            "scale": list(enumerate(walk_list.elector_list.scale, start=1)),
            "outcomes": DoorRecord.Outcome.choices,
            "done": sum(1 for d in doors if d.last is not None),
            "organiser": is_organiser(actor=request.user, unit=walk_list.elector_list.unit),
        },  # type: ignore[attr-defined]
    )


@login_required
@require_POST
def walk_record(request: HttpRequest, walk_id: int) -> HttpResponse:
    """Record one door. The form posts here without JavaScript (and is redirected back to the next door); the
    page's outbox posts here with `Accept: application/json` and retries until it gets an answer."""
    walk_list = get_object_or_404(WalkList.objects.select_related("elector_list__unit"), pk=walk_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    elector_id = request.POST.get("elector", "")
    number = _number(elector_id)
    elector = walk_list.electors.filter(pk=number).first() if number is not None else None
    intention = request.POST.get("intention", "")
    try:
        if elector is None:
            raise OrganisingError("this door is not on this walk list: reload the page")
        _, created = services.record_door(
            walk_list=walk_list, elector=elector, outcome=request.POST.get("outcome", ""), actor=request.user,
            client_id=request.POST.get("client_id") or None,
            intention=_number(intention, 3),
            issues=request.POST.get("issues", ""), wants_poster=bool(request.POST.get("poster")),
            wants_to_join=bool(request.POST.get("join")),
        )  # fmt: skip
    except OrganisingError as exc:
        if wants_json:
            return JsonResponse({"ok": False, "error": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect(reverse("organising:walk", args=[walk_list.pk]) + f"#door-{elector_id}")
    if wants_json:
        return JsonResponse({"ok": True, "created": created})
    messages.success(request, "Door recorded.")
    return redirect(reverse("organising:walk", args=[walk_list.pk]) + f"#door-{elector.pk}")


# Organisers and courses ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_organisers(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's organisers; an organiser of it (or above) appoints another by membership number or email."""
    unit = get_object_or_404(Unit, pk=unit_id)
    _need_organiser(request, unit)
    if request.method == "POST":
        try:
            user = _canvasser(request.POST.get("who", ""), unit.organisation_id)
            if user is None:
                raise OrganisingError("give the new organiser's membership number or email")
            services.appoint_organiser(user=user, unit=unit, actor=request.user)
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{user.get_username()} now organises {unit.name} and the units below it.")
        return redirect("organising:unit-organisers", unit_id=unit.pk)
    roles = unit.organisers.select_related("user").order_by("user__username")
    names = {m.user_id: m.name for m in Member.objects.filter(user__in=[r.user for r in roles])}
    return render(
        request,
        "organising/organisers.html",
        {"unit": unit, "roles": [(r, names.get(r.user_id, "")) for r in roles]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def courses(request: HttpRequest) -> HttpResponse:
    """The organisation's courses; an organiser adds one."""
    units = list(selectors.organised_units(user=request.user))
    if not units:
        raise Http404("no such page")
    organisations = {u.organisation_id: u.organisation for u in units}
    if request.method == "POST":
        organisation = organisations.get(_number(request.POST.get("organisation")) or -1)
        if organisation is None and len(organisations) == 1:
            organisation = next(iter(organisations.values()))
        try:
            if organisation is None:
                raise OrganisingError("choose the organisation")
            course = services.create_course(
                organisation=organisation, code=request.POST.get("code", "").strip(), name=request.POST.get("name", ""),
                description=request.POST.get("description", "").strip(), actor=request.user,
            )  # fmt: skip
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Course “{course.name}” added: a training can now complete it.")
        return redirect("organising:courses")
    return render(
        request,
        "organising/courses.html",
        {
            "courses": Course.objects.filter(organisation_id__in=organisations).annotate(
                completed=Count("completions")
            ),
            "organisations": list(organisations.values()),
        },
    )


# Contact to member link ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_link(request: HttpRequest, elector_id: int) -> HttpResponse:
    """Link a contact to a member, only when an organiser confirms they are the same person: GET finds members and
    asks; POST (with the chosen member) links, and is audited."""
    elector = get_object_or_404(Elector.objects.select_related("elector_list__unit", "member"), pk=elector_id)
    _need_organiser(request, elector.elector_list.unit)
    organisation_id = elector.elector_list.unit.organisation_id
    if request.method == "POST":
        member = Member.objects.filter(pk=_number(request.POST.get("member")), organisation_id=organisation_id).first()
        try:
            if member is None:
                raise OrganisingError("choose the member from the list")
            services.confirm_contact_is_member(elector=elector, member=member, actor=request.user)
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{elector.name} is linked to member {member.membership_number}.")
        return redirect("organising:list", list_id=elector.elector_list_id)
    query = request.GET.get("q", elector.name)
    return render(
        request,
        "organising/contact_link.html",
        {
            "elector": elector,
            "query": query,
            "found": selectors.candidate_members(organisation_id=organisation_id, query=query)[:20],
        },
    )


# Dashboard -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Contact rate and voting intention per area and per canvass session, across the lists this organiser sees."""
    lists = selectors.lists_visible_to(user=request.user)
    if not lists and not selectors.organised_units(user=request.user):
        raise Http404("no such page")
    chosen = _number(request.GET.get("list"))
    shown = [el for el in lists if chosen is None or el.pk == chosen]
    data = selectors.dashboard(lists=shown)
    return render(
        request,
        "organising/dashboard.html",
        {"lists": lists, "chosen": chosen, "data": data, "charts": selectors.dashboard_chart_data(data)},
    )


# Sign-up forms and petitions -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def form_new(request: HttpRequest) -> HttpResponse:
    """An organiser creates a volunteer sign-up form or a petition for one of their units."""
    units = list(selectors.organisable_units(user=request.user))
    if not units:
        raise Http404("no such page")
    form = request.POST if request.method == "POST" else {"kind": request.GET.get("kind", "petition")}
    error = ""
    if request.method == "POST":
        try:
            unit = next((u for u in units if str(u.pk) == form.get("unit")), None)
            if unit is None:
                raise OrganisingError("choose one of your units")
            target = form.get("target", "0").strip() or "0"
            if _number(target, 9) is None:
                raise OrganisingError("the target is a whole number of signatures")
            made = services.create_form(
                unit=unit, kind=form.get("kind", ""), title=form.get("title", ""), text=form.get("text", ""),
                consent=form.get("consent", ""), interests=form.get("interests", ""),
                ask_phone=bool(form.get("ask_phone")), offer_join=bool(form.get("offer_join")), target=int(target),
                actor=request.user,
            )  # fmt: skip
        except OrganisingError as exc:
            error = str(exc)
        else:
            messages.success(request, "Created and open: share the public page's address.")
            return redirect("organising:form-manage", form_id=made.pk)
    return render(
        request,
        "organising/form_new.html",
        {"units": units, "form": form, "error": error, "kinds": SignUpForm.Kind.choices},
        status=400 if error else 200,
    )


def _form_context(form: SignUpForm) -> dict[str, Any]:
    count = selectors.signature_count(form)
    return {
        "form": form,
        "count": count,
        "percent": min(100, round(100 * count / form.target)) if form.target else 0,
        "series": selectors.signatures_over_time(form),
    }


@require_http_methods(["GET", "POST"])
def form_public(request: HttpRequest, form_id: int) -> HttpResponse:
    """The public page of a petition or volunteer form: anyone signs it, without an account (rate-limited per
    address, screened by the moderation pipeline)."""
    form = get_object_or_404(SignUpForm.objects.select_related("unit"), pk=form_id)
    values = request.POST if request.method == "POST" else {}
    error = ""
    if request.method == "POST":
        try:
            if not limiter("form-ip").hit(client_ip(request)).allowed:
                raise RateLimited("too many signatures from your connection: try again in an hour")
            services.submit(
                form=form, name=values.get("name", ""), email=values.get("email", ""),
                postcode=values.get("postcode", ""), phone=values.get("phone", ""),
                interests=request.POST.getlist("interests"), message=values.get("message", ""),
                consent=bool(values.get("consent")), wants_to_join=bool(values.get("join")), actor=ANONYMOUS,
                user_ip=client_ip(request),
            )  # fmt: skip
        except OrganisingError as exc:
            error = str(exc)
        else:
            # The same thanks whatever the screening said and whether the address signed before: the page tells
            # a stranger nothing about who signed.
            return redirect("organising:form-thanks", form_id=form.pk)
    return render(
        request,
        "organising/form_public.html",
        {**_form_context(form), "values": values, "error": error},
        status=400 if error else 200,
    )


@require_GET
def form_thanks(request: HttpRequest, form_id: int) -> HttpResponse:
    form = get_object_or_404(SignUpForm.objects.select_related("unit"), pk=form_id)
    context = {**_form_context(form), "confirmed": request.GET.get("confirmed") == "1"}
    return render(request, "organising/form_thanks.html", context)


@require_GET
def form_count(request: HttpRequest, form_id: int) -> JsonResponse:
    """The live counter: the petition page asks for it every half minute."""
    form = get_object_or_404(SignUpForm, pk=form_id)
    response = JsonResponse({"count": selectors.signature_count(form), "target": form.target, "state": form.state})
    response["Cache-Control"] = "max-age=15"
    return response


@require_http_methods(["GET", "POST"])
def form_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a petition signer's email: GET asks (mail scanners follow links); POST counts the signature."""
    if request.method == "POST":
        try:
            sub = services.confirm_submission(token=token, actor=ANONYMOUS)
        except OrganisingError as exc:
            return render(request, "organising/form_confirm.html", {"error": str(exc)}, status=400)
        return redirect(reverse("organising:form-thanks", args=[sub.form_id]) + "?confirmed=1")
    return render(request, "organising/form_confirm.html", {"token": token})


def _managed_form(request: HttpRequest, form_id: int) -> SignUpForm:
    form = get_object_or_404(SignUpForm.objects.select_related("unit"), pk=form_id)
    _need_organiser(request, form.unit)
    return form


@login_required
@require_GET
def form_manage(request: HttpRequest, form_id: int) -> HttpResponse:
    """The organiser's view of a form: the count, those held for review or filed as spam, and the sign-ups."""
    form = _managed_form(request, form_id)
    subs = form.submissions.filter(erased=False)
    return render(
        request,
        "organising/form_manage.html",
        {
            **_form_context(form),
            "review": subs.exclude(moderation="accepted").order_by("moderation", "created_at"),
            "accepted": subs.filter(moderation="accepted").order_by("-created_at")[:200],
            "unconfirmed": subs.filter(moderation="accepted", confirmed_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def form_export(request: HttpRequest, form_id: int) -> HttpResponse:
    """The sign-ups as CSV. A POST from the form's page: every export is written to the audit chain."""
    form = _managed_form(request, form_id)
    try:
        text = services.export_submissions(form=form, actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
        return redirect("organising:form-manage", form_id=form.pk)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="signups-{form.pk}.csv"'
    return response


@login_required
@require_POST
def submission_moderate(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = get_object_or_404(Submission.objects.select_related("form__unit"), pk=submission_id)
    _need_organiser(request, sub.form.unit)
    try:
        services.moderate_submission(submission=sub, decision=request.POST.get("decision", ""), actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Accepted." if sub.moderation == "accepted" else "Filed as spam.")
    return redirect("organising:form-manage", form_id=sub.form_id)


@login_required
@require_http_methods(["GET", "POST"])
def submission_erase(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Erasing a signer cannot be undone: GET says what it does and asks; POST does it."""
    sub = get_object_or_404(Submission.objects.select_related("form__unit"), pk=submission_id)
    _need_organiser(request, sub.form.unit)
    if request.method == "POST":
        try:
            services.erase_submission(submission=sub, actor=request.user, reason=request.POST.get("reason", "request"))
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Their personal data are erased and their signature withdrawn.")
        return redirect("organising:form-manage", form_id=sub.form_id)
    return render(request, "organising/submission_erase.html", {"sub": sub})


@login_required
@require_http_methods(["GET", "POST"])
def form_close(request: HttpRequest, form_id: int) -> HttpResponse:
    """Closing cannot be undone: GET says what it does and asks; POST does it."""
    form = _managed_form(request, form_id)
    if request.method == "POST":
        try:
            services.close_form(form=form, actor=request.user)
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Closed: it takes no more signatures; its page and count stay.")
        return redirect("organising:form-manage", form_id=form.pk)
    return render(request, "organising/form_close.html", _form_context(form))


@login_required
@require_http_methods(["GET", "POST"])
def join_requests(request: HttpRequest) -> HttpResponse:
    """Volunteers who asked to join, for the membership officer; POST marks one as dealt with."""
    if not selectors.organised_units(user=request.user):
        raise Http404("no such page")
    if request.method == "POST":
        sub = get_object_or_404(Submission.objects.select_related("form__unit"), pk=_number(request.POST.get("id")))
        _need_organiser(request, sub.form.unit)
        try:
            services.handle_join_request(submission=sub, actor=request.user)
        except OrganisingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{sub.name}: marked as dealt with.")
        return redirect("organising:join-requests")
    return render(
        request,
        "organising/join_requests.html",
        {"requests": selectors.join_requests_for(user=request.user).order_by("created_at")},
    )
