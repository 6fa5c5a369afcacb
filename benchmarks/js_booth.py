"""The booth's cryptography in a browser: headless Chromium runs omov/web/static/omov/booth/omov-crypto.js and
times what a voter's device does before casting (docs/crypto.md §11) — a 10-candidate ranked paper (credential
key, 10 encryptions, the proof of randomness, the tracker and the signature), a 10-option "up to 3" mark paper
with its 0/1 and sum proofs, checking a Benaloh opening — and a trustee's init. Target: under 1 s per paper.

    .venv/bin/python benchmarks/js_booth.py [--runs 20] [--throttle 6] [--chromium /usr/bin/chromium] [--markdown FILE]

The bundle is served from a local HTTP server (ES modules do not load from file://). Timings are
performance.now() in the page: the first (cold) run of each operation, then --runs more.
"""

from __future__ import annotations

import os
import sys

# This folder holds platform_load.py, which would shadow the standard library's `platform` (imported by the
# modules below) if the script's folder stayed first on the path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import functools  # noqa: E402
import http.server  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

STATIC = Path(__file__).resolve().parent.parent / "omov" / "web" / "static" / "omov"

PAGE_SCRIPT = """
async ({ runs }) => {
  const t0 = performance.now();
  const booth = await import("/booth/omov-crypto.js");
  const loaded = performance.now() - t0;
  const election = "bench-2026";
  const fingerprint = "ab".repeat(32);
  const { init } = booth.trusteeInit({ election, id: 1, n: 1, t: 1 });
  const publicKey = init.commitments[0];
  const code = "7K3QD-M9XTB-2HWRZ-5VN8C-JPG4A";
  const ranked = { election, fingerprint, publicKey, candidates: 10 };
  const question = { question_id: "q", kind: "bloc", options: 10, min_marks: 0, max_marks: 3 };
  const marks = { election, fingerprint, publicKey, question };
  let opening;
  const ops = {
    "ranked paper, 10 candidates (encrypt + proof + signature)": () => {
      opening = booth.encryptRanked({ ...ranked, ranking: [3, 1, 4, 0, 5, 9, 2, 6, 8, 7], code }).opening;
    },
    "check its Benaloh opening": () => booth.checkOpening(ranked, opening),
    "mark paper, 10 options up to 3 (encrypt + proofs + signature)": () =>
      booth.encryptMarks({ ...marks, marks: [1, 0, 1, 0, 0, 0, 1, 0, 0, 0], code }),
    "trustee init (3 of 5)": () => booth.trusteeInit({ election, id: 1, n: 5, t: 3 }),
  };
  const out = {};
  for (const [name, fn] of Object.entries(ops)) {
    const c0 = performance.now();
    fn(); // the first run: a voter's device does this once, cold (JIT, noble's tables for G)
    const first = performance.now() - c0;
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      fn();
      times.push(performance.now() - t0);
    }
    out[name] = { first, times };
  }
  return { userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, loaded, results: out };
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        return "text/javascript" if str(path).endswith((".js", ".mjs")) else super().guess_type(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--throttle", type=float, default=1, help="CPU slow-down (DevTools emulation; 6 = a slow phone)"
    )
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(STATIC)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, headless=True)
            page = browser.new_page()
            if args.throttle != 1:
                page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": args.throttle})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/vendor/README.txt")
            data = page.evaluate(PAGE_SCRIPT, {"runs": args.runs})
            browser.close()
    finally:
        server.shutdown()

    lines = [
        f"Headless Chromium ({data['userAgent'].split('HeadlessChrome/')[-1].split(' ')[0]}), "
        f"{data['cores']} cores, CPU throttled {args.throttle:g}x; loading the bundle took {data['loaded']:.0f} ms;",
        f"milliseconds per operation: the first (cold) run, then {args.runs} more.",
        "",
        "| operation | first run | median | mean | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in data["results"].items():
        t = r["times"]
        lines.append(
            f"| {name} | {r['first']:.1f} | {statistics.median(t):.1f} | {statistics.fmean(t):.1f} | {max(t):.1f} |"
        )
    ranked = next(iter(data["results"].values()))
    worst = max(ranked["first"], *ranked["times"])
    lines += [
        "",
        f"Target: a 10-candidate ranked paper in under 1,000 ms, cold or warm: {'met' if worst < 1000 else 'MISSED'}.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
