/**
 * Interpreter discovery on Windows and macOS hosts, SIMULATED: this machine is Linux, so these tests run
 * pyts-build's discovery (interpreter.ts, interpreter-sources.ts, pyenv.ts) against in-memory file trees
 * laid out as those systems lay them out (test/helpers/simulated-host.ts) — a GitHub Windows runner
 * after actions/setup-python, the `py` launcher's two output formats, pyenv-win, conda, the Store's
 * aliases; a Mac with python.org framework installs, Homebrew, pyenv and Xcode's python3 stub. What
 * they cannot show is that the real systems still look like this: docs/cross.md lists it.
 */
import { describe, expect, it } from "vitest";
import { InterpreterError } from "../../../src/errors.js";
import { defaultInterpreter, discoverInterpreters, locateInterpreter } from "../../../src/build/python/interpreter.js";
import { parsePyLauncherEntries, pyLauncherInterpreterFor } from "../../../src/build/python/interpreter-sources.js";
import { pyenvRoot, resolvePyenvShim } from "../../../src/build/python/pyenv.js";
import { type SimFile, simulatedHost } from "../../helpers/simulated-host.js";

const TOOLCACHE = "C:\\hostedtoolcache\\windows\\Python";
const toolcache = (v: string) => `${TOOLCACHE}\\${v}\\x64`;
const WINDOWSAPPS = "C:\\Users\\runneradmin\\AppData\\Local\\Microsoft\\WindowsApps";
const PYENV_WIN = "C:\\Users\\runneradmin\\.pyenv\\pyenv-win";

/** The new launcher's `py -0p` on that runner: the toolcache Pythons it registered, one more not on PATH, a free-threaded one. */
const PY_LIST_NEW =
  `Installed Pythons found by py Launcher for Windows\r\n` +
  ` -V:3.13 *        ${toolcache("3.13.1")}\\python.exe\r\n` +
  ` -V:3.12          ${toolcache("3.12.8")}\\python.exe\r\n` +
  ` -V:3.13t         ${toolcache("3.13.1")}\\python3.13t.exe\r\n` +
  ` -V:3.11-32       C:\\Program Files (x86)\\Python311-32\\python.exe\r\n` +
  ` -V:3.11          C:\\Program Files\\Python311\\python.exe\r\n`;

/** A Windows runner after actions/setup-python with 3.12 and 3.13 (each on PATH with its Scripts folder). */
function windowsRunner(o: { launcher?: string; pyenv?: boolean } = {}) {
  const files: Record<string, SimFile> = {
    [`${toolcache("3.13.1")}\\python.exe`]: "x",
    [`${toolcache("3.13.1")}\\pythonw.exe`]: "x",
    [`${toolcache("3.13.1")}\\python3.13t.exe`]: "x",
    [`${toolcache("3.13.1")}\\python3.dll`]: "x",
    [`${toolcache("3.13.1")}\\Scripts\\pip.exe`]: "x",
    [`${toolcache("3.12.8")}\\python.exe`]: "x",
    [`${toolcache("3.12.8")}\\Scripts\\pip3.12.exe`]: "x",
    "C:\\Program Files\\Python311\\python.exe": "x",
    "C:\\Program Files (x86)\\Python311-32\\python.exe": "x",
    // the Store's App Execution Aliases: stubs that open the Store
    [`${WINDOWSAPPS}\\python.exe`]: "x",
    [`${WINDOWSAPPS}\\python3.exe`]: "x",
    "C:\\Miniconda\\envs\\build\\python.exe": "x",
    "C:\\Program Files\\Git\\bin\\bash.exe": "x",
  };
  const path = [`${toolcache("3.13.1")}\\Scripts`, toolcache("3.13.1"), `${toolcache("3.12.8")}\\Scripts`, toolcache("3.12.8"), WINDOWSAPPS, "C:\\Program Files\\Git\\bin"];
  if (o.pyenv) {
    Object.assign(files, {
      [`${PYENV_WIN}\\shims\\python.bat`]: "x",
      [`${PYENV_WIN}\\shims\\python`]: "x",
      [`${PYENV_WIN}\\versions\\3.10.11\\python.exe`]: "x",
      [`${PYENV_WIN}\\versions\\3.9.13\\python.exe`]: "x",
      [`${PYENV_WIN}\\version`]: { text: "3.10.11\r\n" },
    });
    path.unshift(`${PYENV_WIN}\\shims`);
  }
  const host = simulatedHost("win32", files, {
    home: "C:\\Users\\runneradmin",
    programs: o.launcher === undefined ? {} : { py: (args) => (args.join(" ") === "-0p" ? o.launcher : undefined) },
  });
  // as a copy of Windows' process.env: `Path`, not `PATH`
  const env: NodeJS.ProcessEnv = { Path: path.join(";"), PATHEXT: ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC;.PY;.PYW", USERPROFILE: "C:\\Users\\runneradmin" };
  return { host, env };
}

describe("simulated Windows host: the py launcher's list", () => {
  // simulates Windows: `py -0p` output as the launchers print it (this machine has no launcher)
  it("both formats: the new launcher's `*` before the path, the old one's after it; venv and heading lines left out", () => {
    const old =
      "Installed Pythons found by C:\\WINDOWS\\py.exe Launcher for Windows\n" +
      " (venv)         .venv\\Scripts\\python.exe *\n" +
      " -3.10-64       C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python310\\python.exe *\n" +
      " -3.8-32        C:\\Program Files (x86)\\Python38-32\\python.exe\n";
    expect(parsePyLauncherEntries(old)).toEqual([
      { tag: "3.10-64", version: { major: 3, minor: 10, freethreaded: false, bits: 64 }, path: "C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python310\\python.exe" },
      { tag: "3.8-32", version: { major: 3, minor: 8, freethreaded: false, bits: 32 }, path: "C:\\Program Files (x86)\\Python38-32\\python.exe" },
    ]);
    const entries = parsePyLauncherEntries(PY_LIST_NEW + " -V:ContinuumAnalytics/Anaconda39-64 C:\\Anaconda3\\python.exe\r\n -V:3.12-arm64    C:\\Py\\arm64\\python.exe\r\n");
    expect(entries.map((e) => [e.tag, e.version?.bits, e.version?.freethreaded])).toEqual([
      ["3.13", undefined, false],
      ["3.12", undefined, false],
      ["3.13t", undefined, true],
      ["3.11-32", 32, false],
      ["3.11", undefined, false],
      ["ContinuumAnalytics/Anaconda39-64", undefined, undefined],
      ["3.12-arm64", 64, false],
    ]);
    expect(parsePyLauncherEntries("No installed Pythons found!\r\n")).toEqual([]);
  });

  it("`-i python3.11` / `-i 3.12`, which no Windows install puts on PATH, come from the launcher (64-bit first)", () => {
    const { host, env } = windowsRunner({ launcher: PY_LIST_NEW });
    expect(pyLauncherInterpreterFor("python3.11", env, host)).toBe("C:\\Program Files\\Python311\\python.exe");
    expect(locateInterpreter("3.12", "C:\\work", env, host)).toBe(`${toolcache("3.12.8")}\\python.exe`);
    expect(locateInterpreter("python3.13t", "C:\\work", env, host)).toBe(`${toolcache("3.13.1")}\\python3.13t.exe`);
    expect(host.calls).toContain("py -0p");
  });

  it("no launcher installed: a version is simply not found, in one line", () => {
    const { host, env } = windowsRunner();
    let err: unknown;
    try {
      locateInterpreter("python3.11", "C:\\work", env, host);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InterpreterError);
    expect((err as Error).message).toBe("interpreter python3.11 was not found on PATH nor by the py launcher");
  });
});

describe("simulated Windows host: PATH, PATHEXT and names", () => {
  // simulates Windows: `Path` spelled as Windows spells it, `;` between folders, `.exe` added by PATHEXT
  it("`python` (the default there) and a path without .exe find python.exe", () => {
    const { host, env } = windowsRunner();
    expect(defaultInterpreter("win32")).toBe("python");
    expect(defaultInterpreter("darwin")).toBe("python3");
    expect(locateInterpreter("python", "C:\\work", env, host)).toBe(`${toolcache("3.13.1")}\\python.exe`);
    expect(locateInterpreter(`${toolcache("3.12.8")}\\python`, "C:\\work", env, host)).toBe(`${toolcache("3.12.8")}\\python.exe`);
    expect(locateInterpreter("..\\hostedtoolcache\\windows\\Python\\3.12.8\\x64\\PYTHON.EXE", "C:\\work", env, host)).toBe(`C:\\hostedtoolcache\\windows\\Python\\3.12.8\\x64\\PYTHON.EXE`);
  });

  it("--find-interpreter: each install's python.exe on PATH, conda's, then the launcher's others; no Store stub, each file once", () => {
    const { host, env } = windowsRunner({ launcher: PY_LIST_NEW });
    expect(discoverInterpreters({ ...env, CONDA_PREFIX: "C:\\Miniconda\\envs\\build" }, host)).toEqual([
      `${toolcache("3.13.1")}\\python.exe`,
      `${toolcache("3.12.8")}\\python.exe`,
      "C:\\Miniconda\\envs\\build\\python.exe",
      `${toolcache("3.13.1")}\\python3.13t.exe`,
      "C:\\Program Files (x86)\\Python311-32\\python.exe",
      "C:\\Program Files\\Python311\\python.exe",
    ]);
  });

  it("pyenv-win: its shims are skipped on PATH, its versions searched, a `python.bat` shim resolved to the version's python.exe", () => {
    const { host, env } = windowsRunner({ pyenv: true });
    expect(pyenvRoot(env, host)).toBe(PYENV_WIN);
    const found = discoverInterpreters(env, host);
    expect(found).toContain(`${PYENV_WIN}\\versions\\3.10.11\\python.exe`);
    expect(found).toContain(`${PYENV_WIN}\\versions\\3.9.13\\python.exe`);
    expect(found.some((p) => p.includes("shims"))).toBe(false);
    // PATHEXT finds shims\python.bat first; pyenv's rules (the global version file) lead to the real python.exe
    expect(locateInterpreter("python", "C:\\work", env, host)).toBe(`${PYENV_WIN}\\versions\\3.10.11\\python.exe`);
    expect(resolvePyenvShim(`${PYENV_WIN}\\shims\\python3.bat`, "C:\\work", { ...env, PYENV_VERSION: "3.9" }, host)).toBe(`${PYENV_WIN}\\versions\\3.9.13\\python.exe`);
  });
});

const FW = "/Library/Frameworks/Python.framework/Versions";
const CELLAR = "/opt/homebrew/Cellar/python@3.12/3.12.8/Frameworks/Python.framework/Versions/3.12/bin/python3.12";

/** A Mac: Homebrew's python3.12 (a link into its Cellar), python.org's 3.11 and 3.13 (not on PATH), pyenv's 3.10, Xcode's stub. */
function mac(pathDirs: string[]) {
  const host = simulatedHost(
    "darwin",
    {
      [CELLAR]: "x",
      "/opt/homebrew/bin/python3.12": { sameAs: CELLAR },
      "/opt/homebrew/bin/python3": { sameAs: CELLAR },
      [`${FW}/3.11/bin/python3.11`]: "x",
      [`${FW}/3.11/bin/python3`]: { sameAs: `${FW}/3.11/bin/python3.11` },
      [`${FW}/3.13/bin/python3.13`]: "x",
      [`${FW}/Current/bin/python3.13`]: { sameAs: `${FW}/3.13/bin/python3.13` },
      "/usr/local/bin/python3.11": { sameAs: `${FW}/3.11/bin/python3.11` },
      "/Users/me/.pyenv/versions/3.10.14/bin/python3.10": "x",
      "/Users/me/.pyenv/shims/python3.10": "x",
      "/usr/bin/python3": "x", // Xcode's stub: may open the Command Line Tools installer
      "/usr/bin/true": "x",
    },
    { home: "/Users/me" },
  );
  return { host, env: { PATH: pathDirs.join(":") } as NodeJS.ProcessEnv };
}

describe("simulated macOS host", () => {
  // simulates macOS: a Mac's folders and links, held in memory (this machine is Linux)
  it("--find-interpreter finds python.org's framework Pythons off PATH, Homebrew's and pyenv's, each file once, never Xcode's stub", () => {
    const { host, env } = mac(["/Users/me/.pyenv/shims", "/opt/homebrew/bin", "/usr/bin", "/bin"]);
    expect(discoverInterpreters(env, host)).toEqual(["/opt/homebrew/bin/python3.12", "/Users/me/.pyenv/versions/3.10.14/bin/python3.10", `${FW}/3.11/bin/python3.11`, `${FW}/3.13/bin/python3.13`]);
  });

  it("a CI shell without Homebrew on PATH still finds it, and /usr/local/bin's links to the framework count once", () => {
    const { host, env } = mac(["/usr/local/bin", "/usr/bin", "/bin"]);
    expect(discoverInterpreters(env, host)).toEqual(["/usr/local/bin/python3.11", "/Users/me/.pyenv/versions/3.10.14/bin/python3.10", `${FW}/3.13/bin/python3.13`, "/opt/homebrew/bin/python3.12"]);
  });

  it("the default `python3` is PATH's first, the stub only when nothing else is there", () => {
    expect(locateInterpreter("python3", "/Users/me", mac(["/opt/homebrew/bin", "/usr/bin"]).env, mac([]).host)).toBe("/opt/homebrew/bin/python3");
    expect(locateInterpreter("python3", "/Users/me", mac(["/usr/bin"]).env, mac([]).host)).toBe("/usr/bin/python3");
  });
});
