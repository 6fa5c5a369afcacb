// What the JavaScript verifier checks of the count sheet (record.md V8, docs/count-sheet-schema.md) without
// re-running the counting rules: that the sheet is for these parameters, that it counted the papers the
// decryption gave (valid and invalid), and that every candidate's first-stage total is the number of first
// preferences (ranked) or the decrypted total (marks). The full recount is `omov verify`'s and `omov count`'s.
// Version 4 (record.md §9): candidates withdrawn after opening (results.json `withdrawn`) are skipped on every
// paper, so a first-stage total counts the papers whose first preference still standing is that candidate; the
// rule's option changes and constraints (parameters.json) are checked for form here and said to apply, but only a
// recount under the rule can check what they did.

import { canonicalText as canonical } from "./canonical.js";

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
  const v4 = Object.hasOwn(params, "kind");
  if (v4 !== Object.hasOwn(results, "withdrawn")) {
    fail("(results.json)", v4 ? "withdrawn: is missing (a version 4 record lists the candidates withdrawn after opening)"
      : "withdrawn: is not part of a version 3 record");
  }
  // Constraints (balance rules): members are candidate indices, increasing; 0 <= min <= max (max may be null).
  const constraints = v4 ? params.constraints : [];
  constraints.forEach((c, n) => {
    const at = `parameters.json: constraints[${n}]`;
    if (c.group === "") fail(`${at}.group`, "must not be empty");
    if (!c.members.every((i) => i < names.length)) fail(`${at}.members`, `must be candidate indices 0..${names.length - 1}`);
    if (!c.members.every((i, j) => j === 0 || c.members[j - 1] < i)) fail(`${at}.members`, "must be strictly increasing");
    if (c.max !== null && c.min > c.max) fail(at, `min ${c.min} is above max ${c.max}`);
    if (c.min > Math.min(params.seats, c.members.length)) fail(`${at}.min`, `${c.min} cannot be met (${c.members.length} members, ${params.seats} seats)`);
  });
  // Withdrawn after opening: increasing candidate indices, as the sheet names them.
  const withdrawn = v4 ? results.withdrawn : [];
  if (!withdrawn.every((i, j) => i < names.length && (j === 0 || withdrawn[j - 1] < i))) {
    fail("(results.json) withdrawn", `must be strictly increasing candidate indices 0..${names.length - 1}`);
  }
  if (names.length - withdrawn.length < params.seats) fail("(results.json) withdrawn", "leaves fewer candidates than seats");
  const gone = new Set(withdrawn);
  const goneNames = withdrawn.map((i) => names[i]);
  if (!same(sheet.candidates, names)) fail("candidates", "are not parameters.json's candidates in ballot order");
  if (!Array.isArray(sheet.withdrawn) || !same([...sheet.withdrawn].sort(), [...goneNames].sort())) {
    fail("withdrawn", `is ${JSON.stringify(sheet.withdrawn)}, but results.json withdraws ${JSON.stringify(goneNames)}`);
  }
  if (sheet.title !== params.title) fail("title", `is ${JSON.stringify(sheet.title)}, not parameters.json's title`);
  if (sheet.rule !== params.rule) fail("rule", `is ${JSON.stringify(sheet.rule)}, not parameters.json's rule ${JSON.stringify(params.rule)}`);
  if (sheet.seats !== params.seats) fail("seats", `is ${JSON.stringify(sheet.seats)}, not parameters.json's ${params.seats}`);
  if (sheet.seed !== params.count_seed) fail("seed", `is ${JSON.stringify(sheet.seed)}, not parameters.json's count_seed`);

  // What the decryption says: per candidate, the first-stage total; the numbers of papers.
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
    let empty = 0; // valid papers naming only withdrawn candidates
    for (const p of results.papers) {
      if (p.status === "valid") {
        valid++;
        if (p.ranking.length < 1 || p.ranking[0] >= names.length) fail("papers", "a valid paper's ranking names no candidate");
        const top = p.ranking.find((c) => !gone.has(c));
        if (top === undefined) empty++;
        else first[top]++;
      } else invalid++;
    }
    // A paper with no preference still standing is rejected (the sheet's invalid) or non-transferable from the
    // first stage, as the rule says; the sheet's `papers` counts the valid papers, or (some methods) all papers.
    const stage1 = Array.isArray(sheet.stages) && isObject(sheet.stages[0]) ? sheet.stages[0] : {};
    const rejected = sheet.invalid === invalid + empty && valueIs(sheet.valid, valid - empty);
    const exhausted = sheet.invalid === invalid && valueIs(sheet.valid, valid) && valueIs(stage1.non_transferable, empty);
    if (!rejected && !exhausted) {
      fail("invalid", `is ${JSON.stringify(sheet.invalid)} (valid ${JSON.stringify(sheet.valid)}), but ${invalid} papers are invalid and ${valid} valid` +
        (empty ? `, ${empty} of them naming only withdrawn candidates` : ""));
    }
    if (sheet.papers !== valid && sheet.papers !== valid + invalid) fail("papers", `is ${JSON.stringify(sheet.papers)}, but ${valid} papers are valid and ${invalid} invalid`);
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
  let also = "";
  if (goneNames.length) also += `; withdrawn after opening: ${goneNames.join(", ")} (skipped on every paper)`;
  if (v4 && Object.keys(params.options).length) also += `; the rule's options are changed (${canonical(params.options)})`;
  if (constraints.length) {
    also += "; CONSTRAINTS APPLY, which only a recount under the rule checks: " + constraints.map((c) =>
      `at least ${c.min}${c.max === null ? "" : ` and at most ${c.max}`} elected from ${c.group} (${c.members.map((i) => names[i]).join(", ")})`).join("; ");
  }
  return `the sheet counts the decrypted ${what} (${valid} ${kind === "marks" ? "marks" : "valid papers"}; first-stage totals agree) and declares ${sheet.elected.join(", ") || "nobody"} elected${also}`;
}
