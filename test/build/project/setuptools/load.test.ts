/** A setuptools-rust project read into a ProjectConfig: loadProjectConfig's route, load.ts and project-config.ts. */
import { describe, expect, it } from "vitest";
import { loadProjectConfig } from "../../../../src/build/project/config.js";
import { cpython } from "../../../helpers/env.js";
import { crateToml, moduleSource, SETUPTOOLS_BUILD_SYSTEM } from "../../../helpers/setuptools-projects.js";
import { writeTree } from "../../../helpers/tree.js";

const PY = cpython("3.11") as string;
const crate = (dir: string, name: string) => ({ [`${dir}Cargo.toml`]: crateToml({ name, lib: "_lib" }), [`${dir}lib.rs`]: moduleSource("_lib", 1) });

describe("loadProjectConfig on a setuptools-rust project", () => {
  it("pyproject.toml: the model, metadata from [project] (never Cargo.toml's name or version), include-package-data true by default", () => {
    const d = writeTree("ld-pyproject", {
      "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "py-name"\nversion = "3.1"\n\n[tool.setuptools]\npackages = ["pkg"]\n\n[[tool.setuptools-rust.ext-modules]]\ntarget = "pkg._lib"\npath = "rust/Cargo.toml"\n',
      "pkg/__init__.py": "",
      ...crate("rust/", "crate-name"),
    });
    const c = loadProjectConfig({ cwd: d, python: PY });
    expect(c.metadata.name).toBe("py-name");
    expect(c.metadata.version).toBe("3.1");
    expect(c.cargo.package.name).toBe("crate-name");
    expect(c.moduleName).toBe("pkg._lib");
    expect(c.setuptools).toMatchObject({ sources: ["pyproject.toml"], packages: ["pkg"], includePackageData: true, rustTargets: [{ kind: "extension", target: "pkg._lib", manifestPath: `${d}/rust/Cargo.toml` }] });
  });

  it("-m rust/Cargo.toml finds the project one folder above", () => {
    const d = writeTree("ld-m", { "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "m"\nversion = "1"\n[[tool.setuptools-rust.ext-modules]]\ntarget = "_lib"\npath = "rust/Cargo.toml"\n', ...crate("rust/", "m-crate") });
    expect(loadProjectConfig({ cwd: d, manifestPath: "rust/Cargo.toml", python: PY }).setuptools?.rustTargets).toHaveLength(1);
  });

  it("dynamic [project] fields from [tool.setuptools.dynamic] (attr, file) or from setup.py", () => {
    const d = writeTree("ld-dynamic", {
      "pyproject.toml":
        SETUPTOOLS_BUILD_SYSTEM +
        '[project]\nname = "dyn"\ndynamic = ["version", "readme", "dependencies"]\n\n[tool.setuptools]\npackages = ["dyn"]\n\n' +
        '[tool.setuptools.dynamic]\nversion = { attr = "dyn.__version__" }\nreadme = { file = ["README.md"], content-type = "text/markdown" }\n\n' +
        '[[tool.setuptools-rust.ext-modules]]\ntarget = "dyn._lib"\n',
      "dyn/__init__.py": "__version__ = '0.7.1'\n",
      "README.md": "# Dyn\n",
      "setup.py": "from setuptools import setup\nsetup(install_requires=['attrs'])\n",
      ...crate("", "dyn-crate"),
    });
    const c = loadProjectConfig({ cwd: d, python: PY });
    expect(c.metadata.version).toBe("0.7.1");
    expect(c.metadata.description).toEqual({ body: "# Dyn\n", contentType: "text/markdown" });
    expect(c.metadata.requiresDist).toEqual(["attrs"]);
    expect(c.setuptools?.sources).toEqual(["setup.py", "pyproject.toml"]);
  });

  it("setup.py's fields count only where [project] lists them as dynamic; the rest is ignored with a warning, as setuptools does", () => {
    const d = writeTree("ld-dyn-setup", {
      "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "mix"\nversion = "1"\ndynamic = ["optional-dependencies", "scripts"]\n[tool.setuptools]\npackages = []\n[[tool.setuptools-rust.ext-modules]]\ntarget = "_lib"\n',
      "setup.py":
        "from setuptools import setup\nsetup(install_requires=['six'], extras_require={'test': ['pytest']}, entry_points={'console_scripts': ['mix = mix:main'], 'mix.plugins': ['a = mix.a']})\n",
      ...crate("", "mix"),
    });
    const c = loadProjectConfig({ cwd: d, python: PY });
    expect(c.metadata.requiresDist).toEqual(['pytest; extra == "test"']);
    expect(c.metadata.providesExtra).toEqual(["test"]);
    expect(c.entryPoints).toEqual({ console_scripts: { mix: "mix:main" } });
    const warnings = c.warnings.join("\n");
    expect(warnings).toContain('entry_points [mix.plugins] is ignored: [project] does not list "entry-points" in dynamic');
    expect(warnings).toContain("setup() install_requires ignored: [project] gives them");
  });

  it("setup.cfg's [metadata] and [options] with [tool.setuptools-rust] in pyproject.toml (no setup.py, no [project])", () => {
    const d = writeTree("ld-cfg", {
      "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[[tool.setuptools-rust.ext-modules]]\ntarget = "cfgpkg._lib"\n',
      "setup.cfg": "[metadata]\nname = cfg-project\nversion = 2.0.1\nauthor = Cee Fg\nlicense = MIT\n\n[options]\npackages = cfgpkg\npython_requires = >=3.9\n",
      "cfgpkg/__init__.py": "",
      ...crate("", "cfg-crate"),
    });
    const c = loadProjectConfig({ cwd: d, python: PY });
    expect(c.metadata).toMatchObject({ name: "cfg-project", version: "2.0.1", authors: [{ name: "Cee Fg" }], license: "MIT", requiresPython: ">=3.9" });
    expect(c.setuptools).toMatchObject({ sources: ["setup.cfg", "pyproject.toml"], packages: ["cfgpkg"], includePackageData: false });
  });

  it("[tool.setuptools-rust] replaces setup.py's rust_extensions, with a warning", () => {
    const d = writeTree("ld-both", {
      "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "both"\nversion = "1"\n[[tool.setuptools-rust.ext-modules]]\ntarget = "_lib"\n',
      "setup.py": "from setuptools import setup\nfrom setuptools_rust import RustExtension\nsetup(rust_extensions=[RustExtension('other._lib')])\n",
      ...crate("", "both"),
    });
    const c = loadProjectConfig({ cwd: d, python: PY });
    expect(c.setuptools?.rustTargets.map((t) => (t.kind === "extension" ? t.target : ""))).toEqual(["_lib"]);
    expect(c.warnings.join("\n")).toContain("[tool.setuptools-rust] replaces setup.py's rust_extensions");
  });

  it.each([
    ["no Rust target at all", { "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "x"\nversion = "1"\n[tool.setuptools-rust]\n' }, "names no Rust extension or binary"],
    ["a path that does not exist", { "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "x"\nversion = "1"\n[[tool.setuptools-rust.ext-modules]]\ntarget = "x"\npath = "nope/Cargo.toml"\n' }, "ext-modules[0]: path"],
    ["[project] without a version", { "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "x"\n[[tool.setuptools-rust.ext-modules]]\ntarget = "_lib"\n', ...crate("", "x") }, "[project] has no version and does not list it in dynamic"],
    ["a dynamic field nobody gives", { "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "x"\ndynamic = ["version"]\n[[tool.setuptools-rust.ext-modules]]\ntarget = "_lib"\n', ...crate("", "x") }, 'project.dynamic lists "version" but neither'],
  ])("%s: a ConfigError naming it", (_what, files, message) => {
    const d = writeTree("ld-bad", files as Record<string, string>);
    expect(() => loadProjectConfig({ cwd: d, python: PY })).toThrow(message);
  });
});
