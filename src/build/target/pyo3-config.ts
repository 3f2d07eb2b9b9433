/**
 * PYO3_CONFIG_FILE for a build whose Python cannot run here: pyo3-build-config's
 * `key=value` lines (its `InterpreterConfig::from_reader`), so PyO3's build
 * script configures itself from the file and asks no interpreter and no
 * PYO3_CROSS_* variable. Only keys every PyO3 since 0.16 reads are written
 * (0.17 refuses unknown keys). The file is named by its content's hash, so a
 * different configuration is a different PYO3_CONFIG_FILE value (cargo and the
 * no-op path see it in the environment) and an unchanged one is never rewritten
 * (PyO3 reruns its build script when the file's date changes).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { releaseTemp, trackTemp } from "../../cleanup.js";
import { keyHash } from "../cache/key-hash.js";
import type { InterpreterInfo } from "../python/interpreter-info.js";

export interface Pyo3Config {
  implementation: "CPython" | "PyPy";
  /** `3.11`; for abi3, the minimum version. */
  version: string;
  abi3: boolean;
  pointerWidth: number;
  /** The target's libpython folder (from PYO3_CROSS_LIB_DIR), when known; Linux/macOS extensions do not link it. */
  libDir?: string;
  /** Py_DEBUG, Py_TRACE_REFS, ... of the target build (from its sysconfigdata). */
  buildFlags?: string[];
}

/** The configuration of a build for `interp` (abi3: the minimum version, any CPython). */
export function pyo3ConfigFor(interp: InterpreterInfo, abi3Minor?: number, libDir?: string): Pyo3Config {
  const abi3 = abi3Minor !== undefined && interp.implementation === "cpython" && !interp.gilDisabled;
  const c: Pyo3Config = {
    implementation: interp.implementation === "pypy" ? "PyPy" : "CPython",
    version: `${interp.major}.${abi3 ? abi3Minor : interp.minor}`,
    abi3,
    pointerWidth: interp.pointerWidth,
  };
  if (libDir !== undefined) c.libDir = libDir;
  if (interp.gilDisabled) c.buildFlags = ["Py_GIL_DISABLED"];
  return c;
}

/** The file's text, in pyo3-build-config's own key order. */
export function renderPyo3Config(c: Pyo3Config): string {
  const lines = [
    `implementation=${c.implementation}`,
    `version=${c.version}`,
    // an extension module never links libpython on Linux/macOS; `shared` only matters for programs embedding Python
    "shared=true",
    `abi3=${c.abi3}`,
    ...(c.libDir !== undefined ? [`lib_dir=${c.libDir}`] : []),
    `pointer_width=${c.pointerWidth}`,
    `build_flags=${(c.buildFlags ?? []).join(",")}`,
    "suppress_build_script_link_lines=false",
  ];
  return lines.join("\n") + "\n";
}

/** Write the configuration under `dir` (once per content) and return its absolute path. */
export function writePyo3Config(dir: string, c: Pyo3Config): string {
  const text = renderPyo3Config(c);
  const file = join(dir, `pyo3-config-${keyHash(text)}.txt`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  trackTemp(tmp);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  releaseTemp(tmp);
  return file;
}
