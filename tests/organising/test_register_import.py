"""Importing the electoral register as a council supplies it (Xpress, Idox Eros, Democracy Counts layouts):
columns matched whatever their case and spacing, elector numbers as on nomination papers, no date of birth kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.organising import services as os_
from omov.organising.errors import InvalidInput
from omov.organising.models import Elector

DATA = Path(__file__).parent / "data"


def _import(org, filename: str, **kw):
    return os_.import_electors(
        unit=org.b1,
        name="Register extract",
        csv_text=(DATA / filename).read_text("utf-8"),
        retain_until=timezone.localdate() + dt.timedelta(days=30),
        actor=org.officer,
        **kw,
    )


def _electors(elector_list):
    return list(
        elector_list.electors.order_by("pk").values_list(
            "elector_number", "name", "address", "house", "street", "polling_district"
        )
    )


def test_an_xpress_style_extract_is_read_by_its_header(org):
    electors = _electors(_import(org, "register_xpress.csv"))
    assert electors == [
        ("QA1-1", "Imani Quill", "1 Orchard Row, Testbury, ZZ99 1AA", "1", "Orchard Row", "QA1"),
        ("QA1-2", "Bram Oddity", "1 Orchard Row, Testbury, ZZ99 1AA", "1", "Orchard Row", "QA1"),
        ("QA1-2/1", "Cleo Nonesuch", "1 Orchard Row, Testbury, ZZ99 1AA", "1", "Orchard Row", "QA1"),
        ("QA1-3", "Dov Placeholder", "Flat 2, 4 Orchard Row, Testbury, ZZ99 1AB", "Flat 2, 4", "Orchard Row", "QA1"),
        ("QA1-4", "Esi Madeup", "Wren Cottage, Orchard Row, Testbury, ZZ99 1AC", "Wren Cottage", "Orchard Row",
         "QA1"),
    ]  # fmt: skip


def test_an_idox_style_extract_with_split_names_and_shouted_headers(org):
    electors = _electors(_import(org, "register_idox.csv", layout="council"))
    assert [e[:2] for e in electors] == [("RB2-10", "Wanda Fictive"), ("RB2-11", "Otto Lee Fictive"),
                                         ("RB2-12", "Yara Sample")]  # fmt: skip
    assert electors[0][2:] == ("7 Lantern Close, Exampleton, ZZ98 2BB", "7", "Lantern Close", "RB2")


def test_no_date_of_birth_or_marker_is_stored(org):
    elector_list = _import(org, "register_xpress.csv")
    _import(org, "register_idox.csv")
    stored = " ".join(
        str(v)
        for row in Elector.objects.values_list(
            "elector_number", "name", "address", "street", "house", "polling_district"
        )
        for v in row
    )
    for dob_or_marker in ("2009", "03-04", "15/06/2008", "2008"):
        assert dob_or_marker not in stored
    assert {f.name for f in Elector._meta.get_fields()}.isdisjoint({"dob", "date_of_birth", "markers"})
    entry = AuditEntry.objects.filter(action="organising.electors.import").first()
    assert entry.subject == f"elector-list:{elector_list.pk}" and entry.details["layout"] == "council"


def test_an_unknown_layout_is_refused_naming_the_missing_columns(org):
    with pytest.raises(InvalidInput) as refused:
        _import(org, "register_unknown.csv")
    message = str(refused.value)
    assert "Elector Number Prefix" in message and "Elector Name (or Elector Surname and Elector Forename)" in message
    assert "polling_district" in message
    with pytest.raises(InvalidInput, match="missing: Elector Number Prefix"):
        _import(org, "register_unknown.csv", layout="council")
    with pytest.raises(InvalidInput, match="missing: elector_number, name, address, polling_district"):
        _import(org, "register_xpress.csv", layout="omov")  # picked by the organiser: only that layout is tried


def test_the_import_page_takes_a_register_extract_and_says_dob_is_dropped(org):
    c = Client()
    c.force_login(org.officer)
    url = reverse("organising:list-import")
    page = c.get(url).content.decode()
    assert "Dates of birth and elector markers are not imported" in page and 'name="layout"' in page
    upload = SimpleUploadedFile("register.csv", (DATA / "register_xpress.csv").read_bytes(), "text/csv")
    r = c.post(url, {"unit": org.b1.pk, "name": "QA1 register", "layout": "auto", "sides": "1", "file": upload,
                     "retain_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat()})  # fmt: skip
    assert r.status_code == 302
    assert Elector.objects.filter(elector_list__name="QA1 register", elector_number="QA1-2/1").exists()
