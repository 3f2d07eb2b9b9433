/**
 * The one `cargo metadata` runner: every caller (the wheel build, the sdist's
 * crate walk, the container's vendored-source lookup) asks cargo through
 * `cargoMetadataJson`, so a failure reads the same everywhere.
 */
import { dirname } from "node:path";
import { CargoError, ConfigError } from "../../errors.js";
import { captureCargo, cargoCommand } from "./cargo-process.js";

export interface MetadataDependency {
  name: string;
  kind: string | null;
  /** Absolute folder of a path dependency (cargo 1.51+). */
  path?: string;
}

export interface MetadataPackage {
  name: string;
  manifest_path: string;
  /** null for a local (path) package. */
  source: string | null;
  dependencies: MetadataDependency[];
  /** The crate's targets (lib, bins, build script, examples...) and their root source files. */
  targets?: Array<{ kind: string[]; src_path: string }>;
}

/** The part of `cargo metadata --format-version 1` pyts-build reads. */
export interface MetadataJson {
  packages: MetadataPackage[];
  workspace_root: string;
  target_directory: string;
}

export interface MetadataOptions {
  env?: NodeJS.ProcessEnv;
  /** cargo reads its configuration (target-dir, sources) from the folders above this one. */
  cwd?: string;
  /** false: resolve the dependencies too (needs them locally with `offline`). Default true (`--no-deps`). */
  noDeps?: boolean;
  offline?: boolean;
  /** `--config KEY=VALUE` or a config file, in order. */
  config?: string[];
  /** More flags for the resolve (`--features`, `--locked`, ...). */
  extraArgs?: string[];
}

// cargoCommand's home is cargo-process.ts; callers know it from here too
export { cargoCommand };

/** The arguments of one metadata query (pure). */
export function metadataArgs(manifestPath: string, o: Pick<MetadataOptions, "noDeps" | "offline" | "config" | "extraArgs"> = {}): string[] {
  const a = ["metadata", "--format-version", "1"];
  if (o.noDeps ?? true) a.push("--no-deps");
  if (o.offline) a.push("--offline");
  a.push(...(o.extraArgs ?? []));
  for (const c of o.config ?? []) a.push("--config", c);
  a.push("--manifest-path", manifestPath);
  return a;
}

/** First `error:` line of cargo's stderr with its causes, on one line. Pure. */
export function condenseCargoError(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith("error"));
  const picked = (start < 0 ? lines : lines.slice(start)).filter((l) => l !== "" && l !== "Caused by:" && !l.startsWith("note:") && !l.startsWith("help:"));
  return picked.map((l) => l.replace(/^error(\[\w+\])?:\s*/, "")).join(": ") || "cargo failed without a message";
}

/** cargo's way of saying a path dependency is missing, as a ConfigError like ours. */
export function missingPathDependency(cargoMessage: string, manifestPath: string): ConfigError | undefined {
  const m = /failed to load (?:manifest|source) for dependency `([^`]+)`.*?failed to read `([^`]+)`/.exec(cargoMessage);
  if (!m) return undefined;
  return new ConfigError(
    `${manifestPath}: path dependency "${m[1]}" points at ${dirname(m[2] as string)}, which holds no Cargo.toml`,
    "fix the dependency's `path` in Cargo.toml; the sdist (and any build) needs that crate",
  );
}

/** The error of a failed metadata query, in the one wording all callers share. Pure. */
export function metadataError(manifestPath: string, stderr: string): ConfigError | CargoError {
  const condensed = condenseCargoError(stderr);
  return (
    missingPathDependency(condensed, manifestPath) ??
    new CargoError(`cargo metadata failed for ${manifestPath}: ${condensed}`, `fix what cargo names; \`cargo metadata --manifest-path ${manifestPath}\` shows its full message`)
  );
}

/** Run `cargo metadata` for a manifest and return its JSON. */
export async function cargoMetadataJson(manifestPath: string, o: MetadataOptions = {}): Promise<MetadataJson> {
  const env = o.env ?? process.env;
  const r = await captureCargo(metadataArgs(manifestPath, o), { cwd: o.cwd ?? dirname(manifestPath), env });
  if (r.code !== 0) throw metadataError(manifestPath, r.stderr);
  try {
    return JSON.parse(r.stdout) as MetadataJson;
  } catch {
    throw new CargoError(`cargo metadata for ${manifestPath} printed no JSON`, `check that ${cargoCommand(env)} is cargo`);
  }
}
