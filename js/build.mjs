// Builds omov's browser bundles from js/src into omov/web/static/omov/, reproducibly: the same sources and the
// same locked packages (package-lock.json) give the same bytes. `node build.mjs --check` builds into memory and
// fails if a committed bundle differs from what the build makes (CI runs it).
import { build } from "esbuild";
import { readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, "..", "omov", "web", "static", "omov");

// Each bundle: an entry under src/ and where it goes under omov/web/static/omov/.
export const BUNDLES = [
  // The booth and the trustees' ceremony (docs/crypto.md §11, §6).
  { entry: "src/booth.js", out: "booth/omov-crypto.js" },
  // The independent verifier of election records (docs/record.md, docs/verifier-js.md).
  { entry: "src/verify/index.js", out: "verify/verifier.js" },
];

const LICENSED = ["@noble/curves", "@noble/hashes", "@noble/ciphers"];

function licences() {
  const parts = ["Third-party code in omov's JavaScript bundles (built by js/build.mjs from js/package-lock.json).\n"];
  for (const name of LICENSED) {
    const dir = join(here, "node_modules", ...name.split("/"));
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const text = readFileSync(join(dir, "LICENSE"), "utf8").trim();
    parts.push(`\n== ${name} ${pkg.version} (${pkg.license}) ==\n\n${text}\n`);
  }
  return parts.join("");
}

async function outputs() {
  const files = new Map();
  for (const { entry, out } of BUNDLES) {
    const result = await build({
      entryPoints: [join(here, entry)],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      minify: false,
      legalComments: "none",
      charset: "utf8",
      write: false,
      banner: { js: `// omov: built by js/build.mjs from js/${entry}; do not edit. Licences: vendor/omov-js-LICENSES.txt` },
    });
    files.set(out, result.outputFiles[0].text);
  }
  files.set("vendor/omov-js-LICENSES.txt", licences());
  return files;
}

const check = process.argv.includes("--check");
let stale = 0;
for (const [out, text] of await outputs()) {
  const path = join(staticDir, out);
  const shown = relative(join(here, ".."), path);
  if (check) {
    const now = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (now !== text) {
      console.error(`${shown}: ${now === null ? "missing" : "differs from what js/build.mjs makes"}; run \`npm --prefix js run build\` and commit`);
      stale++;
    }
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    console.log(`wrote ${shown}`);
  }
}
if (check) {
  if (stale) process.exit(1);
  console.log("bundles are what the build makes");
}
