/**
 * End to end on examples/word-count: the real CLI builds the example's wheels
 * (real cargo, pyo3 + rayon from the offline crate source) for two CPython
 * minors and PyPy; each wheel is checked by twine, installed by a real pip
 * (`--no-index`) into a fresh venv, and the example's own unittest suite runs
 * there against the installed package.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, makeVenv, pypy, ROOT, SYSTEM_PYTHON, testEnv, twineCheck } from "../helpers/env.js";

const EXAMPLE = join(ROOT, "examples/word-count");

interface Target {
  label: string;
  python: string | undefined;
  /** python and abi tags the wheel must carry */
  tags: string;
  extSuffix: string;
}

const TARGETS: Target[] = [
  { label: "CPython 3.11", python: cpython("3.11"), tags: "cp311-cp311", extSuffix: ".cpython-311-x86_64-linux-gnu.so" },
  { label: "CPython 3.12", python: cpython("3.12"), tags: "cp312-cp312", extSuffix: ".cpython-312-x86_64-linux-gnu.so" },
  { label: "PyPy 3.9", python: pypy(), tags: "pp39-pypy39_pp73", extSuffix: ".pypy39-pp73-x86_64-linux-gnu.so" },
];

const missing = TARGETS.filter((t) => !t.python).map((t) => t.label);
// CI installs every one of them (.ci/run); only a developer machine may lack one.
if (missing.length && process.env.CI) throw new Error(`interpreters missing in CI: ${missing.join(", ")}`);

/** Files of a wheel, listed by Python's zipfile (not by our own reader). */
function wheelFiles(wheel: string): string[] {
  const out = execFileSync(SYSTEM_PYTHON, ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", wheel], {
    encoding: "utf8",
  });
  return out.trim().split("\n");
}

function readFromWheel(wheel: string, name: string): string {
  return execFileSync(SYSTEM_PYTHON, ["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", wheel, name], {
    encoding: "utf8",
  });
}

describe.skipIf(missing.length > 0)(`examples/word-count wheels${missing.length ? ` (skipped: no ${missing.join(", ")})` : ""}`, () => {
  let out: string;
  let wheels: string[];

  beforeAll(() => {
    out = freshDir("example-wheels");
    const args = ["wheel", "-m", join(EXAMPLE, "Cargo.toml"), "--release", "-o", out];
    for (const t of TARGETS) args.push("-i", t.python as string);
    runCliOk(args);
    wheels = readdirSync(out).filter((f) => f.endsWith(".whl"));
  });

  it("writes one wheel per interpreter, and nothing else", () => {
    expect(readdirSync(out).sort()).toEqual(wheels.sort());
    expect(wheels).toHaveLength(TARGETS.length);
    for (const t of TARGETS) {
      expect(wheels.filter((w) => w.startsWith(`word_count-0.1.0-${t.tags}-`) && /-(linux|manylinux\w*)_x86_64(\.\w+)*\.whl$/.test(w)), t.label).toHaveLength(1);
    }
  });

  it.each(TARGETS.map((t) => [t.label, t] as const))("%s: the wheel holds the mixed package and its metadata", (_label, t) => {
    const wheel = join(out, wheels.find((w) => w.includes(`-${t.tags}-`)) as string);
    const files = wheelFiles(wheel);
    for (const f of ["word_count/__init__.py", "word_count/_word_count.pyi", "word_count/py.typed", `word_count/_word_count${t.extSuffix}`]) {
      expect(files, f).toContain(f);
    }
    // Nothing from the crate or the example's own tests and benchmark.
    expect(files.filter((f) => /(^|\/)(src|tests|bench|target)\//.test(f) || f.endsWith(".rs"))).toEqual([]);
    const metadata = readFromWheel(wheel, "word_count-0.1.0.dist-info/METADATA");
    expect(metadata).toMatch(/^Name: word-count$/m);
    expect(metadata).toMatch(/^Version: 0\.1\.0$/m);
    expect(metadata).toMatch(/^Requires-Python: >=3\.7$/m);
    expect(metadata).toMatch(/^Description-Content-Type: text\/markdown; charset=UTF-8; variant=GFM$/m);
    expect(metadata).toContain("# word-count"); // the readme is the long description
    twineCheck(wheel);
  });

  it.each(TARGETS.map((t) => [t.label, t] as const))(
    "%s: pip installs the wheel into a fresh venv and the example's tests pass there",
    (_label, t) => {
      const wheel = join(out, wheels.find((w) => w.includes(`-${t.tags}-`)) as string);
      const venv = freshDir("example-venv");
      const python = makeVenv(t.python as string, venv, true);
      execFileSync(python, ["-m", "pip", "install", "--no-index", "--no-deps", wheel], { env: testEnv(), stdio: "pipe" });

      // Run from the venv's folder, so `import word_count` can only be the installed package.
      const r = spawnSync(python, ["-m", "unittest", "discover", "-s", join(EXAMPLE, "tests"), "-v"], {
        cwd: venv,
        env: testEnv({ PYTHONDONTWRITEBYTECODE: "1" }),
        encoding: "utf8",
      });
      const report = r.stdout + r.stderr;
      expect(r.status, report).toBe(0);
      expect(report).toMatch(/^OK/m);
      const ran = Number(/^Ran (\d+) tests?/m.exec(report)?.[1]);
      expect(ran, report).toBeGreaterThanOrEqual(11);

      const where = execFileSync(python, ["-c", "import word_count, word_count._word_count as m; print(m.__file__)"], {
        cwd: venv,
        env: testEnv(),
        encoding: "utf8",
      }).trim();
      expect(where.startsWith(venv)).toBe(true);
      expect(where.endsWith(`_word_count${t.extSuffix}`)).toBe(true);
    },
  );
});
