"""Appointments: an organisation's administrator gives people roles for a unit and the units below it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from omov.audit.models import AuditEntry
from omov.members.errors import MemberError
from omov.members.models import Appointment
from omov.members.permissions import covers, is_org_admin, units_run_by
from omov.members.services import appoint, revoke

RO = Appointment.Role.RETURNING_OFFICER


def test_only_an_organisation_administrator_appoints_and_it_is_audited(world):
    with pytest.raises(MemberError, match="only an administrator"):
        appoint(organisation=world.org, user=world.other_officer, role=RO, unit=world.c1, actor=world.officer)
    appoint(organisation=world.org, user=world.officer, role="administrator", actor=world.admin)
    assert is_org_admin(actor=world.officer, organisation=world.org)
    appoint(organisation=world.org, user=world.other_officer, role=RO, unit=world.c1, actor=world.officer)
    entry = AuditEntry.objects.filter(action="organisation.appoint").last()
    assert entry.actor == "ro" and entry.details == {"user": "ro2", "role": RO, "unit": "C1"}


def test_a_unit_appointment_covers_the_unit_and_below_but_not_beside_or_everything(world):
    appoint(organisation=world.org, user=world.officer, role=RO, unit=world.c1, actor=world.admin)
    assert covers(actor=world.officer, role=RO, organisation=world.org, units=[world.b1])
    assert not covers(actor=world.officer, role=RO, organisation=world.org, units=[world.b2])
    assert not covers(actor=world.officer, role=RO, organisation=world.org, units=[])  # the whole organisation
    assert not covers(actor=world.officer, role="scrutineer", organisation=world.org, units=[world.b1])
    assert set(units_run_by(actor=world.officer, role=RO, organisation=world.org)) == {world.c1, world.b1}


def test_revoking_ends_the_role_and_an_administrator_cannot_revoke_themselves(world):
    User = get_user_model()
    boss = User.objects.create_user("boss", "boss@example.org")
    mine = appoint(organisation=world.org, user=boss, role="administrator", actor=world.admin)
    ro = appoint(organisation=world.org, user=world.officer, role=RO, unit=world.c1, actor=boss)
    revoke(appointment=ro, actor=boss)
    assert not covers(actor=world.officer, role=RO, organisation=world.org, units=[world.b1])
    with pytest.raises(MemberError, match="your own administrator role"):
        revoke(appointment=mine, actor=boss)
    assert AuditEntry.objects.filter(action="organisation.revoke").count() == 1


def test_an_administrator_is_appointed_for_the_whole_organisation(world):
    with pytest.raises(MemberError, match="whole organisation"):
        appoint(organisation=world.org, user=world.officer, role="administrator", unit=world.c1, actor=world.admin)


def test_the_administrator_appoints_from_the_officers_page_and_others_are_refused(world, client):
    client.force_login(world.officer)
    assert client.get(f"/organisation/{world.org.slug}/officers/").status_code == 403
    client.force_login(world.admin)
    page = client.get(f"/organisation/{world.org.slug}/officers/")
    assert page.status_code == 200 and "Appoint someone" in page.content.decode()
    response = client.post(f"/organisation/{world.org.slug}/officers/", {
        "action": "appoint", "email": "m3@example.org", "role": RO, "unit": world.c1.pk,
    })  # fmt: skip
    assert response.status_code == 302
    appointment = Appointment.objects.get(role=RO)
    assert appointment.user.member == world.members[3] and appointment.unit == world.c1  # a member's own account
    client.post(f"/organisation/{world.org.slug}/officers/", {"action": "revoke", "appointment": appointment.pk})
    assert not Appointment.objects.exists()
    unknown = client.post(f"/organisation/{world.org.slug}/officers/", {
        "action": "appoint", "email": "nobody@example.org", "role": RO, "unit": "",
    })  # fmt: skip
    assert unknown.status_code == 400 and "add them as a member first" in unknown.content.decode()
