/**
 * Import safety: a wheel whose extension module does not export the function
 * Python looks for (`PyInit_<last part of the module name>`) builds and installs
 * fine, then fails at `import` with "dynamic module does not define module export
 * function". This refuses such a build before any wheel is written. Each library is
 * read in its own format: ELF (Linux) with src/manylinux/audit/elf.ts, PE/COFF
 * (a Windows `.pyd`) by its export directory and Mach-O (macOS, thin or universal:
 * every slice must serve) by its export trie or symbol table, src/wheel/binary/.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ConfigError } from "../errors.js";
import { fileHead } from "../manylinux/audit/byte-source.js";
import { type ElfFile, hasElfMagic, readElfFile } from "../manylinux/audit/elf.js";
import { hasMachOMagic, machoExports } from "../wheel/binary/macho-exports.js";
import { hasPeMagic, peExports } from "../wheel/binary/pe-exports.js";
import type { WheelFile } from "../wheel/wheel.js";
import type { Bindings } from "./project/tool-config.js";

/** PEP 489's init function, and PEP 793's export hook (Python 3.15+), either of which makes a module importable. */
const EXPORT_PREFIXES = ["PyInit_", "PyModExport_"];

const moduleInits = (names: string[]) => [...new Set(names.filter((n) => EXPORT_PREFIXES.some((p) => n.startsWith(p))))].sort();

/**
 * The module entry points (PyInit_* / PyModExport_*, sorted) a library exports, per
 * architecture: one entry for ELF, PE and thin Mach-O files, one per slice of a
 * universal Mach-O file (`arch` set); undefined for a file of none of these formats.
 * `elf`: the file already parsed.
 */
export function exportedModuleInitsBySlice(file: string, elf?: ElfFile): { arch?: string; names: string[] }[] | undefined {
  const magic = elf ? undefined : fileHead(file, 4);
  if (elf || (magic && hasElfMagic(magic))) {
    const parsed = elf ?? readElfFile(file);
    return [{ names: moduleInits(parsed.symbols.filter((s) => s.defined && (s.bind === "global" || s.bind === "weak")).map((s) => s.name)) }];
  }
  if (magic && hasPeMagic(magic)) return [{ names: moduleInits(peExports(readFileSync(file), basename(file)).names) }];
  if (magic && hasMachOMagic(magic)) {
    const slices = machoExports(readFileSync(file), basename(file));
    return slices.map((s) => ({ ...(slices.length > 1 ? { arch: s.arch } : {}), names: moduleInits(s.names) }));
  }
  return undefined;
}

/** The module entry points every architecture of a library exports (sorted), or undefined for a file that is not ELF, PE or Mach-O. */
export function exportedModuleInits(file: string, elf?: ElfFile): string[] | undefined {
  const slices = exportedModuleInitsBySlice(file, elf);
  if (!slices) return undefined;
  return (slices[0] as { names: string[] }).names.filter((n) => slices.every((s) => s.names.includes(n)));
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

/**
 * Refuse an extension library that Python could not import as `module` (no-op for
 * a file of no known format, cffi and bin); each slice of a universal file on its
 * own. `elf`: the file already parsed.
 */
export function checkImportable(file: string, module: string, bindings: Bindings, elf?: ElfFile): void {
  if (bindings === "cffi" || bindings === "bin") return;
  for (const slice of exportedModuleInitsBySlice(file, elf) ?? []) {
    const problem = importProblem(basename(file) + (slice.arch ? ` (its ${slice.arch} part)` : ""), module, bindings, slice.names);
    if (problem) throw new ConfigError(...problem);
  }
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
