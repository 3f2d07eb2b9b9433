/**
 * Which crates an sdist must carry and which of their files, in Cargo's own
 * terms: `cargo metadata --no-deps` for workspaces and path dependencies (no
 * dependency resolution, so no registry or network is needed) and
 * `cargo package --list` for each crate's files (Cargo's include/exclude).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CargoError, ConfigError } from "../../errors.js";
import { cargoMetadataJson, condenseCargoError, type MetadataJson, type MetadataPackage, missingPathDependency } from "./cargo-metadata.js";
import { captureCargo } from "./cargo-process.js";
import { readToml } from "../project/toml.js";

type Metadata = MetadataJson;

/** One crate the sdist carries. */
export interface SdistCrate {
  name: string;
  manifestPath: string;
  dir: string;
  workspaceRoot: string;
  /** Absolute root source files of the targets a build compiles (lib, bins, build script): what a narrower "needed" list starts from. */
  targetSources: string[];
}

/** One workspace some carried crate belongs to. */
export interface SdistWorkspace {
  root: string;
  manifestPath: string;
  /** Folders of all its members. */
  memberDirs: string[];
  targetDirectory: string;
}

export interface CrateSet {
  crates: SdistCrate[];
  workspaces: SdistWorkspace[];
}

/** Run cargo with arguments, return stdout; failures become CargoError with cargo's message. */
export async function runCargo(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const r = await captureCargo(args, { cwd, env });
  if (r.code !== 0) throw new CargoError(`cargo ${args[0] ?? ""} failed: ${condenseCargoError(r.stderr)}`, "run the same cargo command yourself to see the full output");
  return r.stdout;
}

// re-exported: callers and tests know them from here
export { condenseCargoError, missingPathDependency };

function metadataOf(manifestPath: string, env?: NodeJS.ProcessEnv): Promise<Metadata> {
  return cargoMetadataJson(manifestPath, env ? { env } : {});
}

/** `[patch.<source>.<name>] path = ...` entries of a workspace root manifest: cargo needs them present. */
function patchPaths(rootManifest: string): string[] {
  const raw = readToml(rootManifest);
  const out: string[] = [];
  const patch = raw.patch;
  if (patch && typeof patch === "object") {
    for (const source of Object.values(patch as Record<string, unknown>)) {
      if (!source || typeof source !== "object") continue;
      for (const dep of Object.values(source as Record<string, unknown>)) {
        const p = (dep as { path?: unknown } | null)?.path;
        if (typeof p === "string") out.push(resolve(dirname(rootManifest), p, "Cargo.toml"));
      }
    }
  }
  return out;
}

/** Target kinds a wheel build compiles; examples, tests and benches it does not. */
const BUILT_KINDS = new Set(["lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro", "bin", "custom-build"]);

function buildTargetSources(pkg: MetadataPackage): string[] {
  return (pkg.targets ?? []).filter((t) => t.kind.some((k) => BUILT_KINDS.has(k))).map((t) => resolve(t.src_path));
}

/**
 * The crates reachable from `manifestPath` through path dependencies (all
 * kinds: normal, build and dev, which cargo loads to resolve), plus the
 * workspaces they belong to, a workspace root package and `[patch]` paths.
 */
export async function collectCrates(manifestPath: string, env?: NodeJS.ProcessEnv): Promise<CrateSet> {
  const known = new Map<string, { pkg: MetadataPackage; ws: string }>();
  const workspaces = new Map<string, SdistWorkspace>();
  const load = async (manifest: string) => {
    const md = await metadataOf(manifest, env);
    const ws = resolve(md.workspace_root);
    for (const pkg of md.packages) known.set(resolve(pkg.manifest_path), { pkg, ws });
    if (!workspaces.has(ws)) {
      workspaces.set(ws, {
        root: ws,
        manifestPath: join(ws, "Cargo.toml"),
        memberDirs: md.packages.map((p) => dirname(resolve(p.manifest_path))),
        targetDirectory: resolve(md.target_directory),
      });
    }
  };

  const crates = new Map<string, SdistCrate>();
  const visitedWs = new Set<string>();
  const queue: Array<{ manifest: string; from?: { crate: string; dep: string; path: string } }> = [{ manifest: resolve(manifestPath) }];
  while (queue.length > 0) {
    const { manifest, from } = queue.shift() as (typeof queue)[number];
    if (crates.has(manifest)) continue;
    if (!existsSync(manifest)) {
      if (from) {
        throw new ConfigError(
          `${from.crate}: path dependency "${from.dep}" points at ${from.path}, which holds no Cargo.toml`,
          "fix the dependency's `path` in Cargo.toml; the sdist (and any build) needs that crate",
        );
      }
      throw new ConfigError(`${manifest} does not exist`, "pass the crate's Cargo.toml");
    }
    if (!known.has(manifest)) await load(manifest);
    const hit = known.get(manifest);
    if (!hit) throw new CargoError(`cargo metadata did not describe ${manifest}`, "is it a [package] manifest?");
    crates.set(manifest, { name: hit.pkg.name, manifestPath: manifest, dir: dirname(manifest), workspaceRoot: hit.ws, targetSources: buildTargetSources(hit.pkg) });
    for (const d of hit.pkg.dependencies) {
      if (d.path === undefined) continue;
      queue.push({ manifest: join(resolve(d.path), "Cargo.toml"), from: { crate: manifest, dep: d.name, path: d.path } });
    }
    const ws = workspaces.get(hit.ws) as SdistWorkspace;
    if (!visitedWs.has(ws.root)) {
      visitedWs.add(ws.root);
      // A workspace root that is also a package is always loaded by cargo, so it must be complete.
      const rootPkg = known.get(ws.manifestPath);
      if (rootPkg && rootPkg.ws === ws.root) queue.push({ manifest: ws.manifestPath });
      for (const p of patchPaths(ws.manifestPath)) queue.push({ manifest: p, from: { crate: ws.manifestPath, dep: "[patch]", path: dirname(p) } });
    }
  }
  return { crates: [...crates.values()], workspaces: [...workspaces.values()] };
}

/** An older cargo without `--exclude-lockfile`: remembered once seen, so the flag is tried once per process. */
let excludeLockfileUnknown = false;

/**
 * `cargo package --list`'s lines for one crate, as cargo prints them.
 * `--exclude-lockfile` spares cargo resolving every dependency for a lock
 * file the sdist takes from the workspace anyway (about half of the
 * command's time).
 */
export async function cargoPackageList(crate: Pick<SdistCrate, "manifestPath" | "dir">, env?: NodeJS.ProcessEnv): Promise<string[]> {
  const args = ["package", "--list", "--allow-dirty", "--manifest-path", crate.manifestPath];
  let out: string;
  try {
    out = await runCargo(excludeLockfileUnknown ? args : [...args, "--exclude-lockfile"], crate.dir, env);
  } catch (e) {
    if (!(e instanceof CargoError) || !e.message.includes("--exclude-lockfile")) throw e;
    excludeLockfileUnknown = true;
    out = await runCargo(args, crate.dir, env);
  }
  return out.split("\n").map((l) => l.trim()).filter(Boolean);
}

/**
 * A crate's files from `cargo package --list`'s lines, as absolute paths of
 * files that exist (cargo also lists files it would generate:
 * Cargo.toml.orig, a normalized Cargo.toml, Cargo.lock, a readme copied from
 * outside the crate). `vcs` is true when cargo answered from git, which has
 * then already applied .gitignore.
 */
export function packageFiles(dir: string, listed: string[]): { files: string[]; vcs: boolean } {
  const generated = new Set(["Cargo.toml.orig", ".cargo_vcs_info.json", "Cargo.lock"]);
  const files = listed.filter((rel) => !generated.has(rel)).map((rel) => join(dir, rel)).filter((abs) => existsSync(abs));
  return { files, vcs: listed.includes(".cargo_vcs_info.json") };
}

/** The files of one crate as `cargo package --list` names them (see packageFiles). */
export async function cargoPackageFiles(crate: Pick<SdistCrate, "manifestPath" | "dir">, env?: NodeJS.ProcessEnv): Promise<{ files: string[]; vcs: boolean }> {
  return packageFiles(crate.dir, await cargoPackageList(crate, env));
}
