"""The JavaScript verifier in a real headless Chromium: omov/web/static/omov/verify/worker.js (a module Web Worker)
checks a small committed record (js/test/fixtures/) fetched over HTTP, spreading the heavy per-paper checks over
more Web Workers of the same file, and reports the same results as with one worker, for an honest record and a
tampered copy."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from omov.crypto.record import dump

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "omov" / "web" / "static" / "omov" / "verify"
FIXTURES = ROOT / "js" / "test" / "fixtures"

pytestmark = pytest.mark.browser


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server over tmp_path holding the verifier, its worker, a page and the two fixture records."""
    for name in ("verifier.js", "worker.js"):
        shutil.copy(STATIC / name, tmp_path / name)
    (tmp_path / "index.html").write_text("<!doctype html><title>verifier</title>\n", encoding="utf-8")
    for record in ("record-v4", "record-v4-marks"):
        shutil.copytree(FIXTURES / record, tmp_path / record)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", tmp_path
    finally:
        server.shutdown()
        server.server_close()


VERIFY = """async ([base, workers]) => {
  const w = new Worker("worker.js", { type: "module" });
  const progress = [];
  const answer = await new Promise((resolve) => {
    let size = null;
    w.onmessage = (e) => {
      if (e.data.progress) progress.push(e.data.progress.check);
      else if (e.data.workers) size = e.data.workers;
      else resolve({ ...e.data, workers: size });
    };
    w.onerror = (e) => resolve({ error: String(e.message) });
    w.postMessage({ verify: { base, workers } });
  });
  w.terminate();
  return { ...answer, progress };
}"""


def verify(page: Any, url: str, workers: int) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(VERIFY, [url, workers])
    assert "error" not in result, result.get("error")
    return result


def tamper(root: Path, name: str, change: Any) -> None:
    path = root / name
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_bytes(dump(doc))
    manifest_path = root / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"][name] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_bytes(dump(manifest))


def test_the_verifier_runs_in_web_workers_with_the_same_results(browser: Any, site: tuple[str, Path]) -> None:
    base, root = site
    page = browser.new_page()
    try:
        page.goto(base + "index.html")
        for record in ("record-v4", "record-v4-marks"):
            one = verify(page, f"{base}{record}/", 1)
            spread = verify(page, f"{base}{record}/", 3)
            assert [c["ok"] for c in one["results"]] == [True] * len(one["results"]), one["results"]
            assert (one["workers"], spread["workers"]) == (1, 3)
            assert spread["results"] == one["results"]
            assert "cast papers and trackers" in spread["progress"]

        def change(doc: dict[str, Any]) -> None:
            doc["papers"][1][0][1][2] = doc["papers"][1][0][1][1]

        shutil.copytree(root / "record-v4", root / "tampered")  # a new URL: nothing cached
        tamper(root / "tampered", "decryption.json", change)
        one = verify(page, f"{base}tampered/", 1)
        spread = verify(page, f"{base}tampered/", 3)
        assert spread["results"] == one["results"]
        failed = [c for c in spread["results"] if not c["ok"]]
        assert failed[0]["id"] == "V6"
        assert failed[0]["detail"].startswith("decryption.json: papers[1][0][1]: ")
    finally:
        page.close()
