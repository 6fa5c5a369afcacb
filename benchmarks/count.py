"""Counting benchmark: `omov count` beside peer libraries on the same BLT files, side by side, in one run.

    .venv/bin/python benchmarks/count.py                       # 10k, 100k and 1M papers (takes a while)
    .venv/bin/python benchmarks/count.py --quick               # 10k papers: check that everything runs
    .venv/bin/python benchmarks/count.py --ten-million         # also 10M papers (peers only where they can finish)
    .venv/bin/python benchmarks/count.py --markdown /tmp/count.md

Run by hand, never by CI. For each size it draws seeded papers for one election (12 candidates, 3 seats;
candidates' popularity varies, each paper ranks candidates by a Plackett-Luce draw and stops at a random length),
writes them as a BLT file with one paper a line, as a cast-vote record would list them, and then measures, each
in a fresh process:

* whole process: the wall-clock seconds of the command, from start to exit, and its CPU seconds and peak resident
  memory (os.wait4's ru_maxrss of that child). For omov this is `python -m omov.cli count FILE --rule RULE`,
  printing the count sheet; for a peer it is benchmarks/count_peer.py, which reads the BLT file for the library
  (none of them reads BLT), builds its objects and counts.
* count: the seconds of the count alone, the file already read (measured inside a second run of each).

Peers (pyrankvote, pref_voting, votekit) run in their own virtual environment, benchmarks/.venv-peers, which this
script creates and fills on first use: they are never omov's dependencies. RCTab (a Java application) is not
measured: it is published only as a download from GitHub, which this machine cannot reach (see
docs/performance.md). A peer whose time at one size, scaled linearly, would pass --peer-limit at the next is not
run there; the table says so. IRV counts are single-seat; every IRV row counts the same papers for one seat.
"""

from __future__ import annotations

import os
import sys

# Never let the other scripts in this folder shadow a standard module.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PEERS_VENV = ROOT / "benchmarks" / ".venv-peers"
PEER_SCRIPT = ROOT / "benchmarks" / "count_peer.py"
PEER_PACKAGES = ("pyrankvote>=2.0,<3", "votekit>=3,<4", "pref_voting>=1.14,<2")
CANDIDATES, SEATS = 12, 3
OMOV = (("irv", "IRV"), ("ers97", "STV"), ("scottish", "STV"), ("meek", "STV"))
PEERS = (
    ("pyrankvote", "irv", "IRV"),
    ("pref_voting", "irv", "IRV"),
    ("votekit", "irv", "IRV"),
    ("pyrankvote", "stv", "STV"),
    ("votekit", "stv", "STV"),
    ("votekit", "faststv", "STV"),
)


# ---------------------------------------------------------------------------------------------------------
# the ballots


def draw_papers(papers: int, ncand: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded papers: (papers x ncand) preference orders (0-based) and how many preferences each paper gives."""
    rng = np.random.default_rng(seed)
    popularity = np.random.default_rng(1).dirichlet(np.full(ncand, 0.8)) + 0.005  # the same field every chunk
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(papers, ncand))  # Plackett-Luce by Gumbel-max
    order = np.argsort(-keys, axis=1).astype(np.int16)
    lengths = np.minimum(ncand, rng.geometric(0.3, size=papers) + rng.integers(0, 2, size=papers))
    full = rng.random(papers) < 0.05  # some voters rank everybody
    lengths[full] = ncand
    return order, lengths


def write_blt(path: Path, papers: int, ncand: int, seats: int, chunk: int = 1_000_000) -> None:
    """One paper a line ("1 3 1 4 0"), drawn a million at a time (so 10M papers fit in memory)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{ncand} {seats}\n")
        for i, start in enumerate(range(0, papers, chunk)):
            n = min(chunk, papers - start)
            order, lengths = draw_papers(n, ncand, seed=1000 + i)
            padded = np.where(np.arange(ncand)[None, :] < lengths[:, None], order + 1, 0).astype(np.int16)
            uniq, inverse = np.unique(padded, axis=0, return_inverse=True)
            text = np.array(["1 " + "".join(f"{c} " for c in row if c) + "0" for row in uniq.tolist()], dtype=object)
            fh.write("\n".join(text[inverse.reshape(-1)].tolist()))
            fh.write("\n")
        fh.write("0\n")
        fh.writelines(f'"Candidate {i + 1}"\n' for i in range(ncand))
        fh.write(f'"Benchmark, {papers:,} papers"\n')


# ---------------------------------------------------------------------------------------------------------
# the runs


@dataclass
class Run:
    wall: float | None = None  # None: did not finish (see note)
    cpu: float = 0.0
    peak_mb: float = 0.0
    out: str = ""
    note: str = ""


GNU_TIME = "/usr/bin/time"


def run(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> Run:
    """Run a command to its end: wall seconds, and the child's CPU seconds and peak memory.

    The child is started by GNU time, which forks it from its own small process and reports its rusage: a child
    started from this process would inherit this process's peak memory in its ru_maxrss (Linux keeps the
    high-water mark across the exec). Without GNU time, os.wait4's figures are given, peak memory flattering
    nobody (it is at least this process's).
    """
    with tempfile.NamedTemporaryFile() as usage_file, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        timed = os.path.exists(GNU_TIME)
        argv = [GNU_TIME, "-q", "-f", "%U %S %M", "-o", usage_file.name, *cmd] if timed else cmd
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, dict(os.environ if env is None else env), file_actions=actions,
                             setpgroup=0)  # a group of its own, so that a timeout stops GNU time's child too
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.perf_counter() - start > timeout:
                os.killpg(pid, 9)
                os.wait4(pid, 0)
                return Run(note=f"did not finish in {timeout:.0f} s")
            time.sleep(0.002)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        why = (err.read().decode("utf-8", "replace").strip().splitlines() or [""])[-1][:100]
        cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0
        if timed:
            fields = Path(usage_file.name).read_text().split()
            if len(fields) >= 3:
                cpu, peak = float(fields[-3]) + float(fields[-2]), int(fields[-1]) / 1024.0
    r = Run(wall, cpu, peak, text)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        r.wall, r.note = None, f"failed (exit {code}): {why}"
    return r


def best(runs: list[Run]) -> Run:
    done = [r for r in runs if r.wall is not None]
    return min(done, key=lambda r: r.wall or 0.0) if done else runs[0]


def child_env() -> dict[str, str]:
    """Every measured process's environment: this one's, but Python may keep compiled modules (.pyc), as an
    installed package does (with PYTHONDONTWRITEBYTECODE set, every run compiles omov's and the peers' sources
    anew: about 0.07 s a run for omov). The first of the repeated runs writes them."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def omov_env() -> dict[str, str]:
    env = child_env()
    return {**env, "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")}


def count_only_child(path: str, method: str, seats: int) -> None:
    """In a fresh process: read the file, then count it, timing each (imports done beforehand)."""
    import importlib

    from omov.count import count
    from omov.count.engine import METHOD_MODULES
    from omov.count.formats import read_profile

    importlib.import_module(f"omov.count.methods.{METHOD_MODULES[method]}")
    t0 = time.perf_counter()
    profile = read_profile(path)
    t1 = time.perf_counter()
    result = count(profile, method, seats=seats, seed="benchmark")
    t2 = time.perf_counter()
    print(json.dumps({"read": t1 - t0, "count": t2 - t1, "elected": list(result.elected_names)}))


def ensure_peers(install: bool) -> Path | None:
    """The peers' interpreter, creating benchmarks/.venv-peers (and installing the peers) if need be."""
    python = PEERS_VENV / "bin" / "python"
    if python.exists():
        return python
    if not install:
        return None
    print(f"creating {PEERS_VENV} and installing {', '.join(PEER_PACKAGES)}...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return python


# ---------------------------------------------------------------------------------------------------------
# the table


@dataclass
class Row:
    papers: int
    tool: str
    method: str
    family: str
    whole: Run
    count: float | None = None
    elected: str = ""
    note: str = ""
    ratio: str = ""


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def measure(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    tmp = Path(tempfile.mkdtemp(prefix="omov-bench-"))
    peers = ensure_peers(not args.no_install) if not args.no_peers else None
    last: dict[tuple[str, str], tuple[int, float | None]] = {}  # a peer's previous size and whole-process time
    for n in args.sizes:
        blt = tmp / f"bench-{n}.blt"
        print(f"[{n:,}] writing {blt.name}...", file=sys.stderr)
        write_blt(blt, n, CANDIDATES, SEATS)
        print(f"[{n:,}] {blt.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
        for method, family in OMOV:
            seats = 1 if method == "irv" else SEATS
            print(f"[{n:,}] omov {method}", file=sys.stderr)
            cmd = [sys.executable, "-m", "omov.cli", "count", str(blt), "--rule", method, "--seats", str(seats),
                   "--seed", "benchmark", "--no-progress"]
            whole = best([run(cmd, args.omov_limit, omov_env()) for _ in range(args.repeat)])
            inner = run([sys.executable, __file__, "--child", str(blt), method, str(seats)], args.omov_limit,
                        omov_env())
            row = Row(n, "omov", method, family, whole)
            if inner.wall is not None:
                got = json.loads(inner.out)
                row.count, row.elected = got["count"], short(got["elected"])
                row.note = f"read {fmt_s(got['read'])} s"
            else:
                row.note = inner.note
            rows.append(row)
            report(row)
        for tool, method, family in PEERS:
            if peers is None or tool in args.skip:
                continue
            seats = 1 if method == "irv" else SEATS
            prev = last.get((tool, method))
            if prev is not None:
                size, took = prev
                if took is None or took * n / size > args.peer_limit:
                    why = "did not finish" if took is None else f"took {fmt_s(took)} s"
                    rows.append(Row(n, tool, method, family, Run(), note=f"not run: {why} at {size:,} papers"))
                    continue  # (the size it was last run at stays the one the next sizes are judged by)
            print(f"[{n:,}] {tool} {method}", file=sys.stderr)
            cmd = [str(peers), str(PEER_SCRIPT), tool, method, str(blt), str(seats)]
            runs = [run(cmd, args.peer_limit, child_env())]
            while len(runs) < args.repeat and runs[0].wall is not None and runs[0].wall < 10:
                runs.append(run(cmd, args.peer_limit, child_env()))  # repeated only where a run is quick
            whole = best(runs)
            row = Row(n, tool, method, family, whole, note=whole.note)
            if whole.wall is not None:
                got = json.loads(whole.out.strip().splitlines()[-1])
                row.count, row.elected = got["count"], short(got["elected"])
                row.note = f"read {fmt_s(got['read'])} s, load {fmt_s(got['load'])} s"
            rows.append(row)
            report(row)
            last[(tool, method)] = (n, whole.wall)
    ratios(rows)
    return rows


def report(row: Row) -> None:
    """One row as soon as it is measured (stderr), so that a long run's results survive an interruption."""
    print("    " + " | ".join(c for c in cells(row) if c), file=sys.stderr)


def short(names: list[str]) -> str:
    return " ".join(n.replace("Candidate ", "C") for n in names)


def ratios(rows: list[Row]) -> None:
    """Each omov row's whole-process time as a fraction of the fastest peer's (same size, same family)."""
    for row in rows:
        if row.tool != "omov" or row.whole.wall is None:
            continue
        peers = [r for r in rows if r.tool != "omov" and r.papers == row.papers and r.family == row.family
                 and r.whole.wall is not None]
        if peers:
            fastest = min(peers, key=lambda r: r.whole.wall or 0.0)
            row.ratio = f"{row.whole.wall / (fastest.whole.wall or 1e-9):.2f}x {fastest.tool}"


HEAD = ("Papers", "Tool", "Method", "Whole process s (wall)", "CPU s", "Peak MB", "Count s", "vs fastest peer",
        "Elected", "Note")


def cells(r: Row) -> list[str]:
    w = r.whole
    done = w.wall is not None
    return [f"{r.papers:,}", r.tool, r.method, fmt_s(w.wall), fmt_s(w.cpu) if done else "-",
            f"{w.peak_mb:.0f}" if done else "-", fmt_s(r.count), r.ratio, r.elected, r.note]


def print_table(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="omov count and peers: the same BLT files, whole process and count alone")
    for h in HEAD:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*cells(row))
    Console(width=220).print(table)


def markdown(rows: list[Row]) -> str:
    out = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    out += ["| " + " | ".join(c.replace("|", "/") for c in cells(r)) + " |" for r in rows]
    return "\n".join(out) + "\n"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    try:
        import omov.count.formats._bltscan  # noqa: F401
        reader = "omov's BLT papers read by its C scanner"
    except ImportError:
        reader = "omov's C scanner NOT built: BLT papers read with numpy"
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}{load}; {reader}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        count_only_child(argv[1], argv[2], int(argv[3]))
        return 0
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--sizes", default="10000,100000,1000000", help="papers per file, comma-separated")
    p.add_argument("--ten-million", action="store_true", help="also 10,000,000 papers")
    p.add_argument("--quick", action="store_true", help="10,000 papers only: check that everything runs")
    p.add_argument("--repeat", type=int, default=3, help="runs of each whole process; the fastest is shown")
    p.add_argument("--peer-limit", type=float, default=300.0, help="seconds a peer's run may take")
    p.add_argument("--omov-limit", type=float, default=600.0, help="seconds an omov run may take")
    p.add_argument("--skip", action="append", default=[], help="leave out a peer (pyrankvote, pref_voting, votekit)")
    p.add_argument("--no-peers", action="store_true", help="omov only")
    p.add_argument("--no-install", action="store_true", help="never create benchmarks/.venv-peers")
    p.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    args = p.parse_args(argv)
    args.sizes = [10_000] if args.quick else [int(x.replace("_", "")) for x in args.sizes.split(",") if x]
    if args.ten_million:
        args.sizes.append(10_000_000)
    started = time.perf_counter()
    rows = measure(args)
    print_table(rows)
    print(f"machine: {machine()}; whole run {time.perf_counter() - started:.0f} s")
    if args.markdown:
        cmd = " ".join(["benchmarks/count.py", *argv])
        args.markdown.write_text(f"`{cmd}` on {machine()}\n\n" + markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
