/** Checks and treatment of the built shared library before it goes into a wheel. */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { releaseTemp, trackTemp } from "../cleanup.js";
import { CargoError, ConfigError, ToolMissingError } from "../errors.js";
import { readElfFile, startsWithElfMagic } from "../manylinux/elf.js";
import { isLibpython } from "../manylinux/policy.js";

/**
 * An extension must not link libpython: the interpreter that imports it
 * already has the symbols, and a static or different-version Python would
 * crash or refuse it. With pyo3 this means the `extension-module` feature is off.
 */
export function checkNotLinkedToLibpython(lib: string, usesPyo3: boolean): void {
  if (!startsWithElfMagic(lib)) return; // Mach-O / PE: not checked here
  const needed = readElfFile(lib).needed.filter(isLibpython);
  if (needed.length === 0) return;
  throw new ConfigError(
    `${basename(lib)} links ${needed.join(", ")}: a Python extension module must not link libpython`,
    usesPyo3
      ? 'enable pyo3\'s extension-module feature in Cargo.toml: pyo3 = { version = "...", features = ["extension-module"] }'
      : "do not link libpython (remove -lpython from the build script / link arguments)",
  );
}

/** Strip a copy of `file` (never cargo's own output, so cargo's fingerprints stay valid). Returns the copy. */
export async function stripCopy(file: string, dir: string, system: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, basename(file));
  const tmp = trackTemp(`${out}.${process.pid}.tmp`);
  try {
    copyFileSync(file, tmp);
    const strip = env.STRIP || "strip";
    // macOS strip cannot remove the global symbols a dylib exports; -x keeps them
    const args = system === "darwin" ? ["-x", tmp] : ["--strip-all", tmp];
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
