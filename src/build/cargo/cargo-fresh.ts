/**
 * A build whose inputs have not changed since the last one with the same
 * command line and environment does not start cargo: cargo's own no-op costs
 * ~150 ms through rustup's proxy, most of a no-op `wheel`.
 *
 * After a successful cargo run a note records the run's answer (its artifacts
 * and the diagnostics cargo printed) and a stamp of every input cargo's
 * decision rests on:
 * - the built files and cargo's dep-info file next to each (`libfoo.d`), and
 *   every source it lists: the crate's and its path dependencies' sources,
 *   `include_*!` files and local build scripts' `rerun-if-changed` paths;
 * - every build script's `output` file (registry ones too) and the paths its
 *   `rerun-if-changed` lines name (pyo3's build script watches
 *   PYO3_CONFIG_FILE; cargo's dep-info lists local packages only);
 * - every manifest above the crate and of each local package, Cargo.lock,
 *   cargo's configuration files with what they `include`, and the listing of
 *   each crate source folder they name (a `directory` source or vendor folder:
 *   a replaced crate version changes it);
 * - the toolchain (input-stamps.ts `toolchainFiles`);
 * and the key holds the arguments, working folder, whole environment and
 * whether stderr is a terminal (cargo colours its warnings there). Variables
 * a build script watches that the environment's key leaves out are kept in
 * the note and compared.
 *
 * A note is written only when that list is complete and was read as it is:
 * not when cargo printed lines that are not JSON messages on stdout, when a
 * local build script gave no `rerun-if-changed` (cargo then watches its whole
 * package), when a watched path or dep-info entry is a folder (cargo scans
 * it) or a dep-info entry is missing, or when any input changed within 2 s of
 * the run's start. Registry, git and vendored crates' own sources are not
 * listed by cargo: they are fixed by Cargo.lock and the source folder's
 * listing. A remembered run prints the diagnostics cargo printed, as cargo
 * itself repeats a fresh crate's warnings. PYTS_BUILD_ALWAYS_RUN_CARGO=1 turns
 * this off.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import type { Logger } from "../../log.js";
import { VERSION } from "../../version.js";
import { type CargoRun, runCargoJson } from "./cargo.js";
import { configuredSourceFolders } from "./cargo-config.js";
import { isLocalPackage } from "./cargo-messages.js";
import { configFiles, inputFiles } from "./cargo-target.js";
import { allOlderThan, environmentKey, keyedVariable, stampAll, type Stamps, toolchainFiles, unkeyedVariablesUsed } from "../cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "../cache/remembered.js";

/** The remembered answer (remembered.ts): the run, with the whole key it was made under. */
interface Note {
  key: string;
  run: CargoRun;
  /** Variables a build script watches that `environmentKey` leaves out, with their values then (null: unset). */
  watched?: Record<string, string | null>;
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

/** cargo colours its diagnostics for a terminal (cargo.ts passes ours on): a note made for one is not replayed to a pipe. */
const stderrIsTerminal = () => process.stderr.isTTY === true;

/** One note per command line, folder and environment: switching between environments keeps each one's note. */
function noteFile(c: FreshContext): string {
  return rememberedFile(join(c.targetDir, "pyts-build", "cargo-runs"), [c.cwd, keyArgs(c.args), environmentKey(c.env), stderrIsTerminal()]);
}

/** Compared whole (only the environment is hashed). */
function keyOf(c: FreshContext): string {
  return JSON.stringify([VERSION, keyArgs(c.args), c.cwd, c.targetDir, environmentKey(c.env), stderrIsTerminal()]);
}

/** The watched variables outside the key still have their values (each one checked is noted for the replay). */
function sameWatched(n: Note, env: NodeJS.ProcessEnv): boolean {
  return Object.entries(n.watched ?? {}).every(([k, v]) => (unkeyedVariablesUsed.add(k), (env[k] ?? null) === v));
}

/** The remembered run when nothing it depends on has changed, else undefined. */
export function rememberedRun(c: FreshContext): CargoRun | undefined {
  if (!freshSkipEnabled(c.env)) return undefined;
  const key = keyOf(c);
  return recallAnswer<Note>(noteFile(c), (n) => n.key === key && typeof n.run === "object" && n.run !== null && sameWatched(n, c.env))?.run;
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

/** The `rerun-if-changed` paths and `rerun-if-env-changed` names of a build script's `output` file. Pure. */
export function buildScriptWatches(output: string): { paths: string[]; vars: string[] } {
  const paths: string[] = [];
  const vars: string[] = [];
  for (const line of output.split("\n")) {
    const m = /^cargo::?rerun-if-(changed|env-changed)=(.*)$/.exec(line.replace(/\r$/, ""));
    if (m) (m[1] === "changed" ? paths : vars).push(m[2] as string);
  }
  return { paths, vars };
}

interface ScriptInputs {
  /** each build script's output file (cargo's product, like the artifacts) */
  outputs: string[];
  /** every path the build scripts watch (absolute) */
  files: string[];
  /** watched variables the environment's key leaves out, with their values */
  watched: Record<string, string | null>;
}

/**
 * What every build script of the run watches, registry ones included (cargo's
 * dep-info lists only local packages' files), or why that cannot be known.
 */
function buildScriptInputs(c: FreshContext, run: CargoRun): ScriptInputs | { reason: string } {
  // a package's folder, for relative rerun-if-changed paths (cargo takes them relative to the package root)
  const packageDirs = new Map(run.artifacts.map((a) => [a.packageId, dirname(a.manifestPath)]));
  const outputs: string[] = [];
  const files: string[] = [];
  const watched: Record<string, string | null> = {};
  for (const b of run.buildScripts ?? []) {
    const outputFile = join(b.outDir, "..", "output");
    let output: string;
    try {
      output = readFileSync(outputFile, "utf8");
    } catch {
      return { reason: `no output of ${b.packageId}'s build script` };
    }
    const w = buildScriptWatches(output);
    if (w.paths.length === 0 && isLocalPackage(b.packageId)) return { reason: `the build script of ${b.packageId} watches its whole package (no rerun-if-changed)` };
    outputs.push(outputFile);
    for (const p of w.paths) {
      const dir = packageDirs.get(b.packageId);
      if (!isAbsolute(p) && dir === undefined) return { reason: `no folder known for ${b.packageId}, whose build script watches ${p}` };
      const abs = resolve(dir ?? "/", p);
      // a missing path is stamped as absent (cargo reruns such a script every time; its appearance is a change)
      if (statSync(abs, { throwIfNoEntry: false })?.isDirectory()) return { reason: `${b.packageId}'s build script watches the folder ${abs}` };
      files.push(abs);
    }
    for (const v of w.vars) if (!keyedVariable(v)) watched[v] = c.env[v] ?? null;
  }
  return { outputs, files, watched };
}

/** Why no note can be written for this run, or the stamps it needs (and the watched variables outside the key). */
export function inputsOfRun(c: FreshContext, run: CargoRun, startedMs: number): { stamps: Stamps; watched: Record<string, string | null> } | { reason: string } {
  if (run.printed) return { reason: "cargo printed lines that are not JSON messages" };
  if (run.diagnosticsDropped) return { reason: "cargo printed too much to keep" };
  const scripts = buildScriptInputs(c, run);
  if ("reason" in scripts) return scripts;
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
  // the crate source folders cargo's configuration names: their listing (a crate version replaced), not every file
  const sourceFolders = configuredSourceFolders(configFiles(c.cwd, c.env, c.config), c.config ?? [], c.cwd);
  const existing = [...config, ...scripts.files, ...sourceFolders].filter((f) => existsSync(f));
  if (!allOlderThan([...sources, ...existing], startedMs)) return { reason: "an input changed around the build" };
  const all = [...built, ...depInfos, ...scripts.outputs, ...sources, ...config, ...scripts.files, ...sourceFolders, ...toolchainFiles(c.env, [c.cwd, dirname(c.manifestPath)])];
  return { stamps: stampAll(new Set(all)), watched: scripts.watched };
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
  const note: Note = { key: keyOf(c), run, ...(Object.keys(r.watched).length > 0 ? { watched: r.watched } : {}) };
  return rememberAnswer(file, r.stamps, note) ? undefined : `cannot write ${file}`; // the next build runs cargo
}

/** cargo's run, or the remembered one when none of its inputs changed; a successful run is remembered when it can be. */
export async function runCargoUnlessFresh(c: FreshContext, log: Logger): Promise<CargoRun> {
  const known = rememberedRun(c);
  if (known) {
    // as cargo does on a no-op: the warnings of the build it remembers, again
    if (known.diagnostics) process.stderr.write(known.diagnostics);
    log.info("cargo: nothing changed since the last build, cargo not run");
    return known;
  }
  const started = Date.now();
  const run = await runCargoJson(c.args, { env: c.env, cwd: c.cwd, log });
  const why = rememberRun(c, run, started);
  if (why) log.debug(`the next build runs cargo again: ${why}`);
  return run;
}
