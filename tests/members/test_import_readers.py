"""`omov members import` under attack: numbers, dates, addresses and names that are not what they seem.

Every bad row is named with its line and why, nothing is imported, and no input makes a traceback; the fuzz test
feeds the importer arbitrary rows in bounded time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omov.members.errors import MemberError
from omov.members.models import Member
from omov.members.services import create_member, import_members

HEADER = "membership_number,name,email,unit,joined_on,status,category,arrears,gender,postal\n"


def one_row(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "members.csv"
    path.write_bytes((HEADER + row + "\n").encode("utf-8", "surrogatepass"))
    return path


@pytest.mark.parametrize(("row", "message"), [
    # amounts: Decimal() took each of these, and quantize() rounded 3.505 without a word
    ("X1,Ann,,B1,2019-01-01,,,1_0,,", "arrears '1_0' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,,+5,,", "arrears '+5' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,,1e2,,", "arrears '1e2' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,,1e-400,,", "arrears '1e-400' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,,٣,,", "arrears '٣' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,,3.505,,", "arrears '3.505' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,,nan,,", "arrears 'nan' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,,100000000,,", "arrears '100000000' is not an amount"),
    ("X1,Ann,,B1,2019-01-01,,," + "9" * 400 + ",,", "arrears '99999"),
    # dates in other scripts' digits
    ("X1,Ann,,B1,٢٠١٩-٠١-٠١,,,,,", "is not a date (YYYY-MM-DD)"),
    # addresses Django's EmailValidator refuses (the old pattern let each of these through)
    ("X1,Ann,a@b..c,B1,2019-01-01,,,,,", "email 'a@b..c' is not an email address"),
    ("X1,Ann,ann@-example-.org,B1,2019-01-01,,,,,", "is not an email address"),
    ("X1,Ann,\"ann@exa\tmple.org\",B1,2019-01-01,,,,,", "is not an email address"),
    ("X1,Ann,ann@example.org\u202e,B1,2019-01-01,,,,,", "is not an email address"),
    ("X1,Ann,ann@ex\x00ample.org,B1,2019-01-01,,,,,", "is not an email address"),
    ("X1,Ann,\"ann@ex\\\"ample\".org,B1,2019-01-01,,,,,", "is not an email address"),
    # names and numbers that would mislead whoever reads them (or that PostgreSQL cannot store)
    ("X1,Ann\u202eeibboB,,B1,2019-01-01,,,,,", "name has the character U+202E (right-to-left override)"),
    ("X1,Ann\x1b[2J,,B1,2019-01-01,,,,,", "name has the character U+001B"),
    ("X1,Ann\x00,,B1,2019-01-01,,,,,", "name has the character U+0000"),
    ("X1,\"Ann\nAble\",,B1,2019-01-01,,,,,", "name has the character U+000A"),
    ("X1,Ann\u2067x,,B1,2019-01-01,,,,,", "name has the character U+2067"),
    ("X\x001,Ann,,B1,2019-01-01,,,,,", "membership_number has the character U+0000"),
    ("X1,Ann,,B1,2019-01-01,,,,wo\u202eman,", "gender has the character U+202E"),
])
def test_a_row_with_a_value_that_is_not_what_it_seems_is_refused_by_line(
    world, tmp_path: Path, row: str, message: str
) -> None:
    report = import_members(organisation=world.org, path=one_row(tmp_path, row))
    assert not report.written and report.bad == 1, report.describe()
    assert report.errors[0].line >= 2 and message in report.errors[0].message
    assert len(report.errors[0].message) < 400
    assert not Member.objects.filter(membership_number__startswith="X").exists()


def test_odd_but_valid_rows_are_imported_as_written(world, tmp_path: Path) -> None:
    rows = ("X1,محمد\u200c علي,ann.o'neil+tag@example.co.uk,B1,2019-01-01,,,1234.5,,yes\n"
            "X2,Zoë \u200fשרה,zoe@localhost,B1,2019-01-01,,,0.05,,no")
    report = import_members(organisation=world.org, path=one_row(tmp_path, rows))
    assert report.written and report.created == 2, report.describe()
    assert str(Member.objects.get(membership_number="X1").arrears) == "1234.50"
    assert Member.objects.get(membership_number="X2").name == "Zoë \u200fשרה"


def test_an_unreadable_file_is_a_file_error_not_a_traceback(world, tmp_path: Path, monkeypatch) -> None:
    path = one_row(tmp_path, "X1,Ann,,B1,2019-01-01,,,,,")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    report = import_members(organisation=world.org, path=path)
    assert not report.written and report.file_error == f"cannot read {path}: Permission denied"


def test_create_member_refuses_a_misleading_name_or_an_address_that_is_not_one(world) -> None:
    base = {"organisation": world.org, "unit": world.b1, "joined_on": dt.date(2019, 1, 1)}
    with pytest.raises(MemberError, match="the member's name has the character U\\+202E"):
        create_member(membership_number="X1", name="Ann\u202e", **base)
    with pytest.raises(MemberError, match="is not an email address"):
        create_member(membership_number="X1", name="Ann", email="a@b..c", **base)
    with pytest.raises(MemberError, match="the membership number has the character U\\+0000"):
        create_member(membership_number="X\x001", name="Ann", **base)
    assert not Member.objects.filter(membership_number__startswith="X").exists()
    create_member(membership_number="X1", name="Ann", email="ann@example.org", **base)


_CELL = st.sampled_from(["", "X1", "X2", "Ann", "B1", "ZZ", "2019-01-01", "2999-01-01", "٢٠١٩-٠١-٠١", "ann@example.org",
                         "a@b..c", "1_0", "3.50", "3.505", "nan", "1e400", "+5", "-1", "yes", "maybe", "active",
                         "\x00", "\u202e", "\x1b", "\"", "\n", ",", "é", "9" * 50])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELL, min_size=10, max_size=10).map(lambda cells: ",".join(cells)), max_size=4))
def test_fuzz_the_importer_names_each_bad_row_and_writes_all_or_nothing(world, tmp_path: Path, rows: list[str]) -> None:
    Member.objects.filter(membership_number__startswith="X").delete()
    report = import_members(organisation=world.org, path=one_row(tmp_path, "\n".join(rows)))
    written = Member.objects.filter(organisation=world.org, membership_number__startswith="X")
    if report.file_error:
        assert report.file_error.startswith("line ") and not report.written
        return
    assert report.written == (report.bad == 0)
    assert all(e.line >= 2 and e.message for e in report.errors)
    for m in written:
        assert "\x00" not in m.name + m.membership_number and "\u202e" not in m.name and "\x1b" not in m.name
        assert m.arrears >= 0
