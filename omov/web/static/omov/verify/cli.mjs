#!/usr/bin/env node
// The JavaScript verifier of omov's election records on the command line (hand-written; the verifier itself is
// verifier.js, built by js/build.mjs from js/src/verify/):
//
//   node omov/web/static/omov/verify/cli.mjs RECORD_DIR [--fingerprint F] [--tracker T] [--head H] [--all] [--fail-fast]
//       [--workers N]
//
// The heavy per-paper checks run on N worker threads (cli-worker.mjs; default: one per core); --workers 1 runs
// everything in this thread. The results are the same.
// Prints one line per check (✓ or ✗ and a sentence); exits 0 only if every check passes, 1 if any fails, 2 on
// bad usage. It re-checks everything in the record except the full recount of the count sheet, which is the
// Python verifier's (`omov verify`) and `omov count`'s job; see docs/record.md §3 and docs/verifier-js.md.
import { readFile, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { availableParallelism, cpus } from "node:os";
import { Worker } from "node:worker_threads";
import { inlinePool, verifyRecord, workerPool } from "./verifier.js";

const USAGE = "usage: node cli.mjs RECORD_DIR [--fingerprint HASH] [--tracker CODE] [--head [N:]HASH] [--all] [--fail-fast] [--workers N] [--quiet]";

function parse(argv) {
  const out = { options: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--fingerprint") out.options.fingerprint = value();
    else if (a === "--tracker") out.options.tracker = value();
    else if (a === "--head") out.options.head = value();
    else if (a === "--all") out.options.all = true;
    else if (a === "--fail-fast") out.options.failFast = true;
    else if (a === "--quiet") out.quiet = true;
    else if (a === "--workers") {
      const v = value();
      if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`--workers needs a positive whole number, not ${JSON.stringify(v)}`);
      out.workers = Number(v);
    }
    else if (a === "-h" || a === "--help") out.help = true;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else if (out.dir === undefined) out.dir = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!out.help && out.dir === undefined) throw new Error("RECORD_DIR is missing");
  return out;
}

let args;
try {
  args = parse(process.argv.slice(2));
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const root = resolve(args.dir);
try {
  if (!(await stat(root)).isDirectory()) throw new Error();
} catch {
  console.error(`${args.dir}: not a directory\n${USAGE}`);
  process.exit(2);
}

async function readRecordFile(name) {
  const path = resolve(root, name);
  if (!path.startsWith(root + sep)) throw new Error(`${name}: outside the record`);
  return new Uint8Array(await readFile(join(path)));
}

let lastShown = 0;
function onProgress({ check, done, total }) {
  if (args.quiet || !process.stderr.isTTY || total <= 1) return;
  const now = Date.now();
  if (now - lastShown < 200 && done < total) return;
  lastShown = now;
  process.stderr.write(`\r${check}: ${done}/${total}\x1b[K${done >= total ? "\r\x1b[K" : ""}`);
}

const started = Date.now();
const cores = typeof availableParallelism === "function" ? availableParallelism() : cpus().length;
const workers = args.workers ?? Math.max(1, cores);
const pool = workers > 1
  ? workerPool(Array.from({ length: workers }, () => new Worker(new URL("./cli-worker.mjs", import.meta.url))))
  : inlinePool();
let checks;
try {
  checks = await verifyRecord(readRecordFile, { ...args.options, pool }, onProgress);
} finally {
  pool.close();
}
if (process.stderr.isTTY && !args.quiet) process.stderr.write("\r\x1b[K");
for (const c of checks) console.log(`${c.ok ? "✓" : "✗"} ${c.name}${c.detail ? `: ${c.detail}` : ""}`);
const failed = checks.filter((c) => !c.ok).length;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failed || checks.length === 0) {
  console.log(`FAILED: ${failed} of ${checks.length} checks failed (${seconds} s)`);
  process.exit(1);
}
console.log(`OK: all ${checks.length} checks passed (${seconds} s); the full recount is \`omov verify\`'s`);
process.exit(0);
