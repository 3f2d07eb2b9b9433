/**
 * Stubs read from real ELF libraries (made by cc, so any chunk can be written), and from Mach-O and PE ones:
 * the chunks found through their symbols, and each way the data can be missing or wrong.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { introspectLibrary, libraryStubFiles } from "../../../src/build/stubs/introspect.js";
import { BinaryError, ConfigError } from "../../../src/errors.js";
import { freshDir } from "../../helpers/env.js";
import { buildCLib } from "../../manylinux/helpers/build.js";
import { HAVE_LLVM, lipo, TOOLS } from "../../helpers/foreign-libs.js";

/** C source with one pyo3-style chunk static per (symbol, JSON) pair. */
function chunksSource(chunks: Array<[string, string]>): string {
  return chunks
    .map(([symbol, json], i) => {
      const bytes = [...Buffer.from(json)].join(",");
      return `struct c${i} { unsigned int length; unsigned char data[${Buffer.byteLength(json)}]; };\nconst struct c${i} ${symbol} = { ${Buffer.byteLength(json)}, { ${bytes} } };`;
    })
    .join("\n");
}

const MODULE = '{"id":"1","incomplete":false,"members":["2"],"name":"m","type":"module"}';
const FUNCTION = '{"arguments":{"args":[{"annotation":{"type":"name","id":"int"},"name":"x"}]},"id":"2","name":"f","returns":{"type":"name","id":"int"},"type":"function"}';

describe("introspectLibrary", () => {
  const dir = freshDir("introspect");
  const lib = (name: string, chunks: Array<[string, string]>) => buildCLib(dir, `lib${name}.so`, `${chunksSource(chunks)}\nint PyInit_m(void) { return 0; }\n`);

  it("finds the chunks by their symbols and renders the module", () => {
    const so = lib("good", [
      ["PYO3_INTROSPECTION_1_10", MODULE],
      ["PYO3_INTROSPECTION_1_11", FUNCTION],
    ]);
    expect(introspectLibrary(so, "m").functions.map((f) => f.name)).toEqual(["f"]);
    expect([...libraryStubFiles(so, "m")]).toEqual([["__init__.pyi", "def f(x: int) -> int: ...\n"]]);
  });

  it("no chunks: a ConfigError naming the library and pyo3's experimental-inspect feature", () => {
    const so = lib("none", []);
    expect(() => introspectLibrary(so, "m")).toThrow(ConfigError);
    expect(() => introspectLibrary(so, "m")).toThrow(/^libnone\.so has no pyo3 introspection data to generate stubs from: turn on pyo3's "experimental-inspect" feature$/);
  });

  it("another format version, broken JSON, another module name: errors naming the symbol or the module", () => {
    expect(() => introspectLibrary(lib("v2", [["PYO3_INTROSPECTION_2_1", MODULE]]), "m")).toThrow(/libv2\.so PYO3_INTROSPECTION_2_1: pyo3 introspection format "2" is not the one pyts-build reads \(1\)/);
    expect(() => introspectLibrary(lib("json", [["PYO3_INTROSPECTION_1_5", "{nope"]]), "m")).toThrow(/libjson\.so PYO3_INTROSPECTION_1_5: pyo3 introspection data is not JSON/);
    expect(() => introspectLibrary(lib("other", [["PYO3_INTROSPECTION_1_1", MODULE]]), "n")).toThrow(/libother\.so: the pyo3 introspection data has no module named n \(it has m\)/);
  });

  it("a file that is neither ELF, Mach-O nor PE: one line naming it", () => {
    const f = join(dir, "odd.so");
    writeFileSync(f, "no library at all");
    expect(() => introspectLibrary(f, "m")).toThrow(/^.*odd\.so is neither an ELF, a Mach-O nor a PE library: no stubs can be read from it$/);
  });
});

/**
 * macOS and Windows libraries carry the same chunks: made here by real tools (llvm-mc assembles the
 * statics, rust-lld links a Mach-O dylib or a PE DLL; this machine is neither system, and no loader of
 * theirs opens them), they must give exactly the stubs the ELF library gives.
 */
describe.skipIf(!HAVE_LLVM)("introspectLibrary on Mach-O and PE libraries", () => {
  const dir = freshDir("introspect-foreign");
  const CHUNKS: Array<[string, string]> = [
    ["PYO3_INTROSPECTION_1_10", MODULE],
    ["PYO3_INTROSPECTION_1_11", FUNCTION],
  ];
  /** Each chunk as a global static: a u32 length, then the JSON bytes. */
  const statics = (prefix: string, section: string) =>
    [section, ...CHUNKS.map(([sym, json]) => `.globl ${prefix}${sym}\n.p2align 2\n${prefix}${sym}:\n  .long ${Buffer.byteLength(json)}\n  .byte ${[...Buffer.from(json)].join(",")}\n`)].join("\n");
  const elfStubs = () => [...libraryStubFiles(buildCLib(dir, "libref.so", `${chunksSource(CHUNKS)}\nint PyInit_m(void) { return 0; }\n`), "m")];

  const dylib = (arch: "x86_64" | "arm64") => {
    const src = join(dir, `m-${arch}.s`);
    writeFileSync(src, statics("_", ".section __DATA,__const"));
    execFileSync(TOOLS.mc as string, ["-triple", `${arch}-apple-macos11`, "-filetype=obj", src, "-o", `${src}.o`]);
    const out = join(dir, `m-${arch}.so`);
    execFileSync(TOOLS.lld as string, ["-flavor", "darwin", "-dylib", "-arch", arch, "-platform_version", "macos", "11.0", "11.0", "-install_name", "@rpath/m.so", "-o", out, `${src}.o`]);
    return out;
  };

  it("a macOS dylib (thin, and universal2 joined by llvm-lipo): its symbols' data", () => {
    const x86 = dylib("x86_64");
    expect([...libraryStubFiles(x86, "m")]).toEqual(elfStubs());
    const fat = lipo(dir, "m-universal2.so", [x86, dylib("arm64")]);
    expect([...libraryStubFiles(fat, "m")]).toEqual(elfStubs());
  });

  it("damaged copies: one-line BinaryErrors, never data from outside the file", () => {
    const good = readFileSync(dylib("x86_64"));
    // every symbol's section number beyond the file's sections
    const b = Buffer.from(good);
    let at = 32;
    for (let i = 0; i < b.readUInt32LE(16); i++) {
      if (b.readUInt32LE(at) === 0x2) {
        const [symoff, nsyms] = [b.readUInt32LE(at + 8), b.readUInt32LE(at + 12)];
        for (let k = 0; k < nsyms; k++) b[symoff + 16 * k + 5] = 200;
      }
      at += b.readUInt32LE(at + 4);
    }
    const bad = join(dir, "bad.so");
    writeFileSync(bad, b);
    expect(() => introspectLibrary(bad, "m")).toThrow(BinaryError);
    expect(() => introspectLibrary(bad, "m")).toThrow(/^bad\.so is not a readable Mach-O library: symbol _PYO3_INTROSPECTION_1_1\d names section 200, which the file does not have$/);
    writeFileSync(bad, good.subarray(0, 40));
    expect(() => introspectLibrary(bad, "m")).toThrow(/^bad\.so is not a readable Mach-O library: its load commands \(\d+ bytes\) run past the end of the file$/);
  });

  it("a Windows .pyd: its exports' data", () => {
    const src = join(dir, "m-win.s");
    writeFileSync(src, statics("", '.section .rdata,"dr"'));
    execFileSync(TOOLS.mc as string, ["-triple", "x86_64-pc-windows-msvc", "-filetype=obj", src, "-o", `${src}.obj`]);
    const out = join(dir, "m.pyd");
    execFileSync(TOOLS.lld as string, ["-flavor", "link", "/dll", "/noentry", "/nodefaultlib", "/machine:x64", ...CHUNKS.map(([sym]) => `/export:${sym},DATA`), `/out:${out}`, `${src}.obj`]);
    expect([...libraryStubFiles(out, "m")]).toEqual(elfStubs());
    // cut inside its sections: the export directory is no longer in the file
    const cut = join(dir, "cut.pyd");
    writeFileSync(cut, readFileSync(out).subarray(0, 1024));
    expect(() => introspectLibrary(cut, "m")).toThrow(/^cut\.pyd is not a readable Windows DLL: .*(runs past its section or the file|is in no section's data|beyond the end of the file)/);
  });
});
