/**
 * The recording half of the no-op replay (the checking half is in
 * bin/pyts-build.js, before the bundle is even loaded).
 *
 * A `wheel` run that changed nothing (it started no process and wrote no
 * file: cargo skipped by cargo-fresh.ts, the wheel kept by wheel-reuse.ts,
 * the interpreters answered from their cache) is a function of its command
 * line, working folder, environment, terminal and the files it looked at. So
 * while it runs, every path it reads, stats or lists is noted, and at the end
 * a note keeps the stamp of each path and what the run printed. The next
 * identical command whose paths all have the same stamps prints the same
 * output and exits 0 without loading pyts-build at all: node's start-up is
 * then the whole cost.
 *
 * The tracing wraps node:fs and node:child_process as the CommonJS bundle
 * sees them; where that does not reach the code (an ES module build, where
 * imports are bound at load), a canary read is not seen and nothing is recorded.
 */
import type * as ChildProcessModule from "node:child_process";
import type * as FsModule from "node:fs";
import { constants, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { statsStamp } from "../build/cache/file-stamp.js";
import { MTIME_MARGIN_MS, unkeyedVariablesUsed } from "../build/cache/input-stamps.js";
import { rememberAnswer } from "../build/cache/remembered.js";

/** What bin/pyts-build.js hands over: the key of this command and where its note goes. */
export interface ReplayRequest {
  key: string;
  file: string;
}

declare global {
  // set by bin/pyts-build.js for commands that may be replayed
  var __pytsReplay: ReplayRequest | undefined;
}

const READS = ["existsSync", "readFileSync", "readFile", "readdirSync", "readdir", "statSync", "stat", "lstatSync", "lstat", "realpathSync", "realpath", "accessSync", "access", "createReadStream", "opendirSync", "opendir", "readlinkSync", "readlink", "openAsBlob"];
const PROMISE_READS = ["readFile", "readdir", "stat", "lstat", "realpath", "access", "opendir", "readlink"];
// (writeFile*, createWriteStream, open*, unlink* and rm* are wrapped on their own below)
const WRITES = ["appendFileSync", "appendFile", "renameSync", "rename", "rmdirSync", "rmdir", "copyFileSync", "copyFile", "cpSync", "cp", "chmodSync", "chmod", "utimesSync", "utimes", "mkdtempSync", "mkdtemp", "symlinkSync", "symlink", "linkSync", "link", "truncateSync", "truncate"];
const PROMISE_WRITES = ["appendFile", "rename", "rmdir", "copyFile", "cp", "chmod", "utimes", "mkdtemp", "symlink", "link", "truncate"];
const SPAWNS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"];

/** A path argument as an absolute path, or undefined (a file descriptor). */
function pathOf(p: unknown): string | undefined {
  if (typeof p === "string") return resolve(p);
  if (p instanceof URL) return fileURLToPath(p);
  if (Buffer.isBuffer(p)) return resolve(p.toString());
  return undefined;
}

/** An open flag that may write. */
function writesFlag(flags: unknown): boolean {
  if (flags === undefined || flags === null) return false;
  if (typeof flags === "number") return (flags & (constants.O_WRONLY | constants.O_RDWR)) !== 0;
  return /[wa+]/.test(String(flags));
}

export interface ReplayTrace {
  /** Write the note when the run can be replayed; returns why not otherwise. */
  finish(code: number): string | undefined;
}

/** Start noting what this run reads, when bin asked for it. */
export function startReplayTrace(req: ReplayRequest | undefined = globalThis.__pytsReplay): ReplayTrace | undefined {
  if (!req) return undefined;
  // The module objects themselves, which the bundle's imports read at each call. Not through the bundle's
  // require: it hands out a lazy stand-in for child_process (python/bundle.mjs) that keeps no property set on it.
  const load = createRequire(import.meta.url);
  const fs = load("node:fs") as typeof FsModule;
  const childProcess = load("node:child_process") as typeof ChildProcessModule;
  // unwrapped: the tracer's own calls are not the run's
  const rawStat = fs.statSync;
  const rawSpawnSync = childProcess.spawnSync;
  const started = Date.now();
  // each path the run looked at, with its stamp when first seen (before the run read it)
  const touched = new Map<string, string>();
  const stampNow = (p: string): FsModule.BigIntStats | undefined => {
    try {
      return rawStat(p, { bigint: true, throwIfNoEntry: false });
    } catch {
      return undefined; // e.g. a path below a file: as absent
    }
  };
  const stampText = (s: FsModule.BigIntStats | undefined) => (s ? statsStamp(s) : "-");
  let impure: string | undefined;
  // what the run printed, in order: [1, text] for stdout, [2, text] for stderr
  const printed: Array<[1 | 2, string]> = [];

  const wrap = (obj: Record<string, unknown>, name: string, before: (args: unknown[]) => void) => {
    const orig = obj[name];
    if (typeof orig !== "function") return;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      before(args);
      return (orig as (...a: unknown[]) => unknown).apply(this, args);
    };
    Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(orig)); // e.g. realpathSync.native, exec's promisify hook
    obj[name] = wrapped;
  };
  // once the run has changed something it will not be recorded: nothing more to note or keep
  const note = (args: unknown[]) => {
    if (impure) return;
    const p = pathOf(args[0]);
    if (p !== undefined && !touched.has(p)) touched.set(p, stampText(stampNow(p)));
  };
  const fsObj = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  // A file made and removed again during the run (the output folder's write probe) changes nothing.
  const created = new Set<string>();
  const change = (what: string) => (impure ??= what);
  const create = (n: string, a: unknown[]) => {
    const p = pathOf(a[0]);
    if (p === undefined || fs.existsSync(p)) change(`${n}(${String(a[0])})`);
    else created.add(p);
  };
  const remove = (n: string, a: unknown[]) => {
    const p = pathOf(a[0]);
    if (p === undefined || !created.has(p)) change(`${n}(${String(a[0])})`);
  };
  // folders whose entries the run looked at, besides being noted
  const listed = new Set<string>();
  const noteList = (a: unknown[]) => {
    note(a);
    const p = pathOf(a[0]);
    if (p !== undefined) listed.add(p);
  };
  const noteRead = (n: string) => (/^(readdir|opendir)/.test(n) ? noteList : note);
  for (const n of READS) wrap(fsObj, n, noteRead(n));
  for (const n of PROMISE_READS) wrap(promises, n, noteRead(n));
  for (const n of WRITES) wrap(fsObj, n, (a) => change(`${n}(${String(a[0])})`));
  for (const n of PROMISE_WRITES) wrap(promises, n, (a) => change(`${n}(${String(a[0])})`));
  for (const n of ["writeFileSync", "writeFile", "createWriteStream"]) wrap(fsObj, n, (a) => create(n, a));
  wrap(promises, "writeFile", (a) => create("writeFile", a));
  for (const n of ["unlinkSync", "unlink", "rmSync", "rm"]) wrap(fsObj, n, (a) => remove(n, a));
  for (const n of ["unlink", "rm"]) wrap(promises, n, (a) => remove(n, a));
  for (const n of ["openSync", "open"]) wrap(fsObj, n, (a) => (writesFlag(a[1]) ? create(n, a) : note(a)));
  wrap(promises, "open", (a) => (writesFlag(a[1]) ? create("open", a) : note(a)));
  const cp = childProcess as unknown as Record<string, unknown>;
  for (const n of SPAWNS) wrap(cp, n, (a) => change(`${n}(${String(a[0])})`));
  const capture = (stream: NodeJS.WriteStream, fd: 1 | 2) => {
    const orig = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (!impure) printed.push([fd, typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8")]);
      return orig(chunk, ...rest);
    }) as typeof stream.write;
  };
  capture(process.stdout, 1);
  capture(process.stderr, 2);

  // the canary: does this module's own import of statSync go through the wrapper?
  const canary = resolve(req.file, "..", ".canary");
  statSync(canary, { throwIfNoEntry: false });
  const reaches = touched.delete(canary);

  return {
    finish(code) {
      if (!reaches) return "the file system calls of this build cannot be traced";
      // Test hook: a shell command run (untraced) after the run's work and before its note is judged, where a
      // file rewritten by someone else would land in a real race.
      const hook = process.env.PYTS_BUILD_REPLAY_HOOK;
      if (hook) rawSpawnSync(hook, { shell: true, stdio: ["ignore", "ignore", "inherit"] });
      if (code !== 0 || (process.exitCode !== undefined && process.exitCode !== 0)) return `exit code ${code}`;
      for (const p of created) if (fs.existsSync(p)) change(`wrote ${p}`);
      if (impure) return `the run changed something: ${impure}`;
      if (unkeyedVariablesUsed.size > 0) return `the run depends on ${[...unkeyedVariablesUsed].join(", ")}, which the key leaves out`;
      touched.delete(req.file);
      const stamps: Record<string, string> = {};
      // A folder where the run made and removed a file (the output folder's write probe) changed by that alone, and
      // every other run with that output folder changes it again: unless its entries were listed, what counts is that
      // it is still the same folder (`folder:<inode>`, which bin/ checks the same way).
      const ownFolders = new Set([...created].map((p) => dirname(p)).filter((p) => !listed.has(p)));
      // A file rewritten during the run may keep its mtime (cp -p, rsync -a, tar x): its stamp when first seen
      // (identity, size, mtime, ctime) must still hold, and neither its mtime nor its ctime (which no tool sets
      // back) may fall within the margin before the start.
      const limit = BigInt(started - MTIME_MARGIN_MS) * 1_000_000n;
      for (const [p, first] of touched) {
        const s = stampNow(p);
        if (ownFolders.has(p) && s?.isDirectory()) {
          stamps[p] = `folder:${s.ino}`;
          continue;
        }
        if (s && (s.mtimeNs >= limit || s.ctimeNs >= limit)) return `${p} changed around the run`;
        stamps[p] = stampText(s);
        if (stamps[p] !== first && !created.has(p)) return `${p} changed during the run`;
      }
      // the remembered-answer layout (remembered.ts), which bin/ reads: {stamps, answer: {key, printed}}
      return rememberAnswer(req.file, stamps, { key: req.key, printed }) ? undefined : `cannot write ${req.file}`;
    },
  };
}
