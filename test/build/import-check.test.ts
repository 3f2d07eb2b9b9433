import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkImportable, checkShippedExtensions, exportedModuleInits, importProblem } from "../../src/build/import-check.js";
import { freshDir } from "../helpers/env.js";
import { buildCLib } from "../manylinux/helpers/build.js";

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
    writeFileSync(text, "Mach-O stand-in");
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
