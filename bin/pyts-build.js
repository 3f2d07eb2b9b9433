#!/usr/bin/env node
// The executable. `npm install` / `npm run build` compile src/ to dist/src and
// also bundle it into one file (dist/bundle/pyts-build.mjs, what the PEP 517
// backend ships, and the same as CommonJS, dist/bundle/pyts-build.cjs). A bundle
// starts faster (one module instead of ~100, which matters for no-op rebuilds),
// so one is used when it was made after the last tsc run; otherwise (only tsc
// was run) the compiled tree is. The CommonJS one is compiled with V8's code
// cache, kept in the user's cache folder: parsing the bundle is the largest
// part of start-up, and Node 20 caches no ES module compilation.
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

function mtime(rel) {
  try {
    return statSync(new URL(rel, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
}

// user-cache.ts's folder (PYTS_BUILD_CACHE_DIR, else XDG_CACHE_HOME or the platform's), + v8/
function codeCacheDir() {
  const env = process.env;
  if (env.PYTS_BUILD_CACHE_DIR) return join(resolve(env.PYTS_BUILD_CACHE_DIR), "v8");
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === "darwin" ? join(homedir(), "Library", "Caches") : process.platform === "win32" ? (env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local")) : join(homedir(), ".cache"));
  return join(base, "pyts-build", "v8");
}

/** Run the CommonJS bundle, compiled from V8's cached data when there is fitting data (V8 rejects any that does not fit). */
function runCommonJs(file) {
  const st = statSync(file);
  const key = createHash("sha256").update(JSON.stringify([file, st.size, st.mtimeMs, process.version, process.arch, process.execArgv])).digest("hex").slice(0, 32);
  const cacheFile = join(codeCacheDir(), `${key}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run of this bundle with this node: made at exit
  }
  const script = new Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (!cachedData || script.cachedDataRejected) {
    // at exit, so the functions this run compiled are in the data too
    process.once("exit", () => {
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.tmp-${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // no cache: the next start parses the bundle again
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
}

// fileStamp (src/build/file-stamp.ts): inode, size, mtime and ctime in ns, or "-"
function stampOf(path) {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : "-";
}

/** Two 32-bit FNV-1a hashes of `text`, for a file name (the note holds the whole key). */
function fnv(text) {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193 + 2);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/**
 * The no-op replay (src/cli/replay.ts records the notes): a `wheel` command
 * that last time changed nothing is answered from its note while every path it
 * looked at has the same stamp, with the same output and without loading
 * pyts-build. Returns true when it answered; otherwise (and only for `wheel`)
 * sets the request the bundle records for.
 */
function replay(bundleFile) {
  if (process.argv[2] !== "wheel") return false;
  const env = process.env;
  // as environmentKey (src/build/input-stamps.ts): every variable but the shell's bookkeeping; the test hook aside
  const vars = Object.keys(env)
    .filter((k) => !["_", "OLDPWD", "SHLVL", "PWD", "PYTS_BUILD_REPLAY_LOG"].includes(k))
    .sort()
    .map((k) => `${k}=${env[k]}`);
  const key = JSON.stringify([stampOf(bundleFile), process.version, process.argv.slice(2), process.cwd(), !!process.stdout.isTTY, !!process.stderr.isTTY, vars]);
  const file = join(codeCacheDir(), "..", "replay", `${fnv(key)}.json`);
  globalThis.__pytsReplay = { key, file };
  let note;
  try {
    note = JSON.parse(readFileSync(file, "utf8"));
    if (note.key !== key || !Array.isArray(note.printed)) return false;
    for (const [path, stamp] of Object.entries(note.stamps)) if (stampOf(path) !== stamp) return false;
  } catch {
    return false; // no note, or one this version cannot read: the build runs (and records a new one)
  }
  return answer(note, file);
}

function answer(note, file) {
  const env = process.env;
  globalThis.__pytsReplay = undefined;
  for (const [fd, text] of note.printed) (fd === 1 ? process.stdout : process.stderr).write(text);
  if (env.PYTS_BUILD_REPLAY_LOG) appendFileSync(env.PYTS_BUILD_REPLAY_LOG, `replayed ${file}\n`);
  return true;
}

const tree = mtime("../dist/src/cli/main.js");
const cjs = mtime("../dist/bundle/pyts-build.cjs");
const bundle = mtime("../dist/bundle/pyts-build.mjs");
const cjsFile = fileURLToPath(new URL("../dist/bundle/pyts-build.cjs", import.meta.url));
if (cjs > 0 && cjs >= tree && cjs >= bundle && process.env.PYTS_BUILD_NO_CODE_CACHE !== "1") {
  // only the CommonJS bundle is traced (replay.ts); the others never record
  if (!replay(cjsFile)) runCommonJs(cjsFile);
} else if (bundle > 0 && bundle >= tree) {
  await import("../dist/bundle/pyts-build.mjs"); // runs the CLI itself
} else {
  const { main } = await import("../dist/src/cli/main.js");
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: ${e?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
