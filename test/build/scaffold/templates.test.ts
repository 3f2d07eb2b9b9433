/** The new-project templates (pure): the PyO3 API and Cargo features follow the pyo3 version. */
import { describe, expect, it } from "vitest";
import { parseToml } from "../../../src/build/project/toml.js";
import { addCdylibCrateType } from "../../../src/build/scaffold/new-project.js";
import { cargoToml, cffiSource, importNameFor, projectFiles, pyo3AtLeast, pyo3Dependency, pyo3ModuleSource, pyprojectToml, testFile } from "../../../src/build/scaffold/templates.js";

describe("templates", () => {
  it("pick the pyo3 API by version: &PyModule before 0.21, Bound from 0.21, no extension-module feature from 0.26", () => {
    expect(pyo3AtLeast("0.20.3", 21)).toBe(false);
    expect(pyo3AtLeast("0.21.0", 21)).toBe(true);
    expect(pyo3AtLeast("1.0.0", 26)).toBe(true);
    expect(pyo3ModuleSource("0.17.3", "m", "m")).toContain("fn m(_py: Python<'_>, m: &PyModule) -> PyResult<()>");
    expect(pyo3ModuleSource("0.22.6", "m", "m")).toContain("fn m(m: &Bound<'_, PyModule>) -> PyResult<()>");
    expect(pyo3ModuleSource("0.22.6", "_m", "m")).toContain('#[pymodule]\n#[pyo3(name = "_m")]\nfn m(');
    expect(pyo3Dependency("0.25.1")).toBe('pyo3 = { version = "0.25.1", features = ["extension-module"] }\n');
    expect(pyo3Dependency("0.26.0")).toBe('pyo3 = "0.26.0"\n');
  });

  it("export C functions the way the crate's edition wants", () => {
    expect(cffiSource("2021")).toContain('#[no_mangle]\npub extern "C" fn add(a: i64, b: i64) -> i64');
    expect(cffiSource("2024")).toContain('#[unsafe(no_mangle)]\npub extern "C" fn add');
  });

  it("write TOML that parses, with the names derived from the project name", () => {
    expect(importNameFor("My-Project.x")).toBe("my_project_x");
    const cargo = parseToml(cargoToml({ name: "my.proj", bindings: "pyo3", mixed: false, pyo3Version: "0.17.3" }), "Cargo.toml");
    expect(cargo).toMatchObject({ package: { name: "my_proj" }, lib: { name: "my_proj", "crate-type": ["cdylib"] } });
    const bin = parseToml(cargoToml({ name: "tool", bindings: "bin", mixed: false }), "Cargo.toml");
    expect(bin.lib).toBeUndefined();
    const py = parseToml(pyprojectToml({ name: "p", bindings: "cffi", mixed: true }), "pyproject.toml");
    expect(py).toMatchObject({
      "build-system": { "build-backend": "pyts_build" },
      project: { name: "p", dynamic: ["version"] },
      tool: { "pyts-build": { bindings: "cffi", "python-source": "python", "module-name": "p._p" } },
    });
  });

  it("list the files of each kind of project", () => {
    const paths = (o: Parameters<typeof projectFiles>[0]) => projectFiles(o).map((f) => f.path);
    expect(paths({ name: "a", bindings: "pyo3", mixed: true, pyo3Version: "0.17.3" })).toEqual([
      "Cargo.toml", "pyproject.toml", "README.md", ".gitignore", "src/lib.rs", "python/a/__init__.py", "python/a/_a.pyi", "python/a/py.typed", "tests/test_a.py",
    ]);
    expect(paths({ name: "a", bindings: "cffi", mixed: false })).toEqual(["Cargo.toml", "pyproject.toml", "README.md", ".gitignore", "src/lib.rs", "tests/test_a.py"]);
    expect(() => projectFiles({ name: "a", bindings: "pyo3", mixed: false })).toThrow(/pyo3 version/);
  });

  it("generate a unittest test that also runs as a script; a smoke test for existing code", () => {
    const t = testFile({ name: "my-proj", bindings: "pyo3", mixed: false });
    expect(t).toContain("class TestMyProj(unittest.TestCase):");
    expect(t).toContain("self.assertEqual(my_proj.add(2, 3), 5)");
    expect(t).toContain('if __name__ == "__main__":\n    unittest.main()');
    expect(testFile({ name: "x", bindings: "pyo3", mixed: false }, { smoke: true })).not.toContain("add(");
    expect(testFile({ name: "x", bindings: "bin", mixed: false }, { smoke: true })).not.toContain("assertEqual(out");
  });
});

describe("addCdylibCrateType", () => {
  it("adds [lib] with cdylib and rlib, or cdylib to an existing crate-type, and keeps the rest", () => {
    expect(addCdylibCrateType('[package]\nname = "a"\n', "C")).toBe('[package]\nname = "a"\n\n[lib]\ncrate-type = ["cdylib", "rlib"]\n');
    expect(addCdylibCrateType('[lib]\nname = "a"\n\n[dependencies]\n', "C")).toBe('[lib]\ncrate-type = ["cdylib", "rlib"]\nname = "a"\n\n[dependencies]\n');
    expect(addCdylibCrateType('[lib]\ncrate-type = ["rlib"] # why\n', "C")).toBe('[lib]\ncrate-type = ["cdylib", "rlib"] # why\n');
    const done = '[lib]\ncrate-type = ["cdylib"]\n';
    expect(addCdylibCrateType(done, "C")).toBe(done);
    expect(() => addCdylibCrateType('[lib]\ncrate-type = [\n  "rlib",\n]\n', "C")).toThrow(/spans several lines/);
  });
});
