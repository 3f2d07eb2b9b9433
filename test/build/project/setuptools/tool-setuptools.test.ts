import { describe, expect, it } from "vitest";
import { Fields } from "../../../../src/build/project/fields.js";
import { checkPyLimitedApi, readAttr, readToolSetuptools, toolPyLimitedApi } from "../../../../src/build/project/setuptools/tool-setuptools.js";
import { writeTree } from "../../../helpers/tree.js";

const f = (raw: Record<string, unknown>) => new Fields("/p/pyproject.toml", "tool.setuptools", raw);

describe("[tool.setuptools]", () => {
  const d = writeTree("ts-find", { "python/pkg/__init__.py": "", "python/pkg/ns/x.txt": "", "python/tests/__init__.py": "" });

  it("packages.find: where, include, exclude, namespaces (true by default in pyproject.toml)", () => {
    const t = readToolSetuptools(f({ packages: { find: { where: ["python"], exclude: ["tests*"] } } }), d);
    expect(t.packages?.sort()).toEqual(["pkg", "pkg.ns"]);
    expect(t.packageDir).toEqual({ "": "python" });
    expect(readToolSetuptools(f({ packages: { find: { where: ["python"], namespaces: false, include: ["pkg*"] } } }), d).packages).toEqual(["pkg"]);
  });

  it("the layout keys as written; '*' in package-data means every package", () => {
    const t = readToolSetuptools(f({ packages: ["a"], "package-dir": { "": "./src/" }, "py-modules": ["m"], "package-data": { "*": ["*.txt"], a: ["x/*"] }, "exclude-package-data": { a: ["x/skip"] }, "include-package-data": false, "data-files": { "share/a": ["f.txt"] }, "zip-safe": false }), d);
    expect(t).toMatchObject({ packages: ["a"], packageDir: { "": "src" }, pyModules: ["m"], packageData: { "": ["*.txt"], a: ["x/*"] }, excludePackageData: { a: ["x/skip"] }, includePackageData: false, dataFiles: [{ dir: "share/a", files: ["f.txt"] }] });
  });

  it.each([
    [{ cmdclass: { sdist: "x.Y" } }, "tool.setuptools.cmdclass is not supported by pyts-build (custom setuptools commands"],
    [{ "ext-modules": [{ name: "c", sources: ["c.c"] }] }, "tool.setuptools.ext-modules is not supported by pyts-build (C/C++ extensions"],
    [{ "script-files": ["bin/x"] }, "tool.setuptools.script-files is not supported"],
    [{ pakages: ["x"] }, 'unknown key "pakages" in [tool.setuptools] (did you mean "packages"?)'],
    [{ packages: { glob: "x" } }, 'unknown key "glob" in [tool.setuptools.packages]'],
  ])("refuses %j", (raw, message) => {
    expect(() => readToolSetuptools(f(raw), d)).toThrow(message);
  });
});

describe("bdist_wheel's py_limited_api", () => {
  it("[tool.distutils.bdist_wheel] py-limited-api (or py_limited_api), checked like bdist_wheel checks it", () => {
    expect(toolPyLimitedApi({ tool: { distutils: { bdist_wheel: { "py-limited-api": "cp39" } } } }, "p")).toBe("cp39");
    expect(toolPyLimitedApi({ tool: { distutils: { bdist_wheel: { py_limited_api: "cp310" } } } }, "p")).toBe("cp310");
    expect(toolPyLimitedApi({}, "p")).toBeUndefined();
    expect(checkPyLimitedApi("cp311", "p")).toBe("cp311");
    expect(() => checkPyLimitedApi("abi3", "p")).toThrow('py-limited-api "abi3" must look like cp38');
  });
});

describe("readAttr: `attr` without importing the module", () => {
  const d = writeTree("ts-attr", { "src/pkg/__init__.py": '"""doc"""\n__version__ = "1.4.2"  # the version\n', "src/pkg/meta.py": "VERSION: str = '2.0'\n", "src/pkg/bad.py": "__version__ = get_version()\n" });
  it("a literal string at the module's top, found through package_dir", () => {
    expect(readAttr(d, "pkg.__version__", { "": "src" }, "w")).toBe("1.4.2");
    expect(readAttr(d, "pkg.meta.VERSION", { "": "src" }, "w")).toBe("2.0");
    expect(() => readAttr(d, "pkg.bad.__version__", { "": "src" }, "w")).toThrow("does not assign __version__ a plain string");
    expect(() => readAttr(d, "nothere.__version__", { "": "src" }, "w")).toThrow("no module file for it");
  });
});
