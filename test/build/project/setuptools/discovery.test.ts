import { describe, expect, it } from "vitest";
import { autoDiscover, expandFind, findModules, findPackages, fnmatch, topLevelPackages } from "../../../../src/build/project/setuptools/discovery.js";
import { writeTree } from "../../../helpers/tree.js";

describe("fnmatch (fnmatchcase)", () => {
  it.each([
    ["pkg.sub", "pkg.*", true],
    ["pkg", "pkg.*", false],
    ["tests", "test*", true],
    ["a/b/c.txt", "*.txt", true], // '*' crosses '/', as Python's fnmatch does
    ["x1", "x[0-9]", true],
    ["xa", "x[!a]", false],
    [".hidden", "[._]*", true],
  ])("%s ~ %s: %s", (name, pattern, result) => {
    expect(fnmatch(name, pattern)).toBe(result);
  });
});

describe("find", () => {
  const d = writeTree("st-find", {
    "python/pkg/__init__.py": "",
    "python/pkg/sub/__init__.py": "",
    "python/pkg/data/x.txt": "",
    "python/pkg/sub/deep/__init__.py": "",
    "python/pkg/__pycache__/x.pyc": "",
    "python/pkg/dotted.name/__init__.py": "",
    "python/other/__init__.py": "",
  });

  it("classic packages need __init__.py; PEP 420 takes every folder with a name without '.'", () => {
    expect(findPackages(`${d}/python`).sort()).toEqual(["other", "pkg", "pkg.sub", "pkg.sub.deep"]);
    expect(findPackages(`${d}/python`, { namespaces: true }).sort()).toEqual(["other", "pkg", "pkg.data", "pkg.sub", "pkg.sub.deep"]);
  });

  it("include and exclude; `pkg.*` in exclude stops the walk below pkg", () => {
    expect(findPackages(`${d}/python`, { include: ["pkg*"] }).sort()).toEqual(["pkg", "pkg.sub", "pkg.sub.deep"]);
    expect(findPackages(`${d}/python`, { exclude: ["pkg.*"] }).sort()).toEqual(["other", "pkg"]);
  });

  it("where = one folder fills package_dir[''] with it (setuptools' fill_package_dir)", () => {
    const dirs: Record<string, string> = {};
    expect(expandFind(d, ["python"], { namespaces: false }, dirs).sort()).toEqual(["other", "pkg", "pkg.sub", "pkg.sub.deep"]);
    expect(dirs).toEqual({ "": "python" });
  });

  it("several where folders map each top-level package to its folder", () => {
    const e = writeTree("st-find2", { "a/one/__init__.py": "", "b/two/__init__.py": "" });
    const dirs: Record<string, string> = {};
    expect(expandFind(e, ["a", "b"], {}, dirs)).toEqual(["one", "two"]);
    expect(dirs).toEqual({ one: "a/one", two: "b/two" });
  });

  it("topLevelPackages drops nested ones", () => {
    expect(topLevelPackages(["a", "a.b", "c.d", "c.d.e"])).toEqual(["a", "c.d"]);
  });
});

describe("automatic discovery", () => {
  it("src layout: every package and module under src/, package_dir[''] = src", () => {
    const d = writeTree("st-auto-src", { "src/app/__init__.py": "", "src/app/ns/x.py": "", "src/tool.py": "", "Cargo.toml": "" });
    expect(autoDiscover(d, {}, "pyproject.toml")).toEqual({ packages: ["app", "app.ns"], pyModules: ["tool"], packageDir: { "": "src" } });
  });

  it("flat layout: reserved names (tests, docs, build...) aside, one top-level package", () => {
    const d = writeTree("st-auto-flat", { "app/__init__.py": "", "tests/test_x.py": "", "docs/conf.py": "", "build/lib/x.py": "", ".venv/x.py": "", "setup.py": "", "noxfile.py": "" });
    expect(autoDiscover(d, {}, "pyproject.toml").packages).toEqual(["app"]);
    // cargo's target/ is no reserved name: setuptools would count it, so a Rust project names its packages
    const e = writeTree("st-auto-target", { "app/__init__.py": "", "target/release/x": "" });
    expect(() => autoDiscover(e, {}, "pyproject.toml")).toThrow("(app, target)");
  });

  it("flat layout with two top-level packages: refused, as setuptools does", () => {
    const d = writeTree("st-auto-two", { "one/__init__.py": "", "two/__init__.py": "" });
    expect(() => autoDiscover(d, {}, "pyproject.toml")).toThrow("multiple top-level packages discovered in a flat layout (one, two)");
  });

  it("flat layout of modules: one module is taken, setup.py and noxfile.py are not modules", () => {
    const d = writeTree("st-auto-mod", { "single.py": "", "setup.py": "", "noxfile.py": "" });
    expect(autoDiscover(d, {}, "x")).toEqual({ packages: [], pyModules: ["single"], packageDir: {} });
    expect(findModules(d)).toEqual(["noxfile", "setup", "single"]);
  });

  it("explicit package_dir entries: those packages and everything below them", () => {
    const d = writeTree("st-auto-explicit", { "lib/mypkg/__init__.py": "", "lib/mypkg/sub/a.py": "" });
    expect(autoDiscover(d, { mypkg: "lib/mypkg" }, "x").packages).toEqual(["mypkg", "mypkg.sub"]);
  });
});
