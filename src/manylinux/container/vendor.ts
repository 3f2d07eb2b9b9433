/**
 * Crate dependencies are resolved on the HOST, with the user's own cargo
 * configuration (registries, mirrors, source replacement, credentials), and
 * copied into a cache folder with `cargo vendor`. The container then builds
 * from that folder with no network and no registry configuration of its own.
 *
 * `--respect-source-config` matters: without it cargo vendor ignores a
 * configured source replacement and goes to crates.io.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CargoError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { cargoMetadataJson } from "../../build/cargo/cargo-metadata.js";
import { captureCargo } from "../../build/cargo/cargo-process.js";

export interface VendorOptions {
  manifestPath: string;
  /** Folder of the workspace's Cargo.lock. */
  workspaceRoot: string;
  /** Where `vendor/` and the generated config go. */
  cacheDir: string;
  locked?: boolean;
  frozen?: boolean;
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}

export interface Vendored {
  /** A cargo config file (for `cargo --config FILE`) pointing crates.io and git sources at the vendor folder. */
  configFile: string;
  vendorDir: string;
  /** false when the cache was current and cargo vendor did not run. */
  ran: boolean;
}

function lockFlags(o: Pick<VendorOptions, "locked" | "frozen" | "offline">): string[] {
  return [...(o.locked ? ["--locked"] : []), ...(o.frozen ? ["--frozen"] : []), ...(o.offline ? ["--offline"] : [])];
}

/** What makes a vendor folder current: the lockfile's content and the flags. */
export function vendorKey(lockfile: string | undefined, flags: string[]): string {
  return createHash("sha256")
    .update(lockfile ?? "<no lockfile>")
    .update("\0" + flags.join(" "))
    .digest("hex");
}


const readOrUndefined = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);

/** Vendor the crate's dependencies into `<cacheDir>/vendor` unless the cache is current. */
export async function vendorCrates(o: VendorOptions): Promise<Vendored> {
  const env = o.env ?? process.env;
  const vendorDir = join(o.cacheDir, "vendor");
  const configFile = join(o.cacheDir, "vendor-config.toml");
  const keyFile = join(o.cacheDir, "vendor.key");
  const lockPath = join(o.workspaceRoot, "Cargo.lock");
  const flags = lockFlags(o);
  if (existsSync(configFile) && existsSync(vendorDir) && readOrUndefined(keyFile) === vendorKey(readOrUndefined(lockPath), flags)) {
    o.log.debug(`vendored crates in ${vendorDir} are current`);
    return { configFile, vendorDir, ran: false };
  }
  o.log.step(`Vendoring crate dependencies on the host into ${vendorDir}`);
  mkdirSync(o.cacheDir, { recursive: true });
  const args = ["vendor", "--respect-source-config", "--versioned-dirs", "--manifest-path", o.manifestPath, ...flags, vendorDir];
  o.log.debug(`running: cargo ${args.join(" ")}`);
  const r = await captureCargo(args, {
    cwd: dirname(o.manifestPath),
    env,
    missingWhere: " on the host",
    missingHint: "install Rust (https://rustup.rs): the host resolves and vendors the crates before the container builds",
  });
  if (r.code !== 0) {
    const tail = r.stderr.trim().split("\n").slice(-12).join("\n");
    throw new CargoError(
      `cargo vendor could not fetch the crate's dependencies on the host:\n${tail}`,
      "the host resolves crates with your cargo configuration before the offline container build; make `cargo fetch` work on the host first",
    );
  }
  // cargo prints the config that points at the folder; keep it as a file for `--config`.
  const config = r.stdout.trim() === "" ? "" : r.stdout.trim() + "\n";
  const tmp = `${configFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `# written by pyts-build from \`cargo vendor\`'s output\n${config}`);
  renameSync(tmp, configFile);
  // keyed on the lockfile as it is now (cargo vendor may have just written it)
  writeFileSync(keyFile, vendorKey(readOrUndefined(lockPath), flags));
  return { configFile, vendorDir, ran: true };
}

/**
 * Folders of every local (path) package in the build: the workspace members
 * and path dependencies, which may live outside the workspace. Resolved
 * offline against the vendored sources.
 */
export async function localPackageDirs(manifestPath: string, vendored: Vendored, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const meta = await cargoMetadataJson(manifestPath, { env, noDeps: false, offline: true, config: [vendored.configFile] });
  return [...new Set(meta.packages.filter((p) => p.source === null).map((p) => dirname(p.manifest_path)))].sort();
}

/** Reduce folders to the outermost ones (a folder inside another is covered by its mount). */
export function outermostDirs(dirs: string[]): string[] {
  const sorted = [...new Set(dirs)].sort((a, b) => a.length - b.length);
  const out: string[] = [];
  for (const d of sorted) {
    if (!out.some((o) => d === o || d.startsWith(o.endsWith("/") ? o : o + "/"))) out.push(d);
  }
  return out.sort();
}
