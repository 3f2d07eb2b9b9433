/**
 * Where interpreters live besides PATH and pyenv, per system, for
 * --find-interpreter, list-python and `-i 3.12`: the active conda environment
 * (CONDA_PREFIX), on Windows the `py` launcher's list of registered Pythons
 * (`py -0p`: PATH there holds `python.exe`, no `python3.12`), and on macOS the
 * python.org framework installs, whose PATH line lives in a shell profile that
 * CI shells and GUI programs do not read. Each takes the host (src/host.ts),
 * so the tests simulate Windows and macOS.
 */
import { type Host, thisHost } from "../../host.js";

export interface PyLauncherEntry {
  /** The launcher's tag: `3.12`, `3.12-32`, `3.11-arm64`, `3.13t`, `ContinuumAnalytics/Anaconda39-64`. */
  tag: string;
  /** The CPython version the tag names (PythonCore tags only). */
  version?: { major: number; minor: number; freethreaded: boolean; bits?: 32 | 64 };
  path: string;
}

/**
 * The entries of `py -0p` (same as `py --list-paths`). Two formats: the
 * launcher of Python 3.11+ (` -V:3.12 *        C:\...\python.exe`, other
 * companies as `-V:Company/Tag`, the `*` default before the path) and the older
 * one (` -3.9-64        C:\...\python.exe *`, the `*` after it). Paths may
 * hold spaces. The active virtual environment's line (`(venv)` or `*` alone) is
 * left out: it is on PATH anyway. Headings and "No installed Pythons" lines
 * match nothing.
 */
export function parsePyLauncherEntries(stdout: string): PyLauncherEntry[] {
  const out: PyLauncherEntry[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s*-(?:V:)?(\S+)\s+(?:\*\s+)?(\S.*?\.exe)(?:\s+\*)?\s*$/i.exec(line);
    if (!m) continue;
    const [tag, path] = [m[1] as string, m[2] as string];
    if (out.some((e) => e.path === path)) continue;
    const v = /^(\d+)\.(\d+)(t)?(?:-(32|64|arm64))?$/.exec(tag);
    const bits = v?.[4] === "32" ? 32 : v?.[4] === undefined ? undefined : 64;
    out.push({ tag, path, ...(v ? { version: { major: Number(v[1]), minor: Number(v[2]), freethreaded: v[3] === "t", ...(bits ? { bits } : {}) } } : {}) });
  }
  return out;
}

/** The executables of `py -0p` output, in its order. */
export function parsePyLauncherList(stdout: string): string[] {
  return parsePyLauncherEntries(stdout).map((e) => e.path);
}

/** The registered Pythons of the Windows `py` launcher whose executables exist (none elsewhere, or when there is no launcher). */
export function pyLauncherEntries(env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): PyLauncherEntry[] {
  if (host.platform !== "win32") return [];
  const out = host.output("py", ["-0p"], env);
  return out === undefined ? [] : parsePyLauncherEntries(out).filter((e) => host.isFile(e.path));
}

/** The paths of pyLauncherEntries. */
export function pyLauncherInterpreters(env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string[] {
  return pyLauncherEntries(env, host).map((e) => e.path);
}

/**
 * The launcher's Python for `python3.12` / `3.12` (`python3.13t` for the
 * free-threaded build), on Windows where no such name is on PATH: the 64-bit
 * one when both are registered, as `py -3.12` picks.
 */
export function pyLauncherInterpreterFor(command: string, env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string | undefined {
  const want = /^(?:python)?(\d+)\.(\d+)(t)?(?:\.exe)?$/i.exec(command);
  if (!want || host.platform !== "win32") return undefined;
  const hits = pyLauncherEntries(env, host).filter(
    (e) => e.version && e.version.major === Number(want[1]) && e.version.minor === Number(want[2]) && e.version.freethreaded === (want[3] !== undefined),
  );
  return (hits.find((e) => e.version?.bits !== 32) ?? hits[0])?.path;
}

/** The python of the active conda environment, when CONDA_PREFIX names one (`python.exe` at its top on Windows, `bin/python` elsewhere). */
export function condaInterpreter(env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string | undefined {
  const prefix = env.CONDA_PREFIX;
  if (!prefix) return undefined;
  const p = host.platform === "win32" ? host.path.join(prefix, "python.exe") : host.path.join(prefix, "bin", "python");
  return host.isFile(p) ? p : undefined;
}

const FRAMEWORKS = "/Library/Frameworks/Python.framework/Versions";

/**
 * Folders to search after PATH on macOS: each python.org framework version's
 * `bin/` (its `python3.X`), then Homebrew's prefixes (`/opt/homebrew/bin` on Apple
 * silicon, `/usr/local/bin` on Intel). Xcode's `/usr/bin/python3` is never
 * among them: it is a stub that may open the Command Line Tools installer, and
 * it has no versioned name. None elsewhere.
 */
export function platformInterpreterDirs(host: Host = thisHost()): string[] {
  if (host.platform !== "darwin") return [];
  const frameworks = host
    .listDir(FRAMEWORKS)
    .filter((v) => /^\d+\.\d+$/.test(v)) // not `Current`, a link to one of them
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .map((v) => `${FRAMEWORKS}/${v}/bin`);
  return [...frameworks, "/opt/homebrew/bin", "/usr/local/bin"];
}

/** Folders whose Pythons are not searched on PATH: on Windows the Store's App Execution Aliases (`python.exe` there may be a stub that opens the Store; a Store Python is registered with the `py` launcher). */
export function skippedInterpreterDir(dir: string, host: Host = thisHost()): boolean {
  return host.platform === "win32" && /[\\/]Microsoft[\\/]WindowsApps[\\/]?$/i.test(dir);
}

/**
 * The executable names --find-interpreter takes: `python3.X` and `pypy3(.X)`; on Windows, where an install's
 * folder holds `python.exe` (`python3.exe` from the Store, pyenv-win, conda), `python.exe`, `python3.exe`,
 * `python3.X.exe`, `pypy3.exe`, `pypy.exe` and the like (the query tells the version).
 */
export function interpreterNamePattern(host: Host = thisHost()): RegExp {
  return host.platform === "win32" ? /^(python(3(\.\d+)?)?|pypy3?(\.\d+)?)\.exe$/i : /^(python3\.\d+|pypy3(\.\d+)?)$/;
}
