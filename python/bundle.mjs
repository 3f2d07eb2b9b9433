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
 * script whose require() sees nothing but Node's built-ins (src/build/backend/standalone.ts
 * injects it into a copy of node), and dist/bundle/pyts-build.cjs, the same
 * again for bin/pyts-build.js to compile with V8's code cache.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), ".."); // python/ is one level below the package root
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const outfile = join(root, "dist/bundle/pyts-build.mjs");

// Node's heavier built-ins are loaded when one of their properties is first used, not when a module
// that imports them is initialised: a command pays only for what it uses (a no-op rebuild spawns
// nothing and unpacks nothing; --version neither). Each is ~3-10 ms to load here (child_process
// with net and stream, crypto, zlib). esbuild's CommonJS output calls require() for a built-in and
// reads the property at each use (`(0, import_node_crypto.createHash)(...)`), so a Proxy that loads
// the module on first access is enough; ownKeys/getOwnPropertyDescriptor (esbuild's __toESM copies
// the keys) load it too. Node caches built-ins, so each proxy loads the same module. Only modules that
// are plain objects: a proxy of {} cannot be called (assert is a function).
const LAZY_BUILT_INS = ["child_process", "crypto", "dns", "http", "https", "readline", "tls", "worker_threads", "zlib"];
const lazyBuiltIns = `function __pytsLazyBuiltIns(load) {
  const lazy = new Set(${JSON.stringify(LAZY_BUILT_INS)});
  return Object.assign((id) => {
    if (!lazy.has(id.replace(/^node:/, ""))) return load(id);
    let m;
    const real = () => (m ??= load(id));
    return new Proxy({}, {
      get: (_, k) => real()[k],
      has: (_, k) => k in real(),
      ownKeys: () => Reflect.ownKeys(real()),
      getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(real(), k); return d && { ...d, configurable: true }; },
    });
  }, load);
}`;

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
  // Less for node to read and V8 to deserialize at every start (~875 -> ~630 KB; ~10 ms here). Names are kept, so a
  // --verbose stack trace still names its functions (with columns of long lines).
  minifyWhitespace: true,
  minifySyntax: true,
  platform: "node",
  target: "node20",
  format: "esm",
  legalComments: "eof",
  logLevel: "warning",
};
const defines = { __PYTS_BUILD_VERSION__: JSON.stringify(pkg.version), __PYTS_BUILD_BUNDLED__: "true" };

await build({
  ...common,
  outfile,
  // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
  banner: { js: `import { createRequire as __pytsCreateRequire } from 'node:module';\n${lazyBuiltIns}\nconst require = __pytsLazyBuiltIns(__pytsCreateRequire(import.meta.url));` },
  define: defines,
});
process.stderr.write(`bundled ${outfile}\n`);

const seaFile = join(root, "dist/bundle/pyts-build-sea.cjs");
await build({
  ...common,
  format: "cjs",
  outfile: seaFile,
  // CommonJS has no import.meta: inside the executable the nearest thing to "this module's file" is the executable itself.
  banner: { js: `${lazyBuiltIns}\nrequire = __pytsLazyBuiltIns(require);\nconst __pytsSeaMetaUrl = require('node:url').pathToFileURL(process.execPath).href;` },
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
  banner: { js: `${lazyBuiltIns}\nrequire = __pytsLazyBuiltIns(require);\nconst __pytsMetaUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'pyts-build.mjs')).href;` },
  define: { ...defines, "import.meta.url": "__pytsMetaUrl" },
});
process.stderr.write(`bundled ${cjsFile}\n`);
