#!/usr/bin/env node
// The executable. `npm install` / `npm run build` compile src/ to dist/src and
// also bundle it into one file (dist/bundle/pyts-build.mjs, what the PEP 517
// backend ships, and the same as CommonJS, dist/bundle/pyts-build.cjs). A bundle
// starts faster (one module instead of ~100, which matters for no-op rebuilds),
// so one is used when it was made after the last tsc run; otherwise (only tsc
// was run) the compiled tree is. The CommonJS one is compiled with V8's code
// cache, kept in the user's cache folder: parsing the bundle is the largest
// part of start-up, and Node 20 caches no ES module compilation.
//
// This file is CommonJS (bin/package.json says so) and requires only built-ins
// Node has already loaded at start: an ES module entry costs Node's ES module
// loader (~10 ms here), and node:crypto another ~10 ms, on every run.
"use strict";
const { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { homedir } = require("node:os");
const { join, resolve } = require("node:path");
const { Script } = require("node:vm");

const stat = (rel) => statSync(join(__dirname, rel), { throwIfNoEntry: false });

// user-cache.ts's folder (PYTS_BUILD_CACHE_DIR, else XDG_CACHE_HOME or the platform's), + v8/
function codeCacheDir() {
  const env = process.env;
  if (env.PYTS_BUILD_CACHE_DIR) return join(resolve(env.PYTS_BUILD_CACHE_DIR), "v8");
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === "darwin" ? join(homedir(), "Library", "Caches") : process.platform === "win32" ? (env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local")) : join(homedir(), ".cache"));
  return join(base, "pyts-build", "v8");
}

// 64-bit FNV-1a of a string as hex: a file name, not a secret (V8 rejects data made by another V8 or flags anyway).
function fnv64(text) {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}

/**
 * Run the CommonJS bundle, compiled from V8's cached data when there is fitting data (V8 rejects any that does not fit).
 * The data lives in `<slot>-<size>-<mtime>.bin`: the slot names this bundle under this node and its flags for one
 * command (each command compiles other functions: a no-op `wheel` should not find only what `--version` compiled), the
 * rest this build of the bundle (V8 checks only the source's length). Writing a slot's new data removes its older ones.
 */
function runCommonJs(file, st) {
  const dir = codeCacheDir();
  // the command word: the program's own options are all flags, so the first argument not starting with "-"
  const command = process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "";
  const slot = fnv64(JSON.stringify([file, process.version, process.arch, process.execArgv, command]));
  const name = `${slot}-${st.size}-${st.mtimeMs}.bin`;
  let cachedData;
  try {
    cachedData = readFileSync(join(dir, name));
  } catch {
    // first run of this bundle with this node: made at exit
  }
  const script = new Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (!cachedData || script.cachedDataRejected) {
    // at exit, so the functions this run compiled are in the data too; not for a failed run (a typo is no command)
    process.once("exit", (code) => {
      if (code !== 0) return;
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = join(dir, `${name}.tmp-${process.pid}`);
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, join(dir, name));
        for (const old of readdirSync(dir)) if (old.startsWith(`${slot}-`) && old !== name && !old.includes(".tmp-")) rmSync(join(dir, old), { force: true });
      } catch {
        // no cache: the next start parses the bundle again
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, join(file, ".."));
}

// fileStamp (src/build/cache/file-stamp.ts): inode, size, mtime and ctime in ns, or "-"; for a folder the replay
// note only needs to be the same one (its write probe changes its times), `folder:<inode>`
function stampOf(path, recorded) {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (recorded && recorded.startsWith("folder:")) return s && s.isDirectory() ? `folder:${s.ino}` : "-";
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : "-";
}

/**
 * The no-op replay (src/cli/replay.ts records the notes): a `wheel` or `sdist`
 * command that last time changed nothing is answered from its note while every path it
 * looked at has the same stamp, with the same output and without loading
 * pyts-build. Returns true when it answered; otherwise (only for those two)
 * sets the request the bundle records for.
 */
function replay(bundleFile) {
  // (help is not worth it: its tracing would load child_process, which help needs not)
  if (!["wheel", "sdist"].includes(process.argv[2]) || process.argv.includes("--help") || process.argv.includes("-h")) return false;
  const env = process.env;
  // as environmentKey (src/build/cache/input-stamps.ts): every variable but the shell's bookkeeping; the test hooks aside
  const vars = Object.keys(env)
    .filter((k) => !["_", "OLDPWD", "SHLVL", "PWD", "PYTS_BUILD_REPLAY_LOG", "PYTS_BUILD_REPLAY_HOOK"].includes(k))
    .sort()
    .map((k) => `${k}=${env[k]}`);
  const key = JSON.stringify([stampOf(bundleFile), process.version, process.argv.slice(2), process.cwd(), !!process.stdout.isTTY, !!process.stderr.isTTY, vars]);
  const file = join(codeCacheDir(), "..", "replay", `${fnv64(key)}.json`);
  globalThis.__pytsReplay = { key, file };
  let note;
  try {
    // src/build/cache/remembered.ts's layout: {stamps, answer: {key, printed}}
    note = JSON.parse(readFileSync(file, "utf8"));
    if (note.answer.key !== key || !Array.isArray(note.answer.printed)) return false;
    for (const [path, stamp] of Object.entries(note.stamps)) if (stampOf(path, stamp) !== stamp) return false;
  } catch {
    return false; // no note, or one this version cannot read: the build runs (and records a new one)
  }
  globalThis.__pytsReplay = undefined;
  // as src/cli/main.ts does: a reader of stdout that went away (`| head`) ends the run quietly with status 0
  process.stdout.on("error", (e) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(0);
  });
  process.stderr.on("error", (e) => {
    if (e.code !== "EPIPE") throw e;
  });
  for (const [fd, text] of note.answer.printed) (fd === 1 ? process.stdout : process.stderr).write(text);
  if (env.PYTS_BUILD_REPLAY_LOG) appendFileSync(env.PYTS_BUILD_REPLAY_LOG, `replayed ${file}\n`);
  return true;
}

const tree = stat("../dist/src/cli/main.js")?.mtimeMs ?? -1;
const cjs = stat("../dist/bundle/pyts-build.cjs");
const bundle = stat("../dist/bundle/pyts-build.mjs")?.mtimeMs ?? -1;
if (cjs && cjs.mtimeMs >= tree && cjs.mtimeMs >= bundle && process.env.PYTS_BUILD_NO_CODE_CACHE !== "1") {
  const file = join(__dirname, "../dist/bundle/pyts-build.cjs");
  // only the CommonJS bundle is traced (replay.ts); the others never record
  if (!replay(file)) runCommonJs(file, cjs);
} else if (bundle > 0 && bundle >= tree) {
  import("../dist/bundle/pyts-build.mjs"); // runs the CLI itself
} else if (tree < 0) {
  // a fresh checkout before `npm run build` (or a package installed without its dist/): one line, not Node's stack
  const root = resolve(__dirname, "..");
  process.stderr.write(`error: pyts-build is not built: ${join(root, "dist")} has no compiled CLI\n  hint: run \`npm install && npm run build\` in ${root}\n`);
  process.exitCode = 1;
} else {
  import("../dist/src/cli/main.js").then(({ main }) =>
    main(process.argv).then(
      (code) => {
        process.exitCode = code;
      },
      (e) => {
        process.stderr.write(`error: ${e?.stack ?? e}\n`);
        process.exitCode = 1;
      },
    ),
  );
}
