"""Time a large Meek count: seeded random papers with truncated rankings (not run by CI).

    .venv/bin/python benchmarks/bench_meek.py [--papers 1000000] [--candidates 12] [--seats 3] [--seed 2026]

Papers follow a Plackett-Luce model (each candidate's popularity drawn once from the seed) and stop after a
random number of preferences (most voters mark 1-4, a few mark them all), as real STV papers do. What matters
for Meek's speed is the number of unique rankings, which is printed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from omov.count import Profile, Rule, count, preset


def papers(n_papers: int, n_cands: int, seed: int) -> Counter[tuple[int, ...]]:
    """`n_papers` random truncated rankings, grouped."""
    rng = random.Random(seed)
    popularity = [rng.paretovariate(1.2) for _ in range(n_cands)]
    lengths = list(range(1, n_cands + 1))
    length_weights = [30, 22, 16, 11, 7, 4] + [1.5] * (n_cands - 7) + [6]  # a bump of full rankings
    length_weights = length_weights[:n_cands]
    grouped: Counter[tuple[int, ...]] = Counter()
    for _ in range(n_papers):
        k = rng.choices(lengths, length_weights)[0]
        # Plackett-Luce: exponential clocks with rate = popularity; the first to ring is ranked first
        keys = sorted(range(n_cands), key=lambda c: rng.expovariate(popularity[c]))
        grouped[tuple(keys[:k])] += 1
    return grouped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=12)
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    t0 = time.perf_counter()
    grouped = papers(args.papers, args.candidates, args.seed)
    profile = Profile(
        tuple(Profile.from_papers([f"Candidate {i + 1}" for i in range(args.candidates)], []).candidates),
        tuple(grouped),
        tuple(grouped.values()),
        seats=args.seats,
    )
    t1 = time.perf_counter()
    rules: list[tuple[str, Rule | str]] = [
        ("meek", "meek"),
        ("meek, no batch defeats", preset("meek").with_(extra={"meek_batch_defeat": "none"})),
        ("meek PRF (fixed, 9 places)", preset("meek").with_(
            meek_precision=9, meek_omega="0.000001", extra={"meek_arithmetic": "fixed"})),
        ("scottish", "scottish"),
    ]
    for label, rule in rules:
        try:
            t2 = time.perf_counter()
            result = count(profile, rule, seed=args.seed)
            t3 = time.perf_counter()
        except Exception as exc:  # another method may not be built yet; say so and go on
            print(f"{label}: not available: {exc}")
            continue
        iterations = sum(int(s.notes[0].split()[0]) for s in result.stages if s.notes and "iteration" in s.notes[0])
        print(
            f"{label}: {args.papers:,} papers, {len(grouped):,} unique rankings, {args.candidates} candidates, "
            f"{args.seats} seats: {t3 - t2:.2f} s, {len(result.stages)} stages"
            + (f", {iterations} iterations" if label.startswith("meek") else "")
            + f"; elected {', '.join(result.elected_names)}"
        )
    print(f"(generating the papers took {t1 - t0:.1f} s)")


if __name__ == "__main__":
    main()
