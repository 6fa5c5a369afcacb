"""The pages this round added, over HTTP: a petition signed and confirmed without an account (and its live
counter), a volunteer form, the organiser's review and confirmation pages, appointing organisers and adding
courses, assigning a canvasser from the list's page, linking a contact to a member, and the dashboard."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from omov.audit.models import AuditEntry
from omov.core.actors import ANONYMOUS
from omov.organising import services as os_
from omov.organising.models import Elector, Organiser, SignUpForm, Submission


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _petition(org) -> SignUpForm:
    return os_.create_form(
        unit=org.b1, kind="petition", title="Save the number 7 bus", text="Keep it.", target=50, actor=org.officer
    )


SIGNATURE = {"name": "Pat Public", "email": "pat@example.org", "postcode": "sw1a 1aa", "consent": "1"}


def test_a_petition_is_signed_and_confirmed_without_an_account(org):
    form = _petition(org)
    c = _client()
    page = c.get(reverse("organising:form", args=[form.pk]))
    assert page.status_code == 200 and b"Sign the petition" in page.content
    r = c.post(reverse("organising:form", args=[form.pk]), SIGNATURE)
    assert r.status_code == 302 and r["Location"] == reverse("organising:form-thanks", args=[form.pk])
    assert c.get(reverse("organising:form-count", args=[form.pk])).json()["count"] == 0
    link = re.search(r"/organising/confirm/[0-9a-f-]+/", mail.outbox[0].body).group(0)
    assert b"Confirm my signature" in c.get(link).content
    assert Submission.objects.get().confirmed_at is None  # GET (a mail scanner) confirms nothing
    c.post(link)
    assert c.get(reverse("organising:form-count", args=[form.pk])).json() == {"count": 1, "target": 50, "state": "open"}
    assert c.post("/organising/confirm/nonsense/").status_code == 400


def test_a_signature_with_missing_consent_keeps_what_was_typed(org):
    form = _petition(org)
    r = _client().post(reverse("organising:form", args=[form.pk]), {**SIGNATURE, "consent": ""})
    assert r.status_code == 400 and b"consent" in r.content and b'value="Pat Public"' in r.content


def test_the_public_forms_are_rate_limited_per_address(org, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "form-ip": "2/3600"}
    form = _petition(org)
    c = _client()
    for i in range(3):
        r = c.post(reverse("organising:form", args=[form.pk]), {**SIGNATURE, "email": f"p{i}@example.org"})
    assert r.status_code == 400 and b"too many" in r.content
    assert Submission.objects.count() == 2


def test_an_organiser_creates_a_volunteer_form_reviews_and_closes_it(org):
    c = _client(org.officer)
    r = c.post(
        reverse("organising:form-new"),
        {"unit": org.b1.pk, "kind": "volunteer", "title": "Help in B one", "text": "Doors and leaflets.",
         "interests": "Canvassing\nLeafleting", "offer_join": "1"},
    )  # fmt: skip
    form = SignUpForm.objects.get(title="Help in B one")
    assert r["Location"] == reverse("organising:form-manage", args=[form.pk])
    public = _client()
    public.post(reverse("organising:form", args=[form.pk]), {**SIGNATURE, "interests": ["Leafleting"], "join": "1"})
    sub = Submission.objects.get(form=form)
    assert sub.interests == ["Leafleting"] and sub.join == "requested"
    manage = c.get(reverse("organising:form-manage", args=[form.pk]))
    assert b"Pat Public" in manage.content and b"wants to join" in manage.content
    assert b"Pat Public" in c.get(reverse("organising:join-requests")).content
    c.post(reverse("organising:join-requests"), {"id": sub.pk})
    assert Submission.objects.get(pk=sub.pk).join == "handled"
    assert b"cannot be undone" in c.get(reverse("organising:form-close", args=[form.pk])).content
    assert SignUpForm.objects.get(pk=form.pk).state == "open"  # asking wrote nothing
    c.post(reverse("organising:form-close", args=[form.pk]))
    assert b"is closed" in public.get(reverse("organising:form", args=[form.pk])).content
    assert _client(org.member_user).get(reverse("organising:form-manage", args=[form.pk])).status_code == 404


def test_an_organiser_erases_a_signer_after_the_confirmation_page(org):
    form = _petition(org)
    sub = os_.submit(form=form, name="Pat", email="pat@example.org", postcode="M1 1AE", consent=True, actor=ANONYMOUS)
    c = _client(org.officer)
    url = reverse("organising:submission-erase", args=[sub.pk])
    assert b"withdraws their signature" in c.get(url).content
    c.post(url, {"reason": "email of 3 June"})
    assert Submission.objects.get(pk=sub.pk).erased


def test_organisers_and_courses_pages(org):
    c = _client(org.officer)
    newcomer = org.members[5]
    r = c.post(reverse("organising:unit-organisers", args=[org.b1.pk]), {"who": newcomer.membership_number})
    assert r.status_code == 302 and Organiser.objects.filter(unit=org.b1, user__member=newcomer).exists()
    assert newcomer.name.encode() in c.get(reverse("organising:unit-organisers", args=[org.b1.pk])).content
    c.post(reverse("organising:unit-organisers", args=[org.b1.pk]), {"who": "no-such-member"})
    assert b"no one member has" in c.get(reverse("organising:unit-organisers", args=[org.b1.pk])).content
    c.post(reverse("organising:courses"), {"name": "Phone banking", "code": "phones"})
    assert b"Phone banking" in c.get(reverse("organising:courses")).content
    assert _client(org.member_user).get(reverse("organising:courses")).status_code == 404


def test_a_canvasser_is_assigned_from_the_list_page_and_a_contact_linked_to_a_member(org, elector_list):
    c = _client(org.officer)
    walk = elector_list.walk_lists.first()
    canvasser = org.members[3]
    c.post(reverse("organising:walk-assign", args=[walk.pk]), {"session": "", "canvasser": canvasser.email})
    walk.refresh_from_db()
    canvasser.refresh_from_db()
    assert canvasser.user is not None and walk.canvasser == canvasser.user
    assert canvasser.membership_number.encode() in c.get(reverse("organising:list", args=[elector_list.pk])).content
    elector = Elector.objects.get(name="Ann Able")
    member = org.members[0]
    url = reverse("organising:contact-link", args=[elector.pk])
    page = c.get(url, {"q": member.membership_number})
    assert member.name.encode() in page.content and Elector.objects.get(pk=elector.pk).member is None
    c.post(url, {"member": member.pk})
    assert Elector.objects.get(pk=elector.pk).member == member
    assert AuditEntry.objects.filter(action="organising.contact.link").count() == 1


def test_the_dashboard_counts_per_area_and_session(org, elector_list):
    walk = elector_list.walk_lists.get(name="High Street, even side")
    first, second = walk.electors.order_by("position")[:2]
    os_.record_door(walk_list=walk, elector=first, outcome="spoke", intention=1, actor=org.officer)
    os_.record_door(walk_list=walk, elector=second, outcome="not_in", actor=org.officer)
    page = _client(org.officer).get(reverse("organising:dashboard"))
    area = next(t for t in page.context["data"]["areas"] if t.name == "AB1")
    assert (area.doors, area.knocked, area.spoke, area.intentions) == (7, 2, 1, {"Definitely us": 1})
    assert page.context["charts"]["areas"]["contact"] == [14]
    assert b'id="dashboard-data"' in page.content
    assert _client(org.member_user).get(reverse("organising:dashboard")).status_code == 404


def test_a_full_public_event_offers_its_waiting_list_to_someone_without_an_account(org, make_event):
    from omov.organising.models import Rsvp

    event = make_event(capacity=1, audience="public")
    os_.sign_up(event=event, name="First", email="first@example.org", actor=ANONYMOUS)
    c = _client()
    page = c.get(reverse("organising:event", args=[event.pk]))
    assert b"Join the waiting list" in page.content
    c.post(reverse("organising:signup", args=[event.pk]), {"name": "Second", "email": "second@example.org",
                                                           "waiting_list": "1"})  # fmt: skip
    assert Rsvp.objects.get(event=event, email="second@example.org").state == "waiting"
    assert b"on the waiting list" in c.get(reverse("organising:event", args=[event.pk])).content


def test_the_new_pages_write_nothing_on_get(org, elector_list):
    form = _petition(org)
    sub = os_.submit(form=form, name="Pat", email="pat@example.org", postcode="M1 1AE", consent=True, actor=ANONYMOUS)
    before = AuditEntry.objects.count(), Submission.objects.filter(confirmed_at__isnull=False).count()
    c = _client(org.officer)
    elector = Elector.objects.get(name="Ann Able")
    for url in [
        reverse("organising:form-new"), reverse("organising:form-manage", args=[form.pk]),
        reverse("organising:form-close", args=[form.pk]), reverse("organising:submission-erase", args=[sub.pk]),
        reverse("organising:join-requests"), reverse("organising:courses"), reverse("organising:dashboard"),
        reverse("organising:unit-organisers", args=[org.b1.pk]), reverse("organising:contact-link", args=[elector.pk]),
        reverse("organising:form-confirm", args=[sub.token]), reverse("organising:form", args=[form.pk]),
    ]:  # fmt: skip
        assert c.get(url).status_code == 200, url
    assert (AuditEntry.objects.count(), Submission.objects.filter(confirmed_at__isnull=False).count()) == before
    assert SignUpForm.objects.get(pk=form.pk).state == "open" and not Submission.objects.get(pk=sub.pk).erased


def test_an_organiser_exports_the_sign_ups_and_the_export_is_audited(org):
    form = _petition(org)
    os_.submit(form=form, name="Pat", email="pat@example.org", postcode="M1 1AE", consent=True, actor=ANONYMOUS)
    r = _client(org.officer).post(reverse("organising:form-export", args=[form.pk]))
    assert r["Content-Type"].startswith("text/csv") and b"pat@example.org" in r.content
    entry = AuditEntry.objects.get(action="organising.form.export")
    assert entry.details == {"rows": 1} and "pat" not in str(entry.details)
    assert _client(org.member_user).post(reverse("organising:form-export", args=[form.pk])).status_code == 404
