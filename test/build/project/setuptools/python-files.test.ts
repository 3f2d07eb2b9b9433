import { describe, expect, it } from "vitest";
import type { SetuptoolsProject } from "../../../../src/build/project/setuptools/model.js";
import { packageFolder } from "../../../../src/build/project/setuptools/model.js";
import { pyGlob, setuptoolsDataFiles, setuptoolsPythonFiles } from "../../../../src/build/project/setuptools/python-files.js";
import { writeTree } from "../../../helpers/tree.js";

const model = (o: Partial<SetuptoolsProject>): SetuptoolsProject => ({
  sources: ["pyproject.toml"],
  packages: [],
  packageDir: {},
  pyModules: [],
  packageData: {},
  excludePackageData: {},
  includePackageData: true,
  dataFiles: [],
  rustTargets: [],
  ...o,
});

describe("packageFolder (setuptools' find_package_path)", () => {
  it("the most specific package_dir entry wins", () => {
    expect(packageFolder({ packageDir: { "": "src" } }, "my.pkg")).toBe("src/my/pkg");
    expect(packageFolder({ packageDir: { my: "lib" } }, "my.pkg")).toBe("lib/pkg");
    expect(packageFolder({ packageDir: { "my.pkg": "nested" } }, "my.pkg")).toBe("nested");
    expect(packageFolder({ packageDir: { "my.pkg": "nested" } }, "other.pkg")).toBe("other/pkg");
    expect(packageFolder({ packageDir: {} }, "")).toBe("");
  });
});

describe("pyGlob (Python's glob, recursive, files only)", () => {
  const d = writeTree("st-glob", { "a.txt": "", ".hidden.txt": "", "sub/b.txt": "", "sub/deep/c.txt": "", "sub/.dot/d.txt": "", "dir.txt/e": "" });
  it("'*' stays in one folder and skips dot files; '**' is any number of folders", () => {
    expect(pyGlob(d, "*.txt")).toEqual(["a.txt"]);
    expect(pyGlob(d, ".*.txt")).toEqual([".hidden.txt"]);
    expect(pyGlob(d, "**/*.txt")).toEqual(["a.txt", "sub/b.txt", "sub/deep/c.txt"]);
    expect(pyGlob(d, "sub/**")).toEqual(["sub/b.txt", "sub/deep/c.txt"]);
    expect(pyGlob(d, "sub/b.txt")).toEqual(["sub/b.txt"]);
    expect(pyGlob(d, "missing/*")).toEqual([]);
  });
});

describe("setuptoolsPythonFiles (build_py)", () => {
  const d = writeTree("st-pyfiles", {
    "src/pkg/__init__.py": "",
    "src/pkg/mod.py": "",
    "src/pkg/mod.pyi": "",
    "src/pkg/py.typed": "",
    "src/pkg/README.md": "",
    "src/pkg/data/a.json": "",
    "src/pkg/data/b.json": "",
    "src/pkg/data/nested/c.json": "",
    "src/pkg/sub/__init__.py": "",
    "src/pkg/sub/notes.txt": "",
    "src/pkg/__pycache__/mod.cpython-311.pyc": "",
    "src/single.py": "",
    "setup.py": "",
  });
  const names = (m: SetuptoolsProject, o = {}) => setuptoolsPythonFiles(d, m, o).map((f) => f.path).sort();

  it("each package's *.py and the implicit *.pyi and py.typed; sub-packages only when listed", () => {
    expect(names(model({ packages: ["pkg"], packageDir: { "": "src" } }))).toEqual(["pkg/__init__.py", "pkg/mod.py", "pkg/mod.pyi", "pkg/py.typed"]);
    expect(names(model({ packages: ["pkg", "pkg.sub"], packageDir: { "": "src" } }))).toContain("pkg/sub/__init__.py");
  });

  it("package data globs ('' = every package), minus exclude-package-data (fnmatch over the path)", () => {
    const m = model({ packages: ["pkg", "pkg.sub"], packageDir: { "": "src" }, packageData: { pkg: ["data/**/*.json"], "": ["*.txt"] }, excludePackageData: { pkg: ["data/b.json"] } });
    expect(names(m)).toEqual(["pkg/__init__.py", "pkg/data/a.json", "pkg/data/nested/c.json", "pkg/mod.py", "pkg/mod.pyi", "pkg/py.typed", "pkg/sub/__init__.py", "pkg/sub/notes.txt"]);
  });

  it("include_package_data takes the manifest's files inside each package's folder (not its modules; the nearest package owns a file)", () => {
    const manifest = ["setup.py", "src/pkg/README.md", "src/pkg/mod.py", "src/pkg/sub/notes.txt", "src/pkg/data/a.json", "README.md"];
    const m = model({ packages: ["pkg", "pkg.sub"], packageDir: { "": "src" } });
    expect(names(m, { manifestFiles: manifest })).toEqual(["pkg/README.md", "pkg/__init__.py", "pkg/data/a.json", "pkg/mod.py", "pkg/mod.pyi", "pkg/py.typed", "pkg/sub/__init__.py", "pkg/sub/notes.txt"]);
    expect(names({ ...m, includePackageData: false }, { manifestFiles: manifest })).not.toContain("pkg/README.md");
  });

  it("py_modules, and the root package never ships setup.py", () => {
    expect(names(model({ pyModules: ["single"], packageDir: { "": "src" } }))).toEqual(["single.py"]);
    expect(names(model({ packages: [""], packageDir: {} }))).toEqual([]);
    const warned: string[] = [];
    expect(names(model({ pyModules: ["absent"] }), { warn: (m: string) => warned.push(m) })).toEqual([]);
    expect(warned[0]).toContain("absent.py (for module absent) not found");
  });

  it("a listed package whose folder is missing is an error, as in setuptools", () => {
    expect(() => setuptoolsPythonFiles(d, model({ packages: ["nothere"] }))).toThrow("package directory 'nothere' of package nothere does not exist");
  });

  it("data_files land in <dist>.data/data/<dir>/ by their base name", () => {
    expect(setuptoolsDataFiles(d, model({ dataFiles: [{ dir: "share/x", files: ["src/pkg/data/a.json"] }] }), "x-1.0.data")).toEqual([{ path: "x-1.0.data/data/share/x/a.json", file: `${d}/src/pkg/data/a.json` }]);
    expect(() => setuptoolsDataFiles(d, model({ dataFiles: [{ dir: "/etc", files: ["setup.py"] }] }), "x")).toThrow("absolute folder");
    expect(() => setuptoolsDataFiles(d, model({ dataFiles: [{ dir: "s", files: ["src"] }] }), "x")).toThrow("is not a file");
  });
});
