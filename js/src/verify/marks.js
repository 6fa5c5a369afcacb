// Mark papers (docs/crypto.md §5, with binding = F || S as §11 says for the platform): read a paper from its
// canonical bytes P and check every proof. Returns {cts} (the option ciphertexts) or throws an Error saying
// what is wrong.
import { G, bytesToHex, lengthPrefixed, pointFromHex, scalarFromHex, text, u32 } from "./group.js";
import { verifyDisjunctive } from "./proofs.js";

function readFields(bytes) {
  const out = [];
  let at = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new Error("the paper's bytes end inside a length prefix");
    const len = view.getBigUint64(at, false);
    at += 8;
    if (len > BigInt(bytes.length - at)) throw new Error("a length prefix runs past the end of the paper's bytes");
    out.push(bytes.subarray(at, at + Number(len)));
    at += Number(len);
  }
  return out;
}

function readPoint(bytes, what) {
  const p = pointFromHex(bytesToHex(bytes));
  if (p === null) throw new Error(`${what} is not a valid ristretto255 point`);
  return p;
}

function readProof(bytes, branches, what) {
  if (bytes.length !== 4 + 128 * branches) throw new Error(`${what} is ${bytes.length} bytes, not 4 + 128·${branches}`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  if (n !== branches) throw new Error(`${what} has ${n} branches, not ${branches}`);
  const commitments = [];
  const commitmentBytes = [];
  const pairs = [];
  for (let j = 0; j < branches; j++) {
    const A = bytes.subarray(4 + 64 * j, 4 + 64 * j + 32);
    const B = bytes.subarray(4 + 64 * j + 32, 4 + 64 * j + 64);
    commitmentBytes.push([A, B]);
    commitments.push([readPoint(A, `${what} commitment A_${j}`), readPoint(B, `${what} commitment B_${j}`)]);
  }
  const base = 4 + 64 * branches;
  for (let j = 0; j < branches; j++) {
    const c = scalarFromHex(bytesToHex(bytes.subarray(base + 64 * j, base + 64 * j + 32)));
    const z = scalarFromHex(bytesToHex(bytes.subarray(base + 64 * j + 32, base + 64 * j + 64)));
    if (c === null || z === null) throw new Error(`${what} pair ${j} holds a scalar that is not canonical (< L)`);
    pairs.push([c, z]);
  }
  return { commitments, commitmentBytes, pairs };
}

// question: {question_id, options, min_marks, max_marks}; binding: Uint8Array.
// With `batch` (proofs.js newBatch()), the proofs' branch equations are added to it rather than checked here.
export function checkMarkPaper(P, question, election, binding, publicKey, pkBytes, batch = null) {
  const k = question.options;
  const fields = readFields(P);
  const needSum = question.min_marks > 0 || question.max_marks < k;
  if (fields.length !== 2 + 2 * k + 1) throw new Error(`the paper has ${fields.length} fields, not ${2 + 2 * k + 1} (question id, option count, ${k} ciphertexts, ${k} proofs, sum proof)`);
  if (new TextDecoder().decode(fields[0]) !== question.question_id || bytesToHex(fields[0]) !== bytesToHex(text(question.question_id))) {
    throw new Error("the paper's question id is not the question's");
  }
  if (fields[1].length !== 4 || new DataView(fields[1].buffer, fields[1].byteOffset, 4).getUint32(0, false) !== k) {
    throw new Error(`the paper's option count is not ${k}`);
  }
  const cts = [];
  for (let i = 0; i < k; i++) {
    const f = fields[2 + i];
    if (f.length !== 64) throw new Error(`option ${i}'s ciphertext is ${f.length} bytes, not 64`);
    const aBytes = f.subarray(0, 32);
    const bBytes = f.subarray(32, 64);
    cts.push({ a: readPoint(aBytes, `option ${i}'s ciphertext (a)`), b: readPoint(bBytes, `option ${i}'s ciphertext (b)`), aBytes, bBytes });
  }
  const ctx = lengthPrefixed(text("omov/v1/mark-paper"), text(election), text(question.question_id), u32(k),
    u32(question.min_marks), u32(question.max_marks), binding);
  for (let i = 0; i < k; i++) {
    const proof = readProof(fields[2 + k + i], 2, `option ${i}'s proof`);
    if (!verifyDisjunctive(lengthPrefixed(ctx, text("mark"), u32(i)), publicKey, pkBytes, [cts[i]], [0, 1], proof, batch)) {
      throw new Error(`option ${i}'s 0/1 proof does not verify`);
    }
  }
  const sumField = fields[2 + 2 * k];
  if (!needSum) {
    if (sumField.length !== 0) throw new Error("the paper has a sum proof where the question needs none");
  } else {
    const values = [];
    for (let v = question.min_marks; v <= question.max_marks; v++) values.push(v);
    const proof = readProof(sumField, values.length, "the sum proof");
    if (!verifyDisjunctive(lengthPrefixed(ctx, text("sum")), publicKey, pkBytes, cts, values, proof, batch)) {
      throw new Error(`the sum proof (between ${question.min_marks} and ${question.max_marks} marks) does not verify`);
    }
  }
  return cts;
}

export { G };
