/**
 * The text of a crate's Rust SBOM (sbom.ts), from one `cargo metadata` run
 * with the dependencies resolved, remembered in
 * `<target>/pyts-build/sbom/`: a no-op rebuild reads the note and runs no
 * cargo. The note is used while every input still matches its stamp: the
 * manifests and cargo configuration files `cargo-target.ts` watches, the
 * workspace's Cargo.lock (versions and checksums), every local package's
 * manifest, each license file read, and the toolchain (the package id format
 * is cargo's); its key holds the features, cargo's flags, the environment and
 * this version (the document names its tool).
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { CargoError, ConfigError } from "../../errors.js";
import { VERSION } from "../../version.js";
import { distInfoDirName, type WheelFile } from "../../wheel/wheel.js";
import type { ProjectConfig } from "../project/config.js";
import { allOlderThan, environmentKey, stampAll, toolchainFiles } from "../cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "../cache/remembered.js";
import { parseToml } from "../project/toml.js";
import { cargoMetadataJson } from "./cargo-metadata.js";
import { inputFiles } from "./cargo-target.js";
import { type ResolvedMetadata, rustSbomText, type SbomPackage } from "./sbom.js";

export interface SbomSourceOptions {
  manifestPath: string;
  /** The crate's package name (the file is `<name>.cyclonedx.json`). */
  packageName: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  targetDir: string;
  /** The build's own selection, so the resolved graph is the one cargo builds. */
  features?: string[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  offline?: boolean;
  locked?: boolean;
  frozen?: boolean;
  config?: string[];
  /** SOURCE_DATE_EPOCH when set: the document's timestamp. */
  epoch?: number;
}

export interface RustSbom {
  /** `<crate>.cyclonedx.json` */
  name: string;
  text: string;
}

/** Cargo.lock's checksums by `source#name@version`. Pure. */
export function lockChecksums(lockText: string, where: string): Map<string, string> {
  const lock = parseToml(lockText, where) as { package?: Array<{ name?: string; version?: string; source?: string; checksum?: string }> };
  const out = new Map<string, string>();
  for (const p of lock.package ?? []) if (p.checksum && p.source) out.set(`${p.source}#${p.name}@${p.version}`, p.checksum);
  return out;
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function metadataFlags(o: SbomSourceOptions): string[] {
  const a: string[] = [];
  if (o.features && o.features.length > 0) a.push("--features", o.features.join(","));
  if (o.allFeatures) a.push("--all-features");
  if (o.noDefaultFeatures) a.push("--no-default-features");
  if (o.locked) a.push("--locked");
  if (o.frozen) a.push("--frozen");
  return a;
}

/** The SBOM of the crate, remembered (no cargo run while nothing it stands on changed). */
export async function rustSbomOf(o: SbomSourceOptions): Promise<RustSbom> {
  const name = `${o.packageName}.cyclonedx.json`;
  const key = [resolve(o.manifestPath), o.cwd, metadataFlags(o), o.offline === true, o.config ?? [], o.epoch ?? null, environmentKey(o.env), VERSION];
  const note = rememberedFile(join(o.targetDir, "pyts-build", "sbom"), key);
  const known = recallAnswer<RustSbom>(note, (a) => typeof a.text === "string" && a.name === name);
  if (known) return known;

  const started = Date.now();
  const m = (await cargoMetadataJson(o.manifestPath, {
    env: o.env,
    cwd: o.cwd,
    noDeps: false,
    ...(o.offline ? { offline: true } : {}),
    ...(o.config ? { config: o.config } : {}),
    extraArgs: metadataFlags(o),
  }).catch((e: unknown) => {
    // the resolved graph is asked for the SBOM: say so, and how to build without it
    if (e instanceof CargoError) throw new CargoError(`${e.message} (asked for the wheel's SBOM)`, `${e.hint ?? "fix what cargo names"}; or build without the Rust SBOM: [tool.pyts-build.sbom] rust = false`);
    throw e;
  })) as unknown as ResolvedMetadata;
  const manifest = resolve(o.manifestPath);
  const root = m.packages.find((p) => resolve(p.manifest_path) === manifest);
  if (!root) throw new Error(`cargo metadata for ${o.manifestPath} does not list the package itself`);
  const lockFile = join(m.workspace_root, "Cargo.lock");
  const sums = lockChecksums(readIfPresent(lockFile) ?? "", lockFile);
  const checksums = new Map<string, string>();
  const licenseTexts = new Map<string, string>();
  const read: string[] = [];
  for (const p of m.packages as SbomPackage[]) {
    const sum = p.source ? sums.get(`${p.source}#${p.name}@${p.version}`) : undefined;
    if (sum) checksums.set(p.id, sum);
    if (!p.license && p.license_file) {
      const file = resolve(dirname(p.manifest_path), p.license_file);
      const text = readIfPresent(file);
      read.push(file);
      if (text !== undefined) licenseTexts.set(p.id, text);
    }
  }
  const text = rustSbomText({ metadata: m, root: root.id, checksums, licenseTexts, ...(o.epoch !== undefined ? { epoch: o.epoch } : {}), tool: { name: "pyts-build", version: VERSION } });
  const answer = { name, text };
  const locals = m.packages.filter((p) => p.source === null).map((p) => p.manifest_path);
  const inputs = [...inputFiles(o.manifestPath, o.cwd, o.env, o.config), lockFile, ...locals, ...read, ...toolchainFiles(o.env, [o.cwd, dirname(manifest)])];
  // an input changed while cargo answered (or just before, on a coarse clock): not remembered
  if (allOlderThan(inputs.filter((f) => existsSync(f)), started)) rememberAnswer(note, stampAll(inputs), answer);
  return answer;
}

/**
 * `[sbom] include`: each file under `.dist-info/sboms/<its name>`. A relative
 * path is resolved against the project folder and must stay inside it (an
 * absolute one may name any file); names must differ (maturin's rules).
 */
export function sbomIncludes(config: ProjectConfig): Array<{ name: string; file: string }> {
  const root = realpathSync(config.projectDir);
  const seen = new Set<string>();
  return config.tool.sbom.include.map((p) => {
    const where = `${config.pyprojectPath ?? "pyproject.toml"}: ${config.tool.sbom.includeKey} "${p}"`;
    let file: string;
    try {
      file = realpathSync(resolve(root, p));
    } catch {
      throw new ConfigError(`${where} does not exist`, "fix the path (relative to pyproject.toml) or remove it");
    }
    const rel = relative(root, file);
    if (!isAbsolute(p) && (rel.startsWith("..") || isAbsolute(rel))) throw new ConfigError(`${where} leads outside the project folder`, "name a file inside the project, or give an absolute path");
    const name = basename(file);
    if (seen.has(name)) throw new ConfigError(`${where}: another included SBOM is also named ${name}`, "each file under .dist-info/sboms/ needs its own name");
    seen.add(name);
    return { name, file };
  });
}

/** The wheel's `.dist-info/sboms/` members: the Rust SBOM (unless `rust = false`) and the included files. */
export async function sbomWheelFiles(config: ProjectConfig, o: Omit<SbomSourceOptions, "manifestPath" | "packageName">): Promise<WheelFile[]> {
  const dir = `${distInfoDirName(config.metadata.name, config.metadata.version)}/sboms`;
  const files: WheelFile[] = [];
  if (config.tool.sbom.rust) {
    const sbom = await rustSbomOf({ ...o, manifestPath: config.cargo.path, packageName: config.cargo.package.name });
    files.push({ path: `${dir}/${sbom.name}`, source: { bytes: sbom.text } });
  }
  for (const inc of sbomIncludes(config)) files.push({ path: `${dir}/${inc.name}`, source: { file: inc.file } });
  return files;
}
