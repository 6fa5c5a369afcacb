// What the JavaScript verifier checks of the count sheet (record.md V8, docs/count-sheet-schema.md) without
// re-running the counting rules: that the sheet is for these parameters, that it counted the papers the
// decryption gave (valid and invalid), and that every candidate's first-stage total is the number of first
// preferences (ranked) or the decrypted total (marks). The full recount is `omov verify`'s and `omov count`'s.

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// Does the sheet's value string (e.g. "9.00000", "9") equal the whole number n exactly?
function valueIs(s, n) {
  if (typeof s !== "string") return false;
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(s);
  if (!m) return false;
  if (m[3] !== undefined && !/^0+$/.test(m[3])) return false;
  const whole = BigInt(m[2]) * (m[1] ? -1n : 1n);
  return whole === BigInt(n);
}

function same(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}

// Returns a sentence; throws an Error naming the item that is wrong.
export function checkCount(results, params, kind) {
  const sheet = results.count;
  const fail = (item, msg) => {
    throw new Error(`${item}: ${msg}`);
  };
  if (!isObject(sheet)) fail("(the sheet)", "must be an object (docs/count-sheet-schema.md)");
  if (sheet.schema !== "omov-count-sheet") fail("schema", `is ${JSON.stringify(sheet.schema)}, not "omov-count-sheet"`);
  if (sheet.version !== 1) fail("version", `is ${JSON.stringify(sheet.version)}, not 1`);
  const names = params.candidates;
  if (!same(sheet.candidates, names)) fail("candidates", "are not parameters.json's candidates in ballot order");
  if (sheet.title !== params.title) fail("title", `is ${JSON.stringify(sheet.title)}, not parameters.json's title`);
  if (sheet.rule !== params.rule) fail("rule", `is ${JSON.stringify(sheet.rule)}, not parameters.json's rule ${JSON.stringify(params.rule)}`);
  if (sheet.seats !== params.seats) fail("seats", `is ${JSON.stringify(sheet.seats)}, not parameters.json's ${params.seats}`);
  if (sheet.seed !== params.count_seed) fail("seed", `is ${JSON.stringify(sheet.seed)}, not parameters.json's count_seed`);

  // What the decryption says: per candidate, the first-stage total; the numbers of papers.
  const first = new Array(names.length).fill(0);
  let valid;
  if (kind === "marks") {
    results.totals.forEach((n, i) => {
      first[i] = n;
    });
    valid = results.totals.reduce((x, y) => x + y, 0);
  } else {
    valid = 0;
    let invalid = 0;
    for (const p of results.papers) {
      if (p.status === "valid") {
        valid++;
        if (p.ranking.length < 1 || p.ranking[0] >= names.length) fail("papers", "a valid paper's ranking names no candidate");
        first[p.ranking[0]]++;
      } else invalid++;
    }
    if (sheet.invalid !== invalid) fail("invalid", `is ${JSON.stringify(sheet.invalid)}, but ${invalid} papers are invalid`);
    if (sheet.papers !== valid) fail("papers", `is ${JSON.stringify(sheet.papers)}, but ${valid} papers are valid`);
    if (!valueIs(sheet.valid, valid)) fail("valid", `is ${JSON.stringify(sheet.valid)}, but ${valid} papers are valid`);
  }
  if (!Array.isArray(sheet.stages) || sheet.stages.length < 1) fail("stages", "the sheet has no stages");
  const stage = sheet.stages[0];
  if (!isObject(stage) || stage.action !== "first-preferences") fail("stages[0].action", "the first stage is not \"first-preferences\"");
  if (!isObject(stage.totals)) fail("stages[0].totals", "must be an object");
  names.forEach((name, i) => {
    if (!valueIs(stage.totals[name], first[i])) {
      fail(`stages[0].totals.${name}`, `is ${JSON.stringify(stage.totals[name])}, but the decrypted papers give ${name} ${first[i]} ${kind === "marks" ? "marks" : "first preferences"}`);
    }
  });
  if (!Array.isArray(sheet.elected) || sheet.elected.length > params.seats || new Set(sheet.elected).size !== sheet.elected.length ||
      !sheet.elected.every((e) => names.includes(e))) {
    fail("elected", "is not a list of distinct candidates, at most one per seat");
  }
  const what = kind === "marks" ? "marks" : "papers and first preferences";
  return `the sheet counts the decrypted ${what} (${valid} ${kind === "marks" ? "marks" : "valid papers"}; first-stage totals agree) and declares ${sheet.elected.join(", ") || "nobody"} elected`;
}
