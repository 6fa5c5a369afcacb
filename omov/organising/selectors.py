"""Reads of the organising app: events a person can see, places left, walk-list order, contact rates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from omov.core.actors import is_user
from omov.members.models import Member, Unit
from omov.organising.models import (
    Completion,
    DoorRecord,
    Elector,
    ElectorList,
    Event,
    Organiser,
    Rsvp,
    SignUpForm,
    Submission,
    WalkList,
)
from omov.organising.permissions import in_audience, is_organiser

_HOUSE = re.compile(r"(\d+)\s*([A-Za-z]?)\b")


def house_key(house: str) -> tuple[int, str, str]:
    """Natural order of house numbers: 2 < 2A < 10 < 10B; a house without a number ("Rose Cottage") comes last.
    In "Flat 3, 12" the number of the building (the last number) counts, then the flat."""
    numbers = _HOUSE.findall(house)
    if not numbers:
        return (10**9, "", house.lower())
    number, suffix = numbers[-1]
    return (int(number), suffix.upper(), house.lower())


def house_side(house: str) -> str:
    """ "odd", "even" or "" (no number): the side of the street a door is on in the UK's usual numbering."""
    number = house_key(house)[0]
    if number == 10**9:
        return ""
    return "odd" if number % 2 else "even"


def places_taken(event: Event) -> int:
    return event.rsvps.filter(state=Rsvp.State.GOING).count()


def places_left(event: Event) -> int | None:
    """Places still free, or None when the event has no limit."""
    if not event.capacity:
        return None
    return max(0, event.capacity - places_taken(event))


def has_completed(*, member: Member, course: Any) -> bool:
    return Completion.objects.filter(member=member, course=course).exists()


def rsvp_of(*, member: Member | None, event: Event) -> Rsvp | None:
    if member is None:
        return None
    return event.rsvps.filter(member=member).first()


def upcoming_events_for(*, user: Any, member: Member | None) -> list[Event]:
    """Scheduled events still to come that this reader may join or organises."""
    now = timezone.now()
    events = Event.objects.filter(state=Event.State.SCHEDULED, ends_at__gte=now).select_related(
        "unit", "requires", "teaches"
    )
    return [e for e in events if in_audience(member=member, event=e) or is_organiser(actor=user, unit=e.unit)]


def public_events_of(*, unit: Unit) -> QuerySet[Event]:
    """The unit's (and its sub-units') scheduled events, for its public page and calendar feed."""
    return Event.objects.filter(
        unit__organisation_id=unit.organisation_id, unit__path__startswith=unit.path, state=Event.State.SCHEDULED
    ).select_related("unit")


def organised_units(*, user: Any) -> list[Unit]:
    """The units a user organises (for a superuser: every unit at the top of a tree)."""
    if not is_user(user):
        return []
    if user.is_superuser:
        return list(Unit.objects.filter(parent__isnull=True).select_related("organisation"))
    return [o.unit for o in Organiser.objects.filter(user=user).select_related("unit", "unit__organisation")]


def organisable_units(*, user: Any) -> QuerySet[Unit]:
    """Every unit a user may organise: those they were appointed to and the units below them (a superuser: all)."""
    if not is_user(user):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    under = Q(pk__in=[])
    for role in Organiser.objects.filter(user=user).select_related("unit"):
        under |= Q(organisation_id=role.unit.organisation_id, path__startswith=role.unit.path)
    return Unit.objects.filter(under)


def lists_visible_to(*, user: Any) -> list[ElectorList]:
    """Elector lists whose data this user may see: those of units they organise (canvass data are special
    category personal data: no one else reads them)."""
    return [el for el in ElectorList.objects.select_related("unit") if is_organiser(actor=user, unit=el.unit)]


def may_canvass(*, user: Any, walk_list: WalkList) -> bool:
    """The walk list's canvasser, or an organiser of its list's unit, may open it and record doors."""
    if is_organiser(actor=user, unit=walk_list.elector_list.unit):
        return True
    return is_user(user) and walk_list.canvasser_id == user.pk


def doors_of(walk_list: WalkList) -> list[Elector]:
    """The electors of a walk list in walking order, each with its latest door record (`last`)."""
    electors = list(walk_list.electors.order_by("position", "pk"))
    latest: dict[int, DoorRecord] = {}
    for record in DoorRecord.objects.filter(elector__in=electors).order_by("recorded_at"):
        latest[record.elector_id] = record
    for e in electors:
        e.last = latest.get(e.pk)  # type: ignore[attr-defined]
    return electors


@dataclass(frozen=True)
class ContactRate:
    """How far a walk list (or a whole list) has got: doors, doors knocked, people spoken to."""

    name: str
    doors: int
    knocked: int
    spoke: int

    @property
    def knocked_percent(self) -> int:
        return round(100 * self.knocked / self.doors) if self.doors else 0

    @property
    def contact_percent(self) -> int:
        return round(100 * self.spoke / self.doors) if self.doors else 0


def contact_rates(*, elector_list: ElectorList) -> list[ContactRate]:
    """Contact rate per walk list, then the whole list's (last). Counts survive erasure: they count rows."""
    rows = []
    for wl in elector_list.walk_lists.annotate(
        doors=Count("electors", distinct=True),
        knocked=Count("electors", filter=Q(electors__door_records__isnull=False), distinct=True),
        spoke=Count("electors", filter=Q(electors__door_records__outcome=DoorRecord.Outcome.SPOKE), distinct=True),
    ):
        rows.append(ContactRate(wl.name, wl.doors, wl.knocked, wl.spoke))
    electors = elector_list.electors
    rows.append(
        ContactRate(
            "whole list",
            electors.count(),
            electors.filter(door_records__isnull=False).distinct().count(),
            electors.filter(door_records__outcome=DoorRecord.Outcome.SPOKE).distinct().count(),
        )
    )
    return rows


def find_contacts(*, elector_list: ElectorList, query: str) -> QuerySet[Elector]:
    """Electors of a list whose name, elector number or address matches (for a request to erase)."""
    query = query.strip()
    if not query:
        return Elector.objects.none()
    return elector_list.electors.filter(
        Q(name__icontains=query) | Q(elector_number__iexact=query) | Q(address__icontains=query), erased=False
    )


def organising_subjects_for(user: Any) -> list[str]:
    """The audit subjects an organiser may read: their units' events and elector lists."""
    if not is_user(user) or user.is_superuser:
        return []
    subjects: list[str] = []
    for unit in organised_units(user=user):
        under = Q(unit__organisation_id=unit.organisation_id, unit__path__startswith=unit.path)
        subjects += [f"event:{pk}" for pk in Event.objects.filter(under).values_list("pk", flat=True)]
        subjects += [f"elector-list:{pk}" for pk in ElectorList.objects.filter(under).values_list("pk", flat=True)]
        subjects += [f"signup-form:{pk}" for pk in SignUpForm.objects.filter(under).values_list("pk", flat=True)]
        subjects.append(f"unit:{unit.pk}")
    return subjects


# Dashboards: contact rate and voting intention per area (polling district) and per session, across lists ------


@dataclass
class Tally:
    """One row of the dashboard: doors, knocked, spoke to, and the latest intention of each elector spoken to."""

    name: str
    doors: int = 0
    knocked: int = 0
    spoke: int = 0
    intentions: dict[str, int] = field(default_factory=dict)

    @property
    def knocked_percent(self) -> int:
        return round(100 * self.knocked / self.doors) if self.doors else 0

    @property
    def contact_percent(self) -> int:
        return round(100 * self.spoke / self.doors) if self.doors else 0


def dashboard(*, lists: list[ElectorList]) -> dict[str, Any]:
    """Per area (list and polling district) and per canvass session, across `lists`: doors, knocked, spoke and
    intentions (each elector's latest answer). Counts survive erasure (they count rows). Three queries whatever
    the size: the electors, their door records in time order, and the sessions' names."""
    scale_of = {el.pk: el.scale for el in lists}
    labels: list[str] = []
    for el in lists:
        labels += [label for label in el.scale if label not in labels]
    electors = Elector.objects.filter(elector_list__in=lists).values_list(
        "pk", "elector_list_id", "polling_district", "walk_list__session_id"
    )
    area_of: dict[int, tuple[str, int | None]] = {}
    areas: dict[str, Tally] = {}
    sessions: dict[int | None, Tally] = {}
    list_names = {el.pk: el.name for el in lists}
    for pk, list_id, district, session_id in electors.iterator(chunk_size=5000):
        area = f"{district or '(no district)'} · {list_names[list_id]}" if len(lists) > 1 else district or "(none)"
        area_of[pk] = (area, session_id)
        areas.setdefault(area, Tally(area)).doors += 1
        sessions.setdefault(session_id, Tally("")).doors += 1
    latest: dict[int, tuple[str, int | None, int]] = {}
    for elector_id, outcome, intention, list_id in (
        DoorRecord.objects.filter(elector__elector_list__in=lists)
        .order_by("recorded_at", "pk")
        .values_list("elector_id", "outcome", "intention", "elector__elector_list_id")
        .iterator(chunk_size=5000)
    ):
        prev = latest.get(elector_id)
        spoke = outcome == DoorRecord.Outcome.SPOKE or (prev is not None and prev[0] == DoorRecord.Outcome.SPOKE)
        answer = intention if intention is not None else (prev[1] if prev else None)
        latest[elector_id] = (DoorRecord.Outcome.SPOKE if spoke else outcome, answer, list_id)
    for elector_id, (outcome, intention, list_id) in latest.items():
        area, session_id = area_of[elector_id]
        for tally in (areas[area], sessions[session_id]):
            tally.knocked += 1
            if outcome == DoorRecord.Outcome.SPOKE:
                tally.spoke += 1
            if intention is not None and 1 <= intention <= len(scale_of[list_id]):
                label = scale_of[list_id][intention - 1]
                tally.intentions[label] = tally.intentions.get(label, 0) + 1
    names = dict(Event.objects.filter(pk__in=[s for s in sessions if s is not None]).values_list("pk", "title"))
    starts = dict(Event.objects.filter(pk__in=names).values_list("pk", "starts_at"))
    for session_id, tally in sessions.items():
        if session_id is None:
            tally.name = "(no session)"
        else:
            tally.name = f"{names[session_id]} ({timezone.localtime(starts[session_id]):%d %b})"
    session_rows = sorted(sessions.values(), key=lambda t: (t.name == "(no session)", t.name))
    return {"labels": labels, "areas": sorted(areas.values(), key=lambda t: t.name), "sessions": session_rows}


def dashboard_chart_data(data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's figures as the charts' script reads them (json_script): contact rates and intentions."""

    def block(rows: list[Tally]) -> dict[str, Any]:
        return {
            "names": [t.name for t in rows],
            "knocked": [t.knocked_percent for t in rows],
            "contact": [t.contact_percent for t in rows],
            "intentions": [
                {"label": label, "values": [t.intentions.get(label, 0) for t in rows]} for label in data["labels"]
            ],
        }

    return {"areas": block(data["areas"]), "sessions": block(data["sessions"])}


# Sign-up forms and petitions -----------------------------------------------------------------------------------


COUNTED = Q(moderation=Submission.Moderation.ACCEPTED, confirmed_at__isnull=False, erased=False)


def signature_count(form: SignUpForm) -> int:
    return form.submissions.filter(COUNTED).count()


def signatures_over_time(form: SignUpForm) -> dict[str, list[Any]]:
    """The running total of counted signatures per day since the form opened (for the petition's chart)."""
    days: dict[str, int] = {}
    for confirmed in form.submissions.filter(COUNTED).order_by("confirmed_at").values_list("confirmed_at", flat=True):
        day = timezone.localtime(confirmed).date().isoformat()
        days[day] = days.get(day, 0) + 1
    total, labels, values = 0, [], []
    for day, n in days.items():
        total += n
        labels.append(day)
        values.append(total)
    return {"labels": labels, "values": values}


def forms_visible_to(*, user: Any) -> list[SignUpForm]:
    """The forms and petitions of the units a user organises."""
    return [f for f in SignUpForm.objects.select_related("unit") if is_organiser(actor=user, unit=f.unit)]


def open_forms_of(*, unit: Unit) -> QuerySet[SignUpForm]:
    """A unit's (and its sub-units') open forms and petitions, for its public page."""
    return SignUpForm.objects.filter(
        unit__organisation_id=unit.organisation_id, unit__path__startswith=unit.path, state=SignUpForm.State.OPEN
    )


def join_requests_for(*, user: Any) -> QuerySet[Submission]:
    """Volunteers who asked to join, waiting for the membership officer, in the units this user organises."""
    ids = [f.pk for f in forms_visible_to(user=user)]
    return (
        Submission.objects.filter(form_id__in=ids, join=Submission.JoinState.REQUESTED, erased=False)
        .exclude(moderation=Submission.Moderation.SPAM)
        .select_related("form", "form__unit")
    )


def candidate_members(*, organisation_id: int, query: str) -> QuerySet[Member]:
    """Members of an organisation whose name, membership number or email matches (to link a contact)."""
    query = query.strip()
    if not query:
        return Member.objects.none()
    return Member.objects.filter(
        Q(name__icontains=query) | Q(membership_number__iexact=query) | Q(email__iexact=query),
        organisation_id=organisation_id,
    ).select_related("unit")
