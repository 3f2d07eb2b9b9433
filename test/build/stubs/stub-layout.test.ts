import { describe, expect, it } from "vitest";
import { stubsBesideModule, stubsInPackage } from "../../../src/build/stubs/stub-layout.js";

// maturin 1.15's places (src/binding_generator/pyo3_binding.rs, commands/generate_stubs.rs)
const ONE = new Map([["__init__.pyi", "ROOT"]]);
const TWO = new Map([
  ["__init__.pyi", "ROOT"],
  ["sub.pyi", "SUB"],
]);

describe("stub placement", () => {
  it("pure Rust: every file inside the module's package, with py.typed", () => {
    expect(stubsInPackage(ONE, "demo")).toEqual([
      { path: "demo/__init__.pyi", text: "ROOT" },
      { path: "demo/py.typed", text: "" },
    ]);
    expect(stubsInPackage(TWO, "demo").map((s) => s.path)).toEqual(["demo/__init__.pyi", "demo/sub.pyi", "demo/py.typed"]);
  });

  it("beside the extension: one file as <module>.pyi, several in a folder <module>/", () => {
    expect(stubsBesideModule(ONE, "_native", "pkg")).toEqual([{ path: "pkg/_native.pyi", text: "ROOT" }]);
    expect(stubsBesideModule(TWO, "_native", "pkg/inner")).toEqual([
      { path: "pkg/inner/_native/__init__.pyi", text: "ROOT" },
      { path: "pkg/inner/_native/sub.pyi", text: "SUB" },
    ]);
    expect(stubsBesideModule(ONE, "demo", "")).toEqual([{ path: "demo.pyi", text: "ROOT" }]);
  });
});
