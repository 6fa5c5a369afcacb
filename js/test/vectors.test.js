// Replays tests/crypto/vectors/*.json (made by omov's Python library) with the JavaScript protocol code, byte for
// byte: fed a vector's listed nonces, every operation must give exactly the recorded output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { fromHex, toHex, utf8 } from "../src/crypto/bytes.js";
import {
  L, G, baseMul, mul, hashToScalar, independentGenerators, pointFromHex, pointHex, scalarFromHex, scalarHex,
} from "../src/crypto/group.js";
import { ciphertextFromHex, ciphertextHex, encrypt } from "../src/crypto/elgamal.js";
import {
  proveDlog, verifyDlog, proveDleq, verifyDleq, proveDisjunctive, verifyDisjunctive, disjunctiveBytes, disjunctiveJson,
  disjunctiveFromBytes, pairJson,
} from "../src/crypto/proofs.js";
import {
  encryptMarkPaper, markPaperBytes, markPaperJson, markPaperTracker, questionFromJson, verifyMarkPaper, markPaperFromBytes,
} from "../src/crypto/marks.js";
import { scripted } from "../src/crypto/random.js";
import { trusteeInit, trusteeShare, trusteeCombine, partialDecrypt } from "../src/crypto/trustees.js";

const modInverse = (x) => {
  // Fermat: x^(L-2) mod L
  let [r, b, e] = [1n, ((x % L) + L) % L, L - 2n];
  for (; e > 0n; e >>= 1n, b = (b * b) % L) if (e & 1n) r = (r * b) % L;
  return r;
};
import { lengthPrefixed, u32 } from "../src/crypto/bytes.js";
import { normaliseCode, deriveCredential, encryptRanked, encryptMarks, checkCast, checkOpening } from "../src/crypto/ballot.js";

const here = dirname(fileURLToPath(import.meta.url));
const load = (name) => JSON.parse(readFileSync(join(here, "..", "..", "tests", "crypto", "vectors", name), "utf8"));

/** A scripted source that must be used up exactly. */
function replay(nonces, fn) {
  const rng = scripted(nonces);
  const out = fn(rng);
  assert.equal(rng.left, 0, "the operation drew fewer nonces than the vector lists");
  return out;
}

test("group.json: order, base and variable-base multiples, sums, hash_to_scalar, generators", () => {
  const v = load("group.json");
  assert.equal(L.toString(), v.order);
  assert.equal(pointHex(G), "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
  for (const { scalar, point } of v.base_multiples) assert.equal(pointHex(baseMul(scalarFromHex(scalar))), point);
  for (const { point, scalar, product } of v.variable_base) assert.equal(pointHex(mul(pointFromHex(point), scalarFromHex(scalar))), product);
  for (const { p, q, sum, difference } of v.additions) {
    assert.equal(pointHex(pointFromHex(p).add(pointFromHex(q))), sum);
    assert.equal(pointHex(pointFromHex(p).subtract(pointFromHex(q))), difference);
  }
  for (const { domain, parts, scalar } of v.hash_to_scalar) {
    assert.equal(scalarHex(hashToScalar(domain, ...parts.map((h) => fromHex(h)))), scalar);
  }
  const gens = v.independent_generators;
  assert.deepEqual(independentGenerators(gens.domain, gens.points.length).map(pointHex), gens.points);
});

test("points and scalars: non-canonical encodings are refused", () => {
  assert.throws(() => scalarFromHex("ff".repeat(32)), /not below the group order/);
  // L itself, little-endian
  const lBytes = toHex(Uint8Array.from({ length: 32 }, (_, i) => Number((L >> BigInt(8 * i)) & 0xffn)));
  assert.throws(() => scalarFromHex(lBytes), /not below the group order/);
  assert.throws(() => pointFromHex("01" + "00".repeat(31)), /not a canonical ristretto255 point/);
  assert.throws(() => pointFromHex("ff".repeat(32)), /not a canonical/);
  assert.ok(pointFromHex("00".repeat(32)).is0(), "the identity is 32 zero bytes");
  assert.throws(() => pointFromHex("E2F2AE0A6ABC4E71A884A961C500515F58E30B6AA582DD8DB6A65945E08D2D76"), /lowercase hex/);
});

test("elgamal.json: encryptions and re-encryptions", () => {
  const v = load("elgamal.json");
  const pk = pointFromHex(v.pk);
  assert.equal(pointHex(baseMul(scalarFromHex(v.sk))), v.pk);
  for (const e of v.encryptions) {
    const c = encrypt(pk, e.m, scalarFromHex(e.r));
    assert.equal(ciphertextHex(c), e.ciphertext);
    const s = scalarFromHex(e.reencryption_r);
    assert.equal(ciphertextHex({ a: c.a.add(baseMul(s)), b: c.b.add(mul(pk, s)) }), e.reencryption);
  }
});

test("proofs.json: Schnorr, Chaum–Pedersen and disjunctive proofs, replayed and verified", () => {
  const v = load("proofs.json");
  for (const d of v.dlog) {
    const ctx = fromHex(d.context);
    const proof = replay(d.nonces, (rng) => proveDlog(scalarFromHex(d.x), ctx, rng));
    assert.deepEqual(pairJson(proof), d.proof);
    assert.ok(verifyDlog(pointFromHex(d.public), proof, ctx));
    assert.ok(!verifyDlog(pointFromHex(d.public), proof, utf8("another context")));
  }
  for (const d of v.dleq) {
    const ctx = fromHex(d.context);
    const b2 = pointFromHex(d.b2);
    const proof = replay(d.nonces, (rng) => proveDleq(scalarFromHex(d.x), G, b2, ctx, rng));
    assert.deepEqual(pairJson(proof), d.proof);
    assert.ok(verifyDleq(G, pointFromHex(d.x1), b2, pointFromHex(d.x2), proof, ctx));
    assert.ok(!verifyDleq(G, pointFromHex(d.x1), b2, pointFromHex(d.x1), proof, ctx));
  }
  for (const d of v.disjunctive) {
    const pk = pointFromHex(d.pk);
    const ct = ciphertextFromHex(d.ciphertext);
    const ctx = fromHex(d.context);
    assert.equal(ciphertextHex(encrypt(pk, d.m, scalarFromHex(d.r))), d.ciphertext);
    const proof = replay(d.nonces, (rng) => proveDisjunctive(pk, [ct], d.m, scalarFromHex(d.r), d.values, ctx, rng));
    assert.deepEqual(disjunctiveJson(proof), d.proof);
    assert.equal(toHex(disjunctiveBytes(proof)), d.canonical_bytes);
    assert.deepEqual(disjunctiveJson(disjunctiveFromBytes(fromHex(d.canonical_bytes))), d.proof);
    assert.ok(verifyDisjunctive(pk, [ct], d.values, proof, ctx));
    if (d.values.length > 1) assert.ok(!verifyDisjunctive(pk, [ct], [...d.values].reverse(), proof, ctx), "values are in the challenge");
    assert.ok(!verifyDisjunctive(pk, [ct], d.values, proof, utf8("x")), "the context is in the challenge");
  }
});

test("marks.json: papers (bytes, trackers) replayed from their nonces; tally decryption proofs", () => {
  const v = load("marks.json");
  const pk = pointFromHex(v.pk);
  for (const p of v.papers) {
    const q = questionFromJson(p.spec);
    const binding = fromHex(p.binding);
    const { paper } = replay(p.nonces, (rng) => encryptMarkPaper(pk, v.election, q, p.marks, binding, rng));
    assert.deepEqual(markPaperJson(paper), p.paper);
    assert.equal(toHex(markPaperBytes(paper)), p.canonical_bytes);
    assert.equal(markPaperTracker(paper), p.tracker);
    assert.ok(verifyMarkPaper(pk, v.election, q, paper, binding));
    const parsed = markPaperFromBytes(fromHex(p.canonical_bytes), q);
    assert.deepEqual(markPaperJson(parsed), p.paper);
    assert.ok(!verifyMarkPaper(pk, v.election, q, paper, utf8("another credential")), "the binding is in every proof");
  }
  const sk = scalarFromHex(v.sk);
  for (const t of v.tallies) {
    const q = questionFromJson(t.spec);
    const rng = scripted(t.nonces);
    t.totals.forEach((hex, i) => {
      const c = ciphertextFromHex(hex);
      // docs/crypto.md §5: B1 = G, X1 = PK, B2 = a, X2 = b - n_i*G.
      const ctx = lengthPrefixed(utf8("omov/v1/tally-decryption"), utf8(v.election), utf8(q.id), u32(i));
      assert.ok(c.b.subtract(mul(c.a, sk)).equals(baseMul(BigInt(t.counts[i]))));
      const proof = proveDleq(sk, G, c.a, ctx, rng);
      assert.deepEqual(pairJson(proof), t.proofs[i]);
      assert.ok(verifyDleq(G, pk, c.a, c.b.subtract(baseMul(BigInt(t.counts[i]))), proof, ctx));
    });
    assert.equal(rng.left, 0);
  }
});

test("trustees.json: a whole 2-of-3 ceremony replayed file by file, then partial decryptions", () => {
  const v = load("trustees.json");
  const secrets = [];
  for (let i = 1; i <= v.n; i++) {
    const { secret, init } = replay(v.init_nonces[i - 1], (rng) => trusteeInit({ election: v.election, id: i, n: v.n, t: v.t }, rng));
    assert.deepEqual(init, v.inits[i - 1]);
    secrets.push(secret);
  }
  secrets.forEach((s, k) => {
    const shares = replay(v.share_nonces[k], (rng) => trusteeShare(s, v.inits, rng));
    assert.deepEqual(shares, v.shares[k]);
  });
  const combined = secrets.map((s, k) => {
    const { secret, combine } = replay(v.combine_nonces[k], (rng) => trusteeCombine(s, v.inits, v.shares, rng));
    assert.deepEqual(combine, v.combines[k]);
    assert.equal(combine.public_key, v.public_key);
    assert.equal(combine.verification_key, v.verification_keys[k]);
    assert.equal(secret.public_key, v.public_key);
    return secret;
  });
  // The vector's partials are under the raw context "tally" (trusteeDecrypt hashes its input file instead).
  const cts = v.ciphertexts.map((hex) => ciphertextFromHex(hex));
  combined.forEach((s, k) => {
    const partials = replay(v.partial_nonces[k], (rng) => partialDecrypt(s, cts, fromHex(v.partial_context), rng));
    assert.deepEqual(partials, v.partials[k]);
  });
  // Any t = 2 trustees recover m*G: b - sum lambda_j d_j.
  const lagrange = (ids, j) => ids.filter((k) => k !== j).reduce((acc, k) => (acc * BigInt(k) * modInverse(BigInt(k - j))) % L, 1n);
  for (const ids of [[1, 2], [1, 3], [2, 3]]) {
    cts.forEach((c, index) => {
      let shared = pointFromHex("00".repeat(32));
      for (const j of ids) shared = shared.add(mul(pointFromHex(v.partials[j - 1][index].d), lagrange(ids, j)));
      assert.ok(c.b.subtract(shared).equals(baseMul(BigInt(v.plaintexts[index]))), `trustees ${ids} decrypt ciphertext ${index}`);
    });
  }
});

test("credentials.json: codes normalised, keys derived, refusals", () => {
  const v = load("credentials.json");
  for (const c of v.codes) {
    assert.equal(normaliseCode(c.code), c.normalised);
    assert.deepEqual(deriveCredential(v.election, c.code), { secret: c.secret, public: c.public });
  }
  for (const code of v.refused) assert.throws(() => normaliseCode(code), Error, JSON.stringify(code));
  const keys = [...new Set(v.codes.map((c) => c.public))].sort();
  assert.deepEqual(v.list, { election: v.election, keys });
});

test("ranked_papers.json: ranked and mark casts and openings replayed from their nonces, byte for byte", () => {
  const v = load("ranked_papers.json");
  const base = { election: v.election, fingerprint: v.fingerprint, publicKey: v.pk };
  for (const p of v.ranked) {
    const out = replay(p.nonces, (rng) => encryptRanked({ ...base, candidates: p.candidates, ranking: p.ranking, code: p.code }, rng));
    assert.deepEqual(out.cast, p.cast);
    assert.deepEqual(out.opening, p.opening);
    assert.equal(out.tracker, p.tracker);
    assert.equal(out.cast.paper, p.paper);
    assert.equal(out.cast.proof, p.proof);
    assert.deepEqual(out.cast.signature, p.signature);
    assert.deepEqual(out.opening.values, p.values);
    assert.equal(checkCast({ ...base, candidates: p.candidates }, p.cast), p.tracker);
    assert.deepEqual(checkOpening({ ...base, candidates: p.candidates }, p.opening), p.values);
  }
  for (const p of v.marks) {
    const out = replay(p.nonces, (rng) => encryptMarks({ ...base, question: p.question, marks: p.marks, code: p.code }, rng));
    assert.deepEqual(out.cast, p.cast);
    assert.deepEqual(out.opening, p.opening);
    assert.equal(out.tracker, p.tracker);
    assert.equal(checkCast({ ...base, question: p.question }, p.cast), p.tracker);
    assert.deepEqual(checkOpening({ ...base, question: p.question }, p.opening), p.marks);
  }
});
