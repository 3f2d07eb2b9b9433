/**
 * setuptools-rust projects built by pyts-build, end to end: real cargo, a real
 * CPython, pip installing the wheels (--no-index, no pip configuration), the
 * modules imported and the programs run. The expected wheel members and
 * METADATA are what setuptools + setuptools-rust put in a wheel for the same
 * project, written from their documented behaviour (setuptools' build_py and
 * discovery, setuptools-rust's build_rust): the Python packages as found, the
 * extension at its dotted target, RustBins in .data/scripts, generated files
 * in their package. Checked against setuptools 84 + setuptools-rust 1.13 with
 * bench/setuptools-rust-layout.mjs: the same members and METADATA lines.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWheels, type BuiltWheel } from "../../src/build/build-wheel.js";
import type { CargoManifest } from "../../src/build/project/cargo-manifest.js";
import { Fields } from "../../src/build/project/fields.js";
import type { RustTargetSpec } from "../../src/build/project/setuptools/model.js";
import { readBin, readExtension } from "../../src/build/project/setuptools/rust-targets.js";
import { bindingFeatures, planTargets, rustVersionMatches, targetCargoArgs, usesLimitedApi } from "../../src/build/setuptools-wheel.js";
import { loadProjectConfig } from "../../src/build/project/config.js";
import { memoryLogger } from "../../src/log.js";
import { WheelReader } from "../../src/wheel/reader.js";
import { runCli } from "../helpers/cli.js";
import { pipInstall } from "../e2e/pep517-helpers.js";
import { cpython, freshDir, makeVenv, py, testEnv } from "../helpers/env.js";
import { crateFiles, crateToml, moduleSource, programSource, SETUPTOOLS_BUILD_SYSTEM } from "../helpers/setuptools-projects.js";
import { writeTree } from "../helpers/tree.js";

const PY = cpython("3.11") as string;
const SUFFIX = ".cpython-311-x86_64-linux-gnu.so";
const TAG = "cp311-cp311-linux_x86_64";

const projects = {
  // a dotted target inside a package found by `find`; package data; the implicit py.typed; entry points
  dotted: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "dotted-find"\nversion = "1.2.0"\ndescription = "A dotted extension target"\nrequires-python = ">=3.8"\n' +
      'classifiers = ["Programming Language :: Rust"]\nauthors = [{ name = "Ann Author", email = "ann@example.org" }]\n\n' +
      '[project.optional-dependencies]\ndev = ["pytest>=7"]\n\n[project.scripts]\ndotted-hello = "dotted_find.cli:main"\n\n' +
      '[tool.setuptools.packages]\nfind = { where = ["python"] }\n\n[tool.setuptools.package-data]\ndotted_find = ["data/*.txt"]\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "dotted_find._native"\npath = "rust/Cargo.toml"\nbinding = "NoBinding"\n',
    "python/dotted_find/__init__.py": "from ._native import answer\n",
    "python/dotted_find/cli.py": "from . import answer\n\ndef main():\n    print('answer', answer())\n",
    "python/dotted_find/py.typed": "",
    "python/dotted_find/data/greeting.txt": "hello\n",
    "python/dotted_find/data/notes.md": "not package data\n",
    "python/dotted_find/sub/__init__.py": "",
    "tests/test_it.py": "",
    "MANIFEST.in": "include python/dotted_find/data/greeting.txt\nrecursive-include rust *\n", // nothing setuptools would add to the wheel
    ...crateFiles("rust", { name: "dotted-native", module: "_native", answer: 42 }),
  },
  // two extensions from two Cargo.toml files and a binary of the second crate, one wheel
  multi: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "multi"\nversion = "1.0"\n\n[tool.setuptools]\npackages = ["multi"]\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "multi.alpha"\npath = "alpha/Cargo.toml"\nbinding = "NoBinding"\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "multi.beta"\npath = "beta/Cargo.toml"\nbinding = "NoBinding"\nfeatures = ["plus-one"]\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = { "multi-tool" = "multi.tools.multi-tool" }\npath = "beta/Cargo.toml"\nbinding = "Exec"\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "multi.broken"\npath = "broken/Cargo.toml"\nbinding = "NoBinding"\noptional = true\n\n' +
      '[[tool.setuptools-rust.bins]]\ntarget = "multi-tool"\npath = "beta/Cargo.toml"\n',
    "multi/__init__.py": "",
    "broken/Cargo.toml": crateToml({ name: "broken", lib: "broken" }),
    "broken/lib.rs": "this is not Rust\n",
    ...crateFiles("alpha", { name: "alpha", module: "alpha", answer: 10 }),
    ...crateFiles("beta", { name: "beta", module: "beta", answer: 20, bins: { "multi-tool": "main.rs" } }),
    "beta/main.rs": programSource("multi-tool says hi"),
  },
  // bdist_wheel's py_limited_api: the abi3 tag and file suffix
  limited: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "limited"\nversion = "0.1"\n\n[tool.setuptools]\npackages = ["limited"]\n\n' +
      '[tool.distutils.bdist_wheel]\npy-limited-api = "cp38"\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "limited._lib"\npath = "rust/Cargo.toml"\nbinding = "NoBinding"\n',
    "limited/__init__.py": "from ._lib import answer\n",
    ...crateFiles("rust", { name: "limited-lib", module: "_lib", answer: 38 }),
  },
  // files the build script writes into OUT_DIR, placed into packages
  generated: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "generated"\nversion = "2.0"\n\n[tool.setuptools.packages]\nfind = { where = ["python"] }\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "gen._lib"\nbinding = "NoBinding"\n' +
      '[tool.setuptools-rust.ext-modules.generated-files]\n"greeting.txt" = "gen"\n"assets" = "gen._data"\n',
    "python/gen/__init__.py": "",
    ...crateFiles("", { name: "gen-lib", module: "_lib", answer: 7, build: true }),
  },
  // args with a custom profile (debug assertions on: the answer shows it), for an extension and a binary
  profile: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "profiled"\nversion = "0.5"\n\n[tool.setuptools]\npackages = ["profiled"]\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "profiled._lib"\npath = "rust/Cargo.toml"\nbinding = "NoBinding"\nargs = ["--profile", "checked"]\n\n' +
      '[[tool.setuptools-rust.bins]]\ntarget = "profiled-tool"\npath = "rust/Cargo.toml"\nargs = ["--profile=checked"]\nstrip = "All"\n',
    "profiled/__init__.py": "",
    ...crateFiles("rust", { name: "profiled", module: "_lib", answer: 5, bins: { "profiled-tool": "main.rs" }, extra: '\n[profile.checked]\ninherits = "release"\ndebug-assertions = true\n' }),
    "rust/main.rs": programSource("profiled-tool"),
  },
  // the default binding PyO3 (pyo3 from the offline registry): setuptools-rust's pyo3/extension-module and, with py-limited-api, pyo3/abi3-py38
  pyo3: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "pyo3-st"\nversion = "0.1"\n\n[tool.setuptools]\npackages = ["hello"]\n\n[tool.distutils.bdist_wheel]\npy-limited-api = "cp38"\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "hello._lib"\npath = "rust/Cargo.toml"\n',
    "hello/__init__.py": "from ._lib import greet\n",
    "rust/Cargo.toml": '[package]\nname = "hello-st"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nname = "_lib"\ncrate-type = ["cdylib"]\npath = "lib.rs"\n\n[dependencies]\npyo3 = "0.17"\n',
    "rust/lib.rs":
      "use pyo3::prelude::*;\n\n#[pyfunction]\nfn greet() -> &'static str {\n    \"hi from pyo3\"\n}\n\n" +
      "#[pymodule]\nfn _lib(_py: Python<'_>, m: &PyModule) -> PyResult<()> {\n    m.add_function(wrap_pyfunction!(greet, m)?)?;\n    Ok(())\n}\n",
  },
  // a PEP 420 namespace package (no __init__.py) holding the extension and a regular sub-package
  namespace: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "ns-demo"\nversion = "0.2"\n\n[tool.setuptools.packages]\nfind = { where = ["python"] }\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "nsroot.fast"\npath = "rust/Cargo.toml"\nbinding = "NoBinding"\n',
    "python/nsroot/inner/__init__.py": "VALUE = 3\n",
    ...crateFiles("rust", { name: "ns-fast", module: "fast", answer: 3 }),
  },
  // package-dir with a src layout, py-modules, package data with excludes, data-files
  srclayout: {
    "pyproject.toml":
      SETUPTOOLS_BUILD_SYSTEM +
      '[project]\nname = "src-layout"\nversion = "1.0"\n\n[tool.setuptools]\npackage-dir = { "" = "src" }\npackages = ["srcpkg", "srcpkg.util"]\npy-modules = ["standalone"]\n\n' +
      '[tool.setuptools.package-data]\nsrcpkg = ["templates/*.tmpl"]\n\n[tool.setuptools.exclude-package-data]\nsrcpkg = ["templates/skip.tmpl"]\n\n' +
      '[tool.setuptools.data-files]\n"share/src-layout" = ["data/config.toml"]\n\n' +
      '[[tool.setuptools-rust.ext-modules]]\ntarget = "srcpkg._core"\npath = "rust/Cargo.toml"\nbinding = "NoBinding"\n',
    "src/srcpkg/__init__.py": "from ._core import answer\n",
    "src/srcpkg/util/__init__.py": "",
    "src/srcpkg/util/helpers.py": "X = 1\n",
    "src/srcpkg/templates/a.tmpl": "a\n",
    "src/srcpkg/templates/skip.tmpl": "skip\n",
    "src/standalone.py": "NAME = 'standalone'\n",
    "data/config.toml": "x = 1\n",
    ...crateFiles("rust", { name: "src-core", module: "_core", answer: 11 }),
  },
  // a setup.py-only project (no pyproject.toml): RustExtension("pkg._lib", "rust/Cargo.toml") and package_dir
  setuppy: {
    "setup.py":
      "from setuptools import find_packages, setup\nfrom setuptools_rust import Binding, RustExtension\n\n" +
      "with open('README.rst') as f:\n    long_description = f.read()\n\n" +
      "setup(\n    name='legacy-pkg',\n    version='0.3.1',\n    description='Built from setup.py',\n    long_description=long_description,\n" +
      "    long_description_content_type='text/x-rst',\n    author='Jane Doe',\n    author_email='jane@example.org',\n    license='MIT',\n" +
      "    url='https://example.org/legacy',\n    classifiers=['Programming Language :: Python :: 3'],\n    python_requires='>=3.7',\n" +
      "    extras_require={'test': ['pytest']},\n    packages=find_packages(where='python'),\n    package_dir={'': 'python'},\n" +
      "    rust_extensions=[RustExtension('pkg._lib', 'rust/Cargo.toml', binding=Binding.NoBinding)],\n" +
      "    entry_points={'console_scripts': ['legacy-hello = pkg:hello']},\n    zip_safe=False,\n)\n",
    "README.rst": "Legacy\n======\n\nA setup.py project.\n",
    "python/pkg/__init__.py": "from ._lib import answer\n\ndef hello():\n    print('legacy', answer())\n",
    ...crateFiles("rust", { name: "legacy-lib", module: "_lib", answer: 31 }),
  },
};

type Name = keyof typeof projects;
const dirs = {} as Record<Name, string>;
const wheels = {} as Record<Name, BuiltWheel>;
const logs = {} as Record<Name, string[]>;
let venv: string;

async function members(wheel: string): Promise<string[]> {
  const r = await WheelReader.open(wheel);
  try {
    return [...r.fileNames].sort();
  } finally {
    await r.close();
  }
}

async function metadataLines(wheel: string, distInfo: string): Promise<string[]> {
  const r = await WheelReader.open(wheel);
  try {
    const text = await r.readText(`${distInfo}/METADATA`);
    const head = text.split("\n\n")[0] as string;
    return head.split("\n").filter((l) => l !== "" && !l.startsWith("Metadata-Version:")).sort();
  } finally {
    await r.close();
  }
}

describe("setuptools-rust projects", () => {
  beforeAll(async () => {
    const out = freshDir("st-wheels");
    for (const [name, files] of Object.entries(projects)) {
      dirs[name as Name] = writeTree(`st-${name}`, files);
      const log = { ...memoryLogger(), verbosity: "normal" as const }; // not cargo --verbose
      const [w] = await buildWheels({ cwd: dirs[name as Name], interpreters: [PY], out, env: testEnv(), log });
      logs[name as Name] = log.lines;
      wheels[name as Name] = w as BuiltWheel;
    }
    venv = makeVenv(PY, join(freshDir("st-venv"), "v"), true);
    execFileSync(venv, ["-m", "pip", "install", "--no-index", ...Object.values(wheels).map((w) => w.path)], { env: testEnv(), stdio: "pipe" });
  }, 600_000);

  it("a dotted target inside a find-discovered package: the extension in the package, package data, py.typed", async () => {
    expect(wheels.dotted.fileName).toBe(`dotted_find-1.2.0-${TAG}.whl`);
    expect(await members(wheels.dotted.path)).toEqual([
      `dotted_find/_native${SUFFIX}`,
      "dotted_find/__init__.py",
      "dotted_find/cli.py",
      "dotted_find/data/greeting.txt",
      "dotted_find/py.typed",
      "dotted_find/sub/__init__.py",
      "dotted_find-1.2.0.dist-info/METADATA",
      "dotted_find-1.2.0.dist-info/RECORD",
      "dotted_find-1.2.0.dist-info/WHEEL",
      "dotted_find-1.2.0.dist-info/entry_points.txt",
      "dotted_find-1.2.0.dist-info/top_level.txt",
    ].sort());
    expect(await metadataLines(wheels.dotted.path, "dotted_find-1.2.0.dist-info")).toEqual([
      "Author-email: Ann Author <ann@example.org>",
      "Classifier: Programming Language :: Rust",
      "Name: dotted-find",
      "Provides-Extra: dev",
      'Requires-Dist: pytest>=7; extra == "dev"',
      "Requires-Python: >=3.8",
      "Summary: A dotted extension target",
      "Version: 1.2.0",
    ]);
    expect(py(venv, "import dotted_find; print(dotted_find.answer())")).toBe("42");
    expect(execFileSync(join(venv, "..", "dotted-hello"), { encoding: "utf8" }).trim()).toBe("answer 42");
    // include-package-data reads the sdist manifest (MANIFEST.in) quietly: it names nothing more inside the packages here
    expect(logs.dotted.join("\n")).not.toContain("MANIFEST.in");
  });

  it("two extensions from two Cargo.toml files and a binary of one of them, in one wheel", async () => {
    expect(await members(wheels.multi.path)).toEqual([
      `multi/alpha${SUFFIX}`,
      `multi/beta${SUFFIX}`,
      "multi/__init__.py",
      "multi/tools/multi-tool",
      "multi-1.0.data/scripts/multi-tool",
      "multi-1.0.dist-info/METADATA",
      "multi-1.0.dist-info/RECORD",
      "multi-1.0.dist-info/WHEEL",
      "multi-1.0.dist-info/top_level.txt",
    ].sort());
    expect(py(venv, "import multi.alpha, multi.beta; print(multi.alpha.answer(), multi.beta.answer())")).toBe("10 21"); // beta's features = ["plus-one"]
    expect(execFileSync(join(venv, "..", "multi-tool"), { encoding: "utf8" }).trim()).toBe("multi-tool says hi");
    // binding = "Exec": the program inside the package, where the package finds it
    expect(py(venv, "import multi, os, subprocess; print(subprocess.check_output([os.path.join(os.path.dirname(multi.__file__), 'tools', 'multi-tool')], text=True).strip())")).toBe("multi-tool says hi");
    // optional = true: the broken extension failed to build and was left out (the warning is in the build log)
    expect((await members(wheels.multi.path)).some((m) => m.includes("broken"))).toBe(false);
    expect(logs.multi.join("\n")).toContain("optional extension multi.broken failed to build, so the wheel is made without it");
  });

  it("the default binding PyO3 with py-limited-api: pyo3's extension-module and abi3-py38 features, an abi3 wheel", async () => {
    expect(wheels.pyo3.fileName).toBe("pyo3_st-0.1-cp38-abi3-linux_x86_64.whl");
    expect((await members(wheels.pyo3.path)).filter((m) => !m.includes(".dist-info/"))).toEqual(["hello/__init__.py", "hello/_lib.abi3.so"]);
    expect(py(venv, "import hello; print(hello.greet())")).toBe("hi from pyo3");
  });

  it("py-limited-api = cp38: a cp38-abi3 wheel with an .abi3.so module", async () => {
    expect(wheels.limited.fileName).toBe("limited-0.1-cp38-abi3-linux_x86_64.whl");
    expect(await members(wheels.limited.path)).toContain("limited/_lib.abi3.so");
    expect(py(venv, "import limited; print(limited.answer())")).toBe("38");
  });

  it("generated-files: a file and a folder of the build script's OUT_DIR, in the packages they name", async () => {
    expect((await members(wheels.generated.path)).filter((m) => m.startsWith("gen/"))).toEqual([`gen/_lib${SUFFIX}`, "gen/__init__.py", "gen/_data/assets/a.txt", "gen/_data/assets/b.txt", "gen/greeting.txt"].sort());
    expect(py(venv, "import importlib.resources as r; print(r.files('gen').joinpath('greeting.txt').read_text().strip())")).toBe("made by build.rs");
  });

  it('args = ["--profile", "checked"]: the custom profile builds the extension and the binary', async () => {
    expect(py(venv, "import profiled._lib as m; print(m.answer())")).toBe("1005"); // debug assertions: only in the profile
    expect(execFileSync(join(venv, "..", "profiled-tool"), { encoding: "utf8" }).trim()).toBe("profiled-tool (debug assertions)");
    expect(await members(wheels.profile.path)).toContain("profiled-0.5.data/scripts/profiled-tool");
  });

  it("a PEP 420 namespace package: no __init__.py made up, the extension and the sub-package inside", async () => {
    expect((await members(wheels.namespace.path)).filter((m) => !m.includes(".dist-info/"))).toEqual([`nsroot/fast${SUFFIX}`, "nsroot/inner/__init__.py"]);
    expect(py(venv, "import nsroot.fast, nsroot.inner; print(nsroot.fast.answer(), nsroot.inner.VALUE)")).toBe("3 3");
  });

  it("package-dir with a src layout: packages, py-modules, package data minus excludes, data-files", async () => {
    expect((await members(wheels.srclayout.path)).filter((m) => !m.includes(".dist-info/"))).toEqual([
      `srcpkg/_core${SUFFIX}`,
      "src_layout-1.0.data/data/share/src-layout/config.toml",
      "srcpkg/__init__.py",
      "srcpkg/templates/a.tmpl",
      "srcpkg/util/__init__.py",
      "srcpkg/util/helpers.py",
      "standalone.py",
    ].sort());
    expect(py(venv, "import srcpkg, standalone; print(srcpkg.answer(), standalone.NAME)")).toBe("11 standalone");
    expect(py(venv, "import importlib.metadata as m; print(m.distribution('src-layout').read_text('top_level.txt').split())")).toBe("['srcpkg', 'standalone']");
  });

  it("a setup.py-only project: the setup() call recorded, METADATA as setuptools writes it", async () => {
    expect(wheels.setuppy.fileName).toBe(`legacy_pkg-0.3.1-${TAG}.whl`);
    expect((await members(wheels.setuppy.path)).filter((m) => !m.includes(".dist-info/"))).toEqual([`pkg/_lib${SUFFIX}`, "pkg/__init__.py"].sort());
    expect(await metadataLines(wheels.setuppy.path, "legacy_pkg-0.3.1.dist-info")).toEqual([
      "Author-email: jane@example.org",
      "Author: Jane Doe",
      "Classifier: Programming Language :: Python :: 3",
      "Description-Content-Type: text/x-rst",
      "Home-page: https://example.org/legacy",
      "License: MIT",
      "Name: legacy-pkg",
      "Provides-Extra: test",
      'Requires-Dist: pytest; extra == "test"',
      "Requires-Python: >=3.7",
      "Summary: Built from setup.py",
      "Version: 0.3.1",
    ]);
    expect(execFileSync(join(venv, "..", "legacy-hello"), { encoding: "utf8" }).trim()).toBe("legacy 31");
  });

  it("through pip and pyts-build's PEP 517 backend: setup.py recorded by the build environment's Python, which has no setuptools", () => {
    const d = writeTree("st-pep517", {
      "pyproject.toml": '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n',
      "setup.py":
        "from setuptools import setup\nfrom setuptools_rust import Binding, RustExtension\n" +
        "setup(name='via-pip', version='0.4', packages=['viapip'], rust_extensions=[RustExtension('viapip._lib', 'rust/Cargo.toml', binding=Binding.NoBinding)])\n",
      "viapip/__init__.py": "from ._lib import answer\n",
      ...crateFiles("rust", { name: "via-pip-lib", module: "_lib", answer: 517 }),
    });
    pipInstall(venv, [d]);
    expect(py(venv, "import viapip, importlib.metadata as m; print(viapip.answer(), m.version('via-pip'))")).toBe("517 0.4");
  });

  it("setup.py with cmdclass: one line naming the key, exit 1, no wheel", () => {
    const d = writeTree("st-cmdclass", {
      "setup.py":
        "from setuptools import setup\nfrom setuptools.command.build_py import build_py\nfrom setuptools_rust import RustExtension\n\n" +
        "class MyBuild(build_py):\n    def run(self):\n        super().run()\n\n" +
        "setup(name='custom', version='1.0', cmdclass={'build_py': MyBuild}, rust_extensions=[RustExtension('custom._lib', 'rust/Cargo.toml')])\n",
      ...crateFiles("rust", { name: "custom-lib", module: "_lib", answer: 1 }),
    });
    const r = runCli(["wheel", "-i", PY, "-o", join(d, "out")], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("setup.py: setup() uses cmdclass, which pyts-build cannot build");
    expect(r.stderr).not.toContain("    at "); // no stack
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error:"))).toHaveLength(1);
    expect(existsSync(join(d, "out"))).toBe(false);
  });

  it("pyts-build sdist of a setuptools-rust project: a setuptools sdist (test/build/sdist/setuptools-sdist.test.ts has the rules)", () => {
    const r = runCli(["sdist", "-o", join(dirs.dotted, "sdist-out"), "--json"], { cwd: dirs.dotted });
    expect(r.code).toBe(0);
    const members = (JSON.parse(r.stdout) as { members: string[] }).members;
    expect(members).toContain("dotted_find-1.2.0/pyproject.toml");
    expect(members.some((m) => m.endsWith(".egg-info/SOURCES.txt"))).toBe(true);
  });
});

describe("setuptools-rust configurations pyts-build does not build", () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    [
      "binding RustCPython",
      { "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "x"\nversion = "1"\n[[tool.setuptools-rust.ext-modules]]\ntarget = "x._lib"\nbinding = "RustCPython"\n', "Cargo.toml": crateToml({ name: "x", lib: "_lib" }), "lib.rs": moduleSource("_lib", 1) },
      'tool.setuptools-rust.ext-modules[0].binding "RustCPython" is not supported by pyts-build',
    ],
    ["scikit-build-core", { "pyproject.toml": '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n[project]\nname = "x"\nversion = "1"\n', "Cargo.toml": crateToml({ name: "x", lib: "x" }), "lib.rs": moduleSource("x", 1) }, 'build-backend "scikit_build_core.build" is not understood by pyts-build'],
    ["setuptools without setuptools-rust", { "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "x"\nversion = "1"\n', "Cargo.toml": crateToml({ name: "x", lib: "x" }), "lib.rs": moduleSource("x", 1) }, "a setuptools project without setuptools-rust"],
    ["an unknown tool table naming Rust", { "pyproject.toml": '[project]\nname = "x"\nversion = "1"\n[tool.hatch.build.hooks.rust-ext]\nmodule = "x"\n', "Cargo.toml": crateToml({ name: "x", lib: "x" }), "lib.rs": moduleSource("x", 1) }, "[tool.hatch.build.hooks.rust-ext] configures a Rust build pyts-build does not read"],
    [
      "a target whose last part is not the PyInit name",
      { "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "x"\nversion = "1"\n[[tool.setuptools-rust.ext-modules]]\ntarget = "pkg.wrong"\nbinding = "NoBinding"\n', "Cargo.toml": crateToml({ name: "x", lib: "_lib" }), "lib.rs": moduleSource("_lib", 1) },
      'hint: set target = "pkg._lib"',
    ],
  ];
  it.each(cases)("%s: one line, exit 1", (_what, files, message) => {
    const d = writeTree("st-refused", files);
    const r = runCli(["wheel", "-i", PY, "-o", join(d, "out")], { cwd: d });
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("    at ");
  });
});

describe("targetCargoArgs: setuptools-rust's build_rust command line", () => {
  const ext = readExtension(new Fields("/p/pyproject.toml", "ext", { target: "pkg._lib", path: "rust/Cargo.toml" }), "kebab", "/p");
  const cdylib = { lib: { name: "_lib", crateTypes: ["cdylib"] } as CargoManifest["lib"], pyo3: undefined };
  const withPyo3 = { ...cdylib, pyo3: { version: "0.17" } as CargoManifest["pyo3"] };
  const args = (spec: RustTargetSpec, manifest: Pick<CargoManifest, "lib" | "pyo3"> = cdylib, o: Partial<Parameters<typeof targetCargoArgs>[1]> = {}) => targetCargoArgs({ spec, manifest }, { cli: {}, env: {}, ...o });

  it("an extension: cargo rustc --lib, release by default", () => {
    expect(args(ext)).toEqual(["rustc", "--lib", "--message-format=json-render-diagnostics", "--manifest-path", "/p/rust/Cargo.toml", "--release"]);
  });

  it("PyO3 adds pyo3/extension-module, and pyo3/abi3-py3X with bdist_wheel's py_limited_api", () => {
    expect(args(ext, withPyo3, { pyLimitedApi: "cp38" })).toContain("pyo3/extension-module pyo3/abi3-py38");
    expect(bindingFeatures({ ...ext, binding: "NoBinding" }, "cp38", true)).toEqual([]);
    expect(bindingFeatures({ ...ext, pyLimitedApi: false }, "cp38", true)).toEqual(["pyo3/extension-module"]);
  });

  it("args with a profile replace --release; SETUPTOOLS_RUST_CARGO_PROFILE and --profile on the command line replace the target's", () => {
    const p = { ...ext, args: ["--profile", "release-lto", "--no-default-features"] };
    expect(args(p).slice(5)).toEqual(["--profile", "release-lto", "--no-default-features"]);
    expect(args(p, cdylib, { env: { SETUPTOOLS_RUST_CARGO_PROFILE: "dev" } }).slice(5)).toEqual(["--no-default-features", "--profile", "dev"]);
    expect(args({ ...ext, debug: true }).slice(5)).toEqual([]);
  });

  it("features, cargo-manifest-args, rustc-flags after --, --crate-type cdylib only for a crate that does not declare it, the command line's lock flags", () => {
    const e = { ...ext, features: ["a", "b"], cargoManifestArgs: ["--locked"], rustcFlags: ["-Cdebuginfo=0"], quiet: true };
    expect(args(e, { lib: { name: "_lib", crateTypes: ["rlib"] } as CargoManifest["lib"] }, { cli: { offline: true, target: "x86_64-unknown-linux-gnu" } })).toEqual([
      "rustc", "--lib", "--message-format=json-render-diagnostics", "--manifest-path", "/p/rust/Cargo.toml", "--target", "x86_64-unknown-linux-gnu", "--offline",
      "--release", "--quiet", "--features", "a b", "--locked", "--crate-type", "cdylib", "--", "-Cdebuginfo=0",
    ]);
  });

  it("a RustBin and an Exec extension: cargo build --bin for each program", () => {
    const bin = readBin(new Fields("/p/pyproject.toml", "bins", { target: "tool" }), "kebab", "/p");
    expect(args(bin)).toEqual(["build", "--bin", "tool", "--message-format=json-render-diagnostics", "--manifest-path", "/p/Cargo.toml", "--release"]);
    const exec = readExtension(new Fields("/p/pyproject.toml", "ext", { target: { a: "pkg.a", b: "pkg.b" }, binding: "Exec" }), "kebab", "/p");
    expect(args(exec).slice(0, 5)).toEqual(["build", "--bin", "a", "--bin", "b"]);
  });

  it("py-limited-api on the extension itself decides its file suffix, else bdist_wheel's option", () => {
    expect(usesLimitedApi(ext, undefined)).toBe(false);
    expect(usesLimitedApi(ext, "cp38")).toBe(true);
    expect(usesLimitedApi({ ...ext, pyLimitedApi: true }, undefined)).toBe(true);
    expect(usesLimitedApi({ ...ext, pyLimitedApi: false }, "cp38")).toBe(false);
  });
});

describe("rustVersionMatches (semantic_version's SimpleSpec)", () => {
  it.each([
    ["1.95.0", ">=1.70", true],
    ["1.95.0", ">=1.96", false],
    ["1.95.0", "1.95", true],
    ["1.95.0", "==1.94", false],
    ["1.95.0", ">=1.60,<2", true],
    ["1.95.0", "^1.80", true],
    ["1.95.0", "~1.94", false],
    ["1.95.0", "<1.95", false],
  ])("rustc %s against %s: %s", (version, spec, ok) => {
    expect(rustVersionMatches(version, spec)).toBe(ok);
  });
  it("refuses what it cannot read", () => {
    expect(() => rustVersionMatches("1.95.0", "latest")).toThrow('rust-version "latest" cannot be read');
  });
});

describe("planTargets: checks before any compile", () => {
  const project = (extra: string, cargoExtra = "") =>
    writeTree("st-plan", {
      "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "plan"\nversion = "1"\n[tool.setuptools]\npackages = []\n[[tool.setuptools-rust.ext-modules]]\ntarget = "_lib"\n' + extra,
      "Cargo.toml": crateToml({ name: "plan", lib: "_lib" }) + cargoExtra,
      "lib.rs": moduleSource("_lib", 1),
    });
  const plan = async (dir: string) => {
    const log = memoryLogger();
    const config = loadProjectConfig({ cwd: dir, python: PY });
    const targets = await planTargets(config, { env: testEnv(), cwd: dir, log });
    return { targets, log: log.lines.join("\n") };
  };

  it("rust-version the installed rustc does not meet: a ConfigError naming both; an optional target is left out", async () => {
    await expect(plan(project('rust-version = ">=99"\n'))).rejects.toThrow('does not match the rust-version requirement >=99');
    expect((await plan(project('rust-version = ">=99"\noptional = true\n'))).targets).toEqual([]);
    expect((await plan(project('rust-version = ">=1.56"\n'))).targets).toHaveLength(1);
  });

  it("pyo3's abi3 feature without bdist_wheel's py_limited_api: a version-specific wheel, as setuptools tags it, with a warning", async () => {
    const { log } = await plan(project("", '\n[dependencies]\npyo3 = { version = "0.17", features = ["abi3-py38"] }\n'));
    expect(log).toContain("turns on pyo3's abi3 feature, but the wheel is tagged for one Python version");
  });
});
