"""Events: who may create them, RSVPs with capacity, audience and course requirements, confirmation and reminder
emails, attendance completing a course, and the iCalendar files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.core.actors import ANONYMOUS, SCHEDULER
from omov.members.services import user_for_member
from omov.organising import ical
from omov.organising import services as os_
from omov.organising.errors import EventFull, InvalidInput, NotAllowed, WrongState
from omov.organising.models import Completion, Rsvp


def test_only_an_organiser_of_the_unit_or_above_creates_events(org, make_event):
    make_event(unit=org.b1)  # B1 is under C1, which the officer organises
    with pytest.raises(NotAllowed, match="only an organiser of B two"):
        make_event(unit=org.b2)
    with pytest.raises(NotAllowed):
        make_event(actor=org.other_officer)


def test_an_event_needs_a_place_or_a_link_and_to_end_after_it_starts(make_event):
    with pytest.raises(InvalidInput, match="a place"):
        make_event(place="")
    make_event(place="", link="https://meet.example.org/abc")
    now = timezone.now()
    with pytest.raises(InvalidInput, match="end after"):
        make_event(starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(hours=1))


def test_rsvp_sends_a_confirmation_with_a_calendar_file_and_is_audited(org, make_event):
    event = make_event()
    member = org.members[0]
    place = os_.rsvp(event=event, member=member, actor=org.member_user)
    assert place.state == Rsvp.State.GOING
    assert [m.to for m in mail.outbox] == [[member.email]]
    message = mail.outbox[0]
    assert "Branch meeting" in message.subject and "Town Hall" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "event.ics" and mimetype == "text/calendar" and "BEGIN:VEVENT" in content
    place.refresh_from_db()
    assert place.confirmed_at is not None
    assert AuditEntry.objects.filter(action="organising.rsvp", subject=f"event:{event.pk}").count() == 1


def test_rsvp_twice_keeps_one_place_and_one_email(org, make_event):
    event = make_event()
    os_.rsvp(event=event, member=org.members[0], actor=org.member_user)
    os_.rsvp(event=event, member=org.members[0], actor=org.member_user)
    assert event.rsvps.count() == 1 and len(mail.outbox) == 1


def test_a_full_event_refuses_the_next_rsvp_until_someone_gives_up_a_place(org, make_event):
    event = make_event(capacity=1)
    first = os_.rsvp(event=event, member=org.members[0], actor=org.member_user)
    second = org.members[1]
    with pytest.raises(EventFull, match="all 1 places"):
        os_.rsvp(event=event, member=second, actor=user_for_member(member=second))
    os_.cancel_rsvp(place=first, actor=org.member_user)
    os_.rsvp(event=event, member=second, actor=user_for_member(member=second))


def test_a_unit_event_is_for_members_of_that_unit_only(org, make_event):
    event = make_event(unit=org.b1)
    outsider = org.members[9]  # in B2
    with pytest.raises(NotAllowed, match="members of the unit"):
        os_.rsvp(event=event, member=outsider, actor=user_for_member(member=outsider))
    everyone = make_event(unit=org.b1, audience="members")
    os_.rsvp(event=everyone, member=outsider, actor=user_for_member(member=outsider))


def test_a_member_rsvps_only_for_themselves(org, make_event):
    with pytest.raises(NotAllowed, match="only for yourself"):
        os_.rsvp(event=make_event(), member=org.members[1], actor=org.member_user)


def test_a_canvass_that_requires_the_course_admits_only_trained_members(org, make_event):
    training = make_event(kind="training", title="Canvassing basics", teaches=org.course, in_days=1)
    canvass = make_event(kind="canvass", title="Saturday canvass", requires=org.course, in_days=5)
    member = org.members[0]
    with pytest.raises(NotAllowed, match="completed “Canvassing basics”"):
        os_.rsvp(event=canvass, member=member, actor=org.member_user)
    place = os_.rsvp(event=training, member=member, actor=org.member_user)
    os_.mark_attendance(event=training, present={place.pk}, actor=org.officer)
    assert Completion.objects.filter(member=member, course=org.course).exists()
    os_.rsvp(event=canvass, member=member, actor=org.member_user)


def test_attendance_marks_those_absent_and_completes_nothing_for_them(org, make_event):
    training = make_event(kind="training", teaches=org.course)
    a = os_.rsvp(event=training, member=org.members[0], actor=org.member_user)
    b = os_.rsvp(event=training, member=org.members[1], actor=user_for_member(member=org.members[1]))
    os_.mark_attendance(event=training, present={a.pk}, actor=org.officer)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.attended, b.attended) == (True, False)
    assert not Completion.objects.filter(member=org.members[1]).exists()
    with pytest.raises(NotAllowed):
        os_.mark_attendance(event=training, present=set(), actor=org.member_user)


def test_the_public_signs_up_to_a_public_event_only(org, make_event):
    public = make_event(audience="public")
    place = os_.sign_up(event=public, name="  Pat  Public ", email="Pat@Example.org", actor=ANONYMOUS)
    assert (place.name, place.member) == ("Pat Public", None)
    assert mail.outbox[-1].to == [place.email]
    with pytest.raises(NotAllowed, match="sign in"):
        os_.sign_up(event=make_event(), name="Pat", email="pat@example.org", actor=ANONYMOUS)
    with pytest.raises(InvalidInput, match="email"):
        os_.sign_up(event=public, name="Pat", email="not-an-address", actor=ANONYMOUS)


def test_a_cancelled_event_takes_no_rsvps(org, make_event):
    event = make_event()
    os_.cancel_event(event=event, actor=org.officer)
    with pytest.raises(WrongState, match="cancelled"):
        os_.rsvp(event=event, member=org.members[0], actor=org.member_user)


def test_reminders_go_once_to_those_going_to_events_within_a_day(org, make_event):
    soon = make_event(in_days=0.5)
    later = make_event(in_days=3)
    os_.rsvp(event=soon, member=org.members[0], actor=org.member_user)
    os_.rsvp(event=later, member=org.members[0], actor=org.member_user)
    mail.outbox.clear()
    assert os_.send_reminders(actor=SCHEDULER) == 1
    assert mail.outbox[0].subject.startswith("Reminder: ")
    assert os_.send_reminders(actor=SCHEDULER) == 0


def test_reminders_are_the_scheduled_task_by_name(org, make_event):
    from omov.core.jobs import task_named

    assert task_named("omov.organising.send_reminders")
    assert task_named("omov.organising.erase_expired_lists")


def test_ical_escapes_text_folds_long_lines_and_ends_lines_with_crlf(org, make_event):
    event = make_event(title="Phone bank; calls, texts " + "é" * 60, description="Line one\nLine two")
    text = ical.calendar([event], now=timezone.now())
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Phone bank\\; calls\\, texts" in text
    assert "DESCRIPTION:Line one\\nLine two" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "é" * 60 in unfolded
    assert f"UID:{event.uid}@omov" in text and "LOCATION:Town Hall\\, Room 2" in text
