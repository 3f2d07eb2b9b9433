/**
 * Where cargo puts a crate's output and which workspace it belongs to, asked
 * once and remembered: a `cargo metadata` run costs about 0.1 s (mostly
 * rustup's proxy), as much as cargo's whole no-op build. The answer depends
 * only on the manifests above the crate, cargo's configuration files (above
 * the working folder and in CARGO_HOME), a few environment variables and the
 * `--config` arguments, so the remembered answer carries a stamp of each of
 * those files (present or absent) and is used only while all stamps match.
 * The cache lives in the user's cache folder, never in the source tree.
 */
import { dirname, join, resolve } from "node:path";
import { cargoHome } from "../target/toolchain.js";
import { withIncludes } from "./cargo-config.js";
import { cargoMetadataJson } from "./cargo-metadata.js";
import { fileStamp } from "../cache/file-stamp.js";
import { ancestors } from "../cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "../cache/remembered.js";
import { userCacheDir } from "../cache/user-cache.js";

export interface CargoMetadata {
  targetDirectory: string;
  workspaceRoot: string;
}

export interface TargetOptions {
  env?: NodeJS.ProcessEnv;
  /** The folder cargo runs in: its configuration is read from the folders above it. */
  cwd?: string;
  offline?: boolean;
  config?: string[];
  /** Where the answers are remembered; default `<user cache>/cargo-target`. */
  cacheDir?: string;
}

/** Environment variables that can move the target folder or the configuration cargo reads. */
const KEY_VARS = ["CARGO", "CARGO_HOME", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "HOME", "RUSTUP_TOOLCHAIN"];

/** Every file whose content (or absence) can change the answer: manifests, then cargo's configuration with its includes. */
export function inputFiles(manifestPath: string, cwd: string, env: NodeJS.ProcessEnv, config: string[] = []): string[] {
  return [...manifestFiles(manifestPath), ...configFiles(cwd, env, config)];
}

/** Each Cargo.toml from the crate's folder up: workspace discovery walks up looking for a [workspace] manifest. */
function manifestFiles(manifestPath: string): string[] {
  return ancestors(dirname(manifestPath)).map((d) => join(d, "Cargo.toml"));
}

/**
 * cargo's configuration files, present or absent: each `--config FILE`, each
 * .cargo/config(.toml) above the working folder, CARGO_HOME's, and what they
 * `include` (cargo-config.ts), recursively.
 */
export function configFiles(cwd: string, env: NodeJS.ProcessEnv, config: string[] = []): string[] {
  const files = new Set<string>();
  // `--config FILE` (a value without `=` is a file, relative to the working folder)
  for (const c of config) if (!c.includes("=")) files.add(resolve(cwd, c));
  // cargo's configuration: every .cargo/config(.toml) above the working folder, then CARGO_HOME's
  for (const d of [...ancestors(cwd), cargoHome(env)]) {
    const base = d === cargoHome(env) ? d : join(d, ".cargo");
    files.add(join(base, "config"));
    files.add(join(base, "config.toml"));
  }
  return withIncludes(files);
}

function cacheFile(manifestPath: string, o: TargetOptions, env: NodeJS.ProcessEnv, cwd: string): string {
  const key = [resolve(manifestPath), cwd, o.offline === true, o.config ?? [], KEY_VARS.map((k) => env[k] ?? null)];
  return rememberedFile(o.cacheDir ?? join(userCacheDir(env), "cargo-target"), key);
}

/** `cargo metadata --no-deps`'s target folder and workspace root (honours CARGO_TARGET_DIR and config), remembered. */
export async function cargoMetadata(manifestPath: string, o: TargetOptions = {}): Promise<CargoMetadata> {
  const env = o.env ?? process.env;
  const cwd = resolve(o.cwd ?? process.cwd());
  const file = cacheFile(manifestPath, o, env, cwd);
  const known = recallAnswer<CargoMetadata>(file, (a) => typeof a.targetDirectory === "string" && typeof a.workspaceRoot === "string");
  if (known) return known;
  // stamped before the question: a file changed while cargo answers invalidates the answer
  const before = Object.fromEntries(inputFiles(manifestPath, cwd, env, o.config).map((f) => [f, fileStamp(f)]));
  const m = await cargoMetadataJson(manifestPath, { env, cwd, ...(o.offline ? { offline: true } : {}), ...(o.config ? { config: o.config } : {}) });
  const answer = { targetDirectory: m.target_directory, workspaceRoot: m.workspace_root };
  const ws = join(answer.workspaceRoot, "Cargo.toml");
  rememberAnswer(file, { ...before, [ws]: before[ws] ?? fileStamp(ws) }, answer);
  return answer;
}
