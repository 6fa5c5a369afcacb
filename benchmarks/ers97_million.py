"""Time an ERS97 count of 1,000,000 seeded random papers (12 candidates, 3 seats). Not run by CI.

    .venv/bin/python benchmarks/ers97_million.py [papers] [seed]

Papers are random rankings of random length (1-12) with a mild bias towards some candidates, so that most
rankings are unique: the work is per unique ranking, which is what this measures.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from omov.count import Candidate, Profile, count


def random_profile(papers: int, seed: int, candidates: int = 12) -> Profile:
    rng = np.random.default_rng(seed)
    strength = rng.gamma(2.0, 1.0, candidates)
    keys = -np.log(rng.random((papers, candidates))) / strength  # exponential race: a biased random order
    orders = np.argsort(keys, axis=1)
    lengths = rng.integers(1, candidates + 1, papers)
    grouped: dict[tuple[int, ...], int] = {}
    for row, n in zip(orders.tolist(), lengths.tolist(), strict=True):
        key = tuple(row[:n])
        grouped[key] = grouped.get(key, 0) + 1
    return Profile(
        tuple(Candidate(f"Candidate {i + 1}") for i in range(candidates)),
        tuple(grouped),
        tuple(grouped.values()),
        seats=3,
    )


def main() -> None:
    papers = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    t0 = time.perf_counter()
    profile = random_profile(papers, seed)
    t1 = time.perf_counter()
    result = count(profile, "ers97", seed="bench")
    t2 = time.perf_counter()
    print(f"papers {profile.papers:,}  unique rankings {len(profile.rankings):,}")
    print(f"build profile {t1 - t0:.2f} s   ers97 count {t2 - t1:.2f} s   stages {len(result.stages)}")
    print("elected:", ", ".join(result.elected_names))


if __name__ == "__main__":
    main()
