"""Organising at scale: import an electoral register of N electors (default 100,000) and cut it into walk lists;
then C canvassers (default 50) record doors at the same time, each on their own walk list, as themselves.

    .venv/bin/python benchmarks/organising_scale.py [--electors 100000] [--canvassers 50] [--doors 40]
        [--database-url postgres://...]

The import and the cut call the services (`import_electors`, `cut_walk_lists`) as the import page does. The
canvassers are threads, each with its own database connection, calling `record_door` as a signed-in canvasser
(the same permission checks, transaction and audit entry as the phone's page). Uses a throwaway SQLite file
unless given a database (which is migrated). Prints a table; not run by CI (timings are not tests).
"""

from __future__ import annotations

import sys

# Keep benchmarks/ off the import path, so that no script here can shadow a standard module.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("benchmarks")]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

STREET_WORDS = ["High", "Station", "Mill", "Church", "Park", "Victoria", "Albert", "Green", "King", "Queen",
                "North", "South", "West", "East", "New", "Manor", "School", "Bridge", "Chapel", "Market"]  # fmt: skip
STREET_KINDS = ["Street", "Road", "Lane", "Avenue", "Close", "Way", "Crescent", "Gardens"]


def register(n: int, rng: random.Random) -> str:
    """A made-up register extract of `n` electors: streets of 20 to 200 houses, 1 to 3 electors a house, some
    flats ("Flat 2, 14 ...") and lettered houses, in the council's order (by elector number, not walking order)."""
    lines = ["elector_number,name,address,polling_district"]
    count, street_no = 0, 0
    while count < n:
        street = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)} {street_no}"
        district = f"PD{street_no // 40}"
        houses = list(range(1, rng.randint(20, 200)))
        rng.shuffle(houses)
        for house in houses:
            label = f"{house}A" if house % 17 == 0 else str(house)
            if house % 23 == 0:
                label = f"Flat {rng.randint(1, 6)}, {label}"
            for _ in range(rng.choice((1, 2, 2, 3))):
                count += 1
                lines.append(f'{district}-{count},Elector {count},"{label} {street}, Town",{district}')
                if count >= n:
                    break
            if count >= n:
                break
        street_no += 1
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--electors", type=int, default=100_000)
    parser.add_argument("--canvassers", type=int, default=50)
    parser.add_argument("--doors", type=int, default=40, help="doors each canvasser records")
    parser.add_argument("--database-url", default="")
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="omov-bench-"))
    os.environ.update({"OMOV_DATA_DIR": str(tmp), "OMOV_DEBUG": "0", "OMOV_DATABASE_URL": opts.database_url})
    os.environ.setdefault("OMOV_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "omov.web.settings"
    os.environ["OMOV_CELERY_EAGER"] = "1"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from omov.core.actors import SystemActor
    from omov.members.models import Organisation
    from omov.members.services import create_organisation, create_unit
    from omov.organising import services as os_
    from omov.organising.models import DoorRecord, ElectorList

    call_command("migrate", verbosity=0)
    actor = SystemActor("bench")
    org = Organisation.objects.filter(slug="bench-org").first() or create_organisation(name="Bench", slug="bench-org")
    unit = org.units.filter(code="BW").first() or create_unit(
        organisation=org, code="BW", name="Bench ward", kind="branch", audit=False
    )
    rng = random.Random(7)
    text = register(opts.electors, rng)
    vendor = connection.vendor
    rows: list[tuple[str, str]] = []

    t = time.perf_counter()
    elector_list = os_.import_electors(
        unit=unit, name=f"bench {time.time():.0f}", csv_text=text,
        retain_until=timezone.localdate() + dt.timedelta(days=30), actor=actor,
    )  # fmt: skip
    t_import = time.perf_counter() - t
    t = time.perf_counter()
    walks = os_.cut_walk_lists(elector_list=elector_list, actor=actor)
    t_cut = time.perf_counter() - t
    rows += [
        (f"import {opts.electors:,} electors (CSV {len(text) / 1e6:.1f} MB)", f"{t_import:.1f} s"),
        (f"cut into {len(walks):,} walk lists", f"{t_cut:.1f} s"),
        ("import + cut (target < 30 s)", f"{t_import + t_cut:.1f} s"),
    ]

    # Canvassers: one user and one walk list each, recording doors at once.
    users = []
    User = get_user_model()
    stamp = int(time.time())
    for i in range(opts.canvassers):
        user = User.objects.create(username=f"bench-canvasser-{stamp}-{i}")
        os_.assign_walk_list(walk_list=walks[i % len(walks)], canvasser=user, actor=actor)
        users.append(user)
    plans = []
    for i, user in enumerate(users):
        walk = walks[i % len(walks)]
        doors = list(walk.electors.order_by("position")[: opts.doors])
        plans.append((user, walk, doors))
    # Each canvasser is a process (as gunicorn's workers are: no shared interpreter lock), started together.
    import multiprocessing

    from django.db import connections

    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_gate = ctx.Event()
    plan_ids = [(user.pk, walk.pk, [e.pk for e in doors]) for user, walk, doors in plans]
    connections.close_all()  # the children open their own connections

    def canvass(user_id: int, walk_id: int, elector_ids: list[int], seed: int) -> None:
        from omov.organising.models import Elector, WalkList

        connections.close_all()
        mine: list[float] = []
        error = ""
        try:
            user = User.objects.get(pk=user_id)
            walk = WalkList.objects.select_related("elector_list__unit").get(pk=walk_id)
            electors = list(Elector.objects.filter(pk__in=elector_ids).order_by("position"))
            local = random.Random(seed)
            start_gate.wait()
            for elector in electors:
                roll = local.random()
                outcome = "not_in" if roll < 0.45 else "refused" if roll < 0.55 else "spoke"
                s = time.perf_counter()
                os_.record_door(
                    walk_list=walk, elector=elector, outcome=outcome, actor=user,
                    intention=local.randint(1, 5) if outcome == "spoke" else None,
                )  # fmt: skip
                mine.append(time.perf_counter() - s)
        except Exception as exc:  # reported in the table, not hidden
            error = f"{type(exc).__name__}: {exc}"
        results.put((mine, error))
        connections.close_all()

    procs = [ctx.Process(target=canvass, args=(*plan, n)) for n, plan in enumerate(plan_ids)]
    for proc in procs:
        proc.start()
    time.sleep(2)  # let every process connect and load its walk list
    t = time.perf_counter()
    start_gate.set()
    latencies: list[float] = []
    errors: list[str] = []
    for _ in procs:
        mine, error = results.get()
        latencies += mine
        if error:
            errors.append(error)
    wall = time.perf_counter() - t
    for proc in procs:
        proc.join()
    stored = DoorRecord.objects.filter(walk_list__elector_list=elector_list).count()
    latencies.sort()
    if latencies:
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        rows += [
            (f"{len(plans)} canvassers, up to {opts.doors} doors each, at once: stored",
             f"{stored:,} of {sum(len(p[2]) for p in plans):,}"),
            ("  wall time", f"{wall:.1f} s ({stored / wall:,.0f} doors/s)"),
            ("  one door: median / 95th percentile / max",
             f"{statistics.median(latencies) * 1000:.0f} / {p95 * 1000:.0f} / {latencies[-1] * 1000:.0f} ms"),
        ]  # fmt: skip
    rows.append(("  errors", str(len(errors)) + (f" (first: {errors[0]})" if errors else "")))

    print(f"\nOrganising at scale on {vendor}\n")
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    ElectorList.objects.filter(pk=elector_list.pk).delete()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
