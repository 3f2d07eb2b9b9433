import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectConfig } from "../../src/build/project/config.js";
import type { InterpreterInfo } from "../../src/build/python/interpreter-info.js";
import { cffiInit, layoutWheel, reexportInit, wheelTags } from "../../src/build/layout.js";
import { addWheelContents } from "../../src/wheel/wheel.js";
import { MemoryWriter } from "../../src/wheel/writer.js";
import { fakeInterpreter } from "../helpers/interpreter-info.js";
import { writeTree } from "../helpers/tree.js";

const CP311: InterpreterInfo = fakeInterpreter(11, { executable: "/usr/bin/python3.11" });
const PYPY: InterpreterInfo = {
  ...CP311,
  executable: "/usr/bin/pypy3",
  implementation: "pypy",
  minor: 9,
  extSuffix: ".pypy39-pp73-x86_64-linux-gnu.so",
  soabi: "pypy39-pp73-x86_64-linux-gnu",
};

const CARGO = '[package]\nname = "demo-ext"\nversion = "0.1.0"\n[lib]\nname = "demo"\ncrate-type = ["cdylib"]\n';

function project(files: Record<string, string>) {
  const d = writeTree("layout", { "Cargo.toml": CARGO, "src/lib.rs": "", ...files });
  const artifact = join(d, "target/release/libdemo.so");
  mkdirSync(dirname(artifact), { recursive: true });
  writeFileSync(artifact, "ELF...");
  return { d, artifact, config: loadProjectConfig({ cwd: d }) };
}

const paths = (fs: Array<{ path: string }>) => fs.map((f) => f.path).sort();

describe("layoutWheel", () => {
  // The pure-Rust, mixed, cffi and bin layouts below are maturin 1.15's for the same
  // projects (checked by building each with maturin build; see test/e2e/maturin-layout.test.ts).
  it("pure Rust: a package re-exporting the module, named from EXT_SUFFIX", () => {
    const { config, artifact } = project({});
    const files = layoutWheel({ config, interpreter: CP311, artifact });
    expect(files).toEqual([
      { path: "demo/__init__.py", source: { bytes: reexportInit("demo") } },
      { path: "demo/demo.cpython-311-x86_64-linux-gnu.so", source: { file: artifact }, executable: true },
    ]);
    const ext = (i: InterpreterInfo, abi3 = false) => paths(layoutWheel({ config, interpreter: i, artifact, abi3 })).filter((p) => !p.endsWith(".py"));
    expect(ext(PYPY)).toEqual(["demo/demo.pypy39-pp73-x86_64-linux-gnu.so"]);
    expect(ext(CP311, true)).toEqual(["demo/demo.abi3.so"]);
    // PyPy has no abi3: the build is version-specific there
    expect(ext(PYPY, true)).toEqual(["demo/demo.pypy39-pp73-x86_64-linux-gnu.so"]);
  });

  it("pure Rust with a stub: __init__.pyi and py.typed in the package", () => {
    const { config, artifact, d } = project({ "demo.pyi": "def f() -> int: ...\n" });
    const files = layoutWheel({ config, interpreter: CP311, artifact });
    expect(paths(files)).toEqual(["demo/__init__.py", "demo/__init__.pyi", "demo/demo.cpython-311-x86_64-linux-gnu.so", "demo/py.typed"]);
    expect(files.find((f) => f.path === "demo/__init__.pyi")?.source).toEqual({ file: join(d, "demo.pyi") });
  });

  it("pure Rust with a dotted module name: like maturin, the package is the last part", () => {
    const { config, artifact } = project({ "pyproject.toml": '[tool.pyts-build]\nmodule-name = "a.b._native"\n', "_native.pyi": "" });
    expect(paths(layoutWheel({ config, interpreter: CP311, artifact }))).toEqual([
      "_native/__init__.py",
      "_native/__init__.pyi",
      "_native/_native.cpython-311-x86_64-linux-gnu.so",
      "_native/py.typed",
    ]);
  });

  it("cffi, pure: loader, ffi.py and lib<name>.so in the package", () => {
    const { config, artifact } = project({ "pyproject.toml": '[tool.pyts-build]\nbindings = "cffi"\n', "demo.pyi": "" });
    const files = layoutWheel({ config, interpreter: CP311, artifact, cffiModule: "ffi = 1\n" });
    expect(paths(files)).toEqual(["demo/__init__.py", "demo/__init__.pyi", "demo/ffi.py", "demo/libdemo.so", "demo/py.typed"]);
    expect(files.find((f) => f.path === "demo/__init__.py")?.source).toEqual({ bytes: cffiInit("libdemo.so") });
    expect(files.find((f) => f.path === "demo/ffi.py")?.source).toEqual({ bytes: "ffi = 1\n" });
    expect(files.find((f) => f.path === "demo/libdemo.so")).toEqual({ path: "demo/libdemo.so", source: { file: artifact }, executable: true });
    expect(paths(layoutWheel({ config, interpreter: { ...CP311, system: "darwin" }, artifact: artifact.replace(/\.so$/, ".dylib"), cffiModule: "" }))).toContain("demo/libdemo.dylib");
  });

  it("cffi, mixed: a sub-package named after the module's last part; a copy from a develop build is replaced", () => {
    const { config, artifact } = project({
      "pyproject.toml": '[tool.pyts-build]\nbindings = "cffi"\nmodule-name = "pkg._native"\npython-source = "python"\n',
      "python/pkg/__init__.py": "from ._native import lib\n",
      "python/pkg/_native/ffi.py": "old",
    });
    const files = layoutWheel({ config, interpreter: CP311, artifact, cffiModule: "new" });
    expect(paths(files)).toEqual(["pkg/__init__.py", "pkg/_native/__init__.py", "pkg/_native/ffi.py", "pkg/_native/lib_native.so"]);
    expect(files.find((f) => f.path === "pkg/_native/ffi.py")?.source).toEqual({ bytes: "new" });
  });

  it("cffi without the generated module is an internal error", () => {
    const { config, artifact } = project({ "pyproject.toml": '[tool.pyts-build]\nbindings = "cffi"\n' });
    expect(() => layoutWheel({ config, interpreter: CP311, artifact })).toThrow(/needs the generated ffi.py/);
  });

  it("mixed: the Python package as is, the extension inside, litter and stale builds left out", () => {
    const { config, artifact } = project({
      "pyproject.toml": '[tool.pyts-build]\nmodule-name = "pkg._native"\npython-source = "python"\npython-packages = ["helper", "single"]\n',
      "python/pkg/__init__.py": "from ._native import *\n",
      "python/pkg/util.py": "",
      "python/pkg/sub/x.py": "",
      "python/pkg/__pycache__/util.cpython-311.pyc": "",
      "python/pkg/_native.cpython-39-x86_64-linux-gnu.so": "stale",
      "python/helper/__init__.py": "",
      "python/single.py": "",
      "python/other/__init__.py": "",
      "_native.pyi": "", // like maturin: a stub outside the package is not shipped
    });
    expect(paths(layoutWheel({ config, interpreter: CP311, artifact }))).toEqual([
      "helper/__init__.py",
      "pkg/__init__.py",
      "pkg/_native.cpython-311-x86_64-linux-gnu.so",
      "pkg/sub/x.py",
      "pkg/util.py",
      "single.py",
    ]);
  });

  it("mixed with an undotted name: the extension goes inside the same-named package", () => {
    const { config, artifact } = project({ "pyproject.toml": '[tool.pyts-build]\npython-source = "py"\n', "py/demo/__init__.py": "" });
    expect(paths(layoutWheel({ config, interpreter: CP311, artifact }))).toEqual(["demo/__init__.py", "demo/demo.cpython-311-x86_64-linux-gnu.so"]);
  });

  it("generated stubs: in the package with py.typed when pure (a hand-written stub set aside), beside the extension when mixed", () => {
    const stubs = new Map([
      ["__init__.pyi", "ROOT"],
      ["sub.pyi", "SUB"],
    ]);
    const pure = project({ "demo.pyi": "hand-written" });
    const files = layoutWheel({ config: pure.config, interpreter: CP311, artifact: pure.artifact, stubs });
    expect(paths(files)).toEqual(["demo/__init__.py", "demo/__init__.pyi", "demo/demo.cpython-311-x86_64-linux-gnu.so", "demo/py.typed", "demo/sub.pyi"]);
    expect(files.find((f) => f.path === "demo/__init__.pyi")?.source).toEqual({ bytes: "ROOT" });
    const mixed = project({ "pyproject.toml": '[tool.pyts-build]\nmodule-name = "pkg._native"\npython-source = "python"\n', "python/pkg/__init__.py": "", "python/pkg/_native.pyi": "old" });
    const one = layoutWheel({ config: mixed.config, interpreter: CP311, artifact: mixed.artifact, stubs: new Map([["__init__.pyi", "ROOT"]]) });
    expect(paths(one)).toEqual(["pkg/__init__.py", "pkg/_native.cpython-311-x86_64-linux-gnu.so", "pkg/_native.pyi"]);
    expect(one.find((f) => f.path === "pkg/_native.pyi")?.source).toEqual({ bytes: "ROOT" }); // generated, not the copy in the sources
    expect(paths(layoutWheel({ config: mixed.config, interpreter: CP311, artifact: mixed.artifact, stubs }))).toEqual([
      "pkg/__init__.py",
      "pkg/_native.cpython-311-x86_64-linux-gnu.so",
      "pkg/_native.pyi",
      "pkg/_native/__init__.pyi",
      "pkg/_native/sub.pyi",
    ]);
  });

  it("a missing package folder in python-source is a ConfigError (the top package: already when the config is read)", () => {
    expect(() => project({ "pyproject.toml": '[tool.pyts-build]\nmodule-name = "pkg._native"\npython-source = "python"\n', "python/README": "" })).toThrow(/no Python package "pkg" for the module pkg._native/);
    const { config, artifact } = project({ "pyproject.toml": '[tool.pyts-build]\nmodule-name = "pkg.sub._native"\npython-source = "python"\n', "python/pkg/__init__.py": "" });
    expect(() => layoutWheel({ config, interpreter: CP311, artifact })).toThrow(/has no package folder "pkg\/sub" for the module pkg.sub._native/);
  });

  it("include/exclude globs for the wheel format", () => {
    const { config, artifact } = project({
      "pyproject.toml": `[tool.pyts-build]
module-name = "pkg._native"
python-source = "python"
include = [{path = "python/extra/*.json", format = "wheel"}, "top.txt", {path = "sdist-only.txt", format = "sdist"}]
exclude = ["**/*.tmp", {path = "python/pkg/secret.py", format = "wheel"}]
`,
      "python/pkg/__init__.py": "",
      "python/pkg/scratch.tmp": "",
      "python/pkg/secret.py": "",
      "python/extra/a.json": "{}",
      "top.txt": "",
      "sdist-only.txt": "",
    });
    expect(paths(layoutWheel({ config, interpreter: CP311, artifact }))).toEqual([
      "extra/a.json",
      "pkg/__init__.py",
      "pkg/_native.cpython-311-x86_64-linux-gnu.so",
      "top.txt",
    ]);
  });

  it("the .data folder: categories kept, scripts executable", () => {
    const { config, artifact, d } = project({ "demo_ext.data/scripts/run.sh": "#!/bin/sh\n", "demo_ext.data/data/share/demo/info.txt": "i" });
    const files = layoutWheel({ config, interpreter: CP311, artifact });
    expect(files.filter((f) => f.path.includes(".data/"))).toEqual([
      { path: "demo_ext-0.1.0.data/data/share/demo/info.txt", source: { file: join(d, "demo_ext.data/data/share/demo/info.txt") } },
      { path: "demo_ext-0.1.0.data/scripts/run.sh", source: { file: join(d, "demo_ext.data/scripts/run.sh") }, executable: true },
    ]);
  });

  it("a file outside the data categories is a ConfigError", () => {
    const { config, artifact } = project({ "demo_ext.data/bin/run.sh": "" });
    expect(() => layoutWheel({ config, interpreter: CP311, artifact })).toThrow(/is not inside one of data, headers, platlib, purelib, scripts/);
  });

  it("binaries (bindings = bin) become scripts", () => {
    const { config } = project({ "pyproject.toml": '[tool.pyts-build]\nbindings = "bin"\n' });
    expect(layoutWheel({ config, interpreter: CP311, binaries: [{ name: "tool", path: "/t/tool" }] })).toEqual([
      { path: "demo_ext-0.1.0.data/scripts/tool", source: { file: "/t/tool" }, executable: true },
    ]);
  });

  it("binaries with a Python package: the package ships too", () => {
    const { config } = project({ "pyproject.toml": '[tool.pyts-build]\nbindings = "bin"\npython-source = "python"\n', "python/demo/__init__.py": "" });
    expect(paths(layoutWheel({ config, interpreter: CP311, binaries: [{ name: "tool", path: "/t/tool" }] }))).toEqual([
      "demo/__init__.py",
      "demo_ext-0.1.0.data/scripts/tool",
    ]);
  });

  it("maturin's data folder name, <module-name>.data, is found too", () => {
    const { config } = project({ "pyproject.toml": '[tool.pyts-build]\nmodule-name = "pkg._native"\n', "pkg._native.data/headers/x.h": "" });
    expect(paths(layoutWheel({ config, interpreter: CP311, artifact: join(config.projectDir, "target/release/libdemo.so") }))).toContain("demo_ext-0.1.0.data/headers/x.h");
  });

  it("the files write through the real wheel writer (MemoryWriter)", async () => {
    const { config, artifact, d } = project({ "demo.pyi": "", "LICENSE": "MIT", "demo_ext.data/scripts/run.sh": "#!/bin/sh\n" });
    chmodSync(join(d, "demo_ext.data/scripts/run.sh"), 0o644);
    const w = new MemoryWriter({ recordPath: "demo_ext-0.1.0.dist-info/RECORD", distInfoDir: "demo_ext-0.1.0.dist-info" });
    addWheelContents(w, {
      metadata: config.metadata,
      tags: wheelTags(CP311),
      files: layoutWheel({ config, interpreter: CP311, artifact }),
      licenseFiles: config.licenseFiles,
      entryPoints: config.entryPoints,
    });
    await w.finish();
    expect([...w.files.keys()]).toContain("demo_ext-0.1.0.dist-info/licenses/LICENSE");
    expect(w.files.get("demo_ext-0.1.0.data/scripts/run.sh")?.executable).toBe(true);
    expect(w.files.get("demo/demo.cpython-311-x86_64-linux-gnu.so")?.executable).toBe(true);
    expect(w.text("demo_ext-0.1.0.dist-info/WHEEL")).toContain("Tag: cp311-cp311-linux_x86_64");
  });
});

describe("wheelTags", () => {
  it("CPython, abi3, PyPy, binaries", () => {
    expect(wheelTags(CP311)).toEqual([{ python: "cp311", abi: "cp311", platform: "linux_x86_64" }]);
    expect(wheelTags(CP311, { abi3Minor: 7 })).toEqual([{ python: "cp37", abi: "abi3", platform: "linux_x86_64" }]);
    expect(wheelTags(PYPY, { abi3Minor: 7 })).toEqual([{ python: "pp39", abi: "pypy39_pp73", platform: "linux_x86_64" }]);
    expect(wheelTags(CP311, { bindings: "bin" })).toEqual([{ python: "py3", abi: "none", platform: "linux_x86_64" }]);
    expect(wheelTags(CP311, { bindings: "cffi" })).toEqual([{ python: "py3", abi: "none", platform: "linux_x86_64" }]);
    expect(wheelTags(CP311, { bindings: "pyo3-ffi", abi3Minor: 8 })).toEqual([{ python: "cp38", abi: "abi3", platform: "linux_x86_64" }]);
    expect(wheelTags({ ...CP311, minor: 7, abiflags: "m" })).toEqual([{ python: "cp37", abi: "cp37m", platform: "linux_x86_64" }]);
  });
});
