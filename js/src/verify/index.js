// omov's second, independent verifier of election records (docs/record.md v3 and v4), in JavaScript.
// Written from docs/record.md and docs/crypto.md alone; it shares no code with omov's Python verifier
// (omov/crypto/verify*.py) nor with the booth's JavaScript (js/src/crypto/). It runs in a browser (a Web
// Worker: no DOM) and under node (omov/web/static/omov/verify/cli.mjs).
//
//   verifyRecord(readFile, options, onProgress) -> [{id, name, ok, detail}]
//     readFile(name): Promise<Uint8Array> of the record's file `name` ("manifest.json", "mixes/mix-01.json");
//       rejects when the file does not exist.
//     options: {fingerprint, tracker, head, all, failFast, pool}
//       pool: where the heavy per-paper checks run (pool.js: workerPool over Web Workers or worker threads);
//       by default in this thread. The results are the same either way.
//     onProgress({check, done, total}): called as long checks advance.
//
// The count (V8) is checked only where it can be checked exactly without re-running the counting rules: the
// numbers of valid and invalid papers and every candidate's first-stage total against the decrypted papers
// (for "marks": the decrypted totals). The full recount is the job of the Python verifier (`omov verify`) and
// of `omov count`.
import { RecordError, readCanonical } from "./canonical.js";
import {
  CREDENTIALS, MANIFEST, MIX, TRUSTEES, checkShape, decryptionShape, papersShape, parametersShape, resultsShape,
} from "./shape.js";
import {
  G, G_HEX, L, ZERO, bytesToHex, enc, equalBytes, hexToBytes, lengthPrefixed, mul, pointFromHex, scalarFromHex,
  sha256, text, u32, u64, clearPointCache,
} from "./group.js";
import { verifyDleq } from "./proofs.js";
import { verifyShuffle } from "./shuffle.js";
import { checkCeremony } from "./trustees.js";
import { checkCount } from "./count.js";
import { inlinePool, mapChunks } from "./pool.js";

export const VERSIONS = [3, 4];
export const RULES = ["fptp", "bloc", "approval", "irv", "scottish", "ers97", "meek", "wigm"];
export const RECOUNT_NOTE = "the full recount under the rule is done by the Python verifier (`omov verify`) and `omov count`";

class Failed extends Error {}
const fail = (msg) => {
  throw new Failed(msg);
};

const hex = (b) => bytesToHex(b);
const short = (h) => `${h.slice(0, 16)}…`;

// Lagrange coefficient at 0 of trustee T among `present`.
function lagrange(T, present) {
  let num = 1n;
  let den = 1n;
  for (const U of present) {
    if (U === T) continue;
    num = (num * BigInt(U)) % L;
    den = (den * (((BigInt(U) - BigInt(T)) % L) + L)) % L;
  }
  return (num * modInverse(den)) % L;
}

function modInverse(x) {
  // Fermat: x^(L-2) mod L
  let result = 1n;
  let base = x % L;
  let e = L - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % L;
    base = (base * base) % L;
    e >>= 1n;
  }
  return result;
}

// The m in 0..max with M = m*G, or null (baby-step giant-step).
const babySteps = new Map();
function smallLog(M, max) {
  const step = Math.max(1, Math.ceil(Math.sqrt(max + 1)));
  let baby = babySteps.get(step);
  if (baby === undefined) {
    baby = new Map();
    let P = ZERO;
    for (let i = 0; i < step; i++) {
      baby.set(hex(enc(P)), i);
      P = P.add(G);
    }
    babySteps.clear();
    babySteps.set(step, baby);
  }
  const giant = mul(G, BigInt(step));
  let Q = M;
  for (let g = 0; g * step <= max; g++) {
    const i = baby.get(hex(enc(Q)));
    if (i !== undefined && g * step + i <= max) return g * step + i;
    Q = Q.subtract(giant);
  }
  return null;
}

// The first fault (1-based) of decrypted values (null for "none"), or 0 when there is none (record.md §6.3).
export function firstFault(values, C) {
  const seen = new Set();
  let blank = false;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v === null || v > C) return j + 1;
    if (j === 0 && v === 0) return 1;
    if (v !== 0 && blank) return j + 1;
    if (v !== 0 && seen.has(v)) return j + 1;
    if (v === 0) blank = true;
    else seen.add(v);
  }
  return 0;
}

function chainHash(chain, previous, position, tracker) {
  return hex(sha256(text(`omov-chain-v1\n${chain}\n${previous}\n${position}\n${tracker}`)));
}

export async function verifyRecord(readFile, options = {}, onProgress = () => {}) {
  const results = [];
  const status = new Map(); // check id -> ok
  const docs = new Map(); // file name -> parsed document (absent when refused)
  const refusals = new Map(); // file name -> the refusal
  const bytesOf = new Map();
  const lookupOnly = Boolean(options.tracker) && !options.all;
  let stop = false;
  const state = {};
  const pool = options.pool ?? inlinePool();
  clearPointCache();

  const progress = (check, done, total) => {
    try {
      onProgress({ check, done, total });
    } catch {
      /* a progress display must not stop the verifier */
    }
  };
  // Give the event loop (and a worker's message port) a turn now and then.
  const breathe = () => new Promise((r) => setTimeout(r, 0));

  async function run(id, name, needs, files, body) {
    if (stop) return;
    progress(name, 0, 1);
    let ok = false;
    let detail;
    const failedDep = needs.find((d) => status.has(d) && status.get(d) === false);
    const missingFile = files.find((f) => !docs.has(f));
    if (failedDep) {
      detail = `not checked: depends on ${results.find((r) => r.id === failedDep).name}`;
    } else if (missingFile) {
      detail = `not checked: ${refusals.get(missingFile) ?? `${missingFile} was not read`}`;
    } else {
      try {
        detail = await body();
        ok = true;
      } catch (e) {
        detail = e instanceof Failed || e instanceof RecordError ? e.message : `${e && e.message ? e.message : e}`;
        if (!(e instanceof Failed) && !(e instanceof RecordError)) detail = `internal error: ${detail}`;
      }
    }
    status.set(id, ok);
    results.push({ id, name, ok, detail });
    progress(name, 1, 1);
    if (!ok && options.failFast) stop = true;
    await breathe();
  }

  // ---------------------------------------------------------------- V1
  let manifest = null;
  let version = null;
  await run("V1", "manifest and file digests", [], [], async () => {
    let mbytes;
    try {
      mbytes = await readFile("manifest.json");
    } catch {
      fail("manifest.json: the file is missing");
    }
    manifest = readCanonical(mbytes, "manifest.json");
    if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) fail("manifest.json: must be an object");
    if (manifest.format !== "omov-election-record") {
      fail(`manifest.json: format: is ${JSON.stringify(manifest.format)}, not "omov-election-record"`);
    }
    if (typeof manifest.version !== "number" || !VERSIONS.includes(manifest.version)) {
      fail(`manifest.json: version: version ${JSON.stringify(manifest.version)} is not ${VERSIONS.join(" or ")} (the versions this verifier knows)`);
    }
    version = manifest.version;
    checkShape(manifest, MANIFEST, "manifest.json");
    const files = manifest.files;
    if (files === null || typeof files !== "object" || Array.isArray(files)) fail("manifest.json: files: must be an object");
    const required = ["parameters.json", "trustees.json", "papers.json", "decryption.json", "results.json"];
    if (version >= 4) required.push("credentials.json");
    for (const name of required) if (!(name in files)) fail(`manifest.json: files: ${name} is not listed`);
    for (const name of Object.keys(files)) {
      if (!required.includes(name) && !/^mixes\/mix-[^/]*\.json$/.test(name)) {
        fail(`manifest.json: files: ${JSON.stringify(name)} is not a file a record holds`);
      }
      if (name.includes("..")) fail(`manifest.json: files: ${JSON.stringify(name)} contains '..'`);
      if (typeof files[name] !== "string" || !/^[0-9a-f]{64}$/.test(files[name])) {
        fail(`manifest.json: files.${name}: must be 64 lowercase hex digits`);
      }
    }
    const problems = [];
    // parameters.json first: its kind decides the other files' shapes.
    const names = ["parameters.json", ...Object.keys(files).filter((n) => n !== "parameters.json").sort()];
    let kind = "ranked";
    for (const name of names) {
      let bytes;
      try {
        bytes = await readFile(name);
      } catch {
        const msg = `${name}: the file is missing`;
        problems.push(msg);
        refusals.set(name, msg);
        continue;
      }
      bytesOf.set(name, bytes);
      if (hex(sha256(bytes)) !== files[name]) problems.push(`${name}: its SHA-256 is not the one the manifest lists`);
      try {
        const doc = readCanonical(bytes, name);
        let shape;
        if (name === "parameters.json") {
          if (version >= 4 && doc && typeof doc === "object" && (doc.kind === "marks" || doc.kind === "ranked")) kind = doc.kind;
          shape = parametersShape(version, kind);
        } else if (name === "trustees.json") shape = TRUSTEES;
        else if (name === "papers.json") shape = papersShape(version);
        else if (name === "credentials.json") shape = CREDENTIALS;
        else if (name === "decryption.json") shape = decryptionShape(kind);
        else if (name === "results.json") shape = resultsShape(kind);
        else shape = MIX;
        checkShape(doc, shape, name);
        docs.set(name, doc);
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        problems.push(e.message);
        refusals.set(name, e.message);
      }
      progress("manifest and file digests", names.indexOf(name) + 1, names.length);
    }
    state.kind = kind;
    const F = bytesOf.has("parameters.json") ? hex(sha256(bytesOf.get("parameters.json"))) : null;
    state.F = F;
    if (F !== null && F !== manifest.fingerprint) {
      problems.push(`manifest.json: fingerprint: is not the SHA-256 of parameters.json (${F})`);
    }
    if (problems.length) fail(problems.join("; "));
    return `${names.length} files, canonical JSON, SHA-256 digests match; fingerprint ${F}`;
  });
  if (!manifest || version === null) return finish();
  const E = manifest.election;
  const Fbytes = state.F ? hexToBytes(state.F) : null;
  const kind = state.kind;

  // ---------------------------------------------------------------- V2
  const params = docs.get("parameters.json");
  let C = 0;
  let k = 0;
  let PK = null;
  let pkBytes = null;
  let mixNames = [];
  await run("V2", "parameters", [], ["parameters.json"], async () => {
    const p = params;
    const where = (item, msg) => fail(`parameters.json: ${item}: ${msg}`);
    if (p.election !== E) where("election", `is ${JSON.stringify(p.election)}, not the manifest's ${JSON.stringify(E)}`);
    if (p.group !== "ristretto255") where("group", `is ${JSON.stringify(p.group)}, not "ristretto255"`);
    if (p.generator !== G_HEX) where("generator", "is not the standard generator G of ristretto255");
    if (p.shuffle_proof !== "omov/shuffle/v1") where("shuffle_proof", `is ${JSON.stringify(p.shuffle_proof)}, not "omov/shuffle/v1"`);
    C = p.candidates.length;
    if (C < 2) where("candidates", "need at least two candidates");
    if (new Set(p.candidates).size !== C) where("candidates", "a name appears twice");
    k = p.width;
    if (!(k >= 1 && k <= C)) where("width", `need 1 <= width <= ${C} candidates, not ${k}`);
    if (!(p.seats >= 1 && p.seats < C)) where("seats", `need 1 <= seats < ${C} candidates, not ${p.seats}`);
    PK = pointFromHex(p.public_key);
    if (PK === null) where("public_key", "is not a valid ristretto255 point");
    if (PK.is0()) where("public_key", "is the identity");
    pkBytes = hexToBytes(p.public_key);
    if (!RULES.includes(p.rule)) where("rule", `${JSON.stringify(p.rule)} is not a rule the counter knows (${RULES.join(", ")})`);
    if (version >= 4) {
      if (p.kind !== "ranked" && p.kind !== "marks") where("kind", `is ${JSON.stringify(p.kind)}, not "ranked" or "marks"`);
      if (p.kind === "marks") {
        const q = p.question;
        if (q.options !== C || q.options !== k) where("question.options", `must equal the width and the number of candidates (${C}), not ${q.options}`);
        if (!(q.min_marks <= q.max_marks && q.max_marks <= q.options)) where("question", "need 0 <= min_marks <= max_marks <= options");
        if (p.mixers.length !== 0) where("mixers", "a marks record has no mix servers");
      }
    }
    if (kind === "ranked" && p.mixers.length < 1) where("mixers", "need at least one mix server");
    mixNames = p.mixers.map((_, s) => `mixes/mix-${String(s + 1).padStart(2, "0")}.json`);
    const listed = Object.keys(manifest.files).filter((n) => n.startsWith("mixes/")).sort();
    if (listed.join(",") !== mixNames.join(",")) {
      fail(`manifest.json: files: the mix files are [${listed.join(", ")}], not one per mix server [${mixNames.join(", ")}]`);
    }
    if (PK.precompute) PK.precompute(8, false);
    return `${C} candidates, ${p.seats} seats, width ${k}, rule ${p.rule}, ` +
      (version >= 4 ? `kind ${kind}, ` : "") + `${p.mixers.length} mix server${p.mixers.length === 1 ? "" : "s"}`;
  });

  if (options.fingerprint !== undefined && options.fingerprint !== null) {
    await run("V2a", "published fingerprint", [], [], async () => {
      const want = String(options.fingerprint).trim().toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(want)) fail(`the published fingerprint ${JSON.stringify(options.fingerprint)} is not 64 hex digits`);
      if (!state.F) fail("not checked: parameters.json was not read");
      if (want !== state.F) fail(`parameters.json's fingerprint is ${state.F}, not the published ${want}: these are not the parameters published before voting opened`);
      return `parameters.json is the one published before voting opened (${want})`;
    });
  }

  // ---------------------------------------------------------------- V2b (v4)
  let credentialSet = null;
  if (version >= 4) {
    await run("V2b", "voters' credentials", ["V2"], ["credentials.json", "parameters.json"], async () => {
      const doc = docs.get("credentials.json");
      const digest = hex(sha256(bytesOf.get("credentials.json")));
      if (digest !== params.credentials) fail(`parameters.json: credentials: is not the SHA-256 of credentials.json (${digest})`);
      if (doc.election !== E) fail(`credentials.json: election: is ${JSON.stringify(doc.election)}, not ${JSON.stringify(E)}`);
      credentialSet = new Set();
      // The keys are decoded by the pool; the first fault in list order is reported, order before point.
      const keys = doc.keys;
      let bad = null;
      await mapChunks(pool, "credentials", {}, keys, 2000, (r) => {
        if (r !== null && bad === null) bad = r;
        if (bad !== null) fail();
      }).catch((e) => {
        if (!(e instanceof Failed)) throw e;
      });
      keys.forEach((key, i) => {
        if (i > 0 && !(keys[i - 1] < key)) {
          fail(`credentials.json: keys[${i}]: ${keys[i - 1] === key ? "appears twice" : "is not after the key before it (keys must be strictly increasing)"}`);
        }
        if (bad !== null && bad.at === i) fail(`credentials.json: keys[${i}]: ${bad.msg}`);
        credentialSet.add(key);
      });
      return `${doc.keys.length} credential public keys, strictly increasing, valid points; bound to the parameters`;
    });
  }

  // ---------------------------------------------------------------- V3
  let ceremony = null;
  if (!lookupOnly) {
    await run("V3", "trustee keys", ["V2"], ["trustees.json", "parameters.json"], async () => {
      const doc = docs.get("trustees.json");
      try {
        ceremony = checkCeremony(doc, E);
      } catch (e) {
        fail(e.message);
      }
      if (ceremony.pkHex !== params.public_key) fail("trustees.json: public_key: is not parameters.json's public_key");
      for (const X of ceremony.keys.values()) if (X.precompute) X.precompute(8, false);
      return `${doc.trustees} trustees, threshold ${doc.threshold}; commitments' and key shares' proofs verify; public key recomputed and the one in parameters.json`;
    });
  }

  // ---------------------------------------------------------------- V4
  const papersDoc = docs.get("papers.json");
  let markSums = null; // marks: per option, the sum (a, b) of its ciphertexts over the papers
  await run("V4", "cast papers and trackers", version >= 4 ? ["V2", "V2b"] : ["V2"], ["papers.json", "parameters.json"], async () => {
    const doc = papersDoc;
    const list = doc.papers;
    const N = list.length;
    const where = (i, item, msg) => fail(`papers.json: papers[${i}]${item ? `.${item}` : ""}: ${msg}`);
    if (N < 2) fail(`papers.json: papers: ${N} paper${N === 1 ? "" : "s"}; a record needs at least two`);
    const chainName = `record:${E}:papers`;
    if (doc.chain !== chainName) fail(`papers.json: chain: is ${JSON.stringify(doc.chain)}, not ${JSON.stringify(chainName)}`);
    const seenP = new Map();
    const seenA = new Map();
    const seenCred = new Map();
    const question = kind === "marks" ? params.question : null;
    let previous = "0".repeat(64);
    // Each paper's own checks (tracker, signature, proof of randomness or mark proofs) run in the pool, a chunk
    // at a time; here, in order, what depends on the papers before it: copies, credentials used twice, the chain.
    const serial = (i, e, own, aList) => {
      const n = i + 1;
      const Phex = e.ciphertexts;
      if (seenP.has(Phex)) where(i, "ciphertexts", `paper ${n} is a copy of paper ${seenP.get(Phex)}`);
      seenP.set(Phex, n);
      if (version < 4) {
        const P = hexToBytes(Phex);
        if (P.length !== 64 * k) where(i, "ciphertexts", `is ${P.length} bytes, not 64·${k}`);
        const tracker = hex(sha256(lengthPrefixed(text("omov/record/v3/tracker"), Fbytes, P)));
        if (e.tracker !== tracker) where(i, "tracker", `is not the tracker of paper ${n} (${tracker})`);
      } else {
        if (!credentialSet.has(e.credential)) where(i, "credential", "is not in credentials.json");
        if (seenCred.has(e.credential)) where(i, "credential", `signs a second paper: paper ${seenCred.get(e.credential)} was cast under the same credential`);
        seenCred.set(e.credential, n);
        if (own !== null) fail(own);
      }
      // the chain (after the paper, so that a rewritten tracker is named as such)
      if (e.position !== n) where(i, "position", `paper ${n} is not chained to paper ${n - 1}: its position is ${e.position}`);
      if (e.previous_hash !== previous) where(i, "previous_hash", `paper ${n} is not chained to paper ${n - 1}: its previous_hash is not paper ${n - 1}'s entry hash`);
      const entry = chainHash(doc.chain, previous, n, e.tracker);
      if (e.entry_hash !== entry) where(i, "entry_hash", `is not the hash of paper ${n}'s chain entry`);
      previous = entry;
      for (const a of aList) {
        if (seenA.has(a)) where(i, "ciphertexts", `a ciphertext component a appears twice (paper ${seenA.get(a)} and paper ${n}): a replayed or copied encryption`);
        seenA.set(a, n);
      }
    };
    const rankedA = (Phex) => {
      const out = [];
      for (let j = 0; j < k; j++) out.push(Phex.slice(128 * j, 128 * j + 64));
      return out;
    };
    if (version < 4) {
      for (let i = 0; i < N; i++) {
        serial(i, list[i], null, rankedA(list[i].ciphertexts));
        if (i % 500 === 499) {
          progress("cast papers and trackers", i + 1, N);
          await breathe();
        }
      }
    } else {
      const ctx = { key: `papers:${E}:${state.F}:${kind}`, kind, E, F: state.F, k, pk: params.public_key, question };
      const sums = kind === "marks" ? Array.from({ length: k }, () => [ZERO, ZERO]) : null;
      await mapChunks(pool, "papers", ctx, list, 25, async (r, offset) => {
        r.errors.forEach((own, x) => {
          const i = offset + x;
          serial(i, list[i], own, kind === "marks" ? r.aLists[x] : rankedA(list[i].ciphertexts));
        });
        if (sums) {
          r.sums.forEach(([a, b], j) => {
            sums[j][0] = sums[j][0].add(pointFromHex(a));
            sums[j][1] = sums[j][1].add(pointFromHex(b));
          });
        }
        progress("cast papers and trackers", Math.min(N, offset + r.errors.length), N);
        await breathe();
      });
      if (sums) markSums = sums;
    }
    if (doc.head.position !== N) fail(`papers.json: head.position: the head says position ${doc.head.position}, but the list ends at paper ${N}`);
    if (doc.head.hash !== previous) fail(`papers.json: head.hash: is not paper ${N}'s entry hash`);
    const extra = version >= 4 ? (kind === "ranked" ? ", signatures and proofs of randomness verify, no credential twice" : ", signatures and mark proofs verify, no credential twice") : "";
    return `${N} papers, trackers match, chained 1..${N} up to the head ${short(doc.head.hash)}${extra}, no paper or ciphertext repeated`;
  });

  if (!lookupOnly && kind === "ranked") {
    // -------------------------------------------------------------- V5
    let inputs = papersDoc ? papersDoc.papers.map((p) => p.ciphertexts) : null;
    let previousId = "V4";
    for (let s = 1; s <= mixNames.length; s++) {
      const file = mixNames[s - 1];
      const id = `V5.${s}`;
      const name = `mix ${s} (${params.mixers[s - 1]}) proof of shuffle`;
      const needs = ["V3", previousId];
      await run(id, name, needs, [file, "parameters.json", "papers.json"], async () => {
        const mix = docs.get(file);
        if (mix.index !== s) fail(`${file}: index: is ${mix.index}, not ${s}`);
        if (mix.mixer !== params.mixers[s - 1]) fail(`${file}: mixer: is ${JSON.stringify(mix.mixer)}, not ${JSON.stringify(params.mixers[s - 1])} as in parameters.json`);
        mix.outputs.forEach((o, i) => {
          if (o.length !== 128 * k) fail(`${file}: outputs[${i}]: is ${o.length / 2} bytes, not 64·${k}`);
        });
        const context = lengthPrefixed(text("omov/mix/v2"), text(E), Fbytes, u64(s));
        const reason = await verifyShuffle({
          inputs, outputs: mix.outputs, proof: mix.proof, publicKey: PK, pkBytes, context, width: k, pool,
          onStep: (done) => progress(name, done, inputs.length),
        });
        if (reason !== null) fail(`${file}: proof: ${reason}`);
        return `${inputs.length} papers shuffled and re-encrypted; proof of shuffle verifies`;
      });
      inputs = docs.has(file) ? docs.get(file).outputs : inputs;
      previousId = id;
    }
    state.lastMix = previousId;
    state.finalPapers = inputs;
  }

  // ---------------------------------------------------------------- V6, V7
  const present = docs.get("decryption.json")?.present;
  if (!lookupOnly && kind === "ranked") {
    let values = null;
    const lastFile = mixNames[mixNames.length - 1];
    await run("V6", "decryption shares", [state.lastMix, "V3"], ["decryption.json", lastFile], async () => {
      const dec = docs.get("decryption.json");
      const outs = state.finalPapers;
      checkPresent(dec.present);
      if (dec.papers.length !== outs.length) fail(`decryption.json: papers: ${dec.papers.length} papers, not one per output paper of the last mix (${outs.length})`);
      values = [];
      let count = 0;
      const N = outs.length;
      const keys = {};
      for (const T of dec.present) keys[T] = hex(enc(ceremony.keys.get(T)));
      const ctx = {
        key: `shares:${E}:${state.F}:${dec.present.join(",")}`, E, F: state.F, k, C, present: dec.present, keys, lastFile,
      };
      const items = outs.map((out, i) => ({ out, paper: dec.papers[i] }));
      await mapChunks(pool, "shares", ctx, items, 10, async (r, offset) => {
        r.errors.forEach((error, x) => {
          if (error !== null) fail(error);
          values.push(r.values[x]);
        });
        count += r.count;
        progress("decryption shares", Math.min(N, offset + r.errors.length), N);
        await breathe();
      });
      return `${count} decryption shares by trustees [${dec.present.join(", ")}] verify (Chaum–Pedersen)`;
    });

    await run("V7", "decrypted papers", ["V6"], ["results.json"], async () => {
      const res = docs.get("results.json");
      if (res.papers.length !== values.length) fail(`results.json: papers: ${res.papers.length} papers, not ${values.length} (one per decrypted paper)`);
      let valid = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const fault = firstFault(v, C);
        if (v.length < k && fault !== v.length) {
          fail(`decryption.json: papers[${i}]: ${v.length} positions decrypted, but ${fault === 0 ? "the paper has no fault there" : `its first fault is at position ${fault}`}: only a paper's positions up to its first fault are decrypted`);
        }
        if (v.length === k && fault !== 0 && fault !== k) {
          fail(`decryption.json: papers[${i}]: all ${k} positions decrypted, but its first fault is at position ${fault}`);
        }
        const r = res.papers[i];
        const shownValues = v.map((x) => (x === null ? "none" : x)).join(", ");
        if (fault === 0) {
          const ranking = v.filter((x) => x !== 0).map((x) => x - 1);
          if (r.status !== "valid" || r.ranking.join(",") !== ranking.join(",") || r.ranking.length !== ranking.length) {
            fail(`results.json: papers[${i}]: says ${JSON.stringify(r)}, but the paper decrypts to [${shownValues}]: valid, ranking [${ranking.join(", ")}]`);
          }
          valid++;
        } else if (r.status !== "invalid") {
          fail(`results.json: papers[${i}]: says valid, but the paper decrypts to [${shownValues}], invalid at position ${fault}`);
        }
      }
      return `${values.length} papers: ${valid} valid rankings, ${values.length - valid} invalid`;
    });
  }

  if (!lookupOnly && kind === "marks") {
    let values = null;
    await run("V6", "decryption shares", ["V4", "V3"], ["decryption.json"], async () => {
      const dec = docs.get("decryption.json");
      checkPresent(dec.present);
      if (dec.tally.length !== k) fail(`decryption.json: tally: ${dec.tally.length} options, not ${k}`);
      const lambdas = new Map(dec.present.map((T) => [T, lagrange(T, dec.present)]));
      const h = lengthPrefixed(text("omov/record/v4/tally"), Fbytes);
      const N = papersDoc.papers.length;
      values = [];
      let count = 0;
      for (let i = 0; i < k; i++) {
        const [a, b] = markSums[i]; // summed over the papers in V4
        const pos = dec.tally[i];
        if (pos.length !== dec.present.length) fail(`decryption.json: tally[${i}]: has ${pos.length} shares, not one per present trustee (${dec.present.length})`);
        let M = b;
        pos.forEach((share, x) => {
          const T = dec.present[x];
          const d = checkShare(share, `decryption.json: tally[${i}][${x}]`, a, T, lengthPrefixed(text("omov/v1/partial-decryption"), text(E), u32(T), h, u32(i)));
          M = M.subtract(mul(d, lambdas.get(T)));
          count++;
        });
        const v = smallLog(M, N);
        if (v === null) fail(`decryption.json: tally[${i}]: option ${i}'s decrypted sum is not a number of papers in 0..${N}`);
        values.push(v);
      }
      return `the tally is the sum of the ${N} papers; ${count} decryption shares by trustees [${dec.present.join(", ")}] verify (Chaum–Pedersen)`;
    });
    await run("V7", "decrypted totals", ["V6"], ["results.json"], async () => {
      const res = docs.get("results.json");
      const cast = papersDoc.papers.length;
      if (res.papers !== cast) fail(`results.json: papers: is ${res.papers}, but ${cast} papers were cast`);
      if (res.totals.length !== k) fail(`results.json: totals: ${res.totals.length} totals, not ${k}`);
      for (let i = 0; i < k; i++) {
        if (res.totals[i] !== values[i]) fail(`results.json: totals[${i}]: is ${res.totals[i]}, but the tally decrypts to ${values[i]}`);
      }
      return `${k} options' totals decrypted: [${values.join(", ")}], as results.json says`;
    });
  }

  // ---------------------------------------------------------------- V8
  if (!lookupOnly) {
    await run("V8", "count", ["V2"], ["results.json", "parameters.json"], async () => {
      try {
        return checkCount(docs.get("results.json"), params, kind) + `; ${RECOUNT_NOTE}`;
      } catch (e) {
        fail(`results.json: count: ${e.message}`);
      }
    });
  }

  // ---------------------------------------------------------------- V9
  if (options.tracker) {
    await run("V9", "tracker", [], ["papers.json"], async () => {
      const code = String(options.tracker).trim().toLowerCase();
      const list = papersDoc.papers;
      const i = list.findIndex((p) => p.tracker === code);
      if (i < 0) fail(`tracker ${options.tracker} not found on the record`);
      return `found: paper ${i + 1} of ${list.length}, chain position ${list[i].position}, entry hash ${list[i].entry_hash}; head ${papersDoc.head.hash}`;
    });
  }

  // ---------------------------------------------------------------- V10
  if (options.head) {
    await run("V10", "published head", [], ["papers.json"], async () => {
      const m = /^(?:([0-9]+):)?([0-9a-fA-F]{64})$/.exec(String(options.head).trim());
      if (!m) fail(`the published head ${JSON.stringify(options.head)} is not a 64-digit hex hash (optionally preceded by 'position:')`);
      const want = m[2].toLowerCase();
      const list = papersDoc.papers;
      const N = list.length;
      const last = N ? list[N - 1].entry_hash : null;
      if (last !== want) {
        const at = list.findIndex((p) => p.entry_hash === want);
        if (at >= 0) fail(`the published head is paper ${at + 1}'s entry, and ${N - at - 1} paper(s) follow it: papers were appended after it`);
        fail(`the published head ${want} is no paper's entry hash on the record`);
      }
      if (m[1] !== undefined && Number(m[1]) !== N) fail(`the published head says ${m[1]} papers, but the list holds ${N}`);
      return `the list of ${N} papers ends at the published head ${short(want)}`;
    });
  }

  return finish();

  function finish() {
    return results;
  }

  function checkPresent(list) {
    const trustees = docs.get("trustees.json");
    const n = trustees.trustees;
    const t = trustees.threshold;
    if (list.length < t) fail(`decryption.json: present: ${list.length} trustees, fewer than the threshold ${t}`);
    list.forEach((T, x) => {
      if (!(T >= 1 && T <= n)) fail(`decryption.json: present[${x}]: trustee ${T} is not in 1..${n}`);
      if (x > 0 && !(list[x - 1] < T)) fail(`decryption.json: present[${x}]: ids must be distinct and increasing`);
    });
  }

  // A share [d, c, z] of trustee T for the ciphertext component a; returns the point d.
  function checkShare(share, at, a, T, context) {
    if (share.length !== 3) fail(`${at}: a share is [d, c, z], not ${share.length} items`);
    const d = pointFromHex(share[0]);
    if (d === null) fail(`${at}[0]: d is not a valid ristretto255 point`);
    const c = scalarFromHex(share[1]);
    const z = scalarFromHex(share[2]);
    if (c === null || z === null) fail(`${at}: c or z is not a canonical scalar (< L)`);
    const X = ceremony.keys.get(T);
    if (!verifyDleq(context, G, X, a, d, c, z)) fail(`${at}: trustee ${T}'s decryption proof does not verify`);
    return d;
  }
}

export { readCanonical, RecordError } from "./canonical.js";
export { inlinePool, workerPool, taskReply } from "./pool.js";
export { canonicalText } from "./canonical.js";
export { equalBytes };
