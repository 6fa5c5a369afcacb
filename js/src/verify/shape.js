// Shapes of record.md §2/§9: exactly the keys shown, each item of the type shown. A refusal names the file and
// the item: `parameters.json: seats: must be a non-negative integer, not true`.
import { RecordError, itemPath, canonicalText } from "./canonical.js";

const HEX = /^(?:[0-9a-f]{2})*$/;
const HEX32 = /^[0-9a-f]{64}$/;

function describe(v) {
  let s;
  try {
    s = canonicalText(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// Shape language: "int" (JSON integer >= 0), "str", "bool", "hex", "hex32", "any", ["arrayOf", shape], an object
// {key: shape} (exactly those keys), {$const: value}, {$either: [shape, ...]} (the first whose keys match),
// {$nullable: shape} (null or the shape), {$some: {key: shape}} (an object holding only some of those keys).
export const INT = "int";
export const BOOL = "bool";
export const STR = "str";
export const HEXS = "hex";
export const H32 = "hex32";
export const ANY = "any";
export const arrayOf = (s) => ({ $array: s });
export const konst = (v) => ({ $const: v });
export const either = (...s) => ({ $either: s });
export const nullable = (s) => ({ $nullable: s });
export const someOf = (s) => ({ $some: s });

export function checkShape(value, shape, file, path = []) {
  const fail = (msg) => {
    throw new RecordError(file, itemPath(path) || "(the document)", msg);
  };
  if (shape === ANY) return;
  if (shape === INT) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      fail(`must be a non-negative integer, not ${describe(value)}`);
    }
    return;
  }
  if (shape === STR) {
    if (typeof value !== "string") fail(`must be a string, not ${describe(value)}`);
    return;
  }
  if (shape === BOOL) {
    if (typeof value !== "boolean") fail(`must be true or false, not ${describe(value)}`);
    return;
  }
  if (shape.$nullable !== undefined) {
    if (value !== null) checkShape(value, shape.$nullable, file, path);
    return;
  }
  if (shape.$some !== undefined) {
    if (!isObject(value)) fail(`must be an object, not ${describe(value)}`);
    for (const key of Object.keys(value)) {
      path.push(key);
      if (!Object.hasOwn(shape.$some, key)) {
        fail(`is not one this object may hold (known: ${Object.keys(shape.$some).join(", ")})`);
      }
      checkShape(value[key], shape.$some[key], file, path);
      path.pop();
    }
    return;
  }
  if (shape === HEXS) {
    if (typeof value !== "string" || !HEX.test(value)) fail(`must be lowercase hex (an even number of digits), not ${describe(value)}`);
    return;
  }
  if (shape === H32) {
    if (typeof value !== "string" || !HEX32.test(value)) fail(`must be 64 lowercase hex digits, not ${describe(value)}`);
    return;
  }
  if (shape.$const !== undefined) {
    if (value !== shape.$const) fail(`must be ${describe(shape.$const)}, not ${describe(value)}`);
    return;
  }
  if (shape.$array !== undefined) {
    if (!Array.isArray(value)) fail(`must be an array, not ${describe(value)}`);
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkShape(value[i], shape.$array, file, path);
      path.pop();
    }
    return;
  }
  if (shape.$either !== undefined) {
    if (!isObject(value)) fail(`must be an object, not ${describe(value)}`);
    const keys = Object.keys(value).sort().join(",");
    const match = shape.$either.find((s) => Object.keys(s).sort().join(",") === keys) ?? shape.$either[0];
    checkShape(value, match, file, path);
    return;
  }
  if (!isObject(value)) fail(`must be an object, not ${describe(value)}`);
  for (const key of Object.keys(shape)) {
    if (!(key in value)) fail(`the key '${key}' is missing`);
  }
  for (const key of Object.keys(value)) {
    if (!(key in shape)) {
      path.push(key);
      fail("is not a key this object has (an extra key is refused)");
    }
  }
  for (const key of Object.keys(shape)) {
    path.push(key);
    checkShape(value[key], shape[key], file, path);
    path.pop();
  }
}

const proofCZ = { c: H32, z: H32 };

// record.md §9: the count rule's option changes a version-4 record may hold (any other name is refused), and the
// balance rules (constraints); their meaning is checked with the count (count.js).
export const RULE_OPTIONS = someOf({
  quota: STR, decimals: nullable(INT), ties: arrayOf(STR), batch_exclusion: BOOL, max_marks: nullable(INT),
  allow_equal_rankings: BOOL, meek_omega: STR, meek_precision: INT,
  extra: someOf({ rounding: STR, empty_papers: STR, meek_arithmetic: STR, meek_guard: INT, meek_batch_defeat: STR }),
});
export const CONSTRAINT = { group: STR, min: INT, max: nullable(INT), members: arrayOf(INT) };

export const MANIFEST = { election: STR, files: ANY, fingerprint: H32, format: STR, version: INT };

export function parametersShape(version, kind) {
  const s = {
    election: STR, title: STR, group: STR, generator: H32, public_key: H32, candidates: arrayOf(STR), seats: INT,
    rule: STR, count_seed: STR, width: INT, encoding: STR, mixers: arrayOf(STR), shuffle_proof: STR,
  };
  if (version >= 4) {
    s.kind = STR;
    s.credentials = H32;
    s.options = RULE_OPTIONS;
    s.constraints = arrayOf(CONSTRAINT);
    if (kind === "marks") s.question = { question_id: STR, kind: STR, options: INT, min_marks: INT, max_marks: INT };
  }
  return s;
}

export const TRUSTEES = {
  trustees: INT, threshold: INT, public_key: H32,
  inits: arrayOf({
    type: konst("omov/trustee-init/v1"), election: STR, id: INT, n: INT, t: INT, commitments: arrayOf(H32),
    commitment_proof: proofCZ, transport_key: H32, transport_proof: proofCZ,
  }),
  shares: arrayOf({
    type: konst("omov/trustee-shares/v1"), election: STR, from: INT,
    shares: arrayOf({ to: INT, ephemeral: H32, box: HEXS }),
  }),
  combines: arrayOf({
    type: konst("omov/trustee-combine/v1"), election: STR, id: INT, public_key: H32, verification_key: H32,
    proof: proofCZ, inputs: arrayOf(H32),
  }),
};

export function papersShape(version) {
  const entry = version >= 4
    ? { position: INT, tracker: H32, credential: H32, ciphertexts: HEXS, proof: HEXS, signature: proofCZ, previous_hash: H32, entry_hash: H32 }
    : { position: INT, tracker: H32, ciphertexts: HEXS, previous_hash: H32, entry_hash: H32 };
  return { chain: STR, papers: arrayOf(entry), head: { position: INT, hash: H32 } };
}

export const CREDENTIALS = { election: STR, keys: arrayOf(H32) };

export const MIX = {
  index: INT, mixer: STR, outputs: arrayOf(HEXS),
  proof: {
    commitments: arrayOf(H32), chain: arrayOf(H32), t1: H32, t2: H32, t3: H32, t4: arrayOf(arrayOf(H32)),
    t_hat: arrayOf(H32), s1: H32, s2: H32, s3: H32, s4: arrayOf(H32), s_hat: arrayOf(H32), s_prime: arrayOf(H32),
    challenge: H32,
  },
};

const SHARE = arrayOf(H32);
export function decryptionShape(kind) {
  if (kind === "marks") return { present: arrayOf(INT), tally: arrayOf(arrayOf(SHARE)) };
  return { present: arrayOf(INT), papers: arrayOf(arrayOf(arrayOf(SHARE))) };
}

// Version 4 adds `withdrawn` (candidates withdrawn after opening); a ranked record of version 3 has none, which
// count.js checks against the parameters' version-4 keys.
export function resultsShape(kind) {
  if (kind === "marks") return { papers: INT, totals: arrayOf(INT), withdrawn: arrayOf(INT), count: ANY };
  const papers = arrayOf(either({ status: konst("valid"), ranking: arrayOf(INT) }, { status: konst("invalid") }));
  return either({ papers, withdrawn: arrayOf(INT), count: ANY }, { papers, count: ANY });
}
