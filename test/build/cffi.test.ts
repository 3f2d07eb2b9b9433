import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cbindgenConfig, generateCffiModule } from "../../src/build/cffi.js";
import { ConfigError, ToolMissingError } from "../../src/errors.js";
import { fixture } from "../e2e/wheel-helpers.js";
import { SYSTEM_PYTHON, testEnv } from "../helpers/env.js";
import { writeTree } from "../helpers/tree.js";

describe("cbindgenConfig", () => {
  it("keeps the crate's own settings but forces plain C without preprocessor lines", () => {
    const own = { language: "C++", include_guard: "X_H", style: "type", export: { prefix: "my_" }, no_includes: false, defines: { "feature = x": "X" } };
    expect(cbindgenConfig(own)).toEqual({
      style: "type",
      export: { prefix: "my_" },
      language: "C",
      no_includes: true,
      sys_includes: [],
      pragma_once: false,
      cpp_compat: false,
      defines: {},
    });
  });
});

describe("generateCffiModule (real cffi in Debian's python3)", () => {
  it("a header the project provides in the target folder is used as is", async () => {
    const d = writeTree("cffi-header", { "target/header.h": "int twice(int x);\ntypedef struct Pair { int a; int b; } Pair;\n" });
    const ffi = await generateCffiModule({ crateDir: d, targetDir: join(d, "target"), python: SYSTEM_PYTHON, env: testEnv() });
    expect(ffi).toContain("import _cffi_backend");
    expect(ffi).toContain("twice");
    expect(ffi).toContain("Pair");
  });

  it("cbindgen on the crate, when there is no header", async () => {
    const crate = fixture("maturin/cffi-pure");
    const ffi = await generateCffiModule({ crateDir: crate, targetDir: writeTree("cffi-target", {}), python: SYSTEM_PYTHON, env: testEnv() });
    expect(ffi).toContain("cffi_add");
    expect(ffi).toContain("point_norm2");
  });

  it("a missing cbindgen, and a header cffi cannot read, are user errors naming the fix", async () => {
    const crate = fixture("maturin/cffi-pure");
    const noCbindgen = generateCffiModule({ crateDir: crate, targetDir: writeTree("cffi-target", {}), python: SYSTEM_PYTHON, env: testEnv({ CBINDGEN: "/no/such/cbindgen" }) });
    await expect(noCbindgen).rejects.toThrow(ToolMissingError);
    await expect(noCbindgen).rejects.toThrow("/no/such/cbindgen was not found");
    const d = writeTree("cffi-bad", { "target/header.h": "#include <stdio.h>\nint f(void);\n" });
    const bad = generateCffiModule({ crateDir: d, targetDir: join(d, "target"), python: SYSTEM_PYTHON, env: testEnv() });
    await expect(bad).rejects.toThrow(ConfigError);
    await expect(bad).rejects.toThrow(/cffi could not read the C header of .*: /);
  });
});
