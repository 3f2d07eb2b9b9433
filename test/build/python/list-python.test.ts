/**
 * list-python and the interpreter sources it shares with --find-interpreter:
 * the pyenv Pythons and PyPy that .ci/run installs are found and described;
 * `py -0p` output (both launcher formats) and a conda env are read.
 */
import { mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverInterpreters } from "../../../src/build/python/interpreter.js";
import { condaInterpreter, parsePyLauncherList, pyLauncherInterpreters } from "../../../src/build/python/interpreter-sources.js";
import type { ListedPython } from "../../../src/build/python/list-python.js";
import { runCliOk } from "../../helpers/cli.js";
import { thisHost } from "../../../src/host.js";
import { freshDir, pypy, SYSTEM_PYTHON } from "../../helpers/env.js";

const PYENV_VERSIONS = join(process.env.PYENV_ROOT || join(process.env.HOME ?? "/root", ".pyenv"), "versions");

/** The python3.X of each pyenv version, read off the disk independently of the tool. */
function pyenvPythons(): string[] {
  let versions: string[] = [];
  try {
    versions = readdirSync(PYENV_VERSIONS);
  } catch {
    return [];
  }
  return versions.flatMap((v) => {
    const bin = join(PYENV_VERSIONS, v, "bin");
    try {
      return readdirSync(bin)
        .filter((n) => /^python3\.\d+$/.test(n))
        .map((n) => join(bin, n));
    } catch {
      return [];
    }
  });
}

describe("parsePyLauncherList", () => {
  it("reads the launcher of Python 3.11+ (-V:tag, company tags, paths with spaces, the * default)", () => {
    const out =
      " -V:3.13 *        C:\\Program Files\\Python313\\python.exe\r\n" +
      " -V:3.12          C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python312\\python.exe\r\n" +
      " -V:3.13t         C:\\Program Files\\Python313\\python3.13t.exe\r\n" +
      " -V:ContinuumAnalytics/Anaconda39-64 C:\\Anaconda3\\python.exe\r\n";
    expect(parsePyLauncherList(out)).toEqual([
      "C:\\Program Files\\Python313\\python.exe",
      "C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python312\\python.exe",
      "C:\\Program Files\\Python313\\python3.13t.exe",
      "C:\\Anaconda3\\python.exe",
    ]);
  });

  it("reads the older launcher's format and skips its heading and other lines", () => {
    const out = "Installed Pythons found by py Launcher for Windows\n -3.9-64 *      C:\\Python39\\python.exe\n -3.8-32        C:\\Python38-32\\python.exe\n\nNo Installed Pythons Found!\n";
    expect(parsePyLauncherList(out)).toEqual(["C:\\Python39\\python.exe", "C:\\Python38-32\\python.exe"]);
    expect(parsePyLauncherList("")).toEqual([]);
  });

  it("asks the launcher only on Windows", () => {
    expect(pyLauncherInterpreters(process.env, thisHost("linux"))).toEqual([]);
  });
});

describe("conda env", () => {
  it("CONDA_PREFIX's python is discovered even when it is not on PATH", () => {
    const prefix = freshDir("conda-env");
    mkdirSync(join(prefix, "bin"));
    symlinkSync(SYSTEM_PYTHON, join(prefix, "bin/python"));
    const emptyPath = freshDir("empty-path");
    const env = { PATH: emptyPath, PYENV_ROOT: join(emptyPath, "no-pyenv"), CONDA_PREFIX: prefix };
    expect(condaInterpreter(env, thisHost("linux"))).toBe(join(prefix, "bin/python"));
    expect(condaInterpreter({}, thisHost("linux"))).toBeUndefined();
    expect(discoverInterpreters(env)).toEqual([join(prefix, "bin/python")]);
  });
});

describe("pyts-build list-python", () => {
  it("--json lists every pyenv Python and PyPy with implementation, version, tag and path", () => {
    const list = JSON.parse(runCliOk(["list-python", "--json"]).stdout) as ListedPython[];
    const paths = list.map((p) => p.path);
    const expected = pyenvPythons();
    expect(expected.length).toBeGreaterThan(0); // .ci/run's pyenv Pythons
    for (const p of expected) expect(paths).toContain(p);
    const pp = pypy();
    expect(pp).toBeDefined();
    expect(list.find((p) => p.path === pp)).toMatchObject({ implementation: "PyPy", version: "3.9", tag: "pp39-pypy39_pp73", platform: "linux_x86_64", supported: true });
    const py311 = list.find((p) => /\/python3\.11$/.test(p.path));
    expect(py311).toMatchObject({ implementation: "CPython", version: "3.11", tag: "cp311-cp311", supported: true });
    const py36 = list.find((p) => p.version === "3.6");
    if (py36) expect(py36).toMatchObject({ tag: "cp36-cp36m", supported: false });
  });

  it("prints one aligned line per interpreter", () => {
    const out = runCliOk(["list-python"]).stdout;
    const lines = out.trimEnd().split("\n");
    expect(lines.some((l) => /^PyPy 3\.9 +pp39-pypy39_pp73 +linux_x86_64 +\/usr\/bin\/pypy3/.test(l))).toBe(true);
    expect(lines.some((l) => /^CPython 3\.11 +cp311-cp311 +linux_x86_64 +\//.test(l))).toBe(true);
  });
});
