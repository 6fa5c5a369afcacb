"""Measure the close of a verifiable ranked ballot (ten candidates) on PostgreSQL, step by step, and both verifiers.

    .venv/bin/python benchmarks/verifiable_close.py --papers 2000 10000        # after verifiable_cast.py's
                                                                               # setup and import (--members >= N)

For each N: a fresh verifiable IRV ballot of ten candidates over the organisation (2 of 3 trustees, two mixes),
N papers sealed as the booth does (Python crypto, both cores) and stored as cast_encrypted stores them (the rows
written in bulk: casting is measured by verifiable_cast.py), then, each step timed with the peak memory of the
process that ran it:

  close + server mix   close_ballot, whose job (inline here, as in the demo) mixes with a proof and checks it
  trustee mix          what `omov mix` does on the trustee's machine (mix_input -> run_mix, both cores)
  upload mix           upload_mix: the trustee's proof of shuffle checked by the server
  trustee decrypt      what `omov trustee decrypt-record` does on each of two trustees' machines (1 and 3)
  upload partials      upload_partials of trustee 1: N x 10 proofs checked
  upload partials + count   trustee 3's upload, whose count job (inline) combines and counts
  export record        export_record: the version-4 record written from the database
  omov verify          `python -m omov verify DIR` in its own process
  JS verifier          `node omov/web/static/omov/verify/cli.mjs DIR`, when that file exists

Results accumulate in --work/close.json; every run prints the table (--markdown FILE writes it too). Run by hand.
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
import json  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks import platform_load as pl  # noqa: E402
from benchmarks import verifiable_cast as vc  # noqa: E402

STEPS = ("seal", "store", "close_mix", "trustee_mix", "upload_mix", "decrypt", "upload_partials", "upload_count",
         "export", "verify_py", "verify_js")  # fmt: skip
LABELS = {
    "seal": "seal N papers (voters' devices; not part of the close)",
    "store": "store them (bulk; not part of the close)",
    "close_mix": "close + server mix (with its proof, checked)",
    "trustee_mix": "trustee's mix (`omov mix`, their machine)",
    "upload_mix": "upload mix (proof checked)",
    "decrypt": "trustee decrypts (`omov trustee decrypt-record`), each",
    "upload_partials": "upload partials, first trustee (proofs checked)",
    "upload_count": "upload partials, second trustee + combine + count",
    "export": "export record (v4)",
    "verify_py": "omov verify (Python)",
    "verify_js": "JS verifier (node cli.mjs)",
}
CLOSE_STEPS = ("close_mix", "trustee_mix", "upload_mix", "decrypt", "upload_partials", "upload_count")


def peak_mb() -> float:
    """This process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_now() -> float:
    """Processor seconds used so far by this process and its reaped children (the worker pools)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str, float]:
    """Run a command; its wall seconds, peak memory (MB: the command's own process, its VmHWM read from /proc
    while it runs; wait4's ru_maxrss would report this large process's, inherited at the fork), exit status,
    last output, and processor seconds (its own and its worker processes')."""
    import threading

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        status = Path(f"/proc/{proc.pid}/status")
        while not done.wait(0.05):
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            except (OSError, ValueError):
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert proc.stdout is not None
    out = proc.stdout.read()
    done.set()
    watcher.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t
    return seconds, peak[0], proc.returncode, out.decode(errors="replace")[-400:], usage.ru_utime + usage.ru_stime


def store_papers(ballot: Any, papers_file: Path) -> int:
    """The rows cast_encrypted writes for each sealed paper (Paper continuing the chain, its ciphertexts' `a` on
    the board, its key marked used, its token spent), in bulk."""
    from django.db import connection, transaction

    from omov.audit.chain import link_hash
    from omov.audit.models import ChainHead
    from omov.ballots.models import BoardComponent, Credential, CredentialKey, Paper
    from omov.ballots.papers import chain_name, credential_hash
    from omov.crypto.encoding import canonical_json

    chain = chain_name(ballot)
    n = 0
    with transaction.atomic(), connection.cursor() as cursor:
        head = ChainHead.objects.select_for_update().get(name=chain)
        position, previous = head.position, head.head_hash
        keys, tokens, components = [], [], []
        with cursor.cursor.copy(f"COPY {Paper._meta.db_table} (id, ballot_id, position, content, tracker, "
                                "previous_hash, entry_hash) FROM STDIN") as copy:  # fmt: skip
            for line in papers_file.open():
                item = json.loads(line)
                cast = item["cast"]
                position += 1
                entry = link_hash(chain, previous, position, cast["tracker"].encode("ascii"))
                copy.write_row((secrets.token_hex(16), ballot.pk, position, canonical_json(cast), cast["tracker"],
                                previous, entry))  # fmt: skip
                previous = entry
                keys.append(cast["credential"])
                tokens.append(credential_hash(item["credential"]))
                paper = bytes.fromhex(cast["paper"])
                components += [paper[i : i + 32].hex() for i in range(0, len(paper), 64)]
                n += 1
        ChainHead.objects.filter(name=chain).update(position=position, head_hash=previous)
        for i in range(0, len(keys), 5000):
            CredentialKey.objects.filter(ballot=ballot, key__in=keys[i : i + 5000]).update(used=True)
            Credential.objects.filter(token_hash__in=tokens[i : i + 5000]).update(spent=True)
        BoardComponent.objects.bulk_create([BoardComponent(ballot=ballot, value=v) for v in components],
                                           batch_size=5000)  # fmt: skip
    return n


def measure(opts: argparse.Namespace, n: int, results: dict[str, Any]) -> None:
    from omov.ballots import services as bs
    from omov.ballots.models import Ballot, Trustee
    from omov.ballots.verifiable import selectors as vs
    from omov.ballots.verifiable import services as vsv
    from omov.crypto import trustees as tr

    row: dict[str, Any] = {"at": pl.dt.datetime.now(pl.dt.UTC).isoformat(timespec="seconds")}
    loads = [os.getloadavg()[0]]

    mark = [cpu_now()]

    def put(step: str, seconds: float, mb: float, note: str = "", cpu: float | None = None) -> None:
        """A step's wall seconds, peak memory, and processor seconds (given for a command; else what this
        process and its worker pools used since the last step)."""
        now = cpu_now()
        used = now - mark[0] if cpu is None else cpu
        mark[0] = now
        row[step] = {"s": round(seconds, 2), "mb": round(mb), "note": note, "cpu": round(used, 2)}
        loads.append(os.getloadavg()[0])
        print(f"  N={n:,} {LABELS[step]}: {seconds:.1f}s, CPU {used:.1f}s, peak {mb:.0f} MB {note}", flush=True)

    presults = pl.Results(Path(opts.work) / "close-open.json")
    ballot, tokens = vc.open_verifiable(opts, presults, title=f"Close bench {n}")
    tokens = tokens[:n]
    if len(tokens) < n:
        raise SystemExit(f"the roll has {len(tokens):,} voters; import at least {n:,} members first")
    params = vs.booth_parameters(ballot=ballot)
    papers_file = Path(opts.work) / f"close-papers-{n}.jsonl"
    t = time.perf_counter()
    vc.seal_papers(params, tokens, papers_file, processes=opts.workers)
    put("seal", time.perf_counter() - t, peak_mb(), f"{opts.workers} processes")
    t = time.perf_counter()
    stored = store_papers(ballot, papers_file)
    put("store", time.perf_counter() - t, peak_mb(), f"{stored:,} papers")
    secrets_ = {int(i): tr.TrusteeSecret.from_json(s)
                for i, s in json.loads((Path(opts.work) / "trustees.json").read_text()).items()}  # fmt: skip
    trustees = {x.number: x for x in Trustee.objects.filter(ballot=ballot)}

    t = time.perf_counter()
    bs.close_ballot(ballot=ballot, actor=vc._bench(), early=True)
    put("close_mix", time.perf_counter() - t, peak_mb())
    ballot = Ballot.objects.get(pk=ballot.pk)
    mix_in = Path(opts.work) / "mix-input.json"
    mix_in.write_text(json.dumps(vsv.mix_input(ballot=ballot)))
    mix_out = Path(opts.work) / "mix-out.json"
    seconds, mb, status, out, cpu = run_child([sys.executable, "-m", "omov.cli", "mix", "--input", str(mix_in), "--out",
                                          str(mix_out), "--name", "trustee", "--workers", str(opts.workers)],
                                         env=_env())  # fmt: skip
    if status:
        raise SystemExit(f"omov mix failed: {out}")
    put("trustee_mix", seconds, mb, f"{opts.workers} processes", cpu)
    t = time.perf_counter()
    vsv.upload_mix(ballot=ballot, trustee=trustees[2], actor=vc._bench(), data=mix_out.read_bytes())
    put("upload_mix", time.perf_counter() - t, peak_mb())
    dec_in = Path(opts.work) / "decryption-input.json"
    dec_in.write_text(json.dumps(vsv.decryption_input(ballot=ballot)))
    partials = {}
    worst, worst_cpu = 0.0, 0.0
    for number in (1, 3):
        secret_file = Path(opts.work) / f"trustee-{number}.secret.json"
        secret_file.write_text(json.dumps(secrets_[number].to_json()))
        secret_file.chmod(0o600)
        out_file = Path(opts.work) / f"partials-{number}.json"
        command = [sys.executable, "-m", "omov.cli", "trustee", "decrypt-record", "--secret", str(secret_file),
                   "--input", str(dec_in), "--out", str(out_file), "--workers", str(opts.workers)]  # fmt: skip
        seconds, mb, status, out, cpu = run_child(command, env=_env())
        if status:
            raise SystemExit(f"omov trustee decrypt-record failed: {out}")
        worst, worst_cpu = max(worst, seconds), max(worst_cpu, cpu)
        partials[number] = out_file.read_bytes()
    put("decrypt", worst, mb, "slower of the two", worst_cpu)
    t = time.perf_counter()
    vsv.upload_partials(ballot=ballot, trustee=trustees[1], actor=vc._bench(), data=partials[1])
    put("upload_partials", time.perf_counter() - t, peak_mb())
    t = time.perf_counter()
    vsv.upload_partials(ballot=ballot, trustee=trustees[3], actor=vc._bench(), data=partials[3])
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.state != "counted":
        raise SystemExit(f"the ballot is {ballot.state} after the decryptions, not counted (see its jobs)")
    put("upload_count", time.perf_counter() - t, peak_mb())
    bs.publish_result(ballot=ballot, actor=vc._bench())
    record = Path(opts.work) / f"record-{n}"
    shutil.rmtree(record, ignore_errors=True)
    t = time.perf_counter()
    vsv.export_record(ballot=ballot, directory=record, actor=vc._bench())
    put("export", time.perf_counter() - t, peak_mb())
    if not opts.skip_py:
        seconds, mb, status, out, cpu = run_child([sys.executable, "-m", "omov.cli", "verify", str(record)], env=_env())
        put("verify_py", seconds, mb, "passed" if status == 0 else f"FAILED: {out}", cpu)
    cli = Path(_ROOT) / "omov/web/static/omov/verify/cli.mjs"
    if cli.exists() and shutil.which("node") and not opts.skip_js:
        seconds, mb, status, out, cpu = run_child(["node", str(cli), str(record)])
        put("verify_js", seconds, mb, "passed" if status == 0 else f"FAILED: {out}", cpu)
    row["close_total"] = round(sum(row[s]["s"] for s in CLOSE_STEPS), 1)
    row["close_cpu"] = round(sum(row[s]["cpu"] for s in CLOSE_STEPS), 1)
    row["load"] = f"{min(loads):.1f}-{max(loads):.1f}"
    results[str(n)] = row
    print(
        f"N={n:,}: the close (mixes, decryptions, count) took {row['close_total']:.0f}s, "
        f"{row['close_cpu']:.0f} processor seconds",
        flush=True,
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = _ROOT
    return env


def table(results: dict[str, Any], markdown: str | None) -> None:
    sizes = sorted(results, key=int)
    head = ["step"] + [f"N = {int(n):,}" for n in sizes]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * len(sizes) + "|"]
    for step in (*STEPS, "close_total", "close_cpu"):
        cells = []
        for n in sizes:
            entry = results[n].get(step)
            if entry is None:
                cells.append("-")
            elif step in ("close_total", "close_cpu"):
                cells.append(f"**{entry:,.0f} s**")
            else:
                failed = " " + entry["note"] if entry["note"].startswith("FAILED") else ""
                cells.append(f"{entry['s']:,.1f} s (CPU {entry.get('cpu', 0):,.1f} s), {entry['mb']:,} MB{failed}")
        label = {
            "close_total": "the close: mixes + decryptions + count (wall)",
            "close_cpu": "the close: processor seconds (all processes of the steps above)",
        }.get(step) or LABELS[step]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    lines.append("| load average during the run | " + " | ".join(results[n].get("load", "-") for n in sizes) + " |")
    text = "\n".join(lines) + "\n\n" + pl.machine() + "\n"
    print(text)
    if markdown:
        Path(markdown).write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    vc.common_arguments(parser, "/tmp/omov-vbbench", 12_000)
    parser.add_argument("--papers", type=int, nargs="*", default=[2_000], help="sizes to measure, in order")
    parser.add_argument("--workers", type=int, default=2, help="processes for sealing and the trustee's mix")
    parser.add_argument("--skip-js", action="store_true", help="leave out the JavaScript verifier")
    parser.add_argument("--skip-py", action="store_true", help="leave out omov verify")
    parser.add_argument("--table", action="store_true", help="print the table of what is measured, nothing else")
    opts = parser.parse_args()
    path = Path(opts.work) / "close.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if not opts.table:
        pl.django_setup(opts)
        for n in opts.papers:
            measure(opts, n, results)
            path.write_text(json.dumps(results, indent=1))
    table(results, opts.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
