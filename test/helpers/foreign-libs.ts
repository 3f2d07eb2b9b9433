/**
 * Real Windows DLLs and macOS dylibs, made on this Linux machine by real tools from a few lines of
 * assembly (no SDK needed): llvm-mc assembles COFF and Mach-O objects, rustup's rust-lld links them
 * (`-flavor link` for PE/COFF, `-flavor darwin` for Mach-O), and MinGW's GNU binutils
 * (binutils-mingw-w64-x86-64, .ci/run) link a PE DLL the GNU way. The readers in src/wheel/binary/
 * are checked against these files and against llvm-objdump / llvm-nm / x86_64-w64-mingw32-objdump.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { which } from "../../src/fs-util.js";

// LLVM 22 first: llvm-objdump 14 does not read LC_DYLD_EXPORTS_TRIE
const tool = (name: string) => [`${name}-22`, name, `${name}-14`].map((n) => which(n)).find((p) => p !== undefined);

function rustLld(): string | undefined {
  try {
    const sysroot = execFileSync("rustc", ["--print", "sysroot"], { encoding: "utf8" }).trim();
    const host = /host: (\S+)/.exec(execFileSync("rustc", ["-vV"], { encoding: "utf8" }))?.[1] ?? "x86_64-unknown-linux-gnu";
    const p = join(sysroot, "lib/rustlib", host, "bin/rust-lld");
    execFileSync(p, ["-flavor", "gnu", "--version"], { stdio: "ignore" });
    return p;
  } catch {
    return undefined;
  }
}

export const TOOLS = {
  mc: tool("llvm-mc"),
  nm: tool("llvm-nm"),
  objdump: tool("llvm-objdump"),
  lipo: tool("llvm-lipo"),
  lld: rustLld(),
  mingwAs: which("x86_64-w64-mingw32-as"),
  mingwLd: which("x86_64-w64-mingw32-ld"),
  mingwObjdump: which("x86_64-w64-mingw32-objdump"),
};
export const HAVE_LLVM = Boolean(TOOLS.mc && TOOLS.nm && TOOLS.objdump && TOOLS.lld);
export const HAVE_MINGW = Boolean(TOOLS.mingwAs && TOOLS.mingwLd && TOOLS.mingwObjdump);
if (process.env.CI && (!HAVE_LLVM || !HAVE_MINGW || !TOOLS.lipo)) {
  throw new Error("llvm-mc/llvm-nm/llvm-objdump/llvm-lipo (rustc-web's LLVM, .ci/cross.sh), rust-lld (rustup) or MinGW binutils (.ci/run) missing in CI");
}

/** Assembly text defining `exported` (global) and `local` (file-local) functions, each a bare return; `_` before each name for Mach-O and i686 COFF. */
function assembly(exported: string[], local: string[], prefix: string, ret = "ret", privateExtern: string[] = []): string {
  const fn = (n: string) => `${prefix}${n}:\n  ${ret}\n`;
  return [
    ".text\n",
    ...exported.map((n) => `.globl ${prefix}${n}\n${fn(n)}`),
    ...privateExtern.map((n) => `.globl ${prefix}${n}\n.private_extern ${prefix}${n}\n${fn(n)}`),
    ...local.map(fn),
  ].join("");
}

export type PeMachine = "x86_64" | "i686" | "aarch64";
const LLD_MACHINE: Record<PeMachine, [string, string]> = { x86_64: ["x86_64-pc-windows-msvc", "x64"], i686: ["i686-pc-windows-msvc", "x86"], aarch64: ["aarch64-pc-windows-msvc", "arm64"] };

/** A PE/COFF DLL `dir/name` exporting `exports` (and holding `local` functions it does not export), linked by rust-lld (`lld`) or MinGW's ld. */
export function peDll(dir: string, name: string, o: { machine: PeMachine; exports: string[]; local?: string[]; via: "lld" | "mingw" }): string {
  const out = join(dir, name);
  const src = join(dir, `${name}.s`);
  const obj = join(dir, `${name}.obj`);
  if (o.via === "mingw") {
    if (o.machine !== "x86_64") throw new Error("the MinGW fixture is x86_64 only");
    writeFileSync(src, assembly(o.exports, o.local ?? [], ""));
    execFileSync(TOOLS.mingwAs as string, [src, "-o", obj]);
    // a .def file names exactly what the DLL exports, as rustc hands the linker one for a cdylib
    const def = join(dir, `${name}.def`);
    writeFileSync(def, `EXPORTS\n${o.exports.map((e) => `  ${e}\n`).join("")}`);
    execFileSync(TOOLS.mingwLd as string, ["--shared", "-o", out, obj, def]);
    return out;
  }
  const [triple, machine] = LLD_MACHINE[o.machine];
  const prefix = o.machine === "i686" ? "_" : ""; // 32-bit x86 decorates C names; /export: takes the plain one
  writeFileSync(src, assembly(o.exports, o.local ?? [], prefix));
  execFileSync(TOOLS.mc as string, ["-triple", triple, "-filetype=obj", src, "-o", obj]);
  const extra = o.machine === "i686" ? ["/safeseh:no"] : [];
  execFileSync(TOOLS.lld as string, ["-flavor", "link", "/dll", "/noentry", "/nodefaultlib", `/machine:${machine}`, ...extra, ...o.exports.map((e) => `/export:${e}`), `/out:${out}`, obj]);
  return out;
}

export type MachOArch = "x86_64" | "arm64";

/** A Mach-O object `dir/name` (symbol table, no export trie) with `exports`, `privateExtern` and `local` functions. */
export function machoObject(dir: string, name: string, o: { arch: MachOArch; exports: string[]; local?: string[]; privateExtern?: string[] }): string {
  const out = join(dir, name);
  const src = join(dir, `${name}.s`);
  writeFileSync(src, assembly(o.exports, o.local ?? [], "_", "ret", o.privateExtern ?? []));
  execFileSync(TOOLS.mc as string, ["-triple", `${o.arch}-apple-macos11`, "-filetype=obj", src, "-o", out]);
  return out;
}

/** A Mach-O dylib `dir/name` exporting `exports`, linked by rust-lld: the export trie in LC_DYLD_INFO_ONLY, or with `chained` in LC_DYLD_EXPORTS_TRIE. */
export function machoDylib(dir: string, name: string, o: { arch: MachOArch; exports: string[]; local?: string[]; privateExtern?: string[]; chained?: boolean }): string {
  const obj = machoObject(dir, `${name}.o`, o);
  const out = join(dir, name);
  execFileSync(TOOLS.lld as string, ["-flavor", "darwin", "-dylib", "-arch", o.arch, "-platform_version", "macos", "11.0", "11.0", ...(o.chained ? ["-fixup_chains"] : []), "-install_name", `@rpath/${name}`, "-o", out, obj]);
  return out;
}

/** llvm-lipo -create: a universal file of `thins`. */
export function lipo(dir: string, name: string, thins: string[]): string {
  const out = join(dir, name);
  execFileSync(TOOLS.lipo as string, ["-create", ...thins, "-output", out]);
  return out;
}

/** The names llvm-nm lists as external and defined (`-gU`), C names (Mach-O's leading `_` removed). */
export function nmDefinedExternals(file: string, arch?: string): string[] {
  const text = execFileSync(TOOLS.nm as string, ["-gU", "-j", ...(arch ? ["--arch", arch] : []), file], { encoding: "utf8" });
  return text.split("\n").filter((l) => l.startsWith("_")).map((l) => l.slice(1)).sort();
}

/** The names llvm-objdump reads from a dylib's export trie (`--exports-trie`), C names. */
export function objdumpExportsTrie(file: string): string[] {
  const text = execFileSync(TOOLS.objdump as string, ["--macho", "--exports-trie", file], { encoding: "utf8" });
  return [...text.matchAll(/^0x[0-9A-Fa-f]+\s+_(\S+)/gm)].map((m) => m[1] as string).sort();
}

/** The export names llvm-objdump -p lists for a PE file. */
export function objdumpPeExports(file: string): string[] {
  const text = execFileSync(TOOLS.objdump as string, ["-p", file], { encoding: "utf8" });
  const table = text.slice(text.indexOf("Export Table:"));
  return [...table.matchAll(/^\s+\d+\s+0x[0-9a-f]+\s+(\S+)$/gm)].map((m) => m[1] as string);
}

/** The export names MinGW's objdump -p lists (`[Ordinal/Name Pointer] Table`). */
export function mingwObjdumpExports(file: string): string[] {
  const text = execFileSync(TOOLS.mingwObjdump as string, ["-p", file], { encoding: "utf8" });
  const table = text.slice(text.indexOf("[Ordinal/Name Pointer] Table"));
  const end = table.indexOf("\n\n");
  return [...table.slice(0, end < 0 ? undefined : end).matchAll(/^\s*\[\s*\d+\]\s+(\S+)$/gm)].map((m) => m[1] as string);
}
