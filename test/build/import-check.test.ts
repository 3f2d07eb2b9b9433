import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkImportable, checkShippedExtensions, exportedModuleInits, importProblem } from "../../src/build/import-check.js";
import { freshDir } from "../helpers/env.js";
import { buildCLib } from "../manylinux/helpers/build.js";
import { HAVE_LLVM, HAVE_MINGW, machoDylib, peDll } from "../helpers/foreign-libs.js";
import { writeFatMachO } from "../../src/wheel/macho-fat.js";
import { readFileSync } from "node:fs";

describe("importProblem (the words)", () => {
  it("the module's own PyInit_ (or PEP 793's PyModExport_) is enough", () => {
    expect(importProblem("libx.so", "pkg._native", "pyo3", ["PyInit__native"])).toBeUndefined();
    expect(importProblem("libx.so", "x", "pyo3-ffi", ["PyInit_other", "PyInit_x"])).toBeUndefined();
    expect(importProblem("libx.so", "x", "pyo3", ["PyModExport_x"])).toBeUndefined();
  });

  it("a mismatch lists what the library exports and both fixes", () => {
    expect(importProblem("libx.so", "pkg.wanted", "pyo3", ["PyInit_a", "PyInit_b"])).toEqual([
      'libx.so exports PyInit_a, PyInit_b but not PyInit_wanted, so "import pkg.wanted" would fail',
      'set module-name = "pkg.a" in pyproject.toml, or rename the Rust module to match: #[pymodule] fn wanted',
    ]);
  });

  it("no PyInit_* at all: an error for PyO3 bindings, expected for cffi (and nothing to check for bin)", () => {
    const [message, hint] = importProblem("libx.so", "x", "pyo3", []) ?? [];
    expect(message).toBe("libx.so exports no PyInit_* function, so Python cannot import it as the extension module x");
    expect(hint).toContain("#[pymodule] fn x");
    expect(hint).toContain('bindings = "cffi"');
    expect(importProblem("libx.so", "x", "cffi", [])).toBeUndefined();
    expect(importProblem("libx.so", "x", "bin", [])).toBeUndefined();
  });
});

describe("reading the exports (real ELF files from cc)", () => {
  const dir = freshDir("import-check");
  const lib = buildCLib(dir, "libm1.so", "int PyInit_m1(void) { return 1; }\nint PyModExport_m1x(void) { return 2; }\nstatic int PyInit_hidden(void) { return 3; }\nint use(void) { return PyInit_hidden(); }\n");

  it("global PyInit_/PyModExport_ symbols only (a static one is not exported)", () => {
    expect(exportedModuleInits(lib)).toEqual(["PyInit_m1", "PyModExport_m1x"]);
    const text = join(dir, "not-elf.so");
    writeFileSync(text, "not an ELF file");
    expect(exportedModuleInits(text)).toBeUndefined();
  });

  it("checkImportable: passes for the exported name, throws a ConfigError otherwise; cffi and non-ELF are not checked", () => {
    expect(() => checkImportable(lib, "pkg.m1", "pyo3")).not.toThrow();
    expect(() => checkImportable(lib, "pkg.m2", "pyo3")).toThrow(/libm1\.so exports PyInit_m1 but not PyInit_m2/);
    expect(() => checkImportable(lib, "pkg.m2", "cffi")).not.toThrow();
    const text = join(dir, "mac.dylib");
    writeFileSync(text, "neither ELF, PE nor Mach-O");
    expect(() => checkImportable(text, "m2", "pyo3")).not.toThrow();
  });

  it("checkShippedExtensions: other tagged extension files in the wheel are held to their file names", () => {
    const ok = [{ path: "pkg/m1.cpython-311-x86_64-linux-gnu.so", source: { file: lib } }];
    expect(() => checkShippedExtensions(ok, undefined)).not.toThrow();
    const renamed = [{ path: "pkg/m2.abi3.so", source: { file: lib } }];
    expect(() => checkShippedExtensions(renamed, undefined)).toThrow(/pkg\/m2\.abi3\.so exports PyInit_m1 but not PyInit_m2, so "import pkg\.m2" would fail/);
    // the build's own library (checked against module-name already), untagged names, .data and .libs are skipped
    expect(() => checkShippedExtensions(renamed, lib)).not.toThrow();
    const skipped = ["pkg/libhelper.so", "x-1.0.data/data/m2.abi3.so", "x.libs/m2.abi3.so"].map((path) => ({ path, source: { file: lib } }));
    expect(() => checkShippedExtensions(skipped, undefined)).not.toThrow();
    // platlib installs into site-packages: its modules count
    const platlib = [{ path: "x-1.0.data/platlib/sub/m2.abi3.so", source: { file: lib } }];
    expect(() => checkShippedExtensions(platlib, undefined)).toThrow(/"import sub\.m2" would fail/);
  });
});

/*
 * Windows and macOS libraries, made here by real linkers (test/helpers/foreign-libs.ts): this machine is
 * neither, so what a Windows or macOS build's import check decides is verified on these files only.
 */
describe.skipIf(!HAVE_LLVM)("reading the exports of a .pyd (PE) and a macOS .so (Mach-O)", () => {
  const dir = freshDir("import-check-foreign");

  it("a .pyd is held to its export table, like an ELF library", () => {
    const pyd = peDll(dir, "foo.pyd", { machine: "x86_64", exports: ["PyInit_foo", "helper"], local: ["PyInit_bar"], via: "lld" });
    expect(exportedModuleInits(pyd)).toEqual(["PyInit_foo"]);
    expect(() => checkImportable(pyd, "pkg.foo", "pyo3")).not.toThrow();
    expect(() => checkImportable(pyd, "pkg.bar", "pyo3")).toThrow(/^foo\.pyd exports PyInit_foo but not PyInit_bar, so "import pkg\.bar" would fail$/);
    const arm = peDll(dir, "none.pyd", { machine: "aarch64", exports: ["helper"], via: "lld" });
    expect(() => checkImportable(arm, "none", "pyo3")).toThrow(/^none\.pyd exports no PyInit_\* function/);
    const shipped = [{ path: "pkg/other.cp311-win_amd64.pyd", source: { file: pyd } }];
    expect(() => checkShippedExtensions(shipped, undefined)).toThrow(/pkg\/other\.cp311-win_amd64\.pyd exports PyInit_foo but not PyInit_other/);
  });

  it.skipIf(!HAVE_MINGW)("a GNU-linked .pyd (MinGW) too", () => {
    const pyd = peDll(dir, "gnu.pyd", { machine: "x86_64", exports: ["PyModExport_gnu"], via: "mingw" });
    expect(() => checkImportable(pyd, "gnu", "pyo3")).not.toThrow();
    expect(() => checkImportable(pyd, "ung", "pyo3")).toThrow(/gnu\.pyd exports no PyInit_\* function/);
  });

  it("a macOS library by its export trie: the Mach-O `_` is not part of the name", () => {
    const so = machoDylib(dir, "libfoo.dylib", { arch: "arm64", exports: ["PyInit_foo"], privateExtern: ["PyInit_hidden"] });
    expect(exportedModuleInits(so)).toEqual(["PyInit_foo"]);
    expect(() => checkImportable(so, "foo", "pyo3")).not.toThrow();
    expect(() => checkImportable(so, "hidden", "pyo3")).toThrow(/libfoo\.dylib exports PyInit_foo but not PyInit_hidden/);
  });

  it("a universal2 library: every slice must export the init function", () => {
    const x86 = readFileSync(machoDylib(dir, "x.dylib", { arch: "x86_64", exports: ["PyInit_u"] }));
    const armOk = readFileSync(machoDylib(dir, "a.dylib", { arch: "arm64", exports: ["PyInit_u"] }));
    const armBad = readFileSync(machoDylib(dir, "b.dylib", { arch: "arm64", exports: ["PyInit_v"] }));
    const ok = join(dir, "ok.so");
    writeFileSync(ok, writeFatMachO([{ bytes: x86 }, { bytes: armOk }]));
    expect(() => checkImportable(ok, "u", "pyo3")).not.toThrow();
    const bad = join(dir, "bad.so");
    writeFileSync(bad, writeFatMachO([{ bytes: x86 }, { bytes: armBad }]));
    expect(exportedModuleInits(bad)).toEqual([]);
    expect(() => checkImportable(bad, "u", "pyo3")).toThrow(/^bad\.so \(its arm64 part\) exports PyInit_v but not PyInit_u/);
  });

  it("a damaged library is a one-line BinaryError naming it", () => {
    const pyd = readFileSync(peDll(dir, "cut.pyd", { machine: "x86_64", exports: ["PyInit_cut"], via: "lld" }));
    const cut = join(dir, "cut2.pyd");
    writeFileSync(cut, pyd.subarray(0, 0x100));
    expect(() => checkImportable(cut, "cut", "pyo3")).toThrow(/^cut2\.pyd is not a readable Windows DLL: /);
  });
});
