// omov's browser cryptography for verifiable ballots: the voter's booth and the trustees' ceremony.
// Built by js/build.mjs into omov/web/static/omov/booth/omov-crypto.js (an ES module). Specification:
// docs/crypto.md §1–§7 and §11, docs/record.md §2, §4 and §9. Byte strings are lowercase hex; JSON objects have
// the shapes given there. Randomness comes from crypto.getRandomValues; every function that draws it takes an
// optional last argument `rng` (an object with `scalar()` returning a BigInt), used by the tests only.
import { osRandom } from "./crypto/random.js";
import * as ballot from "./crypto/ballot.js";
import * as trustees from "./crypto/trustees.js";
import { canonicalJson as canonical } from "./crypto/json.js";

/** The credential code without "-" and spaces, upper-cased; throws an Error saying what is wrong. */
export const normaliseCode = (code) => ballot.normaliseCode(code);

/** {secret, public}: the credential's signing key s and its public key S = s*G (hex). */
export const deriveCredential = (election, code) => ballot.deriveCredential(election, code);

/** Encrypt a ranking: {election, fingerprint, publicKey, candidates: k, ranking: [0-based], code}
 * -> {cast: omov/cast-paper/v1, opening: omov/benaloh-opening/v2, tracker}. Send `cast`, or show `opening`. */
export const encryptRanked = (args, rng = osRandom) => ballot.encryptRanked(args, rng);

/** Encrypt marks: {election, fingerprint, publicKey, question, marks: [0/1 per option], code} -> same shape. */
export const encryptMarks = (args, rng = osRandom) => ballot.encryptMarks(args, rng);

/** Check a Benaloh opening against {election, fingerprint, publicKey, candidates | question}; returns the
 * values (ranked: m_j = candidate index + 1, then 0; marks: 0/1 per option); throws if anything differs. */
export const checkOpening = (ctx, opening) => ballot.checkOpening(ctx, opening);

/** {election, id, n, t} -> {secret: omov/trustee-secret/v1 (keep it), init: omov/trustee-init/v1 (publish)}. */
export const trusteeInit = (args, rng = osRandom) => trustees.trusteeInit(args, rng);

/** The omov/trustee-shares/v1 file, once every trustee's init file is in. */
export const trusteeShare = (secret, inits, rng = osRandom) => trustees.trusteeShare(secret, inits, rng);

/** -> {secret: the updated secret holding the key share, combine: omov/trustee-combine/v1}. */
export const trusteeCombine = (secret, inits, sharesFiles, rng = osRandom) => trustees.trusteeCombine(secret, inits, sharesFiles, rng);

/** Partial decryptions (omov/partial-decryption/v1) of an omov/ciphertexts/v1 file. */
export const trusteeDecrypt = (secret, input, rng = osRandom) => trustees.trusteeDecrypt(secret, input, rng);

/** omov/record-partials/v1 for an omov/record-decryption-input/v1 file (ranked papers or a marks tally). */
export const trusteeDecryptRecord = (secret, input, rng = osRandom) => trustees.trusteeDecryptRecord(secret, input, rng);

/** Canonical JSON text (record.md §2) without the final newline that a file adds. */
export const canonicalJson = (value) => canonical(value);
