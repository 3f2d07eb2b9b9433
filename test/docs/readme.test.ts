/**
 * The README in the order a newcomer needs it, and walked through as written:
 * its `sh` blocks run in order in ONE bash (a block starts where the one before
 * left the shell, as when typed), in a fresh copy of the checkout (the files git
 * knows, nothing built), offline. What the test does instead of the README:
 * - `npm install`, `npm run build` and `npm link` need the npm registry or change
 *   the machine: the copy gets this checkout's node_modules and dist (linked),
 *   `pyts-build` on PATH runs the copy's bin/pyts-build.js (what `npm link`
 *   makes), and `npm` in the script only accepts those three commands;
 * - `/tmp/` in a command is the test's own folder (no fixed paths on the machine);
 * - HOME is the test's folder, so the Offline machines block's cargo home is too.
 * Blocks that need the network or run the whole suite are skipped, each with why.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDir, ROOT, testEnv } from "../helpers/env.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

interface Block {
  section: string;
  text: string;
}

/** The `sh` blocks with the `## ` section each is in. */
export function shellBlocks(text: string): Block[] {
  const out: Block[] = [];
  let section = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("## ")) section = line.slice(3).trim();
    if (line.trim() !== "```sh") continue;
    const body: string[] = [];
    for (i++; i < lines.length && (lines[i] as string).trim() !== "```"; i++) body.push(lines[i] as string);
    out.push({ section, text: body.join("\n") });
  }
  return out;
}

/** Sections whose blocks do not run here, and why. Any other block runs. */
const SKIPPED: Record<string, string> = {
  "Run the tests": "the whole suite, of which this test is a part",
  Release: "uploads to PyPI",
};

/** Sections that work in the user's own project, outside the checkout; every other block must leave the shell in the checkout's root. */
const IN_PROJECT = new Set(["Start a project", "Release from CI"]);

describe("README", () => {
  it("explains offline machines before the first build command", () => {
    const offline = readme.indexOf("## Offline machines");
    const firstBuild = readme.search(/^(node bin\/)?pyts-build(\.js)? (wheel|sdist|develop)\b/m); // a command line, not the table
    expect(offline).toBeGreaterThan(0);
    expect(firstBuild).toBeGreaterThan(offline);
  });

  it("shows the sdist -> pip install recipe with the backend wheel on pip's find-links, outside dist/ (the compiled tool's folder)", () => {
    const recipe = readme.slice(readme.indexOf("## Install from an sdist with pip"));
    expect(recipe).toMatch(/pyts-build\.js sdist .*-o wheelhouse/);
    expect(recipe).toMatch(/pyts-build\.js backend-wheel -o wheelhouse/);
    expect(recipe).toMatch(/pip install --find-links wheelhouse wheelhouse\/word_count-0\.1\.0\.tar\.gz/);
    // no command writes into or reads from dist/: `rm -rf dist` after it would delete pyts-build itself
    for (const b of shellBlocks(readme)) expect(b.text, b.section).not.toMatch(/(-o|--out|-w|--find-links)[ =]dist\b/);
  });

  // two cold builds of pyo3 + rayon (the example's wheel, then pip's build of its sdist) and one of pyo3 (the new project)
  it("runs its shell blocks in order, as written, from a fresh copy of the checkout", { timeout: 900_000 }, () => {
    const top = freshDir("readme-walk");
    const clone = join(top, "pyts-build");
    // a fresh clone: the files git knows (as they are in the work tree), nothing built or ignored
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const f of files) {
      // test/ stays out: vitest would collect the copy's tests from test/.work; deleted files too
      if (f.startsWith("test/") || !existsSync(join(ROOT, f))) continue;
      mkdirSync(dirname(join(clone, f)), { recursive: true });
      cpSync(join(ROOT, f), join(clone, f), { verbatimSymlinks: true });
    }
    expect(existsSync(join(clone, "examples/word-count/target"))).toBe(false);
    // `npm install && npm run build` (the registry; the same build as this checkout's) and `npm link`
    symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"));
    symlinkSync(join(ROOT, "dist"), join(clone, "dist"));
    const bin = join(top, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "pyts-build"), `#!/bin/sh\nexec "${process.execPath}" "${join(clone, "bin/pyts-build.js")}" "$@"\n`);
    chmodSync(join(bin, "pyts-build"), 0o755);

    const blocks = shellBlocks(readme);
    const sections = blocks.map((b) => b.section);
    for (const s of ["Install", "Offline machines (read before the first build)", "Build the example wheel", "Install from an sdist with pip", "Start a project", "Release from CI"]) {
      expect(sections, s).toContain(s);
    }
    const script = [
      "set -euo pipefail",
      // the three npm commands of Install, done above; any other would need the registry
      'npm() { case "$*" in install|"run build"|link) echo "npm $*: done by the test";; *) echo "npm $*: not in the test" >&2; return 1;; esac; }',
    ];
    blocks.forEach((b, i) => {
      const why = SKIPPED[b.section];
      if (why !== undefined) {
        script.push(`echo "@@ block ${i} skipped: ${why}"`);
        return;
      }
      script.push(`echo "@@ block ${i} (${b.section})"`, b.text.replaceAll("/tmp/", `${top}/tmp/`), `echo "@@ block ${i} ended in $PWD"`, `echo "@@ $SECONDS s"`);
    });
    mkdirSync(join(top, "tmp"));
    writeFileSync(join(top, "readme.sh"), script.join("\n") + "\n");
    const env = testEnv({ HOME: top, PATH: `${bin}:${testEnv().PATH}`, VIRTUAL_ENV: undefined });
    const r = spawnSync("bash", [join(top, "readme.sh")], { cwd: clone, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 900_000 });
    const out = r.stdout + r.stderr;
    writeFileSync(join(top, "readme.log"), out);
    expect(r.status, out.slice(-6000)).toBe(0);

    // where each block left the shell
    const ended = [...r.stdout.matchAll(/^@@ block (\d+) ended in (.*)$/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(ended.length).toBe(blocks.filter((b) => SKIPPED[b.section] === undefined).length);
    for (const [i, dir] of ended) {
      const b = blocks[i] as Block;
      expect(dir, `the ${b.section} block left the shell in ${dir}`).toBe(IN_PROJECT.has(b.section) ? join(top, "my-project") : clone);
    }
    // what the blocks made: the example's wheel, installed and tested; the sdist installed by pip; a new project developed
    expect(r.stdout + r.stderr).toMatch(/Ran \d+ tests? in [\d.]+s\s+OK/);
    expect(existsSync(join(top, "tmp/wc2/bin/python"))).toBe(true);
    expect(execFileSync(join(top, "tmp/wc2/bin/python"), ["-c", "import word_count; print(word_count.__name__)"], { env, encoding: "utf8" }).trim()).toBe("word_count");
    expect(existsSync(join(top, "my-project/.github/workflows/CI.yml"))).toBe(true);
    expect(execFileSync(join(top, "my-project/.venv/bin/python"), ["-c", "import my_project"], { env, encoding: "utf8" })).toBe("");
  });
});
