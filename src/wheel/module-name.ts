/**
 * How cargo names a cdylib per OS, and what Python needs the file to be called
 * to import it. Pure rules; the interpreter's EXT_SUFFIX is the authority.
 */
import { basename } from "node:path";
import { ValidationError } from "../errors.js";

/** platform.system().lower() of the target: "linux", "darwin", "windows" (others behave like linux). */
export type TargetSystem = "linux" | "darwin" | "windows" | (string & {});

const isWindows = (system: string) => system.toLowerCase() === "windows" || system.toLowerCase().startsWith("win");
const isMac = (system: string) => system.toLowerCase() === "darwin" || system.toLowerCase() === "macos";

/** The file cargo writes for a cdylib with lib name `name` (cargo turns `-` into `_`). */
export function cargoArtifactFileName(libName: string, system: TargetSystem): string {
  const name = libName.replace(/-/g, "_");
  if (isWindows(system)) return `${name}.dll`;
  if (isMac(system)) return `lib${name}.dylib`;
  return `lib${name}.so`;
}

/** The reverse: `libfoo.so` / `libfoo.dylib` / `foo.dll` -> `foo`; undefined when it is not a cdylib name for that OS. */
export function libNameFromArtifact(fileName: string, system: TargetSystem): string | undefined {
  const base = basename(fileName);
  const m = isWindows(system) ? /^(.+)\.dll$/i.exec(base) : isMac(system) ? /^lib(.+)\.dylib$/.exec(base) : /^lib(.+)\.so$/.exec(base);
  return m?.[1];
}

export interface ModuleFileOptions {
  /** The last component of the module name (`_native` for `pkg._native`). */
  module: string;
  system: TargetSystem;
  /** The target interpreter's EXT_SUFFIX; may be empty for abi3 builds without an interpreter. */
  extSuffix?: string;
  /** Stable-ABI build: `.abi3.so` on Unix, plain `.pyd` on Windows. */
  abi3?: boolean;
}

/**
 * The importable file name: `foo.cpython-311-x86_64-linux-gnu.so`, `foo.abi3.so`,
 * `foo.cpython-311-darwin.so`, `foo.pyd`, `foo.cp311-win_amd64.pyd`.
 */
export function moduleFileName(o: ModuleFileOptions): string {
  const leaf = o.module.includes(".") ? o.module.slice(o.module.lastIndexOf(".") + 1) : o.module;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(leaf)) {
    throw new ValidationError(
      `module name "${o.module}" cannot be an extension module: "${leaf}" is not an ASCII identifier`,
      "extension module names must be ASCII identifiers (PyInit_<name> is a C symbol)",
    );
  }
  const suffix = o.extSuffix ?? "";
  if (isWindows(o.system)) {
    if (o.abi3 || suffix === "") return `${leaf}.pyd`;
    if (!suffix.toLowerCase().endsWith(".pyd")) {
      throw new ValidationError(`EXT_SUFFIX ${JSON.stringify(suffix)} is not a Windows extension suffix (.pyd)`);
    }
    return leaf + suffix;
  }
  if (o.abi3) return `${leaf}.abi3.so`;
  if (suffix === "") {
    throw new ValidationError(
      `no EXT_SUFFIX known for a version-specific build of "${leaf}"`,
      "build with a target interpreter, or build for abi3",
    );
  }
  if (!suffix.startsWith(".")) throw new ValidationError(`EXT_SUFFIX ${JSON.stringify(suffix)} does not start with '.'`);
  return leaf + suffix;
}

/** Rename a cargo artifact path (`target/release/libfoo.so`) into the module file name, checking the lib name. */
export function moduleFileFromArtifact(artifactPath: string, o: ModuleFileOptions): string {
  const lib = libNameFromArtifact(artifactPath, o.system);
  if (lib === undefined) {
    throw new ValidationError(
      `${basename(artifactPath)} is not a ${o.system} cdylib (expected ${cargoArtifactFileName("<name>", o.system)})`,
      'set crate-type = ["cdylib"] in Cargo.toml [lib]',
    );
  }
  return moduleFileName(o);
}
