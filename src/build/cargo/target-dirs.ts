/**
 * Cargo target folders of a multi-interpreter build. PyO3's build script reads
 * the interpreter from the environment, so building one target folder for
 * Python A then B reruns it and recompiles pyo3-ffi, pyo3 and the crate every
 * time. A build for several environments gives each its own folder under
 * `<target>/pyts-build/targets/<key>`, so a repeated build compiles nothing;
 * a new folder is seeded with a copy of a built one, so only what depends on
 * the interpreter compiles there (not every crate from scratch). A build for one
 * environment keeps cargo's own target folder. docs/configuration.md "Target
 * folders of multi-interpreter builds" is the user-facing description.
 */
import { constants, cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { releaseTemp, trackTemp } from "../../cleanup.js";
import { keyHash } from "../cache/key-hash.js";
import type { CargoEnvPlan } from "./cargo-env.js";

/** What PyO3's build script sees of one build unit. */
export interface TargetDirUnit {
  cargoEnv: Pick<CargoEnvPlan, "vars">;
  abi3Minor?: number;
  /** `--target` triple, when given. */
  target?: string;
}

/**
 * The folder name of a unit's environment: readable (`cpython-3.12-64bit`,
 * `abi3-py38`, `no-python`) plus a hash of every variable pyts-build gives cargo,
 * so two interpreters of one version (a venv and pyenv's) never share a folder.
 */
export function targetDirKey(u: TargetDirUnit): string {
  const v = u.cargoEnv.vars;
  const name = v.PYO3_NO_PYTHON ? "no-python" : (v.PYO3_ENVIRONMENT_SIGNATURE ?? "default");
  const abi3 = u.abi3Minor !== undefined ? `-abi3-py3${u.abi3Minor}` : "";
  const identity = JSON.stringify([Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), u.abi3Minor ?? null, u.target ?? null]);
  const hash = keyHash(identity).slice(0, 10);
  return `${u.target !== undefined ? `${u.target}-` : ""}${name}${abi3}-${hash}`;
}

/** `<target>/pyts-build/targets`: the root of the per-environment folders. */
export function targetDirsRoot(targetDirectory: string): string {
  return join(targetDirectory, "pyts-build", "targets");
}

/**
 * The target folder of each unit: undefined (cargo's own) when all units share
 * one environment, else one folder per distinct environment.
 */
export function planTargetDirs(units: TargetDirUnit[], targetDirectory: string): (string | undefined)[] {
  const keys = units.map(targetDirKey);
  // a --target build always has its own: the host build's build scripts (cargo's own folder) never see its environment
  if (new Set(keys).size <= 1 && !units.some((u) => u.target !== undefined)) return units.map(() => undefined);
  return keys.map((k) => join(targetDirsRoot(targetDirectory), k));
}

/** The profile folder cargo writes to: `debug` for dev and test, `release` for release and bench, else the profile's name. */
export function profileDirName(o: { release?: boolean; profile?: string }): string {
  const p = o.profile ?? (o.release ? "release" : "dev");
  if (p === "dev" || p === "test") return "debug";
  if (p === "bench") return "release";
  return p;
}

/**
 * The folders of a target folder one build uses: the profile folder, and with
 * --target also `<triple>/<profile>` (build scripts and proc macros stay in the first).
 */
export function buildSubdirs(o: { release?: boolean; profile?: string; target?: string }): string[] {
  const p = profileDirName(o);
  return o.target !== undefined ? [p, join(o.target, p)] : [p];
}

/** Cargo's own bookkeeping at the top of a target folder (rustc's version probe cache, the cache tag). */
const TOP_FILES = [".rustc_info.json", "CACHEDIR.TAG"];

export interface SeedResult {
  /** The folder copied from, or undefined when nothing was (already built, or no source). */
  from?: string;
  /** Bytes copied. */
  bytes: number;
}

function sizeOf(p: string): number {
  const s = statSync(p, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  return readdirSync(p).reduce((n, e) => n + sizeOf(join(p, e)), 0);
}

/**
 * Seed target folder `dest` for `subdirs` from the first of `sources` that has
 * built them, unless `dest` has them already. A copy, never hard links: cargo
 * rewrites its fingerprint files in place, which through a link would change
 * the source folder too. Reflinks where the file system has them (a clone costs
 * no space until written); timestamps kept, as cargo's freshness check compares them.
 * Each folder is copied to a temporary name then renamed, so an interrupted seed
 * leaves no half folder that cargo would trust.
 */
export function seedTargetDir(dest: string, sources: string[], subdirs: string[]): SeedResult {
  if (subdirs.some((s) => existsSync(join(dest, s)))) return { bytes: 0 };
  const from = sources.find((s) => s !== dest && existsSync(join(s, subdirs[0] as string)));
  if (from === undefined) return { bytes: 0 };
  let bytes = 0;
  const tmpSuffix = `.pyts-seed-${process.pid}`;
  for (const sub of subdirs) {
    const src = join(from, sub);
    if (!existsSync(src)) continue;
    const tmp = trackTemp(join(dest, sub + tmpSuffix)); // an interrupt removes a half copy
    try {
      cpSync(src, tmp, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE });
    } catch {
      // a file vanished under the copy (a cargo run in the source folder): no seed, cargo builds this folder itself
      rmSync(tmp, { recursive: true, force: true });
      releaseTemp(tmp);
      return { bytes: 0 };
    }
    bytes += sizeOf(tmp);
    try {
      renameSync(tmp, join(dest, sub));
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another build seeded it meanwhile: theirs is as good
    }
    releaseTemp(tmp);
  }
  for (const f of TOP_FILES) {
    if (existsSync(join(from, f)) && !existsSync(join(dest, f))) cpSync(join(from, f), join(dest, f), { preserveTimestamps: true });
  }
  return { from, bytes };
}
