"""Speed of encrypted mark papers (run by hand, never by CI):

    .venv/bin/python benchmarks/crypto_marks.py [--papers 4000] [--options 10] [--up-to 3] [--processes 2]

Measures, in this process and right before the paper timings (so that a busy machine shows up in both):
libsodium's raw ristretto255 rates (variable-base and base scalar multiplications, additions) called directly
through ctypes and through pysodium's wrappers; then, for a bloc paper ("mark up to N of K"), encryption with
proofs and verification in papers/s, the libsodium operations each needs, and the share of the raw rate that
the Python layer achieves (the time the same operations take in a bare loop / the time per paper).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pysodium

from omov.crypto import group
from omov.crypto.elgamal import keygen
from omov.crypto.marks import MarkPaper, QuestionSpec, encrypt_paper, verify_batch, verify_paper, verify_papers


def rate(fn: Callable[[], Any], seconds: float = 0.5) -> float:
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(200):
            fn()
        n += 200
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def raw_rates() -> dict[str, float]:
    s = pysodium.sodium
    buf = ctypes.create_string_buffer(32)
    k = (2**251 + 12345).to_bytes(32, "little")
    p = group.base_mul(987654321).data
    return {
        "var": rate(lambda: s.crypto_scalarmult_ristretto255(buf, k, p)),
        "base": rate(lambda: s.crypto_scalarmult_ristretto255_base(buf, k)),
        "add": rate(lambda: s.crypto_core_ristretto255_add(buf, p, p)),
        "var (pysodium wrapper)": rate(lambda: pysodium.crypto_scalarmult_ristretto255(k, p)),
        "base (pysodium wrapper)": rate(lambda: pysodium.crypto_scalarmult_ristretto255_base(k)),
        "valid point": rate(lambda: s.crypto_core_ristretto255_is_valid_point(p)),
    }


def count_ops(fn: Callable[[], Any]) -> Counter[str]:
    """Run fn once with counting wrappers around the libsodium functions group.py calls."""
    counts: Counter[str] = Counter()
    saved = {name: getattr(group, name) for name in ("_smul", "_smul_base", "_add", "_sub")}
    kinds = {"_smul": "var", "_smul_base": "base", "_add": "add", "_sub": "add"}

    def wrap(name: str) -> Callable[..., int]:
        real = saved[name]

        def counted(*args: Any) -> int:
            counts[kinds[name]] += 1
            result: int = real(*args)
            return result

        return counted

    try:
        for name in saved:
            setattr(group, name, wrap(name))
        fn()
    finally:
        for name, real in saved.items():
            setattr(group, name, real)
    return counts


def _bare_job(job: tuple[dict[str, int], int]) -> float:
    """The same libsodium calls as `ops` per paper, n papers, in a bare ctypes loop: the raw-rate time."""
    ops, n = job
    s = pysodium.sodium
    buf = ctypes.create_string_buffer(32)
    k = (2**251 + 12345).to_bytes(32, "little")
    p = group.base_mul(987654321).data
    var, base, add = (
        s.crypto_scalarmult_ristretto255,
        s.crypto_scalarmult_ristretto255_base,
        s.crypto_core_ristretto255_add,
    )
    start = time.perf_counter()
    for _ in range(n):
        for _ in range(ops.get("var", 0)):
            var(buf, k, p)
        for _ in range(ops.get("base", 0)):
            base(buf, k)
        for _ in range(ops.get("add", 0)):
            add(buf, p, p)
    return time.perf_counter() - start


def _encrypt_chunk(job: tuple[bytes, str, dict[str, Any], list[list[int]]]) -> list[dict[str, Any]]:
    pk_data, election, spec_json, all_marks = job
    pk, spec = group.Point.decode(pk_data), QuestionSpec.from_json(spec_json)
    return [encrypt_paper(pk, election, spec, m)[0].to_json() for m in all_marks]


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Print the table; return papers/s by step (the last key is the multi-process verification)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=4000)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--up-to", type=int, default=3)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of each timing with its bare loop")
    args = parser.parse_args(argv)

    rng = random.Random(2026)
    _, pk = keygen(rng)
    spec = QuestionSpec.bloc("bench", args.options, up_to=args.up_to)
    election = "benchmark"

    def marks() -> list[int]:
        chosen = set(rng.sample(range(args.options), rng.randint(0, args.up_to)))
        return [1 if i in chosen else 0 for i in range(args.options)]

    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; libsodium "
        f"{pysodium.sodium.sodium_version_string().decode()}"
    )
    raw = raw_rates()
    print("\nlibsodium ristretto255 raw rates (one core, ops/s):")
    for name, value in raw.items():
        print(f"  {name:26s} {value:10,.0f}")

    sample, _ = encrypt_paper(pk, election, spec, marks())
    enc_ops = count_ops(lambda: encrypt_paper(pk, election, spec, marks()))
    exact_ops = count_ops(lambda: verify_paper(pk, election, spec, sample, exact=True))
    one_ops = count_ops(lambda: verify_paper(pk, election, spec, sample))
    distinct = [encrypt_paper(pk, election, spec, marks())[0] for _ in range(20)]
    batch_ops = count_ops(lambda: verify_batch(pk, election, spec, distinct))
    for key in batch_ops:
        batch_ops[key] = round(batch_ops[key] / len(distinct))

    def ideal(ops: Counter[str]) -> float:
        return sum(ops[k] / raw[k] for k in ("var", "base", "add"))

    n_enc = min(args.papers, 100)
    start = time.perf_counter()
    papers = [encrypt_paper(pk, election, spec, marks())[0] for _ in range(n_enc)]
    enc_time = (time.perf_counter() - start) / n_enc
    # the rest in parallel: every paper distinct (a batch merges repeated points, which would flatter it)
    jobs = [(pk.data, election, spec.to_json(), [marks() for _ in range(100)]) for _ in range(n_enc, args.papers, 100)]
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        for chunk in pool.map(_encrypt_chunk, jobs):
            papers += [MarkPaper.from_json(p) for p in chunk]
    papers = papers[: args.papers]

    def per_paper(fn: Callable[[list[Any]], Any], n: int) -> float:
        start = time.perf_counter()
        fn(papers[:n])
        return (time.perf_counter() - start) / n

    # Each timing is followed at once by a bare ctypes loop making the same libsodium calls, so that the share
    # of the raw rate compares like with like even on a machine whose load changes.
    n_one = min(len(papers), 200)
    timings = []
    enc_bare = _bare_job((dict(enc_ops), n_enc)) / n_enc
    timings.append(("encrypt with proofs (1 core)", enc_time, enc_bare))
    for name, fn, ops in (
        (
            "verify, exact recomputation (1 core)",
            lambda ps: [verify_paper(pk, election, spec, p, exact=True) for p in ps],
            exact_ops,
        ),
        (
            "verify, each paper one batch (1 core)",
            lambda ps: [verify_paper(pk, election, spec, p) for p in ps],
            one_ops,
        ),
        (f"verify, batches of {n_one} papers (1 core)", lambda ps: verify_batch(pk, election, spec, ps), batch_ops),
    ):
        # alternate the two, several rounds, so that both see the same mix of load
        t = bare = 0.0
        for _ in range(args.rounds):
            t += per_paper(fn, n_one) / args.rounds
            bare += _bare_job((dict(ops), n_one)) / n_one / args.rounds
        timings.append((name, t, bare))

    start = time.perf_counter()
    results = verify_papers(pk, election, spec, papers, processes=args.processes)
    multi_time = (time.perf_counter() - start) / len(papers)
    assert all(results)
    share = len(papers) // args.processes
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        list(pool.map(_bare_job, [(dict(batch_ops), share)] * args.processes))
    multi_bare = (time.perf_counter() - start) / (share * args.processes)
    timings.append((f"verify {len(papers)} papers, {args.processes} processes", multi_time, multi_bare))

    print(f"\nbloc paper: {args.options} options, mark up to {args.up_to}; {len(sample.encode())} bytes canonical")
    for name, ops in (
        ("encrypt", enc_ops),
        ("verify exact", exact_ops),
        ("verify one paper batched", one_ops),
        ("verify in batches, per paper", batch_ops),
    ):
        print(f"  libsodium calls, {name}: {dict(sorted(ops.items()))}")
    print("\n| step | papers/s | ms/paper | same libsodium calls in a bare loop, papers/s | share of raw rate |")
    print("|---|---:|---:|---:|---:|")
    for name, t, bare in timings:
        print(f"| {name} | {1 / t:,.0f} | {t * 1e3:.2f} | {1 / bare:,.0f} | {bare / t:.0%} |")
    print(
        f"\nraw-rate bound (1 core): exact {1 / ideal(exact_ops):,.0f} papers/s, "
        f"batched {1 / ideal(batch_ops):,.0f} papers/s"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return {name: 1 / t for name, t, _ in timings}


if __name__ == "__main__":
    main()
