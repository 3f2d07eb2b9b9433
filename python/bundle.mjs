#!/usr/bin/env node
/**
 * Bundle the CLI and its npm dependencies into ONE ES module,
 * dist/bundle/pyts-build.mjs, for the Python build backend's wheel: there the
 * CLI runs with only Node, with no node_modules and no package.json beside it.
 * The version and a "bundled" flag are written in at bundle time.
 * Run by `npm run build` / `prepare` after tsc.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), ".."); // python/ is one level below the package root
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const outfile = join(root, "dist/bundle/pyts-build.mjs");

await build({
  stdin: {
    contents: `import { main } from "./src/cli/main.ts";
main(process.argv).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write("error: " + (e && e.stack ? e.stack : String(e)) + "\\n"); process.exitCode = 1; },
);
`,
    resolveDir: root,
    sourcefile: "bundle-entry.ts",
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  outfile,
  // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __pytsCreateRequire } from 'node:module';\nconst require = __pytsCreateRequire(import.meta.url);" },
  define: { __PYTS_BUILD_VERSION__: JSON.stringify(pkg.version), __PYTS_BUILD_BUNDLED__: "true" },
  legalComments: "eof",
  logLevel: "warning",
});
process.stderr.write(`bundled ${outfile}\n`);
