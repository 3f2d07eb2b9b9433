/**
 * pyts-build without Node.js: the standalone backend wheel (Node's single-executable
 * application in a py3-none-manylinux wheel) installed by pip into a fresh venv, then
 * used with a PATH that has cargo, cc and the rest but no node: `pyts-build --version`,
 * `pyts-build audit`, and pip building the word-count example from its sdist.
 * The executable and wheel are built once and shared (test/helpers/standalone.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, py, ROOT, SYSTEM_PYTHON, twineCheck } from "../helpers/env.js";
import { pathWithoutNode, standaloneExecutable, standaloneWheel, standaloneWheelDir } from "../helpers/standalone.js";
import { backendWheelDir, run, runOk, venvWithPip } from "./pep517-helpers.js";

const PY311 = cpython("3.11");
const EXAMPLE = join(ROOT, "examples/word-count");

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function wheelNames(wheel: string): string[] {
  const out = execFileSync(SYSTEM_PYTHON, ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", wheel], { encoding: "utf8" });
  return out.trim().split("\n");
}

describe("the standalone executable", () => {
  it("runs the CLI from a plain file with no node on PATH and says it is standalone", () => {
    const exe = standaloneExecutable();
    const out = runOk(exe, ["--version"], { env: { PATH: pathWithoutNode() } });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+ \(standalone executable, Node\.js 20\.\d+\.\d+ built in\)$/);
    // the npm package's CLI does not claim to be standalone
    expect(runCliOk(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("is reproducible with SOURCE_DATE_EPOCH (no code cache), and the code cache is opt-in there", () => {
    const dir = freshDir("sea-repro");
    const env = { SOURCE_DATE_EPOCH: "1700000000" };
    const a = runCliOk(["standalone", "-o", join(dir, "a")], { env }).stdout.trim();
    const b = runCliOk(["standalone", "-o", join(dir, "b")], { env }).stdout.trim();
    expect(sha256(a)).toBe(sha256(b));
    // the cached executable (no SOURCE_DATE_EPOCH) carries V8's code cache: a larger file
    expect(statSync(standaloneExecutable()).size).toBeGreaterThan(statSync(a).size);
    expect(runOk(a, ["--version"]).trim()).toMatch(/standalone executable/);
  });

  it("refuses to make another standalone executable, in one line", () => {
    const r = run(standaloneExecutable(), ["standalone", "-o", join(freshDir("sea-again"), "x")]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^error: the standalone pyts-build cannot make another standalone executable.*\n\s+hint: .*npm install -g pyts-build/);
    expect(r.out).not.toMatch(/\bat .*\.cjs:\d+/);
  });
});

describe.skipIf(!PY311)("the standalone backend wheel, with no node on PATH", () => {
  let python: string;
  let bin: string;
  let nodeless: string;

  beforeAll(() => {
    nodeless = pathWithoutNode();
    python = venvWithPip(PY311 as string, "standalone-venv");
    bin = join(python, "..");
    runOk(python, ["-m", "pip", "install", "--no-cache-dir", "--no-index", "--find-links", standaloneWheelDir(), "pyts-build"]);
  });

  it("is a py3-none-manylinux_2_28 platform wheel whose pyts-build script is the executable", () => {
    const whl = standaloneWheel();
    expect(whl).toMatch(/pyts_build-\d+\.\d+\.\d+-py3-none-manylinux_2_28_x86_64\.whl$/);
    twineCheck(whl);
    const names = wheelNames(whl);
    expect(names).toContain("pyts_build-0.1.0.data/scripts/pyts-build");
    // no console-script entry point that would fight the executable for the name
    expect(names.some((n) => n.endsWith("entry_points.txt"))).toBe(false);
  });

  it("runs pyts-build --version and audit (of itself) without node", () => {
    expect(runOk(join(bin, "pyts-build"), ["--version"], { env: { PATH: nodeless } })).toMatch(/standalone executable/);
    const audit = runOk(join(bin, "pyts-build"), ["audit", standaloneWheel(), "--json"], { env: { PATH: nodeless } });
    const report = JSON.parse(audit) as unknown;
    expect(JSON.stringify(report)).toContain("manylinux_2_28_x86_64");
    // the backend shim picks the executable; PYTS_BUILD_NODE sends it back to node + the bundle
    const which = "from pyts_build import _runner as r; print(r.cli_command()[0])";
    expect(py(python, which, { PATH: nodeless })).toBe(join(bin, "pyts-build"));
    expect(py(python, which, { PYTS_BUILD_NODE: process.execPath })).toBe(process.execPath);
  });

  it("pip builds the word-count sdist with it (the pure wheel cannot: no node)", () => {
    const sdist = runCliOk(["sdist", "-m", join(EXAMPLE, "Cargo.toml"), "-o", freshDir("standalone-sdist")]).stdout.trim();
    const cache = freshDir("standalone-cache");
    // Control: the same install through the pure backend wheel fails for want of node.
    const control = run(python, ["-m", "pip", "install", "--no-cache-dir", "--no-index", "--find-links", backendWheelDir(), sdist], {
      env: { PATH: nodeless, PYTS_BUILD_CACHE_DIR: cache },
    });
    expect(control.code).not.toBe(0);
    expect(control.out).toMatch(/Node\.js \(version 20 or newer\) was not found on PATH/);

    const out = runOk(python, ["-m", "pip", "install", "--no-cache-dir", "--no-index", "--find-links", standaloneWheelDir(), sdist], {
      env: { PATH: nodeless, PYTS_BUILD_CACHE_DIR: cache },
    });
    expect(out).toMatch(/Successfully installed word-count-0\.1\.0/);
    expect(py(python, `import word_count as w; print(w.search("the cat the hat", "the"))`)).toBe("2");
    runOk(python, ["-m", "unittest", "discover", "-s", "tests"], { cwd: EXAMPLE, env: { PATH: nodeless } });
  });
});
