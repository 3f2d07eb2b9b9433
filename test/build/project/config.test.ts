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
    expect(() => loadProjectConfig({ cwd: p })).toThrow(`no Cargo.toml in ${p} (next to pyproject.toml)`);
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

  it("a malformed Cargo.toml names the file and line", () => {
    const d = tree({ "Cargo.toml": '[package]\nname = "a"\nversion = 1.0.0\n' });
    expect(() => loadProjectConfig({ cwd: d })).toThrow(new RegExp(`^${join(d, "Cargo.toml")}:3:\\d+: invalid TOML`));
  });
});
