// The proof of shuffle of record.md §5 (omov/shuffle/v1), checked from the page: generators, digest D,
// challenges u_i and c, then the verifier's equations. The N equations for t̂_i are checked together, each
// multiplied by an independent random 128-bit weight (a false one survives with probability 2^-128); the
// others one by one, each as a single multi-scalar multiplication.
//
// The papers' part of every equation (decoding the 4·N·k points of the inputs and outputs, and the sums over
// the papers in t3, t4 and t̂) is linear, so it is split into chunks of papers (the task "shuffle", which a
// pool of workers may run): each chunk returns its partial sums, which are added up here.
import {
  G, L, ZERO, enc, mod, msm, sha256, hashToScalar, lengthPrefixed, text, u64, concat, bytesToHex,
  independentGenerators, pointFromHex, scalarFromHex, hexToBytes, randomWeight,
} from "./group.js";
import { inlinePool, mapChunks } from "./pool.js";

const DOMAIN = "omov/shuffle/v1";

// inputs/outputs: arrays of hex strings (64k bytes each); returns (a promise of) null when the proof verifies,
// else a reason. pool: where the chunks run (pool.js; by default here).
export async function verifyShuffle({ inputs, outputs, proof, publicKey, pkBytes, context, width: k, onStep, pool }) {
  const N = inputs.length;
  if (N < 1) return "no papers to shuffle";
  if (outputs.length !== N) return `${outputs.length} outputs for ${N} inputs`;
  for (const [name, len] of [["commitments", N], ["chain", N], ["t_hat", N], ["s_hat", N], ["s_prime", N], ["t4", k], ["s4", k]]) {
    if (proof[name].length !== len) return `proof.${name} has ${proof[name].length} entries, not ${len}`;
  }
  const point = (hex, where) => {
    const p = pointFromHex(hex);
    if (p === null) throw new Error(`${where} is not a valid ristretto255 point`);
    return p;
  };
  const scalar = (hex, where) => {
    const s = scalarFromHex(hex);
    if (s === null) throw new Error(`${where} is not a canonical scalar (< L)`);
    return s;
  };
  try {
    const s1 = scalar(proof.s1, "proof.s1");
    const s2 = scalar(proof.s2, "proof.s2");
    const s3 = scalar(proof.s3, "proof.s3");
    const challenge = scalar(proof.challenge, "proof.challenge");
    const s4 = proof.s4.map((h, j) => scalar(h, `proof.s4[${j}]`));
    const sHat = proof.s_hat.map((h, i) => scalar(h, `proof.s_hat[${i}]`));
    const sPrime = proof.s_prime.map((h, i) => scalar(h, `proof.s_prime[${i}]`));

    const D = sha256(lengthPrefixed(
      text(DOMAIN), text("ristretto255"), enc(G), context, u64(N), u64(k), pkBytes,
      hexToBytes(inputs.join("")), hexToBytes(outputs.join("")), hexToBytes(proof.commitments.join("")),
    ));
    const u = [];
    for (let i = 0; i < N; i++) u.push(hashToScalar("omov/shuffle/v1/u", D, u64(i)));
    // The chunks compute with the proof's challenge; if it is not the hash, that is reported below anyway.
    const c = challenge;
    // t̂_i = c·ĉ_i + ŝ_i·G + s'_i·ĉ_{i−1} (ĉ_0 = H_0), all N at once with random weights w_i:
    // sum_i w_i·(c·ĉ_i + ŝ_i·G + s'_i·ĉ_{i−1} − t̂_i) = 0.
    const w = [];
    for (let i = 0; i < N; i++) w.push(randomWeight());
    const items = [];
    for (let i = 0; i < N; i++) {
      const chainCoef = (w[i] * c + (i + 1 < N ? w[i + 1] * sPrime[i + 1] : 0n)) % L;
      items.push({
        inp: inputs[i], out: outputs[i], cm: proof.commitments[i], ch: proof.chain[i], th: proof.t_hat[i],
        cu: String((u[i] * c) % L), sp: String(sPrime[i]), wn: String(mod(-w[i])), cc: String(chainCoef),
      });
    }
    const bad = { commitments: null, chain: null, tHat: null, inputs: null, outputs: null };
    let sumC = ZERO;
    let sumH = ZERO;
    let t3Part = ZERO;
    let tHatPart = ZERO;
    const t4Part = Array.from({ length: k }, () => [ZERO, ZERO]);
    const add = (P, h) => P.add(pointFromHex(h));
    const runner = pool ?? inlinePool();
    const chunk = Math.min(2000, Math.max(50, Math.ceil(N / (runner.size * 3))));
    await mapChunks(runner, "shuffle", { key: "shuffle", k }, items, chunk, (r, offset) => {
      for (const name of Object.keys(bad)) if (bad[name] === null && r.bad[name] !== null) bad[name] = r.bad[name];
      if (r.sums) {
        sumC = add(sumC, r.sums.sumC);
        sumH = add(sumH, r.sums.sumH);
        t3Part = add(t3Part, r.sums.t3);
        tHatPart = add(tHatPart, r.sums.tHat);
        r.sums.t4.forEach(([a, b], j) => {
          t4Part[j][0] = add(t4Part[j][0], a);
          t4Part[j][1] = add(t4Part[j][1], b);
        });
      }
      if (onStep) onStep(Math.min(N, offset + chunk), N);
    });
    // The faults in the order the proof is read: commitments, chain, t̂, t1..t4, the inputs, the outputs.
    if (bad.commitments !== null) point("", `proof.commitments[${bad.commitments}]`);
    if (bad.chain !== null) point("", `proof.chain[${bad.chain}]`);
    if (bad.tHat !== null) point("", `proof.t_hat[${bad.tHat}]`);
    const t1 = point(proof.t1, "proof.t1");
    const t2 = point(proof.t2, "proof.t2");
    const t3 = point(proof.t3, "proof.t3");
    const t4 = proof.t4.map((pair, j) => {
      if (pair.length !== 2) throw new Error(`proof.t4[${j}] is not a pair of points`);
      return [point(pair[0], `proof.t4[${j}][0]`), point(pair[1], `proof.t4[${j}][1]`)];
    });
    if (bad.inputs !== null) throw new Error(bad.inputs);
    if (bad.outputs !== null) throw new Error(bad.outputs);

    const [H0] = independentGenerators(DOMAIN, 1);
    const t4Bytes = hexToBytes(proof.t4.map(([a, b]) => a + b).join(""));
    const cHash = hashToScalar("omov/shuffle/v1/c", D, sha256(hexToBytes(proof.chain.join(""))),
      hexToBytes(proof.t1), hexToBytes(proof.t2), hexToBytes(proof.t3), t4Bytes, sha256(hexToBytes(proof.t_hat.join(""))));
    if (cHash !== challenge) return "the challenge is not the hash of the proof's statement and commitments";

    const cBar = sumC.subtract(sumH);
    let prodU = 1n;
    for (const x of u) prodU = (prodU * x) % L;
    const chainLast = pointFromHex(proof.chain[N - 1]);
    const cHat = chainLast.subtract(H0.multiplyUnsafe(prodU));
    // t1 = c·c̄ + s1·G
    if (!cBar.multiplyUnsafe(c).add(G.multiplyUnsafe(s1)).equals(t1)) return "the equation for t1 does not hold";
    // t2 = c·ĉ + s2·G
    if (!cHat.multiplyUnsafe(c).add(G.multiplyUnsafe(s2)).equals(t2)) return "the equation for t2 does not hold";
    // t3 = c·c̃ + s3·G + Σ s'_i·H_i, with c̃ = Σ u_j·c_j
    if (!t3Part.add(G.multiplyUnsafe(s3)).equals(t3)) return "the equation for t3 does not hold";
    // t4_j = (c·ē_j,a − s4_j·G + Σ s'_i·a'_ij, c·ē_j,b − s4_j·PK + Σ s'_i·b'_ij)
    for (let j = 0; j < k; j++) {
      for (const side of [0, 1]) {
        const base = side === 0 ? G : publicKey;
        if (!t4Part[j][side].add(base.multiplyUnsafe(mod(-s4[j]))).equals(t4[j][side])) {
          return `the equation for t4 (position ${j + 1}, ${side ? "b" : "a"}) does not hold`;
        }
      }
    }
    let gCoef = 0n;
    for (let i = 0; i < N; i++) gCoef = (gCoef + w[i] * sHat[i]) % L;
    const h0 = (w[0] * sPrime[0]) % L;
    if (!msm([tHatPart, G, H0], [1n, gCoef, h0]).is0()) {
      // Name the first equation that fails.
      for (let i = 0; i < N; i++) {
        const prev = i === 0 ? H0 : pointFromHex(proof.chain[i - 1]);
        const lhs = msm([pointFromHex(proof.chain[i]), G, prev], [c, sHat[i], sPrime[i]]);
        if (!lhs.equals(pointFromHex(proof.t_hat[i]))) return `the equation for t_hat[${i}] does not hold`;
      }
      return "the equations for t_hat do not hold";
    }
    return null;
  } catch (e) {
    return e.message;
  }
}

// The task "shuffle": papers offset.. of a mix (items as verifyShuffle builds them). Decodes their points and
// returns the first faulty one of each kind, and, when there is none, the chunk's part of each equation.
export function shuffleChunk({ k }, { offset, items }) {
  const bad = { commitments: null, chain: null, tHat: null, inputs: null, outputs: null };
  const decodeAll = (field, kind) => items.map((it, x) => {
    const p = pointFromHex(it[field]);
    if (p === null && bad[kind] === null) bad[kind] = offset + x;
    return p;
  });
  const cs = decodeAll("cm", "commitments");
  const chain = decodeAll("ch", "chain");
  const tHat = decodeAll("th", "tHat");
  const grid = (field, what) => items.map((it, x) => {
    if (bad[what] !== null) return null;
    const hex = it[field];
    const i = offset + x;
    if (hex.length !== 128 * k) {
      bad[what] = `${what}[${i}] is ${hex.length / 2} bytes, not 64·${k}`;
      return null;
    }
    const row = [];
    for (let j = 0; j < k; j++) {
      const a = pointFromHex(hex.slice(128 * j, 128 * j + 64));
      if (a === null) {
        bad[what] = `${what}[${i}] position ${j + 1} (a) is not a valid ristretto255 point`;
        return null;
      }
      const b = pointFromHex(hex.slice(128 * j + 64, 128 * j + 128));
      if (b === null) {
        bad[what] = `${what}[${i}] position ${j + 1} (b) is not a valid ristretto255 point`;
        return null;
      }
      row.push([a, b]);
    }
    return row;
  });
  const ins = grid("inp", "inputs");
  const outs = grid("out", "outputs");
  if (Object.values(bad).some((v) => v !== null)) return { bad, sums: null };
  const H = independentGenerators(DOMAIN, offset + items.length + 1, offset + 1); // H_{offset+1}, ...
  const cu = items.map((it) => BigInt(it.cu));
  const sp = items.map((it) => BigInt(it.sp));
  let sumC = ZERO;
  for (const p of cs) sumC = sumC.add(p);
  let sumH = ZERO;
  for (const p of H) sumH = sumH.add(p);
  const t3 = msm([...cs, ...H], [...cu, ...sp]);
  const t4 = [];
  for (let j = 0; j < k; j++) {
    const pair = [];
    for (const side of [0, 1]) {
      const pts = [];
      const sc = [];
      for (let x = 0; x < items.length; x++) {
        pts.push(ins[x][j][side], outs[x][j][side]);
        sc.push(cu[x], sp[x]);
      }
      pair.push(bytesToHex(enc(msm(pts, sc))));
    }
    t4.push(pair);
  }
  const tHatSum = msm([...tHat, ...chain], [...items.map((it) => BigInt(it.wn)), ...items.map((it) => BigInt(it.cc))]);
  const h = (P) => bytesToHex(enc(P));
  return { bad, sums: { sumC: h(sumC), sumH: h(sumH), t3: h(t3), t4, tHat: h(tHatSum) } };
}

export { concat };
