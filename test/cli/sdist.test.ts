/** `pyts-build sdist --backend`: the real CLI on a setuptools-rust project. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliOk } from "../helpers/cli.js";
import { freshDir } from "../helpers/env.js";
import { crateFiles, SETUPTOOLS_BUILD_SYSTEM } from "../helpers/setuptools-projects.js";
import { writeTree } from "../build/sdist/sdist-fixtures.js";

function project(): string {
  const dir = freshDir("cli-st-sdist");
  writeTree(dir, {
    "pyproject.toml": SETUPTOOLS_BUILD_SYSTEM + '[project]\nname = "cli-demo"\nversion = "1.0.0"\n\n[tool.setuptools]\npackages = []\n\n[[tool.setuptools-rust.ext-modules]]\ntarget = "_cli_demo"\n',
    "MANIFEST.in": "include Cargo.toml lib.rs\n",
    ...crateFiles("", { name: "cli-demo", module: "_cli_demo", answer: 1 }),
  });
  return dir;
}

const pyprojectOf = (archive: string) => execFileSync("tar", ["-xzOf", archive, "cli_demo-1.0.0/pyproject.toml"], { encoding: "utf8" });

describe("pyts-build sdist --backend", () => {
  it("keeps the project's setuptools backend by default, and names pyts-build's with --backend pyts-build", () => {
    const dir = project();
    const plain = runCliOk(["sdist", "-o", "out"], { cwd: dir }).stdout.trim();
    expect(pyprojectOf(plain)).toContain('build-backend = "setuptools.build_meta"');
    const switched = JSON.parse(runCliOk(["sdist", "-o", "out2", "--backend", "pyts-build", "--json"], { cwd: dir }).stdout) as { path: string; members: string[] };
    expect(pyprojectOf(switched.path)).toContain('build-backend = "pyts_build"');
    expect(switched.members).toContain("cli_demo-1.0.0/cli_demo.egg-info/SOURCES.txt");
  });

  it("refuses another backend name as a usage error, writing nothing", () => {
    const dir = project();
    const r = runCli(["sdist", "-o", "out", "--backend", "maturin"], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--backend <name>' argument 'maturin' is invalid\. Allowed choices are pyts-build/);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: /), "(run with --help for usage)"]);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
