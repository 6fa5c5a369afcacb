// Drives omov's browser bundle (omov/web/static/omov/booth/omov-crypto.js) from Python tests: reads
// {"calls": [{"fn": name, "args": [...], "nonces": [scalar hex, ...] (optional)}, ...]} on stdin and writes {"results": [...]} (each an {"ok": value} or
// {"error": message}) on stdout. Used by tests/crypto/test_js_interop.py.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const booth = await import(join(here, "..", "..", "omov", "web", "static", "omov", "booth", "omov-crypto.js"));

/** The bundle's randomness source replaced by listed scalars (32-byte little-endian hex), as in the vectors. */
function scripted(nonces) {
  const values = nonces.map((h) => BigInt("0x" + h.match(/../g).reverse().join("")));
  return {
    scalar() {
      if (!values.length) throw new Error("the operation drew more nonces than were listed");
      return values.shift();
    },
  };
}

const request = JSON.parse(readFileSync(0, "utf8"));
const results = request.calls.map(({ fn, args, nonces }) => {
  if (typeof booth[fn] !== "function") return { error: `no function ${fn} in the bundle` };
  try {
    return { ok: nonces ? booth[fn](...args, scripted(nonces)) : booth[fn](...args) };
  } catch (err) {
    return { error: String(err.message) };
  }
});
process.stdout.write(JSON.stringify({ results }));
