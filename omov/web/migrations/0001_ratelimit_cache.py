"""The rate limits' cache table (omov.core.ratelimit.AtomicDatabaseCache), created wherever migrations run.

Created even when a deployment keeps its counters in Redis, so that switching OMOV_CACHE_URL back to the
database needs no extra step.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "omov_ratelimit_cache"  # = omov.core.ratelimit.CACHE_TABLE, frozen here as migrations must be


def create_table(apps: Any, schema_editor: Any) -> None:
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)  # Django's own DDL for the table


def drop_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create_table, drop_table)]
