"""Database triggers that refuse UPDATE (and, on PostgreSQL, DELETE) of papers: append-only below Django too.

On SQLite only UPDATE is refused, because Django's test flush empties tables with DELETE (PostgreSQL's uses
TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

from omov.audit.triggers import append_only_sql, drop_append_only_sql


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in append_only_sql(schema_editor.connection.vendor, "ballots_paper"):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in drop_append_only_sql(schema_editor.connection.vendor, "ballots_paper"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ballots", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
