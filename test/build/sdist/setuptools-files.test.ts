import { describe, expect, it } from "vitest";
import { setuptoolsFileList, type SetuptoolsSdistInput } from "../../../src/build/sdist/setuptools-files.js";

const EGG = ["demo.egg-info/PKG-INFO", "demo.egg-info/SOURCES.txt", "demo.egg-info/dependency_links.txt", "demo.egg-info/top_level.txt"];

function input(all: string[], over: Partial<SetuptoolsSdistInput> = {}): SetuptoolsSdistInput {
  return { all, pythonFiles: [], dataFiles: [], licenseFiles: [], referencedFiles: [], eggInfo: EGG, fullname: "demo-1.0", ...over };
}

describe("setuptoolsFileList: setuptools' defaults", () => {
  const all = [
    "README.rst",
    "README.md",
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "tests/test_a.py",
    "tests/conftest.py",
    "tests/sub/test_b.py",
    "test/test_c.py",
    "noxfile.py",
    "Cargo.toml",
    "src/lib.rs",
    "demo/__init__.py",
    "LICENSE",
  ];

  it("takes the first readme, setup.py/setup.cfg/pyproject.toml, tests/test*.py at one level, the Python files, the egg-info", () => {
    const r = setuptoolsFileList(input(all, { pythonFiles: ["demo/__init__.py"], licenseFiles: ["LICENSE"] }));
    expect(r.files).toEqual([
      "LICENSE",
      "README.rst", // README.rst comes before README.md in distutils' list; only the first found is taken
      "pyproject.toml",
      "setup.cfg",
      "setup.py",
      "demo/__init__.py",
      ...EGG.slice().sort((a, b) => (a < b ? -1 : 1)),
      "test/test_c.py",
      "tests/test_a.py",
    ]);
    // without MANIFEST.in nothing of the crate goes in: setuptools-rust adds nothing to an sdist
    expect(r.files).not.toContain("Cargo.toml");
    expect(r.files).not.toContain("noxfile.py");
  });

  it("takes data files and scripts that exist", () => {
    const r = setuptoolsFileList(input(["etc/a.conf", "bin/tool"], { dataFiles: ["etc/a.conf", "etc/missing.conf"], scripts: ["bin/tool"] }));
    expect(r.files).toContain("etc/a.conf");
    expect(r.files).toContain("bin/tool");
    expect(r.files).not.toContain("etc/missing.conf");
  });
});

describe("setuptoolsFileList with MANIFEST.in", () => {
  const all = [
    "README.md",
    "pyproject.toml",
    "MANIFEST.in",
    "Cargo.toml",
    "Cargo.lock",
    "src/lib.rs",
    "src/lib.rs.bak",
    "LICENSE",
    "build/lib/demo/__init__.py",
    "docs/x.txt",
    ".git/config",
    ".tox/py/x.txt",
    "demo-1.0/PKG-INFO",
  ];

  it("applies the template after the defaults; license and referenced files come after it, so it cannot drop them", () => {
    const r = setuptoolsFileList(
      input(all, {
        manifestIn: "include Cargo.*\nrecursive-include src *\nglobal-exclude *.bak\nexclude LICENSE README.md\n",
        licenseFiles: ["LICENSE"],
        referencedFiles: ["README.md"],
      }),
    );
    expect(r.files).toEqual(["Cargo.lock", "Cargo.toml", "LICENSE", "MANIFEST.in", "README.md", "pyproject.toml", ...EGG.slice().sort((a, b) => (a < b ? -1 : 1)), "src/lib.rs"]);
  });

  it("prunes build/, an earlier sdist tree, VCS folders anywhere and .tox/.nox/.venv at the top, whatever the template took", () => {
    const r = setuptoolsFileList(input(all, { manifestIn: "graft .\n" }));
    for (const gone of ["build/lib/demo/__init__.py", ".git/config", ".tox/py/x.txt", "demo-1.0/PKG-INFO"]) expect(r.files).not.toContain(gone);
    expect(r.files).toContain("docs/x.txt");
  });

  it("keeps SOURCES.txt even when the template drops the egg-info (sdist adds it again)", () => {
    const r = setuptoolsFileList(input(all, { manifestIn: "prune demo.egg-info\n" }));
    expect(r.files.filter((f) => f.includes("egg-info"))).toEqual(["demo.egg-info/SOURCES.txt"]);
  });

  it("reports setuptools' warnings with the template's line", () => {
    const r = setuptoolsFileList(input(all, { manifestIn: "include nothing\nfrobnicate x\n" }));
    expect(r.warnings).toEqual(["MANIFEST.in, line 2: unknown action 'frobnicate'", "MANIFEST.in, line 1: no files found matching 'nothing'"]);
  });

  it("global-include sees the generated egg-info like setuptools' findall does", () => {
    const r = setuptoolsFileList(input(all, { manifestIn: "prune demo.egg-info\nglobal-include *.txt\n" }));
    expect(r.files).toContain("demo.egg-info/top_level.txt");
    expect(r.files).toContain("docs/x.txt");
  });
});
