"""Printable walk sheets: a PDF of the doors in walking order with a map link, only for the unit's organisers,
every one an export in the audit log (ids and counts, never names)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from omov.audit.models import AuditEntry
from omov.organising import services as os_
from omov.organising import walksheet
from omov.organising.errors import NotAllowed


def _high_street_odd(elector_list):
    return elector_list.walk_lists.get(street="High Street", side="odd")


def test_the_sheet_is_a_pdf_with_a_row_per_door_in_walking_order(elector_list, org):
    walk = _high_street_odd(elector_list)  # 1, Flat 3, 11 (doors 1 and 11)
    pdf = os_.walk_sheet(walk_list=walk, actor=org.officer, compress=False)
    assert pdf.startswith(b"%PDF")
    text = pdf.decode("latin-1")
    shown = re.findall(r"\((.*?)\) Tj", text)
    assert "Dan Dee" in shown and "Eve East" in shown and "Flat 3, 11" in shown
    assert shown.index("1") < shown.index("Flat 3, 11") < shown.index("Eve East")  # walking order
    assert shown.index("Dan Dee") < shown.index("AB1-4") < shown.index("Flat 3, 11")  # a row per door
    for column in walksheet.COLUMNS:
        assert column.replace("(", "\\(").replace(")", "\\)") in shown  # PDF strings escape brackets
    url = "https://www.openstreetmap.org/search?query=High+Street%2C+Town"
    assert url in shown  # printed as text
    assert f"/URI ({url})" in text  # and a link annotation


def test_electors_of_one_house_share_a_row():
    doors = walksheet.group_doors([("2", "A", "X1"), ("2", "B", "X2"), ("", "C", "X3"), ("", "D", "X4")])
    assert [(d.house, len(d.electors)) for d in doors] == [("2", 2), ("", 1), ("", 1)]


def test_the_map_link_prefers_the_postcode():
    url = walksheet.map_url("Mill Lane", ["3 Mill Lane, Town, ZZ9 9ZZ", "5 Mill Lane, Town, zz99zz", "x, AB1 2CD"])
    assert url == walksheet.MAP_SEARCH + "Mill+Lane%2C+ZZ9+9ZZ"


def test_only_organisers_of_the_unit_get_a_sheet(elector_list, org):
    walk = _high_street_odd(elector_list)
    with pytest.raises(NotAllowed):
        os_.walk_sheet(walk_list=walk, actor=org.other_officer)
    url = reverse("organising:walk-sheet", args=[walk.pk])
    for user in (org.other_officer, org.member_user):
        c = Client()
        c.force_login(user)
        assert c.post(url).status_code == 404
    assert not AuditEntry.objects.filter(action="organising.walksheet").exists()


def test_a_sheet_download_is_an_audited_export_without_names(elector_list, org):
    walk = _high_street_odd(elector_list)
    c = Client()
    c.force_login(org.officer)
    assert c.get(reverse("organising:walk-sheet", args=[walk.pk])).status_code == 405  # GET writes nothing
    r = c.post(reverse("organising:walk-sheet", args=[walk.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and "attachment" in r["Content-Disposition"]
    entry = AuditEntry.objects.get(action="organising.walksheet")
    assert entry.subject == f"elector-list:{elector_list.pk}"
    assert entry.details == {"walk_list": walk.pk, "doors": 2, "electors": 2}
    assert entry.actor == org.officer.username
    assert "Dee" not in str(entry.details) and "East" not in str(entry.details)


def test_the_list_and_walk_pages_offer_the_sheet_to_organisers(elector_list, org):
    walk = _high_street_odd(elector_list)
    c = Client()
    c.force_login(org.officer)
    sheet = reverse("organising:walk-sheet", args=[walk.pk])
    assert sheet in c.get(reverse("organising:list", args=[elector_list.pk])).content.decode()
    assert sheet in c.get(reverse("organising:walk", args=[walk.pk])).content.decode()
