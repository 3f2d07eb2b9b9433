#!/usr/bin/env node
/**
 * Bundle the CLI and its npm dependencies into ONE ES module,
 * dist/bundle/pyts-build.mjs, for the Python build backend's wheel: there the
 * CLI runs with only Node, with no node_modules and no package.json beside it.
 * The version and a "bundled" flag are written in at bundle time.
 * Run by `npm run build` / `prepare` after tsc.
 *
 * It also writes dist/bundle/pyts-build-sea.cjs, the same CLI as ONE CommonJS
 * script: Node 20's single-executable applications run only a CommonJS main
 * script whose require() sees nothing but Node's built-ins (src/build/standalone.ts
 * injects it into a copy of node), and dist/bundle/pyts-build.cjs, the same
 * again for bin/pyts-build.js to compile with V8's code cache.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), ".."); // python/ is one level below the package root
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const outfile = join(root, "dist/bundle/pyts-build.mjs");

// commander requires node:child_process at load (~10 ms with net and stream) only to spawn
// executable subcommands, which pyts-build has none of: it gets the module on first use instead.
const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (a) => (a.importer.includes(`${sep}commander${sep}`) ? { path: "child_process", namespace: "lazy-built-in" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "lazy-built-in" }, (a) => ({
      contents: `let m;\nmodule.exports = new Proxy({}, { get: (_, key) => (m ??= require("node:${a.path}"))[key] });\n`,
      loader: "js",
    }));
  },
};

const common = {
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
  legalComments: "eof",
  logLevel: "warning",
  plugins: [lazyChildProcessForCommander],
};
const defines = { __PYTS_BUILD_VERSION__: JSON.stringify(pkg.version), __PYTS_BUILD_BUNDLED__: "true" };

await build({
  ...common,
  outfile,
  // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __pytsCreateRequire } from 'node:module';\nconst require = __pytsCreateRequire(import.meta.url);" },
  define: defines,
});
process.stderr.write(`bundled ${outfile}\n`);

const seaFile = join(root, "dist/bundle/pyts-build-sea.cjs");
await build({
  ...common,
  format: "cjs",
  outfile: seaFile,
  // CommonJS has no import.meta: inside the executable the nearest thing to "this module's file" is the executable itself.
  banner: { js: "const __pytsSeaMetaUrl = require('node:url').pathToFileURL(process.execPath).href;" },
  define: { ...defines, __PYTS_BUILD_STANDALONE__: "true", "import.meta.url": "__pytsSeaMetaUrl" },
});
process.stderr.write(`bundled ${seaFile}\n`);

// The same CLI as a CommonJS script for bin/pyts-build.js, which compiles it with V8's code cache
// (vm.Script cachedData; Node 20 has no compile cache for ES modules). import.meta.url stands for the
// ES bundle beside it, so "this running copy" (backend sources, version) is the same for both.
const cjsFile = join(root, "dist/bundle/pyts-build.cjs");
await build({
  ...common,
  format: "cjs",
  outfile: cjsFile,
  banner: { js: "const __pytsMetaUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'pyts-build.mjs')).href;" },
  define: { ...defines, "import.meta.url": "__pytsMetaUrl" },
});
process.stderr.write(`bundled ${cjsFile}\n`);
