"""Canvassing: the import, walk lists in natural house-number order by side, door records (once per client id),
scoping to the unit's organisers, audited exports, retention and erasure."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.core.actors import SCHEDULER
from omov.organising import services as os_
from omov.organising.errors import InvalidInput, NotAllowed, WrongState
from omov.organising.models import DoorRecord, Elector
from omov.organising.selectors import contact_rates, house_key, lists_visible_to


def test_addresses_split_into_house_and_street():
    assert os_.split_address("12A High Street, Town") == ("12A", "High Street")
    assert os_.split_address("Flat 3, 12 High Street, Town") == ("Flat 3, 12", "High Street")
    assert os_.split_address("Rose Cottage, Mill Lane, Town") == ("Rose Cottage", "Mill Lane")


def test_house_numbers_sort_naturally():
    houses = ["10", "2A", "Rose Cottage", "2", "1", "Flat 3, 11"]
    assert sorted(houses, key=house_key) == ["1", "2", "2A", "10", "Flat 3, 11", "Rose Cottage"]


def test_walk_lists_are_one_per_street_side_in_house_order(elector_list):
    walks = {w.name: [e.house for e in w.electors.order_by("position")] for w in elector_list.walk_lists.all()}
    assert walks == {
        "High Street, even side": ["2", "2A", "10"],
        "High Street, odd side": ["1", "Flat 3, 11"],
        "Mill Lane, odd side": ["3", "Rose Cottage"],
    }


def test_an_import_without_the_columns_says_which_are_missing(org):
    with pytest.raises(InvalidInput, match="missing: polling_district"):
        os_.import_electors(
            unit=org.b1,
            name="x",
            csv_text="elector_number,name,address\n1,A,1 High St\n",
            retain_until=timezone.localdate() + dt.timedelta(days=5),
            actor=org.officer,
        )


def test_an_import_needs_a_retention_date_in_the_future(org):
    with pytest.raises(InvalidInput, match="retention date"):
        os_.import_electors(unit=org.b1, name="x", csv_text="", retain_until=timezone.localdate(), actor=org.officer)


def _door(elector_list, street="High Street, even side"):
    walk = elector_list.walk_lists.get(name=street)
    return walk, walk.electors.order_by("position").first()


def test_a_door_sent_twice_by_the_outbox_is_stored_once(elector_list, org):
    walk, elector = _door(elector_list)
    client_id = uuid.uuid4()
    _, created = os_.record_door(
        walk_list=walk, elector=elector, outcome="spoke", intention=2, wants_poster=True, client_id=client_id,
        actor=org.officer,
    )  # fmt: skip
    _, again = os_.record_door(walk_list=walk, elector=elector, outcome="spoke", client_id=client_id, actor=org.officer)
    assert (created, again) == (True, False)
    assert DoorRecord.objects.count() == 1


def test_door_audit_entries_hold_no_opinion_or_name(elector_list, org):
    walk, elector = _door(elector_list)
    os_.record_door(walk_list=walk, elector=elector, outcome="spoke", intention=5, issues="buses", actor=org.officer)
    entry = AuditEntry.objects.filter(action="organising.door").get()
    text = str(entry.details) + entry.subject
    assert "buses" not in text and elector.name not in text and "intention" not in text


def test_an_intention_is_recorded_only_when_someone_answered(elector_list, org):
    walk, elector = _door(elector_list)
    with pytest.raises(InvalidInput, match="only when you spoke"):
        os_.record_door(walk_list=walk, elector=elector, outcome="not_in", intention=1, actor=org.officer)
    with pytest.raises(InvalidInput, match="intention"):
        os_.record_door(walk_list=walk, elector=elector, outcome="spoke", intention=9, actor=org.officer)


def test_only_the_canvasser_or_an_organiser_records_doors(elector_list, org):
    walk, elector = _door(elector_list)
    with pytest.raises(NotAllowed):
        os_.record_door(walk_list=walk, elector=elector, outcome="not_in", actor=org.member_user)
    os_.assign_walk_list(walk_list=walk, canvasser=org.member_user, actor=org.officer)
    os_.record_door(walk_list=walk, elector=elector, outcome="not_in", actor=org.member_user)


def test_canvass_data_are_visible_only_to_organisers_of_the_unit(elector_list, org):
    assert lists_visible_to(user=org.officer) == [elector_list]
    assert lists_visible_to(user=org.other_officer) == []
    os_.appoint_organiser(user=org.other_officer, unit=org.c2, actor=org.admin)
    assert lists_visible_to(user=org.other_officer) == []  # B1 is not under C2
    with pytest.raises(NotAllowed):
        os_.export_list(elector_list=elector_list, actor=org.other_officer)


def test_every_export_is_in_the_audit_log(elector_list, org):
    text = os_.export_list(elector_list=elector_list, actor=org.officer)
    assert "Ann Able" in text
    entry = AuditEntry.objects.get(action="organising.export")
    assert entry.subject == f"elector-list:{elector_list.pk}" and entry.details == {"rows": 7}
    assert entry.actor == org.officer.username


def test_a_list_past_its_retention_date_is_erased_and_its_counts_stay(elector_list, org):
    walk, elector = _door(elector_list)
    os_.record_door(
        walk_list=walk, elector=elector, outcome="spoke", intention=1, issues="Ann's bins", actor=org.officer
    )
    before = contact_rates(elector_list=elector_list)[-1]
    assert os_.erase_expired_lists(actor=SCHEDULER, today=elector_list.retain_until) == 0
    assert os_.erase_expired_lists(actor=SCHEDULER, today=elector_list.retain_until + dt.timedelta(days=1)) == 1
    elector_list.refresh_from_db()
    assert elector_list.erased_at is not None
    assert not Elector.objects.exclude(name="").exists()
    assert not Elector.objects.exclude(address="").exists()
    assert DoorRecord.objects.get().issues == ""
    assert contact_rates(elector_list=elector_list)[-1] == before
    with pytest.raises(WrongState):
        os_.export_list(elector_list=elector_list, actor=org.officer)


def test_a_contact_is_erased_on_request_with_an_audit_entry(elector_list, org):
    elector = Elector.objects.get(name="Ann Able")
    os_.erase_contact(elector=elector, actor=org.officer, reason="email of 3 June")
    elector.refresh_from_db()
    assert (elector.name, elector.address, elector.elector_number, elector.erased) == ("", "", "", True)
    entry = AuditEntry.objects.get(action="organising.contact.erase")
    assert entry.details == {"elector": elector.pk, "reason": "email of 3 June"}
    assert Elector.objects.filter(name="Ben Best").exists()
    with pytest.raises(NotAllowed):
        os_.erase_contact(elector=Elector.objects.get(name="Ben Best"), actor=org.other_officer)


def test_a_contact_is_linked_to_a_member_only_by_an_organiser(elector_list, org):
    elector = Elector.objects.get(name="Ann Able")
    assert elector.member is None
    with pytest.raises(NotAllowed):
        os_.confirm_contact_is_member(elector=elector, member=org.members[0], actor=org.member_user)
    os_.confirm_contact_is_member(elector=elector, member=org.members[0], actor=org.officer)
    assert Elector.objects.get(pk=elector.pk).member == org.members[0]


def test_an_organiser_may_organise_their_unit_and_the_units_below_only(org):
    from omov.organising.selectors import organisable_units

    assert set(organisable_units(user=org.officer)) == {org.c1, org.b1}
    assert not organisable_units(user=org.other_officer).exists()
    assert not organisable_units(user=org.member_user).exists()
