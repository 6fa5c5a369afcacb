"""Speed of encrypted mark papers (run by hand, never by CI):

    .venv/bin/python benchmarks/crypto_marks.py [--papers 2000] [--options 10] [--up-to 3] [--processes 2]

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
from typing import Any

import pysodium

from omov.crypto import group
from omov.crypto.elgamal import keygen
from omov.crypto.marks import QuestionSpec, encrypt_paper, verify_paper, verify_papers


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--up-to", type=int, default=3)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

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
    ver_ops = count_ops(lambda: verify_paper(pk, election, spec, sample))

    def ideal(ops: Counter[str]) -> float:
        return sum(ops[k] / raw[k] for k in ("var", "base", "add"))

    n_enc = max(50, args.papers // 10)
    start = time.perf_counter()
    papers = [encrypt_paper(pk, election, spec, marks())[0] for _ in range(n_enc)]
    enc_time = (time.perf_counter() - start) / n_enc
    while len(papers) < args.papers:
        papers += papers[: args.papers - len(papers)]

    n_one = min(len(papers), 300)
    start = time.perf_counter()
    ok = all(verify_paper(pk, election, spec, p) for p in papers[:n_one])
    one_time = (time.perf_counter() - start) / n_one
    assert ok

    start = time.perf_counter()
    results = verify_papers(pk, election, spec, papers, processes=args.processes)
    multi_time = (time.perf_counter() - start) / len(papers)
    assert all(results)

    size = len(sample.encode())
    print(f"\nbloc paper: {args.options} options, mark up to {args.up_to}; {size} bytes canonical")
    print(f"  libsodium calls, encrypt: {dict(enc_ops)}; verify: {dict(ver_ops)}")
    print("\n| step | papers/s | ms/paper | share of libsodium's raw rate |")
    print("|---|---:|---:|---:|")
    print(
        f"| encrypt with proofs (1 core) | {1 / enc_time:,.0f} | {enc_time * 1e3:.2f} | "
        f"{ideal(enc_ops) / enc_time:.0%} |"
    )
    print(f"| verify (1 core) | {1 / one_time:,.0f} | {one_time * 1e3:.2f} | {ideal(ver_ops) / one_time:.0%} |")
    print(
        f"| verify {len(papers)} papers ({args.processes} processes) | {1 / multi_time:,.0f} | "
        f"{multi_time * 1e3:.2f} | {ideal(ver_ops) / multi_time / args.processes:.0%} per process |"
    )
    print(
        f"\nraw-rate bound for verification: {1 / ideal(ver_ops):,.0f} papers/s per core "
        f"({ver_ops['var']} variable-base multiplications per paper at {raw['var']:,.0f}/s, "
        f"{ver_ops['base']} base, {ver_ops['add']} additions)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
