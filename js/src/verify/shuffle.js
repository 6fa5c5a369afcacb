// The proof of shuffle of record.md §5 (omov/shuffle/v1), checked from the page: generators, digest D,
// challenges u_i and c, then the verifier's equations. The N equations for t̂_i are checked together, each
// multiplied by an independent random 128-bit weight (a false one survives with probability 2^-128); the
// others one by one, each as a single multi-scalar multiplication.
import {
  G, L, ZERO, enc, mul, msm, mod, sha256, hashToScalar, lengthPrefixed, text, u64, concat,
  independentGenerators, pointFromHex, scalarFromHex, hexToBytes,
} from "./group.js";

function randomWeight() {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n | 1n;
}

const generatorCache = new Map();
function generators(n) {
  let g = generatorCache.get("omov/shuffle/v1");
  if (!g || g.length < n) {
    g = independentGenerators("omov/shuffle/v1", n);
    generatorCache.set("omov/shuffle/v1", g);
  }
  return g.slice(0, n);
}

// inputs/outputs: arrays of hex strings (64k bytes each); returns null when the proof verifies, else a reason.
// decode(hex, what) returns the point or throws an Error naming `what`.
export function verifyShuffle({ inputs, outputs, proof, publicKey, pkBytes, context, width: k, onStep }) {
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
    const cs = proof.commitments.map((h, i) => point(h, `proof.commitments[${i}]`));
    const chain = proof.chain.map((h, i) => point(h, `proof.chain[${i}]`));
    const tHat = proof.t_hat.map((h, i) => point(h, `proof.t_hat[${i}]`));
    const t1 = point(proof.t1, "proof.t1");
    const t2 = point(proof.t2, "proof.t2");
    const t3 = point(proof.t3, "proof.t3");
    const t4 = proof.t4.map((pair, j) => {
      if (pair.length !== 2) throw new Error(`proof.t4[${j}] is not a pair of points`);
      return [point(pair[0], `proof.t4[${j}][0]`), point(pair[1], `proof.t4[${j}][1]`)];
    });
    // Papers: a (N x k) grid of (a, b) points.
    const grid = (list, what) => list.map((hex, i) => {
      if (hex.length !== 128 * k) throw new Error(`${what}[${i}] is ${hex.length / 2} bytes, not 64·${k}`);
      const row = [];
      for (let j = 0; j < k; j++) {
        row.push([point(hex.slice(128 * j, 128 * j + 64), `${what}[${i}] position ${j + 1} (a)`),
          point(hex.slice(128 * j + 64, 128 * j + 128), `${what}[${i}] position ${j + 1} (b)`)]);
      }
      if (onStep && i % 64 === 63) onStep(i + 1);
      return row;
    });
    const ins = grid(inputs, "inputs");
    const outs = grid(outputs, "outputs");

    const H = generators(N + 1);
    const D = sha256(lengthPrefixed(
      text("omov/shuffle/v1"), text("ristretto255"), enc(G), context, u64(N), u64(k), pkBytes,
      hexToBytes(inputs.join("")), hexToBytes(outputs.join("")), hexToBytes(proof.commitments.join("")),
    ));
    const u = [];
    for (let i = 0; i < N; i++) u.push(hashToScalar("omov/shuffle/v1/u", D, u64(i)));
    const t4Bytes = hexToBytes(proof.t4.map(([a, b]) => a + b).join(""));
    const c = hashToScalar("omov/shuffle/v1/c", D, sha256(hexToBytes(proof.chain.join(""))),
      hexToBytes(proof.t1), hexToBytes(proof.t2), hexToBytes(proof.t3), t4Bytes, sha256(hexToBytes(proof.t_hat.join(""))));
    if (c !== challenge) return "the challenge is not the hash of the proof's statement and commitments";

    let sumC = ZERO;
    for (const p of cs) sumC = sumC.add(p);
    let sumH = ZERO;
    for (let i = 1; i <= N; i++) sumH = sumH.add(H[i]);
    const cBar = sumC.subtract(sumH);
    let prodU = 1n;
    for (const x of u) prodU = (prodU * x) % L;
    const cHat = chain[N - 1].subtract(mul(H[0], prodU));
    // t1 = c·c̄ + s1·G
    if (!mul(cBar, c).add(mul(G, s1)).equals(t1)) return "the equation for t1 does not hold";
    // t2 = c·ĉ + s2·G
    if (!mul(cHat, c).add(mul(G, s2)).equals(t2)) return "the equation for t2 does not hold";
    // t3 = c·c̃ + s3·G + Σ s'_i·H_i, with c̃ = Σ u_j·c_j
    const t3r = msm([...cs, G, ...H.slice(1)], [...u.map((x) => (x * c) % L), s3, ...sPrime]);
    if (!t3r.equals(t3)) return "the equation for t3 does not hold";
    // t4_j = (c·ē_j,a − s4_j·G + Σ s'_i·a'_ij, c·ē_j,b − s4_j·PK + Σ s'_i·b'_ij)
    const cu = u.map((x) => (x * c) % L);
    for (let j = 0; j < k; j++) {
      for (const side of [0, 1]) {
        const base = side === 0 ? G : publicKey;
        const pts = [base];
        const sc = [mod(-s4[j])];
        for (let i = 0; i < N; i++) {
          pts.push(ins[i][j][side], outs[i][j][side]);
          sc.push(cu[i], sPrime[i]);
        }
        if (!msm(pts, sc).equals(t4[j][side])) return `the equation for t4 (position ${j + 1}, ${side ? "b" : "a"}) does not hold`;
      }
      if (onStep) onStep(N);
    }
    // t̂_i = c·ĉ_i + ŝ_i·G + s'_i·ĉ_{i−1} (ĉ_0 = H_0), all N at once with random weights.
    const pts = [G];
    const sc = [0n];
    const chainCoef = new Array(N).fill(0n);
    let h0 = 0n;
    let gCoef = 0n;
    for (let i = 0; i < N; i++) {
      const w = randomWeight();
      chainCoef[i] = (chainCoef[i] + w * c) % L;
      if (i === 0) h0 = (w * sPrime[0]) % L;
      else chainCoef[i - 1] = (chainCoef[i - 1] + w * sPrime[i]) % L;
      gCoef = (gCoef + w * sHat[i]) % L;
      pts.push(tHat[i]);
      sc.push(mod(-w));
    }
    sc[0] = gCoef;
    pts.push(H[0], ...chain);
    sc.push(h0, ...chainCoef);
    if (!msm(pts, sc).is0()) {
      // Name the first equation that fails.
      for (let i = 0; i < N; i++) {
        const prev = i === 0 ? H[0] : chain[i - 1];
        if (!mul(chain[i], c).add(mul(G, sHat[i])).add(mul(prev, sPrime[i])).equals(tHat[i])) {
          return `the equation for t_hat[${i}] does not hold`;
        }
      }
      return "the equations for t_hat do not hold";
    }
    return null;
  } catch (e) {
    return e.message;
  }
}

export { concat };
