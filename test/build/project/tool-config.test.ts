import { describe, expect, it } from "vitest";
import { Fields } from "../../../src/build/project/fields.js";
import { parseToml } from "../../../src/build/project/toml.js";
import { readToolConfig } from "../../../src/build/project/tool-config.js";

const FILE = "/p/pyproject.toml";
const read = (toml: string) => readToolConfig(new Fields(FILE, "tool.pyts-build", parseToml(toml, FILE)));

describe("readToolConfig", () => {
  it("defaults without a table", () => {
    expect(readToolConfig(undefined)).toEqual({
      pythonPackages: [],
      include: [],
      outDirIncludes: [],
      exclude: [],
      features: [],
      conditionalFeatures: [],
      strip: false,
      cargoConfig: [],
      unstableFlags: [],
      rustcArgs: [],
      sbom: { rust: true, auditwheel: true, include: [], includeKey: "tool.pyts-build.sbom.include" },
    });
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
auditwheel = "check"
data = "my.data"
manifest-path = "rust/Cargo.toml"
all-features = true
no-default-features = true
locked = true
frozen = false
config = ["profile.release.lto=true"]
unstable-flags = ["build-std"]
rustc-args = ["--cfg", "x"]
target = "x86_64-unknown-linux-gnu"
strict-metadata = true
[sbom]
rust = false
include = ["sboms/vendor.cdx.json"]
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
      outDirIncludes: [],
      exclude: [{ path: "**/*.tmp", formats: ["sdist", "wheel"] }],
      bindings: "pyo3",
      features: ["a", "b", "c"],
      conditionalFeatures: [],
      profile: "dist",
      strip: true,
      compatibility: "manylinux2014",
      auditwheel: "check",
      data: "my.data",
      manifestPath: "rust/Cargo.toml",
      sbom: { rust: false, auditwheel: true, include: ["sboms/vendor.cdx.json"], includeKey: "tool.pyts-build.sbom.include" },
      allFeatures: true,
      noDefaultFeatures: true,
      locked: true,
      frozen: false,
      strictMetadata: true,
      cargoConfig: ["profile.release.lto=true"],
      unstableFlags: ["build-std"],
      rustcArgs: ["--cfg", "x"],
      target: "x86_64-unknown-linux-gnu",
    });
  });

  it.each([
    ['module_name = "x"', 'unknown key "module_name" in [tool.pyts-build] (did you mean "module-name"?)'],
    ['module-name = "pkg.class"', '"pkg.class" is not a valid Python module name'],
    ['bindings = "wasm"', 'tool.pyts-build.bindings "wasm" is not supported'],
    ['bindings = "uniffi"', 'tool.pyts-build.bindings "uniffi" is not supported yet by pyts-build'],
    ['auditwheel = "fix"', 'tool.pyts-build.auditwheel "fix" is not one of repair, check, warn, skip'],
    ["config = \"x=1\"", "tool.pyts-build.config must be an array of strings"],
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

const readMaturin = (toml: string, warnings: string[] = []) => readToolConfig(new Fields(FILE, "tool.maturin", parseToml(toml, FILE)), "maturin", warnings);

describe("[tool.maturin] read with maturin's meaning", () => {
  it("reads maturin's keys; skip-auditwheel is auditwheel = skip; unknown keys are a warning naming them", () => {
    const warnings: string[] = [];
    const t = readMaturin('bindings = "pyo3-ffi"\nmodule-name = "a._a"\nskip-auditwheel = true\nsdist-generator = "cargo"\nfeatures = ["x"]\nzig = true\ncargo-extra-args = "-v"\n', warnings);
    expect(t).toMatchObject({ bindings: "pyo3-ffi", moduleName: "a._a", auditwheel: "skip", features: ["x"] });
    expect(warnings).toEqual([`${FILE}: [tool.maturin] keys ignored by pyts-build: zig, cargo-extra-args`]);
  });

  it('bindings "cffi" and "bin" are accepted, "uniffi" is a not-supported-yet error, sdist-generator "git" a warning', () => {
    expect(readMaturin('bindings = "cffi"').bindings).toBe("cffi");
    expect(readMaturin('bindings = "bin"').bindings).toBe("bin");
    expect(() => readMaturin('bindings = "uniffi"')).toThrow(`${FILE}: tool.maturin.bindings "uniffi" is not supported yet by pyts-build`);
    expect(() => readMaturin('sdist-generator = "hg"')).toThrow('tool.maturin.sdist-generator "hg" is not one of cargo, git');
    const warnings: string[] = [];
    readMaturin('sdist-generator = "git"', warnings);
    expect(warnings[0]).toMatch(/sdist-generator = "git" is not supported/);
  });

  it("[tool.pyts-build] still rejects maturin-only keys", () => {
    expect(() => read("skip-auditwheel = true")).toThrow('unknown key "skip-auditwheel" in [tool.pyts-build]');
  });

  it("generate-stubs is pyts-build's own key (maturin has only the flag): read there, ignored with a warning in [tool.maturin]", () => {
    expect(read("generate-stubs = true").generateStubs).toBe(true);
    expect(read("generate-stubs = false").generateStubs).toBe(false);
    expect(read("").generateStubs).toBeUndefined();
    expect(() => read('generate-stubs = "yes"')).toThrow(/generate-stubs/);
    const warnings: string[] = [];
    expect(readMaturin("generate-stubs = true", warnings).generateStubs).toBeUndefined();
    expect(warnings).toEqual([`${FILE}: [tool.maturin] keys ignored by pyts-build: generate-stubs`]);
  });
});
