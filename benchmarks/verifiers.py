"""Time the two verifiers of election records on the same records: `omov verify` (Python, libsodium) and the
JavaScript verifier (`node omov/web/static/omov/verify/cli.mjs`, @noble/curves). Run by hand:

    .venv/bin/python benchmarks/verifiers.py [--papers 2000] [--candidates 5] [--workers 1] [--kinds v3,ranked,marks]
        [--js-workers 1,2] [--js-cli OTHER/cli.mjs] [--keep DIR]

Writes each record once (v3 with `omov record demo`, v4 ranked and marks with omov.crypto.record4's demo) under a
temporary directory, runs each verifier on it and prints a table: seconds, papers per second, exit status. Both
must exit 0; the JS verifier does not recount (see docs/record.md §3 and docs/performance.md). --js-workers times the
JS verifier once per number of worker threads; --js-cli adds a column for another build of it (a copy of an older
omov/web/static/omov/verify/, for before/after); --keep writes the records there and keeps them."""

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
    parser.add_argument("--js-workers", default="1", help="comma-separated worker-thread counts for the JS verifier")
    parser.add_argument("--js-cli", default=None, help="another JS verifier's cli.mjs to time as a baseline")
    parser.add_argument("--keep", default=None, help="write the records here and keep them")
    args = parser.parse_args()
    js_workers = [int(n) for n in args.js_workers.split(",")]
    node = shutil.which("node")
    if not node:
        print("node is not installed", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(args.keep) if args.keep else Path(tmp)
        for kind in args.kinds.split(","):
            record = where / kind if (where / kind / "manifest.json").exists() else write(kind, where, args.papers,
                                                                                              args.candidates)
            runs = [("omov verify", timed([sys.executable, "-c",
                                           "import sys; from omov.cli import main; sys.exit(main(sys.argv[1:]))",
                                           "verify", str(record), "--workers", str(args.workers)]))]
            if args.js_cli:
                runs.append(("JS before", timed([node, args.js_cli, str(record), "--quiet"])))
            for n in js_workers:
                runs.append((f"JS {n} thr", timed([node, str(CLI), str(record), "--quiet", "--workers", str(n)])))
            rows.append((kind, runs))
            print(kind, [(name, round(t, 1), code) for name, (t, code) in runs], file=sys.stderr, flush=True)
    print(f"{args.papers} papers, {args.candidates} candidates, 3 trustees (2 decrypt), 2 mix servers (ranked); "
          f"omov verify --workers {args.workers}")
    names = [name for name, _ in rows[0][1]]
    print(f"{'record':8} " + " ".join(f"{name + ' (s)':>16} {'papers/s':>9}" for name in names))
    for kind, runs in rows:
        codes = [c for _, (_t, c) in runs]
        print(f"{kind:8} " + " ".join(f"{t:16.1f} {args.papers / t:9.1f}" for _, (t, _c) in runs)
              + ("" if not any(codes) else "   exit codes " + "/".join(map(str, codes))))
    return 0 if all(c == 0 for _, runs in rows for _, (_t, c) in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
