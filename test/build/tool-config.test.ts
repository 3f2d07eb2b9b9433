import { describe, expect, it } from "vitest";
import { Fields } from "../../src/build/fields.js";
import { parseToml } from "../../src/build/toml.js";
import { readToolConfig } from "../../src/build/tool-config.js";

const FILE = "/p/pyproject.toml";
const read = (toml: string) => readToolConfig(new Fields(FILE, "tool.pyts-build", parseToml(toml, FILE)));

describe("readToolConfig", () => {
  it("defaults without a table", () => {
    expect(readToolConfig(undefined)).toEqual({ pythonPackages: [], include: [], exclude: [], bindings: "pyo3", features: [], strip: false });
  });

  it("reads every key", () => {
    expect(
      read(`
module-name = "pkg._native"
python-source = "python"
python-packages = ["extra_pkg"]
include = ["data/*.json", {path = "docs/**", format = "sdist"}, {path = "x", format = ["wheel"]}]
exclude = ["**/*.tmp"]
bindings = "pyo3"
features = ["a,b", "c"]
profile = "dist"
strip = true
compatibility = "manylinux2014"
data = "my.data"
manifest-path = "rust/Cargo.toml"
`),
    ).toEqual({
      moduleName: "pkg._native",
      pythonSource: "python",
      pythonPackages: ["extra_pkg"],
      include: [
        { path: "data/*.json", formats: ["sdist", "wheel"] },
        { path: "docs/**", formats: ["sdist"] },
        { path: "x", formats: ["wheel"] },
      ],
      exclude: [{ path: "**/*.tmp", formats: ["sdist", "wheel"] }],
      bindings: "pyo3",
      features: ["a", "b", "c"],
      profile: "dist",
      strip: true,
      compatibility: "manylinux2014",
      data: "my.data",
      manifestPath: "rust/Cargo.toml",
    });
  });

  it.each([
    ['module_name = "x"', 'unknown key "module_name" in [tool.pyts-build] (did you mean "module-name"?)'],
    ['module-name = "pkg.class"', '"pkg.class" is not a valid Python module name'],
    ['bindings = "uniffi"', 'tool.pyts-build.bindings "uniffi" is not supported'],
    ['include = [{path = "x", format = "egg"}]', 'tool.pyts-build.include[0].format "egg" is not one of sdist, wheel'],
    ['include = [{format = "wheel"}]', "tool.pyts-build.include[0].path is missing"],
    ["include = [1]", "include[0] must be a glob string or a {path, format} table"],
    ['python-source = "/abs"', 'tool.pyts-build.python-source "/abs" must be a relative path'],
    ['strip = "yes"', "tool.pyts-build.strip must be true or false"],
  ])("%s -> %s", (toml, msg) => {
    expect(() => read(toml)).toThrow(msg);
  });

  it.each(["pyo3", "pyo3-ffi", "cffi", "bin"])("bindings = %s is accepted", (b) => {
    expect(read(`bindings = "${b}"`).bindings).toBe(b);
  });

  it("lists the valid keys in the hint", () => {
    try {
      read("colour = 1");
      expect.unreachable();
    } catch (e) {
      expect((e as { hint: string }).hint).toContain("module-name, python-source, python-packages, include, exclude");
    }
  });
});
