import { describe, expect, it } from "vitest";
import {
  applyManifestIn,
  globMatcher,
  manifestLines,
  normalizeManifestPath,
  parseManifestIn,
  sortFileList,
  translatePattern,
} from "../../../src/build/sdist/manifest-in.js";

describe("manifestLines (distutils' TextFile)", () => {
  it("drops comments and blank lines, strips, joins continuation lines", () => {
    const text = "# a comment\n\ninclude a.txt   # trailing\n  recursive-include src \\\n     *.rs *.toml\ninclude we\\#ird\r\n";
    expect(manifestLines(text)).toEqual([
      { line: 3, text: "include a.txt" },
      { line: 4, text: "recursive-include src *.rs *.toml" },
      { line: 6, text: "include we#ird" },
    ]);
  });

  it("keeps a continuation that ends the file", () => {
    expect(manifestLines("include a \\")).toEqual([{ line: 1, text: "include a" }]);
  });
});

describe("normalizeManifestPath (convert_path: pathlib.PurePath)", () => {
  it.each([
    ["src/", "src"],
    ["./src//x", "src/x"],
    [".", "."],
    ["a/./b/", "a/b"],
  ])("%s -> %s", (a, b) => expect(normalizeManifestPath(a)).toBe(b));
});

describe("parseManifestIn", () => {
  it("reads each directive with its words", () => {
    const p = parseManifestIn(
      "include a b\nexclude c\nglobal-include *.txt\nglobal-exclude *.pyc\nrecursive-include src *.rs\nrecursive-exclude src/ *.bak *.tmp\ngraft docs/\nprune docs/_build\n",
    );
    expect(p.problems).toEqual([]);
    expect(p.directives.map((d) => [d.action, d.dir, d.patterns, d.line])).toEqual([
      ["include", undefined, ["a", "b"], 1],
      ["exclude", undefined, ["c"], 2],
      ["global-include", undefined, ["*.txt"], 3],
      ["global-exclude", undefined, ["*.pyc"], 4],
      ["recursive-include", "src", ["*.rs"], 5],
      ["recursive-exclude", "src", ["*.bak", "*.tmp"], 6],
      ["graft", "docs", [], 7],
      ["prune", "docs/_build", [], 8],
    ]);
  });

  it("reports what setuptools warns about and skips, by line", () => {
    const p = parseManifestIn("include\nrecursive-include src\ngraft a b\nincldue x\ninclude ok\n");
    expect(p.problems).toEqual([
      { line: 1, message: "'include' expects <pattern1> <pattern2> ..." },
      { line: 2, message: "'recursive-include' expects <dir> <pattern1> <pattern2> ..." },
      { line: 3, message: "'graft' expects a single <dir_pattern>" },
      { line: 4, message: "unknown action 'incldue'" },
    ]);
    expect(p.directives).toHaveLength(1);
  });
});

describe("globMatcher (setuptools' glob: include, recursive-include, graft)", () => {
  it.each([
    // * and ? stay inside one path part; setuptools' glob does not skip hidden names
    ["*.txt", false, "a.txt", true],
    ["*.txt", false, "d/a.txt", false],
    ["*", false, ".hidden", true],
    ["d/?.rs", false, "d/a.rs", true],
    ["d/?.rs", false, "d/ab.rs", false],
    // fnmatch classes: ranges and negation
    ["[a-c].py", false, "b.py", true],
    ["[!a-c].py", false, "b.py", false],
    ["[!a-c].py", false, "d.py", true],
    // without recursive, ** is *
    ["**/x", false, "a/x", true],
    ["**/x", false, "a/b/x", false],
    // recursive: ** spans zero or more folders, hidden ones too
    ["src/**/*.rs", true, "src/lib.rs", true],
    ["src/**/*.rs", true, "src/a/.b/c.rs", true],
    ["src/**/*", true, "src/.x", true],
    ["src/**/*.rs", true, "src.rs", false],
    // a literal path is that file
    ["Cargo.toml", false, "Cargo.toml", true],
    ["Cargo.toml", false, "x/Cargo.toml", false],
    ["a+b(c).txt", false, "a+b(c).txt", true],
  ])("%s (recursive %s) vs %s -> %s", (pat, rec, path, want) => {
    expect(globMatcher(pat, rec)(path)).toBe(want);
  });

  it("skipHidden gives Python's own glob (package data)", () => {
    expect(globMatcher("pkg/*", false, { skipHidden: true })("pkg/.x")).toBe(false);
    expect(globMatcher("pkg/.*", false, { skipHidden: true })("pkg/.x")).toBe(true);
    expect(globMatcher("pkg/**/*.dat", true, { skipHidden: true })("pkg/.d/a.dat")).toBe(false);
    expect(globMatcher("pkg/**/*.dat", true, { skipHidden: true })("pkg/d/a.dat")).toBe(true);
  });
});

describe("translatePattern (setuptools: exclude, recursive-exclude, prune, global-*)", () => {
  it.each([
    ["*.txt", "a.txt", true],
    ["*.txt", "d/a.txt", false],
    ["*.txt", ".a.txt", true],
    ["**/*.txt", "a.txt", true],
    ["**/*.txt", "d/e/a.txt", true],
    ["d/**", "d/e/f", true],
    ["d/**", "dx/e", false],
    // the class's inside is escaped: [a-c] is a, - or c
    ["[a-c].py", "b.py", false],
    ["[a-c].py", "-.py", true],
    ["[!ab].py", "c.py", true],
    ["[!ab].py", "a.py", false],
    // an unclosed [ is literal
    ["x[y", "x[y", true],
  ])("%s vs %s -> %s", (pat, path, want) => {
    expect(translatePattern(pat)(path)).toBe(want);
  });
});

describe("applyManifestIn", () => {
  const all = [
    "README.md",
    "Cargo.toml",
    "Cargo.lock",
    "noxfile.py",
    "notes.txt",
    "src/lib.rs",
    "src/util/mod.rs",
    "src/.hidden.rs",
    "src/lib.rs.bak",
    "docs/index.md",
    "docs/_build/index.html",
    "docs/.nojekyll",
    "pkg/a.py",
    "pkg/data/x.txt",
    "pkg/data/y.bin",
    "pkg/sub/z.txt",
  ];
  const run = (start: string[], text: string) => {
    const r = applyManifestIn(start, parseManifestIn(text).directives, all);
    return { files: sortFileList(r.files), warnings: r.warnings };
  };

  it("include: a glob from the project folder, files only", () => {
    expect(run([], "include Cargo.* *.txt src").files).toEqual(["Cargo.lock", "Cargo.toml", "notes.txt"]);
  });

  it("recursive-include: the patterns at any depth below the folder, hidden files too", () => {
    expect(run([], "recursive-include src *.rs").files).toEqual(["src/.hidden.rs", "src/lib.rs", "src/util/mod.rs"]);
  });

  it("graft takes the whole folder; prune drops one, whatever added it", () => {
    expect(run([], "graft docs\nprune docs/_build").files).toEqual(["docs/.nojekyll", "docs/index.md"]);
  });

  it("exclude is anchored at the project folder; global-exclude matches at any depth", () => {
    const start = ["notes.txt", "pkg/data/x.txt", "pkg/sub/z.txt", "pkg/a.py"];
    expect(run(start, "exclude *.txt").files).toEqual(["pkg/a.py", "pkg/data/x.txt", "pkg/sub/z.txt"]);
    expect(run(start, "global-exclude *.txt").files).toEqual(["pkg/a.py"]);
  });

  it("global-include takes matching files anywhere", () => {
    expect(run([], "global-include *.txt").files).toEqual(["notes.txt", "pkg/data/x.txt", "pkg/sub/z.txt"]);
  });

  it("recursive-exclude drops matching files below the folder only", () => {
    expect(run([], "graft pkg\nrecursive-exclude pkg/data *\nrecursive-exclude src *.txt").files).toEqual(["pkg/a.py", "pkg/sub/z.txt"]);
  });

  it("order matters: a later include brings back what an exclude dropped", () => {
    expect(run([], "recursive-include src *\nexclude src/lib.rs.bak\ninclude src/*.bak").files).toContain("src/lib.rs.bak");
    expect(run([], "include src/*.bak\nrecursive-include src *\nglobal-exclude *.bak").files).not.toContain("src/lib.rs.bak");
  });

  it("warns, by line, as setuptools does when a directive finds nothing", () => {
    expect(run([], "include nothing.*\n\nprune nowhere\nrecursive-exclude src *.py").warnings).toEqual([
      { line: 1, message: "no files found matching 'nothing.*'" },
      { line: 3, message: "no previously-included directories found matching 'nowhere'" },
      { line: 4, message: "no previously-included files matching '*.py' found under directory 'src'" },
    ]);
  });

  it("graft . takes everything", () => {
    expect(run([], "graft .").files).toHaveLength(all.length);
  });
});

describe("sortFileList (setuptools' sort: by folder, then name)", () => {
  it("puts a folder's files before a longer sibling folder's and drops repeats", () => {
    expect(sortFileList(["a-b/c", "a/z", "b", "a/z", "A"])).toEqual(["A", "b", "a/z", "a-b/c"]);
  });
});
