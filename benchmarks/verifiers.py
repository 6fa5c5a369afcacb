"""Time the two verifiers of election records on the same records: `omov verify` (Python, libsodium) and the
JavaScript verifier (`node omov/web/static/omov/verify/cli.mjs`, @noble/curves). Run by hand:

    .venv/bin/python benchmarks/verifiers.py [--papers 2000] [--candidates 5] [--workers 1] [--kinds v3,ranked,marks]

Writes each record once (v3 with `omov record demo`, v4 ranked and marks with omov.crypto.record4's demo) under a
temporary directory, runs each verifier on it and prints a table: seconds, papers per second, exit status. Both
must exit 0; the JS verifier does not recount (see docs/record.md §3 and docs/performance.md)."""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLI = ROOT / "omov" / "web" / "static" / "omov" / "verify" / "cli.mjs"


def write(kind: str, where: Path, papers: int, candidates: int) -> Path:
    from omov.cli import main as omov_main
    from omov.crypto import record4
    from omov.crypto.record import DemoSettings

    out = where / kind
    seats = min(2, candidates - 1)
    if kind == "v3":
        with contextlib.redirect_stdout(io.StringIO()):
            assert omov_main(["record", "demo", str(out), "--papers", str(papers), "--candidates", str(candidates),
                              "--seats", str(seats), "--seed", "bench", "--mixers", "2"]) == 0
    else:
        settings = DemoSettings(papers=papers, candidates=candidates, seats=seats, trustees=3, threshold=2, mixers=2,
                                seed="bench")
        parts, _ = record4.demo_parts(settings, kind)
        record4.write_record(out, **parts)
    return out


def timed(cmd: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
    return time.perf_counter() - started, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--candidates", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1, help="processes for `omov verify` (JS uses one thread)")
    parser.add_argument("--kinds", default="v3,ranked,marks")
    args = parser.parse_args()
    node = shutil.which("node")
    if not node:
        print("node is not installed", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds.split(","):
            record = write(kind, Path(tmp), args.papers, args.candidates)
            py = timed([sys.executable, "-c", "import sys; from omov.cli import main; sys.exit(main(sys.argv[1:]))",
                        "verify", str(record), "--workers", str(args.workers)])
            js = timed([node, str(CLI), str(record), "--quiet"])
            rows.append((kind, py, js))
    print(f"{args.papers} papers, {args.candidates} candidates, 3 trustees (2 decrypt), 2 mix servers (ranked)")
    print(f"{'record':8} {'omov verify (s)':>16} {'papers/s':>9} {'JS verifier (s)':>16} {'papers/s':>9} {'JS/Python':>10}")
    for kind, (pt, pc), (jt, jc) in rows:
        print(f"{kind:8} {pt:16.1f} {args.papers / pt:9.0f} {jt:16.1f} {args.papers / jt:9.0f} {jt / pt:10.1f}"
              + ("" if pc == 0 and jc == 0 else f"   exit codes {pc}/{jc}"))
    return 0 if all(p[1] == 0 and j[1] == 0 for _, p, j in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
