"""The members CSV import: good files, bad rows named, all-or-nothing, idempotent re-import, the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from omov.audit.models import AuditEntry, Job
from omov.core.actors import SystemActor
from omov.members.models import Member
from omov.members.services import import_members, start_member_import
from omov.web.cli import main as cli

HEADER = "membership_number,name,email,unit,joined_on,status,category,arrears,gender,postal\n"


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "members.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


GOOD = (
    "A1,Ann Able,ann@example.org,B1,2019-03-01,active,member,0,woman,no\n"
    "A2,Bob Baker,,B2,2020-04-02,lapsed,member,3.50,,yes\n"
    'A3,"Cat, Carter",cat@example.org,C1,2021-05-03,,registered_supporter,,,\n'
)


def test_a_good_file_is_imported(world, tmp_path):
    report = import_members(organisation=world.org, path=write(tmp_path, GOOD), actor=SystemActor("test"))
    assert report.ok and report.written and (report.rows, report.created) == (3, 3)
    ann = Member.objects.get(membership_number="A1")
    assert (ann.name, ann.unit, ann.joined_on, ann.gender) == ("Ann Able", world.b1, dt.date(2019, 3, 1), "woman")
    bob = Member.objects.get(membership_number="A2")
    assert bob.status == "lapsed" and str(bob.arrears) == "3.50" and bob.postal
    cat = Member.objects.get(membership_number="A3")
    assert cat.name == "Cat, Carter" and cat.status == "active" and cat.category == "registered_supporter"
    assert AuditEntry.objects.filter(action="members.import").count() == 1


def test_reimporting_the_same_file_changes_nothing(world, tmp_path):
    path = write(tmp_path, GOOD)
    import_members(organisation=world.org, path=path)
    before = list(Member.objects.order_by("pk").values())
    again = import_members(organisation=world.org, path=path)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Member.objects.order_by("pk").values()) == before


def test_changed_rows_need_update_and_then_update_in_place(world, tmp_path):
    import_members(organisation=world.org, path=write(tmp_path, GOOD))
    changed = write(tmp_path, GOOD.replace("Ann Able", "Ann Abel").replace(",lapsed,", ",active,"), name="v2.csv")
    refused = import_members(organisation=world.org, path=changed)
    assert not refused.written and refused.bad == 2
    assert "already exists with a different name" in str(refused.errors[0])
    assert "--update" in str(refused.errors[0])
    assert Member.objects.get(membership_number="A1").name == "Ann Able"
    pk = Member.objects.get(membership_number="A1").pk
    done = import_members(organisation=world.org, path=changed, update=True)
    assert done.written and (done.updated, done.unchanged) == (2, 1)
    ann = Member.objects.get(membership_number="A1")
    assert ann.pk == pk and ann.name == "Ann Abel"
    assert Member.objects.get(membership_number="A2").status == "active"


BAD = (
    "B1,Good Row,good@example.org,B1,2019-01-01,active,member,0,,no\n"  # line 2: fine
    ",No Number,x@example.org,B1,2019-01-01,active,member,0,,no\n"  # line 3
    "B3,,x@example.org,B1,2019-01-01,active,member,0,,no\n"  # line 4
    "B4,Bad Email,not-an-email,B1,2019-01-01,active,member,0,,no\n"  # line 5
    "B5,Bad Unit,x@example.org,ZZ,2019-01-01,active,member,0,,no\n"  # line 6
    "B6,Bad Date,x@example.org,B1,01/02/2019,active,member,0,,no\n"  # line 7
    "B7,Future,x@example.org,B1,2999-01-01,active,member,0,,no\n"  # line 8
    "B8,Bad Status,x@example.org,B1,2019-01-01,expelled,member,0,,no\n"  # line 9
    "B9,Bad Arrears,x@example.org,B1,2019-01-01,active,member,-5,,no\n"  # line 10
    "B1,Duplicate,x@example.org,B1,2019-01-01,active,member,0,,no\n"  # line 11
    "B10,Short Row,x@example.org\n"  # line 12
    "B11,Bad Postal,x@example.org,B1,2019-01-01,active,member,0,,perhaps\n"  # line 13
    "B12,Not A Day,x@example.org,B1,2019-02-30,active,member,0,,no\n"  # line 14
)


def test_bad_rows_are_each_named_with_the_reason_and_nothing_is_imported(world, tmp_path):
    report = import_members(organisation=world.org, path=write(tmp_path, BAD))
    assert not report.written and report.bad == 12 and report.rows == 13
    messages = {e.line: e.message for e in report.errors}
    assert messages[3] == "membership_number is empty"
    assert messages[4] == "name is empty"
    assert "'not-an-email' is not an email address" in messages[5]
    assert "unit 'ZZ' does not exist" in messages[6]
    assert "'01/02/2019' is not a date (YYYY-MM-DD)" in messages[7]
    assert "in the future" in messages[8]
    assert "status 'expelled'" in messages[9]
    assert "arrears '-5'" in messages[10]
    assert "membership number B1 is also on line 2" in messages[11]
    assert "has 3 fields, the header has 10" in messages[12]
    assert "postal 'perhaps'" in messages[13]
    assert "not a real date" in messages[14]
    assert not Member.objects.filter(membership_number__startswith="B").exists()
    assert "line 6 (membership number B5): unit 'ZZ' does not exist" in report.describe()
    assert "Nothing was imported" in report.describe()


def test_skip_bad_imports_only_the_good_rows(world, tmp_path):
    report = import_members(organisation=world.org, path=write(tmp_path, BAD), skip_bad=True)
    assert report.written and report.created == 1
    assert list(Member.objects.filter(membership_number__startswith="B").values_list("name", flat=True)) == ["Good Row"]


def test_dry_run_writes_nothing(world, tmp_path):
    report = import_members(organisation=world.org, path=write(tmp_path, GOOD), dry_run=True)
    assert report.ok and report.created == 3 and not report.written
    assert not Member.objects.filter(membership_number__startswith="A").exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("membership_number,name,unit\n", "missing column(s): joined_on"),
        ("membership_number,name,unit,joined_on,colour\n", "unknown column(s): colour"),
        ("", "empty"),
    ],
)
def test_a_wrong_header_is_refused(world, tmp_path, header, message):
    report = import_members(organisation=world.org, path=write(tmp_path, "", header=header))
    assert not report.written and message in report.file_error


def test_a_file_that_is_not_utf8_is_refused(world, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "C1,Zoë,,B1,2019-01-01,,,,,\n".encode("latin-1"))
    report = import_members(organisation=world.org, path=path)
    assert not report.written and "UTF-8" in report.file_error


def test_import_as_a_background_job_records_progress_and_the_report(world, tmp_path):
    job = start_member_import(organisation=world.org, path=write(tmp_path, GOOD), actor=world.admin)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["created"] == 3 and job.done == job.total
    bad = start_member_import(organisation=world.org, path=write(tmp_path, BAD, name="bad.csv"), actor=world.admin)
    bad.refresh_from_db()
    assert bad.state == Job.State.FAILED and "line 6 (membership number B5)" in bad.error


def test_cli_import_reports_and_sets_the_exit_status(world, tmp_path, capsys):
    assert cli(["members", "import", str(write(tmp_path, GOOD)), "--quiet"]) == 0
    assert "3 new" in capsys.readouterr().out
    assert cli(["members", "import", str(write(tmp_path, BAD, name="bad.csv"))]) == 1
    out = capsys.readouterr().out
    assert "line 9 (membership number B8): status 'expelled'" in out
    assert cli(["members", "import", str(tmp_path / "missing.csv"), "--quiet"]) == 1
    assert cli(["members", "import", str(tmp_path / "x.csv"), "--organisation", "nope"]) == 2


def test_a_large_file_is_imported_in_batches(world, tmp_path):
    rows = "".join(f"L{i},Member {i},m{i}@example.org,B{1 + i % 2},2020-01-01,,,,,\n" for i in range(12_000))
    report = import_members(organisation=world.org, path=write(tmp_path, rows))
    assert report.written and report.created == 12_000
    assert Member.objects.filter(membership_number__startswith="L").count() == 12_000
    again = import_members(organisation=world.org, path=write(tmp_path, rows))
    assert again.unchanged == 12_000 and again.created == 0
