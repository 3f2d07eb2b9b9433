import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandGlob, globToRegExp, listFiles, matchesGlob } from "../../../src/build/project/glob.js";
import { freshDir } from "../../helpers/env.js";

describe("globToRegExp", () => {
  it.each([
    ["*.txt", "a.txt", true],
    ["*.txt", "d/a.txt", false],
    ["**/*.txt", "a.txt", true],
    ["**/*.txt", "d/e/a.txt", true],
    ["d/**", "d/e/a.txt", true],
    ["d/**/x", "d/x", true],
    ["d/**/x", "d/a/b/x", true],
    ["LICEN[CS]E*", "LICENSE-MIT", true],
    ["LICEN[CS]E*", "LICENXE", false],
    ["[!a]b", "cb", true],
    ["[!a]b", "ab", false],
    ["?.py", "a.py", true],
    ["?.py", "ab.py", false],
    ["{a,b}.c", "b.c", true],
    ["a+b.(c)", "a+b.(c)", true],
  ])("%s vs %s -> %s", (g, p, want) => {
    expect(globToRegExp(g).test(p)).toBe(want);
  });

  it("rejects unclosed classes and choices", () => {
    expect(() => globToRegExp("[ab")).toThrow(/unclosed '\['/);
    expect(() => globToRegExp("{a,b")).toThrow(/unclosed '\{'/);
  });

  it("ignores a leading ./", () => {
    expect(matchesGlob("a.txt", "./*.txt")).toBe(true);
  });
});

describe("expandGlob", () => {
  const d = freshDir("glob");
  mkdirSync(join(d, "pkg/sub"), { recursive: true });
  mkdirSync(join(d, "other"), { recursive: true });
  for (const f of ["LICENSE", "COPYING.txt", "README.md", "pkg/a.py", "pkg/sub/b.py", "pkg/sub/c.txt", "other/d.py"]) {
    writeFileSync(join(d, f), "x");
  }

  it("lists files sorted", () => {
    expect(listFiles(join(d, "pkg"))).toEqual(["a.py", "sub/b.py", "sub/c.txt"]);
  });

  it("matches top-level files", () => {
    expect(expandGlob(d, "LICEN[CS]E*")).toEqual(["LICENSE"]);
    expect(expandGlob(d, "COPYING*")).toEqual(["COPYING.txt"]);
  });

  it("matches recursively from the literal prefix", () => {
    expect(expandGlob(d, "pkg/**/*.py")).toEqual(["pkg/a.py", "pkg/sub/b.py"]);
    expect(expandGlob(d, "**/*.py")).toEqual(["other/d.py", "pkg/a.py", "pkg/sub/b.py"]);
  });

  it("a folder (literal or matched) takes all its files", () => {
    expect(expandGlob(d, "pkg/sub")).toEqual(["pkg/sub/b.py", "pkg/sub/c.txt"]);
    expect(expandGlob(d, "pkg/s*")).toEqual(["pkg/sub/b.py", "pkg/sub/c.txt"]);
  });

  it("a literal file, or nothing", () => {
    expect(expandGlob(d, "README.md")).toEqual(["README.md"]);
    expect(expandGlob(d, "nope/*.py")).toEqual([]);
  });
});

describe("walking limits", () => {
  const d = freshDir("glob-walk");
  for (const f of ["LICENSE", "a/LICENSE", "target/CACHEDIR.TAG", "target/release/x.so", "target/LICENSE-x", "pkg/.git/HEAD", "pkg/m.py"]) {
    mkdirSync(join(d, f, ".."), { recursive: true });
    writeFileSync(join(d, f), "x");
  }

  it("a pattern without ** matches at its own depth only", () => {
    expect(expandGlob(d, "LICEN[CS]E*")).toEqual(["LICENSE"]);
    expect(expandGlob(d, "*/LICENSE")).toEqual(["a/LICENSE"]); // target/ is a build cache: skipped
  });

  it("build caches (CACHEDIR.TAG) and .git are not walked into, unless named", () => {
    expect(expandGlob(d, "**/*")).toEqual(["LICENSE", "a/LICENSE", "pkg/m.py"]);
    expect(expandGlob(d, "target/release/*.so")).toEqual(["target/release/x.so"]);
  });
});
