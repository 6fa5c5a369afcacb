"""Measure the members CSV import: N rows (default 500,000), first import then an idempotent re-import.

    .venv/bin/python benchmarks/members_import.py [--rows 500000] [--database-url postgres://...]

Uses a throwaway SQLite file (or the given database, which is migrated). Not run by CI.
"""

from __future__ import annotations

import sys

# Keep benchmarks/ off the import path, so that no script here can shadow a standard module.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("benchmarks")]

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--database-url", default="")
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="omov-bench-"))
    os.environ.update({"OMOV_DATA_DIR": str(tmp), "OMOV_DEBUG": "0", "OMOV_DATABASE_URL": opts.database_url})
    os.environ.setdefault("OMOV_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "omov.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from omov.core.actors import SystemActor
    from omov.members.models import Member, Organisation
    from omov.members.services import create_organisation, create_unit, import_members

    call_command("migrate", verbosity=0)
    Member.objects.filter(organisation__slug="bench")._raw_delete("default")
    org = Organisation.objects.filter(slug="bench").first() or create_organisation(name="Bench", slug="bench")
    codes = []
    for i in range(650):
        code = f"BB{i}"
        if not org.units.filter(code=code).exists():
            create_unit(organisation=org, code=code, name=f"Branch {i}", kind="branch", audit=False)
        codes.append(code)
    rng = random.Random(1)
    path = tmp / "members.csv"
    with path.open("w") as f:
        f.write("membership_number,name,email,unit,joined_on,status,category,arrears,gender,postal\n")
        for i in range(opts.rows):
            f.write(f"{1000000 + i},Member {i},m{i}@example.org,{rng.choice(codes)},20{rng.randint(10, 24)}-0"
                    f"{rng.randint(1, 9)}-1{rng.randint(0, 9)},active,member,0,,no\n")  # fmt: skip
    vendor = "PostgreSQL" if opts.database_url else "SQLite"
    for label in ("first import", "re-import (unchanged)"):
        t = time.perf_counter()
        report = import_members(organisation=org, path=path, actor=SystemActor("bench"))
        seconds = time.perf_counter() - t
        print(f"{vendor}: {label}: {opts.rows} rows in {seconds:.1f}s ({opts.rows / seconds:,.0f} rows/s); "
              f"created {report.created}, unchanged {report.unchanged}, bad {report.bad}")  # fmt: skip
    Member.objects.filter(organisation=org)._raw_delete("default")
    return 0


if __name__ == "__main__":
    sys.exit(main())
