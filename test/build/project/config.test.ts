import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectConfig } from "../../../src/build/project/config.js";
import { ConfigError } from "../../../src/errors.js";
import { writeTree } from "../../helpers/tree.js";

const tree = (files: Record<string, string>): string => writeTree("config", files);

const CARGO = '[package]\nname = "my-ext"\nversion = "0.3.0"\n[lib]\ncrate-type = ["cdylib"]\n';

describe("loadProjectConfig", () => {
  it("a bare crate: module name from the lib, metadata from Cargo.toml", () => {
    const d = tree({ "Cargo.toml": CARGO, "src/lib.rs": "" });
    const c = loadProjectConfig({ cwd: d });
    expect(c.projectDir).toBe(d);
    expect(c.pyprojectPath).toBeUndefined();
    expect(c.moduleName).toBe("my_ext");
    expect(c.metadata.name).toBe("my-ext");
    expect(c.metadata.version).toBe("0.3.0");
    expect(c.pythonSource).toBeUndefined();
    expect(c.entryPoints).toEqual({});
  });

  it("pyproject + python-source + data folder + scripts", () => {
    const d = tree({
      "Cargo.toml": CARGO,
      "src/lib.rs": "",
      "pyproject.toml": `[project]
name = "my-ext"
version = "1.0"
[project.scripts]
hi = "pkg.cli:main"
[tool.pyts-build]
module-name = "pkg._native"
python-source = "python"
`,
      "python/pkg/__init__.py": "",
      "my_ext.data/scripts/tool.sh": "#!/bin/sh\n",
    });
    const c = loadProjectConfig({ cwd: d });
    expect(c.moduleName).toBe("pkg._native");
    expect(c.pythonSource).toBe(join(d, "python"));
    expect(c.dataDir).toBe(join(d, "my_ext.data"));
    expect(c.entryPoints).toEqual({ console_scripts: { hi: "pkg.cli:main" } });
  });

  it("a package folder named like the module next to pyproject.toml makes a mixed project", () => {
    const d = tree({ "Cargo.toml": CARGO, "src/lib.rs": "", "pyproject.toml": '[tool.pyts-build]\nmodule-name = "my_ext._lib"\n', "my_ext/__init__.py": "" });
    expect(loadProjectConfig({ cwd: d }).pythonSource).toBe(d);
  });

  it("-m finds the pyproject.toml next to Cargo.toml; manifest-path points from pyproject to a sub-crate", () => {
    const a = tree({ "crate/Cargo.toml": CARGO, "crate/src/lib.rs": "", "crate/pyproject.toml": '[project]\nname = "beside"\nversion = "1"\n' });
    expect(loadProjectConfig({ cwd: a, manifestPath: "crate/Cargo.toml" }).metadata.name).toBe("beside");
    expect(loadProjectConfig({ cwd: a, manifestPath: "crate" }).metadata.name).toBe("beside");
    const b = tree({ "rust/Cargo.toml": CARGO, "rust/src/lib.rs": "", "pyproject.toml": '[project]\nname = "top"\nversion = "1"\n[tool.pyts-build]\nmanifest-path = "rust/Cargo.toml"\n' });
    const c = loadProjectConfig({ cwd: b });
    expect(c.metadata.name).toBe("top");
    expect(c.projectDir).toBe(b);
    expect(c.cargo.dir).toBe(join(b, "rust"));
    expect(loadProjectConfig({ cwd: b, manifestPath: "rust/Cargo.toml" }).metadata.name).toBe("top");
  });

  it("no Cargo.toml: a ConfigError with the fix", () => {
    const d = tree({});
    try {
      loadProjectConfig({ cwd: d });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toBe(`no Cargo.toml or pyproject.toml in ${d}`);
      expect((e as ConfigError).hint).toContain("--manifest-path");
    }
    const p = tree({ "pyproject.toml": '[project]\nname = "a"\nversion = "1"\n' });
    expect(() => loadProjectConfig({ cwd: p })).toThrow(`no Cargo.toml in ${p} (next to pyproject.toml), nor rust/Cargo.toml with the Python package in src/`);
    expect(() => loadProjectConfig({ cwd: d, manifestPath: "x/Cargo.toml" })).toThrow(`manifest ${join(d, "x/Cargo.toml")} does not exist`);
  });

  it.each([
    [{ "pyproject.toml": "[project\nname = 1" }, /pyproject.toml:1:\d+: invalid TOML/],
    [{ "pyproject.toml": '[tool.pyts-build]\npython-source = "py"\n' }, /tool.pyts-build.python-source "py" is not a folder/],
    [{ "pyproject.toml": '[tool.pyts-build]\ndata = "d"\n' }, /tool.pyts-build.data "d" is not a folder/],
    [{ "pyproject.toml": '[project]\nname = "a"\nversion = "1"\n[project.scripts]\nhi = "not a ref"\n' }, /pyproject.toml: entry point "hi"/],
    [{ "pyproject.toml": '[tool.pyts-build]\nmanifest-path = "nope/Cargo.toml"\n' }, /manifest-path "nope\/Cargo.toml" does not exist/],
  ])("errors name the file and key: %o", (files, msg) => {
    const d = tree({ "Cargo.toml": CARGO, "src/lib.rs": "", ...files });
    expect(() => loadProjectConfig({ cwd: d })).toThrow(msg);
  });

  it("maturin's Python-first layout: rust/Cargo.toml without manifest-path, when src/<import name>/ or python-source says so", () => {
    const files = { "rust/Cargo.toml": CARGO, "rust/src/lib.rs": "" };
    const named = '[project]\nname = "py-first"\nversion = "1"\n';
    const a = tree({ ...files, "pyproject.toml": named, "src/py_first/__init__.py": "" });
    const c = loadProjectConfig({ cwd: a });
    expect(c.cargo.dir).toBe(join(a, "rust"));
    expect(c.projectDir).toBe(a);
    expect(c.pythonSource).toBe(join(a, "src"));
    // python-source set (here in [tool.maturin]) is enough; so is a python-packages entry in src/
    const b = tree({ ...files, "pyproject.toml": `${named}[tool.maturin]\npython-source = "python"\nmodule-name = "my_ext"\n`, "python/my_ext/__init__.py": "" });
    expect(loadProjectConfig({ cwd: b }).cargo.dir).toBe(join(b, "rust"));
    const p = tree({ ...files, "pyproject.toml": `${named}[tool.pyts-build]\npython-packages = ["helper"]\n`, "src/helper/__init__.py": "" });
    expect(loadProjectConfig({ cwd: p }).cargo.dir).toBe(join(p, "rust"));
    // like maturin, it comes before a Cargo.toml beside pyproject.toml (a workspace root, say)
    const w = tree({ ...files, "Cargo.toml": '[workspace]\nmembers = ["rust"]\n', "pyproject.toml": named, "src/py_first/__init__.py": "" });
    expect(loadProjectConfig({ cwd: w }).cargo.dir).toBe(join(w, "rust"));
    // neither: not taken (maturin does not either)
    const n = tree({ ...files, "pyproject.toml": named });
    expect(() => loadProjectConfig({ cwd: n })).toThrow(/no Cargo.toml in .* nor rust\/Cargo.toml/);
  });

  it("python-source without the module's package: one line naming the folder and the module, for the table it came from", () => {
    const d = tree({ "Cargo.toml": CARGO, "src/lib.rs": "", "pyproject.toml": '[tool.maturin]\npython-source = "python"\nmodule-name = "pkg._native"\n', "python/other/__init__.py": "" });
    const e = (() => {
      try {
        loadProjectConfig({ cwd: d });
      } catch (x) {
        return x as ConfigError;
      }
      throw new Error("no error");
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(`${join(d, "pyproject.toml")}: tool.maturin.python-source "python": no Python package "pkg" for the module pkg._native in ${join(d, "python")} (looked for ${join(d, "python/pkg")}/)`);
    expect(e.hint).toContain(join(d, "python/pkg/__init__.py"));
  });

  it("a [project] field also listed in dynamic: maturin's merge with a warning citing PEP 621, an error with --strict or strict-metadata", () => {
    const cargo = CARGO.replace("[lib]", 'license = "MIT OR Apache-2.0"\n[lib]');
    const pyproject = '[project]\nname = "m"\nversion = "1"\ndescription = "static"\nlicense = { file = "LICENSE" }\ndynamic = ["license", "description"]\n';
    const d = tree({ "Cargo.toml": cargo, "src/lib.rs": "", "LICENSE": "the text\n", "pyproject.toml": pyproject });
    const c = loadProjectConfig({ cwd: d });
    expect(c.metadata.licenseExpression).toBe("MIT OR Apache-2.0");
    expect(c.metadata.license).toBeUndefined();
    expect(c.licenseFiles).toEqual([{ path: "LICENSE", file: join(d, "LICENSE") }]);
    expect(c.metadata.summary).toBe("static");
    expect(c.warnings.filter((w) => w.includes("PEP 621"))).toEqual([
      `${join(d, "pyproject.toml")}: project.dynamic lists "license" but [project] also sets it, which PEP 621 forbids; merged as maturin does (the license from Cargo.toml, the table's file as a License-File) (--strict or strict-metadata = true: an error)`,
      `${join(d, "pyproject.toml")}: project.dynamic lists "description" but [project] also sets it, which PEP 621 forbids; the [project] value is used, as maturin does (--strict or strict-metadata = true: an error)`,
    ]);
    expect(() => loadProjectConfig({ cwd: d, strictMetadata: true })).toThrow(`${join(d, "pyproject.toml")}: project.dynamic lists "license" but [project] also sets it (PEP 621)`);
    const s = tree({ "Cargo.toml": cargo, "src/lib.rs": "", "LICENSE": "x", "pyproject.toml": `${pyproject}[tool.pyts-build]\nstrict-metadata = true\n` });
    expect(() => loadProjectConfig({ cwd: s })).toThrow(/project.dynamic lists "license" but \[project\] also sets it \(PEP 621\)/);
  });

  it("a malformed Cargo.toml names the file and line", () => {
    const d = tree({ "Cargo.toml": '[package]\nname = "a"\nversion = 1.0.0\n' });
    expect(() => loadProjectConfig({ cwd: d })).toThrow(new RegExp(`^${join(d, "Cargo.toml")}:3:\\d+: invalid TOML`));
  });
});
