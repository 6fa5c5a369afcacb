"""Organisers, courses, events, RSVPs (with capacity and course requirements), confirmations, reminders and
attendance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from omov.audit.services import record
from omov.core.actors import actor_label, is_system, is_user
from omov.core.jobs import enqueue
from omov.members.emails import normalise_email
from omov.members.importer import is_email
from omov.members.models import Member, Organisation, Unit
from omov.organising import ical
from omov.organising.errors import EventFull, InvalidInput, NotAllowed, WrongState
from omov.organising.models import Completion, Course, Event, Organiser, Rsvp
from omov.organising.permissions import in_audience, is_organiser
from omov.organising.selectors import has_completed
from omov.organising.services._common import require_organiser, site_url

REMIND_BEFORE = dt.timedelta(hours=24)


@transaction.atomic
def appoint_organiser(*, user: Any, unit: Unit, actor: Any) -> Organiser:
    """Make `user` an organiser of `unit` and the units below it (by an organiser above, or an administrator)."""
    require_organiser(actor, unit, "appoint organisers")
    role, created = Organiser.objects.get_or_create(user=user, unit=unit)
    if created:
        record(
            actor=actor,
            action="organising.organiser.appoint",
            subject=f"unit:{unit.pk}",
            details={"user": user.get_username()},
        )
    return role


@transaction.atomic
def create_course(*, organisation: Organisation, code: str, name: str, description: str = "", actor: Any) -> Course:
    """A course members complete by attending a training (e.g. the canvassing course a canvass requires)."""
    organiser_here = is_user(actor) and Organiser.objects.filter(user=actor, unit__organisation=organisation).exists()
    if not (is_system(actor) or (is_user(actor) and actor.is_superuser) or organiser_here):
        raise NotAllowed("only an organiser in the organisation can create a course")
    name = " ".join(name.split())
    if not code or not name:
        raise InvalidInput("a course needs a short code and a name")
    if Course.objects.filter(organisation=organisation, code=code).exists():
        raise InvalidInput(f"a course with the code {code!r} already exists: choose another code")
    course = Course.objects.create(organisation=organisation, code=code, name=name, description=description)
    record(actor=actor, action="organising.course.create", subject=f"course:{course.pk}", details={"code": code})
    return course


@transaction.atomic
def create_event(
    *,
    unit: Unit,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: Any,
    description: str = "",
    place: str = "",
    link: str = "",
    capacity: int = 0,
    audience: str = Event.Audience.UNIT,
    teaches: Course | None = None,
    requires: Course | None = None,
) -> Event:
    """A new event of `unit`: in person (a place) or online (a link), with places and an audience."""
    require_organiser(actor, unit, "create events")
    title = " ".join(title.split())
    place, link = place.strip(), link.strip()
    if kind not in Event.Kind.values:
        raise InvalidInput(f"an event is one of: {', '.join(Event.Kind.labels)}")
    if audience not in Event.Audience.values:
        raise InvalidInput(f"who may join is one of: {', '.join(Event.Audience.labels)}")
    if not title or len(title) > 200:
        raise InvalidInput("an event needs a title of at most 200 characters")
    if ends_at <= starts_at:
        raise InvalidInput("an event must end after it starts: check the times")
    if not place and not link:
        raise InvalidInput("say where the event is: a place (in person) or a link (online)")
    if link and not link.startswith(("https://", "http://")):
        raise InvalidInput("an online link starts with https://")
    if capacity < 0:
        raise InvalidInput("places are 0 (no limit) or more")
    for course in (teaches, requires):
        if course is not None and course.organisation_id != unit.organisation_id:
            raise InvalidInput("the course belongs to another organisation")
    if teaches is not None and kind != Event.Kind.TRAINING:
        raise InvalidInput("only a training session completes a course")
    event = Event.objects.create(
        unit=unit,
        kind=kind,
        title=title,
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        link=link,
        capacity=capacity,
        audience=audience,
        teaches=teaches,
        requires=requires,
        created_by=record_name(actor),
    )
    record(
        actor=actor,
        action="organising.event.create",
        subject=f"event:{event.pk}",
        details={"unit": unit.pk, "kind": kind, "title": title, "capacity": capacity, "audience": audience},
    )
    return event


def record_name(actor: Any) -> str:
    return actor_label(actor)[:150]


@transaction.atomic
def cancel_event(*, event: Event, actor: Any) -> Event:
    """Cancel an event (the calendar feed then marks it cancelled). Cannot be undone."""
    require_organiser(actor, event.unit, "cancel this event")
    if event.state == Event.State.CANCELLED:
        raise WrongState("this event is already cancelled")
    event.state = Event.State.CANCELLED
    event.sequence += 1
    event.save(update_fields=["state", "sequence"])
    record(actor=actor, action="organising.event.cancel", subject=f"event:{event.pk}", details={})
    return event


def _open_for_rsvp(event: Event) -> Event:
    """The event, locked for this transaction (so two last RSVPs cannot both take the last place), if it can
    still take RSVPs."""
    event = Event.objects.select_for_update(of=("self",)).select_related("unit", "requires").get(pk=event.pk)
    if event.state != Event.State.SCHEDULED:
        raise WrongState("this event was cancelled: it takes no more RSVPs")
    if event.ends_at <= timezone.now():
        raise WrongState("this event is over")
    return event


def _is_full(event: Event) -> bool:
    return bool(event.capacity) and event.rsvps.filter(state=Rsvp.State.GOING).count() >= event.capacity


def _state_for(event: Event, waiting_list: bool) -> str:
    """GOING if a place is left; WAITING if full and they asked for the waiting list; else EventFull."""
    if not _is_full(event):
        return Rsvp.State.GOING
    if waiting_list:
        return Rsvp.State.WAITING
    raise EventFull(f"all {event.capacity} places are taken: join the waiting list to get the next place")


@transaction.atomic
def rsvp(*, event: Event, member: Member, actor: Any, waiting_list: bool = False) -> Rsvp:
    """A member says they are going: in the event's audience, trained if it requires a course, a place left (or,
    with `waiting_list`, a place on the waiting list when the event is full)."""
    if is_user(actor) and member.user_id != actor.pk:
        raise NotAllowed("you can RSVP only for yourself")
    event = _open_for_rsvp(event)
    if not in_audience(member=member, event=event):
        raise NotAllowed(f"this event is for {event.get_audience_display()} of {event.unit.name}")
    if event.requires is not None and not has_completed(member=member, course=event.requires):
        raise NotAllowed(f"this event is for people who completed “{event.requires.name}”: join a training first")
    if not member.email:
        raise InvalidInput("we have no email address for you: ask your branch to add one to your membership")
    existing = Rsvp.objects.filter(event=event, member=member).first()
    if existing is not None and existing.state in (Rsvp.State.GOING, Rsvp.State.WAITING):
        return existing
    state = _state_for(event, waiting_list)
    place = _place(event, existing, state, member=member, name=member.name, email=member.email)
    record(
        actor=actor, action="organising.rsvp", subject=f"event:{event.pk}", details={"rsvp": place.pk, "state": state}
    )
    enqueue("omov.organising.send_confirmation", place.pk)
    return place


def _place(event: Event, existing: Rsvp | None, state: str, **fields: Any) -> Rsvp:
    """A new RSVP row, or the cancelled one of the same person taken up again (as a new arrival)."""
    now = timezone.now()
    waiting = now if state == Rsvp.State.WAITING else None
    if existing is None:
        return Rsvp.objects.create(event=event, state=state, waiting_since=waiting, **fields)
    existing.state, existing.waiting_since, existing.name = state, waiting, fields["name"]
    existing.confirmed_at = existing.promoted_at = None  # a new confirmation is sent for the new state
    existing.save(update_fields=["state", "waiting_since", "name", "confirmed_at", "promoted_at"])
    return existing


@transaction.atomic
def sign_up(*, event: Event, name: str, email: str, actor: Any, waiting_list: bool = False) -> Rsvp:
    """Someone who is not signed in takes a place at a public event with their name and email."""
    event = _open_for_rsvp(event)
    if event.audience != Event.Audience.PUBLIC:
        raise NotAllowed("this event is for members: sign in to RSVP")
    if event.requires is not None:
        raise NotAllowed("this event needs a completed course: sign in as a member to RSVP")
    name = " ".join(name.split())
    email = normalise_email(email)
    if not name or len(name) > 200:
        raise InvalidInput("give your name (at most 200 characters)")
    if not is_email(email):
        raise InvalidInput("give an email address we can send the confirmation to")
    existing = Rsvp.objects.filter(event=event, member__isnull=True, email=email).first()
    if existing is not None and existing.state in (Rsvp.State.GOING, Rsvp.State.WAITING):
        return existing
    state = _state_for(event, waiting_list)
    try:
        with transaction.atomic():
            place = _place(event, existing, state, name=name, email=email)
    except IntegrityError:  # the same address signed up at the same moment
        return Rsvp.objects.get(event=event, member__isnull=True, email=email)
    record(actor=actor, action="organising.signup", subject=f"event:{event.pk}", details={"rsvp": place.pk})
    enqueue("omov.organising.send_confirmation", place.pk)
    return place


@transaction.atomic
def cancel_rsvp(*, place: Rsvp, actor: Any) -> Rsvp:
    """The member (or an organiser) gives up a place."""
    own = is_user(actor) and place.member is not None and place.member.user_id == actor.pk
    if not own and not is_organiser(actor=actor, unit=place.event.unit):
        raise NotAllowed("you can cancel only your own RSVP")
    if place.state != Rsvp.State.CANCELLED:
        event = Event.objects.select_for_update(of=("self",)).get(pk=place.event_id)  # one promotion at a time
        was_going = place.state == Rsvp.State.GOING
        place.state = Rsvp.State.CANCELLED
        place.save(update_fields=["state"])
        record(
            actor=actor, action="organising.rsvp.cancel", subject=f"event:{place.event_id}", details={"rsvp": place.pk}
        )
        if was_going and event.state == Event.State.SCHEDULED and event.ends_at > timezone.now():
            _promote_waiting(event, actor)
    return place


def waiting_list_of(event: Event) -> Any:
    """Who waits for a place, first come first served."""
    return event.rsvps.filter(state=Rsvp.State.WAITING).order_by("waiting_since", "pk")


def _promote_waiting(event: Event, actor: Any) -> list[Rsvp]:
    """Give the places now free to the first on the waiting list; each is emailed that a place came up."""
    promoted = []
    while not _is_full(event):
        first = waiting_list_of(event).first()
        if first is None:
            break
        first.state, first.promoted_at, first.confirmed_at = Rsvp.State.GOING, timezone.now(), None
        first.save(update_fields=["state", "promoted_at", "confirmed_at"])
        record(actor=actor, action="organising.rsvp.promote", subject=f"event:{event.pk}", details={"rsvp": first.pk})
        enqueue("omov.organising.send_confirmation", first.pk)
        promoted.append(first)
    return promoted


@transaction.atomic
def mark_attendance(*, event: Event, present: set[int], actor: Any) -> int:
    """Mark who came (`present`: RSVP ids; everyone else going is marked absent). At a training, those present
    complete its course. Returns how many were present."""
    require_organiser(actor, event.unit, "mark attendance")
    going = list(event.rsvps.filter(state=Rsvp.State.GOING).select_related("member"))
    unknown = present - {r.pk for r in going}
    if unknown:
        raise InvalidInput("some of those marked present have no place at this event")
    today = timezone.localdate(event.starts_at)
    for place in going:
        place.attended = place.pk in present
        place.save(update_fields=["attended"])
        if place.attended and event.teaches is not None and place.member is not None:
            Completion.objects.get_or_create(
                member=place.member, course=event.teaches, defaults={"event": event, "completed_on": today}
            )
    record(
        actor=actor,
        action="organising.attendance",
        subject=f"event:{event.pk}",
        details={"present": len(present), "absent": len(going) - len(present)},
    )
    return len(present)


# Email: confirmation and reminder, sent by background jobs through Django's mail backend (as credentials are).


def _when(event: Event) -> str:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    return f"{start:%A %d %B %Y, %H:%M}–{end:%H:%M %Z}"


def _message(place: Rsvp, *, reminder: bool) -> mail.EmailMessage:
    event = place.event
    where = event.place or f"online: {event.link}"
    page = site_url(f"/organising/events/{event.pk}/")
    if reminder:
        opening = "A reminder: you are going to"
    elif place.state == Rsvp.State.WAITING:
        ahead = waiting_list_of(event).filter(waiting_since__lt=place.waiting_since).count()
        opening = f"The event is full. You are number {ahead + 1} on the waiting list for"
    elif place.promoted_at is not None:
        opening = "A place came up, and it is yours: you have a place at"
    else:
        opening = "You have a place at"
    body = (
        f"Dear {place.name},\n\n{opening} {event.title} ({event.get_kind_display()}, {event.unit.name}).\n\n"
        f"When: {_when(event)}\nWhere: {where}\n\n"
        f"The event's page, where you can cancel your place: {page}\n"
        "The calendar file attached adds it to your calendar.\n"
    )
    waiting = place.state == Rsvp.State.WAITING and not reminder
    if waiting:
        body = body.replace("where you can cancel your place", "where you can leave the waiting list").replace(
            "The calendar file attached adds it to your calendar.\n", "We will email you if a place comes up.\n"
        )
    label = "Reminder" if reminder else "Waiting list" if waiting else "Confirmed"
    if place.promoted_at is not None and not reminder and not waiting:
        label = "A place for you"
    message = mail.EmailMessage(subject=f"{label}: {event.title}", body=body, to=[place.email])
    if not waiting:
        message.attach("event.ics", ical.calendar([event], now=timezone.now()), "text/calendar")
    return message


def send_confirmation(*, rsvp_id: int) -> bool:
    """Email the confirmation of one RSVP (once); True if sent now. Called by the background job."""
    place = Rsvp.objects.select_related("event", "event__unit").filter(pk=rsvp_id).first()
    if place is None or place.state == Rsvp.State.CANCELLED or place.confirmed_at is not None:
        return False
    _message(place, reminder=False).send(fail_silently=False)
    Rsvp.objects.filter(pk=place.pk).update(confirmed_at=timezone.now())
    return True


def send_reminders(*, actor: Any, now: dt.datetime | None = None) -> int:
    """Remind everyone going to an event that starts within a day, once each. Run by the scheduler; a failed
    message stays unsent and is tried again on the next run."""
    now = now or timezone.now()
    due = Rsvp.objects.filter(
        state=Rsvp.State.GOING,
        reminded_at__isnull=True,
        event__state=Event.State.SCHEDULED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMIND_BEFORE,
    ).select_related("event", "event__unit")
    sent = 0
    failed = 0
    for place in due:
        try:
            _message(place, reminder=True).send(fail_silently=False)
        except Exception:  # SMTP or socket error: left unsent, tried again on the next run
            failed += 1
            continue
        Rsvp.objects.filter(pk=place.pk).update(reminded_at=now)
        sent += 1
    if sent or failed:
        record(
            actor=actor, action="organising.reminders", subject="organising", details={"sent": sent, "failed": failed}
        )
    return sent
