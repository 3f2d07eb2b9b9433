/**
 * The libpython check of a built extension (src/build/artifact.ts): which
 * PyO3 fix the error names, from the version cargo locked. The end-to-end
 * case (a real PyO3 0.17 crate without the feature) is test/e2e/pyo3-template.test.ts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkNotLinkedToLibpython, libpythonHint, lockedPyo3Version, pyo3ReadsExtensionModuleEnv } from "../../src/build/artifact.js";
import { ConfigError } from "../../src/errors.js";
import { EM_X86_64 } from "../../src/manylinux/audit/elf.js";
import { freshDir } from "../helpers/env.js";
import { buildElf } from "../manylinux/helpers/elf-builder.js";

const lock = (packages: [string, string][]): string => {
  const f = join(freshDir("lock"), "Cargo.lock");
  writeFileSync(f, "version = 3\n\n" + packages.map(([n, v]) => `[[package]]\nname = "${n}"\nversion = "${v}"\n`).join("\n"));
  return f;
};

describe("the locked pyo3 version", () => {
  it("from Cargo.lock: pyo3 (or pyo3-ffi), the newest when several; undefined without one", () => {
    expect(lockedPyo3Version(lock([["libc", "0.2.1"], ["pyo3", "0.17.3"], ["pyo3-ffi", "0.17.3"]]))).toBe("0.17.3");
    expect(lockedPyo3Version(lock([["pyo3", "0.9.2"], ["pyo3", "0.26.0"]]))).toBe("0.26.0");
    expect(lockedPyo3Version(lock([["pyo3-ffi", "0.27.1"]]))).toBe("0.27.1");
    expect(lockedPyo3Version(lock([["libc", "0.2.1"]]))).toBeUndefined();
    expect(lockedPyo3Version(join(freshDir("nolock"), "Cargo.lock"))).toBeUndefined();
    const broken = join(freshDir("badlock"), "Cargo.lock");
    writeFileSync(broken, "[[package]\n");
    expect(lockedPyo3Version(broken)).toBeUndefined(); // only chooses words: never an error
  });

  it("0.26 is where PyO3 reads PYO3_BUILD_EXTENSION_MODULE", () => {
    expect(pyo3ReadsExtensionModuleEnv("0.25.1")).toBe(false);
    expect(pyo3ReadsExtensionModuleEnv("0.26.0")).toBe(true);
    expect(pyo3ReadsExtensionModuleEnv("1.0.0")).toBe(true);
  });
});

describe("the hint", () => {
  it("old PyO3: the feature, with the line to write", () => {
    expect(libpythonHint(true, "0.17.3")).toBe(
      'pyo3 0.17.3 needs its extension-module feature: in Cargo.toml pyo3 = { version = "0.17", features = ["extension-module"] } (PyO3 0.26 and newer need nothing: pyts-build sets PYO3_BUILD_EXTENSION_MODULE=1)',
    );
  });
  it("new PyO3: nothing to enable, so the link comes from elsewhere", () => {
    expect(libpythonHint(true, "0.27.0")).toMatch(/^pyo3 0\.27\.0 was told by PYO3_BUILD_EXTENSION_MODULE=1 not to link libpython, so something else links it: /);
    expect(libpythonHint(true, "0.27.0")).not.toContain("features");
  });
  it("version unknown: both fixes; no PyO3: the link arguments", () => {
    const both = libpythonHint(true, undefined);
    expect(both).toContain('PyO3 older than 0.26 enable its extension-module feature');
    expect(both).toContain("PyO3 0.26 and newer need nothing (pyts-build sets PYO3_BUILD_EXTENSION_MODULE=1)");
    expect(libpythonHint(false, undefined)).toMatch(/^do not link libpython yourself/);
  });
});

describe("checkNotLinkedToLibpython", () => {
  const elf = (needed: string[]): string => {
    const f = join(freshDir("libpy-so"), "libm.so");
    writeFileSync(f, buildElf({ cls: 64, endian: "little", machine: EM_X86_64, needed }).bytes);
    return f;
  };
  it("passes a library without libpython; names the library, the link and the locked version's fix otherwise", () => {
    expect(() => checkNotLinkedToLibpython(elf(["libc.so.6"]), { usesPyo3: true })).not.toThrow();
    let err: unknown;
    try {
      checkNotLinkedToLibpython(elf(["libpython3.12.so.1.0", "libc.so.6"]), { usesPyo3: true, lockFile: lock([["pyo3", "0.20.0"]]) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe("libm.so links libpython3.12.so.1.0: a Python extension module must not link libpython");
    expect((err as ConfigError).hint).toMatch(/^pyo3 0\.20\.0 needs its extension-module feature/);
  });
});
