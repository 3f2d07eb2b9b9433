/**
 * A build whose inputs have not changed since the last one with the same
 * command line and environment does not start cargo: cargo's own no-op costs
 * ~150 ms through rustup's proxy, most of a no-op `wheel`.
 *
 * After a successful cargo run a note records the run's answer (its artifacts)
 * and a stamp of every input cargo's decision rests on:
 * - the built files and cargo's dep-info file next to each (`libfoo.d`), and
 *   every source it lists: the crate's and its path dependencies' sources,
 *   `include_*!` files and the build scripts' `rerun-if-changed` paths;
 * - every manifest above the crate and of each local package, Cargo.lock, and
 *   cargo's configuration files;
 * - the toolchain (input-stamps.ts `toolchainFiles`);
 * and the key holds the arguments, working folder and whole environment.
 *
 * A note is written only when that list is complete and was read as it is:
 * no note when cargo printed a warning (cargo shows it again on every build,
 * so must we), when a local build script gave no `rerun-if-changed` (cargo
 * then watches its whole package), when a dep-info entry is a folder (cargo
 * scans it) or missing, or when any input changed within 2 s of the run's
 * start. Registry, git and vendored crates are not listed by cargo: their
 * sources are fixed by Cargo.lock. PYTS_BUILD_ALWAYS_RUN_CARGO=1 turns this off.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join } from "node:path";
import type { Logger } from "../../log.js";
import { VERSION } from "../../version.js";
import { type CargoRun, runCargoJson } from "./cargo.js";
import { isLocalPackage } from "./cargo-messages.js";
import { inputFiles } from "./cargo-target.js";
import { allOlderThan, environmentKey, stampAll, type Stamps, toolchainFiles } from "../cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "../cache/remembered.js";

/** The remembered answer (remembered.ts): the run, with the whole key it was made under. */
interface Note {
  key: string;
  run: CargoRun;
}

export interface FreshContext {
  /** cargo's arguments */
  args: string[];
  cwd: string;
  /** the environment cargo runs in */
  env: NodeJS.ProcessEnv;
  /** the crate's manifest */
  manifestPath: string;
  workspaceRoot: string;
  /** `--config` arguments (files among them are inputs) */
  config?: string[];
  /** the target folder cargo builds in: the notes live under it */
  targetDir: string;
}

/** True unless the user asked for cargo on every build. */
export function freshSkipEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.PYTS_BUILD_ALWAYS_RUN_CARGO !== "1";
}

/** cargo's arguments minus those that change only what it prints. */
function keyArgs(args: string[]): string[] {
  return args.filter((a) => a !== "--quiet" && a !== "--verbose");
}

/** One note per command line, folder and environment: switching between environments keeps each one's note. */
function noteFile(c: FreshContext): string {
  return rememberedFile(join(c.targetDir, "pyts-build", "cargo-runs"), [c.cwd, keyArgs(c.args), environmentKey(c.env)]);
}

/** Compared whole (only the environment is hashed). */
function keyOf(c: FreshContext): string {
  return JSON.stringify([VERSION, keyArgs(c.args), c.cwd, c.targetDir, environmentKey(c.env)]);
}

/** The remembered run when nothing it depends on has changed, else undefined. */
export function rememberedRun(c: FreshContext): CargoRun | undefined {
  if (!freshSkipEnabled(c.env)) return undefined;
  const key = keyOf(c);
  return recallAnswer<Note>(noteFile(c), (n) => n.key === key && typeof n.run === "object" && n.run !== null)?.run;
}

/** The paths of a Makefile-style dep-info file (`out: a.rs b\ c.rs`). Pure. */
export function parseDepInfo(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    // the target ends at the first unescaped ": "
    const m = /^((?:[^\\:]|\\.|:(?! ))*): ?(.*)$/.exec(line);
    if (!m) continue;
    const deps = m[2] as string;
    let cur = "";
    for (let i = 0; i < deps.length; i++) {
      const ch = deps[i] as string;
      if (ch === "\\" && i + 1 < deps.length) cur += deps[++i];
      else if (ch === " ") {
        if (cur) out.add(cur);
        cur = "";
      } else cur += ch;
    }
    if (cur) out.add(cur);
  }
  return [...out];
}

/** cargo's dep-info file of a final artifact: `libfoo.so` -> `libfoo.d`, `foo` -> `foo.d`. */
export function depInfoOf(file: string): string {
  const ext = extname(file);
  return join(dirname(file), `${ext && ext !== basename(file) ? basename(file, ext) : basename(file)}.d`);
}

/** Why no note can be written for this run, or the stamps it needs. */
export function inputsOfRun(c: FreshContext, run: CargoRun, startedMs: number): { stamps: Stamps } | { reason: string } {
  if (run.printed) return { reason: "cargo printed warnings or other messages" };
  for (const b of run.buildScripts ?? []) {
    if (!isLocalPackage(b.packageId)) continue;
    let output = "";
    try {
      output = readFileSync(join(b.outDir, "..", "output"), "utf8");
    } catch {
      return { reason: `no output of ${b.packageId}'s build script` };
    }
    if (!/^cargo::?rerun-if-changed=/m.test(output)) return { reason: `the build script of ${b.packageId} watches its whole package (no rerun-if-changed)` };
  }
  const ours = run.artifacts.filter((a) => a.manifestPath === c.manifestPath);
  if (ours.length === 0) return { reason: "no artifact of the crate" };
  const built = ours.flatMap((a) => a.filenames);
  const depInfos: string[] = [];
  const sources = new Set<string>();
  for (const f of built) {
    const d = depInfoOf(f);
    let text: string;
    try {
      text = readFileSync(d, "utf8");
    } catch {
      continue; // e.g. an .rlib beside the cdylib: cargo writes dep-info for uplifted files only
    }
    depInfos.push(d);
    for (const s of parseDepInfo(text)) if (s !== f) sources.add(s);
  }
  if (depInfos.length === 0) return { reason: "cargo wrote no dep-info file" };
  for (const s of sources) {
    if (!isAbsolute(s)) return { reason: `dep-info names ${s} relative to a base folder (build.dep-info-basedir)` };
    try {
      if (statSync(s).isDirectory()) return { reason: `${s} is a folder cargo scans` };
    } catch {
      return { reason: `${s} is missing` };
    }
  }
  const manifests = new Set(run.artifacts.filter((a) => isLocalPackage(a.packageId)).map((a) => a.manifestPath));
  const config = [...inputFiles(c.manifestPath, c.cwd, c.env, c.config), join(c.workspaceRoot, "Cargo.toml"), join(c.workspaceRoot, "Cargo.lock"), ...manifests];
  const existing = config.filter((f) => existsSync(f));
  if (!allOlderThan([...sources, ...existing], startedMs)) return { reason: "an input changed around the build" };
  return { stamps: stampAll([...new Set([...built, ...depInfos, ...sources, ...config, ...toolchainFiles(c.env, [c.cwd, dirname(c.manifestPath)])])]) };
}

/**
 * Remember a successful run (started at `startedMs`, Date.now()) when its
 * inputs can be listed; otherwise forget any earlier note. Returns why not, or undefined.
 */
export function rememberRun(c: FreshContext, run: CargoRun, startedMs: number): string | undefined {
  if (!freshSkipEnabled(c.env)) return "PYTS_BUILD_ALWAYS_RUN_CARGO=1"; // the notes are left as they are, for the builds without it
  const file = noteFile(c);
  const r = inputsOfRun(c, run, startedMs);
  if ("reason" in r) {
    rmSync(file, { force: true });
    return r.reason;
  }
  return rememberAnswer(file, r.stamps, { key: keyOf(c), run } satisfies Note) ? undefined : `cannot write ${file}`; // the next build runs cargo
}

/** cargo's run, or the remembered one when none of its inputs changed; a successful run is remembered when it can be. */
export async function runCargoUnlessFresh(c: FreshContext, log: Logger): Promise<CargoRun> {
  const known = rememberedRun(c);
  if (known) {
    log.info("cargo: nothing changed since the last build, cargo not run");
    return known;
  }
  const started = Date.now();
  const run = await runCargoJson(c.args, { env: c.env, cwd: c.cwd, log });
  const why = rememberRun(c, run, started);
  if (why) log.debug(`the next build runs cargo again: ${why}`);
  return run;
}
