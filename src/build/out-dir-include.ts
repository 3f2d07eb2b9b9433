/**
 * maturin's `include = [{ path, from = "out-dir", to }]` (read by
 * project/include-rules.ts): files a build script
 * wrote into its OUT_DIR, shipped in the wheel under `to`. OUT_DIR comes from
 * cargo's `build-script-executed` message of the crate (or of the package
 * `crate-name` names), so nothing is guessed from target folder names.
 */
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import type { BuildScriptRun } from "./cargo/cargo-messages.js";
import { expandGlob } from "./project/glob.js";
import type { OutDirRule } from "./project/include-rules.js";

/**
 * The package name in a cargo package id: `path+file:///dir#name@1.0`,
 * `path+file:///dir/name#1.0` (the folder's name is the package's),
 * `registry+https://...#name@1.0`, or before cargo 1.77 `name 1.0 (source)`.
 */
export function packageNameOfId(id: string): string | undefined {
  const old = /^(\S+) \S+ \(.*\)$/.exec(id);
  if (old) return old[1];
  const hash = id.lastIndexOf("#");
  if (hash < 0) return undefined;
  const frag = id.slice(hash + 1);
  const at = frag.lastIndexOf("@");
  if (at > 0) return frag.slice(0, at);
  const url = id.slice(0, hash).replace(/\?.*$/, "").replace(/\/+$/, "");
  return url.slice(url.lastIndexOf("/") + 1) || undefined;
}

/** The OUT_DIR of the package named `name` among the build scripts cargo reported. */
export function outDirOf(scripts: readonly BuildScriptRun[], name: string): string | undefined {
  const same = (a: string) => a === name || a.replace(/-/g, "_") === name.replace(/-/g, "_");
  return scripts.find((s) => s.outDir !== "" && same(packageNameOfId(s.packageId) ?? ""))?.outDir;
}

export interface OutDirFile {
  /** Path in the wheel, '/'-separated. */
  path: string;
  /** The file in OUT_DIR. */
  file: string;
}

/**
 * The wheel files the out-dir rules name. A rule whose package ran no build
 * script is an error (there is no OUT_DIR); a glob that matches nothing is a
 * warning, as in maturin.
 */
export function outDirFiles(rules: readonly OutDirRule[], scripts: readonly BuildScriptRun[], crateName: string, where: string): { files: OutDirFile[]; warnings: string[] } {
  const files: OutDirFile[] = [];
  const warnings: string[] = [];
  for (const r of rules) {
    const pkg = r.crateName ?? crateName;
    const outDir = outDirOf(scripts, pkg);
    if (outDir === undefined) {
      throw new ConfigError(
        `${where}: include "${r.path}" (from = "out-dir") needs the OUT_DIR of ${pkg}, but cargo ran no build script for it`,
        `give ${pkg} a build.rs that writes the file into OUT_DIR${r.crateName === undefined ? "" : ", or fix crate-name"}`,
      );
    }
    const hits = expandGlob(outDir, r.path);
    if (hits.length === 0) warnings.push(`${where}: include "${r.path}" (from = "out-dir") matches no file in ${outDir}`);
    const to = r.to.replace(/\/+$/, "");
    for (const rel of hits) files.push({ path: to === "" ? rel : `${to}/${rel}`, file: join(outDir, rel) });
  }
  return { files, warnings };
}
