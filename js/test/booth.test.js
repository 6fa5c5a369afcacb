// The booth's API (src/booth.js): credentials, ranked and mark papers, casts and Benaloh openings, checked by
// our own checker and tampered with field by field; canonical JSON; the trustee files round trip.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as booth from "../src/booth.js";
import { checkCast } from "../src/crypto/ballot.js";
import { baseMul, pointHex, scalarFromHex } from "../src/crypto/group.js";

const election = "ballot-42";
const fingerprint = "ab".repeat(32);
const publicKey = pointHex(baseMul(123456789n));
const code = "7K3QD-M9XTB-2HWRZ-5VN8C-JPG4A";

function flipHex(hex, at = 10) {
  const digit = hex[at] === "0" ? "1" : "0";
  return hex.slice(0, at) + digit + hex.slice(at + 1);
}

test("credential codes: normalised, and a clear error for what is not a code", () => {
  assert.equal(booth.normaliseCode(" 7k3qd-m9xtb 2hwrz-5vn8c-jpg4a "), "7K3QDM9XTB2HWRZ5VN8CJPG4A");
  assert.throws(() => booth.normaliseCode(" - "), /empty/);
  assert.equal(booth.normaliseCode("abcd-ilou"), "ABCDILOU", "the platform's RFC 4648 tokens are codes too");
  assert.throws(() => booth.normaliseCode("ABC_D.E"), /only letters and digits, not "._"/);
  assert.throws(() => booth.normaliseCode("ÄBC"), /not "Ä"/);
  assert.throws(() => booth.normaliseCode("A".repeat(201)), /at most 200/);
  assert.throws(() => booth.normaliseCode(42), /must be text/);
  const one = booth.deriveCredential(election, code);
  assert.deepEqual(booth.deriveCredential(election, code.toLowerCase().replaceAll("-", " ")), one);
  assert.equal(pointHex(baseMul(scalarFromHex(one.secret))), one.public);
  assert.notEqual(booth.deriveCredential("another", code).public, one.public, "the key depends on the election");
});

test("a ranked paper: cast checks, opening gives the values, every tampering is caught", () => {
  const ctx = { election, fingerprint, publicKey, candidates: 4 };
  const { cast, opening, tracker } = booth.encryptRanked({ ...ctx, ranking: [2, 0], code });
  assert.equal(cast.type, "omov/cast-paper/v1");
  assert.equal(cast.tracker, tracker);
  assert.equal(cast.paper.length, 2 * 64 * 4);
  assert.equal(cast.proof.length, 2 * 32 * 5);
  assert.equal(cast.credential, booth.deriveCredential(election, code).public);
  assert.equal(checkCast(ctx, cast), tracker);
  assert.deepEqual(booth.checkOpening(ctx, opening), [3, 1, 0, 0]);
  assert.deepEqual(Object.keys(opening).sort(), ["credential", "election", "fingerprint", "paper", "proof", "randomness", "tracker", "type", "values"]);
  assert.deepEqual(Object.keys(cast).sort(), ["credential", "election", "paper", "proof", "signature", "tracker", "type"]);

  assert.throws(() => checkCast(ctx, { ...cast, paper: flipHex(cast.paper, 200) }), /point|proof of randomness/);
  assert.throws(() => checkCast(ctx, { ...cast, proof: flipHex(cast.proof, 70) }), /proof of randomness/);
  assert.throws(() => checkCast(ctx, { ...cast, tracker: flipHex(cast.tracker) }), /tracker/);
  assert.throws(() => checkCast(ctx, { ...cast, signature: { ...cast.signature, z: flipHex(cast.signature.z) } }), /signature/);
  assert.throws(() => checkCast({ ...ctx, fingerprint: "cd".repeat(32) }, cast), /proof of randomness/);
  assert.throws(() => checkCast({ ...ctx, candidates: 3 }, cast), /4 positions, not 3/);
  const other = booth.deriveCredential(election, "00000").public;
  assert.throws(() => checkCast(ctx, { ...cast, credential: other }), /proof of randomness/, "a copied ciphertext under another credential");
  assert.throws(() => checkCast(ctx, { ...cast, election: "x" }), /election "x"/);

  assert.throws(() => booth.checkOpening(ctx, { ...opening, values: [2, 1, 0, 0] }), /position 1: the ciphertext does not encrypt/);
  assert.throws(() => booth.checkOpening(ctx, { ...opening, randomness: [...opening.randomness].reverse() }), /does not encrypt/);
  assert.throws(() => booth.checkOpening(ctx, { ...opening, tracker: flipHex(opening.tracker) }), /tracker/);
  assert.throws(() => booth.checkOpening({ ...ctx, fingerprint: "cd".repeat(32) }, opening), /fingerprint/);
});

test("rankings that cannot be a paper are refused before anything is encrypted", () => {
  const ctx = { election, fingerprint, publicKey, candidates: 3, code };
  assert.throws(() => booth.encryptRanked({ ...ctx, ranking: [] }), /at least a first preference/);
  assert.throws(() => booth.encryptRanked({ ...ctx, ranking: [1, 1] }), /ranked twice/);
  assert.throws(() => booth.encryptRanked({ ...ctx, ranking: [3] }), /not a candidate index/);
  assert.throws(() => booth.encryptRanked({ ...ctx, ranking: [0], code: "" }), /empty/);
  assert.throws(() => booth.encryptRanked({ ...ctx, ranking: [0], fingerprint: "ab" }), /fingerprint: expected 64 hex digits/);
});

test("a mark paper: cast checks, opening gives the marks, over-voting cannot be encrypted", () => {
  const question = { question_id: "nec", kind: "bloc", options: 5, min_marks: 0, max_marks: 2 };
  const ctx = { election, fingerprint, publicKey, question };
  const { cast, opening, tracker } = booth.encryptMarks({ ...ctx, marks: [0, 1, 0, 1, 0], code });
  assert.equal(cast.proof, "");
  assert.equal(checkCast(ctx, cast), tracker);
  assert.deepEqual(booth.checkOpening(ctx, opening), [0, 1, 0, 1, 0]);
  assert.throws(() => booth.checkOpening(ctx, { ...opening, values: [1, 0, 0, 1, 0] }), /does not encrypt/);
  assert.throws(() => checkCast({ ...ctx, fingerprint: "cd".repeat(32) }, cast), /proofs do not verify/, "F is in the binding");
  assert.throws(() => checkCast({ ...ctx, question: { ...question, max_marks: 3 } }, cast), /sum proof|do not verify/);
  assert.throws(() => booth.encryptMarks({ ...ctx, marks: [1, 1, 1, 0, 0], code }), /between 0 and 2/);
  const approval = { ...ctx, question: { question_id: "a", kind: "approval", options: 3, min_marks: 0, max_marks: 3 } };
  const ok = booth.encryptMarks({ ...approval, marks: [1, 1, 1], code });
  assert.equal(checkCast(approval, ok.cast), ok.tracker);
});

test("canonical JSON: sorted by code point, integers only, Python's escapes", () => {
  assert.equal(booth.canonicalJson({ b: 1, a: [true, null, "x"], "é": "\u0007\n\"\\/é" }), '{"a":[true,null,"x"],"b":1,"é":"\\u0007\\n\\"\\\\/é"}');
  // U+FB01 sorts before U+1F600 by code point (but after it by UTF-16 unit).
  assert.equal(booth.canonicalJson({ "\u{1F600}": 1, "\uFB01": 2 }), '{"\uFB01":2,"\u{1F600}":1}');
  assert.throws(() => booth.canonicalJson({ x: 1.5 }), /\$\.x: only integers/);
  assert.throws(() => booth.canonicalJson({ x: "\uD800" }), /lone surrogate/);
  assert.throws(() => booth.canonicalJson({ x: undefined }), /undefined has no JSON form/);
});

test("the trustee ceremony in the booth: 2 of 3, decryption of a ciphertexts file and of a record input", () => {
  const n = 3;
  const t = 2;
  const started = [1, 2, 3].map((id) => booth.trusteeInit({ election, id, n, t }));
  const inits = started.map((x) => x.init);
  const shares = started.map((x) => booth.trusteeShare(x.secret, inits));
  const combined = started.map((x) => booth.trusteeCombine(x.secret, inits, shares));
  const pk = combined[0].combine.public_key;
  assert.ok(combined.every((c) => c.combine.public_key === pk && c.secret.public_key === pk && c.secret.share));

  // A tampered box is caught and its sender named.
  const bad = structuredClone(shares);
  bad[0].shares[0].box = flipHex(bad[0].shares[0].box, 40);
  assert.throws(() => booth.trusteeCombine(started[1].secret, inits, bad), /bad share from trustee\(s\) 1/);
  assert.throws(() => booth.trusteeCombine(started[1].secret, inits, shares.slice(1)), /no shares file from trustee\(s\) 1/);
  assert.throws(() => booth.trusteeDecrypt(started[0].secret, { type: "omov/ciphertexts/v1", election, ciphertexts: [] }), /not combined/);

  const { cast } = booth.encryptRanked({ election, fingerprint, publicKey: pk, candidates: 2, ranking: [1, 0], code });
  const input = { type: "omov/record-decryption-input/v1", election, fingerprint, kind: "ranked", width: 2, papers: [cast.paper] };
  const out = booth.trusteeDecryptRecord(combined[2].secret, input);
  assert.equal(out.type, "omov/record-partials/v1");
  assert.equal(out.trustee, 3);
  assert.equal(out.shares.length, 1);
  assert.equal(out.shares[0].length, 2);
  assert.ok(out.shares[0].every((s) => s.length === 3));
  const file = { type: "omov/ciphertexts/v1", election, ciphertexts: [cast.paper.slice(0, 128)] };
  assert.equal(booth.trusteeDecrypt(combined[0].secret, file).partials.length, 1);
  assert.throws(() => booth.trusteeDecryptRecord(combined[0].secret, { ...input, width: 3 }), /not 64 x 3/);
  assert.throws(() => booth.trusteeDecryptRecord(combined[0].secret, { ...input, election: "other" }), /election "other"/);
});

test("the committed bundle exports exactly the booth's API, and its papers check", async () => {
  const bundle = await import("../../omov/web/static/omov/booth/omov-crypto.js");
  assert.deepEqual(Object.keys(bundle).sort(), Object.keys(booth).sort());
  assert.deepEqual(Object.keys(bundle).sort(), [
    "canonicalJson", "checkOpening", "deriveCredential", "encryptMarks", "encryptRanked", "normaliseCode",
    "trusteeCombine", "trusteeDecrypt", "trusteeDecryptRecord", "trusteeInit", "trusteeShare",
  ]);
  const ctx = { election, fingerprint, publicKey, candidates: 3 };
  const { cast, opening } = bundle.encryptRanked({ ...ctx, ranking: [0, 2, 1], code });
  assert.equal(checkCast(ctx, cast), cast.tracker);
  assert.deepEqual(booth.checkOpening(ctx, opening), [1, 3, 2]);
});

test("many random rankings and mark sets: each cast checks and each opening returns what was chosen", () => {
  const ctx = { election, fingerprint, publicKey, candidates: 6 };
  const question = { question_id: "q", kind: "bloc", options: 4, min_marks: 1, max_marks: 2 };
  const mctx = { election, fingerprint, publicKey, question };
  for (let round = 0; round < 12; round++) {
    const order = [0, 1, 2, 3, 4, 5].sort(() => Math.random() - 0.5);
    const ranking = order.slice(0, 1 + Math.floor(Math.random() * 6));
    const { cast, opening } = booth.encryptRanked({ ...ctx, ranking, code });
    checkCast(ctx, cast);
    const values = booth.checkOpening(ctx, opening);
    assert.deepEqual(values.filter((m) => m > 0).map((m) => m - 1), ranking);
    const marks = [0, 0, 0, 0];
    for (const i of order.filter((i) => i < 4).slice(0, 1 + (round % 2))) marks[i] = 1;
    const m = booth.encryptMarks({ ...mctx, marks, code });
    checkCast(mctx, m.cast);
    assert.deepEqual(booth.checkOpening(mctx, m.opening), marks);
  }
});
