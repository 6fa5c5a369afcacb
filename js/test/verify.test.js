// Node tests of the independent JavaScript verifier (js/src/verify/): the strict canonical-JSON reader, the
// proof of shuffle against the Python test vectors, and whole-record verification of a small committed v4 record
// (js/test/fixtures/record-v4, written by omov.crypto.record4's demo) and of tampered copies of it.
// tests/crypto/test_js_verifier.py runs the built verifier and `omov verify` side by side on larger records.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { readCanonical, canonicalText, compareCodePoints, RecordError } from "../src/verify/canonical.js";
import { verifyShuffle } from "../src/verify/shuffle.js";
import { pointFromHex, hexToBytes, bytesToHex, sha256 } from "../src/verify/group.js";
import { verifyRecord, firstFault } from "../src/verify/index.js";
import { inlinePool, workerPool } from "../src/verify/pool.js";
import { checkMarkPaper } from "../src/verify/marks.js";
import { batchHolds, newBatch } from "../src/verify/proofs.js";
import { Worker } from "node:worker_threads";

const here = dirname(fileURLToPath(import.meta.url));
const vectors = join(here, "..", "..", "tests", "crypto", "vectors");
const fixture = join(here, "fixtures", "record-v4");
const marksFixture = join(here, "fixtures", "record-v4-marks");
const enc = new TextEncoder();
const read = (s, file = "x.json") => readCanonical(enc.encode(s), file);

function refused(s, pattern) {
  assert.throws(() => read(s), (e) => e instanceof RecordError && pattern.test(e.message), `${JSON.stringify(s)} should be refused`);
}

test("the reader accepts canonical JSON", () => {
  const v = read('{"a":[1,-2,0,"x\\n\\u0001é"],"b":{"__proto__":true},"c":null}\n');
  assert.deepEqual(v.a, [1, -2, 0, "x\n\u0001é"]);
  assert.equal(v.b.__proto__, true);
  assert.equal(canonicalText(v), '{"a":[1,-2,0,"x\\n\\u0001é"],"b":{"__proto__":true},"c":null}');
});

test("the reader refuses what is not canonical, naming the item", () => {
  refused('{"count":1,"count":2}\n', /x\.json: count: the key "count" appears twice/);
  refused('{"b":1,"a":2}\n', /x\.json: a: the key "a" comes after "b"/);
  refused('{"a":[1.0]}\n', /x\.json: a\[0\]: a number must be an integer/);
  refused('{"a":1e3}\n', /integer/);
  refused('{"a":-0}\n', /-0 is not canonical/);
  refused('{"a":01}\n', /too long|expected/);
  refused('{"a": 1}\n', /whitespace/);
  refused('{"a":"\\/"}\n', /x\.json: a: the escape \\\/ is not canonical/);
  refused('{"a":"\\u0041"}\n', /not canonical/);
  refused('{"a":"\\ud83d\\ude00"}\n', /not canonical/);
  refused('{"a":"\\u000a"}\n', /short escape/);
  refused('{"a":"\\u001F"}\n', /lowercase/);
  refused('{"a":"\t"}\n', /must be escaped/);
  refused('{"a":1}', /does not end with a newline/);
  refused('{"a":1}\n\n', /more after the document/);
  refused('\ufeff{"a":1}\n', /byte-order mark/);
  refused('{"a":True}\n', /unexpected/);
  refused("[".repeat(33) + "]".repeat(33) + "\n", /nested deeper than 32/);
  assert.doesNotThrow(() => read("[".repeat(32) + "]".repeat(32) + "\n"));
  assert.throws(() => readCanonical(new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]), "bad.json"), /bad\.json: is not valid UTF-8/);
});

test("keys are ordered by code points, not UTF-16 units", () => {
  // U+FF5E is one unit 0xFF5E; U+1F600 is two units starting 0xD83D: by units the emoji sorts first, by code points last.
  assert.equal(compareCodePoints("\uff5e", "\u{1f600}"), -1);
  assert.doesNotThrow(() => read('{"\uff5e":1,"\u{1f600}":2}\n'));
  refused('{"\u{1f600}":1,"\uff5e":2}\n', /increasing order of code points/);
});

test("the proof of shuffle accepts the test vectors and refuses them with the outputs reversed", async () => {
  for (const name of ["shuffle_small.json", "shuffle_ranked.json"]) {
    const v = JSON.parse(readFileSync(join(vectors, name), "utf8"));
    const args = { inputs: v.inputs, outputs: v.outputs, proof: v.proof, publicKey: pointFromHex(v.public_key),
      pkBytes: hexToBytes(v.public_key), context: hexToBytes(v.context), width: v.width };
    assert.equal(await verifyShuffle(args), null, name);
    assert.notEqual(await verifyShuffle({ ...args, outputs: [...v.outputs].reverse() }), null);
    const bad = structuredClone(v.proof);
    bad.s_hat[0] = v.proof.s_hat[1];
    assert.match(await verifyShuffle({ ...args, proof: bad }), /t_hat\[0\]/);
  }
});

test("first faults follow record.md §6.3", () => {
  assert.equal(firstFault([2, 1, 3], 3), 0);
  assert.equal(firstFault([2, 0, 0], 3), 0);
  assert.equal(firstFault([0, 1, 2], 3), 1);
  assert.equal(firstFault([1, 0, 2], 3), 3);
  assert.equal(firstFault([1, 1], 3), 2);
  assert.equal(firstFault([1, 4], 3), 2);
  assert.equal(firstFault([1, null], 3), 2);
});

function loadFixture(root = fixture) {
  const files = new Map();
  const walk = (dir, prefix) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else files.set(`${prefix}${name}`, new Uint8Array(readFileSync(path)));
    }
  };
  walk(root, "");
  return files;
}

const reader = (files) => async (name) => {
  if (!files.has(name)) throw new Error(`no ${name}`);
  return files.get(name);
};

function rewrite(files, name, change) {
  const doc = JSON.parse(new TextDecoder().decode(files.get(name)));
  change(doc);
  files.set(name, enc.encode(`${canonicalText(doc)}\n`));
  const manifest = JSON.parse(new TextDecoder().decode(files.get("manifest.json")));
  manifest.files[name] = bytesToHex(sha256(files.get(name)));
  files.set("manifest.json", enc.encode(`${canonicalText(manifest)}\n`));
}

test("a small v4 record passes every check, with progress reported", async () => {
  const seen = [];
  const checks = await verifyRecord(reader(loadFixture()), {}, (p) => seen.push(p.check));
  for (const c of checks) assert.ok(c.ok, `${c.name}: ${c.detail}`);
  assert.deepEqual(checks.map((c) => c.id), ["V1", "V2", "V2b", "V3", "V4", "V5.1", "V6", "V7", "V8"]);
  assert.match(checks.at(-1).detail, /omov verify/);
  assert.ok(seen.includes("decryption shares"));
});

test("tampered copies fail, naming the file and the item", async () => {
  const cases = [
    ["papers.json", (d) => { d.papers[1].credential = d.papers[0].credential; }, "V4", /papers\.json: papers\[1\]\.credential: /],
    ["decryption.json", (d) => { d.papers[0][0][1][2] = d.papers[0][0][0][2]; }, "V6", /decryption\.json: papers\[0\]\[0\]\[1\]: /],
    ["mixes/mix-01.json", (d) => { d.proof.s1 = d.proof.s2; }, "V5.1", /mixes\/mix-01\.json: proof: /],
    ["results.json", (d) => { d.count.stages[0].totals[d.count.candidates[0]] = "99.00000"; }, "V8", /results\.json: count: stages\[0\]\.totals\./],
    ["trustees.json", (d) => { d.combines[0].proof.z = d.combines[0].proof.c; }, "V3", /trustees\.json: combines\[0\]\.proof: /],
  ];
  for (const [name, change, id, pattern] of cases) {
    const files = loadFixture();
    rewrite(files, name, change);
    const checks = await verifyRecord(reader(files), {});
    const c = checks.find((x) => x.id === id);
    assert.equal(c.ok, false, `${name}: ${id} should fail`);
    assert.match(c.detail, pattern);
  }
});

test("a missing file, a wrong digest and an unknown version are named", async () => {
  let files = loadFixture();
  files.delete("credentials.json");
  let checks = await verifyRecord(reader(files), {});
  assert.match(checks[0].detail, /credentials\.json: the file is missing/);
  assert.match(checks.find((c) => c.id === "V2b").detail, /^not checked: credentials\.json: the file is missing/);
  files = loadFixture();
  files.set("results.json", enc.encode(new TextDecoder().decode(files.get("results.json")).replace('"status":"valid"', '"status":"valid" ')));
  checks = await verifyRecord(reader(files), {});
  assert.match(checks[0].detail, /results\.json: its SHA-256 is not the one the manifest lists/);
  files = loadFixture();
  rewrite(files, "manifest.json", (d) => { d.version = 5; });
  checks = await verifyRecord(reader(files), {});
  assert.match(checks[0].detail, /version 5 is not 3 or 4/);
});

test("a pool of worker threads gives the same results as one thread, honest or tampered", async () => {
  // Worker threads running the tasks from the sources (as omov/web/static/omov/verify/cli-worker.mjs does from the bundle).
  const source = `import { parentPort } from "node:worker_threads";
    import { taskReply } from ${JSON.stringify(new URL("../src/verify/pool.js", import.meta.url).href)};
    parentPort.on("message", (m) => parentPort.postMessage(taskReply(m)));`;
  const spawn = () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`));
  const pool = workerPool([spawn(), spawn()]);
  try {
    const cases = [
      [fixture, null, null],
      [fixture, "decryption.json", (d) => { d.papers[2][1][0][2] = d.papers[2][1][0][1]; }],
      [fixture, "mixes/mix-01.json", (d) => { d.outputs[1] = d.outputs[1].slice(0, 64) + "00".repeat(32) + d.outputs[1].slice(128); }],
      [fixture, "mixes/mix-01.json", (d) => { d.proof.s_prime[2] = d.proof.s_prime[0]; }],
      [fixture, "papers.json", (d) => { d.papers[2].signature.z = d.papers[2].signature.c; }],
      [fixture, "credentials.json", (d) => { d.keys[3] = "ff".repeat(32); d.keys.sort(); }],
      [marksFixture, null, null],
      [marksFixture, "decryption.json", (d) => { d.tally[1][0][2] = d.tally[1][0][1]; }],
      [marksFixture, "papers.json", (d) => { d.papers[3].credential = d.papers[1].credential; }],
      [marksFixture, "papers.json", (d) => { d.papers[1].tracker = d.papers[0].tracker; }],
    ];
    for (const [root, name, change] of cases) {
      const files = loadFixture(root);
      if (name) rewrite(files, name, change);
      const here1 = await verifyRecord(reader(files), { pool: inlinePool() });
      const spread = await verifyRecord(reader(files), { pool });
      assert.deepEqual(spread, here1, `${root} ${name}`);
      assert.equal(here1.every((c) => c.ok), name === null, `${root} ${name}: ${JSON.stringify(here1.filter((c) => !c.ok))}`);
    }
  } finally {
    pool.close();
  }
});

test("mark proofs checked in a batch: a false branch equation fails the batch and is named one by one", async () => {
  const files = loadFixture(marksFixture);
  const params = JSON.parse(new TextDecoder().decode(files.get("parameters.json")));
  const papers = JSON.parse(new TextDecoder().decode(files.get("papers.json"))).papers;
  const F = hexToBytes(bytesToHex(sha256(files.get("parameters.json"))));
  const PK = pointFromHex(params.public_key);
  const pkBytes = hexToBytes(params.public_key);
  const binding = (e) => new Uint8Array([...F, ...hexToBytes(e.credential)]);
  for (const e of papers) {
    const batch = newBatch();
    checkMarkPaper(hexToBytes(e.ciphertexts), params.question, params.election, binding(e), PK, pkBytes, batch);
    assert.ok(batchHolds(batch, PK));
  }
  // Option 1's proof: field 2 + k + 1; its z_0 (not hashed) is replaced by z_1.
  const e = papers[0];
  const P = hexToBytes(e.ciphertexts);
  const k = params.question.options;
  let at = 0;
  for (let f = 0; f < 2 + k + 1; f++) at += 8 + Number(new DataView(P.buffer, at, 8).getBigUint64(0));
  const proof = at + 8;
  const pairs = proof + 4 + 128;
  P.set(P.slice(pairs + 64 + 32, pairs + 128), pairs + 32);
  const batch = newBatch();
  checkMarkPaper(P, params.question, params.election, binding(e), PK, pkBytes, batch);
  assert.equal(batchHolds(batch, PK), false);
  assert.throws(() => checkMarkPaper(P, params.question, params.election, binding(e), PK, pkBytes), /option 1's 0\/1 proof does not verify/);
});
