// The JavaScript verifier in a browser: a module Web Worker (hand-written; the verifier itself is verifier.js,
// built by js/build.mjs from js/src/verify/). Start it with
//
//   const w = new Worker("/static/omov/verify/worker.js", { type: "module" });
//   w.postMessage({ verify: { base: "https://…/record/", options: { tracker: "…" }, workers: 4 } });
//
// and it answers {workers: n} (how many workers share the checks), {progress: {check, done, total}} as checks
// advance, then {results: [{id, name, ok, detail}]}
// or {error: "…"}. `base` is the URL of the record's directory (files are fetched as base + "papers.json");
// `workers` (default navigator.hardwareConcurrency) is how many more Web Workers of this same file share the
// heavy per-paper checks; 1 checks everything in this worker. A worker started by another one only answers
// task messages ({id, name, ctx, payload}, see js/src/verify/pool.js).
import { inlinePool, taskReply, verifyRecord, workerPool } from "./verifier.js";

async function verify({ base, options = {}, workers }) {
  const readFile = async (name) => {
    const response = await fetch(new URL(name, base));
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const cores = (globalThis.navigator && navigator.hardwareConcurrency) || 1;
  const n = Math.max(1, Math.min(16, workers ?? cores));
  let pool = inlinePool();
  if (n > 1 && typeof Worker === "function") {
    try {
      pool = workerPool(Array.from({ length: n }, () => new Worker(import.meta.url, { type: "module" })));
    } catch {
      pool = inlinePool(); // a browser without nested workers checks everything here
    }
  }
  self.postMessage({ workers: pool.size });
  try {
    return await verifyRecord(readFile, { ...options, pool }, (progress) => self.postMessage({ progress }));
  } finally {
    pool.close();
  }
}

self.addEventListener("message", async (event) => {
  const message = event.data;
  if (message && message.verify) {
    try {
      self.postMessage({ results: await verify(message.verify) });
    } catch (e) {
      self.postMessage({ error: `${e && e.message ? e.message : e}` });
    }
  } else if (message && "name" in message && "payload" in message) {
    self.postMessage(taskReply(message));
  }
});
