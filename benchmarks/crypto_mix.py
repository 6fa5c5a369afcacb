"""Speed of the mix-net: shuffle-and-prove and verify of ranked papers, and whole-record verification.

    .venv/bin/python benchmarks/crypto_mix.py --papers 10000 --width 10 --workers 2 [--record 10000]

Prints a table: time, scalar multiplications done, their rate, and that rate as a share of libsodium's raw
variable-base rate (~27,000 multiplications/s per core, the brief's reference; the script also measures this
machine's rate through ctypes). Not run by CI.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import random
import resource
import shutil
import sys
import tempfile
import time

from omov.crypto import mixnet as mx
from omov.crypto import shuffle as sh

RAW_RATE = 27_000  # variable-base multiplications per second per core, libsodium from C


def measured_rate(seconds: float = 1.0) -> float:
    """This machine's variable-base multiplications per second through ctypes, in one process."""
    out = ctypes.create_string_buffer(32)
    point, k = sh.base_mul(12345), sh.sb(987654321987654321)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            sh._smul(out, k, point)
        n += 200
    return n / (time.perf_counter() - start)


def _encrypt_job(job: tuple[bytes, int, int, int]) -> list[bytes]:
    pk, n, width, seed = job
    rng = random.Random(seed)
    return [mx.encrypt_values(pk, [rng.randrange(0, width + 1) for _ in range(width)], rng) for _ in range(n)]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers, once the pool is closed)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Step:
    """Wall-clock and CPU seconds of one step (the pool is closed inside, so its CPU time is counted)."""

    def __enter__(self) -> Step:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu


def row(name: str, step: Step, var: int, base: int, workers: int, walls: dict[str, float] | None = None) -> str:
    if walls is not None:
        walls[name] = step.wall
    work = var + base / 2  # a fixed-base multiplication costs about half a variable-base one
    rate, cpu_rate = work / step.wall, work / step.cpu
    return (f"| {name} | {step.wall:8.1f} | {step.cpu:8.1f} | {var:>11,} | {base:>10,} | {rate:>9,.0f} | "
            f"{rate / (RAW_RATE * workers):6.0%} | {cpu_rate:>9,.0f} | {cpu_rate / RAW_RATE:6.0%} |")


def main(argv: list[str], walls: dict[str, float] | None = None) -> int:
    """Print the table; if `walls` is given, fill it with each step's wall-clock seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[10_000])
    parser.add_argument("--width", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--record", type=int, metavar="N", help="also write and verify a whole demo record of N papers")
    args = parser.parse_args(argv)
    k, w = args.width, args.workers
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"ctypes variable-base rate in one process: {measured_rate():,.0f}/s")
    print("| step | wall s | CPU s | var-base mults | base mults | mults/s (wall) | share of 27k/s × workers "
          "| mults per CPU-second | share of 27k/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rng = random.Random(1)
    pk = sh.base_mul(sh.random_scalar(rng))
    for n in args.papers:
        with Step() as step, sh.Workers(w) as pool:
            jobs = [(pk, e - s, k, rng.getrandbits(64)) for s, e in pool.spans(n)]
            papers = [p for chunk in pool.map(_encrypt_job, jobs) for p in chunk]
        print(row(f"encrypt {n:,} papers × {k}", step, n * k, n * k, w, walls), flush=True)
        with Step() as step, sh.Workers(w) as pool:
            outputs, psi, rands = sh.shuffle(pk, papers, k, pool=pool)
            proof = sh.prove_shuffle(pk, papers, outputs, psi, rands, k, b"bench", pool=pool)
        # re-encryption k var + k base per paper; proof (2k + 3) var and 3 base per paper
        print(row(f"shuffle + prove {n:,} × {k}", step, (3 * k + 3) * n, (k + 3) * n, w, walls), flush=True)
        with Step() as step, sh.Workers(w) as pool:
            ok = sh.check_shuffle(pk, papers, outputs, proof, k, b"bench", pool=pool)
        assert ok is None, ok
        print(row(f"verify {n:,} × {k}", step, (4 * k + 4) * n, n, w, walls), flush=True)
    if args.record:
        n = args.record
        from omov.crypto.record import DemoSettings, run_demo, write_record
        from omov.crypto.verify import verify_record

        directory = tempfile.mkdtemp(prefix="omov-record-")
        try:
            with Step() as step:
                files, election = run_demo(DemoSettings(papers=n, candidates=k, seats=3, seed="bench",
                                                        workers=w))
                write_record(directory, files, election)
            print(f"| write demo record ({n:,} papers, {k} candidates, 2 mixes, 2 of 3 trustees) | "
                  f"{step.wall:8.1f} | {step.cpu:8.1f} | | | | | | |", flush=True)
            with Step() as step:
                checks = verify_record(directory, workers=w)
            assert all(c.ok for c in checks), [c for c in checks if not c.ok]
            shares = sum(len(p) for p in files["decryption.json"]["papers"]) * 2
            var = 2 * (4 * k + 4) * n + 4 * shares  # two mixes; 3 var + 1 combine per share
            print(row(f"verify whole record ({n:,} papers)", step, var, shares, w, walls), flush=True)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
