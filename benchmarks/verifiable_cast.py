"""Measure casting encrypted papers (verifiable ballots, docs/verifiable.md) on PostgreSQL, beside plain casts.

    .venv/bin/python benchmarks/verifiable_cast.py all                # setup import open papers service load
    .venv/bin/python benchmarks/verifiable_cast.py service load       # or any stages, in this order:

    setup    drop and recreate the throwaway database (default omov_vbbench on 127.0.0.1:5432), migrate
    import   --members members (benchmarks/platform_load.py's import: CSV, omov.members)
    open     two ballots over everyone, both IRV with ten candidates: a verifiable one (server-mode credentials;
             three trustees, two needed, their ceremony run by omov.crypto here, as `omov trustee` would) and a
             plain one; a letter printed for every voter of each (the voting tokens, kept in --work)
    papers   every verifiable voter's paper sealed in advance, as the booth does in the browser (Python crypto
             playing omov-crypto.js, both cores): a random ranking encrypted, proved and signed (papers.jsonl)
    service  the service layer in this process: --service-casts casts of each kind from --concurrency threads,
             each with its own database connection; `cast_encrypted` (every check of the ballot box: proofs of
             randomness, signature, tracker, the board; then the chain) beside `cast`
    load     `omov serve` (gunicorn, production settings as in platform_load.py) and --casts casts of each kind
             over HTTP from --concurrency keep-alive client threads: encrypted papers through POST
             /api/ballots/<id>/cast-encrypted (JSON {"credential", "cast"}: one request, no page), and, where the
             booth's page exists (omov/ballots/verifiable_views.py), through its form too (POST
             /ballots/<id>/vote/ with the sealed paper's JSON in `cast` and the token in `credential`, answered
             by the receipt page: what the browser sends today); plain ones through POST /api/ballots/<id>/cast
             (as platform_load.py measures). Casts/s, p50/p95/p99, CPU a cast (gunicorn, PostgreSQL).

Results accumulate in --work (default /tmp/omov-vbbench/results.json); every run prints the table of what is
measured so far (`table` prints it alone; --markdown FILE also writes it as Markdown). Run by hand, never by CI.
Every loop is bounded (tokens run out, or --max-seconds).
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks import platform_load as pl  # noqa: E402

STAGES = ("setup", "import", "open", "papers", "service", "load")
CANDIDATES = tuple(f"Candidate {c}" for c in "ABCDEFGHIJ")
TRUSTEES = ("Tia", "Tom", "Tess")
# key: (label, unit, target, lower is better)
TARGETS: dict[str, tuple[str, str, float | None, bool]] = {
    "open": ("open verifiable ballot (roll, tokens, keys, parameters)", "s", None, True),
    "seal": ("seal a paper (booth's work, Python, one core)", "ms", None, True),
    "svc_enc": ("cast_encrypted, service layer", "casts/s", None, False),
    "svc_enc_p99": ("cast_encrypted, service layer, p99", "ms", None, True),
    "svc_plain": ("cast (plain), service layer", "casts/s", None, False),
    "svc_plain_p99": ("cast (plain), service layer, p99", "ms", None, True),
    "http_enc": ("encrypted casts over HTTP (JSON API)", "casts/s", 300.0, False),
    "http_enc_p50": ("encrypted cast latency p50", "ms", None, True),
    "http_enc_p95": ("encrypted cast latency p95", "ms", None, True),
    "http_enc_p99": ("encrypted cast latency p99", "ms", 250.0, True),
    "http_booth": ("encrypted casts over HTTP (booth's form, receipt page)", "casts/s", None, False),
    "http_booth_p50": ("booth form latency p50", "ms", None, True),
    "http_booth_p95": ("booth form latency p95", "ms", None, True),
    "http_booth_p99": ("booth form latency p99", "ms", None, True),
    "http_plain": ("plain casts over HTTP (JSON API)", "casts/s", None, False),
    "http_plain_p50": ("plain cast latency p50", "ms", None, True),
    "http_plain_p95": ("plain cast latency p95", "ms", None, True),
    "http_plain_p99": ("plain cast latency p99", "ms", None, True),
}


def work(opts: argparse.Namespace, name: str) -> Path:
    return Path(opts.work) / name


def _bench() -> Any:
    from omov.core.actors import SystemActor

    return SystemActor("bench")


def letters_tokens(letters: list[Any]) -> list[str]:
    from benchmarks.platform_mailsink import _TOKEN

    return [_TOKEN.findall(letter.text)[0] for letter in letters]


# Stages -------------------------------------------------------------------------------------------------------


def stage_setup(opts: argparse.Namespace, results: pl.Results) -> None:
    for f in ("enc-tokens.txt", "plain-tokens.txt", "papers.jsonl", "used.txt", "trustees.json"):
        work(opts, f).unlink(missing_ok=True)
    pl.stage_setup(opts, results)


def stage_import(opts: argparse.Namespace, results: pl.Results) -> None:
    pl.stage_import(opts, results)


def run_ceremony(ballot: Any, actor: Any) -> dict[int, Any]:
    """The trustees' key ceremony as `omov trustee init/share/combine` would run it on three machines, each
    public file uploaded to the platform (and checked there); the secrets stay here (the benchmark)."""
    from omov.ballots.models import Trustee
    from omov.ballots.verifiable import services as vsv
    from omov.crypto import trustees as tr
    from omov.crypto.encoding import canonical_json

    E, n, t = ballot.election_id, ballot.trustee_count, ballot.trustee_threshold
    rows = {x.number: x for x in Trustee.objects.filter(ballot=ballot)}
    started = {i: tr.init_trustee(E, i, n, t) for i in range(1, n + 1)}
    inits = [init for _, init in started.values()]
    for i, (_, init) in started.items():
        vsv.upload_trustee_file(ballot=ballot, trustee=rows[i], actor=actor, data=json.dumps(init))
    shares = {i: tr.make_shares(secret, inits) for i, (secret, _) in started.items()}
    for i, s in shares.items():
        vsv.upload_trustee_file(ballot=ballot, trustee=rows[i], actor=actor, data=s)
    secrets = {}
    for i, (secret, _) in started.items():
        combined = tr.combine(secret, inits, list(shares.values()))
        vsv.upload_trustee_file(ballot=ballot, trustee=rows[i], actor=actor, data=canonical_json(combined))
        secrets[i] = secret
    return secrets


def _officer() -> Any:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(username="bench-ro").first() or User.objects.create_user("bench-ro", is_staff=True)


def open_verifiable(opts: argparse.Namespace, results: pl.Results, *, title: str, mix_count: int = 2) -> Any:
    """A verifiable IRV ballot of ten candidates over the whole organisation, opened, every token printed."""
    from django.utils import timezone

    from omov.ballots import services as bs
    from omov.ballots.verifiable import services as vsv
    from omov.members.models import Organisation

    org = Organisation.objects.get(slug="bench")
    now = timezone.now()
    ballot = bs.create_ballot(
        organisation=org,
        title=f"{title} {now:%H:%M:%S}",
        method="irv",
        actor=_bench(),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        returning_officers=[_officer()],
    )
    for name in CANDIDATES:
        bs.add_candidate(ballot=ballot, actor=_bench(), name=name)
    vsv.set_verifiable(ballot=ballot, actor=_bench(), verifiable=True, trustees=list(TRUSTEES), threshold=2,
                       mix_count=mix_count)  # fmt: skip
    secrets = run_ceremony(ballot, _bench())
    bs.mark_ready(ballot=ballot, actor=_bench())
    t = time.perf_counter()
    roll = bs.open_ballot(ballot=ballot, actor=_bench())
    seconds = time.perf_counter() - t
    results.put("open", seconds, f"{roll:,} voters: roll, tokens minted, credential keys listed, parameters fixed")
    letters = bs.print_letters(ballot=ballot, actor=_bench(), reprint_failed_email=True)
    tokens = letters_tokens(letters)
    work(opts, "trustees.json").write_text(json.dumps({str(i): s.to_json() for i, s in secrets.items()}))
    print(f"open: verifiable ballot {ballot.pk}, roll of {roll:,} in {seconds:.1f}s; {len(tokens):,} tokens")
    ballot.refresh_from_db()
    return ballot, tokens


def stage_open(opts: argparse.Namespace, results: pl.Results) -> None:
    pl.django_setup(opts)
    from django.utils import timezone

    from omov.ballots import services as bs
    from omov.members.models import Organisation

    ballot, tokens = open_verifiable(opts, results, title="Verifiable bench")
    results.put("ballot_enc", ballot.pk)
    work(opts, "enc-tokens.txt").write_text("".join(x + "\n" for x in tokens))
    org = Organisation.objects.get(slug="bench")
    now = timezone.now()
    plain = bs.create_ballot(
        organisation=org,
        title=f"Plain bench {now:%H:%M:%S}",
        method="irv",
        actor=_bench(),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        returning_officers=[_officer()],
    )
    for name in CANDIDATES:
        bs.add_candidate(ballot=plain, actor=_bench(), name=name)
    bs.mark_ready(ballot=plain, actor=_bench())
    bs.open_ballot(ballot=plain, actor=_bench())
    plain_tokens = letters_tokens(bs.print_letters(ballot=plain, actor=_bench(), reprint_failed_email=True))
    results.put("ballot_plain", plain.pk)
    work(opts, "plain-tokens.txt").write_text("".join(x + "\n" for x in plain_tokens))
    print(f"open: plain ballot {plain.pk}, {len(plain_tokens):,} tokens")


def _seal_job(job: tuple[dict[str, Any], list[str], int]) -> list[str]:
    """Seal papers in a worker process: (booth parameters, tokens, seed) -> JSON lines {credential, cast}."""
    from omov.crypto import credentials as cr

    params, tokens, seed = job
    rng = random.Random(seed)
    k = params["candidates"]
    out = []
    for token in tokens:
        ranking = rng.sample(range(k), rng.randint(1, k))
        sealed = cr.encrypt_ranked(
            election=params["election"],
            fingerprint=params["fingerprint"],
            public_key=params["publicKey"],
            candidates=k,
            ranking=ranking,
            code=token,
        )
        out.append(json.dumps({"credential": token, "cast": sealed.cast}, separators=(",", ":")))
    return out


def seal_papers(params: dict[str, Any], tokens: list[str], path: Path, processes: int = 2) -> float:
    """Every token's paper sealed (both cores); returns the seconds a paper took on one core."""
    chunk = 500
    jobs = [(params, tokens[i : i + chunk], i) for i in range(0, len(tokens), chunk)]
    t = time.perf_counter()
    cpu0 = _children_cpu()
    with multiprocessing.get_context("fork").Pool(processes) as pool, path.open("w") as out:
        for lines in pool.imap(_seal_job, jobs):
            out.write("".join(line + "\n" for line in lines))
    wall = time.perf_counter() - t
    per_paper = (_children_cpu() - cpu0) / max(1, len(tokens))
    print(f"papers: {len(tokens):,} sealed in {wall:.1f}s ({processes} processes)")
    return per_paper


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def stage_papers(opts: argparse.Namespace, results: pl.Results) -> None:
    pl.django_setup(opts)
    from omov.ballots.models import Ballot
    from omov.ballots.verifiable import selectors as vs

    ballot = Ballot.objects.get(pk=int(results.data["ballot_enc"]["value"]))
    params = vs.booth_parameters(ballot=ballot)
    tokens = work(opts, "enc-tokens.txt").read_text().split()
    per = seal_papers(params, tokens, work(opts, "papers.jsonl"))
    results.put("seal", per * 1000, f"{len(tokens):,} papers of {params['candidates']} candidates, CPU a paper")


# Measuring ----------------------------------------------------------------------------------------------------


def _unused(opts: argparse.Namespace, items: list[str], n: int, what: str) -> list[str]:
    used_file = work(opts, "used.txt")
    used = set(used_file.read_text().split()) if used_file.exists() else set()
    left = [x for x in items if x.split("\t", 1)[0] not in used]
    if len(left) < n:
        raise SystemExit(f"only {len(left):,} unspent {what} tokens left; run `setup import open papers` again")
    return left[:n]


def _mark_used(opts: argparse.Namespace, tokens: list[str]) -> None:
    with work(opts, "used.txt").open("a") as f:
        f.write("".join(t + "\n" for t in tokens))


def _papers(opts: argparse.Namespace, n: int) -> list[tuple[str, str]]:
    """n unspent (token, cast JSON text) pairs."""
    used_file = work(opts, "used.txt")
    used = set(used_file.read_text().split()) if used_file.exists() else set()
    out = []
    with work(opts, "papers.jsonl").open() as f:
        for line in f:
            item = json.loads(line)
            if item["credential"] not in used:
                out.append((item["credential"], json.dumps(item["cast"], separators=(",", ":"))))
                if len(out) == n:
                    break
    if len(out) < n:
        raise SystemExit(f"only {len(out):,} unspent sealed papers left; run `setup import open papers` again")
    return out


def _stats(latencies: list[float]) -> tuple[float, float, float]:
    s = sorted(latencies)
    return tuple(pl._percentile(s, q) * 1000 for q in (0.50, 0.95, 0.99))  # type: ignore[return-value]


def _threads(
    items: list[Any], concurrency: int, one: Any, max_seconds: float
) -> tuple[list[float], dict[str, int], float]:
    """Run one(item) for every item from `concurrency` threads; latencies (s), outcomes, wall time."""
    lock = threading.Lock()
    todo = iter(items)
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        from django.db import connection

        mine, codes = [], {}
        while time.monotonic() < deadline:
            with lock:
                item = next(todo, None)
            if item is None:
                break
            t = time.perf_counter()
            try:
                one(item)
                outcome = "ok"
            except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
                outcome = f"{type(exc).__name__}: {str(exc)[:80]}"
            mine.append(time.perf_counter() - t)
            codes[outcome] = codes.get(outcome, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for k, v in codes.items():
                outcomes[k] = outcomes.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, outcomes, time.perf_counter() - t0


def stage_service(opts: argparse.Namespace, results: pl.Results) -> None:
    pl.django_setup(opts)
    from omov.ballots import services as bs
    from omov.ballots.verifiable import services as vsv

    enc_id = int(results.data["ballot_enc"]["value"])
    plain_id = int(results.data["ballot_plain"]["value"])
    n = opts.service_casts
    papers = _papers(opts, n + opts.warmup)
    plain = _unused(opts, work(opts, "plain-tokens.txt").read_text().split(), n + opts.warmup, "plain")
    rng = random.Random(3)

    def enc(item: tuple[str, str]) -> None:
        vsv.cast_encrypted(credential=item[0], cast=item[1], ballot_id=enc_id)

    def one_plain(token: str) -> None:
        bs.cast(credential=token, paper=rng.sample(range(1, 11), rng.randint(1, 10)), ballot_id=plain_id)

    for key, items, fn in (("svc_enc", papers, enc), ("svc_plain", plain, one_plain)):
        warm, measured = items[: opts.warmup], items[opts.warmup :]
        _threads(warm, opts.concurrency, fn, opts.max_seconds)
        cpu0 = os.times()
        latencies, outcomes, wall = _threads(measured, opts.concurrency, fn, opts.max_seconds)
        cpu1 = os.times()
        _mark_used(opts, [x[0] if isinstance(x, tuple) else x for x in items])
        ok = outcomes.get("ok", 0)
        p50, p95, p99 = _stats(latencies)
        cpu = ((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)) / max(1, len(latencies)) * 1000
        detail = (
            f"{ok:,}/{len(latencies):,} stored {outcomes if len(outcomes) > 1 else ''} in {wall:.1f}s, "
            f"{opts.concurrency} threads; p50 {p50:.1f} ms, p95 {p95:.1f} ms; Python CPU a cast {cpu:.1f} ms"
        )
        results.put(key, ok / wall, detail)
        results.put(key + "_p99", p99, "")
        print(f"service {key}: {ok / wall:,.0f} casts/s, {detail}, p99 {p99:.1f} ms")


def drive_api(
    *, port: int, ballot_id: int, papers: list[tuple[str, str]], concurrency: int, max_seconds: float
) -> tuple[list[float], dict[int, int], float]:
    """POST each sealed paper to /api/ballots/<id>/cast-encrypted from `concurrency` keep-alive connections."""
    return pl.post_burst(
        port=port, path=f"/api/ballots/{ballot_id}/cast-encrypted", items=papers, concurrency=concurrency,
        max_seconds=max_seconds,
        body=lambda item, rng: ('{"credential":' + json.dumps(item[0]) + ',"cast":' + item[1] + "}").encode(),
    )  # fmt: skip


def drive_booth(
    *, port: int, ballot_id: int, papers: list[tuple[str, str]], concurrency: int, max_seconds: float
) -> tuple[list[float], dict[int, int], float]:
    """POST each sealed paper to the booth (/ballots/<id>/vote/, form fields `cast` and `credential`, as the
    booth page's form sends them) from `concurrency` keep-alive connections; each first GETs the page for its
    CSRF cookie, as a browser has it from showing the booth."""
    lock = threading.Lock()
    todo = iter(papers)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + max_seconds
    path = f"/ballots/{ballot_id}/vote/"

    def csrf(conn: http.client.HTTPConnection) -> str:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                return value.split(";", 1)[0].split("=", 1)[1]
        raise SystemExit(f"GET {path} gave no CSRF cookie (HTTP {response.status})")

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        token = csrf(conn)
        mine: list[float] = []
        codes: dict[int, int] = {}
        while time.monotonic() < deadline:
            with lock:
                item = next(todo, None)
            if item is None:
                break
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "credential": item[0], "cast": item[1]})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={token}",
                "Referer": f"http://127.0.0.1:{port}{path}",
            }
            t = time.perf_counter()
            try:
                conn.request("POST", path, body.encode(), headers)
                response = conn.getresponse()
                page = response.read()
                status = response.status
                if status == 200 and b"tracker" not in page.lower():
                    status = 299  # a page, but not the receipt
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


def stage_load(opts: argparse.Namespace, results: pl.Results) -> None:
    enc_id = int(results.data["ballot_enc"]["value"])
    plain_id = int(results.data["ballot_plain"]["value"])
    booth = (Path(_ROOT) / "omov/ballots/verifiable_views.py").exists() and not opts.skip_booth
    each = opts.casts + opts.warmup
    papers = _papers(opts, each * (2 if booth else 1))
    plain = _unused(opts, work(opts, "plain-tokens.txt").read_text().split(), each, "plain")
    log = work(opts, "server.log")
    cmd = [sys.executable, "-m", "omov.cli", "serve", "--bind", f"127.0.0.1:{opts.port}",
           "--workers", str(opts.workers), "--threads", str(opts.threads)]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=pl.server_env(opts), stdout=out, stderr=out, start_new_session=True)
    measured: dict[str, Any] = {}
    common = {"port": opts.port, "concurrency": opts.concurrency, "max_seconds": opts.max_seconds}
    try:
        pl._wait_healthy(opts.port, proc)
        runs: list[tuple[str, Any, list[Any]]] = [
            ("http_enc", lambda items: drive_api(ballot_id=enc_id, papers=items, **common), papers[:each]),
            ("http_plain", lambda items: pl.drive(ballot_id=plain_id, tokens=items, **common), plain),
        ]
        if booth:
            runs.append(("http_booth", lambda items: drive_booth(ballot_id=enc_id, papers=items, **common),
                         papers[each:]))  # fmt: skip
        for key, run, items in runs:
            if opts.warmup:
                run(items[: opts.warmup])
            web0, db0 = (pl._cpu(p) for p in pl._server_pids(proc.pid, opts.database_url))
            sampler = pl._Sampler(proc.pid, opts.database_url)
            sampler.start()
            latencies, statuses, wall = run(items[opts.warmup :])
            sampler.stop()
            _mark_used(opts, [x[0] if isinstance(x, tuple) else x for x in items])
            measured[key] = (latencies, statuses, wall, pl._used(web0, sampler.web), pl._used(db0, sampler.db))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    config = f"{opts.workers} workers x {opts.threads} threads, {opts.concurrency} clients"
    for key, (latencies, statuses, wall, web_cpu, db_cpu) in measured.items():
        ok = statuses.get(200, 0)
        n = max(1, len(latencies))
        p50, p95, p99 = _stats(latencies)
        detail = (
            f"{ok:,}/{len(latencies):,} stored (HTTP {statuses}) in {wall:.1f}s; {config}; CPU a cast: "
            f"gunicorn {1000 * web_cpu / n:.1f} ms, PostgreSQL {1000 * db_cpu / n:.1f} ms"
        )
        results.put(key, ok / wall, detail)
        results.put(key + "_p50", p50, "")
        results.put(key + "_p95", p95, "")
        results.put(key + "_p99", p99, "")
        print(f"load {key}: {ok / wall:,.0f} casts/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms; {detail}")


# Report -------------------------------------------------------------------------------------------------------


def rows(data: dict[str, Any], targets: dict[str, tuple[str, str, float | None, bool]]) -> list[list[str]]:
    out = []
    for key, (label, unit, target, lower) in targets.items():
        entry = data.get(key)
        if entry is None:
            continue
        value = float(entry["value"])
        shown = f"{value:,.0f}" if unit == "casts/s" else f"{value:,.1f}"
        if target is None:
            goal, verdict = "-", ""
        else:
            met = value <= target if lower else value >= target
            goal, verdict = f"{'<' if lower else '>='} {target:,.0f}", "met" if met else "MISSED"
        detail = entry.get("detail", "")
        detail += f" (load {entry['load']}, {entry['at'][:16]})" if "load" in entry else ""
        out.append([label, f"{shown} {unit}", goal, verdict, detail])
    return out


def print_table(title: str, data: dict[str, Any], targets: Any, markdown: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in ("measure", "result", "target", "", "detail"):
        table.add_column(col, overflow="fold")
    for row in rows(data, targets):
        table.add_row(*row)
    Console().print(table)
    print(pl.machine())
    if markdown:
        lines = ["| measure | result | target | | detail |", "|---|---:|---:|---|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows(data, targets)]
        Path(markdown).write_text("\n".join(lines) + "\n\n" + pl.machine() + "\n")


def common_arguments(parser: argparse.ArgumentParser, work_dir: str, members: int) -> None:
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/omov_vbbench")
    parser.add_argument("--work", default=work_dir)
    parser.add_argument("--members", type=int, default=members)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--cache-url", default="")
    parser.add_argument("--markdown", help="also write the table as Markdown to this file")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stages", nargs="+", choices=(*STAGES, "all", "table"))
    common_arguments(parser, "/tmp/omov-vbbench", 12_000)
    parser.add_argument("--casts", type=int, default=3_000, help="measured HTTP casts of each kind")
    parser.add_argument("--service-casts", type=int, default=2_000, help="measured service casts of each kind")
    parser.add_argument("--warmup", type=int, default=200, help="casts before the measured ones (not counted)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--skip-booth", action="store_true", help="load: leave out the booth's form")
    opts = parser.parse_args()
    Path(opts.work).mkdir(parents=True, exist_ok=True)
    results = pl.Results(Path(opts.work) / "results.json")
    stages = STAGES if "all" in opts.stages else [s for s in STAGES if s in opts.stages]
    for stage in stages:
        globals()[f"stage_{stage}"](opts, results)
    print_table("Encrypted casts (verifiable ballots) beside plain casts, PostgreSQL", results.data, TARGETS,
                opts.markdown)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
