// Mark papers (docs/crypto.md §5): one ciphertext per option with a 0/1 disjunctive proof, and a proof that the
// number of marks is allowed when the 0/1 proofs do not already bound it.
import { lengthPrefixed, sha256Hex, u32, utf8 } from "./bytes.js";
import { mod } from "./group.js";
import { ciphertextBytes, ciphertextFromBytes, ciphertextHex, ciphertextFromHex, encrypt } from "./elgamal.js";
import {
  proveDisjunctive, verifyDisjunctive, disjunctiveBytes, disjunctiveFromBytes, disjunctiveJson, disjunctiveFromJson,
} from "./proofs.js";

const MARK_VALUES = [0, 1];
const KINDS = ["yes_no", "bloc", "approval"];

/** A question from its JSON ({"question_id", "kind", "options", "min_marks", "max_marks"}), checked. */
export function questionFromJson(obj) {
  if (!obj || typeof obj !== "object") throw new Error("question: expected an object");
  const { question_id: id, kind, options, min_marks: min, max_marks: max } = obj;
  if (typeof id !== "string") throw new Error("question: question_id must be a string");
  if (!KINDS.includes(kind)) throw new Error(`question: kind must be one of ${KINDS.join(", ")}`);
  for (const [name, v] of [["options", options], ["min_marks", min], ["max_marks", max]]) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`question: ${name} must be a non-negative integer`);
  }
  if (options < 1) throw new Error("question: at least one option");
  if (!(min <= max && max <= options)) throw new Error("question: need 0 <= min_marks <= max_marks <= options");
  return { id, kind, options, min, max };
}

/** The 0/1 proofs already give 0 <= sum <= options; a sum proof is needed only for a tighter range. */
export const needsSumProof = (q) => q.min > 0 || q.max < q.options;
const allowedSums = (q) => Array.from({ length: q.max - q.min + 1 }, (_, i) => q.min + i);

export function paperContext(election, q, binding) {
  return lengthPrefixed(utf8("omov/v1/mark-paper"), utf8(election), utf8(q.id), u32(q.options), u32(q.min), u32(q.max), binding);
}
const markContext = (ctx, i) => lengthPrefixed(ctx, utf8("mark"), u32(i));
const sumContext = (ctx) => lengthPrefixed(ctx, utf8("sum"));

/** Encrypt a paper's marks with all proofs. Nonces: r_0..r_{k-1}, each option's proof, then the sum proof's.
 * Returns {paper, randomness}. */
export function encryptMarkPaper(pk, election, q, marks, binding, rng) {
  if (marks.length !== q.options || marks.some((m) => m !== 0 && m !== 1)) {
    throw new Error(`a paper needs ${q.options} marks, each 0 or 1`);
  }
  const n = marks.reduce((s, m) => s + m, 0);
  if (n < q.min || n > q.max) throw new Error(`between ${q.min} and ${q.max} options may be marked, not ${n}`);
  const ctx = paperContext(election, q, binding);
  const rs = marks.map(() => rng.scalar());
  const cts = marks.map((m, i) => encrypt(pk, m, rs[i]));
  const markProofs = marks.map((m, i) => proveDisjunctive(pk, [cts[i]], m, rs[i], MARK_VALUES, markContext(ctx, i), rng));
  let sumProof = null;
  if (needsSumProof(q)) {
    const rSum = mod(rs.reduce((s, r) => s + r, 0n));
    sumProof = proveDisjunctive(pk, cts, n, rSum, allowedSums(q), sumContext(ctx), rng);
  }
  return { paper: { questionId: q.id, ciphertexts: cts, markProofs, sumProof }, randomness: rs };
}

/** Canonical bytes: length_prefixed(question_id, u32 k, ct_0.., proof_0.., sum proof or empty). */
export function markPaperBytes(paper) {
  return lengthPrefixed(
    utf8(paper.questionId),
    u32(paper.ciphertexts.length),
    ...paper.ciphertexts.map(ciphertextBytes),
    ...paper.markProofs.map(disjunctiveBytes),
    paper.sumProof ? disjunctiveBytes(paper.sumProof) : new Uint8Array(0),
  );
}

/** The v1 tracker of §5 (SHA-256 of the canonical bytes); cast papers use the v4 tracker of §11. */
export const markPaperTracker = (paper) => sha256Hex(markPaperBytes(paper));

/** Parse canonical bytes back into a paper for question q (the shape is q's: k ciphertexts, k proofs, and a
 * sum proof exactly when q needs one). */
export function markPaperFromBytes(bytes, q, what = "mark paper") {
  const items = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new Error(`${what}: truncated length`);
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
    const n = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
    at += 8;
    if (at + n > bytes.length) throw new Error(`${what}: an item runs past the end`);
    items.push(bytes.subarray(at, at + n));
    at += n;
  }
  const k = q.options;
  if (items.length !== 2 * k + 3) throw new Error(`${what}: ${items.length} items, expected ${2 * k + 3} for ${k} options`);
  const questionId = new TextDecoder("utf-8", { fatal: true }).decode(items[0]);
  if (questionId !== q.id) throw new Error(`${what}: for question ${JSON.stringify(questionId)}, not ${JSON.stringify(q.id)}`);
  if (items[1].length !== 4 || new DataView(items[1].buffer, items[1].byteOffset, 4).getUint32(0) !== k) {
    throw new Error(`${what}: the option count is not ${k}`);
  }
  const ciphertexts = items.slice(2, 2 + k).map((b, i) => ciphertextFromBytes(b, `${what}: option ${i}`));
  const markProofs = items.slice(2 + k, 2 + 2 * k).map((b, i) => disjunctiveFromBytes(b, `${what}: option ${i}'s proof`));
  const last = items[2 + 2 * k];
  const sumProof = last.length ? disjunctiveFromBytes(last, `${what}: sum proof`) : null;
  if (Boolean(sumProof) !== needsSumProof(q)) throw new Error(`${what}: a sum proof must be present exactly when the question needs one`);
  return { questionId, ciphertexts, markProofs, sumProof };
}

/** Every proof of the paper verifies (exact check) and its shape is the question's. */
export function verifyMarkPaper(pk, election, q, paper, binding) {
  if (paper.questionId !== q.id || paper.ciphertexts.length !== q.options || paper.markProofs.length !== q.options) return false;
  if (Boolean(paper.sumProof) !== needsSumProof(q)) return false;
  const ctx = paperContext(election, q, binding);
  for (let i = 0; i < q.options; i++) {
    if (!verifyDisjunctive(pk, [paper.ciphertexts[i]], MARK_VALUES, paper.markProofs[i], markContext(ctx, i))) return false;
  }
  return !paper.sumProof || verifyDisjunctive(pk, paper.ciphertexts, allowedSums(q), paper.sumProof, sumContext(ctx));
}

export function markPaperJson(paper) {
  return {
    question_id: paper.questionId,
    ciphertexts: paper.ciphertexts.map(ciphertextHex),
    mark_proofs: paper.markProofs.map(disjunctiveJson),
    sum_proof: paper.sumProof ? disjunctiveJson(paper.sumProof) : null,
  };
}

export function markPaperFromJson(obj) {
  return {
    questionId: obj.question_id,
    ciphertexts: obj.ciphertexts.map((h, i) => ciphertextFromHex(h, `option ${i}`)),
    markProofs: obj.mark_proofs.map((p, i) => disjunctiveFromJson(p, `option ${i}'s proof`)),
    sumProof: obj.sum_proof === null ? null : disjunctiveFromJson(obj.sum_proof, "sum proof"),
  };
}
