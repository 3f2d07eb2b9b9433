/**
 * Editable installs with a real pip (`pip install -e`, PEP 660, build
 * isolation, no index) and `pyts-build develop` into a real venv: the
 * extension is built into the source tree and replaced (new inode, never
 * rewritten in place) on a rebuild, and Python sees a Rust change.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";
import { cpython, freshDir, makeVenv, py } from "../helpers/env.js";
import { workspaceFixture } from "../build/sdist/sdist-fixtures.js";
import { pipInstall, venvWithPip } from "./pep517-helpers.js";

const PY311 = cpython("3.11");

function setAnswer(repo: string, expr: string): void {
  writeFileSync(join(repo, "crates/core/src/lib.rs"), `pub fn answer() -> i64 { ${expr} }\n`);
}

/** The built extension inside the source tree. */
function builtExtension(project: string): string {
  const dir = join(project, "python/fx");
  const so = readdirSync(dir).filter((f) => f.startsWith("_native.") && f.endsWith(".so"));
  expect(so).toEqual(["_native.cpython-311-x86_64-linux-gnu.so"]);
  return join(dir, so[0] as string);
}

describe.skipIf(!PY311)("pip install -e (PEP 660)", () => {
  it("imports the sources in place and picks up a Rust change after re-running it", () => {
    const fx = workspaceFixture(freshDir("editable"));
    // the fixture carries a stale fake extension in its Python tree; the build replaces it
    const python = venvWithPip(PY311 as string, "editable-venv");
    pipInstall(python, ["-e", fx.project]);
    expect(py(python, "import fx, fx._native as n; print(fx.ANSWER, n.__file__)")).toBe(`42 ${builtExtension(fx.project)}`);
    const inode = statSync(builtExtension(fx.project)).ino;
    // site-packages holds a .pth naming the source tree, not a copy of the package
    const site = py(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])");
    expect(readdirSync(site).filter((f) => f.startsWith("fx"))).toEqual(["fx-1.2.3.dist-info", "fx_editable.pth"]);
    expect(readFileSync(join(site, "fx_editable.pth"), "utf8")).toBe(join(fx.project, "python") + "\n");

    setAnswer(fx.repo, "7 * 7");
    pipInstall(python, ["-e", fx.project]);
    expect(py(python, "import fx; print(fx.ANSWER)")).toBe("49");
    // replaced through a new file and a rename, so a process holding the old one keeps a valid mapping
    expect(statSync(builtExtension(fx.project)).ino).not.toBe(inode);
    expect(readdirSync(join(fx.project, "python/fx")).filter((f) => f.includes(".tmp"))).toEqual([]);
  });
});

describe.skipIf(!PY311)("pyts-build develop", () => {
  it("builds and installs into $VIRTUAL_ENV with its pip, and again after a change", () => {
    const fx = workspaceFixture(freshDir("develop"));
    const python = venvWithPip(PY311 as string, "develop-venv");
    const venv = join(python, "../..");
    const first = runCli(["develop"], { cwd: fx.project, env: { VIRTUAL_ENV: venv } });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe("fx-1.2.3-cp311-cp311-linux_x86_64.whl");
    expect(first.stderr).toMatch(/Installed fx-1\.2\.3-cp311-cp311-linux_x86_64\.whl into /);
    // the wheel's temporary folder is deleted: no path to it is shown as a result
    expect(first.stderr).toContain("Built fx-1.2.3-cp311-cp311-linux_x86_64.whl");
    expect(first.stderr).not.toMatch(/Built wheel|pyts-build-develop-/);
    expect(py(python, "import fx; print(fx.ANSWER)")).toBe("42");
    setAnswer(fx.repo, "40 + 3");
    const again = runCli(["develop", "--release"], { cwd: fx.project, env: { VIRTUAL_ENV: venv } });
    expect(again.code, again.stderr).toBe(0);
    expect(py(python, "import fx; print(fx.ANSWER)")).toBe("43");
  });

  it("finds .venv in the project when no virtualenv is active, or the one --venv names", () => {
    const fx = workspaceFixture(freshDir("develop"));
    const python = makeVenv(PY311 as string, join(fx.project, ".venv"), true);
    const fromProject = runCli(["develop", "-m", join(fx.project, "Cargo.toml")], { cwd: fx.repo, env: { VIRTUAL_ENV: undefined } });
    expect(fromProject.code, fromProject.stderr).toBe(0);
    expect(py(python, "import fx; print(fx.ANSWER)")).toBe("42");
    const other = venvWithPip(PY311 as string, "develop-other");
    const named = runCli(["develop", "--venv", join(other, "../..")], { cwd: fx.project });
    expect(named.code, named.stderr).toBe(0);
    expect(py(other, "import fx; print(fx.ANSWER)")).toBe("42");
  });

  it("says so clearly when no virtualenv is active", () => {
    const fx = workspaceFixture(freshDir("develop"));
    const r = runCli(["develop"], { cwd: fx.project, env: { VIRTUAL_ENV: undefined } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(
      "error: no virtualenv is active (VIRTUAL_ENV is not set and there is no .venv here)\n" +
        "  hint: activate one (source .venv/bin/activate), or create it: python3 -m venv .venv\n",
    );
    const notVenv = runCli(["develop"], { cwd: fx.project, env: { VIRTUAL_ENV: fx.repo } });
    expect(notVenv.code).not.toBe(0);
    expect(notVenv.stderr).toMatch(/^error: .* \(from VIRTUAL_ENV\) is not a virtualenv/);
  });
});
