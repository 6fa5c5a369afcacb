"""The organising pages over HTTP: RSVP and sign-up forms, the calendar downloads, the door form with and without
the outbox's JSON, canvass pages hidden from everyone but the unit's organisers, and confirmation pages."""

from __future__ import annotations

import uuid

from django.core import mail
from django.test import Client
from django.urls import reverse

from omov.audit.models import AuditEntry
from omov.organising.models import DoorRecord, Elector, Rsvp
from tests.organising.conftest import ELECTORS_CSV


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_a_member_rsvps_from_the_event_page(org, make_event):
    event = make_event()
    c = _client(org.member_user)
    page = c.get(reverse("organising:event", args=[event.pk]))
    assert b"I\xe2\x80\x99m going" in page.content
    r = c.post(reverse("organising:rsvp", args=[event.pk]))
    assert r.status_code == 302
    assert Rsvp.objects.filter(event=event, member=org.members[0], state="going").exists()
    assert b"You are going" in c.get(reverse("organising:event", args=[event.pk])).content


def test_the_public_sign_up_form_is_rate_limited(org, make_event, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signup-ip": "2/3600"}
    event = make_event(audience="public")
    c = _client()
    url = reverse("organising:signup", args=[event.pk])
    for i in range(3):
        c.post(url, {"name": f"P {i}", "email": f"p{i}@example.org"})
    assert event.rsvps.count() == 2
    page = c.get(reverse("organising:event", args=[event.pk]))
    assert b"too many sign-ups" in page.content


def test_event_and_unit_calendars_download(org, make_event):
    event = make_event()
    r = _client().get(reverse("organising:event-ics", args=[event.pk]))
    assert r["Content-Type"].startswith("text/calendar") and b"SUMMARY:Branch meeting" in r.content
    feed = _client().get(reverse("organising:unit-feed", args=[org.c1.pk]))
    assert f"UID:{event.uid}@omov".encode() in feed.content  # C1's feed holds its branches' events
    other = _client().get(reverse("organising:unit-feed", args=[org.b2.pk]))
    assert b"BEGIN:VEVENT" not in other.content


def test_get_pages_write_nothing(org, make_event, elector_list):
    event = make_event()
    before = AuditEntry.objects.count(), Rsvp.objects.count(), DoorRecord.objects.count()
    c = _client(org.officer)
    walk = elector_list.walk_lists.first()
    for url in [
        reverse("organising:index"),
        reverse("organising:event", args=[event.pk]),
        reverse("organising:attendance", args=[event.pk]),
        reverse("organising:event-cancel", args=[event.pk]),
        reverse("organising:list", args=[elector_list.pk]) + "?q=Ann",
        reverse("organising:walk", args=[walk.pk]),
        reverse("organising:contact-erase", args=[walk.electors.first().pk]),
        reverse("organising:unit-events", args=[org.b1.pk]),
    ]:
        assert c.get(url).status_code == 200, url
    assert (AuditEntry.objects.count(), Rsvp.objects.count(), DoorRecord.objects.count()) == before


def test_canvass_pages_are_not_found_for_anyone_but_the_units_organisers(org, elector_list):
    walk = elector_list.walk_lists.first()
    for user in (org.member_user, org.other_officer):
        c = _client(user)
        assert c.get(reverse("organising:list", args=[elector_list.pk])).status_code == 404
        assert c.get(reverse("organising:walk", args=[walk.pk])).status_code == 404
        assert c.post(reverse("organising:list-export", args=[elector_list.pk])).status_code == 404


def test_the_door_form_works_without_javascript_and_with_the_outbox(org, elector_list):
    walk = elector_list.walk_lists.get(name="High Street, even side")
    elector = walk.electors.order_by("position").first()
    c = _client(org.officer)
    url = reverse("organising:walk-record", args=[walk.pk])
    plain = c.post(url, {"elector": elector.pk, "outcome": "not_in", "client_id": str(uuid.uuid4())})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#door-{elector.pk}")
    client_id = str(uuid.uuid4())
    data = {"elector": elector.pk, "outcome": "spoke", "intention": "1", "join": "1", "client_id": client_id}
    first = c.post(url, data, headers={"Accept": "application/json"})
    again = c.post(url, data, headers={"Accept": "application/json"})
    assert first.json() == {"ok": True, "created": True} and again.json() == {"ok": True, "created": False}
    bad = c.post(url, {**data, "client_id": str(uuid.uuid4()), "outcome": "?"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "outcome" in bad.json()["error"]
    assert DoorRecord.objects.filter(elector=elector).count() == 2


def test_an_organiser_imports_a_csv_and_gets_walk_lists(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = _client(org.officer)
    r = c.post(
        reverse("organising:list-import"),
        {
            "unit": org.b1.pk,
            "name": "Ward",
            "retain_until": "2099-01-01",
            "sides": "1",
            "file": SimpleUploadedFile("e.csv", ELECTORS_CSV.encode(), content_type="text/csv"),
        },
    )
    assert r.status_code == 302
    assert Elector.objects.filter(walk_list__isnull=False).count() == 7


def test_the_export_is_a_csv_download_logged_in_the_audit(org, elector_list):
    r = _client(org.officer).post(reverse("organising:list-export", args=[elector_list.pk]))
    assert r["Content-Type"].startswith("text/csv") and b"Ann Able" in r.content
    assert AuditEntry.objects.filter(action="organising.export").count() == 1


def test_erasing_a_contact_asks_first_then_erases(org, elector_list):
    elector = Elector.objects.get(name="Ann Able")
    c = _client(org.officer)
    ask = c.get(reverse("organising:contact-erase", args=[elector.pk]))
    assert b"cannot be undone" in ask.content and Elector.objects.get(pk=elector.pk).name == "Ann Able"
    c.post(reverse("organising:contact-erase", args=[elector.pk]), {"reason": "phone call"})
    assert Elector.objects.get(pk=elector.pk).erased


def test_mark_attendance_from_the_page(org, make_event):
    event = make_event(kind="training", teaches=org.course)
    _client(org.member_user).post(reverse("organising:rsvp", args=[event.pk]))
    place = event.rsvps.get()
    mail.outbox.clear()
    r = _client(org.officer).post(reverse("organising:attendance", args=[event.pk]), {"present": [place.pk]})
    assert r.status_code == 302
    assert org.members[0].completions.filter(course=org.course).exists()


def test_numbers_in_unicode_digits_are_refused_with_a_message_not_a_server_error(org, make_event, elector_list):
    walk = elector_list.walk_lists.first()
    c = _client(org.officer)
    r = c.post(reverse("organising:walk-record", args=[walk.pk]), {"elector": "²", "outcome": "not_in"},
               headers={"Accept": "application/json"})  # fmt: skip
    assert r.status_code == 400 and "not on this walk list" in r.json()["error"]
    event = make_event()
    assert c.post(reverse("organising:attendance", args=[event.pk]), {"present": ["²", "9" * 40]}).status_code == 302
    assert c.post(reverse("organising:walk-assign", args=[walk.pk]), {"session": "²"}).status_code == 302
    r = c.post(reverse("organising:event-new"), {"unit": org.b1.pk, "capacity": "²", "title": "x"})
    assert r.status_code == 400 and b"whole number" in r.content
    assert DoorRecord.objects.count() == 0
