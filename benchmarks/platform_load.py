"""Measure the platform under load on PostgreSQL: member import, opening a ballot, casting over HTTP, counting.

    .venv/bin/python benchmarks/platform_load.py all                  # everything below, in order (about 5 minutes)
    .venv/bin/python benchmarks/platform_load.py setup import open    # or any stages, in this order:

    setup   drop and recreate the throwaway database (default omov_platform_bench on 127.0.0.1:5432), migrate
    import  generate --members rows of CSV (1 in 40 postal) and import them with omov.members (timed)
    open    a ready IRV ballot over everyone; `open_ballot` (roll + credential rows, timed); `print_letters`
            mints the postal voters' credentials and `send_credentials` the email voters' (timed; the email
            backend, benchmarks/platform_mailsink.py, keeps each credential in a file instead of sending it)
    load    starts `omov serve` (gunicorn, --workers/--threads) configured as in production (docs/deploy.md:
            OMOV_DEBUG=0, Redis at --redis-url, so the rate limits count in Redis; --cache-url database
            counts them in the database table instead; the default limits apply) and casts --casts papers
            with postal voters' credentials through POST /api/ballots/<id>/cast (the JSON cast: one request, no
            page rendered; the browser's paper -> confirm -> cast form flow does more per vote and is not
            measured here) from --concurrency client threads in this process, one keep-alive connection each;
            casts/s, p50, p99, CPU a cast
    papers  writes papers in bulk (COPY, the same rows `cast` stores, chained) until there is one per voter,
            marks voters voted and credentials spent, then VACUUM (ANALYZE) as autovacuum would during the
            voting period (it is off on this server): material for `count`, not a measurement
    count   `close_ballot` then `count_ballot` (the services the close button and the count job run; timed)

Results accumulate in --work (default /tmp/omov-platform-bench/results.json) so stages can be re-run alone;
each run prints the table of everything measured so far (`table` prints it without running anything) and,
with --markdown FILE, writes it as Markdown. Run by hand; never by CI. Every loop is bounded: the load stops
when its credentials are spent or after --max-seconds.
"""

from __future__ import annotations

import os
import sys

# Run from anywhere: this folder comes off the import path (no script here may shadow a standard module) and
# the repository root goes on it (for benchmarks.platform_mailsink).
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

STAGES = ("setup", "import", "open", "load", "papers", "count")
CANDIDATES = ("Ada", "Bram", "Cleo", "Dev", "Esme")
TARGETS = {
    "import": ("members import", "s", None),
    "open": ("open ballot (roll + credentials)", "s", 60.0),
    "letters": ("print letters (mint postal credentials)", "s", None),
    "send": ("send credentials (mint + email, sink backend)", "s", None),
    "casts_per_s": ("casts over HTTP", "casts/s", 300.0),
    "p50": ("cast latency p50", "ms", None),
    "p99": ("cast latency p99", "ms", 250.0),
    "close_count": ("close + count", "s", 10.0),
}
LOWER_IS_BETTER = {"import", "open", "letters", "send", "p50", "p99", "close_count"}


# Environment -------------------------------------------------------------------------------------------------


def server_env(opts: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "OMOV_DATABASE_URL": opts.database_url,
            "OMOV_SECRET_KEY": "benchmark-only-not-secret-" + "p" * 40,
            "OMOV_ALLOWED_HOSTS": "127.0.0.1",
            "OMOV_SSL_REDIRECT": "0",
            "OMOV_DEBUG": "0",
            "OMOV_CELERY_EAGER": "1",
            "OMOV_EMAIL_BACKEND": "benchmarks.platform_mailsink.EmailBackend",
            "OMOV_BENCH_TOKENS": str(Path(opts.work) / "email-tokens.txt"),
            "OMOV_DATA_DIR": str(Path(opts.work) / "data"),
            "DJANGO_SETTINGS_MODULE": "omov.web.settings",
            "PYTHONPATH": _ROOT,
            # As in production (docs/deploy.md): Redis configured, so the rate limits count there.
            "OMOV_REDIS_URL": opts.redis_url,
        }
    )
    if opts.cache_url:
        env["OMOV_CACHE_URL"] = opts.cache_url
    return env


def django_setup(opts: argparse.Namespace) -> None:
    os.environ.update(server_env(opts))
    import django

    django.setup()


class Results:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}

    def put(self, key: str, value: float, detail: str = "") -> None:
        self.data[key] = {
            "value": value,
            "detail": detail,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load": round(os.getloadavg()[0], 1),  # the machine's load average when measured (2 cores here)
        }
        self.path.write_text(json.dumps(self.data, indent=1))


# Stages ------------------------------------------------------------------------------------------------------


def _bench() -> Any:
    """Who the stages act as: a trusted system actor named in the audit log (services refuse a plain string)."""
    from omov.core.actors import SystemActor

    return SystemActor("bench")


def stage_setup(opts: argparse.Namespace, results: Results) -> None:
    import psycopg

    name = opts.database_url.rsplit("/", 1)[1]
    admin_url = opts.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    for f in ("email-tokens.txt", "postal-tokens.txt"):
        (Path(opts.work) / f).unlink(missing_ok=True)
    results.data.clear()
    results.path.write_text("{}")
    django_setup(opts)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"setup: fresh database {name}, migrated")


def stage_import(opts: argparse.Namespace, results: Results) -> None:
    django_setup(opts)
    from omov.members.models import Organisation
    from omov.members.services import create_organisation, create_unit, import_members

    org = Organisation.objects.filter(slug="bench").first() or create_organisation(name="Bench", slug="bench")
    region = org.units.filter(code="R").first() or create_unit(organisation=org, code="R", name="Region", kind="region")
    codes = []
    for i in range(600):
        code = f"B{i:03d}"
        if not org.units.filter(code=code).exists():
            create_unit(organisation=org, code=code, name=f"Branch {i}", kind="branch", parent=region, audit=False)
        codes.append(code)
    rng = random.Random(7)
    path = Path(opts.work) / "members.csv"
    with path.open("w") as f:
        f.write("membership_number,name,email,unit,joined_on,status,category,arrears,gender,postal\n")
        for i in range(opts.members):
            postal = "yes" if i % 40 == 0 else "no"
            f.write(f"M{i:07d},Member {i},m{i}@example.org,{rng.choice(codes)},20{rng.randint(10, 24)}-"
                    f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},active,member,0,,{postal}\n")  # fmt: skip
    t = time.perf_counter()
    report = import_members(organisation=org, path=path, actor=_bench())
    seconds = time.perf_counter() - t
    if not report.ok:
        raise SystemExit(f"import failed: {report.describe()[:500]}")
    results.put("import", seconds, f"{report.created:,} members, {report.created / seconds:,.0f} rows/s")
    print(f"import: {report.created:,} members in {seconds:.1f}s")


def stage_open(opts: argparse.Namespace, results: Results) -> None:
    django_setup(opts)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from omov.ballots import services as bs
    from omov.members.models import Organisation

    org = Organisation.objects.get(slug="bench")
    User = get_user_model()
    officer = User.objects.filter(username="bench-ro").first() or User.objects.create_user("bench-ro", is_staff=True)
    now = timezone.now()
    ballot = bs.create_ballot(
        organisation=org, title=f"Bench ballot {now:%H:%M:%S}", method="irv", actor=_bench(),
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=2), returning_officers=[officer],
    )  # fmt: skip
    for name in CANDIDATES:
        bs.add_candidate(ballot=ballot, actor=_bench(), name=name)
    bs.mark_ready(ballot=ballot, actor=_bench())
    t = time.perf_counter()
    roll = bs.open_ballot(ballot=ballot, actor=_bench())
    seconds = time.perf_counter() - t
    results.put("open", seconds, f"{roll:,} voters + credential rows")
    results.put("ballot_id", ballot.pk)
    print(f"open: roll of {roll:,} in {seconds:.1f}s")

    t = time.perf_counter()
    letters = bs.print_letters(ballot=ballot, actor=_bench())
    seconds = time.perf_counter() - t
    tokens = [_token(letter.text) for letter in letters]
    (Path(opts.work) / "postal-tokens.txt").write_text("".join(x + "\n" for x in tokens))
    results.put("letters", seconds, f"{len(tokens):,} letters, {len(tokens) / seconds:,.0f}/s")
    print(f"letters: {len(tokens):,} in {seconds:.1f}s")

    if not opts.send:
        return
    sink = Path(opts.work) / "email-tokens.txt"
    sink.unlink(missing_ok=True)
    t = time.perf_counter()
    delivery = bs.send_credentials(ballot=ballot, actor=_bench())
    seconds = time.perf_counter() - t
    results.put("send", seconds, f"{delivery.sent:,} emails, {delivery.sent / seconds:,.0f}/s")
    print(f"send: {delivery.sent:,} credentials in {seconds:.1f}s ({len(delivery.failed)} failed)")


def _token(text: str) -> str:
    from benchmarks.platform_mailsink import _TOKEN

    return _TOKEN.findall(text)[0]


def _paper(rng: random.Random) -> list[int]:
    order = list(range(1, len(CANDIDATES) + 1))
    rng.shuffle(order)
    return order[: rng.randint(1, len(order))]


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not become healthy in time")


def post_burst(
    *, port: int, path: str, items: Any, body: Any, concurrency: int, max_seconds: float, seed: int = 1
) -> tuple[list[float], dict[int, int], float]:
    """POST `body(item, rng)` (bytes, JSON) for each item from `concurrency` threads on keep-alive connections,
    until the items or `max_seconds` run out; latencies in seconds, counts by HTTP status (0: connection lost)."""
    lock = threading.Lock()
    todo = iter(items)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        rng = random.Random(seed * 1000 + threading.get_ident() % 1000)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        codes: dict[int, int] = {}
        while time.monotonic() < deadline:
            with lock:
                item = next(todo, None)
            if item is None:
                break
            data = body(item, rng)
            t = time.perf_counter()
            try:
                conn.request("POST", path, data, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine.append(time.perf_counter() - t)
            codes[status] = codes.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, statuses, time.perf_counter() - t0


def drive(
    *, port: int, ballot_id: int, tokens: list[str], concurrency: int, max_seconds: float, seed: int = 1
) -> tuple[list[float], dict[int, int], float]:
    """Cast one paper per token from `concurrency` threads (keep-alive connections); latencies in seconds."""
    return post_burst(
        port=port, path=f"/api/ballots/{ballot_id}/cast", items=tokens, concurrency=concurrency,
        max_seconds=max_seconds, seed=seed,
        body=lambda token, rng: json.dumps({"credential": token, "paper": _paper(rng)}).encode(),
    )  # fmt: skip


def _cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each of these processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _server_pids(group: int, database_url: str, conn: Any = None) -> tuple[list[int], list[int]]:
    """The gunicorn processes (one process group), and the PostgreSQL backends serving the benchmark database
    (asked on `conn` if given, else on a connection of its own)."""
    import psycopg

    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == group:
                    pids.append(int(entry.name))
            except OSError:
                continue
    query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    if conn is not None:
        return pids, [r[0] for r in conn.execute(query).fetchall()]
    with psycopg.connect(database_url, autocommit=True) as own:
        return pids, [r[0] for r in own.execute(query).fetchall()]


def _used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


class _Sampler(threading.Thread):
    """CPU seconds of the server's processes, read every half second during the run. The web processes (one
    process group) and their PostgreSQL backends are not fixed: Django closes a connection after CONN_MAX_AGE
    (60 s) and opens another, so a count taken only at the start and the end loses every backend that came and
    went in between (most of the database's work in a run of minutes). Each process keeps its last reading."""

    def __init__(self, group: int, database_url: str) -> None:
        super().__init__(daemon=True)
        self.group, self.database_url = group, database_url
        self.web: dict[int, float] = {}
        self.db: dict[int, float] = {}
        self.done = threading.Event()

    def read(self, conn: Any) -> None:
        web, db = _server_pids(self.group, self.database_url, conn)
        self.web.update(_cpu(web))
        self.db.update(_cpu(db))

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:  # one connection, not one a reading
            while not self.done.wait(0.5):
                self.read(conn)
            self.read(conn)

    def stop(self) -> None:
        self.done.set()
        self.join()


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def stage_load(opts: argparse.Namespace, results: Results) -> None:
    ballot_id = int(results.data["ballot_id"]["value"])
    tokens_file = Path(opts.work) / "postal-tokens.txt"
    used_file = Path(opts.work) / "postal-used.txt"
    used = set(used_file.read_text().split()) if used_file.exists() else set()
    tokens = [t for t in tokens_file.read_text().split() if t not in used]
    warm = min(opts.warmup, max(0, len(tokens) - opts.casts))
    if len(tokens) < opts.casts + warm:
        raise SystemExit(f"only {len(tokens)} unspent postal credentials left; run `setup import open` again")
    tokens = tokens[: warm + opts.casts]
    log = Path(opts.work) / "server.log"
    cmd = [sys.executable, "-m", "omov.cli", "serve", "--bind", f"127.0.0.1:{opts.port}",
           "--workers", str(opts.workers), "--threads", str(opts.threads)]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=server_env(opts), stdout=out, stderr=out, start_new_session=True)
    try:
        _wait_healthy(opts.port, proc)
        if warm:
            drive(port=opts.port, ballot_id=ballot_id, tokens=tokens[:warm], concurrency=opts.concurrency,
                  max_seconds=opts.max_seconds)  # fmt: skip
        web0, db0 = (_cpu(p) for p in _server_pids(proc.pid, opts.database_url))
        sampler = _Sampler(proc.pid, opts.database_url)
        sampler.start()
        cpu0 = os.times()
        latencies, statuses, wall = drive(
            port=opts.port, ballot_id=ballot_id, tokens=tokens[warm:], concurrency=opts.concurrency,
            max_seconds=opts.max_seconds,
        )  # fmt: skip
        cpu1 = os.times()
        sampler.stop()
        web_cpu, db_cpu = _used(web0, sampler.web), _used(db0, sampler.db)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    with used_file.open("a") as f:
        f.write("".join(t + "\n" for t in tokens))
    ok = statuses.get(200, 0)
    latencies.sort()
    p50, p99 = _percentile(latencies, 0.50) * 1000, _percentile(latencies, 0.99) * 1000
    driver_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    counters = "database table" if opts.cache_url == "database" else "Redis"
    config = f"{opts.workers} workers x {opts.threads} threads, {opts.concurrency} clients, rate limits in {counters}"
    n = max(1, len(latencies))
    detail = (f"{ok:,}/{len(latencies):,} stored (HTTP {statuses}) in {wall:.1f}s; {config}; CPU a cast: "
              f"gunicorn {1000 * web_cpu / n:.1f} ms, PostgreSQL {1000 * db_cpu / n:.1f} ms, "
              f"driver {1000 * driver_cpu / n:.1f} ms")
    results.put("casts_per_s", ok / wall, detail)
    results.put("p50", p50, config)
    results.put("p99", p99, config)
    print(f"load: {detail}; {ok / wall:,.0f} casts/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def stage_papers(opts: argparse.Namespace, results: Results) -> None:
    """Bring the ballot to one paper per voter for `count`, written in bulk (COPY) continuing the hash chain.

    Not a measurement: casting 490,000 more papers one request at a time would take longer than the whole
    benchmark. The rows are what `services.cast` stores (canonical bytes, tracker, chain link), the voters
    and credentials are marked as voted and spent, so close and count see a realistic ballot.
    """
    django_setup(opts)
    import secrets

    from django.db import connection, transaction

    from omov.audit.chain import link_hash
    from omov.audit.models import ChainHead
    from omov.ballots.models import Ballot, Paper
    from omov.ballots.papers import paper_bytes, tracker_code
    from omov.ballots.services import paper_chain_name

    ballot = Ballot.objects.get(pk=int(results.data["ballot_id"]["value"]))
    chain = paper_chain_name(ballot.pk)
    rng = random.Random(11)
    t = time.perf_counter()
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(name=chain)
        want = max(0, opts.members - head.position)
        position, previous = head.position, head.head_hash
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                "COPY ballots_paper (id, ballot_id, position, content, tracker, previous_hash, entry_hash) FROM STDIN"
            ) as copy:
                for _ in range(want):
                    nonce = secrets.token_hex(16)
                    choices = tuple(_paper(rng))
                    content = paper_bytes(ballot_public_id=str(ballot.public_id), nonce=nonce, choices=choices,
                                          ranked=True)  # fmt: skip
                    tracker = tracker_code(content)
                    position += 1
                    entry = link_hash(chain, previous, position, tracker.encode("ascii"))
                    copy.write_row((nonce, ballot.pk, position, content, tracker, previous, entry))
                    previous = entry
            for table, column in (("ballots_voter", "voted"), ("ballots_credential", "spent")):
                cursor.execute(
                    f"UPDATE {table} SET {column} = TRUE WHERE id IN "
                    f"(SELECT id FROM {table} WHERE ballot_id = %s AND NOT {column} ORDER BY id LIMIT %s)",
                    [ballot.pk, want],
                )
        ChainHead.objects.filter(name=chain).update(position=position, head_hash=previous)
    # What autovacuum does in production during a ballot's weeks of voting (it is off on this test server):
    # without it, close_ballot's rewrite of the roll wades through the dead rows the bulk update just left.
    import psycopg

    with psycopg.connect(opts.database_url, autocommit=True) as conn:
        for table in ("ballots_voter", "ballots_credential", "ballots_paper"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    total = Paper.objects.filter(ballot=ballot).count()
    print(f"papers: wrote {want:,} and vacuumed in {time.perf_counter() - t:.0f}s (not a measurement); "
          f"the ballot holds {total:,}")


def stage_count(opts: argparse.Namespace, results: Results) -> None:
    django_setup(opts)
    from omov.ballots import services as bs
    from omov.ballots.models import Ballot

    ballot = Ballot.objects.get(pk=int(results.data["ballot_id"]["value"]))
    t = time.perf_counter()
    bs.close_ballot(ballot=ballot, actor=_bench(), early=True)  # the bench closes before its advertised time
    closed = time.perf_counter() - t
    result = bs.count_ballot(ballot=ballot, actor=_bench())
    seconds = time.perf_counter() - t
    detail = f"{result.papers:,} papers; close {closed:.2f}s, count {seconds - closed:.1f}s; elected {result.elected}"
    results.put("close_count", seconds, detail)
    print(f"count: {detail}")


# Report ------------------------------------------------------------------------------------------------------


def machine() -> str:
    import platform

    load = os.getloadavg()
    return (f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
            f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip


def rows(results: Results) -> list[tuple[str, str, str, str, str]]:
    out = []
    for key, (label, unit, target) in TARGETS.items():
        entry = results.data.get(key)
        if entry is None:
            continue
        value = float(entry["value"])
        shown = f"{value:,.0f}" if unit == "casts/s" else f"{value:,.1f}"
        if target is None:
            verdict, goal = "", "-"
        else:
            met = value <= target if key in LOWER_IS_BETTER else value >= target
            verdict = "met" if met else "MISSED"
            goal = f"{'<' if key in LOWER_IS_BETTER else '>='} {target:,.0f}"
        load = f" (load {entry['load']})" if "load" in entry else ""
        out.append((label, f"{shown} {unit}", goal, verdict, entry["detail"] + load))
    return out


def print_table(results: Results, markdown: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="omov platform on PostgreSQL")
    for col in ("measure", "result", "target", "", "detail"):
        table.add_column(col, overflow="fold")
    for row in rows(results):
        table.add_row(*row)
    Console().print(table)
    print(machine())
    if markdown:
        lines = ["| measure | result | target | | detail |", "|---|---:|---:|---|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows(results)]
        Path(markdown).write_text("\n".join(lines) + "\n\n" + machine() + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stages", nargs="+", choices=(*STAGES, "all", "table"))
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/omov_platform_bench")
    parser.add_argument("--work", default="/tmp/omov-platform-bench")
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--casts", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=500, help="casts before the measured ones (not counted)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (one a core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--max-seconds", type=float, default=300, help="the load stops after this, done or not")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0",
                        help="OMOV_REDIS_URL of the server, as in production: where the rate limits count")
    parser.add_argument("--cache-url", default="",
                        help="OMOV_CACHE_URL of the server: 'database' counts rate limits in the database table")
    parser.add_argument("--send", action="store_true", help="open: also email every email voter a credential")
    parser.add_argument("--markdown", help="also write the table as Markdown to this file")
    opts = parser.parse_args()
    if not opts.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("this benchmark needs PostgreSQL")
    Path(opts.work).mkdir(parents=True, exist_ok=True)
    results = Results(Path(opts.work) / "results.json")
    stages = STAGES if "all" in opts.stages else [s for s in STAGES if s in opts.stages]
    for stage in stages:
        globals()[f"stage_{stage}"](opts, results)
    print_table(results, opts.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
