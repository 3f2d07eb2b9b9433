/**
 * Stubs for a wheel build (`--generate-stubs`, `generate-stubs = true`): read
 * from the library cargo built, before any strip. The text is remembered per
 * library in `<target>/pyts-build/stubs/`, stamped with the library, so a no-op
 * rebuild reads a small note instead of the library, and the wheel-reuse
 * fingerprint (which hashes in-memory members) sees the same bytes.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { VERSION } from "../../version.js";
import { stampAll } from "../cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "../cache/remembered.js";
import type { ProjectConfig } from "../project/config.js";
import { libraryStubFiles } from "./introspect.js";

/** Only PyO3 extensions carry introspection data: refuse the others before anything compiles. */
export function checkStubBindings(config: ProjectConfig): void {
  const b = config.tool.bindings;
  if (b === "pyo3" || b === "pyo3-ffi") return;
  throw new ConfigError(`--generate-stubs reads pyo3's introspection data, which a bindings = "${b}" build does not have`, "build without --generate-stubs (and without generate-stubs = true)");
}

/** The stubs of `lib` (module = the last part of module-name), remembered in `cacheDir` while the library is unchanged. */
export function rememberedStubs(lib: string, module: string, cacheDir: string): Map<string, string> {
  const note = rememberedFile(cacheDir, [VERSION, resolve(lib), module]);
  const known = recallAnswer<Array<[string, string]>>(note, (a) => Array.isArray(a));
  if (known) return new Map(known);
  const stamps = stampAll([lib]); // before reading: a library rewritten meanwhile does not match the note
  const stubs = libraryStubFiles(lib, module);
  rememberAnswer(note, stamps, [...stubs]);
  return stubs;
}

/** The stubs for a wheel of `config` built from `lib`; warns, as maturin does, that a hand-written stub is set aside. */
export function stubsForWheel(lib: string, config: ProjectConfig, cacheDir: string, log: Logger): Map<string, string> {
  const leaf = config.moduleName.split(".").pop() as string;
  if (!config.pythonSource) {
    const own = [config.projectDir, config.cargo.dir].map((d) => join(d, `${leaf}.pyi`)).find((p) => existsSync(p));
    if (own) log.warn(`${own} is not shipped: the stubs are generated from the library instead (--generate-stubs)`);
  }
  return rememberedStubs(lib, leaf, cacheDir);
}
