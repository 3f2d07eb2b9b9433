/**
 * Which interpreters to build for: `-i/--interpreter` values, `--find-interpreter`
 * (every python3.X / pypy3.X found on PATH and in pyenv), or `python3`.
 * Each is resolved to a stable real executable and described once.
 */
import { InterpreterError } from "../../errors.js";
import { findProgram, type Host, isPathLike, pathDirs, thisHost } from "../../host.js";
import type { Logger } from "../../log.js";
import { silentLogger } from "../../log.js";
import { parseSpecifier, parseVersion, type Specifier } from "../../wheel/pep440.js";
import type { InterpreterInfo } from "./interpreter-info.js";
import { INSTALL_HINT, queryInterpreter } from "./interpreter-query.js";
import { condaInterpreter, interpreterNamePattern, platformInterpreterDirs, pyLauncherInterpreterFor, pyLauncherInterpreters, skippedInterpreterDir } from "./interpreter-sources.js";
import { isPyenvShim, pyenvRoot, pyenvVersionBinDirs, resolvePyenvShim } from "./pyenv.js";

export type { InterpreterInfo } from "./interpreter-info.js";

export interface FindInterpretersOptions {
  /** -i values: names (`python3.11`, `pypy3`, `3.12`) or paths. */
  interpreters?: string[];
  /** --find-interpreter */
  findInterpreter?: boolean;
  /** Where to cache answers (under the cargo target dir). */
  cacheDir?: string;
  /** requires-python: --find-interpreter skips interpreters outside it (with a note); a chosen one outside it is an error. */
  requiresPython?: string;
  /** Lowest Python 3 minor the bindings support (pyo3: 7); --find-interpreter skips older ones. */
  minMinor?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** The system whose files and rules apply (src/host.ts): this one, or a simulated one in tests. */
  host?: Host;
}

/** The interpreter a build without -i uses: `python3`, or `python` on Windows, where python.org's installs have no python3. */
export function defaultInterpreter(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "python" : "python3";
}

/** A -i value as a command name: `3.12` -> `python3.12`. */
export function interpreterCommand(spec: string): string {
  return /^\d+(\.\d+)?$/.test(spec) ? `python${spec}` : spec;
}

/**
 * A -i value -> an executable path (PATH lookup with PATHEXT on Windows, pyenv shims followed; on Windows
 * `python3.12` / `3.12`, which no install puts on PATH, through the `py` launcher). Throws InterpreterError.
 */
export function locateInterpreter(spec: string, cwd: string, env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string {
  const cmd = interpreterCommand(spec);
  let path: string | undefined;
  if (isPathLike(cmd, host.platform)) {
    path = host.path.resolve(cwd, cmd);
    // `-i C:\Python312\python` names python.exe on Windows, as a shell would run it
    const file = [path, ...(host.platform === "win32" && !/\.[^\\/.]+$/.test(path) ? [`${path}.exe`] : [])].find((p) => host.isFile(p));
    if (!file) throw new InterpreterError(`interpreter ${spec} does not exist`, INSTALL_HINT);
    path = file;
  } else {
    path = findProgram(cmd, env, host) ?? pyLauncherInterpreterFor(cmd, env, host);
    if (!path) throw new InterpreterError(`interpreter ${spec} was not found on PATH${host.platform === "win32" && /^python\d/.test(cmd) ? " nor by the py launcher" : ""}`, INSTALL_HINT);
  }
  if (isPyenvShim(path, env, host)) {
    const real = resolvePyenvShim(path, cwd, env, host);
    if (!real) {
      throw new InterpreterError(`interpreter ${spec} is a pyenv shim with no installed version behind it here`, "check `pyenv versions`, or pass a real path with -i");
    }
    return real;
  }
  return path;
}

/**
 * --find-interpreter and list-python: python3.X and pypy3.X (on Windows
 * `python.exe` and the like: interpreter-sources.ts) on PATH, in pyenv's
 * versions and in the system's usual places (macOS frameworks, Homebrew), then
 * the active conda env's python and the Windows `py` launcher's list; one path
 * per real file.
 */
export function discoverInterpreters(env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string[] {
  const dirs: string[] = [];
  const root = pyenvRoot(env, host);
  for (const d of pathDirs(env, host.platform)) {
    if ((root && isPyenvShim(host.path.join(d, "x"), env, host)) || skippedInterpreterDir(d, host)) continue;
    dirs.push(d);
  }
  if (root) dirs.push(...pyenvVersionBinDirs(root, host));
  dirs.push(...platformInterpreterDirs(host));
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    const id = host.fileId(p);
    if (id === undefined || seen.has(id)) return;
    seen.add(id);
    found.push(p);
  };
  const names = interpreterNamePattern(host);
  for (const d of dirs) {
    for (const n of host.listDir(d).filter((x) => names.test(x)).sort()) {
      const p = host.path.join(d, n);
      if (host.isExecutable(p)) add(p);
    }
  }
  const conda = condaInterpreter(env, host);
  if (conda) add(conda);
  pyLauncherInterpreters(env, host).forEach(add);
  return found;
}

function cmpRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const releaseOf = (s: Specifier): number[] => parseVersion(s.version.replace(/\.\*$/, "")).release.map(Number);

/** One specifier against a release tuple (pre/post/dev parts ignored: interpreters are releases). */
function specifierAllows(part: string, have: number[]): boolean {
  const s = parseSpecifier(part);
  if (typeof s === "string") return true; // validated when the config was read
  if (s.operator === "===") return s.version === have.join(".");
  const rel = releaseOf(s);
  const prefixOk = (n: number) => cmpRelease(have.slice(0, n), rel.slice(0, n)) === 0;
  const c = cmpRelease(have, rel);
  switch (s.operator) {
    case "==":
      return s.wildcard ? prefixOk(rel.length) : c === 0;
    case "!=":
      return s.wildcard ? !prefixOk(rel.length) : c !== 0;
    case "~=":
      return c >= 0 && prefixOk(rel.length - 1);
    case ">=":
      return c >= 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case "<":
      return c < 0;
  }
}

/** Whether the version `major.minor` itself (as maturin compares it: `3.11` = 3.11.0) satisfies a specifier set. */
export function pythonVersionMatches(specifiers: string, major: number, minor: number): boolean {
  return specifiers.split(",").every((p) => specifierAllows(p, [major, minor]));
}

/** Whether some release of Python `major.minor` satisfies a requires-python set. */
export function pythonVersionAllowed(requiresPython: string, major: number, minor: number): boolean {
  const parts = requiresPython.split(",");
  // micro releases worth trying: the ends, and each micro a specifier names (and its neighbours)
  const micros = new Set([0, 999]);
  for (const part of parts) {
    const s = parseSpecifier(part);
    if (typeof s === "string" || s.operator === "===") continue;
    const m = releaseOf(s)[2];
    if (m !== undefined) [m - 1, m, m + 1].filter((x) => x >= 0).forEach((x) => micros.add(x));
  }
  return [...micros].some((micro) => parts.every((p) => specifierAllows(p, [major, minor, micro])));
}

function label(i: InterpreterInfo): string {
  const impl = i.implementation === "cpython" ? "CPython" : i.implementation === "pypy" ? "PyPy" : i.implementation;
  return `${impl} ${i.major}.${i.minor}`;
}

/** The interpreters to build for, each described (from the cache when possible). */
export async function findInterpreters(o: FindInterpretersOptions = {}): Promise<InterpreterInfo[]> {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const log = o.log ?? silentLogger;
  const host = o.host ?? thisHost();
  const q = (p: string) => queryInterpreter(p, { ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}), env });

  if (o.findInterpreter) {
    const paths = discoverInterpreters(env, host);
    const infos = await Promise.all(paths.map((p) => q(p).catch((e: Error) => (log.debug(`skipping ${p}: ${e.message}`), undefined))));
    const out: InterpreterInfo[] = [];
    const seen = new Set<string>();
    for (const i of infos) {
      if (!i) continue;
      const id = `${i.implementation}:${i.major}.${i.minor}:${i.extSuffix}`;
      if (seen.has(id)) continue; // the same Python twice (e.g. /usr/bin and pyenv)
      if (i.major !== 3 || (o.minMinor !== undefined && i.minor < o.minMinor)) {
        log.debug(`skipping ${i.executable} (${label(i)}): not supported by the bindings`);
        continue;
      }
      if (o.requiresPython && !pythonVersionAllowed(o.requiresPython, i.major, i.minor)) {
        log.info(`Skipping ${i.executable} (${label(i)}): outside requires-python ${o.requiresPython}`);
        continue;
      }
      seen.add(id);
      out.push(i);
    }
    if (out.length === 0) throw new InterpreterError("--find-interpreter found no usable Python 3 interpreter", INSTALL_HINT);
    return out;
  }

  const specs = o.interpreters && o.interpreters.length > 0 ? o.interpreters : [defaultInterpreter(host.platform)];
  const infos = await Promise.all(specs.map((s) => q(locateInterpreter(s, cwd, env, host))));
  for (const [n, i] of infos.entries()) {
    if (i.major !== 3) {
      throw new InterpreterError(`interpreter ${specs[n]} is Python ${i.major}.${i.minor}; only Python 3 is supported`, INSTALL_HINT);
    }
    // Chosen by name (or the default python3): a wheel it could not install is an error, as in maturin.
    if (o.requiresPython && !pythonVersionAllowed(o.requiresPython, i.major, i.minor)) {
      throw new InterpreterError(
        `interpreter ${specs[n]} (${label(i)}) does not satisfy the project's requires-python ${o.requiresPython}`,
        "pass an interpreter that does with -i, use --find-interpreter to build for every one found that does, or change requires-python",
      );
    }
  }
  // -i python3 -i python3.11 can be the same interpreter: build once
  const seen = new Set<string>();
  return infos.filter((i) => !seen.has(i.executable) && seen.add(i.executable));
}

export { label as interpreterLabel };
