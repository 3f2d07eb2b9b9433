/**
 * The npm package as a user gets it: `npm pack` output installed with
 * `npm install -g --prefix <empty folder> --offline` and an EMPTY npm cache (the
 * runtime dependencies travel in the tarball as bundleDependencies; nothing is
 * compiled at install), then used: --version, a wheel of the FFI fixture that
 * imports, the backend wheel, and the one-line error of `standalone` without postject.
 * The prefix lives outside the checkout so the checkout's node_modules cannot leak in.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { cpython, freshDir, testEnv, installWheel, makeVenv, py, ROOT, SYSTEM_PYTHON } from "../helpers/env.js";
import { run, runOk } from "./pep517-helpers.js";
import { fixture } from "./wheel-helpers.js";

const PY = cpython("3.11") ?? SYSTEM_PYTHON;

describe("npm pack -> npm install -g into an empty prefix", () => {
  let scratch: string;
  let tgz: string;
  let cli: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "pyts-npm-"));
    // --ignore-scripts: dist/ is already built for this test run (prepack would rebuild it under other tests' feet)
    const name = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", scratch], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").at(-1) as string;
    tgz = join(scratch, name);
    const prefix = join(scratch, "prefix");
    execFileSync("npm", ["install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", tgz], {
      cwd: scratch,
      env: { ...process.env, npm_config_cache: join(scratch, "empty-npm-cache") },
      encoding: "utf8",
      stdio: "pipe",
    });
    cli = join(prefix, "bin/pyts-build");
  });
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("ships bin, the compiled tree, the bundles and the Python shim; no sources, tests or build scripts; no install-time scripts", () => {
    const files = execFileSync("tar", ["-tzf", tgz], { encoding: "utf8" }).trim().split("\n");
    for (const f of ["package/bin/pyts-build.js", "package/dist/bundle/pyts-build.mjs", "package/dist/bundle/pyts-build-sea.cjs", "package/dist/bundle/pyts-build.cjs", "package/dist/src/index.js", "package/python/pyts_build/__init__.py", "package/node_modules/commander/package.json"]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^package\/(src|test|examples|bench|\.ci)\//.test(f) || f.endsWith(".ts") && !f.endsWith(".d.ts") || f === "package/python/bundle.mjs")).toEqual([]);
    expect(files.some((f) => f.startsWith("package/node_modules/postject/"))).toBe(false);
    const pkg = JSON.parse(execFileSync("tar", ["-xzOf", tgz, "package/package.json"], { encoding: "utf8" })) as { scripts: Record<string, string>; engines: { node: string } };
    for (const s of ["preinstall", "install", "postinstall", "prepare"]) expect(pkg.scripts[s]).toBeUndefined();
    expect(pkg.engines.node).toBe(">=20");
  });

  it("runs, builds a wheel that imports, and writes the backend wheel", () => {
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    expect(runOk(cli, ["--version"]).trim()).toBe(version);
    const crate = join(freshDir("npm-ffi"), "ffi-min");
    cpSync(fixture("ffi-min"), crate, { recursive: true });
    // stdout carries only the wheel's path
    const wheel = execFileSync(cli, ["wheel", "-i", PY, "-o", join(crate, "out"), "--compatibility", "linux"], { cwd: crate, env: testEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    const venv = makeVenv(PY, join(crate, "venv"));
    installWheel(venv, wheel);
    expect(py(venv, "import ffi_min; print(ffi_min.answer())")).toMatch(/^\d+$/);
    const out = runOk(cli, ["backend-wheel", "-o", join(scratch, "bw")]);
    expect(readdirSync(join(scratch, "bw"))).toEqual([`pyts_build-${version}-py3-none-any.whl`]);
    expect(out).toContain("pyts_build-");
  });

  it("standalone without postject: one line saying how to get it", () => {
    const r = run(cli, ["standalone", "-o", join(scratch, "exe")], { cwd: scratch });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^error: postject is not installed: .*\n\s+hint: run `npm install postject`/);
    expect(r.out).not.toMatch(/\n\s+at /);
  });
});
