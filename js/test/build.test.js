import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));

test("the committed bundles are what the build makes", () => {
  const out = execFileSync(process.execPath, [join(here, "..", "build.mjs"), "--check"], { encoding: "utf8" });
  assert.match(out, /bundles are what the build makes/);
});

test("the build does not depend on the directory it is run from", () => {
  for (const cwd of [join(here, ".."), join(here, "..", ".."), "/"]) {
    const out = execFileSync(process.execPath, [join(here, "..", "build.mjs"), "--check"], { encoding: "utf8", cwd });
    assert.match(out, /bundles are what the build makes/);
  }
});
