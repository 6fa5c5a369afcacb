// Voter credentials, cast papers and Benaloh openings of the platform's verifiable ballots (docs/crypto.md §11).
import { concat, equalBytes, fromHex, lengthPrefixed, sha256, toHex, u32, utf8 } from "./bytes.js";
import {
  G, GROUP_NAME, baseMul, hashToScalar, mod, mulPublic, pointFromHex, pointHex, scalarBytes, scalarFromBytes,
  scalarFromHex, scalarHex,
} from "./group.js";
import { ciphertextBytes, ciphertextFromBytes, encrypt, sameCiphertext } from "./elgamal.js";
import { pairJson, pairFromJson, proveDlog, verifyDlog } from "./proofs.js";
import { encryptMarkPaper, markPaperBytes, markPaperFromBytes, questionFromJson, verifyMarkPaper } from "./marks.js";

export const CAST_TYPE = "omov/cast-paper/v1";
export const OPENING_TYPE = "omov/benaloh-opening/v2";
const DOMAIN_RANDOMNESS = "omov/v1/proof/randomness";
// omov generates codes of Crockford base-32 symbols, but a normalised code may hold any of 0-9 and A-Z, so that
// the platform's voting tokens (RFC 4648 base 32, with I, L, O, U) serve as codes too (docs/crypto.md §11).
const ACCEPTED = /^[0-9A-Z]+$/;

// ---------------------------------------------------------------- credentials

/** The normalised code: "-" and spaces removed, ASCII letters upper-cased; refused if empty, longer than 200
 * characters, or holding anything but the digits 0-9 and the letters A-Z. */
export function normaliseCode(code) {
  if (typeof code !== "string") throw new Error("the credential code must be text");
  if (code.length > 200) throw new Error("a credential code is at most 200 characters");
  const out = code.replace(/[- ]/g, "").replace(/[a-z]/g, (ch) => ch.toUpperCase());
  if (!out) throw new Error("the credential code is empty");
  if (!ACCEPTED.test(out)) {
    const bad = [...new Set(Array.from(out).filter((ch) => !/[0-9A-Z]/.test(ch)))].sort().join("");
    throw new Error(`a credential code holds only letters and digits, not ${JSON.stringify(bad)}`);
  }
  return out;
}

/** s = hash_to_scalar("omov/v1/credential", E, normalised code), S = s*G (bigint and point). */
export function credentialKeys(election, code) {
  const s = hashToScalar("omov/v1/credential", utf8(election), utf8(normaliseCode(code)));
  if (s === 0n) throw new Error("this credential code gives the zero key: it cannot be used");
  return { s, S: baseMul(s) };
}

export function deriveCredential(election, code) {
  const { s, S } = credentialKeys(election, code);
  return { secret: scalarHex(s), public: pointHex(S) };
}

// ---------------------------------------------------------------- ranked papers

/** The ranking (0-based candidate indices, most preferred first) as the record's values m_1..m_k. */
export function rankingValues(ranking, k) {
  if (!Number.isSafeInteger(k) || k < 1) throw new Error("the number of candidates must be a positive integer");
  if (!Array.isArray(ranking) || ranking.length < 1) throw new Error("a ranking needs at least a first preference");
  if (ranking.length > k) throw new Error(`a ranking of ${ranking.length} for ${k} candidates`);
  const seen = new Set();
  for (const i of ranking) {
    if (!Number.isSafeInteger(i) || i < 0 || i >= k) throw new Error(`${i} is not a candidate index in 0..${k - 1}`);
    if (seen.has(i)) throw new Error(`candidate ${i} is ranked twice`);
    seen.add(i);
  }
  return Array.from({ length: k }, (_, j) => (j < ranking.length ? ranking[j] + 1 : 0));
}

/** RP = length_prefixed("omov/v1/ranked-paper", E, F, S). */
const rankedContext = (election, F, S) => lengthPrefixed(utf8("omov/v1/ranked-paper"), utf8(election), F, S.toBytes());

function randomnessChallenge(RP, pk, cts, Rs) {
  const parts = [GROUP_NAME, RP, pk.toBytes(), u32(cts.length)];
  for (const c of cts) parts.push(c.a.toBytes(), c.b.toBytes());
  for (const R of Rs) parts.push(R.toBytes());
  return hashToScalar(DOMAIN_RANDOMNESS, ...parts);
}

/** Proof of knowledge of every r_j with a_j = r_j*G. Nonces w_1..w_k. Bytes c || z_1 || ... || z_k. */
export function proveRandomness(RP, pk, cts, rs, rng) {
  const ws = rs.map(() => rng.scalar());
  const c = randomnessChallenge(RP, pk, cts, ws.map(baseMul));
  return concat(scalarBytes(c), ...ws.map((w, j) => scalarBytes(mod(w + c * rs[j]))));
}

export function verifyRandomness(RP, pk, cts, Q) {
  if (Q.length !== 32 * (cts.length + 1)) return false;
  let c;
  let zs;
  try {
    c = scalarFromBytes(Q.subarray(0, 32));
    zs = cts.map((_, j) => scalarFromBytes(Q.subarray(32 * (j + 1), 32 * (j + 2))));
  } catch {
    return false;
  }
  const Rs = cts.map((ct, j) => mulPublic(G, zs[j]).subtract(mulPublic(ct.a, c)));
  return randomnessChallenge(RP, pk, cts, Rs) === c;
}

export function rankedCiphertexts(P, what = "paper") {
  if (P.length === 0 || P.length % 64 !== 0) throw new Error(`${what}: a ranked paper is 64 bytes per position`);
  const out = [];
  for (let j = 0; j < P.length / 64; j++) out.push(ciphertextFromBytes(P.subarray(64 * j, 64 * j + 64), `${what}: position ${j + 1}`));
  return out;
}

// ---------------------------------------------------------------- tracker, signature, cast

/** tracker = SHA-256(length_prefixed("omov/record/v4/tracker", F, S, P, Q)), 32 bytes. */
export const trackerBytes = (F, S, P, Q) => sha256(lengthPrefixed(utf8("omov/record/v4/tracker"), F, S.toBytes(), P, Q));

const signatureContext = (election, F, tracker) => lengthPrefixed(utf8("omov/v1/paper-signature"), utf8(election), F, tracker);

/** The credential's Schnorr signature of the tracker (one nonce). */
export const signTracker = (s, election, F, tracker, rng) => proveDlog(s, signatureContext(election, F, tracker), rng);
export const verifySignature = (S, election, F, tracker, sig) => verifyDlog(S, sig, signatureContext(election, F, tracker));

function fingerprintBytes(fingerprint) {
  return fromHex(fingerprint, "fingerprint", 32);
}

function finish({ election, F, s, S, P, Q, values, randomness }, rng) {
  const tracker = trackerBytes(F, S, P, Q);
  const signature = pairJson(signTracker(s, election, F, tracker, rng));
  const common = { election, credential: pointHex(S), tracker: toHex(tracker), paper: toHex(P), proof: toHex(Q) };
  return {
    cast: { type: CAST_TYPE, ...common, signature },
    opening: {
      type: OPENING_TYPE, ...common, fingerprint: toHex(F), values, randomness: randomness.map(scalarHex),
    },
    tracker: toHex(tracker),
  };
}

/** Encrypt a ranking (nonces r_1..r_k, w_1..w_k, then the signature's w). */
export function encryptRanked({ election, fingerprint, publicKey, candidates, ranking, code }, rng) {
  const F = fingerprintBytes(fingerprint);
  const pk = pointFromHex(publicKey, "public key");
  const values = rankingValues(ranking, candidates);
  const { s, S } = credentialKeys(election, code);
  const rs = values.map(() => rng.scalar());
  const cts = values.map((m, j) => encrypt(pk, m, rs[j]));
  const P = concat(...cts.map(ciphertextBytes));
  const Q = proveRandomness(rankedContext(election, F, S), pk, cts, rs, rng);
  return finish({ election, F, s, S, P, Q, values, randomness: rs }, rng);
}

/** Encrypt marks (a 0/1 per option) as the mark paper of §5 with binding F || S, then sign it. */
export function encryptMarks({ election, fingerprint, publicKey, question, marks, code }, rng) {
  const F = fingerprintBytes(fingerprint);
  const pk = pointFromHex(publicKey, "public key");
  const q = questionFromJson(question);
  const { s, S } = credentialKeys(election, code);
  const { paper, randomness } = encryptMarkPaper(pk, election, q, marks, concat(F, S.toBytes()), rng);
  return finish({ election, F, s, S, P: markPaperBytes(paper), Q: new Uint8Array(0), values: [...marks], randomness }, rng);
}

/** Parse and check a paper's body (P, Q) against the ballot: ranked when `candidates` is given, marks when
 * `question` is. Throws naming what is wrong; returns the ciphertexts. */
export function checkPaperBody({ election, F, pk, candidates, question }, S, P, Q) {
  if (question !== undefined) {
    const q = questionFromJson(question);
    if (Q.length) throw new Error("a mark paper carries its proofs inside the paper: proof must be empty");
    const paper = markPaperFromBytes(P, q);
    if (!verifyMarkPaper(pk, election, q, paper, concat(F, S.toBytes()))) throw new Error("the paper's proofs do not verify");
    return paper.ciphertexts;
  }
  const cts = rankedCiphertexts(P);
  if (cts.length !== candidates) throw new Error(`the paper has ${cts.length} positions, not ${candidates}`);
  if (!verifyRandomness(rankedContext(election, F, S), pk, cts, Q)) throw new Error("the proof of randomness does not verify");
  return cts;
}

function ballotContext(ctx) {
  if (!ctx || typeof ctx.election !== "string") throw new Error("the ballot needs an election id");
  if ((ctx.candidates === undefined) === (ctx.question === undefined)) throw new Error("give the ballot's candidates (ranked) or its question (marks)");
  return {
    election: ctx.election,
    F: fingerprintBytes(ctx.fingerprint),
    pk: pointFromHex(ctx.publicKey, "public key"),
    candidates: ctx.candidates,
    question: ctx.question,
  };
}

/** The checks the ballot box makes on one cast paper (not those needing the board: credential list, reuse). */
export function checkCast(ctx, cast) {
  const b = ballotContext(ctx);
  if (!cast || cast.type !== CAST_TYPE) throw new Error(`not a ${CAST_TYPE} object`);
  if (cast.election !== b.election) throw new Error(`the paper is for election ${JSON.stringify(cast.election)}, not ${JSON.stringify(b.election)}`);
  const S = pointFromHex(cast.credential, "credential");
  const P = fromHex(cast.paper, "paper");
  const Q = fromHex(cast.proof, "proof");
  checkPaperBody(b, S, P, Q);
  const tracker = trackerBytes(b.F, S, P, Q);
  if (cast.tracker !== toHex(tracker)) throw new Error("the tracker is not the one recomputed from the paper");
  if (!verifySignature(S, b.election, b.F, tracker, pairFromJson(cast.signature, "signature"))) throw new Error("the signature does not verify");
  return cast.tracker;
}

/** Check a Benaloh opening (v2) on another device: each ciphertext re-encrypts from the revealed value and
 * randomness, the proofs verify and the tracker recomputes. Returns the values (ranked: m_1..m_k; marks: the
 * marks) for the voter to compare with what they chose. */
export function checkOpening(ctx, opening) {
  const b = ballotContext(ctx);
  if (!opening || opening.type !== OPENING_TYPE) throw new Error(`not a ${OPENING_TYPE} object`);
  if (opening.election !== b.election) throw new Error(`the opening is for election ${JSON.stringify(opening.election)}, not ${JSON.stringify(b.election)}`);
  if (!equalBytes(fromHex(opening.fingerprint, "fingerprint", 32), b.F)) throw new Error("the opening is for other parameters (fingerprint differs)");
  const S = pointFromHex(opening.credential, "credential");
  const P = fromHex(opening.paper, "paper");
  const Q = fromHex(opening.proof, "proof");
  const cts = checkPaperBody(b, S, P, Q);
  const { values, randomness } = opening;
  if (!Array.isArray(values) || !Array.isArray(randomness) || values.length !== cts.length || randomness.length !== cts.length) {
    throw new Error(`the opening needs ${cts.length} values and ${cts.length} randomness scalars`);
  }
  const top = b.question !== undefined ? 1 : b.candidates;
  values.forEach((m, j) => {
    if (!Number.isSafeInteger(m) || m < 0 || m > top) throw new Error(`value ${j + 1}: ${m} is not in 0..${top}`);
    const r = scalarFromHex(randomness[j], `randomness ${j + 1}`);
    if (!sameCiphertext(encrypt(b.pk, m, r), cts[j])) throw new Error(`position ${j + 1}: the ciphertext does not encrypt the revealed value`);
  });
  if (opening.tracker !== toHex(trackerBytes(b.F, S, P, Q))) throw new Error("the tracker is not the hash of the paper");
  return [...values];
}

