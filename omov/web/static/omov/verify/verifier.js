// omov: built by js/build.mjs from js/src/verify/index.js; do not edit. Licences: vendor/omov-js-LICENSES.txt

// src/verify/canonical.js
var RecordError = class extends Error {
  constructor(file, item, message) {
    super(item ? `${file}: ${item}: ${message}` : `${file}: ${message}`);
    this.file = file;
    this.item = item;
    this.detail = message;
  }
};
var MAX_DEPTH = 32;
function itemPath(path) {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
function compareCodePoints(a, b) {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(j);
    if (x !== y) return x < y ? -1 : 1;
    i += x > 65535 ? 2 : 1;
    j += y > 65535 ? 2 : 1;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}
var SHORT_ESCAPES = { '"': '"', "\\": "\\", b: "\b", f: "\f", n: "\n", r: "\r", t: "	" };
var ESCAPE_OUT = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "	": "\\t" };
function shown(ch) {
  return ch === void 0 ? "the end of the file" : JSON.stringify(ch);
}
function readCanonical(bytes, file) {
  if (bytes.length >= 3 && bytes[0] === 239 && bytes[1] === 187 && bytes[2] === 191) {
    throw new RecordError(file, "", "starts with a byte-order mark; canonical JSON has none");
  }
  let text2;
  try {
    text2 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new RecordError(file, "", "is not valid UTF-8");
  }
  let pos = 0;
  const path = [];
  const fail2 = (message) => {
    throw new RecordError(file, itemPath(path), `${message} (character ${pos + 1})`);
  };
  function parseString() {
    pos++;
    let out = "";
    let start = pos;
    for (; ; ) {
      if (pos >= text2.length) fail2("a string is not closed");
      const c = text2.charCodeAt(pos);
      if (c === 34) {
        out += text2.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 32) fail2(`the control character U+${c.toString(16).padStart(4, "0")} must be escaped`);
      if (c === 92) {
        out += text2.slice(start, pos);
        const e = text2[pos + 1];
        if (e in SHORT_ESCAPES) {
          out += SHORT_ESCAPES[e];
          pos += 2;
        } else if (e === "u") {
          const hex2 = text2.slice(pos + 2, pos + 6);
          if (!/^00[01][0-9a-f]$/.test(hex2)) {
            fail2(`the escape \\u${hex2} is not canonical: only control characters are written \\u00xx (lowercase), every other character as itself`);
          }
          const code = parseInt(hex2, 16);
          if ([8, 9, 10, 12, 13].includes(code)) fail2(`the escape \\u${hex2} is not canonical: write it as a short escape`);
          out += String.fromCharCode(code);
          pos += 6;
        } else {
          fail2(`the escape \\${e ?? ""} is not canonical`);
        }
        start = pos;
        continue;
      }
      pos++;
    }
  }
  function parseNumber() {
    const m = /^-?(0|[1-9][0-9]*)/.exec(text2.slice(pos, pos + 400));
    if (!m) fail2("a number must be an integer written -?(0|[1-9][0-9]*)");
    const after = text2[pos + m[0].length];
    if (after === "." || after === "e" || after === "E") fail2("a number must be an integer, with no fraction or exponent");
    if (after !== void 0 && /[0-9]/.test(after)) fail2("a number is too long");
    if (m[0] === "-0") fail2("-0 is not canonical");
    pos += m[0].length;
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  }
  function parseValue(depth) {
    const ch = text2[pos];
    if (ch === "{" || ch === "[") {
      if (depth >= MAX_DEPTH) fail2(`nested deeper than ${MAX_DEPTH} levels`);
    }
    if (ch === "{") {
      pos++;
      const obj = /* @__PURE__ */ Object.create(null);
      if (text2[pos] === "}") {
        pos++;
        return obj;
      }
      let previous = null;
      for (; ; ) {
        if (text2[pos] !== '"') fail2(`expected a key in quotes, found ${shown(text2[pos])}`);
        const key = parseString();
        path.push(key);
        if (key in obj) fail2(`the key ${JSON.stringify(key)} appears twice in one object`);
        if (previous !== null && compareCodePoints(previous, key) >= 0) {
          fail2(`the key ${JSON.stringify(key)} comes after ${JSON.stringify(previous)}: keys must be in increasing order of code points`);
        }
        if (text2[pos] !== ":") fail2(`expected ':' after a key, found ${shown(text2[pos])}`);
        pos++;
        obj[key] = parseValue(depth + 1);
        path.pop();
        previous = key;
        const next = text2[pos];
        if (next === ",") {
          pos++;
          continue;
        }
        if (next === "}") {
          pos++;
          return obj;
        }
        fail2(`expected ',' or '}' in an object, found ${shown(next)}`);
      }
    }
    if (ch === "[") {
      pos++;
      const arr = [];
      if (text2[pos] === "]") {
        pos++;
        return arr;
      }
      for (; ; ) {
        path.push(arr.length);
        arr.push(parseValue(depth + 1));
        path.pop();
        const next = text2[pos];
        if (next === ",") {
          pos++;
          continue;
        }
        if (next === "]") {
          pos++;
          return arr;
        }
        fail2(`expected ',' or ']' in an array, found ${shown(next)}`);
      }
    }
    if (ch === '"') return parseString();
    if (ch === "-" || ch >= "0" && ch <= "9") return parseNumber();
    for (const [word, value2] of [["true", true], ["false", false], ["null", null]]) {
      if (text2.startsWith(word, pos)) {
        pos += word.length;
        return value2;
      }
    }
    if (ch === " " || ch === "	" || ch === "\n" || ch === "\r") fail2("whitespace outside a string is not canonical");
    fail2(`unexpected ${shown(ch)}`);
  }
  const value = parseValue(0);
  if (pos === text2.length) fail2("does not end with a newline");
  if (text2[pos] !== "\n" || pos + 1 !== text2.length) {
    if (text2[pos] === "\n") pos++;
    fail2("there is more after the document than one final newline");
  }
  return value;
}
function writeString(s) {
  let out = '"';
  for (const ch of s) {
    if (ch in ESCAPE_OUT) out += ESCAPE_OUT[ch];
    else if (ch.charCodeAt(0) < 32) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}
function canonicalText(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error("canonical JSON holds integers only");
    return Object.is(value, -0) ? "0" : String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return writeString(value);
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(",")}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((k) => `${writeString(k)}:${canonicalText(value[k])}`).join(",")}}`;
}

// src/verify/shape.js
var HEX = /^(?:[0-9a-f]{2})*$/;
var HEX32 = /^[0-9a-f]{64}$/;
function describe(v) {
  let s;
  try {
    s = canonicalText(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
var isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
var INT = "int";
var BOOL = "bool";
var STR = "str";
var HEXS = "hex";
var H32 = "hex32";
var ANY = "any";
var arrayOf = (s) => ({ $array: s });
var konst = (v) => ({ $const: v });
var either = (...s) => ({ $either: s });
var nullable = (s) => ({ $nullable: s });
var someOf = (s) => ({ $some: s });
function checkShape(value, shape, file, path = []) {
  const fail2 = (msg) => {
    throw new RecordError(file, itemPath(path) || "(the document)", msg);
  };
  if (shape === ANY) return;
  if (shape === INT) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      fail2(`must be a non-negative integer, not ${describe(value)}`);
    }
    return;
  }
  if (shape === STR) {
    if (typeof value !== "string") fail2(`must be a string, not ${describe(value)}`);
    return;
  }
  if (shape === BOOL) {
    if (typeof value !== "boolean") fail2(`must be true or false, not ${describe(value)}`);
    return;
  }
  if (shape.$nullable !== void 0) {
    if (value !== null) checkShape(value, shape.$nullable, file, path);
    return;
  }
  if (shape.$some !== void 0) {
    if (!isObject(value)) fail2(`must be an object, not ${describe(value)}`);
    for (const key of Object.keys(value)) {
      path.push(key);
      if (!Object.hasOwn(shape.$some, key)) {
        fail2(`is not one this object may hold (known: ${Object.keys(shape.$some).join(", ")})`);
      }
      checkShape(value[key], shape.$some[key], file, path);
      path.pop();
    }
    return;
  }
  if (shape === HEXS) {
    if (typeof value !== "string" || !HEX.test(value)) fail2(`must be lowercase hex (an even number of digits), not ${describe(value)}`);
    return;
  }
  if (shape === H32) {
    if (typeof value !== "string" || !HEX32.test(value)) fail2(`must be 64 lowercase hex digits, not ${describe(value)}`);
    return;
  }
  if (shape.$const !== void 0) {
    if (value !== shape.$const) fail2(`must be ${describe(shape.$const)}, not ${describe(value)}`);
    return;
  }
  if (shape.$array !== void 0) {
    if (!Array.isArray(value)) fail2(`must be an array, not ${describe(value)}`);
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkShape(value[i], shape.$array, file, path);
      path.pop();
    }
    return;
  }
  if (shape.$either !== void 0) {
    if (!isObject(value)) fail2(`must be an object, not ${describe(value)}`);
    const keys = Object.keys(value).sort().join(",");
    const match = shape.$either.find((s) => Object.keys(s).sort().join(",") === keys) ?? shape.$either[0];
    checkShape(value, match, file, path);
    return;
  }
  if (!isObject(value)) fail2(`must be an object, not ${describe(value)}`);
  for (const key of Object.keys(shape)) {
    if (!(key in value)) fail2(`the key '${key}' is missing`);
  }
  for (const key of Object.keys(value)) {
    if (!(key in shape)) {
      path.push(key);
      fail2("is not a key this object has (an extra key is refused)");
    }
  }
  for (const key of Object.keys(shape)) {
    path.push(key);
    checkShape(value[key], shape[key], file, path);
    path.pop();
  }
}
var proofCZ = { c: H32, z: H32 };
var RULE_OPTIONS = someOf({
  quota: STR,
  decimals: nullable(INT),
  ties: arrayOf(STR),
  batch_exclusion: BOOL,
  max_marks: nullable(INT),
  allow_equal_rankings: BOOL,
  meek_omega: STR,
  meek_precision: INT,
  extra: someOf({ rounding: STR, empty_papers: STR, meek_arithmetic: STR, meek_guard: INT, meek_batch_defeat: STR })
});
var CONSTRAINT = { group: STR, min: INT, max: nullable(INT), members: arrayOf(INT) };
var MANIFEST = { election: STR, files: ANY, fingerprint: H32, format: STR, version: INT };
function parametersShape(version, kind) {
  const s = {
    election: STR,
    title: STR,
    group: STR,
    generator: H32,
    public_key: H32,
    candidates: arrayOf(STR),
    seats: INT,
    rule: STR,
    count_seed: STR,
    width: INT,
    encoding: STR,
    mixers: arrayOf(STR),
    shuffle_proof: STR
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
var TRUSTEES = {
  trustees: INT,
  threshold: INT,
  public_key: H32,
  inits: arrayOf({
    type: konst("omov/trustee-init/v1"),
    election: STR,
    id: INT,
    n: INT,
    t: INT,
    commitments: arrayOf(H32),
    commitment_proof: proofCZ,
    transport_key: H32,
    transport_proof: proofCZ
  }),
  shares: arrayOf({
    type: konst("omov/trustee-shares/v1"),
    election: STR,
    from: INT,
    shares: arrayOf({ to: INT, ephemeral: H32, box: HEXS })
  }),
  combines: arrayOf({
    type: konst("omov/trustee-combine/v1"),
    election: STR,
    id: INT,
    public_key: H32,
    verification_key: H32,
    proof: proofCZ,
    inputs: arrayOf(H32)
  })
};
function papersShape(version) {
  const entry = version >= 4 ? { position: INT, tracker: H32, credential: H32, ciphertexts: HEXS, proof: HEXS, signature: proofCZ, previous_hash: H32, entry_hash: H32 } : { position: INT, tracker: H32, ciphertexts: HEXS, previous_hash: H32, entry_hash: H32 };
  return { chain: STR, papers: arrayOf(entry), head: { position: INT, hash: H32 } };
}
var CREDENTIALS = { election: STR, keys: arrayOf(H32) };
var MIX = {
  index: INT,
  mixer: STR,
  outputs: arrayOf(HEXS),
  proof: {
    commitments: arrayOf(H32),
    chain: arrayOf(H32),
    t1: H32,
    t2: H32,
    t3: H32,
    t4: arrayOf(arrayOf(H32)),
    t_hat: arrayOf(H32),
    s1: H32,
    s2: H32,
    s3: H32,
    s4: arrayOf(H32),
    s_hat: arrayOf(H32),
    s_prime: arrayOf(H32),
    challenge: H32
  }
};
var SHARE = arrayOf(H32);
function decryptionShape(kind) {
  if (kind === "marks") return { present: arrayOf(INT), tally: arrayOf(arrayOf(SHARE)) };
  return { present: arrayOf(INT), papers: arrayOf(arrayOf(arrayOf(SHARE))) };
}
function resultsShape(kind) {
  if (kind === "marks") return { papers: INT, totals: arrayOf(INT), withdrawn: arrayOf(INT), count: ANY };
  const papers2 = arrayOf(either({ status: konst("valid"), ranking: arrayOf(INT) }, { status: konst("invalid") }));
  return either({ papers: papers2, withdrawn: arrayOf(INT), count: ANY }, { papers: papers2, count: ANY });
}

// node_modules/@noble/hashes/_u64.js
var U32_MASK64 = /* @__PURE__ */ (() => BigInt(2 ** 32 - 1))();
var _32n = /* @__PURE__ */ BigInt(32);
function fromBig(n, le = false) {
  if (le)
    return { h: Number(n & U32_MASK64), l: Number(n >> _32n & U32_MASK64) };
  return { h: Number(n >> _32n & U32_MASK64) | 0, l: Number(n & U32_MASK64) | 0 };
}
function split(lst, le = false) {
  const len = lst.length;
  let Ah = new Uint32Array(len);
  let Al = new Uint32Array(len);
  for (let i = 0; i < len; i++) {
    const { h, l } = fromBig(lst[i], le);
    [Ah[i], Al[i]] = [h, l];
  }
  return [Ah, Al];
}
var fromNumH = (n) => n / 2 ** 32 | 0;
var fromNumL = (n) => n >>> 0;
function setU64FromNum(view, byteOffset, n, isLE) {
  const h = fromNumH(n);
  const l = fromNumL(n);
  view.setUint32(byteOffset, isLE ? l : h, isLE);
  view.setUint32(byteOffset + 4, isLE ? h : l, isLE);
}
var shrSH = (h, _l, s) => h >>> s;
var shrSL = (h, l, s) => h << 32 - s | l >>> s;
var rotrSH = (h, l, s) => h >>> s | l << 32 - s;
var rotrSL = (h, l, s) => h << 32 - s | l >>> s;
var rotrBH = (h, l, s) => h << 64 - s | l >>> s - 32;
var rotrBL = (h, l, s) => h >>> s - 32 | l << 64 - s;
function add(Ah, Al, Bh, Bl) {
  const l = (Al >>> 0) + (Bl >>> 0);
  return { h: Ah + Bh + (l / 2 ** 32 | 0) | 0, l: l | 0 };
}
var add3L = (Al, Bl, Cl) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0);
var add3H = (low, Ah, Bh, Ch) => Ah + Bh + Ch + (low / 2 ** 32 | 0) | 0;
var add4L = (Al, Bl, Cl, Dl) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0) + (Dl >>> 0);
var add4H = (low, Ah, Bh, Ch, Dh) => Ah + Bh + Ch + Dh + (low / 2 ** 32 | 0) | 0;
var add5L = (Al, Bl, Cl, Dl, El) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0) + (Dl >>> 0) + (El >>> 0);
var add5H = (low, Ah, Bh, Ch, Dh, Eh) => Ah + Bh + Ch + Dh + Eh + (low / 2 ** 32 | 0) | 0;

// node_modules/@noble/hashes/utils.js
function isBytes(a) {
  return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array" && "BYTES_PER_ELEMENT" in a && a.BYTES_PER_ELEMENT === 1;
}
var atitle = (title) => title ? `"${title}" ` : "";
function anumber(n, title = "") {
  if (typeof n !== "number")
    throw new TypeError(atitle(title) + "expected number, got " + typeof n);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(atitle(title) + "expected integer >= 0, got " + n);
  return n;
}
function abytes(value, length, title = "") {
  if (isBytes(value) && (length === void 0 || value.length === length))
    return value;
  if (length !== void 0)
    anumber(length, "length");
  const bytes = isBytes(value);
  const ofLen = length !== void 0 ? ` of length ${length}` : "";
  const got = bytes ? `length=${value.length}` : `type=${typeof value}`;
  const message = atitle(title) + "expected Uint8Array" + ofLen + ", got " + got;
  if (!bytes)
    throw new TypeError(message);
  throw new RangeError(message);
}
var aobject = (value, label) => {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError((label === "object" ? "" : `"${label}" `) + "expected object, got type=" + typeof value);
};
var aopts = (value, label) => {
  aobject(value, label);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null)
    throw new TypeError(`"${label}" expected plain object`);
  if (Object.hasOwn(value, "__proto__"))
    throw new TypeError(`"${label}.__proto__" is not allowed`);
};
function aexists(instance, checkFinished = true) {
  if (instance.destroyed)
    throw new Error("hash was destroyed");
  if (checkFinished && instance.finished)
    throw new Error("digest() was already called");
}
function aoutput(out, instance) {
  abytes(out, void 0, "output");
  const min = instance.outputLen;
  if (!(out.length >= min)) {
    throw new RangeError('"output" expected length >= ' + min);
  }
}
function clean(...arrays) {
  for (let i = 0; i < arrays.length; i++) {
    arrays[i].fill(0);
  }
}
function createView(arr) {
  return new DataView(arr.buffer, arr.byteOffset, arr.byteLength);
}
function rotr(word, shift) {
  return word << 32 - shift | word >>> shift;
}
var hasHexBuiltin = /* @__PURE__ */ (() => (
  // @ts-ignore
  typeof Uint8Array.from([]).toHex === "function" && typeof Uint8Array.fromHex === "function"
))();
var hexes = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
function bytesToHex(bytes) {
  abytes(bytes);
  if (hasHexBuiltin)
    return bytes.toHex();
  let hex2 = "";
  for (let i = 0; i < bytes.length; i++) {
    hex2 += hexes[bytes[i]];
  }
  return hex2;
}
function asciiToBase16(ch) {
  return ch >= 48 && ch <= 57 ? ch - 48 : ch >= 65 && ch <= 70 ? ch - (65 - 10) : ch >= 97 && ch <= 102 ? ch - (97 - 10) : void 0;
}
function hexToBytes(hex2) {
  if (typeof hex2 !== "string")
    throw new TypeError("hex string expected, got " + typeof hex2);
  if (hasHexBuiltin) {
    try {
      return Uint8Array.fromHex(hex2);
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new RangeError(error.message);
      throw error;
    }
  }
  const hl = hex2.length;
  const al = hl / 2;
  if (hl % 2)
    throw new RangeError("hex string expected, got unpadded hex of length " + hl);
  const array = new Uint8Array(al);
  for (let ai = 0, hi = 0; ai < al; ai++, hi += 2) {
    const n1 = asciiToBase16(hex2.charCodeAt(hi));
    const n2 = asciiToBase16(hex2.charCodeAt(hi + 1));
    if (n1 === void 0 || n2 === void 0) {
      const char = hex2[hi] + hex2[hi + 1];
      throw new RangeError('hex string expected, got non-hex character "' + char + '" at index ' + hi);
    }
    array[ai] = n1 * 16 + n2;
  }
  return array;
}
function concatBytes(...arrays) {
  let sum = 0;
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i];
    abytes(a);
    sum += a.length;
  }
  const res = new Uint8Array(sum);
  for (let i = 0, pad = 0; i < arrays.length; i++) {
    const a = arrays[i];
    res.set(a, pad);
    pad += a.length;
  }
  return res;
}
function checkOpts(defaults, opts, title = "opts") {
  aopts(defaults, "defaults");
  if (opts !== void 0)
    aopts(opts, title);
  const merged = Object.assign(/* @__PURE__ */ Object.create(null), defaults, opts);
  return merged;
}
function createHasher(hashCons, info = {}) {
  if (typeof hashCons !== "function")
    throw new TypeError('"hashCons" expected function, got type=' + typeof hashCons);
  info = checkOpts({}, info, "info");
  const hashC = (msg, opts) => hashCons(opts).update(msg).digest();
  const tmp = hashCons(void 0);
  hashC.outputLen = tmp.outputLen;
  hashC.blockLen = tmp.blockLen;
  hashC.canXOF = tmp.canXOF;
  hashC.create = (opts) => hashCons(opts);
  Object.assign(hashC, info);
  return Object.freeze(hashC);
}
function randomBytes(bytesLength = 32) {
  anumber(bytesLength, "bytesLength");
  const cr = typeof globalThis === "object" ? globalThis.crypto : null;
  if (typeof cr?.getRandomValues !== "function")
    throw new Error("crypto.getRandomValues must be defined");
  if (bytesLength > 65536)
    throw new RangeError(`"bytesLength" expected <= 65536, got ${bytesLength}`);
  return cr.getRandomValues(new Uint8Array(bytesLength));
}
var oidNist = (suffix) => ({
  // Current NIST hashAlgs suffixes used here fit in one DER subidentifier octet.
  // Larger suffix values would need base-128 OID encoding and a different length byte.
  oid: Uint8Array.from([6, 9, 96, 134, 72, 1, 101, 3, 4, 2, suffix])
});

// node_modules/@noble/hashes/_md.js
function Chi(a, b, c) {
  return a & b ^ ~a & c;
}
function Maj(a, b, c) {
  return a & b ^ a & c ^ b & c;
}
var HashMD = class {
  blockLen;
  outputLen;
  canXOF = false;
  padOffset;
  isLE;
  // For partial updates less than block size
  buffer;
  view;
  finished = false;
  length = 0;
  pos = 0;
  destroyed = false;
  constructor(blockLen, outputLen, padOffset, isLE) {
    this.blockLen = blockLen;
    this.outputLen = outputLen;
    this.padOffset = padOffset;
    this.isLE = isLE;
    this.buffer = new Uint8Array(blockLen);
    this.view = createView(this.buffer);
  }
  update(data) {
    aexists(this);
    abytes(data);
    const { view, buffer, blockLen } = this;
    const len = data.length;
    let processed = false;
    for (let pos = 0; pos < len; ) {
      const take = Math.min(blockLen - this.pos, len - pos);
      if (take === blockLen) {
        const dataView = createView(data);
        for (; blockLen <= len - pos; pos += blockLen)
          this.process(dataView, pos);
        processed = true;
        continue;
      }
      buffer.set(pos === 0 && take === len ? data : data.subarray(pos, pos + take), this.pos);
      this.pos += take;
      pos += take;
      if (this.pos === blockLen) {
        this.process(view, 0);
        this.pos = 0;
        processed = true;
      }
    }
    this.length += data.length;
    if (processed)
      this.roundClean();
    return this;
  }
  digestInto(out) {
    aexists(this);
    aoutput(out, this);
    this.finished = true;
    const { buffer, view, blockLen, isLE } = this;
    let { pos } = this;
    buffer[pos++] = 128;
    buffer.fill(0, pos);
    if (this.padOffset > blockLen - pos) {
      this.process(view, 0);
      buffer.fill(0);
    }
    setU64FromNum(view, blockLen - 8, this.length * 8, isLE);
    this.process(view, 0);
    this.roundClean();
    const oview = out === buffer ? view : createView(out);
    const len = this.outputLen;
    const outLen = len / 4;
    const state = this.get();
    if (len % 4 || outLen > state.length)
      throw new Error("invalid outputLen");
    for (let i = 0; i < outLen; i++)
      oview.setUint32(4 * i, state[i], isLE);
  }
  digest() {
    const { buffer, outputLen } = this;
    this.digestInto(buffer);
    const res = buffer.slice(0, outputLen);
    this.destroy();
    return res;
  }
  _cloneIntoMeta(to) {
    const { buffer, length, finished, destroyed, pos } = this;
    to.destroyed = destroyed;
    to.finished = finished;
    to.length = length;
    to.pos = pos;
    if (pos)
      to.buffer.set(buffer);
    return to;
  }
  clone() {
    return this._cloneInto();
  }
};
var SHA256_IV = /* @__PURE__ */ Uint32Array.from([
  1779033703,
  3144134277,
  1013904242,
  2773480762,
  1359893119,
  2600822924,
  528734635,
  1541459225
]);
var SHA512_IV = /* @__PURE__ */ Uint32Array.from([
  1779033703,
  4089235720,
  3144134277,
  2227873595,
  1013904242,
  4271175723,
  2773480762,
  1595750129,
  1359893119,
  2917565137,
  2600822924,
  725511199,
  528734635,
  4215389547,
  1541459225,
  327033209
]);

// node_modules/@noble/hashes/sha2.js
var SHA256_K = /* @__PURE__ */ Uint32Array.from([
  1116352408,
  1899447441,
  3049323471,
  3921009573,
  961987163,
  1508970993,
  2453635748,
  2870763221,
  3624381080,
  310598401,
  607225278,
  1426881987,
  1925078388,
  2162078206,
  2614888103,
  3248222580,
  3835390401,
  4022224774,
  264347078,
  604807628,
  770255983,
  1249150122,
  1555081692,
  1996064986,
  2554220882,
  2821834349,
  2952996808,
  3210313671,
  3336571891,
  3584528711,
  113926993,
  338241895,
  666307205,
  773529912,
  1294757372,
  1396182291,
  1695183700,
  1986661051,
  2177026350,
  2456956037,
  2730485921,
  2820302411,
  3259730800,
  3345764771,
  3516065817,
  3600352804,
  4094571909,
  275423344,
  430227734,
  506948616,
  659060556,
  883997877,
  958139571,
  1322822218,
  1537002063,
  1747873779,
  1955562222,
  2024104815,
  2227730452,
  2361852424,
  2428436474,
  2756734187,
  3204031479,
  3329325298
]);
var SHA256_W = /* @__PURE__ */ new Uint32Array(64);
var SHA2_32B = class extends HashMD {
  // We cannot use array here since array allows indexing by variable
  // which means optimizer/compiler cannot use registers.
  // Numeric initializers matter: starting the fields as `undefined` changes
  // V8's field representation and makes sha256 3x slower (measured).
  A = 0;
  B = 0;
  C = 0;
  D = 0;
  E = 0;
  F = 0;
  G = 0;
  H = 0;
  constructor(outputLen, IV) {
    super(64, outputLen, 8, false);
    this.A = IV[0] | 0;
    this.B = IV[1] | 0;
    this.C = IV[2] | 0;
    this.D = IV[3] | 0;
    this.E = IV[4] | 0;
    this.F = IV[5] | 0;
    this.G = IV[6] | 0;
    this.H = IV[7] | 0;
  }
  get() {
    const { A, B, C, D, E, F, G: G2, H } = this;
    return [A, B, C, D, E, F, G2, H];
  }
  // prettier-ignore
  set(A, B, C, D, E, F, G2, H) {
    this.A = A | 0;
    this.B = B | 0;
    this.C = C | 0;
    this.D = D | 0;
    this.E = E | 0;
    this.F = F | 0;
    this.G = G2 | 0;
    this.H = H | 0;
  }
  _cloneInto(to) {
    (to ||= new this.constructor()).set(...this.get());
    return this._cloneIntoMeta(to);
  }
  process(view, offset) {
    for (let i = 0; i < 16; i++, offset += 4)
      SHA256_W[i] = view.getUint32(offset, false);
    for (let i = 16; i < 64; i++) {
      const W15 = SHA256_W[i - 15];
      const W2 = SHA256_W[i - 2];
      const s0 = rotr(W15, 7) ^ rotr(W15, 18) ^ W15 >>> 3;
      const s1 = rotr(W2, 17) ^ rotr(W2, 19) ^ W2 >>> 10;
      SHA256_W[i] = s1 + SHA256_W[i - 7] + s0 + SHA256_W[i - 16] | 0;
    }
    let { A, B, C, D, E, F, G: G2, H } = this;
    for (let i = 0; i < 64; i++) {
      const sigma1 = rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25);
      const T1 = H + sigma1 + Chi(E, F, G2) + SHA256_K[i] + SHA256_W[i] | 0;
      const sigma0 = rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22);
      const T2 = sigma0 + Maj(A, B, C) | 0;
      H = G2;
      G2 = F;
      F = E;
      E = D + T1 | 0;
      D = C;
      C = B;
      B = A;
      A = T1 + T2 | 0;
    }
    A = A + this.A | 0;
    B = B + this.B | 0;
    C = C + this.C | 0;
    D = D + this.D | 0;
    E = E + this.E | 0;
    F = F + this.F | 0;
    G2 = G2 + this.G | 0;
    H = H + this.H | 0;
    this.set(A, B, C, D, E, F, G2, H);
  }
  roundClean() {
    clean(SHA256_W);
  }
  destroy() {
    this.destroyed = true;
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    clean(this.buffer);
  }
};
var _SHA256 = class extends SHA2_32B {
  constructor() {
    super(32, SHA256_IV);
  }
};
var K512 = /* @__PURE__ */ (() => split([
  "0x428a2f98d728ae22",
  "0x7137449123ef65cd",
  "0xb5c0fbcfec4d3b2f",
  "0xe9b5dba58189dbbc",
  "0x3956c25bf348b538",
  "0x59f111f1b605d019",
  "0x923f82a4af194f9b",
  "0xab1c5ed5da6d8118",
  "0xd807aa98a3030242",
  "0x12835b0145706fbe",
  "0x243185be4ee4b28c",
  "0x550c7dc3d5ffb4e2",
  "0x72be5d74f27b896f",
  "0x80deb1fe3b1696b1",
  "0x9bdc06a725c71235",
  "0xc19bf174cf692694",
  "0xe49b69c19ef14ad2",
  "0xefbe4786384f25e3",
  "0x0fc19dc68b8cd5b5",
  "0x240ca1cc77ac9c65",
  "0x2de92c6f592b0275",
  "0x4a7484aa6ea6e483",
  "0x5cb0a9dcbd41fbd4",
  "0x76f988da831153b5",
  "0x983e5152ee66dfab",
  "0xa831c66d2db43210",
  "0xb00327c898fb213f",
  "0xbf597fc7beef0ee4",
  "0xc6e00bf33da88fc2",
  "0xd5a79147930aa725",
  "0x06ca6351e003826f",
  "0x142929670a0e6e70",
  "0x27b70a8546d22ffc",
  "0x2e1b21385c26c926",
  "0x4d2c6dfc5ac42aed",
  "0x53380d139d95b3df",
  "0x650a73548baf63de",
  "0x766a0abb3c77b2a8",
  "0x81c2c92e47edaee6",
  "0x92722c851482353b",
  "0xa2bfe8a14cf10364",
  "0xa81a664bbc423001",
  "0xc24b8b70d0f89791",
  "0xc76c51a30654be30",
  "0xd192e819d6ef5218",
  "0xd69906245565a910",
  "0xf40e35855771202a",
  "0x106aa07032bbd1b8",
  "0x19a4c116b8d2d0c8",
  "0x1e376c085141ab53",
  "0x2748774cdf8eeb99",
  "0x34b0bcb5e19b48a8",
  "0x391c0cb3c5c95a63",
  "0x4ed8aa4ae3418acb",
  "0x5b9cca4f7763e373",
  "0x682e6ff3d6b2b8a3",
  "0x748f82ee5defb2fc",
  "0x78a5636f43172f60",
  "0x84c87814a1f0ab72",
  "0x8cc702081a6439ec",
  "0x90befffa23631e28",
  "0xa4506cebde82bde9",
  "0xbef9a3f7b2c67915",
  "0xc67178f2e372532b",
  "0xca273eceea26619c",
  "0xd186b8c721c0c207",
  "0xeada7dd6cde0eb1e",
  "0xf57d4f7fee6ed178",
  "0x06f067aa72176fba",
  "0x0a637dc5a2c898a6",
  "0x113f9804bef90dae",
  "0x1b710b35131c471b",
  "0x28db77f523047d84",
  "0x32caab7b40c72493",
  "0x3c9ebe0a15c9bebc",
  "0x431d67c49c100d4c",
  "0x4cc5d4becb3e42b6",
  "0x597f299cfc657e2a",
  "0x5fcb6fab3ad6faec",
  "0x6c44198c4a475817"
].map((n) => BigInt(n))))();
var SHA512_Kh = /* @__PURE__ */ (() => K512[0])();
var SHA512_Kl = /* @__PURE__ */ (() => K512[1])();
var SHA512_W_H = /* @__PURE__ */ new Uint32Array(80);
var SHA512_W_L = /* @__PURE__ */ new Uint32Array(80);
var SHA2_64B = class extends HashMD {
  // We cannot use array here since array allows indexing by variable
  // which means optimizer/compiler cannot use registers.
  // h -- high 32 bits, l -- low 32 bits
  // Numeric initializers matter: starting the fields as `undefined` changes
  // V8's field representation and slows hashing down (measured on sha256).
  Ah = 0;
  Al = 0;
  Bh = 0;
  Bl = 0;
  Ch = 0;
  Cl = 0;
  Dh = 0;
  Dl = 0;
  Eh = 0;
  El = 0;
  Fh = 0;
  Fl = 0;
  Gh = 0;
  Gl = 0;
  Hh = 0;
  Hl = 0;
  constructor(outputLen, IV) {
    super(128, outputLen, 16, false);
    this.Ah = IV[0] | 0;
    this.Al = IV[1] | 0;
    this.Bh = IV[2] | 0;
    this.Bl = IV[3] | 0;
    this.Ch = IV[4] | 0;
    this.Cl = IV[5] | 0;
    this.Dh = IV[6] | 0;
    this.Dl = IV[7] | 0;
    this.Eh = IV[8] | 0;
    this.El = IV[9] | 0;
    this.Fh = IV[10] | 0;
    this.Fl = IV[11] | 0;
    this.Gh = IV[12] | 0;
    this.Gl = IV[13] | 0;
    this.Hh = IV[14] | 0;
    this.Hl = IV[15] | 0;
  }
  // prettier-ignore
  get() {
    const { Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl } = this;
    return [Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl];
  }
  // prettier-ignore
  set(Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl) {
    this.Ah = Ah | 0;
    this.Al = Al | 0;
    this.Bh = Bh | 0;
    this.Bl = Bl | 0;
    this.Ch = Ch | 0;
    this.Cl = Cl | 0;
    this.Dh = Dh | 0;
    this.Dl = Dl | 0;
    this.Eh = Eh | 0;
    this.El = El | 0;
    this.Fh = Fh | 0;
    this.Fl = Fl | 0;
    this.Gh = Gh | 0;
    this.Gl = Gl | 0;
    this.Hh = Hh | 0;
    this.Hl = Hl | 0;
  }
  _cloneInto(to) {
    (to ||= new this.constructor()).set(...this.get());
    return this._cloneIntoMeta(to);
  }
  process(view, offset) {
    for (let i = 0; i < 16; i++, offset += 4) {
      SHA512_W_H[i] = view.getUint32(offset);
      SHA512_W_L[i] = view.getUint32(offset += 4);
    }
    for (let i = 16; i < 80; i++) {
      const W15h = SHA512_W_H[i - 15] | 0;
      const W15l = SHA512_W_L[i - 15] | 0;
      const s0h = rotrSH(W15h, W15l, 1) ^ rotrSH(W15h, W15l, 8) ^ shrSH(W15h, W15l, 7);
      const s0l = rotrSL(W15h, W15l, 1) ^ rotrSL(W15h, W15l, 8) ^ shrSL(W15h, W15l, 7);
      const W2h = SHA512_W_H[i - 2] | 0;
      const W2l = SHA512_W_L[i - 2] | 0;
      const s1h = rotrSH(W2h, W2l, 19) ^ rotrBH(W2h, W2l, 61) ^ shrSH(W2h, W2l, 6);
      const s1l = rotrSL(W2h, W2l, 19) ^ rotrBL(W2h, W2l, 61) ^ shrSL(W2h, W2l, 6);
      const SUMl = add4L(s0l, s1l, SHA512_W_L[i - 7], SHA512_W_L[i - 16]);
      const SUMh = add4H(SUMl, s0h, s1h, SHA512_W_H[i - 7], SHA512_W_H[i - 16]);
      SHA512_W_H[i] = SUMh | 0;
      SHA512_W_L[i] = SUMl | 0;
    }
    let { Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl } = this;
    for (let i = 0; i < 80; i++) {
      const sigma1h = rotrSH(Eh, El, 14) ^ rotrSH(Eh, El, 18) ^ rotrBH(Eh, El, 41);
      const sigma1l = rotrSL(Eh, El, 14) ^ rotrSL(Eh, El, 18) ^ rotrBL(Eh, El, 41);
      const CHIh = Eh & Fh ^ ~Eh & Gh;
      const CHIl = El & Fl ^ ~El & Gl;
      const T1ll = add5L(Hl, sigma1l, CHIl, SHA512_Kl[i], SHA512_W_L[i]);
      const T1h = add5H(T1ll, Hh, sigma1h, CHIh, SHA512_Kh[i], SHA512_W_H[i]);
      const T1l = T1ll | 0;
      const sigma0h = rotrSH(Ah, Al, 28) ^ rotrBH(Ah, Al, 34) ^ rotrBH(Ah, Al, 39);
      const sigma0l = rotrSL(Ah, Al, 28) ^ rotrBL(Ah, Al, 34) ^ rotrBL(Ah, Al, 39);
      const MAJh = Ah & Bh ^ Ah & Ch ^ Bh & Ch;
      const MAJl = Al & Bl ^ Al & Cl ^ Bl & Cl;
      Hh = Gh | 0;
      Hl = Gl | 0;
      Gh = Fh | 0;
      Gl = Fl | 0;
      Fh = Eh | 0;
      Fl = El | 0;
      ({ h: Eh, l: El } = add(Dh | 0, Dl | 0, T1h | 0, T1l | 0));
      Dh = Ch | 0;
      Dl = Cl | 0;
      Ch = Bh | 0;
      Cl = Bl | 0;
      Bh = Ah | 0;
      Bl = Al | 0;
      const All = add3L(T1l, sigma0l, MAJl);
      Ah = add3H(All, T1h, sigma0h, MAJh);
      Al = All | 0;
    }
    ({ h: Ah, l: Al } = add(this.Ah | 0, this.Al | 0, Ah | 0, Al | 0));
    ({ h: Bh, l: Bl } = add(this.Bh | 0, this.Bl | 0, Bh | 0, Bl | 0));
    ({ h: Ch, l: Cl } = add(this.Ch | 0, this.Cl | 0, Ch | 0, Cl | 0));
    ({ h: Dh, l: Dl } = add(this.Dh | 0, this.Dl | 0, Dh | 0, Dl | 0));
    ({ h: Eh, l: El } = add(this.Eh | 0, this.El | 0, Eh | 0, El | 0));
    ({ h: Fh, l: Fl } = add(this.Fh | 0, this.Fl | 0, Fh | 0, Fl | 0));
    ({ h: Gh, l: Gl } = add(this.Gh | 0, this.Gl | 0, Gh | 0, Gl | 0));
    ({ h: Hh, l: Hl } = add(this.Hh | 0, this.Hl | 0, Hh | 0, Hl | 0));
    this.set(Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl);
  }
  roundClean() {
    clean(SHA512_W_H, SHA512_W_L);
  }
  destroy() {
    this.destroyed = true;
    clean(this.buffer);
    this.set(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
};
var _SHA512 = class extends SHA2_64B {
  constructor() {
    super(64, SHA512_IV);
  }
};
var sha256 = /* @__PURE__ */ createHasher(
  () => new _SHA256(),
  /* @__PURE__ */ oidNist(1)
);
var sha512 = /* @__PURE__ */ createHasher(
  () => new _SHA512(),
  /* @__PURE__ */ oidNist(3)
);

// node_modules/@noble/curves/utils.js
function aarray(item, title, inner = () => {
}) {
  if (!Array.isArray(item))
    throw new TypeError(`"${title}" expected array, got type=${typeof item}`);
  for (let i = 0; i < item.length; i++)
    inner(item[i], `${title}[${i}]`);
  return item;
}
var abytes2 = (value, length, title) => abytes(value, length, title);
var anumber2 = anumber;
function aobject2(value, title = "object") {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError(title === "object" ? "expected valid options object" : `"${title}" expected object, got type=${typeof value}`);
  return value;
}
function afunction(value, title) {
  if (typeof value !== "function")
    throw new TypeError(`"${title}" is invalid: expected function, got ${typeof value}`);
  return value;
}
var bytesToHex2 = bytesToHex;
var concatBytes2 = (...arrays) => concatBytes(...arrays);
var hexToBytes2 = (hex2) => hexToBytes(hex2);
var isBytes2 = isBytes;
var randomBytes2 = (bytesLength) => randomBytes(bytesLength);
var _0n = /* @__PURE__ */ BigInt(0);
var _1n = /* @__PURE__ */ BigInt(1);
var atitle2 = (title) => title ? `"${title}" ` : "";
function abool(value, title = "") {
  if (typeof value !== "boolean")
    throw new TypeError(atitle2(title) + "expected boolean, got type=" + typeof value);
  return value;
}
function abignumber(n) {
  if (typeof n === "bigint") {
    if (!isPosBig(n))
      throw new RangeError("positive bigint expected, got " + n);
  } else
    anumber2(n);
  return n;
}
function asafenumber(value, title = "") {
  if (typeof value !== "number") {
    const prefix = title && `"${title}" `;
    throw new TypeError(prefix + "expected number, got type=" + typeof value);
  }
  if (!Number.isSafeInteger(value)) {
    const prefix = title && `"${title}" `;
    throw new RangeError(prefix + "expected safe integer, got " + value);
  }
}
function hexToNumber(hex2) {
  if (typeof hex2 !== "string")
    throw new TypeError("hex string expected, got " + typeof hex2);
  return hex2 === "" ? _0n : BigInt("0x" + hex2);
}
function bytesToNumberBE(bytes) {
  return hexToNumber(bytesToHex(bytes));
}
function bytesToNumberLE(bytes) {
  return hexToNumber(bytesToHex(copyBytes(abytes(bytes)).reverse()));
}
function numberToBytesBE(n, len) {
  anumber(len);
  if (len === 0)
    throw new Error("zero output length is invalid");
  n = abignumber(n);
  const expectedLen = len * 2;
  const hex2 = n.toString(16);
  if (hex2.length > expectedLen)
    throw new RangeError("number is too large");
  return hexToBytes(hex2.padStart(expectedLen, "0"));
}
function numberToBytesLE(n, len) {
  return numberToBytesBE(n, len).reverse();
}
function equalBytes(a, b) {
  a = abytes2(a);
  b = abytes2(b);
  if (a.length !== b.length)
    return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++)
    diff |= a[i] ^ b[i];
  return diff === 0;
}
function copyBytes(bytes) {
  return Uint8Array.from(abytes2(bytes));
}
function asciiToBytes(ascii) {
  if (typeof ascii !== "string")
    throw new TypeError("ascii string expected, got " + typeof ascii);
  return Uint8Array.from(ascii, (c, i) => {
    const charCode = c.charCodeAt(0);
    if (c.length !== 1 || charCode > 127) {
      throw new RangeError(`string contains non-ASCII character "${ascii[i]}" with code ${charCode} at position ${i}`);
    }
    return charCode;
  });
}
function isPosBig(n) {
  return typeof n === "bigint" && _0n <= n;
}
function inRange(n, min, max) {
  return isPosBig(n) && isPosBig(min) && isPosBig(max) && min <= n && n < max;
}
function aInRange(title, n, min, max) {
  if (!inRange(n, min, max))
    throw new RangeError("expected valid " + title + ": " + min + " <= n < " + max + ", got " + n);
}
function bitLen(n) {
  if (n < _0n)
    throw new Error("expected non-negative bigint, got " + n);
  return n === _0n ? 0 : n.toString(2).length;
}
var bitMask = (n) => {
  asafenumber(n, "n");
  return (_1n << BigInt(n)) - _1n;
};
function validateObject(object, fields = {}, optFields = {}, title = "object") {
  aobject2(object, title);
  aobject2(fields, "fields");
  aobject2(optFields, "optFields");
  function checkField(fieldName, expectedType, isOpt) {
    const label = title === "object" ? `param "${String(fieldName)}"` : `"${title}.${String(fieldName)}"`;
    const val = object[fieldName];
    if (!Object.hasOwn(object, fieldName) && (isOpt ? val !== void 0 : expectedType !== "function")) {
      throw new TypeError(`${label} is invalid: expected own property`);
    }
    if (isOpt && val === void 0)
      return;
    const current = typeof val;
    if (current !== expectedType || val === null)
      throw new TypeError(`${label} is invalid: expected ${expectedType}, got ${current}`);
  }
  const iter = (f, isOpt) => Object.entries(f).forEach(([k, v]) => checkField(k, v, isOpt));
  iter(fields, false);
  iter(optFields, true);
}
var notImplemented = () => {
  throw new Error("not implemented");
};

// node_modules/@noble/curves/abstract/modular.js
var _0n2 = /* @__PURE__ */ BigInt(0);
var _1n2 = /* @__PURE__ */ BigInt(1);
var _2n = /* @__PURE__ */ BigInt(2);
var _3n = /* @__PURE__ */ BigInt(3);
var _4n = /* @__PURE__ */ BigInt(4);
var _5n = /* @__PURE__ */ BigInt(5);
var _7n = /* @__PURE__ */ BigInt(7);
var _8n = /* @__PURE__ */ BigInt(8);
var _9n = /* @__PURE__ */ BigInt(9);
var _15n = /* @__PURE__ */ BigInt(15);
var _16n = /* @__PURE__ */ BigInt(16);
var POW_WINDOWED_MIN = /* @__PURE__ */ BigInt("0x10000000000000000");
function mod(a, b) {
  if (b <= _0n2)
    throw new Error("mod: expected positive modulus, got " + b);
  const result = a % b;
  return result >= _0n2 ? result : b + result;
}
function pow(num, power, modulo) {
  if (modulo <= _1n2)
    throw new Error("pow: expected modulus > 1, got " + modulo);
  if (typeof power !== "bigint")
    throw new TypeError("invalid exponent: expected bigint, got " + typeof power);
  if (power < _0n2)
    throw new Error("invalid exponent, negatives unsupported");
  if (power === _0n2)
    return _1n2;
  if (power === _1n2)
    return num;
  let d = num % modulo;
  if (d < _0n2)
    d += modulo;
  if (power < POW_WINDOWED_MIN) {
    let p2 = _1n2;
    while (power > _0n2) {
      if (power & _1n2)
        p2 = p2 * d % modulo;
      d = d * d % modulo;
      power >>= _1n2;
    }
    return p2;
  }
  const digits = [];
  while (power > _0n2) {
    digits.push(Number(power & _15n));
    power >>= _4n;
  }
  const table = new Array(16);
  table[0] = _1n2;
  table[1] = d;
  for (let i = 2; i < 16; i++)
    table[i] = table[i - 1] * d % modulo;
  let p = table[digits[digits.length - 1]];
  for (let w = digits.length - 2; w >= 0; w--) {
    p = p * p % modulo;
    p = p * p % modulo;
    p = p * p % modulo;
    p = p * p % modulo;
    const digit = digits[w];
    if (digit !== 0)
      p = p * table[digit] % modulo;
  }
  return p;
}
function pow2(x, power, modulo) {
  if (modulo <= _1n2)
    throw new Error("pow2: expected modulus > 1, got " + modulo);
  if (power < _0n2)
    throw new Error("pow2: expected non-negative exponent, got " + power);
  let res = x;
  while (power-- > _0n2) {
    res *= res;
    res %= modulo;
  }
  return res;
}
function invert(number, modulo) {
  if (number === _0n2)
    throw new Error("invert: expected non-zero number");
  if (modulo <= _1n2)
    throw new Error("invert: expected modulus > 1, got " + modulo);
  let a = mod(number, modulo);
  let b = modulo;
  let x = _0n2, u = _1n2;
  while (a !== _0n2) {
    const q = b / a;
    const r = b - a * q;
    const m = x - u * q;
    b = a, a = r, x = u, u = m;
  }
  const gcd = b;
  if (gcd !== _1n2)
    throw new Error("invert: does not exist");
  return mod(x, modulo);
}
function assertIsSquare(Fp2, root, n) {
  const F = Fp2;
  if (!F.eql(F.sqr(root), n))
    throw new Error("Cannot find square root");
}
function aoddModulus(order, fnName) {
  if ((order & _1n2) === _0n2)
    throw new Error(fnName + ": expected odd modulus, got " + order);
}
function sqrt3mod4(Fp2, n) {
  const F = Fp2;
  const p1div4 = (F.ORDER + _1n2) / _4n;
  const root = F.pow(n, p1div4);
  assertIsSquare(F, root, n);
  return root;
}
function sqrt5mod8(Fp2, n) {
  const F = Fp2;
  const p5div8 = (F.ORDER - _5n) / _8n;
  const n2 = F.mul(n, _2n);
  const v = F.pow(n2, p5div8);
  const nv = F.mul(n, v);
  const i = F.mul(F.mul(nv, _2n), v);
  const root = F.mul(nv, F.sub(i, F.ONE));
  assertIsSquare(F, root, n);
  return root;
}
function sqrt9mod16(P) {
  const Fp_ = Field(P);
  const tn = tonelliShanks(P);
  const c1 = tn(Fp_, Fp_.neg(Fp_.ONE));
  const c2 = tn(Fp_, c1);
  const c3 = tn(Fp_, Fp_.neg(c1));
  const c4 = (P + _7n) / _16n;
  return ((Fp2, n) => {
    const F = Fp2;
    let tv1 = F.pow(n, c4);
    let tv2 = F.mul(tv1, c1);
    const tv3 = F.mul(tv1, c2);
    const tv4 = F.mul(tv1, c3);
    const e1 = F.eql(F.sqr(tv2), n);
    const e2 = F.eql(F.sqr(tv3), n);
    tv1 = F.cmov(tv1, tv2, e1);
    tv2 = F.cmov(tv4, tv3, e2);
    const e3 = F.eql(F.sqr(tv2), n);
    const root = F.cmov(tv1, tv2, e3);
    assertIsSquare(F, root, n);
    return root;
  });
}
function tonelliShanks(P) {
  if (P < _3n)
    throw new Error("sqrt is not defined for small field");
  aoddModulus(P, "tonelliShanks");
  let Q = P - _1n2;
  let S = 0;
  while (Q % _2n === _0n2) {
    Q /= _2n;
    S++;
  }
  let Z = _2n;
  const _Fp = Field(P);
  while (FpLegendre(_Fp, Z) === 1) {
    if (Z++ > 1e3)
      throw new Error("Cannot find square root: probably non-prime P");
  }
  if (S === 1)
    return sqrt3mod4;
  let cc = _Fp.pow(Z, Q);
  const Q1div2 = (Q + _1n2) / _2n;
  return function tonelliSlow(Fp2, n) {
    const F = Fp2;
    if (F.is0(n))
      return n;
    if (FpLegendre(F, n) !== 1)
      throw new Error("Cannot find square root");
    let M = S;
    let c = F.mul(F.ONE, cc);
    let t = F.pow(n, Q);
    let R = F.pow(n, Q1div2);
    while (!F.eql(t, F.ONE)) {
      if (F.is0(t))
        throw new Error("Cannot find square root: probably non-prime P");
      let i = 1;
      let t_tmp = F.sqr(t);
      while (!F.eql(t_tmp, F.ONE)) {
        i++;
        t_tmp = F.sqr(t_tmp);
        if (i === M)
          throw new Error("Cannot find square root");
      }
      const exponent = _1n2 << BigInt(M - i - 1);
      const b = F.pow(c, exponent);
      M = i;
      c = F.sqr(b);
      t = F.mul(t, c);
      R = F.mul(R, b);
    }
    return R;
  };
}
function FpSqrt(P) {
  aoddModulus(P, "Fp.sqrt");
  if (P % _4n === _3n)
    return sqrt3mod4;
  if (P % _8n === _5n)
    return sqrt5mod8;
  if (P % _16n === _9n)
    return sqrt9mod16(P);
  return tonelliShanks(P);
}
var isNegativeLE = (num, modulo) => (mod(num, modulo) & _1n2) === _1n2;
var FIELD_FIELDS = [
  "create",
  "isValid",
  "is0",
  "neg",
  "inv",
  "sqrt",
  "sqr",
  "eql",
  "add",
  "sub",
  "mul",
  "pow",
  "div",
  "addN",
  "subN",
  "mulN",
  "sqrN"
];
function validateField(field) {
  aobject2(field, "field");
  if (typeof field.ORDER !== "bigint")
    throw new TypeError('param "ORDER" is invalid: expected bigint, got ' + typeof field.ORDER);
  asafenumber(field.BYTES, "BYTES");
  asafenumber(field.BITS, "BITS");
  for (const name of FIELD_FIELDS)
    afunction(field[name], "field." + name);
  if (field.BYTES < 1 || field.BITS < 1)
    throw new Error("invalid field: expected BYTES/BITS > 0");
  if (field.ORDER <= _1n2)
    throw new Error("invalid field: expected ORDER > 1, got " + field.ORDER);
  return field;
}
function FpInvertBatch(Fp2, nums, passZero = false) {
  validateField(Fp2);
  aarray(nums, "nums");
  abool(passZero, "passZero");
  const F = Fp2;
  const inverted = new Array(nums.length).fill(passZero ? F.ZERO : void 0);
  const multipliedAcc = nums.reduce((acc, num, i) => {
    if (F.is0(num))
      return acc;
    inverted[i] = acc;
    return F.mul(acc, num);
  }, F.ONE);
  const invertedAcc = F.inv(multipliedAcc);
  nums.reduceRight((acc, num, i) => {
    if (F.is0(num))
      return acc;
    inverted[i] = F.mul(acc, inverted[i]);
    return F.mul(acc, num);
  }, invertedAcc);
  return inverted;
}
function FpLegendre(Fp2, n) {
  validateField(Fp2);
  const F = Fp2;
  aoddModulus(F.ORDER, "FpLegendre");
  const p1mod2 = (F.ORDER - _1n2) / _2n;
  const powered = F.pow(n, p1mod2);
  const yes = F.eql(powered, F.ONE);
  const zero = F.eql(powered, F.ZERO);
  const no = F.eql(powered, F.neg(F.ONE));
  if (!yes && !zero && !no)
    throw new Error("invalid Legendre symbol result");
  return yes ? 1 : zero ? 0 : -1;
}
function nLength(n, nBitLength) {
  if (nBitLength !== void 0)
    anumber2(nBitLength);
  if (n <= _0n2)
    throw new Error("invalid n length: expected positive n, got " + n);
  if (nBitLength !== void 0 && nBitLength < 1)
    throw new Error("invalid n length: expected positive bit length, got " + nBitLength);
  const bits = bitLen(n);
  if (nBitLength !== void 0 && nBitLength < bits)
    throw new Error(`invalid n length: expected nBitLength (${nBitLength}) >= bitLen(n) (${bits})`);
  const _nBitLength = nBitLength !== void 0 ? nBitLength : bits;
  const nByteLength = Math.ceil(_nBitLength / 8);
  return { nBitLength: _nBitLength, nByteLength };
}
var FIELD_SQRT = /* @__PURE__ */ new WeakMap();
var _Field = class {
  ORDER;
  BITS;
  BYTES;
  isLE;
  ZERO = _0n2;
  ONE = _1n2;
  _lengths;
  _mod;
  constructor(ORDER, opts = {}) {
    if (ORDER <= _1n2)
      throw new Error("invalid field: expected ORDER > 1, got " + ORDER);
    let _nbitLength = void 0;
    this.isLE = false;
    if (opts != null && typeof opts === "object") {
      if (typeof opts.BITS === "number")
        _nbitLength = opts.BITS;
      if (typeof opts.sqrt === "function")
        Object.defineProperty(this, "sqrt", { value: opts.sqrt, enumerable: true });
      if (typeof opts.isLE === "boolean")
        this.isLE = opts.isLE;
      if (opts.allowedLengths)
        this._lengths = Object.freeze(opts.allowedLengths.slice());
      if (typeof opts.modFromBytes === "boolean")
        this._mod = opts.modFromBytes;
    }
    const { nBitLength, nByteLength } = nLength(ORDER, _nbitLength);
    if (nByteLength > 2048)
      throw new Error("invalid field: expected ORDER of <= 2048 bytes");
    this.ORDER = ORDER;
    this.BITS = nBitLength;
    this.BYTES = nByteLength;
    Object.freeze(this);
  }
  create(num) {
    return mod(num, this.ORDER);
  }
  isValid(num) {
    if (typeof num !== "bigint")
      throw new TypeError("invalid field element: expected bigint, got " + typeof num);
    return _0n2 <= num && num < this.ORDER;
  }
  is0(num) {
    return num === _0n2;
  }
  // is valid and invertible
  isValidNot0(num) {
    return !this.is0(num) && this.isValid(num);
  }
  isOdd(num) {
    return (num & _1n2) === _1n2;
  }
  neg(num) {
    return mod(-num, this.ORDER);
  }
  eql(lhs, rhs) {
    return lhs === rhs;
  }
  sqr(num) {
    return mod(num * num, this.ORDER);
  }
  add(lhs, rhs) {
    return mod(lhs + rhs, this.ORDER);
  }
  sub(lhs, rhs) {
    return mod(lhs - rhs, this.ORDER);
  }
  mul(lhs, rhs) {
    return mod(lhs * rhs, this.ORDER);
  }
  pow(num, power) {
    return pow(num, power, this.ORDER);
  }
  div(lhs, rhs) {
    return mod(lhs * invert(rhs, this.ORDER), this.ORDER);
  }
  // Same as above, but doesn't normalize
  sqrN(num) {
    return num * num;
  }
  addN(lhs, rhs) {
    return lhs + rhs;
  }
  subN(lhs, rhs) {
    return lhs - rhs;
  }
  mulN(lhs, rhs) {
    return lhs * rhs;
  }
  inv(num) {
    return invert(num, this.ORDER);
  }
  sqrt(num) {
    let sqrt = FIELD_SQRT.get(this);
    if (!sqrt)
      FIELD_SQRT.set(this, sqrt = FpSqrt(this.ORDER));
    return sqrt(this, num);
  }
  toBytes(num) {
    return this.isLE ? numberToBytesLE(num, this.BYTES) : numberToBytesBE(num, this.BYTES);
  }
  fromBytes(bytes, skipValidation = false) {
    abytes2(bytes);
    const { _lengths: allowedLengths, BYTES, isLE, ORDER, _mod: modFromBytes } = this;
    if (allowedLengths) {
      if (bytes.length < 1 || !allowedLengths.includes(bytes.length) || bytes.length > BYTES) {
        throw new Error("Field.fromBytes: expected " + allowedLengths + " bytes, got " + bytes.length);
      }
      const padded = new Uint8Array(BYTES);
      padded.set(bytes, isLE ? 0 : padded.length - bytes.length);
      bytes = padded;
    }
    if (bytes.length !== BYTES)
      throw new Error("Field.fromBytes: expected " + BYTES + " bytes, got " + bytes.length);
    let scalar = isLE ? bytesToNumberLE(bytes) : bytesToNumberBE(bytes);
    if (modFromBytes)
      scalar = mod(scalar, ORDER);
    if (!skipValidation) {
      if (!this.isValid(scalar))
        throw new Error("invalid field element: outside of range 0..ORDER");
    }
    return scalar;
  }
  // TODO: we don't need it here, move out to separate fn
  invertBatch(lst) {
    return FpInvertBatch(this, lst, true);
  }
  // We can't move this out because Fp6, Fp12 implement it
  // and it's unclear what to return in there.
  cmov(a, b, condition) {
    abool(condition, "condition");
    return condition ? b : a;
  }
};
function Field(ORDER, opts = {}) {
  Object.freeze(_Field.prototype);
  return new _Field(ORDER, opts);
}

// node_modules/@noble/curves/abstract/curve.js
var _0n3 = /* @__PURE__ */ BigInt(0);
var _1n3 = /* @__PURE__ */ BigInt(1);
var _4n2 = /* @__PURE__ */ BigInt(4);
var BLIND_BYTES = 16;
var BLIND_BITS = 128;
var FW_WINDOW = 5;
var TABLE_BYTES_MAX = /* @__PURE__ */ (() => 2 ** 31)();
function validatePointCons(Point2) {
  const pc = Point2;
  if (typeof pc !== "function")
    throw new TypeError('"Point" expected constructor, got type=' + typeof Point2);
  afunction(pc.fromAffine, "Point.fromAffine");
  afunction(pc.fromBytes, "Point.fromBytes");
  afunction(pc.fromHex, "Point.fromHex");
  aobject2(pc.BASE, "Point.BASE");
  aobject2(pc.ZERO, "Point.ZERO");
  validateField(pc.Fp);
  validateField(pc.Fn);
}
function normalizeZ(c, points) {
  validatePointCons(c);
  validateMSMPoints(points, c);
  const invertedZs = FpInvertBatch(c.Fp, points.map((p) => p.Z));
  return points.map((p, i) => c.fromAffine(p.toAffine(invertedZs[i])));
}
function validateW(W, bits, min = 1) {
  if (!Number.isSafeInteger(W) || W < min || W > bits)
    throw new Error("invalid window size, expected [" + min + ".." + bits + "], got W=" + W);
}
function validateTableBytes(numPoints, fpBytes) {
  const bytes = numPoints * (4 * fpBytes + 128);
  if (bytes > TABLE_BYTES_MAX)
    throw new Error("invalid window size: table would need ~" + Math.ceil(bytes / 2 ** 20) + " MiB, max " + TABLE_BYTES_MAX / 2 ** 20 + " MiB");
}
function probeRandomBytes(randomBytes3, length) {
  if (randomBytes3 === void 0)
    return void 0;
  afunction(randomBytes3, "randomBytes");
  try {
    const probe = randomBytes3(length);
    if (!isBytes2(probe) || probe.length !== length)
      return void 0;
  } catch {
    return void 0;
  }
  return randomBytes3;
}
function validateMSMPoints(points, c) {
  aarray(points, "points");
  points.forEach((p, i) => {
    if (!(p instanceof c))
      throw new Error("invalid point at index " + i);
  });
}
function validateMSMScalars(scalars, field, maxScalar) {
  if (!Array.isArray(scalars))
    throw new Error("array of scalars expected");
  scalars.forEach((s, i) => {
    const ok = maxScalar === void 0 ? field.isValid(s) : isPosBig(s) && s < maxScalar;
    if (!ok)
      throw new Error("invalid scalar at index " + i);
  });
}
var pointWindowSizes = /* @__PURE__ */ new WeakMap();
function getWindowSize(P) {
  return pointWindowSizes.get(P) || 1;
}
function oddMultiples(p, size) {
  const dbl = p.double();
  const t = [p];
  for (let j = 1; j < size; j++)
    t.push(t[j - 1].add(dbl));
  return t;
}
function wnafDigits(n, W) {
  const size = 2 ** W;
  const half = size / 2;
  const mask = BigInt(size - 1);
  const d = [];
  while (n > _0n3) {
    let w = 0;
    if (n & _1n3) {
      w = Number(n & mask);
      if (w >= half)
        w -= size;
      n -= BigInt(w);
    }
    d.push(w);
    n >>= _1n3;
  }
  return d;
}
function signedWindowDigits(n, W, windows) {
  const size = 2 ** W;
  const half = size / 2;
  const mask = BigInt(size - 1);
  const shiftBy = BigInt(W);
  const d = [];
  for (let w = 0; w < windows; w++) {
    let v = Number(n & mask);
    n >>= shiftBy;
    if (v > half) {
      v -= size;
      n += _1n3;
    }
    d.push(v);
  }
  if (n !== _0n3)
    throw new Error("invalid wnaf");
  return d;
}
function wnafWalk(zero, tables, digits) {
  let max = 0;
  for (const d of digits)
    max = Math.max(max, d.length);
  let acc = zero;
  for (let bit = max - 1; bit >= 0; bit--) {
    if (bit !== max - 1)
      acc = acc.double();
    for (let i = 0; i < digits.length; i++) {
      const w = digits[i][bit];
      if (w) {
        const item = tables[i][Math.abs(w) - 1 >> 1];
        acc = acc.add(w < 0 ? item.negate() : item);
      }
    }
  }
  return acc;
}
var ScalarMultiplier = class {
  Point;
  BASE;
  ZERO;
  randomBytes;
  wnafPrecomputes = /* @__PURE__ */ new WeakMap();
  baseCanBeBlinded;
  bits;
  // Parametrized with a given Point class (not individual point)
  constructor(Point2, randomBytes3) {
    validatePointCons(Point2);
    this.randomBytes = probeRandomBytes(randomBytes3, BLIND_BYTES);
    this.Point = Point2;
    this.BASE = Point2.BASE;
    this.ZERO = Point2.ZERO;
    this.bits = Point2.Fn.BITS;
  }
  /**
   * Creates a signed fixed-window wNAF precomputation table: for every window w, the
   * multiples `[1..2^(W−1)]⋅2^(w⋅W)⋅P`, flattened. All doublings are baked into the table,
   * so cached multiplication is additions-only. `windows = ceil(bits/W) + 1`: the extra
   * window absorbs the final carry of signed-digit recoding.
   * For a 256-bit curve and W=6, the table is 44⋅32 = 1408 points.
   * @param point - Point instance
   * @param W - window size
   * @param bits - scalar bitlength the table must cover
   */
  buildWnafTable(point, W, bits) {
    const windows = Math.ceil(bits / W) + 1;
    const half = 2 ** (W - 1);
    const comp = [];
    let base = point;
    for (let w = 0; w < windows; w++) {
      let acc = base;
      for (let i = 0; i < half; i++) {
        comp.push(acc);
        acc = acc.add(base);
      }
      base = comp[comp.length - 1].double();
    }
    return { W, bits, windows, comp };
  }
  /**
   * Implements ec multiplication using precomputed signed fixed-window wNAF tables.
   * Constant-time: fixed window count with one table addition per window — zero digits feed
   * the fake accumulator — and no doublings; the lookup scans the whole window slice.
   * Scalar bounds are validated by the public entry points ({@link ScalarMultiplier.mulCT},
   * {@link ScalarMultiplier.mulCTBlinded}, {@link ScalarMultiplier.mulUnsafe});
   * signedWindowDigits throws if `n` exceeds the table.
   * @returns real and fake (for const-time) points
   */
  wnafCachedCT(precomputes, n) {
    const { W, windows, comp } = precomputes;
    const half = 2 ** (W - 1);
    const digits = signedWindowDigits(n, W, windows);
    let p = this.ZERO;
    let f = this.BASE;
    for (let w = 0; w < windows; w++) {
      const digit = digits[w];
      const start = w * half;
      const idx = Math.abs(digit) - 1;
      let sel = comp[start];
      for (let i = 1; i < half; i++)
        sel = i === idx ? comp[start + i] : sel;
      const neg = sel.negate();
      if (digit === 0)
        f = f.add(comp[start]);
      else
        p = p.add(digit < 0 ? neg : sel);
    }
    return { p, f };
  }
  // Cache key is point identity plus (W, bits); at most two entries exist per point (public-width
  // `Fn.BITS` and blinded `Fn.BITS + BLIND_BITS`). Callers must not reuse the same point with
  // incompatible `transform(...)` layouts and expect a separate cache entry.
  getWnafPrecomputes(W, point, bits, transform) {
    let entries = this.wnafPrecomputes.get(point);
    let comp = entries?.find((entry) => entry.W === W && entry.bits === bits);
    if (!comp) {
      comp = this.buildWnafTable(point, W, bits);
      if (typeof transform === "function")
        comp = { ...comp, comp: transform(comp.comp) };
      if (!entries) {
        entries = [];
        this.wnafPrecomputes.set(point, entries);
      }
      entries.push(comp);
    }
    return comp;
  }
  assertPoint(point) {
    if (!(point instanceof this.Point))
      throw new TypeError('"point" expected Point instance, got type=' + typeof point);
  }
  // Shared prologue of the constant-time entry points. Rejects scalar 0: in key/signature-style
  // callers a zero scalar means broken upstream plumbing, and concrete Points already reject it.
  // Uses inRange instead of Fn.isValidNot0: validateField() only certifies the arithmetic subset.
  validateMulInput(point, scalar) {
    this.assertPoint(point);
    if (!inRange(scalar, _1n3, this.Point.Fn.ORDER))
      throw new Error("invalid scalar");
  }
  // Constant-time dispatch shared by mulCT / mulCTBlinded. Un-precomputed points (W===1, e.g.
  // ECDH peer keys) skip building a throwaway cached table in favor of a small fixed-window
  // multiply. `n` must be < 2^bits.
  runCT(point, n, bits, transform) {
    const W = getWindowSize(point);
    if (W === 1)
      return this.fixedWindowCT(point, n, bits);
    return this.wnafCachedCT(this.getWnafPrecomputes(W, point, bits, transform), n);
  }
  mulCT(point, scalar, transform) {
    this.validateMulInput(point, scalar);
    return this.runCT(point, scalar, this.bits, transform);
  }
  mulCTBlinded(point, scalar, transform) {
    this.validateMulInput(point, scalar);
    if (this.randomBytes === void 0)
      throw new Error("randomBytes is required for scalar blinding");
    const bits = this.Point.Fn.BITS + BLIND_BITS;
    const blind = this.randomBytes(BLIND_BYTES);
    if (!isBytes2(blind) || blind.length !== BLIND_BYTES)
      throw new Error("randomBytes returned invalid byte array");
    blind[0] = blind[0] & 63 | 128;
    const n = scalar + bytesToNumberBE(blind) * this.Point.Fn.ORDER;
    return this.runCT(point, n, bits, transform);
  }
  /**
   * Constant-time multiplication `n*point` for an un-precomputed point, via a small fixed window.
   * A cached wNAF table only pays off when reused; a flat 2^FW_WINDOW table (`size-1` adds) is
   * far cheaper to build for a single use. The point-operation sequence is independent of `n`:
   * build the table, then per window exactly FW_WINDOW doublings, a data-oblivious scan over
   * every table entry, and one addition (adds the identity when the window digit is 0 — never
   * skipped).
   *
   * `n` must be `< 2^bits`. Assumes complete addition (adding the identity costs the same as any
   * add), which holds for the Weierstrass/Edwards point types used here. The table is left in
   * projective form (no normalizeZ): normalizing this small a table costs more than the
   * mixed-add savings it would buy for a single multiply.
   * @returns real point `p`; `f` duplicates it only to match {@link wnafCachedCT}'s return shape
   * (this path needs no fake accumulator — its op-count is already scalar-independent).
   */
  fixedWindowCT(point, n, bits) {
    const W = FW_WINDOW;
    const size = 1 << W;
    const mask = bitMask(W);
    const table = new Array(size);
    table[0] = this.ZERO;
    for (let i = 1; i < size; i++)
      table[i] = table[i - 1].add(point);
    const windows = Math.ceil(bits / W);
    let acc = this.ZERO;
    for (let window = windows - 1; window >= 0; window--) {
      if (window !== windows - 1)
        for (let d = 0; d < W; d++)
          acc = acc.double();
      const digit = Number(n >> BigInt(window * W) & mask);
      let sel = table[0];
      for (let i = 1; i < size; i++)
        sel = i === digit ? table[i] : sel;
      acc = acc.add(sel);
    }
    return { p: acc, f: acc };
  }
  shouldBlind(point, cofactor) {
    if (this.randomBytes === void 0)
      return false;
    if (cofactor === _1n3)
      return true;
    if (point !== this.BASE)
      return false;
    if (this.baseCanBeBlinded === void 0)
      this.baseCanBeBlinded = this.mulUnsafe(this.BASE, this.Point.Fn.ORDER).is0();
    return this.baseCanBeBlinded;
  }
  mulSecret(point, scalar, cofactor, transform) {
    return this.shouldBlind(point, cofactor) ? this.mulCTBlinded(point, scalar, transform) : this.mulCT(point, scalar, transform);
  }
  mulUnsafe(point, scalar, transform) {
    this.assertPoint(point);
    if (!isPosBig(scalar))
      throw new Error("invalid scalar");
    const W = getWindowSize(point);
    if (W === 1 || scalar >= this.Point.Fn.ORDER)
      return mulAddUnsafe(this.Point, [point], [scalar], true);
    const precomputes = this.getWnafPrecomputes(W, point, this.bits, transform);
    return this.wnafCachedCT(precomputes, scalar).p;
  }
  // Remembers the window size used for precomputed wNAF multiplication of the given point
  // and drops any previously built tables. Usually only the base point is precomputed.
  // W=1 resets the point to the un-precomputed (table-less) paths.
  // W is additionally capped so tables stay under ~2 GiB ({@link TABLE_BYTES_MAX}).
  setWindowSize(point, W) {
    this.assertPoint(point);
    validateW(W, this.bits);
    const windows = Math.ceil((this.bits + BLIND_BITS) / W) + 1;
    validateTableBytes(windows * 2 ** (W - 1), this.Point.Fp.BYTES);
    pointWindowSizes.set(point, W);
    this.wnafPrecomputes.delete(point);
  }
  // True when a window size is set: tables themselves are built lazily on first multiply.
  hasWindowSize(point) {
    return getWindowSize(point) !== 1;
  }
};
function mulAddUnsafe(c, points, scalars, allowOversized = false) {
  validatePointCons(c);
  validateMSMPoints(points, c);
  abool(allowOversized, "allowOversized");
  validateMSMScalars(scalars, c.Fn, allowOversized ? c.Fn.ORDER ** _4n2 : void 0);
  if (points.length !== scalars.length)
    throw new Error("arrays of points and scalars must have equal length");
  const tables = points.map((p) => oddMultiples(p, 4));
  const digits = scalars.map((n) => wnafDigits(n, 4));
  return wnafWalk(c.ZERO, tables, digits);
}
function pippenger(c, points, scalars) {
  validatePointCons(c);
  const fieldN = c.Fn;
  validateMSMPoints(points, c);
  validateMSMScalars(scalars, fieldN);
  const plength = points.length;
  const slength = scalars.length;
  if (plength !== slength)
    throw new Error("arrays of points and scalars must have equal length");
  const zero = c.ZERO;
  if (plength === 0)
    return zero;
  const wbits = bitLen(BigInt(plength));
  let windowSize = 1;
  if (wbits > 12)
    windowSize = wbits - 3;
  else if (wbits > 4)
    windowSize = wbits - 2;
  else if (wbits > 0)
    windowSize = 2;
  const MASK = bitMask(windowSize);
  const buckets = new Array(Number(MASK) + 1).fill(zero);
  const lastBits = Math.floor((fieldN.BITS - 1) / windowSize) * windowSize;
  let sum = zero;
  for (let i = lastBits; i >= 0; i -= windowSize) {
    buckets.fill(zero);
    for (let j = 0; j < slength; j++) {
      const scalar = scalars[j];
      const wbits2 = Number(scalar >> BigInt(i) & MASK);
      buckets[wbits2] = buckets[wbits2].add(points[j]);
    }
    let resI = zero;
    for (let j = buckets.length - 1, sumI = zero; j > 0; j--) {
      sumI = sumI.add(buckets[j]);
      resI = resI.add(sumI);
    }
    sum = sum.add(resI);
    if (i !== 0)
      for (let j = 0; j < windowSize; j++)
        sum = sum.double();
  }
  return sum;
}
function createField(order, field, isLE) {
  if (field) {
    if (field.ORDER !== order)
      throw new Error("Field.ORDER must match order: Fp == p, Fn == n");
    validateField(field);
    return field;
  } else {
    return Field(order, { isLE });
  }
}
function createCurveFields(type, CURVE, curveOpts = {}, FpFnLE) {
  if (type !== "weierstrass" && type !== "edwards")
    throw new Error('expected curve type "weierstrass" or "edwards"');
  if (FpFnLE === void 0)
    FpFnLE = type === "edwards";
  if (!CURVE || typeof CURVE !== "object")
    throw new Error(`expected valid ${type} CURVE object`);
  validateObject(curveOpts);
  for (const p of ["p", "n", "h"]) {
    const val = CURVE[p];
    if (!(isPosBig(val) && val !== _0n3))
      throw new Error(`CURVE.${p} must be positive bigint`);
  }
  const Fp2 = createField(CURVE.p, curveOpts.Fp, FpFnLE);
  const Fn2 = createField(CURVE.n, curveOpts.Fn, FpFnLE);
  const _b = type === "weierstrass" ? "b" : "d";
  const params = ["Gx", "Gy", "a", _b];
  for (const p of params) {
    if (!Fp2.isValid(CURVE[p]))
      throw new Error(`CURVE.${p} must be valid field element of CURVE.Fp`);
  }
  CURVE = Object.freeze(Object.assign({}, CURVE));
  return { CURVE, Fp: Fp2, Fn: Fn2 };
}

// node_modules/@noble/curves/abstract/edwards.js
var _0n4 = /* @__PURE__ */ BigInt(0);
var _1n4 = /* @__PURE__ */ BigInt(1);
var _2n2 = /* @__PURE__ */ BigInt(2);
var _4n3 = /* @__PURE__ */ BigInt(4);
var _8n2 = /* @__PURE__ */ BigInt(8);
function isEdValidXY(Fp2, CURVE, x, y) {
  const x2 = Fp2.sqr(x);
  const y2 = Fp2.sqr(y);
  const left = Fp2.add(Fp2.mul(CURVE.a, x2), y2);
  const right = Fp2.add(Fp2.ONE, Fp2.mul(CURVE.d, Fp2.mul(x2, y2)));
  return Fp2.eql(left, right);
}
function edwards(params, extraOpts = {}) {
  validateObject(extraOpts, {}, {}, "extraOpts");
  const opts = extraOpts;
  const validated = createCurveFields("edwards", params, opts, opts.FpFnLE);
  const { Fp: Fp2, Fn: Fn2 } = validated;
  let CURVE = validated.CURVE;
  const { h: cofactor } = CURVE;
  if (FpLegendre(Fp2, CURVE.a) !== 1)
    throw new Error("edwards: CURVE.a must be a square in Fp for complete addition formulas");
  if (FpLegendre(Fp2, CURVE.d) !== -1)
    throw new Error("edwards: CURVE.d must be a non-square in Fp for complete addition formulas");
  validateObject(opts, {}, { uvRatio: "function", randomBytes: "function" });
  const randomBytes3 = opts.randomBytes === void 0 ? randomBytes2 : opts.randomBytes;
  const MASK = _2n2 << BigInt(Fp2.BYTES * 8) - _1n4;
  function isOdd(n) {
    if (!Fp2.isOdd)
      throw new Error("Field does not have .isOdd()");
    return Fp2.isOdd(n);
  }
  const uvRatio2 = opts.uvRatio === void 0 ? (u, v) => {
    try {
      return { isValid: true, value: Fp2.sqrt(Fp2.div(u, v)) };
    } catch (e) {
      return { isValid: false, value: _0n4 };
    }
  } : opts.uvRatio;
  if (!isEdValidXY(Fp2, CURVE, CURVE.Gx, CURVE.Gy))
    throw new Error("bad curve params: generator point");
  const mulA = Fp2.eql(CURVE.a, Fp2.neg(Fp2.ONE)) ? (x) => Fp2.neg(x) : Fp2.eql(CURVE.a, Fp2.ONE) ? (x) => x : (x) => Fp2.mul(CURVE.a, x);
  function acoord(title, n, banZero = false) {
    const min = banZero ? _1n4 : _0n4;
    aInRange("coordinate " + title, n, min, MASK);
    return n;
  }
  function aedpoint(other) {
    if (!(other instanceof Point2))
      throw new Error("EdwardsPoint expected");
  }
  class Point2 {
    static BASE = new Point2(CURVE.Gx, CURVE.Gy, Fp2.ONE, Fp2.mul(CURVE.Gx, CURVE.Gy));
    static ZERO = new Point2(Fp2.ZERO, Fp2.ONE, Fp2.ONE, Fp2.ZERO);
    static Fp = Fp2;
    static Fn = Fn2;
    X;
    Y;
    Z;
    T;
    constructor(X, Y, Z, T) {
      this.X = acoord("x", X);
      this.Y = acoord("y", Y);
      this.Z = acoord("z", Z, true);
      this.T = acoord("t", T);
      Object.freeze(this);
    }
    static CURVE() {
      return CURVE;
    }
    /**
     * Create one extended Edwards point from affine coordinates.
     * Does NOT validate that the point is on-curve or torsion-free.
     * Use `.assertValidity()` on adversarial inputs.
     */
    static fromAffine(p) {
      if (p instanceof Point2)
        throw new Error("extended point not allowed");
      const { x, y } = p || {};
      acoord("x", x);
      acoord("y", y);
      return new Point2(x, y, Fp2.ONE, Fp2.mul(x, y));
    }
    // Uses algo from RFC8032 5.1.3.
    static fromBytes(bytes, zip215 = false) {
      const len = Fp2.BYTES;
      const { a, d } = CURVE;
      bytes = copyBytes(abytes2(bytes, len, "point"));
      abool(zip215, "zip215");
      const normed = copyBytes(bytes);
      const lastByte = bytes[len - 1];
      normed[len - 1] = lastByte & ~128;
      const y = bytesToNumberLE(normed);
      const max = zip215 ? MASK : Fp2.ORDER;
      aInRange("point.y", y, _0n4, max);
      const y2 = Fp2.sqr(y);
      const u = Fp2.sub(y2, Fp2.ONE);
      const v = Fp2.sub(Fp2.mulN(d, y2), a);
      let { isValid, value: x } = uvRatio2(u, v);
      if (!isValid)
        throw new Error("bad point: invalid y coordinate");
      const isXOdd = isOdd(x);
      const isLastByteOdd = (lastByte & 128) !== 0;
      if (!zip215 && Fp2.is0(x) && isLastByteOdd)
        throw new Error("bad point: x=0 and x_0=1");
      if (isLastByteOdd !== isXOdd)
        x = Fp2.neg(x);
      return Point2.fromAffine({ x, y });
    }
    static fromHex(hex2, zip215 = false) {
      return Point2.fromBytes(hexToBytes2(hex2), zip215);
    }
    get x() {
      return this.toAffine().x;
    }
    get y() {
      return this.toAffine().y;
    }
    precompute(windowSize = 6, isLazy = true) {
      wnaf.setWindowSize(this, windowSize);
      if (!isLazy)
        this.multiply(_2n2);
      return this;
    }
    // Useful in fromAffine() - not for fromBytes(), which always created valid points.
    assertValidity() {
      const p = this;
      const { a, d } = CURVE;
      if (p.is0())
        throw new Error("bad point: ZERO");
      const { X, Y, Z, T } = p;
      const X2 = Fp2.sqr(X);
      const Y2 = Fp2.sqr(Y);
      const Z2 = Fp2.sqr(Z);
      const Z4 = Fp2.sqr(Z2);
      const aX2 = Fp2.mul(X2, a);
      const left = Fp2.mul(Fp2.add(aX2, Y2), Z2);
      const right = Fp2.add(Z4, Fp2.mul(d, Fp2.mul(X2, Y2)));
      if (!Fp2.eql(left, right))
        throw new Error("bad point: equation left != right (1)");
      const XY = Fp2.mul(X, Y);
      const ZT = Fp2.mul(Z, T);
      if (!Fp2.eql(XY, ZT))
        throw new Error("bad point: equation left != right (2)");
    }
    // Compare one point to another.
    equals(other) {
      aedpoint(other);
      const { X: X1, Y: Y1, Z: Z1 } = this;
      const { X: X2, Y: Y2, Z: Z2 } = other;
      const X1Z2 = Fp2.mul(X1, Z2);
      const X2Z1 = Fp2.mul(X2, Z1);
      const Y1Z2 = Fp2.mul(Y1, Z2);
      const Y2Z1 = Fp2.mul(Y2, Z1);
      return Fp2.eql(X1Z2, X2Z1) && Fp2.eql(Y1Z2, Y2Z1);
    }
    is0() {
      return this.equals(Point2.ZERO);
    }
    negate() {
      return new Point2(Fp2.neg(this.X), this.Y, this.Z, Fp2.neg(this.T));
    }
    // Fast algo for doubling Extended Point.
    // https://hyperelliptic.org/EFD/g1p/auto-twisted-extended.html#doubling-dbl-2008-hwcd
    // Cost: 4M + 4S + 1*a + 6add + 1*2.
    double() {
      const { X: X1, Y: Y1, Z: Z1 } = this;
      const A = Fp2.sqr(X1);
      const B = Fp2.sqr(Y1);
      const C = Fp2.mul(Fp2.sqr(Z1), _2n2);
      const D = mulA(A);
      const x1y1 = Fp2.addN(X1, Y1);
      const E = Fp2.sub(Fp2.subN(Fp2.sqr(x1y1), A), B);
      const G2 = Fp2.addN(D, B);
      const F = Fp2.subN(G2, C);
      const H = Fp2.subN(D, B);
      const X3 = Fp2.mul(E, F);
      const Y3 = Fp2.mul(G2, H);
      const T3 = Fp2.mul(E, H);
      const Z3 = Fp2.mul(F, G2);
      return new Point2(X3, Y3, Z3, T3);
    }
    // Fast algo for adding 2 Extended Points.
    // https://hyperelliptic.org/EFD/g1p/auto-twisted-extended.html#addition-add-2008-hwcd
    // Cost: 9M + 1*a + 1*d + 7add.
    add(other) {
      aedpoint(other);
      const { d } = CURVE;
      const { X: X1, Y: Y1, Z: Z1, T: T1 } = this;
      const { X: X2, Y: Y2, Z: Z2, T: T2 } = other;
      const A = Fp2.mul(X1, X2);
      const B = Fp2.mul(Y1, Y2);
      const C = Fp2.mul(Fp2.mulN(T1, d), T2);
      const D = Fp2.mul(Z1, Z2);
      const E = Fp2.sub(Fp2.subN(Fp2.mulN(Fp2.addN(X1, Y1), Fp2.addN(X2, Y2)), A), B);
      const F = Fp2.subN(D, C);
      const G2 = Fp2.addN(D, C);
      const H = Fp2.sub(B, mulA(A));
      const X3 = Fp2.mul(E, F);
      const Y3 = Fp2.mul(G2, H);
      const T3 = Fp2.mul(E, H);
      const Z3 = Fp2.mul(F, G2);
      return new Point2(X3, Y3, Z3, T3);
    }
    subtract(other) {
      aedpoint(other);
      return this.add(other.negate());
    }
    // Constant-time multiplication.
    multiply(scalar) {
      if (!Fn2.isValidNot0(scalar))
        throw new RangeError("invalid scalar: expected 1 <= sc < curve.n");
      const { p, f } = wnaf.mulSecret(this, scalar, cofactor, normalize);
      return normalize([p, f])[0];
    }
    // Non-constant-time multiplication. Uses double-and-add algorithm.
    // It's faster, but should only be used when you don't care about
    // an exposed private key e.g. sig verification.
    // Keeps the same subgroup-scalar contract: 0 is allowed for public-scalar callers, but
    // n and larger values are rejected instead of being reduced mod n to the identity point.
    multiplyUnsafe(scalar) {
      if (!Fn2.isValid(scalar))
        throw new RangeError("invalid scalar: expected 0 <= sc < curve.n");
      if (scalar === _0n4)
        return Point2.ZERO;
      if (this.is0() || scalar === _1n4)
        return this;
      return wnaf.mulUnsafe(this, scalar, normalize);
    }
    // Checks if point is of small order.
    // If you add something to small order point, you will have "dirty"
    // point with torsion component.
    // Clears cofactor and checks if the result is 0.
    isSmallOrder() {
      return this.clearCofactor().is0();
    }
    // Multiplies point by curve order and checks if the result is 0.
    // Returns `false` is the point is dirty.
    isTorsionFree() {
      return wnaf.mulUnsafe(this, CURVE.n).is0();
    }
    // Converts Extended point to default (x, y) coordinates.
    // Can accept precomputed Z^-1 - for example, from invertBatch.
    toAffine(invertedZ) {
      const p = this;
      let iz = invertedZ;
      if (iz != null && typeof iz !== "bigint")
        throw new TypeError('"invertedZ" expected bigint, got type=' + typeof iz);
      const { X, Y, Z } = p;
      const is0 = p.is0();
      if (iz == null)
        iz = is0 ? Fp2.create(_8n2) : Fp2.inv(Z);
      const x = Fp2.mul(X, iz);
      const y = Fp2.mul(Y, iz);
      const zz = Fp2.mul(Z, iz);
      if (is0)
        return { x: Fp2.ZERO, y: Fp2.ONE };
      if (!Fp2.eql(zz, Fp2.ONE))
        throw new Error("invZ was invalid");
      return { x, y };
    }
    clearCofactor() {
      if (cofactor === _1n4)
        return this;
      if (cofactor === _2n2)
        return this.double();
      if (cofactor === _4n3)
        return this.double().double();
      if (cofactor === _8n2)
        return this.double().double().double();
      return this.multiplyUnsafe(cofactor);
    }
    toBytes() {
      const { x, y } = this.toAffine();
      const bytes = Fp2.toBytes(y);
      bytes[bytes.length - 1] |= isOdd(x) ? 128 : 0;
      return bytes;
    }
    toHex() {
      return bytesToHex2(this.toBytes());
    }
    toString() {
      return `<Point ${this.is0() ? "ZERO" : this.toHex()}>`;
    }
  }
  const normalize = (points) => normalizeZ(Point2, points);
  const wnaf = new ScalarMultiplier(Point2, randomBytes3);
  if (wnaf.bits >= 6)
    Point2.BASE.precompute(6);
  Object.freeze(Point2.prototype);
  Object.freeze(Point2);
  return Point2;
}
var PrimeEdwardsPoint = class {
  static BASE;
  static ZERO;
  static Fp;
  static Fn;
  ep;
  /**
   * Wrap one internal Edwards representative directly.
   * This is not a canonical encoding boundary: alternate Edwards
   * representatives may still describe the same abstract wrapper element.
   */
  constructor(ep) {
    this.ep = ep;
  }
  // Static methods that must be implemented by subclasses
  static fromBytes(_bytes) {
    notImplemented();
  }
  static fromHex(_hex) {
    notImplemented();
  }
  get x() {
    return this.toAffine().x;
  }
  get y() {
    return this.toAffine().y;
  }
  // Common implementations
  clearCofactor() {
    return this;
  }
  assertValidity() {
    this.ep.assertValidity();
  }
  /**
   * Return affine coordinates of the current internal Edwards representative.
   * This is a convenience helper, not a canonical Ristretto/Decaf encoding.
   * Equal abstract elements may expose different `x` / `y`; use
   * `toBytes()` / `fromBytes()` for canonical roundtrips.
   */
  toAffine(invertedZ) {
    return this.ep.toAffine(invertedZ);
  }
  toHex() {
    return bytesToHex2(this.toBytes());
  }
  toString() {
    return this.toHex();
  }
  isTorsionFree() {
    return true;
  }
  isSmallOrder() {
    return false;
  }
  add(other) {
    this.assertSame(other);
    return this.init(this.ep.add(other.ep));
  }
  subtract(other) {
    this.assertSame(other);
    return this.init(this.ep.subtract(other.ep));
  }
  multiply(scalar) {
    return this.init(this.ep.multiply(scalar));
  }
  multiplyUnsafe(scalar) {
    return this.init(this.ep.multiplyUnsafe(scalar));
  }
  double() {
    return this.init(this.ep.double());
  }
  negate() {
    return this.init(this.ep.negate());
  }
  precompute(windowSize, isLazy) {
    this.ep.precompute(windowSize, isLazy);
    return this;
  }
};

// node_modules/@noble/curves/abstract/hash-to-curve.js
function i2osp(value, length) {
  asafenumber(value);
  asafenumber(length);
  if (length < 0 || length > 4)
    throw new Error("invalid I2OSP length: " + length);
  if (value < 0 || value > 2 ** (8 * length) - 1)
    throw new Error("invalid I2OSP input: " + value);
  const res = Array.from({ length }).fill(0);
  for (let i = length - 1; i >= 0; i--) {
    res[i] = value & 255;
    value >>>= 8;
  }
  return new Uint8Array(res);
}
function strxor(a, b) {
  const arr = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    arr[i] = a[i] ^ b[i];
  }
  return arr;
}
function normDST(DST) {
  if (!isBytes2(DST) && typeof DST !== "string")
    throw new Error("DST must be Uint8Array or ascii string");
  const dst = typeof DST === "string" ? asciiToBytes(DST) : DST;
  if (dst.length === 0)
    throw new Error("DST must be non-empty");
  return dst;
}
function expand_message_xmd(msg, DST, lenInBytes, H) {
  abytes2(msg);
  asafenumber(lenInBytes);
  if (typeof H !== "function")
    throw new Error("expand_message_xmd: expected hash function");
  asafenumber(H.outputLen, "hash.outputLen");
  asafenumber(H.blockLen, "hash.blockLen");
  DST = normDST(DST);
  if (DST.length > 255)
    DST = H(concatBytes2(asciiToBytes("H2C-OVERSIZE-DST-"), DST));
  const { outputLen: b_in_bytes, blockLen: r_in_bytes } = H;
  const ell = Math.ceil(lenInBytes / b_in_bytes);
  if (lenInBytes > 65535 || ell > 255)
    throw new Error("expand_message_xmd: invalid lenInBytes");
  const DST_prime = concatBytes2(DST, i2osp(DST.length, 1));
  const Z_pad = new Uint8Array(r_in_bytes);
  const l_i_b_str = i2osp(lenInBytes, 2);
  const b = new Array(ell);
  const b_0 = H(concatBytes2(Z_pad, msg, l_i_b_str, i2osp(0, 1), DST_prime));
  b[0] = H(concatBytes2(b_0, i2osp(1, 1), DST_prime));
  for (let i = 1; i < ell; i++) {
    const args = [strxor(b_0, b[i - 1]), i2osp(i + 1, 1), DST_prime];
    b[i] = H(concatBytes2(...args));
  }
  const pseudo_random_bytes = concatBytes2(...b);
  return pseudo_random_bytes.slice(0, lenInBytes);
}
var _DST_scalar = "HashToScalar-";

// node_modules/@noble/curves/ed25519.js
var _1n5 = /* @__PURE__ */ BigInt(1);
var _2n3 = /* @__PURE__ */ BigInt(2);
var _5n2 = /* @__PURE__ */ BigInt(5);
var _8n3 = /* @__PURE__ */ BigInt(8);
var ed25519_CURVE_p = /* @__PURE__ */ BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed");
var ed25519_CURVE = /* @__PURE__ */ (() => ({
  p: ed25519_CURVE_p,
  n: BigInt("0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"),
  h: _8n3,
  a: BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec"),
  d: BigInt("0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3"),
  Gx: BigInt("0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a"),
  Gy: BigInt("0x6666666666666666666666666666666666666666666666666666666666666658")
}))();
function ed25519_pow_2_252_3(x) {
  const _10n = BigInt(10), _20n = BigInt(20), _40n = BigInt(40), _80n = BigInt(80);
  const P = ed25519_CURVE_p;
  const x2 = x * x % P;
  const b2 = x2 * x % P;
  const b4 = pow2(b2, _2n3, P) * b2 % P;
  const b5 = pow2(b4, _1n5, P) * x % P;
  const b10 = pow2(b5, _5n2, P) * b5 % P;
  const b20 = pow2(b10, _10n, P) * b10 % P;
  const b40 = pow2(b20, _20n, P) * b20 % P;
  const b80 = pow2(b40, _40n, P) * b40 % P;
  const b160 = pow2(b80, _80n, P) * b80 % P;
  const b240 = pow2(b160, _80n, P) * b80 % P;
  const b250 = pow2(b240, _10n, P) * b10 % P;
  const pow_p_5_8 = pow2(b250, _2n3, P) * x % P;
  return { pow_p_5_8, b2 };
}
var ED25519_SQRT_M1 = /* @__PURE__ */ BigInt("19681161376707505956807079304988542015446066515923890162744021073123829784752");
function uvRatio(u, v) {
  const P = ed25519_CURVE_p;
  const v3 = mod(v * v * v, P);
  const v7 = mod(v3 * v3 * v, P);
  const pow3 = ed25519_pow_2_252_3(u * v7).pow_p_5_8;
  let x = mod(u * v3 * pow3, P);
  const vx2 = mod(v * x * x, P);
  const root1 = x;
  const root2 = mod(x * ED25519_SQRT_M1, P);
  const useRoot1 = vx2 === u;
  const useRoot2 = vx2 === mod(-u, P);
  const noRoot = vx2 === mod(-u * ED25519_SQRT_M1, P);
  if (useRoot1)
    x = root1;
  if (useRoot2 || noRoot)
    x = root2;
  if (isNegativeLE(x, P))
    x = mod(-x, P);
  return { isValid: useRoot1 || useRoot2, value: x };
}
var ed25519_Point = /* @__PURE__ */ edwards(ed25519_CURVE, { uvRatio });
var Fp = /* @__PURE__ */ (() => ed25519_Point.Fp)();
var Fn = /* @__PURE__ */ (() => ed25519_Point.Fn)();
var SQRT_M1 = ED25519_SQRT_M1;
var SQRT_AD_MINUS_ONE = /* @__PURE__ */ BigInt("25063068953384623474111414158702152701244531502492656460079210482610430750235");
var INVSQRT_A_MINUS_D = /* @__PURE__ */ BigInt("54469307008909316920995813868745141605393597292927456921205312896311721017578");
var ONE_MINUS_D_SQ = /* @__PURE__ */ BigInt("1159843021668779879193775521855586647937357759715417654439879720876111806838");
var D_MINUS_ONE_SQ = /* @__PURE__ */ BigInt("40440834346308536858101042469323190826248399146238708352240133220865137265952");
var invertSqrt = (number) => uvRatio(_1n5, number);
var MAX_255B = /* @__PURE__ */ BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
var bytes255ToNumberLE = (bytes) => Fp.create(bytesToNumberLE(bytes) & MAX_255B);
function calcElligatorRistrettoMap(r0) {
  const { d } = ed25519_CURVE;
  const r = Fp.mul(Fp.mulN(SQRT_M1, r0), r0);
  const Ns = Fp.mul(Fp.addN(r, _1n5), ONE_MINUS_D_SQ);
  let c = BigInt(-1);
  const D = Fp.mul(Fp.subN(c, Fp.mulN(d, r)), Fp.add(r, d));
  let { isValid: Ns_D_is_sq, value: s } = uvRatio(Ns, D);
  let s_ = Fp.mul(s, r0);
  if (!Fp.isOdd(s_))
    s_ = Fp.neg(s_);
  if (!Ns_D_is_sq)
    s = s_;
  if (!Ns_D_is_sq)
    c = r;
  const Nt = Fp.sub(Fp.mulN(Fp.mulN(c, Fp.subN(r, _1n5)), D_MINUS_ONE_SQ), D);
  const s2 = Fp.sqrN(s);
  const W0 = Fp.mul(Fp.addN(s, s), D);
  const W1 = Fp.mul(Nt, SQRT_AD_MINUS_ONE);
  const W2 = Fp.sub(_1n5, s2);
  const W3 = Fp.add(_1n5, s2);
  return new ed25519_Point(Fp.mul(W0, W3), Fp.mul(W2, W1), Fp.mul(W1, W3), Fp.mul(W0, W2));
}
var _RistrettoPoint = class __RistrettoPoint extends PrimeEdwardsPoint {
  // Do NOT change syntax: the following gymnastics is done,
  // because typescript strips comments, which makes bundlers disable tree-shaking.
  // prettier-ignore
  static BASE = /* @__PURE__ */ (() => new __RistrettoPoint(ed25519_Point.BASE))();
  // prettier-ignore
  static ZERO = /* @__PURE__ */ (() => new __RistrettoPoint(ed25519_Point.ZERO))();
  // prettier-ignore
  static Fp = /* @__PURE__ */ (() => Fp)();
  // prettier-ignore
  static Fn = /* @__PURE__ */ (() => Fn)();
  constructor(ep) {
    super(ep);
  }
  /**
   * Create one Ristretto255 point from affine Edwards coordinates.
   * This wraps the internal Edwards representative directly and is not a
   * canonical ristretto255 decoding path.
   * Use `toBytes()` / `fromBytes()` if canonical ristretto255 bytes matter.
   */
  static fromAffine(ap) {
    return new __RistrettoPoint(ed25519_Point.fromAffine(ap));
  }
  assertSame(other) {
    if (!(other instanceof __RistrettoPoint))
      throw new Error("RistrettoPoint expected");
  }
  init(ep) {
    return new __RistrettoPoint(ep);
  }
  static fromBytes(bytes) {
    abytes(bytes, 32);
    const { a, d } = ed25519_CURVE;
    const s = bytes255ToNumberLE(bytes);
    if (!equalBytes(Fp.toBytes(s), bytes) || Fp.isOdd(s))
      throw new Error("invalid ristretto255 encoding 1");
    const s2 = Fp.sqr(s);
    const u1 = Fp.add(_1n5, Fp.mulN(a, s2));
    const u2 = Fp.sub(_1n5, Fp.mulN(a, s2));
    const u1_2 = Fp.sqr(u1);
    const u2_2 = Fp.sqr(u2);
    const v = Fp.sub(Fp.mulN(Fp.mulN(a, d), u1_2), u2_2);
    const { isValid, value: I } = invertSqrt(Fp.mul(v, u2_2));
    const Dx = Fp.mul(I, u2);
    const Dy = Fp.mul(Fp.mulN(I, Dx), v);
    let x = Fp.mul(Fp.addN(s, s), Dx);
    if (Fp.isOdd(x))
      x = Fp.neg(x);
    const y = Fp.mul(u1, Dy);
    const t = Fp.mul(x, y);
    if (!isValid || Fp.isOdd(t) || Fp.is0(y))
      throw new Error("invalid ristretto255 encoding 2");
    return new __RistrettoPoint(new ed25519_Point(x, y, Fp.ONE, t));
  }
  /**
   * Converts ristretto-encoded string to ristretto point.
   * Described in [RFC9496](https://www.rfc-editor.org/rfc/rfc9496#name-decode).
   * @param hex - Ristretto-encoded 32 bytes. Not every 32-byte string is valid ristretto encoding
   */
  static fromHex(hex2) {
    return __RistrettoPoint.fromBytes(hexToBytes(hex2));
  }
  /**
   * Encodes ristretto point to Uint8Array.
   * Described in [RFC9496](https://www.rfc-editor.org/rfc/rfc9496#name-encode).
   */
  toBytes() {
    let { X, Y, Z, T } = this.ep;
    const u1 = Fp.mul(Fp.add(Z, Y), Fp.sub(Z, Y));
    const u2 = Fp.mul(X, Y);
    const u2sq = Fp.sqr(u2);
    const { value: invsqrt } = invertSqrt(Fp.mul(u1, u2sq));
    const D1 = Fp.mul(invsqrt, u1);
    const D2 = Fp.mul(invsqrt, u2);
    const zInv = Fp.mul(Fp.mulN(D1, D2), T);
    let D;
    if (Fp.isOdd(Fp.mul(T, zInv))) {
      let _x = Fp.mul(Y, SQRT_M1);
      let _y = Fp.mul(X, SQRT_M1);
      X = _x;
      Y = _y;
      D = Fp.mul(D1, INVSQRT_A_MINUS_D);
    } else {
      D = D2;
    }
    if (Fp.isOdd(Fp.mul(X, zInv)))
      Y = Fp.neg(Y);
    let s = Fp.mul(Fp.subN(Z, Y), D);
    if (Fp.isOdd(s))
      s = Fp.neg(s);
    return Fp.toBytes(s);
  }
  /**
   * Compares two Ristretto points.
   * Described in [RFC9496](https://www.rfc-editor.org/rfc/rfc9496#name-equals).
   */
  equals(other) {
    this.assertSame(other);
    const { X: X1, Y: Y1 } = this.ep;
    const { X: X2, Y: Y2 } = other.ep;
    const one = Fp.eql(Fp.mul(X1, Y2), Fp.mul(Y1, X2));
    const two = Fp.eql(Fp.mul(Y1, Y2), Fp.mul(X1, X2));
    return one || two;
  }
  is0() {
    return this.equals(__RistrettoPoint.ZERO);
  }
};
var ristretto255 = /* @__PURE__ */ (() => {
  Object.freeze(_RistrettoPoint.BASE);
  Object.freeze(_RistrettoPoint.ZERO);
  Object.freeze(_RistrettoPoint.prototype);
  Object.freeze(_RistrettoPoint);
  return Object.freeze({ Point: _RistrettoPoint });
})();
var ristretto255_hasher = /* @__PURE__ */ Object.freeze({
  Point: _RistrettoPoint,
  /**
  * Spec: https://www.rfc-editor.org/rfc/rfc9380.html#name-hashing-to-ristretto255. Caveats:
  * * There are no test vectors
  * * encodeToCurve / mapToCurve is undefined
  * * mapToCurve would be `calcElligatorRistrettoMap(scalars[0])`, not ristretto255_map!
  * * hashToScalar is undefined too, so we just use OPRF implementation
  * * We cannot re-use 'createHasher', because ristretto255_map is different algorithm/RFC
    (os2ip -> bytes255ToNumberLE)
  * * mapToCurve == calcElligatorRistrettoMap, hashToCurve == ristretto255_map
  * * hashToScalar is undefined in RFC9380 for ristretto, so we use the OPRF
    version here. Using `bytes255ToNumblerLE` will create a different result
    if we use `bytes255ToNumberLE` as os2ip
  * * current version is closest to spec.
  */
  hashToCurve(msg, options) {
    const DST = options?.DST === void 0 ? "ristretto255_XMD:SHA-512_R255MAP_RO_" : options.DST;
    const xmd = expand_message_xmd(msg, DST, 64, sha512);
    return ristretto255_hasher.deriveToCurve(xmd);
  },
  hashToScalar(msg, options) {
    const DST = options?.DST === void 0 ? _DST_scalar : options.DST;
    const xmd = expand_message_xmd(msg, DST, 64, sha512);
    return Fn.create(bytesToNumberLE(xmd));
  },
  /**
   * HashToCurve-like construction based on RFC 9496 (Element Derivation).
   * Converts 64 uniform random bytes into a curve point.
   *
   * WARNING: This represents an older hash-to-curve construction from before
   * RFC 9380 was finalized.
   * It was later reused as a component in the newer
   * `hash_to_ristretto255` function defined in RFC 9380.
   */
  deriveToCurve(bytes) {
    abytes(bytes, 64);
    const r1 = bytes255ToNumberLE(bytes.subarray(0, 32));
    const R1 = calcElligatorRistrettoMap(r1);
    const r2 = bytes255ToNumberLE(bytes.subarray(32, 64));
    const R2 = calcElligatorRistrettoMap(r2);
    return new _RistrettoPoint(R1.add(R2));
  }
});

// src/verify/group.js
var Point = ristretto255.Point;
var L = 2n ** 252n + 27742317777372353535851937790883648493n;
var G = Point.BASE;
G.precompute(8, false);
var ZERO = Point.ZERO;
var G_HEX = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76";
var utf8 = new TextEncoder();
var text = (s) => utf8.encode(s);
var HEX2 = /^(?:[0-9a-f]{2})*$/;
function isHex(s) {
  return typeof s === "string" && HEX2.test(s);
}
function hexToBytes3(hex2) {
  const out = new Uint8Array(hex2.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex2.substr(i * 2, 2), 16);
  return out;
}
var HEXES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
function bytesToHex3(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEXES[bytes[i]];
  return s;
}
function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function u32(n) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}
function u64(n) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}
function lengthPrefixed(...parts) {
  const pieces = [];
  for (const p of parts) {
    const b = typeof p === "string" ? text(p) : p;
    pieces.push(u64(b.length), b);
  }
  return concat(...pieces);
}
function intLE(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = n << 8n | BigInt(bytes[i]);
  return n;
}
function hashToScalar(domain, ...parts) {
  return intLE(sha512(lengthPrefixed(text(domain), ...parts))) % L;
}
function scalarFromHex(hex2) {
  if (typeof hex2 !== "string" || hex2.length !== 64) return null;
  const n = intLE(hexToBytes3(hex2));
  return n < L ? n : null;
}
var cache = /* @__PURE__ */ new Map();
var CACHE_LIMIT = 2e6;
function pointFromHex(hex2) {
  const hit = cache.get(hex2);
  if (hit !== void 0) return hit;
  let p = null;
  if (typeof hex2 === "string" && hex2.length === 64 && isHex(hex2)) {
    try {
      p = Point.fromBytes(hexToBytes3(hex2));
    } catch {
      p = null;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(hex2, p);
  return p;
}
function clearPointCache() {
  cache.clear();
}
function enc(p) {
  return p.toBytes();
}
function mul(p, k) {
  const s = (k % L + L) % L;
  if (s === 0n || p.is0()) return ZERO;
  return p.multiplyUnsafe(s);
}
function msm(points, scalars) {
  if (points.length === 0) return ZERO;
  if (points.length < 4) {
    let acc = ZERO;
    for (let i = 0; i < points.length; i++) acc = acc.add(mul(points[i], scalars[i]));
    return acc;
  }
  return pippenger(Point, points, scalars.map((k) => (k % L + L) % L));
}
function independentGenerators(domain, n, from = 0) {
  const out = [];
  for (let i = from; i < n; i++) {
    out.push(ristretto255_hasher.deriveToCurve(sha512(lengthPrefixed(text("omov/v1/generators"), text(domain), u32(i)))));
  }
  return out;
}
var mod2 = (x) => (x % L + L) % L;
function mulAdd(points, scalars) {
  const ps = [];
  const ks = [];
  for (let i = 0; i < points.length; i++) {
    const s = mod2(scalars[i]);
    if (s === 0n || points[i].is0()) continue;
    ps.push(points[i]);
    ks.push(s);
  }
  if (ps.length === 0) return ZERO;
  return mulAddUnsafe(Point, ps, ks);
}
function randomWeight() {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  let n = 0n;
  for (const x of b) n = n << 8n | BigInt(x);
  return n | 1n;
}
function equalBytes2(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// src/verify/proofs.js
var GROUP = text("ristretto255");
function verifyDlog(context, B, X, c, z) {
  const R = mul(B, z).subtract(mul(X, c));
  return hashToScalar("omov/v1/proof/dlog", GROUP, context, enc(B), enc(X), enc(R)) === c;
}
function verifyDleq(context, B1, X1, B2, X2, c, z) {
  const R1 = mul(B1, z).subtract(mul(X1, c));
  const R2 = mulAdd([B2, X2], [z, L - c]);
  return hashToScalar("omov/v1/proof/dleq", GROUP, context, enc(B1), enc(X1), enc(B2), enc(X2), enc(R1), enc(R2)) === c;
}
function verifyDisjunctive(context, PK, pkBytes, cts, values, proof, batch = null) {
  const k = values.length;
  if (proof.commitments.length !== k || proof.pairs.length !== k) return false;
  let a = cts[0].a;
  let b = cts[0].b;
  for (let i = 1; i < cts.length; i++) {
    a = a.add(cts[i].a);
    b = b.add(cts[i].b);
  }
  const parts = [context, pkBytes, u32(cts.length)];
  for (const ct of cts) parts.push(ct.aBytes, ct.bBytes);
  parts.push(u32(k));
  for (const v of values) parts.push(u64(v));
  for (const [A, B] of proof.commitmentBytes) parts.push(A, B);
  const c = hashToScalar("omov/v1/proof/disjunctive", GROUP, ...parts);
  let sum = 0n;
  for (const [cj] of proof.pairs) sum += cj;
  if (sum % L !== c) return false;
  if (batch) {
    for (let j = 0; j < k; j++) {
      const [cj, zj] = proof.pairs[j];
      const [A, B] = proof.commitments[j];
      const w1 = randomWeight();
      const w2 = randomWeight();
      batch.points.push(A, B);
      batch.scalars.push(w1, w2);
      for (const ct of cts) {
        let co = batch.coef.get(ct);
        if (co === void 0) {
          co = [0n, 0n];
          batch.coef.set(ct, co);
        }
        co[0] = (co[0] + w1 * cj) % L;
        co[1] = (co[1] + w2 * cj) % L;
      }
      batch.g = (batch.g - w1 * zj - w2 * (cj * BigInt(values[j]) % L)) % L;
      batch.pk = (batch.pk - w2 * zj) % L;
    }
    return true;
  }
  for (let j = 0; j < k; j++) {
    const [cj, zj] = proof.pairs[j];
    const [A, B] = proof.commitments[j];
    if (!mul(G, zj).subtract(mul(a, cj)).equals(A)) return false;
    const shifted = b.subtract(mul(G, BigInt(values[j])));
    if (!mul(PK, zj).subtract(mul(shifted, cj)).equals(B)) return false;
  }
  return true;
}
function verifyRandomness(RP, pkBytes, paperBytes, aPoints, c, zs) {
  const k = aPoints.length;
  const parts = [RP, pkBytes, u32(k)];
  for (let j = 0; j < k; j++) {
    parts.push(paperBytes.subarray(64 * j, 64 * j + 32), paperBytes.subarray(64 * j + 32, 64 * j + 64));
  }
  for (let j = 0; j < k; j++) parts.push(enc(mul(G, zs[j]).subtract(mul(aPoints[j], c))));
  return hashToScalar("omov/v1/proof/randomness", GROUP, ...parts) === c;
}
function newBatch() {
  return { points: [], scalars: [], g: 0n, pk: 0n, coef: /* @__PURE__ */ new Map() };
}
function batchHolds(batch, PK) {
  const points = [...batch.points, G, PK];
  const scalars = [...batch.scalars, mod2(batch.g), mod2(batch.pk)];
  for (const [ct, [ca, cb]] of batch.coef) {
    points.push(ct.a, ct.b);
    scalars.push(ca, cb);
  }
  return msm(points, scalars).is0();
}

// src/verify/marks.js
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
  const p = pointFromHex(bytesToHex3(bytes));
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
    const c = scalarFromHex(bytesToHex3(bytes.subarray(base + 64 * j, base + 64 * j + 32)));
    const z = scalarFromHex(bytesToHex3(bytes.subarray(base + 64 * j + 32, base + 64 * j + 64)));
    if (c === null || z === null) throw new Error(`${what} pair ${j} holds a scalar that is not canonical (< L)`);
    pairs.push([c, z]);
  }
  return { commitments, commitmentBytes, pairs };
}
function checkMarkPaper(P, question, election, binding, publicKey, pkBytes, batch = null) {
  const k = question.options;
  const fields = readFields(P);
  const needSum = question.min_marks > 0 || question.max_marks < k;
  if (fields.length !== 2 + 2 * k + 1) throw new Error(`the paper has ${fields.length} fields, not ${2 + 2 * k + 1} (question id, option count, ${k} ciphertexts, ${k} proofs, sum proof)`);
  if (new TextDecoder().decode(fields[0]) !== question.question_id || bytesToHex3(fields[0]) !== bytesToHex3(text(question.question_id))) {
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
  const ctx = lengthPrefixed(
    text("omov/v1/mark-paper"),
    text(election),
    text(question.question_id),
    u32(k),
    u32(question.min_marks),
    u32(question.max_marks),
    binding
  );
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

// src/verify/work.js
var Refused = class extends Error {
};
var refuse = (msg) => {
  throw new Refused(msg);
};
var attempt = (f) => {
  try {
    return f();
  } catch (e) {
    if (e instanceof Refused) return e.message;
    throw e;
  }
};
var prepared = /* @__PURE__ */ new Map();
function prepare(ctx) {
  let p = prepared.get(ctx.key);
  if (p !== void 0) return p;
  p = { ...ctx };
  if (ctx.F) p.Fbytes = hexToBytes3(ctx.F);
  if (ctx.pk) {
    p.PK = pointFromHex(ctx.pk).precompute(8, false);
    p.pkBytes = hexToBytes3(ctx.pk);
  }
  if (ctx.keys) p.X = new Map(Object.entries(ctx.keys).map(([T, h]) => [Number(T), pointFromHex(h).precompute(8, false)]));
  if (ctx.present && ctx.C !== void 0) {
    const { D, coef } = smallLagrange(ctx.present);
    p.D = D;
    p.coef = coef;
    p.logs = /* @__PURE__ */ new Map();
    const DG = mul(G, D);
    let M = ZERO;
    for (let m = 0; m <= ctx.C; m++) {
      p.logs.set(bytesToHex3(enc(M)), m);
      M = M.add(DG);
    }
  }
  if (prepared.size >= 8) prepared.clear();
  prepared.set(ctx.key, p);
  return p;
}
function smallLagrange(present) {
  const abs = (x) => x < 0n ? -x : x;
  const gcd = (a, b) => b === 0n ? abs(a) : gcd(b, a % b);
  const parts = present.map((T) => {
    let num = 1n;
    let den = 1n;
    for (const U of present) {
      if (U === T) continue;
      num *= BigInt(U);
      den *= BigInt(U) - BigInt(T);
    }
    return [num, den];
  });
  let D = 1n;
  for (const [, den] of parts) D = D / gcd(D, den) * abs(den);
  return { D, coef: parts.map(([num, den]) => num * D / den) };
}
function credentials(ctx, { offset, items }) {
  for (let x = 0; x < items.length; x++) {
    const S = pointFromHex(items[x]);
    if (S === null) return { at: offset + x, msg: "is not a valid ristretto255 point" };
    if (S.is0()) return { at: offset + x, msg: "is the identity" };
  }
  return null;
}
function papers(ctx, { offset, items }) {
  const p = prepare(ctx);
  const marks = p.kind === "marks";
  let batch = marks ? newBatch() : null;
  const ctsOf = new Array(items.length).fill(null);
  const one = (x) => attempt(() => {
    ctsOf[x] = checkPaper(p, items[x], offset + x, batch);
    return null;
  });
  let errors = items.map((_, x) => one(x));
  if (marks && !batchHolds(batch, p.PK)) {
    batch = null;
    errors = items.map((_, x) => one(x));
  }
  if (!marks) return { errors };
  const aLists = ctsOf.map((cts) => cts === null ? null : cts.map((ct) => bytesToHex3(ct.aBytes)));
  let sums = null;
  if (!errors.some((e) => e !== null)) {
    sums = [];
    for (let i = 0; i < p.k; i++) {
      let a = ZERO;
      let b = ZERO;
      for (const cts of ctsOf) {
        a = a.add(cts[i].a);
        b = b.add(cts[i].b);
      }
      sums.push([bytesToHex3(enc(a)), bytesToHex3(enc(b))]);
    }
  }
  return { errors, aLists, sums };
}
function checkPaper(p, e, i, batch) {
  const { E, Fbytes, k, kind, PK, pkBytes } = p;
  const where = (item, msg) => refuse(`papers.json: papers[${i}]${item ? `.${item}` : ""}: ${msg}`);
  const Phex = e.ciphertexts;
  const P = hexToBytes3(Phex);
  const S = pointFromHex(e.credential);
  const Sb = hexToBytes3(e.credential);
  const Q = hexToBytes3(e.proof);
  const tracker = bytesToHex3(sha256(lengthPrefixed(text("omov/record/v4/tracker"), Fbytes, Sb, P, Q)));
  if (e.tracker !== tracker) where("tracker", `is not the tracker of paper ${i + 1} (${tracker})`);
  const sc = scalarFromHex(e.signature.c);
  const sz = scalarFromHex(e.signature.z);
  if (sc === null || sz === null) where("signature", "holds a scalar that is not canonical (< L)");
  const sctx = lengthPrefixed(text("omov/v1/paper-signature"), text(E), Fbytes, hexToBytes3(e.tracker));
  if (!verifyDlog(sctx, G, S, sc, sz)) where("signature", "does not verify under the paper's credential");
  if (kind === "ranked") {
    if (P.length !== 64 * k) where("ciphertexts", `is ${P.length} bytes, not 64·${k}`);
    if (Q.length !== 32 * (k + 1)) where("proof", `is ${Q.length} bytes, not 32·(${k}+1)`);
    const c = scalarFromHex(e.proof.slice(0, 64));
    const zs = [];
    for (let j = 0; j < k; j++) zs.push(scalarFromHex(e.proof.slice(64 * (j + 1), 64 * (j + 2))));
    if (c === null || zs.includes(null)) where("proof", "holds a scalar that is not canonical (< L)");
    const aPoints = [];
    for (let j = 0; j < k; j++) {
      const a = pointFromHex(Phex.slice(128 * j, 128 * j + 64));
      const b = pointFromHex(Phex.slice(128 * j + 64, 128 * j + 128));
      if (a === null || b === null) where("ciphertexts", `position ${j + 1} is not a pair of valid points`);
      aPoints.push(a);
    }
    const RP = lengthPrefixed(text("omov/v1/ranked-paper"), text(E), Fbytes, Sb);
    if (!verifyRandomness(RP, pkBytes, P, aPoints, c, zs)) where("proof", "the proof of knowledge of the paper's randomness does not verify");
    return null;
  }
  if (Q.length !== 0) where("proof", "must be empty for a mark paper");
  const binding = new Uint8Array(Fbytes.length + Sb.length);
  binding.set(Fbytes, 0);
  binding.set(Sb, Fbytes.length);
  try {
    return checkMarkPaper(P, p.question, E, binding, PK, pkBytes, batch);
  } catch (err) {
    if (err instanceof Refused) throw err;
    return where("ciphertexts", `is not a valid mark paper: ${err.message}`);
  }
}
function shares(ctx, { offset, items }) {
  const p = prepare(ctx);
  const errors = [];
  const values = [];
  let count = 0;
  items.forEach((item, x) => {
    let vals = null;
    const error = attempt(() => {
      vals = decryptPaper(p, item, offset + x);
      return null;
    });
    errors.push(error);
    values.push(vals);
    if (vals !== null) count += vals.length * p.present.length;
  });
  return { errors, values, count };
}
function decryptPaper(p, { out, paper }, i) {
  const { E, Fbytes, k, present } = p;
  if (paper.length < 1 || paper.length > k) refuse(`decryption.json: papers[${i}]: has ${paper.length} positions, not 1..${k}`);
  const pctx = lengthPrefixed(text("omov/record/v3/decryption"), Fbytes, u64(i));
  const vals = [];
  for (let j = 0; j < paper.length; j++) {
    const pos = paper[j];
    if (pos.length !== present.length) refuse(`decryption.json: papers[${i}][${j}]: has ${pos.length} shares, not one per present trustee (${present.length})`);
    const a = pointFromHex(out.slice(128 * j, 128 * j + 64));
    const b = pointFromHex(out.slice(128 * j + 64, 128 * j + 128));
    if (a === null || b === null) refuse(`${p.lastFile}: outputs[${i}]: position ${j + 1} is not a pair of valid points`);
    const ds = [b];
    const ls = [p.D];
    pos.forEach((share, x) => {
      const T = present[x];
      const at = `decryption.json: papers[${i}][${j}][${x}]`;
      ds.push(checkShare(p, share, at, a, T, lengthPrefixed(text("omov/v1/partial-decryption"), text(E), u32(T), pctx, u32(j))));
      ls.push(-p.coef[x]);
    });
    const M = mulAddSmall(ds, ls);
    const m = p.logs.get(bytesToHex3(enc(M)));
    vals.push(m === void 0 ? null : m);
  }
  return vals;
}
function checkShare(p, share, at, a, T, context) {
  if (share.length !== 3) refuse(`${at}: a share is [d, c, z], not ${share.length} items`);
  const d = pointFromHex(share[0]);
  if (d === null) refuse(`${at}[0]: d is not a valid ristretto255 point`);
  const c = scalarFromHex(share[1]);
  const z = scalarFromHex(share[2]);
  if (c === null || z === null) refuse(`${at}: c or z is not a canonical scalar (< L)`);
  if (!verifyDleq(context, G, p.X.get(T), a, d, c, z)) refuse(`${at}: trustee ${T}'s decryption proof does not verify`);
  return d;
}
function mulAddSmall(points, scalars) {
  const ps = [];
  const ks = [];
  points.forEach((P, i) => {
    const s = scalars[i];
    if (s === 0n) return;
    ps.push(s < 0n ? P.negate() : P);
    ks.push(s < 0n ? -s : s);
  });
  return mulAdd(ps, ks);
}
var TASKS = { credentials, papers, shares, shuffle: shuffleChunk };
function runTask(name, ctx, payload) {
  const task = TASKS[name];
  if (task === void 0) throw new Error(`no task ${JSON.stringify(name)}`);
  return task(ctx, payload);
}

// src/verify/pool.js
function inlinePool() {
  return {
    size: 1,
    run: async (name, ctx, payload) => runTask(name, ctx, payload),
    close() {
    }
  };
}
function taskReply(message) {
  const { id, name, ctx, payload } = message;
  try {
    return { id, result: runTask(name, ctx, payload) };
  } catch (e) {
    return { id, error: `${e && e.message ? e.message : e}` };
  } finally {
    clearPointCache();
  }
}
function workerPool(workers) {
  const idle = [...workers];
  const queue = [];
  const pending = /* @__PURE__ */ new Map();
  let next = 1;
  let broken = null;
  const dispatch = () => {
    while (idle.length && queue.length) {
      const w = idle.pop();
      const job = queue.shift();
      pending.set(job.message.id, { ...job, worker: w });
      w.postMessage(job.message);
    }
  };
  const failAll = (why) => {
    broken = why;
    for (const job of [...pending.values(), ...queue]) job.reject(new Error(why));
    pending.clear();
    queue.length = 0;
  };
  for (const w of workers) {
    const onReply = (reply) => {
      const job = pending.get(reply.id);
      if (job === void 0) return;
      pending.delete(reply.id);
      idle.push(w);
      if (reply.error !== void 0) job.reject(new Error(reply.error));
      else job.resolve(reply.result);
      dispatch();
    };
    const onError = (e) => failAll(`a verifier worker failed: ${e && e.message ? e.message : e}`);
    if (typeof w.on === "function") {
      w.on("message", onReply);
      w.on("error", onError);
    } else {
      w.addEventListener("message", (e) => onReply(e.data));
      w.addEventListener("error", onError);
    }
  }
  return {
    size: workers.length,
    run(name, ctx, payload) {
      if (broken) return Promise.reject(new Error(broken));
      return new Promise((resolve, reject) => {
        queue.push({ message: { id: next++, name, ctx, payload }, resolve, reject });
        dispatch();
      });
    },
    close() {
      for (const w of workers) w.terminate();
    }
  };
}
async function mapChunks(pool, name, ctx, items, chunk, take) {
  const starts = [];
  for (let at = 0; at < items.length; at += chunk) starts.push(at);
  const inFlight = [];
  const window = Math.max(2, pool.size * 2);
  let sent = 0;
  const send = () => {
    const at = starts[sent++];
    const p = pool.run(name, ctx, { offset: at, items: items.slice(at, at + chunk) });
    p.catch(() => {
    });
    inFlight.push(p);
  };
  while (sent < starts.length && inFlight.length < window) send();
  for (let c = 0; c < starts.length; c++) {
    const result = await inFlight.shift();
    if (sent < starts.length) send();
    await take(result, starts[c]);
  }
}

// src/verify/shuffle.js
var DOMAIN = "omov/shuffle/v1";
async function verifyShuffle({ inputs, outputs, proof, publicKey, pkBytes, context, width: k, onStep, pool }) {
  const N = inputs.length;
  if (N < 1) return "no papers to shuffle";
  if (outputs.length !== N) return `${outputs.length} outputs for ${N} inputs`;
  for (const [name, len] of [["commitments", N], ["chain", N], ["t_hat", N], ["s_hat", N], ["s_prime", N], ["t4", k], ["s4", k]]) {
    if (proof[name].length !== len) return `proof.${name} has ${proof[name].length} entries, not ${len}`;
  }
  const point = (hex2, where) => {
    const p = pointFromHex(hex2);
    if (p === null) throw new Error(`${where} is not a valid ristretto255 point`);
    return p;
  };
  const scalar = (hex2, where) => {
    const s = scalarFromHex(hex2);
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
      text(DOMAIN),
      text("ristretto255"),
      enc(G),
      context,
      u64(N),
      u64(k),
      pkBytes,
      hexToBytes3(inputs.join("")),
      hexToBytes3(outputs.join("")),
      hexToBytes3(proof.commitments.join(""))
    ));
    const u = [];
    for (let i = 0; i < N; i++) u.push(hashToScalar("omov/shuffle/v1/u", D, u64(i)));
    const c = challenge;
    const w = [];
    for (let i = 0; i < N; i++) w.push(randomWeight());
    const items = [];
    for (let i = 0; i < N; i++) {
      const chainCoef = (w[i] * c + (i + 1 < N ? w[i + 1] * sPrime[i + 1] : 0n)) % L;
      items.push({
        inp: inputs[i],
        out: outputs[i],
        cm: proof.commitments[i],
        ch: proof.chain[i],
        th: proof.t_hat[i],
        cu: String(u[i] * c % L),
        sp: String(sPrime[i]),
        wn: String(mod2(-w[i])),
        cc: String(chainCoef)
      });
    }
    const bad = { commitments: null, chain: null, tHat: null, inputs: null, outputs: null };
    let sumC = ZERO;
    let sumH = ZERO;
    let t3Part = ZERO;
    let tHatPart = ZERO;
    const t4Part = Array.from({ length: k }, () => [ZERO, ZERO]);
    const add2 = (P, h) => P.add(pointFromHex(h));
    const runner = pool ?? inlinePool();
    const chunk = Math.min(2e3, Math.max(50, Math.ceil(N / (runner.size * 3))));
    await mapChunks(runner, "shuffle", { key: "shuffle", k }, items, chunk, (r, offset) => {
      for (const name of Object.keys(bad)) if (bad[name] === null && r.bad[name] !== null) bad[name] = r.bad[name];
      if (r.sums) {
        sumC = add2(sumC, r.sums.sumC);
        sumH = add2(sumH, r.sums.sumH);
        t3Part = add2(t3Part, r.sums.t3);
        tHatPart = add2(tHatPart, r.sums.tHat);
        r.sums.t4.forEach(([a, b], j) => {
          t4Part[j][0] = add2(t4Part[j][0], a);
          t4Part[j][1] = add2(t4Part[j][1], b);
        });
      }
      if (onStep) onStep(Math.min(N, offset + chunk), N);
    });
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
    const t4Bytes = hexToBytes3(proof.t4.map(([a, b]) => a + b).join(""));
    const cHash = hashToScalar(
      "omov/shuffle/v1/c",
      D,
      sha256(hexToBytes3(proof.chain.join(""))),
      hexToBytes3(proof.t1),
      hexToBytes3(proof.t2),
      hexToBytes3(proof.t3),
      t4Bytes,
      sha256(hexToBytes3(proof.t_hat.join("")))
    );
    if (cHash !== challenge) return "the challenge is not the hash of the proof's statement and commitments";
    const cBar = sumC.subtract(sumH);
    let prodU = 1n;
    for (const x of u) prodU = prodU * x % L;
    const chainLast = pointFromHex(proof.chain[N - 1]);
    const cHat = chainLast.subtract(H0.multiplyUnsafe(prodU));
    if (!cBar.multiplyUnsafe(c).add(G.multiplyUnsafe(s1)).equals(t1)) return "the equation for t1 does not hold";
    if (!cHat.multiplyUnsafe(c).add(G.multiplyUnsafe(s2)).equals(t2)) return "the equation for t2 does not hold";
    if (!t3Part.add(G.multiplyUnsafe(s3)).equals(t3)) return "the equation for t3 does not hold";
    for (let j = 0; j < k; j++) {
      for (const side of [0, 1]) {
        const base = side === 0 ? G : publicKey;
        if (!t4Part[j][side].add(base.multiplyUnsafe(mod2(-s4[j]))).equals(t4[j][side])) {
          return `the equation for t4 (position ${j + 1}, ${side ? "b" : "a"}) does not hold`;
        }
      }
    }
    let gCoef = 0n;
    for (let i = 0; i < N; i++) gCoef = (gCoef + w[i] * sHat[i]) % L;
    const h0 = w[0] * sPrime[0] % L;
    if (!msm([tHatPart, G, H0], [1n, gCoef, h0]).is0()) {
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
function shuffleChunk({ k }, { offset, items }) {
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
    const hex2 = it[field];
    const i = offset + x;
    if (hex2.length !== 128 * k) {
      bad[what] = `${what}[${i}] is ${hex2.length / 2} bytes, not 64·${k}`;
      return null;
    }
    const row = [];
    for (let j = 0; j < k; j++) {
      const a = pointFromHex(hex2.slice(128 * j, 128 * j + 64));
      if (a === null) {
        bad[what] = `${what}[${i}] position ${j + 1} (a) is not a valid ristretto255 point`;
        return null;
      }
      const b = pointFromHex(hex2.slice(128 * j + 64, 128 * j + 128));
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
  const H = independentGenerators(DOMAIN, offset + items.length + 1, offset + 1);
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
      pair.push(bytesToHex3(enc(msm(pts, sc))));
    }
    t4.push(pair);
  }
  const tHatSum = msm([...tHat, ...chain], [...items.map((it) => BigInt(it.wn)), ...items.map((it) => BigInt(it.cc))]);
  const h = (P) => bytesToHex3(enc(P));
  return { bad, sums: { sumC: h(sumC), sumH: h(sumH), t3: h(t3), t4, tHat: h(tHatSum) } };
}

// src/verify/trustees.js
var FILE = "trustees.json";
function checkCeremony(doc, election) {
  const n = doc.trustees;
  const t = doc.threshold;
  const fail2 = (item, msg) => {
    throw new Error(`${FILE}: ${item}: ${msg}`);
  };
  if (!(t >= 1 && t <= n)) fail2("threshold", `need 1 <= threshold <= trustees, not ${t} of ${n}`);
  if (doc.inits.length !== n) fail2("inits", `${doc.inits.length} init files for ${n} trustees`);
  if (doc.combines.length !== n) fail2("combines", `${doc.combines.length} combine files for ${n} trustees`);
  if (doc.shares.length !== n) fail2("shares", `${doc.shares.length} shares files for ${n} trustees`);
  const point = (hex2, item) => pointFromHex(hex2) ?? fail2(item, "is not a valid ristretto255 point");
  const scalar = (hex2, item) => {
    const s = scalarFromHex(hex2);
    if (s === null) fail2(item, "is not a canonical scalar (< L)");
    return s;
  };
  const commitments = /* @__PURE__ */ new Map();
  doc.inits.forEach((init, x) => {
    const at = `inits[${x}]`;
    if (init.election !== election) fail2(`${at}.election`, `is ${JSON.stringify(init.election)}, not ${JSON.stringify(election)}`);
    if (init.n !== n || init.t !== t) fail2(at, `is for ${init.t} of ${init.n} trustees, not ${t} of ${n}`);
    if (init.id !== x + 1) fail2(`${at}.id`, `is ${init.id}; the init files must be trustees 1..${n} in order`);
    if (init.commitments.length !== t) fail2(`${at}.commitments`, `has ${init.commitments.length} commitments, not ${t}`);
    const C = init.commitments.map((h, k) => point(h, `${at}.commitments[${k}]`));
    const ctx = lengthPrefixed(
      text("omov/v1/trustee/commitment"),
      text(election),
      u32(init.id),
      u32(n),
      u32(t),
      ...init.commitments.map((h) => enc(pointFromHex(h)))
    );
    if (!verifyDlog(ctx, G, C[0], scalar(init.commitment_proof.c, `${at}.commitment_proof.c`), scalar(init.commitment_proof.z, `${at}.commitment_proof.z`))) {
      fail2(`${at}.commitment_proof`, "does not verify");
    }
    const E = point(init.transport_key, `${at}.transport_key`);
    const tctx = lengthPrefixed(text("omov/v1/trustee/transport"), text(election), u32(init.id));
    if (!verifyDlog(tctx, G, E, scalar(init.transport_proof.c, `${at}.transport_proof.c`), scalar(init.transport_proof.z, `${at}.transport_proof.z`))) {
      fail2(`${at}.transport_proof`, "does not verify");
    }
    commitments.set(init.id, C);
  });
  doc.shares.forEach((s, x) => {
    const at = `shares[${x}]`;
    if (s.election !== election) fail2(`${at}.election`, `is ${JSON.stringify(s.election)}, not ${JSON.stringify(election)}`);
    if (s.from !== x + 1) fail2(`${at}.from`, `is ${s.from}; the shares files must be from trustees 1..${n} in order`);
    const to = s.shares.map((b) => b.to).join(",");
    const want = [];
    for (let j = 1; j <= n; j++) if (j !== s.from) want.push(j);
    if (to !== want.join(",")) fail2(`${at}.shares`, `go to [${to}], not to every other trustee [${want.join(", ")}]`);
    s.shares.forEach((b, y) => point(b.ephemeral, `${at}.shares[${y}].ephemeral`));
  });
  let PK = ZERO;
  for (const C of commitments.values()) PK = PK.add(C[0]);
  const pkHex = bytesToHex3(enc(PK));
  const inputs = doc.inits.map((init) => bytesToHex3(sha256(text(canonicalText(init))))).sort();
  const keys = /* @__PURE__ */ new Map();
  doc.combines.forEach((comb, x) => {
    const at = `combines[${x}]`;
    const j = comb.id;
    if (comb.election !== election) fail2(`${at}.election`, `is ${JSON.stringify(comb.election)}, not ${JSON.stringify(election)}`);
    if (j !== x + 1) fail2(`${at}.id`, `is ${j}; the combine files must be trustees 1..${n} in order`);
    if (comb.public_key !== pkHex) fail2(`${at}.public_key`, "is not the sum of the trustees' first commitments");
    let X = ZERO;
    for (const C of commitments.values()) {
      let power = 1n;
      for (let k = 0; k < C.length; k++) {
        X = X.add(mul(C[k], power));
        power = power * BigInt(j) % L;
      }
    }
    if (comb.verification_key !== bytesToHex3(enc(X))) fail2(`${at}.verification_key`, `is not trustee ${j}'s key computed from the commitments`);
    const ctx = lengthPrefixed(text("omov/v1/trustee/verification-key"), text(election), u32(j), enc(PK));
    if (!verifyDlog(ctx, G, X, scalar(comb.proof.c, `${at}.proof.c`), scalar(comb.proof.z, `${at}.proof.z`))) {
      fail2(`${at}.proof`, "does not verify");
    }
    if (comb.inputs.join(",") !== inputs.join(",")) fail2(`${at}.inputs`, "are not the SHA-256 digests of the published init files");
    keys.set(j, X);
  });
  if (doc.public_key !== pkHex) fail2("public_key", "is not the sum of the trustees' first commitments");
  if (PK.is0()) fail2("public_key", "is the identity");
  return { publicKey: PK, pkHex, keys };
}

// src/verify/count.js
var isObject2 = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
function valueIs(s, n) {
  if (typeof s !== "string") return false;
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(s);
  if (!m) return false;
  if (m[3] !== void 0 && !/^0+$/.test(m[3])) return false;
  const whole = BigInt(m[2]) * (m[1] ? -1n : 1n);
  return whole === BigInt(n);
}
function same(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}
function checkCount(results, params, kind) {
  const sheet = results.count;
  const fail2 = (item, msg) => {
    throw new Error(`${item}: ${msg}`);
  };
  if (!isObject2(sheet)) fail2("(the sheet)", "must be an object (docs/count-sheet-schema.md)");
  if (sheet.schema !== "omov-count-sheet") fail2("schema", `is ${JSON.stringify(sheet.schema)}, not "omov-count-sheet"`);
  if (sheet.version !== 1) fail2("version", `is ${JSON.stringify(sheet.version)}, not 1`);
  const names = params.candidates;
  const v4 = Object.hasOwn(params, "kind");
  if (v4 !== Object.hasOwn(results, "withdrawn")) {
    fail2("(results.json)", v4 ? "withdrawn: is missing (a version 4 record lists the candidates withdrawn after opening)" : "withdrawn: is not part of a version 3 record");
  }
  const constraints = v4 ? params.constraints : [];
  constraints.forEach((c, n) => {
    const at = `parameters.json: constraints[${n}]`;
    if (c.group === "") fail2(`${at}.group`, "must not be empty");
    if (!c.members.every((i) => i < names.length)) fail2(`${at}.members`, `must be candidate indices 0..${names.length - 1}`);
    if (!c.members.every((i, j) => j === 0 || c.members[j - 1] < i)) fail2(`${at}.members`, "must be strictly increasing");
    if (c.max !== null && c.min > c.max) fail2(at, `min ${c.min} is above max ${c.max}`);
    if (c.min > Math.min(params.seats, c.members.length)) fail2(`${at}.min`, `${c.min} cannot be met (${c.members.length} members, ${params.seats} seats)`);
  });
  const withdrawn = v4 ? results.withdrawn : [];
  if (!withdrawn.every((i, j) => i < names.length && (j === 0 || withdrawn[j - 1] < i))) {
    fail2("(results.json) withdrawn", `must be strictly increasing candidate indices 0..${names.length - 1}`);
  }
  if (names.length - withdrawn.length < params.seats) fail2("(results.json) withdrawn", "leaves fewer candidates than seats");
  const gone = new Set(withdrawn);
  const goneNames = withdrawn.map((i) => names[i]);
  if (!same(sheet.candidates, names)) fail2("candidates", "are not parameters.json's candidates in ballot order");
  if (!Array.isArray(sheet.withdrawn) || !same([...sheet.withdrawn].sort(), [...goneNames].sort())) {
    fail2("withdrawn", `is ${JSON.stringify(sheet.withdrawn)}, but results.json withdraws ${JSON.stringify(goneNames)}`);
  }
  if (sheet.title !== params.title) fail2("title", `is ${JSON.stringify(sheet.title)}, not parameters.json's title`);
  if (sheet.rule !== params.rule) fail2("rule", `is ${JSON.stringify(sheet.rule)}, not parameters.json's rule ${JSON.stringify(params.rule)}`);
  if (sheet.seats !== params.seats) fail2("seats", `is ${JSON.stringify(sheet.seats)}, not parameters.json's ${params.seats}`);
  if (sheet.seed !== params.count_seed) fail2("seed", `is ${JSON.stringify(sheet.seed)}, not parameters.json's count_seed`);
  const first = new Array(names.length).fill(0);
  let valid;
  if (kind === "marks") {
    results.totals.forEach((n, i) => {
      if (!gone.has(i)) first[i] = n;
    });
    valid = results.totals.reduce((x, y) => x + y, 0);
  } else {
    valid = 0;
    let invalid = 0;
    let empty = 0;
    for (const p of results.papers) {
      if (p.status === "valid") {
        valid++;
        if (p.ranking.length < 1 || p.ranking[0] >= names.length) fail2("papers", "a valid paper's ranking names no candidate");
        const top = p.ranking.find((c) => !gone.has(c));
        if (top === void 0) empty++;
        else first[top]++;
      } else invalid++;
    }
    const stage1 = Array.isArray(sheet.stages) && isObject2(sheet.stages[0]) ? sheet.stages[0] : {};
    const rejected = sheet.invalid === invalid + empty && valueIs(sheet.valid, valid - empty);
    const exhausted = sheet.invalid === invalid && valueIs(sheet.valid, valid) && valueIs(stage1.non_transferable, empty);
    if (!rejected && !exhausted) {
      fail2("invalid", `is ${JSON.stringify(sheet.invalid)} (valid ${JSON.stringify(sheet.valid)}), but ${invalid} papers are invalid and ${valid} valid` + (empty ? `, ${empty} of them naming only withdrawn candidates` : ""));
    }
    if (sheet.papers !== valid && sheet.papers !== valid + invalid) fail2("papers", `is ${JSON.stringify(sheet.papers)}, but ${valid} papers are valid and ${invalid} invalid`);
  }
  if (!Array.isArray(sheet.stages) || sheet.stages.length < 1) fail2("stages", "the sheet has no stages");
  const stage = sheet.stages[0];
  if (!isObject2(stage) || stage.action !== "first-preferences") fail2("stages[0].action", 'the first stage is not "first-preferences"');
  if (!isObject2(stage.totals)) fail2("stages[0].totals", "must be an object");
  names.forEach((name, i) => {
    if (!valueIs(stage.totals[name], first[i])) {
      fail2(`stages[0].totals.${name}`, `is ${JSON.stringify(stage.totals[name])}, but the decrypted papers give ${name} ${first[i]} ${kind === "marks" ? "marks" : "first preferences"}`);
    }
  });
  if (!Array.isArray(sheet.elected) || sheet.elected.length > params.seats || new Set(sheet.elected).size !== sheet.elected.length || !sheet.elected.every((e) => names.includes(e))) {
    fail2("elected", "is not a list of distinct candidates, at most one per seat");
  }
  const what = kind === "marks" ? "marks" : "papers and first preferences";
  let also = "";
  if (goneNames.length) also += `; withdrawn after opening: ${goneNames.join(", ")} (skipped on every paper)`;
  if (v4 && Object.keys(params.options).length) also += `; the rule's options are changed (${canonicalText(params.options)})`;
  if (constraints.length) {
    also += "; CONSTRAINTS APPLY, which only a recount under the rule checks: " + constraints.map((c) => `at least ${c.min}${c.max === null ? "" : ` and at most ${c.max}`} elected from ${c.group} (${c.members.map((i) => names[i]).join(", ")})`).join("; ");
  }
  return `the sheet counts the decrypted ${what} (${valid} ${kind === "marks" ? "marks" : "valid papers"}; first-stage totals agree) and declares ${sheet.elected.join(", ") || "nobody"} elected${also}`;
}

// src/verify/index.js
var VERSIONS = [3, 4];
var RULES = ["fptp", "bloc", "approval", "irv", "scottish", "ers97", "meek", "wigm"];
var RECOUNT_NOTE = "the full recount under the rule is done by the Python verifier (`omov verify`) and `omov count`";
var Failed = class extends Error {
};
var fail = (msg) => {
  throw new Failed(msg);
};
var hex = (b) => bytesToHex3(b);
var short = (h) => `${h.slice(0, 16)}…`;
function lagrange(T, present) {
  let num = 1n;
  let den = 1n;
  for (const U of present) {
    if (U === T) continue;
    num = num * BigInt(U) % L;
    den = den * ((BigInt(U) - BigInt(T)) % L + L) % L;
  }
  return num * modInverse(den) % L;
}
function modInverse(x) {
  let result = 1n;
  let base = x % L;
  let e = L - 2n;
  while (e > 0n) {
    if (e & 1n) result = result * base % L;
    base = base * base % L;
    e >>= 1n;
  }
  return result;
}
var babySteps = /* @__PURE__ */ new Map();
function smallLog(M, max) {
  const step = Math.max(1, Math.ceil(Math.sqrt(max + 1)));
  let baby = babySteps.get(step);
  if (baby === void 0) {
    baby = /* @__PURE__ */ new Map();
    let P = ZERO;
    for (let i = 0; i < step; i++) {
      baby.set(hex(enc(P)), i);
      P = P.add(G);
    }
    babySteps.clear();
    babySteps.set(step, baby);
  }
  const giant = mul(G, BigInt(step));
  let Q = M;
  for (let g = 0; g * step <= max; g++) {
    const i = baby.get(hex(enc(Q)));
    if (i !== void 0 && g * step + i <= max) return g * step + i;
    Q = Q.subtract(giant);
  }
  return null;
}
function firstFault(values, C) {
  const seen = /* @__PURE__ */ new Set();
  let blank = false;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v === null || v > C) return j + 1;
    if (j === 0 && v === 0) return 1;
    if (v !== 0 && blank) return j + 1;
    if (v !== 0 && seen.has(v)) return j + 1;
    if (v === 0) blank = true;
    else seen.add(v);
  }
  return 0;
}
function chainHash(chain, previous, position, tracker) {
  return hex(sha256(text(`omov-chain-v1
${chain}
${previous}
${position}
${tracker}`)));
}
async function verifyRecord(readFile, options = {}, onProgress = () => {
}) {
  const results = [];
  const status = /* @__PURE__ */ new Map();
  const docs = /* @__PURE__ */ new Map();
  const refusals = /* @__PURE__ */ new Map();
  const bytesOf = /* @__PURE__ */ new Map();
  const lookupOnly = Boolean(options.tracker) && !options.all;
  let stop = false;
  const state = {};
  const pool = options.pool ?? inlinePool();
  clearPointCache();
  const progress = (check, done, total) => {
    try {
      onProgress({ check, done, total });
    } catch {
    }
  };
  const breathe = () => new Promise((r) => setTimeout(r, 0));
  async function run(id, name, needs, files, body) {
    if (stop) return;
    progress(name, 0, 1);
    let ok = false;
    let detail;
    const failedDep = needs.find((d) => status.has(d) && status.get(d) === false);
    const missingFile = files.find((f) => !docs.has(f));
    if (failedDep) {
      detail = `not checked: depends on ${results.find((r) => r.id === failedDep).name}`;
    } else if (missingFile) {
      detail = `not checked: ${refusals.get(missingFile) ?? `${missingFile} was not read`}`;
    } else {
      try {
        detail = await body();
        ok = true;
      } catch (e) {
        detail = e instanceof Failed || e instanceof RecordError ? e.message : `${e && e.message ? e.message : e}`;
        if (!(e instanceof Failed) && !(e instanceof RecordError)) detail = `internal error: ${detail}`;
      }
    }
    status.set(id, ok);
    results.push({ id, name, ok, detail });
    progress(name, 1, 1);
    if (!ok && options.failFast) stop = true;
    await breathe();
  }
  let manifest = null;
  let version = null;
  await run("V1", "manifest and file digests", [], [], async () => {
    let mbytes;
    try {
      mbytes = await readFile("manifest.json");
    } catch {
      fail("manifest.json: the file is missing");
    }
    manifest = readCanonical(mbytes, "manifest.json");
    if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) fail("manifest.json: must be an object");
    if (manifest.format !== "omov-election-record") {
      fail(`manifest.json: format: is ${JSON.stringify(manifest.format)}, not "omov-election-record"`);
    }
    if (typeof manifest.version !== "number" || !VERSIONS.includes(manifest.version)) {
      fail(`manifest.json: version: version ${JSON.stringify(manifest.version)} is not ${VERSIONS.join(" or ")} (the versions this verifier knows)`);
    }
    version = manifest.version;
    checkShape(manifest, MANIFEST, "manifest.json");
    const files = manifest.files;
    if (files === null || typeof files !== "object" || Array.isArray(files)) fail("manifest.json: files: must be an object");
    const required = ["parameters.json", "trustees.json", "papers.json", "decryption.json", "results.json"];
    if (version >= 4) required.push("credentials.json");
    for (const name of required) if (!(name in files)) fail(`manifest.json: files: ${name} is not listed`);
    for (const name of Object.keys(files)) {
      if (!required.includes(name) && !/^mixes\/mix-[^/]*\.json$/.test(name)) {
        fail(`manifest.json: files: ${JSON.stringify(name)} is not a file a record holds`);
      }
      if (name.includes("..")) fail(`manifest.json: files: ${JSON.stringify(name)} contains '..'`);
      if (typeof files[name] !== "string" || !/^[0-9a-f]{64}$/.test(files[name])) {
        fail(`manifest.json: files.${name}: must be 64 lowercase hex digits`);
      }
    }
    const problems = [];
    const names = ["parameters.json", ...Object.keys(files).filter((n) => n !== "parameters.json").sort()];
    let kind2 = "ranked";
    for (const name of names) {
      let bytes;
      try {
        bytes = await readFile(name);
      } catch {
        const msg = `${name}: the file is missing`;
        problems.push(msg);
        refusals.set(name, msg);
        continue;
      }
      bytesOf.set(name, bytes);
      if (hex(sha256(bytes)) !== files[name]) problems.push(`${name}: its SHA-256 is not the one the manifest lists`);
      try {
        const doc = readCanonical(bytes, name);
        let shape;
        if (name === "parameters.json") {
          if (version >= 4 && doc && typeof doc === "object" && (doc.kind === "marks" || doc.kind === "ranked")) kind2 = doc.kind;
          shape = parametersShape(version, kind2);
        } else if (name === "trustees.json") shape = TRUSTEES;
        else if (name === "papers.json") shape = papersShape(version);
        else if (name === "credentials.json") shape = CREDENTIALS;
        else if (name === "decryption.json") shape = decryptionShape(kind2);
        else if (name === "results.json") shape = resultsShape(kind2);
        else shape = MIX;
        checkShape(doc, shape, name);
        docs.set(name, doc);
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        problems.push(e.message);
        refusals.set(name, e.message);
      }
      progress("manifest and file digests", names.indexOf(name) + 1, names.length);
    }
    state.kind = kind2;
    const F = bytesOf.has("parameters.json") ? hex(sha256(bytesOf.get("parameters.json"))) : null;
    state.F = F;
    if (F !== null && F !== manifest.fingerprint) {
      problems.push(`manifest.json: fingerprint: is not the SHA-256 of parameters.json (${F})`);
    }
    if (problems.length) fail(problems.join("; "));
    return `${names.length} files, canonical JSON, SHA-256 digests match; fingerprint ${F}`;
  });
  if (!manifest || version === null) return finish();
  const E = manifest.election;
  const Fbytes = state.F ? hexToBytes3(state.F) : null;
  const kind = state.kind;
  const params = docs.get("parameters.json");
  let C = 0;
  let k = 0;
  let PK = null;
  let pkBytes = null;
  let mixNames = [];
  await run("V2", "parameters", [], ["parameters.json"], async () => {
    const p = params;
    const where = (item, msg) => fail(`parameters.json: ${item}: ${msg}`);
    if (p.election !== E) where("election", `is ${JSON.stringify(p.election)}, not the manifest's ${JSON.stringify(E)}`);
    if (p.group !== "ristretto255") where("group", `is ${JSON.stringify(p.group)}, not "ristretto255"`);
    if (p.generator !== G_HEX) where("generator", "is not the standard generator G of ristretto255");
    if (p.shuffle_proof !== "omov/shuffle/v1") where("shuffle_proof", `is ${JSON.stringify(p.shuffle_proof)}, not "omov/shuffle/v1"`);
    C = p.candidates.length;
    if (C < 2) where("candidates", "need at least two candidates");
    if (new Set(p.candidates).size !== C) where("candidates", "a name appears twice");
    k = p.width;
    if (!(k >= 1 && k <= C)) where("width", `need 1 <= width <= ${C} candidates, not ${k}`);
    if (!(p.seats >= 1 && p.seats < C)) where("seats", `need 1 <= seats < ${C} candidates, not ${p.seats}`);
    PK = pointFromHex(p.public_key);
    if (PK === null) where("public_key", "is not a valid ristretto255 point");
    if (PK.is0()) where("public_key", "is the identity");
    pkBytes = hexToBytes3(p.public_key);
    if (!RULES.includes(p.rule)) where("rule", `${JSON.stringify(p.rule)} is not a rule the counter knows (${RULES.join(", ")})`);
    if (version >= 4) {
      if (p.kind !== "ranked" && p.kind !== "marks") where("kind", `is ${JSON.stringify(p.kind)}, not "ranked" or "marks"`);
      if (p.kind === "marks") {
        const q = p.question;
        if (q.options !== C || q.options !== k) where("question.options", `must equal the width and the number of candidates (${C}), not ${q.options}`);
        if (!(q.min_marks <= q.max_marks && q.max_marks <= q.options)) where("question", "need 0 <= min_marks <= max_marks <= options");
        if (p.mixers.length !== 0) where("mixers", "a marks record has no mix servers");
      }
    }
    if (kind === "ranked" && p.mixers.length < 1) where("mixers", "need at least one mix server");
    mixNames = p.mixers.map((_, s) => `mixes/mix-${String(s + 1).padStart(2, "0")}.json`);
    const listed = Object.keys(manifest.files).filter((n) => n.startsWith("mixes/")).sort();
    if (listed.join(",") !== mixNames.join(",")) {
      fail(`manifest.json: files: the mix files are [${listed.join(", ")}], not one per mix server [${mixNames.join(", ")}]`);
    }
    if (PK.precompute) PK.precompute(8, false);
    return `${C} candidates, ${p.seats} seats, width ${k}, rule ${p.rule}, ` + (version >= 4 ? `kind ${kind}, ` : "") + `${p.mixers.length} mix server${p.mixers.length === 1 ? "" : "s"}`;
  });
  if (options.fingerprint !== void 0 && options.fingerprint !== null) {
    await run("V2a", "published fingerprint", [], [], async () => {
      const want = String(options.fingerprint).trim().toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(want)) fail(`the published fingerprint ${JSON.stringify(options.fingerprint)} is not 64 hex digits`);
      if (!state.F) fail("not checked: parameters.json was not read");
      if (want !== state.F) fail(`parameters.json's fingerprint is ${state.F}, not the published ${want}: these are not the parameters published before voting opened`);
      return `parameters.json is the one published before voting opened (${want})`;
    });
  }
  let credentialSet = null;
  if (version >= 4) {
    await run("V2b", "voters' credentials", ["V2"], ["credentials.json", "parameters.json"], async () => {
      const doc = docs.get("credentials.json");
      const digest = hex(sha256(bytesOf.get("credentials.json")));
      if (digest !== params.credentials) fail(`parameters.json: credentials: is not the SHA-256 of credentials.json (${digest})`);
      if (doc.election !== E) fail(`credentials.json: election: is ${JSON.stringify(doc.election)}, not ${JSON.stringify(E)}`);
      credentialSet = /* @__PURE__ */ new Set();
      const keys = doc.keys;
      let bad = null;
      await mapChunks(pool, "credentials", {}, keys, 2e3, (r) => {
        if (r !== null && bad === null) bad = r;
        if (bad !== null) fail();
      }).catch((e) => {
        if (!(e instanceof Failed)) throw e;
      });
      keys.forEach((key, i) => {
        if (i > 0 && !(keys[i - 1] < key)) {
          fail(`credentials.json: keys[${i}]: ${keys[i - 1] === key ? "appears twice" : "is not after the key before it (keys must be strictly increasing)"}`);
        }
        if (bad !== null && bad.at === i) fail(`credentials.json: keys[${i}]: ${bad.msg}`);
        credentialSet.add(key);
      });
      return `${doc.keys.length} credential public keys, strictly increasing, valid points; bound to the parameters`;
    });
  }
  let ceremony = null;
  if (!lookupOnly) {
    await run("V3", "trustee keys", ["V2"], ["trustees.json", "parameters.json"], async () => {
      const doc = docs.get("trustees.json");
      try {
        ceremony = checkCeremony(doc, E);
      } catch (e) {
        fail(e.message);
      }
      if (ceremony.pkHex !== params.public_key) fail("trustees.json: public_key: is not parameters.json's public_key");
      for (const X of ceremony.keys.values()) if (X.precompute) X.precompute(8, false);
      return `${doc.trustees} trustees, threshold ${doc.threshold}; commitments' and key shares' proofs verify; public key recomputed and the one in parameters.json`;
    });
  }
  const papersDoc = docs.get("papers.json");
  let markSums = null;
  await run("V4", "cast papers and trackers", version >= 4 ? ["V2", "V2b"] : ["V2"], ["papers.json", "parameters.json"], async () => {
    const doc = papersDoc;
    const list = doc.papers;
    const N = list.length;
    const where = (i, item, msg) => fail(`papers.json: papers[${i}]${item ? `.${item}` : ""}: ${msg}`);
    if (N < 2) fail(`papers.json: papers: ${N} paper${N === 1 ? "" : "s"}; a record needs at least two`);
    const chainName = `record:${E}:papers`;
    if (doc.chain !== chainName) fail(`papers.json: chain: is ${JSON.stringify(doc.chain)}, not ${JSON.stringify(chainName)}`);
    const seenP = /* @__PURE__ */ new Map();
    const seenA = /* @__PURE__ */ new Map();
    const seenCred = /* @__PURE__ */ new Map();
    const question = kind === "marks" ? params.question : null;
    let previous = "0".repeat(64);
    const serial = (i, e, own, aList) => {
      const n = i + 1;
      const Phex = e.ciphertexts;
      if (seenP.has(Phex)) where(i, "ciphertexts", `paper ${n} is a copy of paper ${seenP.get(Phex)}`);
      seenP.set(Phex, n);
      if (version < 4) {
        const P = hexToBytes3(Phex);
        if (P.length !== 64 * k) where(i, "ciphertexts", `is ${P.length} bytes, not 64·${k}`);
        const tracker = hex(sha256(lengthPrefixed(text("omov/record/v3/tracker"), Fbytes, P)));
        if (e.tracker !== tracker) where(i, "tracker", `is not the tracker of paper ${n} (${tracker})`);
      } else {
        if (!credentialSet.has(e.credential)) where(i, "credential", "is not in credentials.json");
        if (seenCred.has(e.credential)) where(i, "credential", `signs a second paper: paper ${seenCred.get(e.credential)} was cast under the same credential`);
        seenCred.set(e.credential, n);
        if (own !== null) fail(own);
      }
      if (e.position !== n) where(i, "position", `paper ${n} is not chained to paper ${n - 1}: its position is ${e.position}`);
      if (e.previous_hash !== previous) where(i, "previous_hash", `paper ${n} is not chained to paper ${n - 1}: its previous_hash is not paper ${n - 1}'s entry hash`);
      const entry = chainHash(doc.chain, previous, n, e.tracker);
      if (e.entry_hash !== entry) where(i, "entry_hash", `is not the hash of paper ${n}'s chain entry`);
      previous = entry;
      for (const a of aList) {
        if (seenA.has(a)) where(i, "ciphertexts", `a ciphertext component a appears twice (paper ${seenA.get(a)} and paper ${n}): a replayed or copied encryption`);
        seenA.set(a, n);
      }
    };
    const rankedA = (Phex) => {
      const out = [];
      for (let j = 0; j < k; j++) out.push(Phex.slice(128 * j, 128 * j + 64));
      return out;
    };
    if (version < 4) {
      for (let i = 0; i < N; i++) {
        serial(i, list[i], null, rankedA(list[i].ciphertexts));
        if (i % 500 === 499) {
          progress("cast papers and trackers", i + 1, N);
          await breathe();
        }
      }
    } else {
      const ctx = { key: `papers:${E}:${state.F}:${kind}`, kind, E, F: state.F, k, pk: params.public_key, question };
      const sums = kind === "marks" ? Array.from({ length: k }, () => [ZERO, ZERO]) : null;
      await mapChunks(pool, "papers", ctx, list, 25, async (r, offset) => {
        r.errors.forEach((own, x) => {
          const i = offset + x;
          serial(i, list[i], own, kind === "marks" ? r.aLists[x] : rankedA(list[i].ciphertexts));
        });
        if (sums) {
          r.sums.forEach(([a, b], j) => {
            sums[j][0] = sums[j][0].add(pointFromHex(a));
            sums[j][1] = sums[j][1].add(pointFromHex(b));
          });
        }
        progress("cast papers and trackers", Math.min(N, offset + r.errors.length), N);
        await breathe();
      });
      if (sums) markSums = sums;
    }
    if (doc.head.position !== N) fail(`papers.json: head.position: the head says position ${doc.head.position}, but the list ends at paper ${N}`);
    if (doc.head.hash !== previous) fail(`papers.json: head.hash: is not paper ${N}'s entry hash`);
    const extra = version >= 4 ? kind === "ranked" ? ", signatures and proofs of randomness verify, no credential twice" : ", signatures and mark proofs verify, no credential twice" : "";
    return `${N} papers, trackers match, chained 1..${N} up to the head ${short(doc.head.hash)}${extra}, no paper or ciphertext repeated`;
  });
  if (!lookupOnly && kind === "ranked") {
    let inputs = papersDoc ? papersDoc.papers.map((p) => p.ciphertexts) : null;
    let previousId = "V4";
    for (let s = 1; s <= mixNames.length; s++) {
      const file = mixNames[s - 1];
      const id = `V5.${s}`;
      const name = `mix ${s} (${params.mixers[s - 1]}) proof of shuffle`;
      const needs = ["V3", previousId];
      await run(id, name, needs, [file, "parameters.json", "papers.json"], async () => {
        const mix = docs.get(file);
        if (mix.index !== s) fail(`${file}: index: is ${mix.index}, not ${s}`);
        if (mix.mixer !== params.mixers[s - 1]) fail(`${file}: mixer: is ${JSON.stringify(mix.mixer)}, not ${JSON.stringify(params.mixers[s - 1])} as in parameters.json`);
        mix.outputs.forEach((o, i) => {
          if (o.length !== 128 * k) fail(`${file}: outputs[${i}]: is ${o.length / 2} bytes, not 64·${k}`);
        });
        const context = lengthPrefixed(text("omov/mix/v2"), text(E), Fbytes, u64(s));
        const reason = await verifyShuffle({
          inputs,
          outputs: mix.outputs,
          proof: mix.proof,
          publicKey: PK,
          pkBytes,
          context,
          width: k,
          pool,
          onStep: (done) => progress(name, done, inputs.length)
        });
        if (reason !== null) fail(`${file}: proof: ${reason}`);
        return `${inputs.length} papers shuffled and re-encrypted; proof of shuffle verifies`;
      });
      inputs = docs.has(file) ? docs.get(file).outputs : inputs;
      previousId = id;
    }
    state.lastMix = previousId;
    state.finalPapers = inputs;
  }
  const present = docs.get("decryption.json")?.present;
  if (!lookupOnly && kind === "ranked") {
    let values = null;
    const lastFile = mixNames[mixNames.length - 1];
    await run("V6", "decryption shares", [state.lastMix, "V3"], ["decryption.json", lastFile], async () => {
      const dec = docs.get("decryption.json");
      const outs = state.finalPapers;
      checkPresent(dec.present);
      if (dec.papers.length !== outs.length) fail(`decryption.json: papers: ${dec.papers.length} papers, not one per output paper of the last mix (${outs.length})`);
      values = [];
      let count = 0;
      const N = outs.length;
      const keys = {};
      for (const T of dec.present) keys[T] = hex(enc(ceremony.keys.get(T)));
      const ctx = {
        key: `shares:${E}:${state.F}:${dec.present.join(",")}`,
        E,
        F: state.F,
        k,
        C,
        present: dec.present,
        keys,
        lastFile
      };
      const items = outs.map((out, i) => ({ out, paper: dec.papers[i] }));
      await mapChunks(pool, "shares", ctx, items, 10, async (r, offset) => {
        r.errors.forEach((error, x) => {
          if (error !== null) fail(error);
          values.push(r.values[x]);
        });
        count += r.count;
        progress("decryption shares", Math.min(N, offset + r.errors.length), N);
        await breathe();
      });
      return `${count} decryption shares by trustees [${dec.present.join(", ")}] verify (Chaum–Pedersen)`;
    });
    await run("V7", "decrypted papers", ["V6"], ["results.json"], async () => {
      const res = docs.get("results.json");
      if (res.papers.length !== values.length) fail(`results.json: papers: ${res.papers.length} papers, not ${values.length} (one per decrypted paper)`);
      let valid = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const fault = firstFault(v, C);
        if (v.length < k && fault !== v.length) {
          fail(`decryption.json: papers[${i}]: ${v.length} positions decrypted, but ${fault === 0 ? "the paper has no fault there" : `its first fault is at position ${fault}`}: only a paper's positions up to its first fault are decrypted`);
        }
        if (v.length === k && fault !== 0 && fault !== k) {
          fail(`decryption.json: papers[${i}]: all ${k} positions decrypted, but its first fault is at position ${fault}`);
        }
        const r = res.papers[i];
        const shownValues = v.map((x) => x === null ? "none" : x).join(", ");
        if (fault === 0) {
          const ranking = v.filter((x) => x !== 0).map((x) => x - 1);
          if (r.status !== "valid" || r.ranking.join(",") !== ranking.join(",") || r.ranking.length !== ranking.length) {
            fail(`results.json: papers[${i}]: says ${JSON.stringify(r)}, but the paper decrypts to [${shownValues}]: valid, ranking [${ranking.join(", ")}]`);
          }
          valid++;
        } else if (r.status !== "invalid") {
          fail(`results.json: papers[${i}]: says valid, but the paper decrypts to [${shownValues}], invalid at position ${fault}`);
        }
      }
      return `${values.length} papers: ${valid} valid rankings, ${values.length - valid} invalid`;
    });
  }
  if (!lookupOnly && kind === "marks") {
    let values = null;
    await run("V6", "decryption shares", ["V4", "V3"], ["decryption.json"], async () => {
      const dec = docs.get("decryption.json");
      checkPresent(dec.present);
      if (dec.tally.length !== k) fail(`decryption.json: tally: ${dec.tally.length} options, not ${k}`);
      const lambdas = new Map(dec.present.map((T) => [T, lagrange(T, dec.present)]));
      const h = lengthPrefixed(text("omov/record/v4/tally"), Fbytes);
      const N = papersDoc.papers.length;
      values = [];
      let count = 0;
      for (let i = 0; i < k; i++) {
        const [a, b] = markSums[i];
        const pos = dec.tally[i];
        if (pos.length !== dec.present.length) fail(`decryption.json: tally[${i}]: has ${pos.length} shares, not one per present trustee (${dec.present.length})`);
        let M = b;
        pos.forEach((share, x) => {
          const T = dec.present[x];
          const d = checkShare2(share, `decryption.json: tally[${i}][${x}]`, a, T, lengthPrefixed(text("omov/v1/partial-decryption"), text(E), u32(T), h, u32(i)));
          M = M.subtract(mul(d, lambdas.get(T)));
          count++;
        });
        const v = smallLog(M, N);
        if (v === null) fail(`decryption.json: tally[${i}]: option ${i}'s decrypted sum is not a number of papers in 0..${N}`);
        values.push(v);
      }
      return `the tally is the sum of the ${N} papers; ${count} decryption shares by trustees [${dec.present.join(", ")}] verify (Chaum–Pedersen)`;
    });
    await run("V7", "decrypted totals", ["V6"], ["results.json"], async () => {
      const res = docs.get("results.json");
      const cast = papersDoc.papers.length;
      if (res.papers !== cast) fail(`results.json: papers: is ${res.papers}, but ${cast} papers were cast`);
      if (res.totals.length !== k) fail(`results.json: totals: ${res.totals.length} totals, not ${k}`);
      for (let i = 0; i < k; i++) {
        if (res.totals[i] !== values[i]) fail(`results.json: totals[${i}]: is ${res.totals[i]}, but the tally decrypts to ${values[i]}`);
      }
      return `${k} options' totals decrypted: [${values.join(", ")}], as results.json says`;
    });
  }
  if (!lookupOnly) {
    await run("V8", "count", ["V2"], ["results.json", "parameters.json"], async () => {
      try {
        return checkCount(docs.get("results.json"), params, kind) + `; ${RECOUNT_NOTE}`;
      } catch (e) {
        fail(`results.json: count: ${e.message}`);
      }
    });
  }
  if (options.tracker) {
    await run("V9", "tracker", [], ["papers.json"], async () => {
      const code = String(options.tracker).trim().toLowerCase();
      const list = papersDoc.papers;
      const i = list.findIndex((p) => p.tracker === code);
      if (i < 0) fail(`tracker ${options.tracker} not found on the record`);
      return `found: paper ${i + 1} of ${list.length}, chain position ${list[i].position}, entry hash ${list[i].entry_hash}; head ${papersDoc.head.hash}`;
    });
  }
  if (options.head) {
    await run("V10", "published head", [], ["papers.json"], async () => {
      const m = /^(?:([0-9]+):)?([0-9a-fA-F]{64})$/.exec(String(options.head).trim());
      if (!m) fail(`the published head ${JSON.stringify(options.head)} is not a 64-digit hex hash (optionally preceded by 'position:')`);
      const want = m[2].toLowerCase();
      const list = papersDoc.papers;
      const N = list.length;
      const last = N ? list[N - 1].entry_hash : null;
      if (last !== want) {
        const at = list.findIndex((p) => p.entry_hash === want);
        if (at >= 0) fail(`the published head is paper ${at + 1}'s entry, and ${N - at - 1} paper(s) follow it: papers were appended after it`);
        fail(`the published head ${want} is no paper's entry hash on the record`);
      }
      if (m[1] !== void 0 && Number(m[1]) !== N) fail(`the published head says ${m[1]} papers, but the list holds ${N}`);
      return `the list of ${N} papers ends at the published head ${short(want)}`;
    });
  }
  return finish();
  function finish() {
    return results;
  }
  function checkPresent(list) {
    const trustees = docs.get("trustees.json");
    const n = trustees.trustees;
    const t = trustees.threshold;
    if (list.length < t) fail(`decryption.json: present: ${list.length} trustees, fewer than the threshold ${t}`);
    list.forEach((T, x) => {
      if (!(T >= 1 && T <= n)) fail(`decryption.json: present[${x}]: trustee ${T} is not in 1..${n}`);
      if (x > 0 && !(list[x - 1] < T)) fail(`decryption.json: present[${x}]: ids must be distinct and increasing`);
    });
  }
  function checkShare2(share, at, a, T, context) {
    if (share.length !== 3) fail(`${at}: a share is [d, c, z], not ${share.length} items`);
    const d = pointFromHex(share[0]);
    if (d === null) fail(`${at}[0]: d is not a valid ristretto255 point`);
    const c = scalarFromHex(share[1]);
    const z = scalarFromHex(share[2]);
    if (c === null || z === null) fail(`${at}: c or z is not a canonical scalar (< L)`);
    const X = ceremony.keys.get(T);
    if (!verifyDleq(context, G, X, a, d, c, z)) fail(`${at}: trustee ${T}'s decryption proof does not verify`);
    return d;
  }
}
export {
  RECOUNT_NOTE,
  RULES,
  RecordError,
  VERSIONS,
  canonicalText,
  equalBytes2 as equalBytes,
  firstFault,
  inlinePool,
  readCanonical,
  taskReply,
  verifyRecord,
  workerPool
};
