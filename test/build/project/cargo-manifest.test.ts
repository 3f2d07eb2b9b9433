import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { abi3FromFeatures, enabledPyo3Features, readCargoManifest } from "../../../src/build/project/cargo-manifest.js";
import { writeTree } from "../../helpers/tree.js";

const tree = (files: Record<string, string>): string => writeTree("cargo-manifest", files);

describe("readCargoManifest", () => {
  it("reads package metadata, the lib target and pyo3", () => {
    const d = tree({
      "Cargo.toml": `
[package]
name = "my-ext"
version = "1.2.3-alpha.1"
description = "desc"
license = "MIT"
authors = ["Ann <ann@example.org>"]
homepage = "https://h"
repository = "https://r"
keywords = ["a"]
readme = "docs/README.md"

[lib]
name = "my_ext"
crate-type = ["cdylib", "rlib"]

[dependencies]
pyo3 = { version = "0.17", features = ["extension-module"] }

[features]
default = ["fast"]
fast = []
abi3 = ["pyo3/abi3-py38"]
`,
      "src/lib.rs": "",
    });
    const m = readCargoManifest(join(d, "Cargo.toml"));
    expect(m.dir).toBe(d);
    expect(m.package).toEqual({
      name: "my-ext",
      version: "1.2.3-alpha.1",
      description: "desc",
      license: "MIT",
      authors: ["Ann <ann@example.org>"],
      homepage: "https://h",
      repository: "https://r",
      keywords: ["a"],
      readme: join(d, "docs/README.md"),
    });
    expect(m.lib).toEqual({ name: "my_ext", crateTypes: ["cdylib", "rlib"] });
    expect(m.pyo3).toEqual({ key: "pyo3", package: "pyo3", features: ["extension-module"], optional: false });
    expect(m.bins).toEqual([]);
    expect(m.workspaceRoot).toBeUndefined();
  });

  it("default lib name from the package name; no lib without src/lib.rs or [lib]", () => {
    const withLib = tree({ "Cargo.toml": '[package]\nname = "a-b"\nversion = "0.1.0"\n', "src/lib.rs": "" });
    expect(readCargoManifest(join(withLib, "Cargo.toml")).lib).toEqual({ name: "a_b", crateTypes: ["lib"] });
    const binOnly = tree({ "Cargo.toml": '[package]\nname = "tool"\nversion = "0.1.0"\n', "src/main.rs": "fn main(){}" });
    const m = readCargoManifest(join(binOnly, "Cargo.toml"));
    expect(m.lib).toBeUndefined();
    expect(m.bins).toEqual(["tool"]);
  });

  it("resolves workspace-inherited fields and dependencies", () => {
    const d = tree({
      "Cargo.toml": `
[workspace]
members = ["crates/ext"]
[workspace.package]
version = "2.0.0"
license = "Apache-2.0"
readme = "README.md"
authors = ["W"]
[workspace.dependencies]
pyo3 = { version = "0.17", features = ["abi3-py37"] }
`,
      "crates/ext/Cargo.toml": `
[package]
name = "ext"
version.workspace = true
license.workspace = true
readme.workspace = true
authors = { workspace = true }
[lib]
crate-type = ["cdylib"]
[dependencies]
pyo3 = { workspace = true, features = ["extension-module"] }
`,
      "crates/ext/src/lib.rs": "",
    });
    const m = readCargoManifest(join(d, "crates/ext/Cargo.toml"));
    expect(m.package.version).toBe("2.0.0");
    expect(m.package.license).toBe("Apache-2.0");
    expect(m.package.readme).toBe(join(d, "README.md")); // relative to the workspace root
    expect(m.package.authors).toEqual(["W"]);
    expect(m.workspaceRoot).toBe(d);
    expect(m.pyo3?.features.sort()).toEqual(["abi3-py37", "extension-module"]);
  });

  it("a renamed pyo3 dependency is found", () => {
    const d = tree({ "Cargo.toml": '[package]\nname = "a"\nversion = "0.1.0"\n[dependencies]\npy = { package = "pyo3", version = "0.17" }\n' });
    expect(readCargoManifest(join(d, "Cargo.toml")).pyo3).toEqual({ key: "py", package: "pyo3", features: [], optional: false });
  });

  it.each([
    ["[workspace]\nmembers = []\n", "has no [package]: it is a virtual workspace manifest"],
    ['[package]\nversion = "1.0.0"\n', "package.name is missing"],
    ['[package]\nname = "a"\nversion.workspace = true\n', "package.version inherits from the workspace, but no [workspace.package] version was found"],
    ['[package]\nname = "a"\nversion = "1.0.0"\n[lib]\ncrate-type = ["cdylib"]\n', "[lib] path"],
  ])("errors: %s", (toml, msg) => {
    const d = tree({ "Cargo.toml": toml });
    expect(() => readCargoManifest(join(d, "Cargo.toml"))).toThrow(msg.replace("[lib] path", "lib.path is not set and src/lib.rs does not exist"));
  });

  it("a missing Cargo.toml says how to point at one", () => {
    expect(() => readCargoManifest("/nonexistent/Cargo.toml")).toThrow("/nonexistent/Cargo.toml does not exist");
  });
});

describe("pyo3 features and abi3", () => {
  const d = tree({
    "Cargo.toml": `
[package]
name = "a"
version = "0.1.0"
[dependencies]
pyo3 = { version = "0.17", features = ["extension-module"], optional = true }
[features]
default = ["python"]
python = ["dep:pyo3"]
stable = ["python", "abi"]
abi = ["pyo3?/abi3-py39"]
`,
  });
  const m = readCargoManifest(join(d, "Cargo.toml"));

  it("follows crate features to pyo3/<feature>", () => {
    expect([...enabledPyo3Features(m)]).toEqual(["extension-module"]);
    expect([...enabledPyo3Features(m, { features: ["stable"] })].sort()).toEqual(["abi3-py39", "extension-module"]);
    expect([...enabledPyo3Features(m, { allFeatures: true })].sort()).toEqual(["abi3-py39", "extension-module"]);
    expect([...enabledPyo3Features(m, { features: ["pyo3/abi3"], noDefaultFeatures: true })].sort()).toEqual(["abi3", "extension-module"]);
  });

  it("pyo3-ffi's abi3 features count too (own features, and renamed through a crate feature)", () => {
    const f = tree({
      "Cargo.toml": '[package]\nname = "f"\nversion = "0.1.0"\n[dependencies]\nffi = { package = "pyo3-ffi", version = "0.17" }\n[features]\nstable = ["ffi/abi3-py38"]\n',
    });
    const fm = readCargoManifest(join(f, "Cargo.toml"));
    expect(fm.pyo3).toBeUndefined();
    expect(fm.pyo3Ffi).toEqual({ key: "ffi", package: "pyo3-ffi", features: [], optional: false });
    expect(abi3FromFeatures(enabledPyo3Features(fm))).toBeUndefined();
    expect(abi3FromFeatures(enabledPyo3Features(fm, { features: ["stable"] }))).toBe(8);
  });

  it("abi3 minimum from abi3-py3X; plain abi3 means the interpreter's own", () => {
    expect(abi3FromFeatures(["extension-module"])).toBeUndefined();
    expect(abi3FromFeatures(["abi3-py38", "abi3-py310"])).toBe(8);
    expect(abi3FromFeatures(["abi3"])).toBe("current");
  });
});
