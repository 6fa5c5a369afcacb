"""Members' postal addresses: read by the CSV import (optional `address`, `postcode`), checked, printed on letters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from omov.members.errors import MemberError
from omov.members.models import Member
from omov.members.services import create_member, import_members

HEADER = "membership_number,name,unit,joined_on,postal,address,postcode\n"


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "members.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def test_the_import_reads_address_lines_and_postcode(world, tmp_path):
    body = (
        'P1,Pat Post,B1,2019-03-01,yes,"12 High Street\nLittle Town\n",AB1 2CD\n'
        "P2,Quin Post,B1,2019-03-01,yes,3 Low Road | Big City,ZZ9 9ZZ\n"
        "P3,Ray Mail,B2,2019-03-01,no,,\n"
    )
    report = import_members(organisation=world.org, path=write(tmp_path, body))
    assert report.ok and report.created == 3, report.describe()
    pat = Member.objects.get(membership_number="P1")
    assert (pat.address, pat.postcode) == ("12 High Street\nLittle Town", "AB1 2CD")
    assert pat.address_lines == ["12 High Street", "Little Town", "AB1 2CD"]
    assert Member.objects.get(membership_number="P2").address_lines == ["3 Low Road", "Big City", "ZZ9 9ZZ"]
    assert Member.objects.get(membership_number="P3").address_lines == []


def test_a_bad_address_names_its_row_and_nothing_is_imported(world, tmp_path):
    body = "P1,Pat Post,B1,2019-03-01,yes,\"1 Road\u202e\",AB1\nP2,Quin,B1,2019-03-01,yes,x,\"" + "9" * 21 + '"\n'
    report = import_members(organisation=world.org, path=write(tmp_path, body))
    assert not report.written and report.bad == 2
    assert "line 2 (membership number P1): address line 1 has the character U+202E" in report.describe()
    assert "postcode is longer than 20 characters" in report.describe()


def test_a_file_without_address_columns_keeps_the_addresses_on_record(world, tmp_path):
    import_members(organisation=world.org, path=write(tmp_path, "P1,Pat Post,B1,2019-03-01,yes,1 Road,AB1\n"))
    older = write(tmp_path, "P1,Pat Post,B1,2019-03-01,yes\n", header="membership_number,name,unit,joined_on,postal\n",
                  name="old.csv")
    again = import_members(organisation=world.org, path=older, update=True)
    assert again.ok and again.unchanged == 1, again.describe()
    assert Member.objects.get(membership_number="P1").address_lines == ["1 Road", "AB1"]


def test_create_member_takes_and_checks_an_address(world):
    m = create_member(organisation=world.org, membership_number="Z1", name="Zed", unit=world.b1,
                      joined_on=dt.date(2020, 1, 1), postal=True, address="  1 Road \n\n Town ", postcode=" AB1 ")
    assert m.address_lines == ["1 Road", "Town", "AB1"]
    with pytest.raises(MemberError, match="7 lines"):
        create_member(organisation=world.org, membership_number="Z2", name="Zed", unit=world.b1,
                      joined_on=dt.date(2020, 1, 1), address="\n".join("abcdefg"))
