/**
 * `pyts-build sdist` and `pyts-build wheel --sdist` through the real CLI:
 * twine checks the sdist, wheels are built from each unpacked sdist (real
 * cargo) and imported by a real interpreter, and bad projects fail with one
 * line and leave nothing behind.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, twineCheck } from "../helpers/env.js";
import { extensionSource, workspaceFixture, writeTree } from "../build/sdist/sdist-fixtures.js";

const PY311 = cpython("3.11");
const sha256 = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

/** A pure Rust project (module at the wheel root) with its readme and license. */
function pureProject(base: string): string {
  const dir = join(base, "pure");
  writeTree(dir, {
    "pyproject.toml": '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "pure-ext"\nversion = "2.0.0"\nreadme = "README.md"\nlicense = "MIT"\n',
    "Cargo.toml": '[package]\nname = "pure-ext"\nversion = "2.0.0"\nedition = "2021"\n\n[lib]\nname = "pure_ext"\ncrate-type = ["cdylib"]\n',
    "src/lib.rs": extensionSource("pure_ext", "5"),
    "README.md": "# pure-ext\n\nA pure Rust extension.\n",
    "LICENSE": "MIT\n",
  });
  return dir;
}

describe.skipIf(!PY311)("pyts-build sdist (CLI)", () => {
  it("writes {name}-{version}.tar.gz that twine accepts, the same bytes in any time zone", () => {
    const fx = workspaceFixture(freshDir("e2e-sdist"), { lock: true });
    const out = freshDir("e2e-sdist-out");
    const env = { SOURCE_DATE_EPOCH: "1700000000" };
    const a = runCliOk(["sdist", "-o", join(out, "a")], { cwd: fx.project, env: { ...env, TZ: "UTC" } });
    const b = runCliOk(["sdist", "-o", join(out, "b")], { cwd: fx.project, env: { ...env, TZ: "Asia/Kolkata" } });
    const pathA = a.stdout.trim();
    expect(pathA).toBe(join(out, "a", "fx-1.2.3.tar.gz"));
    expect(sha256(pathA)).toBe(sha256(b.stdout.trim()));
    twineCheck(pathA);
    // --json: the path and the members, which are exactly what the tarball holds (read by GNU tar)
    const j = JSON.parse(runCliOk(["sdist", "-o", join(out, "c"), "--json"], { cwd: fx.project, env }).stdout) as { path: string; members: string[] };
    expect(j.path).toBe(join(out, "c", "fx-1.2.3.tar.gz"));
    const listed = execFileSync("tar", ["-tzf", j.path], { encoding: "utf8" }).split("\n").filter((l) => l && !l.endsWith("/"));
    expect(j.members.filter((m) => !m.endsWith("/")).sort()).toEqual(listed.sort());
  });

  it("wheel --sdist builds the wheel from the unpacked sdist of a workspace member with a path dependency", () => {
    const fx = workspaceFixture(freshDir("e2e-sdist"), { lock: true });
    const out = freshDir("e2e-sdist-out");
    const r = runCliOk(["wheel", "--sdist", "-i", PY311 as string, "-o", out, "--compatibility", "linux"], { cwd: fx.project });
    const [sdist, wheel, ...rest] = r.stdout.trim().split("\n");
    expect(rest).toEqual([]);
    expect(sdist).toBe(join(out, "fx-1.2.3.tar.gz"));
    expect(wheel).toBe(join(out, "fx-1.2.3-cp311-cp311-linux_x86_64.whl"));
    // built from the unpacked copy, which is gone again
    expect(r.stderr).toMatch(/from the unpacked sdist/);
    expect(readdirSync(join(fx.repo, "target")).filter((f) => f.startsWith("pyts-build-sdist-"))).toEqual([]);
    const venv = makeVenv(PY311 as string, join(freshDir("e2e-sdist-venv"), "v"));
    installWheel(venv, wheel as string);
    // 42 comes from fxcore, the path dependency outside the Python project
    expect(py(venv, "import fx; print(fx.ANSWER)")).toBe("42");
  });

  it("wheel --sdist works for a pure Rust project too", () => {
    const dir = pureProject(freshDir("e2e-sdist"));
    const out = freshDir("e2e-sdist-out");
    const r = runCliOk(["wheel", "--sdist", "-i", PY311 as string, "-o", out, "--compatibility", "linux"], { cwd: dir });
    const wheel = r.stdout.trim().split("\n")[1] as string;
    expect(wheel).toMatch(/pure_ext-2\.0\.0-cp311-cp311-linux_x86_64\.whl$/);
    twineCheck(r.stdout.trim().split("\n")[0] as string);
    const venv = makeVenv(PY311 as string, join(freshDir("e2e-sdist-venv"), "v"));
    installWheel(venv, wheel);
    expect(py(venv, "import pure_ext; print(pure_ext.ANSWER)")).toBe("5");
  });

  describe("bad input: one line, non-zero exit, no tarball and no temporary file", () => {
    function expectFailure(cwd: string, re: RegExp): void {
      const out = freshDir("e2e-sdist-bad");
      const r = runCli(["sdist", "-o", out], { cwd });
      expect(r.code).not.toBe(0);
      // progress lines may come first; the failure itself is one `error:` line (+ its hint) at the end
      const lines = r.stderr.trim().split("\n");
      const at = lines.findIndex((l) => l.startsWith("error: "));
      expect(at).toBeGreaterThanOrEqual(0);
      expect(lines[at]).toMatch(re);
      expect(lines.slice(at + 1).every((l) => l.startsWith("  hint: "))).toBe(true);
      expect(lines.slice(0, at).every((l) => l.startsWith("==> "))).toBe(true);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(readdirSync(out)).toEqual([]);
    }

    it("a Cargo.toml naming a missing path dependency", () => {
      const fx = workspaceFixture(freshDir("e2e-sdist"));
      writeTree(fx.project, { "Cargo.toml": readFileSync(join(fx.project, "Cargo.toml"), "utf8") + 'gone = { path = "../gone" }\n' });
      expectFailure(fx.project, /path dependency "gone"/);
    });

    it("a readme that does not exist", () => {
      const fx = workspaceFixture(freshDir("e2e-sdist"));
      writeTree(fx.project, { "pyproject.toml": readFileSync(join(fx.project, "pyproject.toml"), "utf8").replace("../README.md", "NOPE.md") });
      expectFailure(fx.project, /NOPE\.md/);
    });

    it("a version that is not PEP 440", () => {
      const dir = pureProject(freshDir("e2e-sdist"));
      writeTree(dir, { "pyproject.toml": readFileSync(join(dir, "pyproject.toml"), "utf8").replace('version = "2.0.0"', 'version = "2.0.0-final-really"') });
      expectFailure(dir, /2\.0\.0-final-really/);
      expect(existsSync(join(dir, "target/wheels"))).toBe(false);
    });
  });
});
