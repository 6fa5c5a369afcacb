// The trustees' key ceremony and decryption (docs/crypto.md §6), byte-compatible with omov/crypto/trustees.py,
// so a ceremony may mix browser and command-line trustees. The secret file's object stays on the trustee's
// device; every function here returns public files (and the updated secret).
import { secretbox } from "@noble/ciphers/salsa.js";
import { fromHex, lengthPrefixed, sha256, sha256Hex, toHex, u32, u64, utf8 } from "./bytes.js";
import {
  G, IDENTITY, L, baseMul, mod, mul, mulPublic, pointFromHex, pointHex, scalarBytes, scalarFromBytes, scalarFromHex,
  scalarHex,
} from "./group.js";
import { ciphertextFromHex, ciphertextFromBytes } from "./elgamal.js";
import { pairFromJson, pairJson, proveDleq, proveDlog, verifyDlog } from "./proofs.js";
import { canonicalJson } from "./json.js";

export const INIT_TYPE = "omov/trustee-init/v1";
export const SHARES_TYPE = "omov/trustee-shares/v1";
export const COMBINE_TYPE = "omov/trustee-combine/v1";
export const SECRET_TYPE = "omov/trustee-secret/v1";
export const PARTIALS_TYPE = "omov/partial-decryption/v1";
export const CIPHERTEXTS_TYPE = "omov/ciphertexts/v1";
export const RECORD_INPUT_TYPE = "omov/record-decryption-input/v1";
export const RECORD_PARTIALS_TYPE = "omov/record-partials/v1";
const ZERO_NONCE = new Uint8Array(24); // each box key is used once

const isCount = (v) => Number.isSafeInteger(v) && v >= 0;

function checkParams(n, t, i) {
  if (!isCount(n) || !isCount(t) || !isCount(i)) throw new Error("n, t and the trustee id must be integers");
  if (!(1 <= t && t <= n)) throw new Error("need 1 <= t <= n");
  if (!(1 <= i && i <= n)) throw new Error(`trustee id must be in 1..${n}`);
}

const commitmentContext = (E, i, n, t, Cs) =>
  lengthPrefixed(utf8("omov/v1/trustee/commitment"), utf8(E), u32(i), u32(n), u32(t), ...Cs.map((C) => C.toBytes()));
const transportContext = (E, i) => lengthPrefixed(utf8("omov/v1/trustee/transport"), utf8(E), u32(i));
const verificationContext = (E, j, pk) => lengthPrefixed(utf8("omov/v1/trustee/verification-key"), utf8(E), u32(j), pk.toBytes());
const partialContext = (E, j, h, index) => lengthPrefixed(utf8("omov/v1/partial-decryption"), utf8(E), u32(j), h, u32(index));
const shareKey = (E, i, j, Y, K) => sha256(lengthPrefixed(utf8("omov/v1/trustee/share-key"), utf8(E), u32(i), u32(j), Y.toBytes(), K.toBytes()));

/** f(x) for coefficients a_0..a_{t-1} (Horner, mod L). */
function poly(coefficients, x) {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = mod(acc * BigInt(x) + coefficients[k]);
  return acc;
}

/** sum_k j^k * C_k: the public image f(j)*G of a committed polynomial. */
function commitmentAt(Cs, j) {
  let acc = Cs[0];
  let power = 1n;
  for (const C of Cs.slice(1)) {
    power = (power * BigInt(j)) % L;
    acc = acc.add(mulPublic(C, power));
  }
  return acc;
}

// ---------------------------------------------------------------- secret file

function readSecret(obj) {
  if (!obj || obj.type !== SECRET_TYPE) throw new Error(`not a trustee secret file (${SECRET_TYPE})`);
  const { election, id, n, t } = obj;
  if (typeof election !== "string") throw new Error("secret file: election must be a string");
  checkParams(n, t, id);
  if (!Array.isArray(obj.coefficients) || obj.coefficients.length !== t) throw new Error(`secret file: ${t} coefficients expected`);
  return {
    election, id, n, t,
    coefficients: obj.coefficients.map((h, k) => scalarFromHex(h, `secret file: coefficient ${k}`)),
    transport: scalarFromHex(obj.transport_key, "secret file: transport_key"),
    share: obj.share == null ? null : scalarFromHex(obj.share, "secret file: share"),
    publicKey: obj.public_key == null ? null : pointFromHex(obj.public_key, "secret file: public_key"),
  };
}

function secretJson(s) {
  return {
    type: SECRET_TYPE,
    election: s.election,
    id: s.id,
    n: s.n,
    t: s.t,
    coefficients: s.coefficients.map(scalarHex),
    transport_key: scalarHex(s.transport),
    share: s.share === null ? null : scalarHex(s.share),
    public_key: s.publicKey === null ? null : pointHex(s.publicKey),
  };
}

// ---------------------------------------------------------------- 1. init

/** Draws t coefficients and a transport key, then the two proofs' nonces. Returns {secret, init} (JSON). */
export function trusteeInit({ election, id, n, t }, rng) {
  if (typeof election !== "string" || !election) throw new Error("the election id must be a non-empty string");
  checkParams(n, t, id);
  const coefficients = Array.from({ length: t }, () => rng.scalar());
  const transport = rng.scalar();
  const Cs = coefficients.map(baseMul);
  const init = {
    type: INIT_TYPE,
    election,
    id,
    n,
    t,
    commitments: Cs.map(pointHex),
    commitment_proof: pairJson(proveDlog(coefficients[0], commitmentContext(election, id, n, t, Cs), rng)),
    transport_key: pointHex(baseMul(transport)),
    transport_proof: pairJson(proveDlog(transport, transportContext(election, id), rng)),
  };
  return { secret: secretJson({ election, id, n, t, coefficients, transport, share: null, publicKey: null }), init };
}

/** Parse an init file and check its two proofs of knowledge. */
export function checkInit(obj) {
  if (!obj || obj.type !== INIT_TYPE) throw new Error(`not a trustee init file (${INIT_TYPE})`);
  const { election, id: i, n, t } = obj;
  if (typeof election !== "string") throw new Error("init file: election must be a string");
  checkParams(n, t, i);
  const who = `trustee ${i}'s init file`;
  if (!Array.isArray(obj.commitments) || obj.commitments.length !== t) throw new Error(`${who}: ${t} commitments expected for threshold ${t}`);
  const Cs = obj.commitments.map((h, k) => pointFromHex(h, `${who}: commitment ${k}`));
  const E = pointFromHex(obj.transport_key, `${who}: transport_key`);
  if (!verifyDlog(Cs[0], pairFromJson(obj.commitment_proof, `${who}: commitment_proof`), commitmentContext(election, i, n, t, Cs))) {
    throw new Error(`trustee ${i}: the proof of knowledge of the secret does not verify`);
  }
  if (!verifyDlog(E, pairFromJson(obj.transport_proof, `${who}: transport_proof`), transportContext(election, i))) {
    throw new Error(`trustee ${i}: the proof of knowledge of the transport key does not verify`);
  }
  return { election, id: i, n, t, commitments: Cs, transportKey: E };
}

/** All n init files of one ceremony, checked, by id. */
function checkInits(inits, election) {
  if (!Array.isArray(inits) || !inits.length) throw new Error("no trustee init files");
  const parsed = inits.map(checkInit);
  const first = parsed[0];
  const byId = new Map();
  for (const p of parsed) {
    if (p.election !== election || p.n !== first.n || p.t !== first.t) throw new Error(`trustee ${p.id}: election, n or t differ from the others`);
    if (byId.has(p.id)) throw new Error(`two init files for trustee ${p.id}`);
    byId.set(p.id, p);
  }
  const ids = [...byId.keys()].sort((x, y) => x - y);
  if (ids.length !== first.n || ids.some((id, k) => id !== k + 1)) throw new Error(`need init files from trustees 1..${first.n}, have ${ids.join(", ")}`);
  return byId;
}

/** PK = sum_i C_i0 and X_j = sum_i sum_k j^k C_ik, from the checked init files. */
function publicKey(byId) {
  let pk = IDENTITY;
  for (const p of byId.values()) pk = pk.add(p.commitments[0]);
  return pk;
}
function verificationKey(byId, j) {
  let vk = IDENTITY;
  for (const p of byId.values()) vk = vk.add(commitmentAt(p.commitments, j));
  return vk;
}

// ---------------------------------------------------------------- 2. share

/** The public shares file: f_i(j) boxed to each other trustee's transport key (one nonce y per recipient, in
 * increasing j). The box is libsodium's crypto_secretbox_easy (XSalsa20-Poly1305, tag first). */
export function trusteeShare(secretObj, inits, rng) {
  const s = readSecret(secretObj);
  const byId = checkInits(inits, s.election);
  if (!byId.get(s.id).commitments[0].equals(baseMul(s.coefficients[0]))) throw new Error("the init file for this trustee does not match its secret");
  const shares = [];
  for (const j of [...byId.keys()].sort((x, y) => x - y)) {
    if (j === s.id) continue;
    const y = rng.scalar();
    const Y = baseMul(y);
    const key = shareKey(s.election, s.id, j, Y, mul(byId.get(j).transportKey, y));
    const box = secretbox(key, ZERO_NONCE).seal(scalarBytes(poly(s.coefficients, j)));
    shares.push({ to: j, ephemeral: pointHex(Y), box: toHex(box) });
  }
  return { type: SHARES_TYPE, election: s.election, from: s.id, shares };
}

// ---------------------------------------------------------------- 3. combine

function findShare(file, j) {
  if (!file || file.type !== SHARES_TYPE) throw new Error(`not a trustee shares file (${SHARES_TYPE})`);
  const i = file.from;
  if (!Array.isArray(file.shares)) throw new Error(`trustee ${i}'s shares file: shares must be a list`);
  const entries = file.shares.filter((x) => x && x.to === j);
  if (entries.length !== 1) throw new Error(`trustee ${i}'s shares file has ${entries.length} shares for trustee ${j}`);
  return { i, Y: pointFromHex(entries[0].ephemeral, `trustee ${i}'s share for ${j}: ephemeral`), box: fromHex(entries[0].box, `trustee ${i}'s share for ${j}: box`) };
}

function openBox(E, i, j, Y, K, box) {
  try {
    return scalarFromBytes(secretbox(shareKey(E, i, j, Y, K), ZERO_NONCE).open(box));
  } catch {
    return null; // does not open, or holds no canonical scalar
  }
}

/** Check every share received against its sender's commitments; keep x_j = sum_i s_ij in the (returned)
 * secret and publish the combine file. Throws naming any trustee whose share is bad or missing. */
export function trusteeCombine(secretObj, inits, sharesFiles, rng) {
  const s = readSecret(secretObj);
  const byId = checkInits(inits, s.election);
  const received = new Map([[s.id, poly(s.coefficients, s.id)]]);
  const bad = [];
  for (const file of sharesFiles) {
    if (file && file.from === s.id) continue; // our own file holds nothing for us
    const { i, Y, box } = findShare(file, s.id);
    if (file.election !== s.election) throw new Error(`trustee ${i}'s shares file is for another election`);
    if (!byId.has(i)) throw new Error(`a shares file from ${i}, who is not a trustee of this ceremony`);
    let share = openBox(s.election, i, s.id, Y, mul(Y, s.transport), box);
    if (share !== null && !baseMul(share).equals(commitmentAt(byId.get(i).commitments, s.id))) share = null;
    if (received.has(i)) throw new Error(`two shares files from trustee ${i}`);
    if (share === null) bad.push(i);
    else received.set(i, share);
  }
  if (bad.length) throw new Error(`bad share from trustee(s) ${bad.join(", ")}: it does not match their commitments`);
  const missing = [...byId.keys()].filter((i) => !received.has(i)).sort((x, y) => x - y);
  if (missing.length) throw new Error(`no shares file from trustee(s) ${missing.join(", ")}`);
  const x = mod([...received.values()].reduce((acc, v) => acc + v, 0n));
  const pk = publicKey(byId);
  const vk = baseMul(x);
  if (!vk.equals(verificationKey(byId, s.id))) throw new Error("the key share does not match the published commitments");
  const combine = {
    type: COMBINE_TYPE,
    election: s.election,
    id: s.id,
    public_key: pointHex(pk),
    verification_key: pointHex(vk),
    proof: pairJson(proveDlog(x, verificationContext(s.election, s.id, pk), rng)),
    inputs: inits.map((obj) => sha256Hex(utf8(canonicalJson(obj)))).sort(),
  };
  return { secret: secretJson({ ...s, share: x, publicKey: pk }), combine };
}

// ---------------------------------------------------------------- 5. decrypt

function combinedSecret(secretObj) {
  const s = readSecret(secretObj);
  if (s.share === null) throw new Error("this trustee has not combined its key share yet");
  return s;
}

/** d = x_j*a with a Chaum–Pedersen proof (B1 = G, X1 = X_j, B2 = a, X2 = d) under `context(index)`. */
function decryptOne(s, a, context, rng) {
  return { d: mul(a, s.share), proof: proveDleq(s.share, G, a, context, rng) };
}

/** Trustee j's partial decryptions of `cts` under `context` (bytes naming what is decrypted), as
 * omov/crypto/trustees.py's partial_decrypt: [{d, proof}] (JSON). */
export function partialDecrypt(secretObj, cts, context, rng) {
  const s = combinedSecret(secretObj);
  return cts.map((c, index) => {
    const { d, proof } = decryptOne(s, c.a, partialContext(s.election, s.id, context, index), rng);
    return { d: pointHex(d), proof: pairJson(proof) };
  });
}

/** Partial decryptions of an omov/ciphertexts/v1 file (crypto.md §6.5): context uses h = SHA-256 of its
 * canonical JSON. One nonce per ciphertext. */
export function trusteeDecrypt(secretObj, input, rng) {
  const s = combinedSecret(secretObj);
  if (!input || input.type !== CIPHERTEXTS_TYPE) throw new Error(`not an ${CIPHERTEXTS_TYPE} file`);
  if (input.election !== s.election) throw new Error(`the input is for election ${JSON.stringify(input.election)}, not ${JSON.stringify(s.election)}`);
  if (!Array.isArray(input.ciphertexts)) throw new Error("ciphertexts must be a list");
  const cts = input.ciphertexts.map((h, k) => ciphertextFromHex(h, `ciphertext ${k}`));
  const h = sha256(utf8(canonicalJson(input)));
  const partials = partialDecrypt(secretObj, cts, h, rng);
  return { type: PARTIALS_TYPE, election: s.election, trustee: s.id, input: toHex(h), partials };
}

/** The record's decryption (docs/record.md §4 and §9): ranked papers position by position under
 * paper_context(F, i) = length_prefixed("omov/record/v3/decryption", F, u64 i) with index j; marks tallies
 * under h = length_prefixed("omov/record/v4/tally", F) with index = option. Shares [d, c, z]. */
export function trusteeDecryptRecord(secretObj, input, rng) {
  const s = combinedSecret(secretObj);
  if (!input || input.type !== RECORD_INPUT_TYPE) throw new Error(`not an ${RECORD_INPUT_TYPE} file`);
  if (input.election !== s.election) throw new Error(`the input is for election ${JSON.stringify(input.election)}, not ${JSON.stringify(s.election)}`);
  const F = fromHex(input.fingerprint, "fingerprint", 32);
  const share = (a, context) => {
    const { d, proof } = decryptOne(s, a, context, rng);
    return [pointHex(d), scalarHex(proof.c), scalarHex(proof.z)];
  };
  let shares;
  if (input.kind === "ranked") {
    const k = input.width;
    if (!isCount(k) || k < 1) throw new Error("width must be a positive integer");
    if (!Array.isArray(input.papers)) throw new Error("papers must be a list");
    shares = input.papers.map((hex, i) => {
      const P = fromHex(hex, `paper ${i + 1}`);
      if (P.length !== 64 * k) throw new Error(`paper ${i + 1}: ${P.length} bytes, not 64 x ${k}`);
      const h = lengthPrefixed(utf8("omov/record/v3/decryption"), F, u64(i));
      return Array.from({ length: k }, (_, j) => {
        const { a } = ciphertextFromBytes(P.subarray(64 * j, 64 * j + 64), `paper ${i + 1}: position ${j + 1}`);
        return share(a, partialContext(s.election, s.id, h, j));
      });
    });
  } else if (input.kind === "marks") {
    if (!Array.isArray(input.tally)) throw new Error("tally must be a list");
    const h = lengthPrefixed(utf8("omov/record/v4/tally"), F);
    shares = input.tally.map((hex, index) => share(ciphertextFromHex(hex, `tally option ${index}`).a, partialContext(s.election, s.id, h, index)));
  } else {
    throw new Error(`kind must be "ranked" or "marks", not ${JSON.stringify(input.kind)}`);
  }
  return {
    type: RECORD_PARTIALS_TYPE,
    election: s.election,
    fingerprint: toHex(F),
    trustee: s.id,
    input: sha256Hex(utf8(canonicalJson(input))),
    shares,
  };
}
