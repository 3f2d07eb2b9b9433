import { describe, expect, it } from "vitest";
import { Fields } from "../../../src/build/project/fields.js";
import { readmeContentType, readProjectTable } from "../../../src/build/project/pyproject.js";
import { parseToml } from "../../../src/build/project/toml.js";
import { thrown } from "../../helpers/thrown.js";

const FILE = "/p/pyproject.toml";
const read = (toml: string) => readProjectTable(new Fields(FILE, "project", parseToml(toml, FILE)));
const errorOf = (toml: string): string => thrown(() => read(toml)).message;

describe("readProjectTable", () => {
  it("reads every PEP 621 field", () => {
    const p = read(`
name = "My.Pkg"
version = "1.0.0-RC1"
description = "one line"
readme = "README.rst"
requires-python = ">=3.8"
license = "MIT OR Apache-2.0"
license-files = ["LICENSE*"]
authors = [{name = "A"}, {email = "b@example.org"}]
maintainers = [{name = "M", email = "m@example.org"}]
keywords = ["k1"]
classifiers = ["Programming Language :: Rust"]
dependencies = ["numpy>=1.20"]
[urls]
Homepage = "https://example.org"
[optional-dependencies]
test = ["pytest; python_version >= '3.8'"]
[scripts]
hello = "my_pkg:main"
[gui-scripts]
win = "my_pkg.gui:run"
[entry-points."my.plugins"]
p = "my_pkg.plug"
`);
    expect(p).toEqual({
      name: "My.Pkg",
      version: "1.0.0rc1",
      description: "one line",
      readme: { file: "README.rst", contentType: "text/x-rst; charset=UTF-8" },
      requiresPython: ">=3.8",
      license: { expression: "MIT OR Apache-2.0" },
      licenseFiles: ["LICENSE*"],
      authors: [{ name: "A" }, { email: "b@example.org" }],
      maintainers: [{ name: "M", email: "m@example.org" }],
      keywords: ["k1"],
      classifiers: ["Programming Language :: Rust"],
      urls: [["Homepage", "https://example.org"]],
      dependencies: ["numpy>=1.20"],
      optionalDependencies: { test: ["pytest; python_version >= '3.8'"] },
      scripts: { hello: "my_pkg:main" },
      guiScripts: { win: "my_pkg.gui:run" },
      entryPoints: { "my.plugins": { p: "my_pkg.plug" } },
      dynamic: [],
      staticAndDynamic: [],
    });
  });

  it("readme and license tables", () => {
    expect(read('name="a"\nversion="1"\nreadme={text="hi", content-type="text/plain"}\nlicense={file="LICENSE"}').readme).toEqual({
      text: "hi",
      contentType: "text/plain",
    });
    expect(read('name="a"\nversion="1"\nreadme={file="README.md"}').readme).toEqual({ file: "README.md", contentType: "text/markdown; charset=UTF-8; variant=GFM" });
    expect(read('name="a"\nversion="1"\nlicense={text="custom"}').license).toEqual({ text: "custom" });
  });

  it("dynamic version may be omitted", () => {
    expect(read('name = "a"\ndynamic = ["version"]')).toEqual({ name: "a", dynamic: ["version"], staticAndDynamic: [] });
    // maturin's rule: missing and not dynamic is not an error here; config.ts takes Cargo's with a warning
    expect(read('name = "a"')).toEqual({ name: "a", dynamic: [], staticAndDynamic: [] });
  });

  it("a field both set and listed in dynamic is noted, not refused (config.ts decides: maturin's merge, or --strict's error)", () => {
    const p = read('name = "a"\nversion = "1"\nlicense = {file = "LICENSE"}\ndynamic = ["version", "license"]');
    expect(p.staticAndDynamic).toEqual(["version", "license"]);
    expect(p.license).toEqual({ file: "LICENSE" });
  });

  it.each([
    ['version = "1"', "/p/pyproject.toml: project.name is missing"],
    ['name = "-bad-"\nversion = "1"', 'project.name "-bad-" is not a valid project name'],
    ['name = "a"\nversion = "1.x"', 'project.version "1.x"'],
    ['name = "a"\nversion = "1"\nrequires-python = ">=3.8,"', "project.requires-python"],
    ['name = "a"\nversion = "1"\ndependencies = ["numpy >>= 1"]', "project.dependencies[0]"],
    ['name = "a"\ndynamic = ["name"]', 'cannot list "name"'],
    ['name = "a"\ndynamic = ["colour"]', 'lists "colour", which is not a [project] field'],
    ['name = "a"\nversion = "1"\nreadme = "README.adoc"', 'project.readme "README.adoc" has an unknown extension'],
    ['name = "a"\nversion = "1"\nreadme = {text = "x"}', "project.readme.content-type is missing"],
    ['name = "a"\nversion = "1"\nlicense = {file = "L", text = "x"}', "project.license needs exactly one of file or text"],
    ['name = "a"\nversion = "1"\nlicense = {file = "L"}\nlicense-files = ["L"]', "license-files cannot be used with a license table"],
    ['name = "a"\nversion = "1"\nauthors = [{name = "x", email = "nope"}]', 'project.authors[0].email "nope" is not an email address'],
    ['name = "a"\nversion = "1"\n[entry-points.console_scripts]\nx = "a:b"', "project.entry-points.console_scripts is not allowed here"],
    ['name = "a"\nversion = "1"\nhomepage = "x"', 'unknown key "homepage" in [project]'],
    ['name = "a"\nversion = "1"\ndescription = "two\\nlines"', "project.description must be a single line"],
  ])("%s -> error %s", (toml, msg) => {
    expect(errorOf(toml)).toContain(msg);
  });

  it("content types from extensions", () => {
    expect(readmeContentType("README.md")).toBe("text/markdown; charset=UTF-8; variant=GFM");
    expect(readmeContentType("docs/README.RST")).toBe("text/x-rst; charset=UTF-8");
    expect(readmeContentType("README.txt")).toBe("text/plain; charset=UTF-8");
    expect(readmeContentType("README")).toBeUndefined();
  });
});
