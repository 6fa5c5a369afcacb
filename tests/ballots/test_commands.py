"""The platform commands: `omov audit verify` and `omov demo --no-serve`."""

from __future__ import annotations

import pytest

from omov.audit.models import AuditEntry
from omov.audit.selectors import verify_audit_chain
from omov.ballots import services as bs
from omov.web.cli import main as cli
from tests.conftest_django import open_and_issue


def test_audit_verify_passes_on_an_intact_log_and_names_a_tampered_entry(world, capsys):
    ballot = world.ballot("irv")
    open_and_issue(ballot, world.officer)
    assert cli(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "audit log: OK" in out and "chain intact" in out and f"papers of ballot {ballot.pk}" in out
    from django.db import connection

    from omov.audit.triggers import drop_append_only_sql

    with connection.cursor() as cursor:
        for statement in drop_append_only_sql(connection.vendor, AuditEntry._meta.db_table):
            cursor.execute(statement)
    target = AuditEntry.objects.get(action="ballot.ready")
    AuditEntry.objects.filter(pk=target.pk).update(actor="someone-else")
    report = verify_audit_chain()
    assert not report.ok and f"entry #{target.position} was altered" in report.problem
    assert cli(["audit", "verify"]) == 1
    assert "BROKEN" in capsys.readouterr().out


def test_audit_entries_cannot_be_changed_through_the_orm(world):
    from omov.audit.models import AppendOnlyError

    entry = AuditEntry.objects.first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_a_deleted_audit_entry_is_detected(world):
    from omov.audit.models import ChainHead

    entries = list(AuditEntry.objects.order_by("position"))
    assert verify_audit_chain().ok and verify_audit_chain().entries == len(entries)
    ChainHead.objects.filter(name="audit").update(position=len(entries) + 1)
    assert "head says" in verify_audit_chain().problem


@pytest.mark.slow
def test_demo_seeds_and_prints_sign_in_links(tmp_path, db):
    """The demo seed at a tenth of its size (same code path as `omov demo`)."""
    from omov.ballots.models import Ballot
    from omov.demo import seed
    from omov.web.cli import demo_links as links

    summary = seed(data=tmp_path, members=300)
    assert "300 members" in summary and "Published: National Executive Committee" in summary
    nec = Ballot.objects.get(title__startswith="National Executive")
    assert nec.state == "published" and len(nec.result.elected) == 3
    women = set(nec.candidates.filter(gender="woman").values_list("name", flat=True))
    assert len(women & set(nec.result.elected)) >= 2  # the balance rule held
    assert Ballot.objects.get(title="Leader").state == "open"
    text = links(site="http://127.0.0.1:8000")
    assert text.count("http://127.0.0.1:8000/signin/") >= 3
    assert (tmp_path / "demo-credentials.txt").read_text().count("-") >= 14
    assert verify_audit_chain().ok
    assert bs  # the services module is what the demo drives


def test_audit_verify_runs_as_the_readme_shows_it_without_a_secret_key(tmp_path):
    import os
    import subprocess
    import sys

    omov = [sys.executable, "-m", "omov.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMOV_", "DJANGO_"))}
    missing = subprocess.run([*omov, "audit", "verify"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and "no database at" in missing.stderr and "omov demo" in missing.stderr
    migrate = subprocess.run([*omov, "manage", "migrate", "-v", "0"], cwd=tmp_path, capture_output=True, text=True,
                             env={**env, "OMOV_DEBUG": "1"})
    assert migrate.returncode == 0, migrate.stderr
    done = subprocess.run([*omov, "audit", "verify"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("audit log: ")
