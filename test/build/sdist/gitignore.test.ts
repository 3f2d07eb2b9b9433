import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { IgnoreTree, matchRules, parseGitignore } from "../../../src/build/sdist/gitignore.js";
import { freshDir } from "../../helpers/env.js";

const verdict = (text: string, path: string, isDir = false) => matchRules(parseGitignore(text), path, isDir);

describe("parseGitignore / matchRules", () => {
  it("matches a name without a slash at any depth", () => {
    expect(verdict("*.log", "a.log")).toBe(true);
    expect(verdict("*.log", "deep/er/a.log")).toBe(true);
    expect(verdict("*.log", "a.txt")).toBeUndefined();
  });
  it("anchors patterns with a leading or inner slash", () => {
    expect(verdict("/build", "build", true)).toBe(true);
    expect(verdict("/build", "sub/build", true)).toBeUndefined();
    expect(verdict("doc/*.txt", "doc/a.txt")).toBe(true);
    expect(verdict("doc/*.txt", "x/doc/a.txt")).toBeUndefined();
    expect(verdict("doc/*.txt", "doc/sub/a.txt")).toBeUndefined();
  });
  it("applies a trailing slash to folders only", () => {
    expect(verdict("out/", "out", true)).toBe(true);
    expect(verdict("out/", "out", false)).toBeUndefined();
  });
  it("lets the last matching rule win, including negations", () => {
    expect(verdict("*.txt\n!keep.txt", "keep.txt")).toBe(false);
    expect(verdict("!keep.txt\n*.txt", "keep.txt")).toBe(true);
  });
  it("handles ** forms, classes, comments, escapes and trailing spaces", () => {
    expect(verdict("**/gen", "a/b/gen", true)).toBe(true);
    expect(verdict("**/gen", "gen", true)).toBe(true);
    expect(verdict("a/**/z", "a/z")).toBe(true);
    expect(verdict("a/**/z", "a/b/c/z")).toBe(true);
    expect(verdict("a/**", "a/b/c")).toBe(true);
    expect(verdict("a/**", "a", true)).toBeUndefined();
    expect(verdict("file[0-9].txt", "file7.txt")).toBe(true);
    expect(verdict("file[!0-9].txt", "file7.txt")).toBeUndefined();
    expect(verdict("# comment\n\n\\#hash", "#hash")).toBe(true);
    expect(verdict("\\!bang", "!bang")).toBe(true);
    expect(verdict("trail   ", "trail")).toBe(true);
    expect(verdict("a.b", "axb")).toBeUndefined();
  });
});

/** Lay out files and .gitignore files under `root`. */
function tree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

describe("IgnoreTree", () => {
  const files: Record<string, string> = {
    ".gitignore": "*.log\n/build/\nsecret*\n!secret-ok.txt\ncache/\n",
    "a.log": "",
    "src/b.log": "",
    "src/.gitignore": "!important.log\n/local.txt\n*.tmp\n",
    "src/important.log": "",
    "src/local.txt": "",
    "src/sub/local.txt": "",
    "src/sub/x.tmp": "",
    "build/out.txt": "",
    "sub/build/kept.txt": "",
    "secret.txt": "",
    "secret-ok.txt": "",
    "cache/!keep/x.txt": "",
    "cache/.gitignore": "!*\n",
    "deep/cache/y.txt": "",
    "plain.py": "",
  };

  it("agrees with `git check-ignore` on every path", () => {
    const root = freshDir("gitignore");
    tree(root, files);
    const git = (args: string[]) => spawnSync("git", ["-c", "core.excludesFile=/dev/null", ...args], { cwd: root, encoding: "utf8" });
    execFileSync("git", ["init", "-q", "."], { cwd: root });
    const paths = Object.keys(files).filter((p) => !p.endsWith(".gitignore"));
    const gitIgnored = new Set(
      git(["check-ignore", "--no-index", ...paths]).stdout.split("\n").filter(Boolean),
    );
    const t = new IgnoreTree(root);
    const ours = new Set(paths.filter((p) => t.ignored(p)));
    expect([...ours].sort()).toEqual([...gitIgnored].sort());
    // the fixture exercises both outcomes
    expect(ours.size).toBeGreaterThan(4);
    expect(paths.length - ours.size).toBeGreaterThan(3);
  });

  it("never reads a .gitignore above its root", () => {
    const outer = freshDir("gitignore");
    tree(outer, { ".gitignore": "*\n", "project/keep.py": "", "project/.gitignore": "drop.py\n", "project/drop.py": "" });
    const t = new IgnoreTree(join(outer, "project"));
    expect(t.ignored("keep.py")).toBe(false);
    expect(t.ignored("drop.py")).toBe(true);
    expect(new IgnoreTree(outer).ignored("project/keep.py")).toBe(true);
  });
});
