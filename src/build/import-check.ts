/**
 * Import safety: a wheel whose extension module does not export the function
 * Python looks for (`PyInit_<last part of the module name>`) builds and installs
 * fine, then fails at `import` with "dynamic module does not define module export
 * function". This refuses such a build before any wheel is written. ELF files are
 * read with src/manylinux/audit/elf.ts; Mach-O and PE files are held to the name rules
 * only (moduleFileName refuses a leaf that is no C identifier).
 */
import { basename } from "node:path";
import { ConfigError } from "../errors.js";
import { type ElfFile, readElfFile, startsWithElfMagic } from "../manylinux/audit/elf.js";
import type { WheelFile } from "../wheel/wheel.js";
import type { Bindings } from "./project/tool-config.js";

/** PEP 489's init function, and PEP 793's export hook (Python 3.15+), either of which makes a module importable. */
const EXPORT_PREFIXES = ["PyInit_", "PyModExport_"];

/** The module entry points an ELF library exports (sorted), or undefined for a file that is not ELF. `elf`: the file already parsed. */
export function exportedModuleInits(file: string, elf?: ElfFile): string[] | undefined {
  const parsed = elf ?? (startsWithElfMagic(file) ? readElfFile(file) : undefined);
  if (!parsed) return undefined;
  const names = parsed.symbols.filter((s) => s.defined && (s.bind === "global" || s.bind === "weak") && EXPORT_PREFIXES.some((p) => s.name.startsWith(p)))
    .map((s) => s.name);
  return [...new Set(names)].sort();
}

/**
 * Why `exports` (the library's PyInit_* / PyModExport_* symbols) cannot serve the
 * module `module` built with `bindings`, as [message, hint]; undefined when they can.
 * Pure, so the wording is tested without a compiler.
 */
export function importProblem(fileName: string, module: string, bindings: Bindings, exports: string[]): [string, string] | undefined {
  if (bindings === "cffi" || bindings === "bin") return undefined; // cffi loads the library with dlopen: no init function expected
  const parts = module.split(".");
  const leaf = parts[parts.length - 1] as string;
  if (EXPORT_PREFIXES.some((p) => exports.includes(p + leaf))) return undefined;
  const inits = exports.filter((s) => s.startsWith("PyInit_"));
  if (inits.length === 0) {
    return [
      `${fileName} exports no PyInit_* function, so Python cannot import it as the extension module ${module}`,
      `define the module in Rust with #[pymodule] fn ${leaf} (and pyo3's extension-module feature), or set bindings = "cffi" if it is a plain C library`,
    ];
  }
  const other = (inits[0] as string).slice("PyInit_".length);
  const suggested = [...parts.slice(0, -1), other].join(".");
  return [
    `${fileName} exports ${inits.join(", ")} but not PyInit_${leaf}, so "import ${module}" would fail`,
    `set module-name = "${suggested}" in pyproject.toml, or rename the Rust module to match: #[pymodule] fn ${leaf}`,
  ];
}

/** Refuse an extension library that Python could not import as `module` (no-op for non-ELF files, cffi and bin). `elf`: the file already parsed. */
export function checkImportable(file: string, module: string, bindings: Bindings, elf?: ElfFile): void {
  if (bindings === "cffi" || bindings === "bin") return;
  const exports = exportedModuleInits(file, elf);
  if (exports === undefined) return;
  const problem = importProblem(basename(file), module, bindings, exports);
  if (problem) throw new ConfigError(...problem);
}

/** `name.cpython-311-x86_64-linux-gnu.so`, `name.abi3.so`, `name.pypy39-pp73-...so`, `name.cp311-win_amd64.pyd`: the tagged names only Python imports. */
const EXTENSION_FILE = /^([A-Za-z_][A-Za-z0-9_]*)\.(?:cpython-[^.]+|pypy[^.]+|graalpy[^.]+|cp\d+[^.]*|abi3)\.(?:so|pyd)$/;

/**
 * Every other extension module a wheel is about to hold (prebuilt ones shipped
 * from python-source, include or the data folder's platlib/purelib) must be
 * importable under its file name too. Other `.data/` folders and `.libs/` hold
 * no importable modules.
 */
export function checkShippedExtensions(files: WheelFile[], skip: string | undefined): void {
  for (const f of files) {
    if (!("file" in f.source) || f.source.file === skip) continue;
    let parts = f.path.split("/");
    const top = parts[0] as string;
    if (top.endsWith(".libs")) continue;
    if (top.endsWith(".data")) {
      if (parts[1] !== "platlib" && parts[1] !== "purelib") continue;
      parts = parts.slice(2); // installed into site-packages like the wheel's root
    }
    const m = EXTENSION_FILE.exec(parts[parts.length - 1] as string);
    if (!m) continue;
    const exports = exportedModuleInits(f.source.file);
    if (exports === undefined) continue;
    const dotted = [...parts.slice(0, -1), m[1] as string].join(".");
    const problem = importProblem(f.path, dotted, "pyo3", exports);
    if (problem) throw new ConfigError(problem[0], `leave it out of the wheel (exclude), or rebuild it as ${dotted}`);
  }
}
