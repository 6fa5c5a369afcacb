"""Counting benchmark: omov's counts beside peer libraries on the same ballots, in the same run.

    .venv/bin/python benchmarks/count.py                 # 1,000,000 papers, two elections (takes minutes)
    .venv/bin/python benchmarks/count.py --quick         # 20,000 papers, to check that everything runs
    .venv/bin/python benchmarks/count.py --papers 200000 --markdown /tmp/count.md

Run by hand, never by CI. For each election (12 candidates / 3 seats and 20 candidates / 9 seats) it draws
seeded papers (candidates' popularity varies, each paper ranks candidates by a Plackett-Luce draw and stops at a
random length), writes them as a BLT file with one paper a line, then measures, each in a fresh process:

* omov: the time to read and parse the BLT file, the time to count it (irv, scottish, ers97, meek), and the
  process's peak resident memory (VmHWM: interpreter, file text, parsed profile and count together);
* peers: pyrankvote (IRV, STV), pref_voting (IRV for truncated ballots) and votekit (STV and FastSTV), given the
  same ballots in their own objects. "Load" is the time to build those objects from rankings already in memory
  (they do not read BLT), "count" the time of the election itself. Identical papers are given to the peers
  grouped with a weight where the library takes weights (pref_voting, votekit), as separate papers where it
  does not (pyrankvote).

A peer is first run on the first --sample/5 and --sample papers; if the time extrapolated from those two runs
(t = a * n^b) to the full count is within --peer-limit seconds it is run on all the papers, else the table gives
the extrapolated time and says so ("est."); a run that does not finish within its limit is reported as such.
IRV is a single-seat count: every IRV row counts the same papers for one seat. Wall-clock seconds
(time.perf_counter) on whatever machine runs it.
"""

from __future__ import annotations

import os
import sys

# Never let the other scripts in this folder shadow a standard module.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import pickle  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ELECTIONS = (("12 candidates / 3 seats", 12, 3), ("20 candidates / 9 seats", 20, 9))
OMOV_METHODS = ("irv", "scottish", "ers97", "meek")
PEERS = (
    ("pyrankvote", "irv"),
    ("pref_voting", "irv"),
    ("pyrankvote", "stv"),
    ("votekit", "stv"),
    ("votekit", "faststv"),
)
FAMILY = {"irv": "IRV", "scottish": "STV", "ers97": "STV", "meek": "STV", "stv": "STV", "faststv": "STV"}


# ---------------------------------------------------------------------------------------------------------
# the ballots


def draw_papers(papers: int, ncand: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded papers: (papers x ncand) preference orders (0-based) and how many preferences each paper gives."""
    rng = np.random.default_rng(seed)
    popularity = rng.dirichlet(np.full(ncand, 0.8)) + 0.005  # a few strong candidates, a long tail
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(papers, ncand))  # Plackett-Luce by Gumbel-max
    order = np.argsort(-keys, axis=1).astype(np.int16)
    lengths = np.minimum(ncand, rng.geometric(0.3, size=papers) + rng.integers(0, 2, size=papers))
    full = rng.random(papers) < 0.05  # some voters rank everybody
    lengths[full] = ncand
    return order, lengths


def group(order: np.ndarray, lengths: np.ndarray) -> tuple[list[tuple[int, ...]], list[int], np.ndarray]:
    """Identical papers grouped: unique rankings, their weights, and each paper's group index."""
    ncand = order.shape[1]
    padded = np.where(np.arange(ncand)[None, :] < lengths[:, None], order + 1, 0).astype(np.int16)
    uniq, inverse, counts = np.unique(padded, axis=0, return_inverse=True, return_counts=True)
    rankings = [tuple(int(c) - 1 for c in row if c) for row in uniq.tolist()]
    return rankings, counts.tolist(), inverse.reshape(-1)


def write_blt(path: Path, names: list[str], seats: int, rankings: list[tuple[int, ...]], inverse: np.ndarray,
              title: str) -> None:
    """One paper a line ("1 3 1 4 0"), in the order drawn, as a cast-vote record would list them."""
    lines = np.array(["1 " + " ".join(str(c + 1) for c in r) + " 0" for r in rankings], dtype=object)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{len(names)} {seats}\n")
        fh.write("\n".join(lines[inverse].tolist()))
        fh.write("\n0\n")
        fh.writelines(f'"{n}"\n' for n in names)
        fh.write(f'"{title}"\n')


# ---------------------------------------------------------------------------------------------------------
# the runs, each in a fresh process


class Clock:
    """Wall-clock and CPU seconds of the steps of one run."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.times[name], self.times[name + "_cpu"] = wall - self._wall, cpu - self._cpu
        self._wall, self._cpu = wall, cpu


def peak_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a spawned child would report at least the
    parent's size at the time it was started.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def run_omov(blt: str, method: str) -> dict[str, Any]:
    import importlib

    from omov.count import count, read_blt
    from omov.count.engine import METHOD_MODULES

    # imports are not part of a count (the peers' imports are outside their timings too)
    importlib.import_module(f"omov.count.methods.{METHOD_MODULES[method]}")
    importlib.import_module("numpy")
    clock = Clock()
    profile = read_blt(blt)
    clock.lap("load")
    result = count(profile, method, seats=1 if method == "irv" else None, seed="benchmark")
    clock.lap("count")
    return {
        **clock.times,
        "elected": list(result.elected_names),
        "stages": len(result.stages),
        "unique": len(profile.rankings),
    }


def run_peer(data: str, tool: str, method: str) -> dict[str, Any]:
    with open(data, "rb") as fh:
        names, seats, rankings, weights = pickle.load(fh)
    if tool == "pyrankvote":
        import pyrankvote

        clock = Clock()
        cands = [pyrankvote.Candidate(n) for n in names]
        ballots = [
            pyrankvote.Ballot(ranked_candidates=[cands[c] for c in r])
            for r, w in zip(rankings, weights, strict=True)
            for _ in range(w)
        ]
        clock.lap("load")
        if method == "irv":
            res = pyrankvote.instant_runoff_voting(cands, ballots)
        else:
            res = pyrankvote.single_transferable_vote(cands, ballots, number_of_seats=seats)
        clock.lap("count")
        elected = [c.name for c in res.get_winners()]
    elif tool == "pref_voting":
        from pref_voting.profiles_with_ties import ProfileWithTies
        from pref_voting.voting_methods import instant_runoff_for_truncated_linear_orders

        clock = Clock()
        prof = ProfileWithTies(
            [{c: i + 1 for i, c in enumerate(r)} for r in rankings], rcounts=weights, candidates=list(range(len(names)))
        )
        clock.lap("load")
        winners = instant_runoff_for_truncated_linear_orders(prof)
        clock.lap("count")
        elected = [names[w] for w in winners]
    elif tool == "votekit":
        import logging
        import warnings

        warnings.filterwarnings("ignore")
        logging.disable(logging.WARNING)
        from votekit import RankBallot, RankProfile
        from votekit.elections import STV, FastSTV

        clock = Clock()
        prof = RankProfile(
            ballots=[
                RankBallot(ranking=tuple(frozenset({names[c]}) for c in r), weight=w)
                for r, w in zip(rankings, weights, strict=True)
                if r
            ],
            candidates=list(names),
        )
        clock.lap("load")
        kind = STV if method == "stv" else FastSTV
        election = kind(prof, n_seats=seats, tiebreak="random", rng_seed=1)
        clock.lap("count")
        elected = [name for group in election.get_elected() for name in sorted(group)]
    else:
        raise ValueError(tool)
    return {**clock.times, "elected": elected, "size": len(rankings) if tool != "pyrankvote" else sum(weights)}


def _child(conn: Any, kind: str, args: tuple[Any, ...]) -> None:
    # a stray module in the temp folder (say, a platform.py) must not shadow the standard library
    tmp = os.path.realpath(tempfile.gettempdir())
    sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) != tmp]
    try:
        out = run_omov(*args) if kind == "omov" else run_peer(*args)
        out["peak_mb"] = peak_mb()
        conn.send(out)
    except BaseException as exc:  # report, never hang the parent
        conn.send({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})
    finally:
        conn.close()


def isolated(kind: str, args: tuple[Any, ...], timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh process; {"timeout": s} if it takes longer than `timeout` seconds."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, kind, args))
    start = time.perf_counter()
    proc.start()
    child.close()
    if parent.poll(timeout):
        try:
            out: dict[str, Any] = parent.recv()
        except EOFError:
            out = {"error": "the process died (out of memory?)"}
    else:
        out = {"timeout": timeout}
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    out["wall"] = time.perf_counter() - start
    return out


# ---------------------------------------------------------------------------------------------------------
# the table


@dataclass
class Row:
    election: str
    tool: str
    method: str
    papers: str
    load: str
    count: str
    peak: str
    elected: str
    note: str = ""
    count_s: float | None = None
    family: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def short(names: list[str]) -> str:
    return " ".join(n.replace("Candidate ", "C") for n in names)


def measure(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    tmp = Path(tempfile.mkdtemp(prefix="omov-bench-"))
    for e, (label, ncand, seats) in enumerate(ELECTIONS):
        print(f"[{label}] drawing {args.papers:,} papers...", file=sys.stderr)
        order, lengths = draw_papers(args.papers, ncand, seed=1000 + e)
        names = [f"Candidate {i + 1}" for i in range(ncand)]
        rankings, weights, inverse = group(order, lengths)
        blt = tmp / f"bench-{ncand}.blt"
        write_blt(blt, names, seats, rankings, inverse, f"Benchmark {label}")
        full = tmp / f"bench-{ncand}.pickle"
        full.write_bytes(pickle.dumps((names, seats, rankings, weights)))
        sample_n = min(args.sample, args.papers)
        small_n = max(1, sample_n // 5)
        sample, small = tmp / f"bench-{ncand}-sample.pickle", tmp / f"bench-{ncand}-small.pickle"
        for path, n in ((sample, sample_n), (small, small_n)):
            s_rank, s_weights, _ = group(order[:n], lengths[:n])
            path.write_bytes(pickle.dumps((names, seats, s_rank, s_weights)))
        size_mb = blt.stat().st_size / 1e6
        print(f"[{label}] {len(rankings):,} different rankings; BLT file {size_mb:.1f} MB", file=sys.stderr)

        for method in OMOV_METHODS:
            print(f"[{label}] omov {method}...", file=sys.stderr)
            out = isolated("omov", (str(blt), method), args.omov_limit)
            rows.append(_row(label, "omov", method, f"{args.papers:,}", out))
        for tool, method in PEERS:
            if tool in args.skip:
                continue
            rows.append(measure_peer(args, label, tool, method, full, small, sample, sample_n, small_n))
    return rows


def measure_peer(args: argparse.Namespace, label: str, tool: str, method: str, full: Path, sample: Path,
                 sample_small: Path | None = None, sample_n: int = 0, small_n: int = 0) -> Row:
    """Run a peer on all the papers if it can finish within --peer-limit, else estimate from two samples.

    The estimate fits t = a * x^b through runs on sample/5 and sample papers, where x is what the library is
    given (papers for pyrankvote, different rankings for the libraries that take weights), b kept within
    0.5..2, and extrapolates to the full count, for each time (load and count, wall and CPU) separately.
    """
    if sample_n >= args.papers:
        print(f"[{label}] {tool} {method}...", file=sys.stderr)
        return _row(label, tool, method, f"{args.papers:,}", isolated("peer", (str(full), tool, method),
                                                                   args.peer_limit))
    print(f"[{label}] {tool} {method} on {small_n:,} and {sample_n:,} papers...", file=sys.stderr)
    small = isolated("peer", (str(sample_small), tool, method), args.peer_limit)
    if "count" not in small:
        return _row(label, tool, method, f"{small_n:,}", small)
    big = isolated("peer", (str(sample), tool, method), args.peer_limit)
    if "count" not in big:
        row = _row(label, tool, method, f"{small_n:,}", small)
        why = f"did not finish in {big['timeout']:.0f} s" if "timeout" in big else big.get("error", "failed")
        row.note = f"on {sample_n:,} papers it {why}; these times are for {small_n:,} papers"
        return row
    with open(full, "rb") as fh:
        _, _, rankings, weights = pickle.load(fh)
    size = sum(weights) if tool == "pyrankvote" else len(rankings)
    est: dict[str, float] = {}
    exps: dict[str, float] = {}
    for key in ("load", "count", "load_cpu", "count_cpu"):
        t1, t2 = max(small[key], 1e-6), max(big[key], 1e-6)
        b = min(2.0, max(0.5, float(np.log(t2 / t1) / np.log(big["size"] / small["size"]))))
        exps[key] = b
        est[key] = float(t2 * (size / big["size"]) ** b)
    if est["load"] + est["count"] <= args.peer_limit:
        print(f"[{label}] {tool} {method} on all {args.papers:,} papers...", file=sys.stderr)
        limit = max(args.peer_limit * 1.5, 3 * (est["load"] + est["count"]))
        whole = isolated("peer", (str(full), tool, method), limit)
        if "count" in whole:
            return _row(label, tool, method, f"{args.papers:,}", whole)
    row = _row(label, tool, method, f"{sample_n:,}", {**big, **est})
    unit = "papers" if tool == "pyrankvote" else "different rankings"
    row.note = (f"extrapolated from runs on {small_n:,} and {sample_n:,} papers: count ~ x^{exps['count_cpu']:.2f}, "
                f"load ~ x^{exps['load_cpu']:.2f} (x = {unit}); peak MB and elected from the {sample_n:,} run")
    row.papers = f"{args.papers:,} (est.)"
    return row


def _row(label: str, tool: str, method: str, papers: str, out: dict[str, Any]) -> Row:
    family = FAMILY[method]
    if "timeout" in out:
        return Row(label, tool, method, papers, "-", "-", "-", "", f"did not finish in {out['timeout']:.0f} s",
                   None, family)
    if "error" in out:
        return Row(label, tool, method, papers, "-", "-", "-", "", "failed: " + out["error"][:80], None, family)
    note = ""
    if tool == "omov":
        note = f"{out['unique']:,} different rankings, {out['stages']} stages"
    return Row(label, tool, method, papers, f"{fmt_s(out['load'])} ({fmt_s(out['load_cpu'])})",
               f"{fmt_s(out['count'])} ({fmt_s(out['count_cpu'])})", f"{out['peak_mb']:.0f}",
               short(out["elected"]), note, out["count_cpu"], family, out)


def speedups(rows: list[Row]) -> None:
    """Each omov row's count CPU time against the fastest peer of the same family in the same election."""
    for row in rows:
        if row.tool != "omov" or row.count_s is None:
            continue
        peers = [r.count_s for r in rows if r.tool != "omov" and r.election == row.election
                 and r.family == row.family and r.count_s is not None]
        if peers:
            row.extra["speedup"] = min(peers) / max(row.count_s, 1e-9)


HEAD = ("Election", "Tool", "Method", "Papers", "Parse/load s wall (CPU)", "Count s wall (CPU)", "Peak MB",
        "vs fastest peer (CPU)", "Elected", "Note")


def cells(row: Row) -> list[str]:
    sp = row.extra.get("speedup")
    return [row.election, row.tool, row.method, row.papers, row.load, row.count, row.peak,
            "" if sp is None else (f"{sp:,.0f}x" if sp >= 10 else f"{sp:.1f}x"), row.elected, row.note]


def print_table(rows: list[Row], papers: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Counting {papers:,} papers: omov and peers (same ballots, same run)")
    for h in HEAD:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*cells(row))
    Console(width=240).print(table)


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
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}{load}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--papers", type=int, default=1_000_000, help="papers per election (default 1,000,000)")
    p.add_argument("--quick", action="store_true", help="20,000 papers: check that everything runs")
    p.add_argument("--sample", type=int, default=50_000, help="papers for a slow peer's trial runs (and a fifth)")
    p.add_argument("--peer-limit", type=float, default=120.0, help="seconds a peer may take on the full set")
    p.add_argument("--omov-limit", type=float, default=600.0, help="seconds an omov run may take")
    p.add_argument("--skip", action="append", default=[], help="leave out a peer (pyrankvote, pref_voting, votekit)")
    p.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    args = p.parse_args(argv)
    if args.quick:
        args.papers = 20_000
    started = time.perf_counter()
    rows = measure(args)
    speedups(rows)
    print_table(rows, args.papers)
    print(f"machine: {machine()}; whole run {time.perf_counter() - started:.0f} s")
    if args.markdown:
        cmd = " ".join(["benchmarks/count.py", *(sys.argv[1:] if argv is None else argv)])
        args.markdown.write_text(f"`{cmd}` on {machine()}\n\n" + markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
