/** maturin projects read unchanged: table selection, [package.metadata.maturin], implicit rules (config.ts + maturin-config.ts). */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectConfig } from "../../../src/build/project/config.js";
import { ConfigError } from "../../../src/errors.js";
import { writeTree } from "../../helpers/tree.js";

const tree = (files: Record<string, string>): string => writeTree("maturin-config", files);
const LIB = '[lib]\ncrate-type = ["cdylib"]\n';
const cargo = (deps = "", extra = "") => `[package]\nname = "my-ext"\nversion = "0.3.0"\n${extra}${LIB}[dependencies]\n${deps}`;
const MATURIN_BS = '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n';

describe("which table configures the build", () => {
  it("[tool.maturin] alone is read with maturin's meaning; unknown keys become a warning", () => {
    const d = tree({
      "Cargo.toml": cargo('pyo3 = "0.17"\n'),
      "src/lib.rs": "",
      "pyproject.toml": `${MATURIN_BS}[project]\nname = "my-ext"\nversion = "1"\n[tool.maturin]\nmodule-name = "pkg._n"\nfeatures = ["pyo3/extension-module"]\nskip-auditwheel = true\nbindings = "pyo3"\nzig = true\n`,
    });
    const c = loadProjectConfig({ cwd: d });
    expect(c.moduleName).toBe("pkg._n");
    expect(c.tool).toMatchObject({ bindings: "pyo3", features: ["pyo3/extension-module"], auditwheel: "skip" });
    expect(c.warnings).toEqual([`${join(d, "pyproject.toml")}: [tool.maturin] keys ignored by pyts-build: zig`]);
  });

  it("both tables: pyts-build's wins and a note says [tool.maturin] is ignored", () => {
    const d = tree({
      "Cargo.toml": cargo(),
      "src/lib.rs": "",
      "pyproject.toml": '[project]\nname = "my-ext"\nversion = "1"\n[tool.maturin]\nmodule-name = "m._m"\n[tool.pyts-build]\nmodule-name = "p._p"\n',
    });
    const c = loadProjectConfig({ cwd: d });
    expect(c.moduleName).toBe("p._p");
    expect(c.warnings).toEqual([`${join(d, "pyproject.toml")}: [tool.pyts-build] is present, so [tool.maturin] is ignored`]);
  });

  it("[package.metadata.maturin] name/python-source/data are honoured with a deprecation warning", () => {
    const d = tree({
      "Cargo.toml": cargo('pyo3-ffi = "0.17"\n') + '\n[package.metadata.maturin]\nname = "pm._ext"\npython-source = "py"\nclassifiers = ["X"]\n',
      "src/lib.rs": "",
      "py/pm/__init__.py": "",
    });
    const c = loadProjectConfig({ cwd: d });
    expect(c.moduleName).toBe("pm._ext");
    expect(c.pythonSource).toBe(join(d, "py"));
    expect(c.tool.bindings).toBe("pyo3-ffi");
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/Cargo.toml: \[package.metadata.maturin\] is deprecated \(maturin 1.x no longer reads it\).*ignored keys: classifiers$/);
  });
});

describe("maturin's implicit rules", () => {
  it("version from Cargo.toml when [project] has none and does not list it in dynamic, with a warning", () => {
    const d = tree({ "Cargo.toml": cargo(), "src/lib.rs": "", "pyproject.toml": `${MATURIN_BS}[project]\nname = "my-ext"\n` });
    const c = loadProjectConfig({ cwd: d });
    expect(c.metadata.version).toBe("0.3.0");
    expect(c.warnings).toEqual([`${join(d, "pyproject.toml")}: project.version is required unless "version" is in project.dynamic; using 0.3.0 from ${join(d, "Cargo.toml")}`]);
  });

  it.each([
    ["pyo3", 'pyo3 = { version = "0.17" }\npyo3-ffi = "0.17"\n', "", MATURIN_BS, "pyo3"],
    ["renamed pyo3-ffi", 'ffi = { package = "pyo3-ffi", version = "0.17" }\n', "", MATURIN_BS, "pyo3-ffi"],
    ["no pyo3 at all in a maturin project", 'libc = "0.2"\n', "", MATURIN_BS, "cffi"],
    ["no pyo3 at all in a pyts-build project (hand-written C API)", "", "", "", "pyo3"],
  ])("bindings: %s", (_what, deps, extra, bs, want) => {
    const d = tree({ "Cargo.toml": cargo(deps, extra), "src/lib.rs": "", "pyproject.toml": `${bs}[project]\nname = "my-ext"\nversion = "1"\n` });
    expect(loadProjectConfig({ cwd: d }).tool.bindings).toBe(want);
  });

  it("bindings: a workspace-inherited, renamed pyo3 is found through [workspace.dependencies]", () => {
    const d = tree({
      "Cargo.toml": '[workspace]\nmembers = ["m"]\n[workspace.dependencies]\npy = { package = "pyo3", version = "0.17", features = ["abi3-py38"] }\n',
      "m/Cargo.toml": cargo("py = { workspace = true }\n"),
      "m/src/lib.rs": "",
    });
    const c = loadProjectConfig({ cwd: join(d, "m") });
    expect(c.tool.bindings).toBe("pyo3");
    expect(c.cargo.pyo3).toEqual({ key: "py", package: "pyo3", features: ["abi3-py38"], optional: false });
  });

  it("bindings: a crate with binaries and no library is bin; uniffi is a clear not-supported-yet error", () => {
    const bin = tree({ "Cargo.toml": '[package]\nname = "tool"\nversion = "1.0.0"\n', "src/main.rs": "fn main() {}\n" });
    expect(loadProjectConfig({ cwd: bin }).tool.bindings).toBe("bin");
    const uni = tree({ "Cargo.toml": cargo('uniffi = "0.25"\n'), "src/lib.rs": "" });
    expect(() => loadProjectConfig({ cwd: uni })).toThrow(ConfigError);
    expect(() => loadProjectConfig({ cwd: uni })).toThrow(`${join(uni, "Cargo.toml")}: uniffi bindings are not supported yet by pyts-build`);
  });

  it("a Python package in src/<import name>/ or python/<module>/ makes a mixed project", () => {
    const src = tree({ "Cargo.toml": cargo(), "src/lib.rs": "", "src/my_ext/__init__.py": "", "pyproject.toml": '[project]\nname = "my-ext"\nversion = "1"\n' });
    expect(loadProjectConfig({ cwd: src }).pythonSource).toBe(join(src, "src"));
    const py = tree({ "Cargo.toml": cargo(), "src/lib.rs": "", "python/my_ext/__init__.py": "" });
    expect(loadProjectConfig({ cwd: py }).pythonSource).toBe(join(py, "python"));
    const none = tree({ "Cargo.toml": cargo(), "src/lib.rs": "", "python/other/__init__.py": "" });
    expect(loadProjectConfig({ cwd: none }).pythonSource).toBeUndefined();
  });

  it("-m sub/Cargo.toml finds ../pyproject.toml like maturin, and [tool.maturin] manifest-path from the project folder", () => {
    const d = tree({ "rust/Cargo.toml": cargo(), "rust/src/lib.rs": "", "pyproject.toml": `${MATURIN_BS}[project]\nname = "up"\nversion = "2"\n` });
    const c = loadProjectConfig({ cwd: "/", manifestPath: join(d, "rust/Cargo.toml") });
    expect(c.pyprojectPath).toBe(join(d, "pyproject.toml"));
    expect(c.projectDir).toBe(d);
    expect(c.metadata.name).toBe("up");
    const m = tree({ "crate/Cargo.toml": cargo(), "crate/src/lib.rs": "", "pyproject.toml": '[project]\nname = "mp"\nversion = "2"\n[tool.maturin]\nmanifest-path = "crate/Cargo.toml"\n' });
    expect(loadProjectConfig({ cwd: m }).cargo.path).toBe(join(m, "crate/Cargo.toml"));
    // a pyproject one folder up that points at another crate is not this crate's
    const other = tree({ "a/Cargo.toml": cargo(), "a/src/lib.rs": "", "pyproject.toml": '[project]\nname = "x"\nversion = "2"\n[tool.maturin]\nmanifest-path = "b/Cargo.toml"\n' });
    expect(loadProjectConfig({ cwd: "/", manifestPath: join(other, "a/Cargo.toml") }).pyprojectPath).toBeUndefined();
  });
});
