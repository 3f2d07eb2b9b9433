/**
 * Stamps of the inputs a remembered answer came from, so the answer can be
 * reused while nothing it depends on has changed (the no-op paths of `wheel`
 * and `sdist`). A stamp is `fileStamp`'s identity + size + mtime + ctime, or
 * "-" for an absent file; a folder's stamp moves when an entry is added,
 * removed or renamed in it. Checking a few hundred stamps costs a few ms,
 * starting cargo through rustup's proxy about 150 ms.
 */
import { readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileStamp } from "./file-stamp.js";
import { which } from "../../fs-util.js";
import { keyHash } from "./key-hash.js";

export type Stamps = Record<string, string>;

/** The stamp of each path. */
export function stampAll(paths: Iterable<string>): Stamps {
  const out: Stamps = {};
  for (const p of paths) out[p] = fileStamp(p);
  return out;
}

/** True when every recorded stamp still matches the file (or folder) on disk. */
export function stampsMatch(stamps: Stamps): boolean {
  for (const [path, s] of Object.entries(stamps)) if (fileStamp(path) !== s) return false;
  return true;
}

/**
 * Filesystems keep mtimes as coarsely as 2 s (FAT): a file changed within this
 * margin before a run started may have changed during it without its mtime showing it.
 */
export const MTIME_MARGIN_MS = 2000;

/** True when no path was modified at or after `startedMs - MTIME_MARGIN_MS` (so each was read as it is now). */
export function allOlderThan(paths: Iterable<string>, startedMs: number): boolean {
  const limit = startedMs - MTIME_MARGIN_MS;
  for (const p of paths) {
    try {
      if (statSync(p).mtimeMs >= limit) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Variables a shell changes between commands without meaning anything to a build. */
const SHELL_NOISE = new Set(["_", "OLDPWD", "SHLVL", "PWD"]);

/**
 * A hash of the whole environment (minus shell bookkeeping and pyts-build's own
 * PYTS_BUILD_* settings, which no build script reads): any variable may reach a
 * build script or rustc (`env!`), so a remembered build counts only in the
 * environment it ran in.
 */
export function environmentKey(env: NodeJS.ProcessEnv): string {
  let text = "";
  for (const k of Object.keys(env).sort()) if (keyedVariable(k) && env[k] !== undefined) text += `${k}=${env[k]}\0`;
  return keyHash(text);
}

/** Whether `environmentKey` covers a variable (a build script watching one it leaves out needs its value kept apart). */
export function keyedVariable(name: string): boolean {
  return !SHELL_NOISE.has(name) && !name.startsWith("PYTS_BUILD_");
}

/**
 * The variables outside `environmentKey` that a remembered answer used in this
 * process was checked against: the no-op replay (src/cli/replay.ts), whose key
 * leaves the shell's bookkeeping out too, records no run that used one.
 */
export const unkeyedVariablesUsed = new Set<string>();

/** The folder and its ancestors, innermost first. */
export function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

/**
 * Files whose change means another Rust toolchain may run: the cargo and rustc
 * a spawn would find (CARGO/RUSTC or PATH), rustup's settings, every installed
 * rustup toolchain's cargo and rustc (`rustup update` replaces them), and the
 * rust-toolchain files rustup looks for above the working and crate folders.
 */
export function toolchainFiles(env: NodeJS.ProcessEnv, dirs: string[]): string[] {
  const files = new Set<string>();
  for (const [name, override] of [
    ["cargo", env.CARGO],
    ["rustc", env.RUSTC],
  ] as const) {
    const p = override ? resolve(override) : which(name, env);
    if (p) files.add(p);
  }
  const rustupHome = env.RUSTUP_HOME ? resolve(env.RUSTUP_HOME) : join(env.HOME || homedir(), ".rustup");
  files.add(join(rustupHome, "settings.toml"));
  const toolchains = join(rustupHome, "toolchains");
  files.add(toolchains);
  let names: string[] = [];
  try {
    names = readdirSync(toolchains);
  } catch {
    // no rustup
  }
  for (const t of names) for (const b of ["cargo", "rustc"]) files.add(join(toolchains, t, "bin", b));
  for (const d of dirs) for (const a of ancestors(d)) for (const f of ["rust-toolchain", "rust-toolchain.toml"]) files.add(join(a, f));
  return [...files];
}
