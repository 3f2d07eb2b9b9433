/** Checks and treatment of the built shared library before it goes into a wheel. */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { releaseTemp, trackTemp } from "../cleanup.js";
import { CargoError, ConfigError, ToolMissingError } from "../errors.js";
import { type ElfFile, readElfFile, startsWithElfMagic } from "../manylinux/audit/elf.js";
import { isLibpython } from "../manylinux/audit/policy.js";
import { parseToml, type TomlTable } from "./project/toml.js";

/** PyO3 from this version on reads PYO3_BUILD_EXTENSION_MODULE (which pyts-build sets) instead of needing a feature. */
export const PYO3_ENV_EXTENSION_MODULE = [0, 26] as const;

/**
 * The pyo3 version cargo resolved, from Cargo.lock (the newest when several
 * are locked); undefined when there is no lock file or no pyo3 in it. Cheap,
 * and never an error: it only chooses the words of a hint.
 */
export function lockedPyo3Version(lockFile: string): string | undefined {
  if (!existsSync(lockFile)) return undefined;
  let lock: TomlTable;
  try {
    lock = parseToml(readFileSync(lockFile, "utf8"), lockFile);
  } catch {
    return undefined;
  }
  const pkgs = Array.isArray(lock.package) ? (lock.package as { name?: unknown; version?: unknown }[]) : [];
  // pyo3-ffi is released in step with pyo3 (and is all a pyo3-ffi project has)
  const versions = pkgs.filter((p) => (p.name === "pyo3" || p.name === "pyo3-ffi") && typeof p.version === "string").map((p) => p.version as string);
  return versions.sort((a, b) => compareSemver(b, a))[0];
}

function compareSemver(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).slice(0, 3).map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether a pyo3 version reads PYO3_BUILD_EXTENSION_MODULE (0.26 and newer). */
export function pyo3ReadsExtensionModuleEnv(version: string): boolean {
  return compareSemver(version, PYO3_ENV_EXTENSION_MODULE.join(".")) >= 0;
}

/**
 * The fix for an extension module that links libpython, in words: PyO3 older
 * than 0.26 needs its `extension-module` feature; 0.26+ is told by
 * PYO3_BUILD_EXTENSION_MODULE (set by pyts-build), so there the link comes
 * from elsewhere (a build script or link arguments).
 */
export function libpythonHint(usesPyo3: boolean, pyo3Version: string | undefined): string {
  const feature = (v: string) => `pyo3 = { version = "${v}", features = ["extension-module"] }`;
  const elsewhere = "do not link libpython yourself (remove -lpython / link-arg from build scripts, RUSTFLAGS and rustc arguments)";
  if (!usesPyo3) return elsewhere;
  if (pyo3Version === undefined) {
    return `with PyO3 older than 0.26 enable its extension-module feature in Cargo.toml (${feature("...")}); PyO3 0.26 and newer need nothing (pyts-build sets PYO3_BUILD_EXTENSION_MODULE=1), so there ${elsewhere}`;
  }
  if (!pyo3ReadsExtensionModuleEnv(pyo3Version)) {
    return `pyo3 ${pyo3Version} needs its extension-module feature: in Cargo.toml ${feature(pyo3Version.split(".").slice(0, 2).join("."))} (PyO3 0.26 and newer need nothing: pyts-build sets PYO3_BUILD_EXTENSION_MODULE=1)`;
  }
  return `pyo3 ${pyo3Version} was told by PYO3_BUILD_EXTENSION_MODULE=1 not to link libpython, so something else links it: ${elsewhere}`;
}

/**
 * An extension must not link libpython: the interpreter that imports it
 * already has the symbols, and a static or different-version Python would
 * crash or refuse it. (A binary embedding Python may: it is never checked here.)
 */
export function checkNotLinkedToLibpython(lib: string, o: { usesPyo3: boolean; lockFile?: string; elf?: ElfFile }): void {
  const elf = o.elf ?? (startsWithElfMagic(lib) ? readElfFile(lib) : undefined);
  if (!elf) return; // Mach-O / PE: not checked here
  const needed = elf.needed.filter(isLibpython);
  if (needed.length === 0) return;
  const version = o.usesPyo3 && o.lockFile !== undefined ? lockedPyo3Version(o.lockFile) : undefined;
  throw new ConfigError(`${basename(lib)} links ${needed.join(", ")}: a Python extension module must not link libpython`, libpythonHint(o.usesPyo3, version));
}

/** Strip a copy of `file` (never cargo's own output, so cargo's fingerprints stay valid); `flags` replace the full strip (setuptools-rust: -x, -S). Returns the copy. */
export async function stripCopy(file: string, dir: string, system: string, env: NodeJS.ProcessEnv = process.env, flags?: string[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, basename(file));
  const tmp = trackTemp(`${out}.${process.pid}.tmp`);
  try {
    copyFileSync(file, tmp);
    const strip = env.STRIP || "strip";
    // macOS strip cannot remove the global symbols a dylib exports; -x keeps them
    const args = [...(flags ?? (system === "darwin" ? ["-x"] : ["--strip-all"])), tmp];
    await new Promise<void>((resolvePromise, reject) => {
      execFile(strip, args, { env }, (err, _out, stderr) => {
        if (!err) return resolvePromise();
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          reject(new ToolMissingError(`${strip} was not found (needed for --strip)`, "install binutils, or build without --strip"));
        } else reject(new CargoError(`${strip} failed on ${file}: ${stderr.trim()}`));
      });
    });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    releaseTemp(tmp);
  }
  return out;
}
