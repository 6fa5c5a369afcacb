"""Leave room in each page of the roll and credential tables (PostgreSQL), so that the updates a cast makes
(a voter marked as voted, a credential spent) and the rewrite at the close (which breaks the link between a
voter's row and the transaction that stored their paper) can stay in the same page as heap-only tuples,
without touching every index: in benchmarks/platform_load.py the close's rewrite of 500,000 roll lines went from
13.1 s to 5.4 s. SQLite has no such setting; nothing to do there."""

from django.db import migrations


def set_fillfactor(apps, schema_editor, value: int = 60) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for model in ("Voter", "Credential"):
        table = schema_editor.quote_name(apps.get_model("ballots", model)._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor) -> None:
    set_fillfactor(apps, schema_editor, 100)


class Migration(migrations.Migration):
    dependencies = [("ballots", "0002_append_only")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
