"""Organising pages. Views only translate HTTP to selectors and service calls; every error is an OrganisingError
shown to the person, and nothing is written outside omov.organising.services. GET never writes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omov.core.actors import ANONYMOUS
from omov.core.ratelimit import client_ip, limiter
from omov.members.models import Unit
from omov.members.selectors import member_for_user
from omov.organising import ical, selectors, services
from omov.organising.errors import OrganisingError, RateLimited
from omov.organising.models import Course, DoorRecord, Elector, ElectorList, Event, WalkList
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
        },
    )


@require_GET
def unit_events(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's public page of events (titles, times, places; no one's name)."""
    unit = get_object_or_404(Unit, pk=unit_id)
    events = selectors.public_events_of(unit=unit).filter(ends_at__gte=timezone.now())
    return render(request, "organising/unit_events.html", {"unit": unit, "events": events})


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
    context: dict[str, Any] = {
        "event": event,
        "member": member,
        "organiser": organiser,
        "place": selectors.rsvp_of(member=member, event=event),
        "left": selectors.places_left(event),
        "may_join": in_audience(member=member, event=event),
        "trained": event.requires is None
        or (member is not None and selectors.has_completed(member=member, course=event.requires)),
        "going": event.rsvps.filter(state="going").select_related("member") if organiser else None,
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


@login_required
@require_POST
def event_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=event_id)
    member = member_for_user(user=request.user)
    try:
        if member is None:
            raise OrganisingError("you are signed in, but not as a member: only members can RSVP")
        services.rsvp(event=event, member=member, actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "You have a place. We have emailed you a confirmation with a calendar file.")
    return redirect("organising:event", event_id=event.pk)


@login_required
@require_POST
def event_unrsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=event_id)
    place = selectors.rsvp_of(member=member_for_user(user=request.user), event=event)
    if place is None:
        raise Http404("no RSVP")
    try:
        services.cancel_rsvp(place=place, actor=request.user)
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your place is given up.")
    return redirect("organising:event", event_id=event.pk)


@require_POST
def event_signup(request: HttpRequest, event_id: int) -> HttpResponse:
    """The public sign-up form of a public event (rate-limited per address)."""
    event = get_object_or_404(Event, pk=event_id)
    limit = limiter("signup-ip")
    try:
        if not limit.hit(client_ip(request)).allowed:
            raise RateLimited("too many sign-ups from your connection: try again in an hour")
        services.sign_up(
            event=event, name=request.POST.get("name", ""), email=request.POST.get("email", ""), actor=ANONYMOUS
        )
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "You are signed up. We have emailed you a confirmation with a calendar file.")
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
                unit=unit, name=form.get("name", ""), csv_text=text, retain_until=retain, actor=request.user
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
        {"units": units, "form": form, "error": error},
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
            "walk_lists": elector_list.walk_lists.select_related("session", "canvasser"),
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
        services.assign_walk_list(
            walk_list=walk_list, session=session, canvasser=walk_list.canvasser, actor=request.user
        )
    except OrganisingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{walk_list.name}: assigned.")
    return redirect("organising:list", list_id=walk_list.elector_list_id)


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
