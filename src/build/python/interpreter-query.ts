/**
 * Ask an interpreter about itself, once: one small script prints everything
 * the build needs as JSON. Answers are cached on disk, keyed by the real path
 * and stamp (inode, size, mtime, ctime) of the executable, so later builds skip
 * the ~50 ms start-up; a version manager's shim is asked every time.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, InterpreterError } from "../../errors.js";
import { groupSpawnOptions, signalTree, spawnSpec } from "../../host.js";
import type { InterpreterInfo } from "./interpreter-info.js";
import { fileStamp } from "../cache/file-stamp.js";
import { keyHash } from "../cache/key-hash.js";

// Python 2 compatible syntax on purpose: an old interpreter must still answer,
// so that we can say "Python 2.7 is not supported" instead of a SyntaxError.
export const QUERY_SCRIPT = `
import json, platform, struct, sys, sysconfig
cv = sysconfig.get_config_var
impl = getattr(getattr(sys, "implementation", None), "name", None) or platform.python_implementation().lower()
print(json.dumps({
    "executable": sys.executable,
    "implementation": impl,
    "major": sys.version_info[0],
    "minor": sys.version_info[1],
    "abiflags": getattr(sys, "abiflags", ""),
    "extSuffix": cv("EXT_SUFFIX") or cv("SO") or "",
    "soabi": cv("SOABI"),
    "platform": sysconfig.get_platform(),
    "pointerWidth": struct.calcsize("P") * 8,
    "system": platform.system().lower(),
    "machine": platform.machine(),
    "gilDisabled": bool(cv("Py_GIL_DISABLED")),
}))
`;

const SCRIPT_ID = keyHash(QUERY_SCRIPT);

/** Validate the script's answer (a foreign or broken "python" must not get through as garbage). */
export function parseQueryOutput(stdout: string, exe: string): InterpreterInfo {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
  } catch {
    throw new InterpreterError(`${exe} did not answer like a Python interpreter`, NOT_PYTHON);
  }
  const s = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string) : "");
  const n = (k: string) => (typeof raw[k] === "number" ? (raw[k] as number) : NaN);
  const info: InterpreterInfo = {
    executable: s("executable") || exe,
    implementation: s("implementation"),
    major: n("major"),
    minor: n("minor"),
    abiflags: s("abiflags"),
    extSuffix: s("extSuffix"),
    soabi: typeof raw.soabi === "string" && raw.soabi !== "" ? raw.soabi : null,
    platform: s("platform"),
    pointerWidth: n("pointerWidth"),
    system: s("system"),
    machine: s("machine"),
    gilDisabled: raw.gilDisabled === true,
  };
  if (!Number.isInteger(info.major) || !Number.isInteger(info.minor) || info.implementation === "" || info.platform === "") {
    throw new InterpreterError(`${exe} gave an incomplete description of itself`, NOT_PYTHON);
  }
  return info;
}

/** Seconds to wait for an answer: generous (a cold start on a slow disk), overridable. */
export const DEFAULT_QUERY_TIMEOUT_S = 60;
export const TIMEOUT_VARIABLE = "PYTS_BUILD_INTERPRETER_TIMEOUT";

export function queryTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIMEOUT_VARIABLE];
  if (raw === undefined || raw === "") return DEFAULT_QUERY_TIMEOUT_S;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${TIMEOUT_VARIABLE}="${raw}" is not a positive number of seconds`, `set it to e.g. 120, or unset it for the default ${DEFAULT_QUERY_TIMEOUT_S}`);
  return n;
}

/** Enough for any real answer; a program that prints more is not answering. */
const MAX_OUTPUT = 1 << 20;

/** The last line of stderr, short and printable (never the script itself: it goes in on stdin). */
function lastLine(text: string): string {
  const line = text.trim().split("\n").pop()?.trim() ?? "";
  const clean = line.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 160 ? clean.slice(0, 157) + "..." : clean;
}

const NOT_PYTHON = "pass a Python 3 executable with -i (e.g. -i python3.12 or -i /path/to/venv/bin/python)";

/**
 * Run `exe -` with the script on stdin, in its own process group, so a
 * timeout ends whatever it started (a wrapper's children would otherwise keep
 * the pipes open and the build waiting forever).
 */
function run(exe: string, env: NodeJS.ProcessEnv): Promise<string> {
  const seconds = queryTimeoutSeconds(env);
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    let stdout = "";
    let stderr = "";
    const cmd = spawnSpec(exe, ["-"]); // a .cmd/.bat wrapper of a Python runs through cmd.exe on Windows
    const child = spawn(cmd.command, cmd.args, { env, stdio: ["pipe", "pipe", "pipe"], ...groupSpawnOptions(), ...(cmd.verbatim ? { windowsVerbatimArguments: true } : {}) });
    const killGroup = () => signalTree(child, "SIGKILL");
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup();
      child.stdout.destroy();
      child.stderr.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new InterpreterError(`interpreter ${exe} did not answer within ${seconds} s (it hangs, or is not a Python interpreter)`, `${NOT_PYTHON}; a slow one can get more time with ${TIMEOUT_VARIABLE}=SECONDS`)),
      seconds * 1000,
    );
    const take = (which: "out" | "err") => (d: string) => {
      if (which === "out") stdout += d;
      else stderr += d;
      if (stdout.length + stderr.length > MAX_OUTPUT) fail(new InterpreterError(`interpreter ${exe} printed over 1 MiB instead of describing itself: not a Python interpreter`, NOT_PYTHON));
    };
    child.stdout.setEncoding("utf8").on("data", take("out"));
    child.stderr.setEncoding("utf8").on("data", take("err"));
    child.stdin.on("error", () => {}); // a program that does not read stdin (EPIPE): judged by its exit
    child.stdin.end(QUERY_SCRIPT);
    child.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code;
      if (code === "ENOENT" || code === "EACCES") fail(new InterpreterError(`interpreter ${exe} cannot be run (${code === "ENOENT" ? "not found" : "not executable"})`, INSTALL_HINT));
      else fail(new InterpreterError(`interpreter ${exe} cannot be run: ${code ?? err.message}`, INSTALL_HINT));
    });
    child.on("exit", killGroup); // what it left running would hold the pipes open
    child.on("close", (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (code === 0) return resolvePromise(stdout);
      const said = lastLine(stderr);
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      reject(new InterpreterError(`interpreter ${exe} ${how} instead of describing itself${said ? ` (${said})` : ""}`, `check that it is a working Python 3 interpreter; ${NOT_PYTHON}`));
    });
  });
}

export const INSTALL_HINT =
  "pass an installed interpreter (-i python3.11 or -i /path/to/python), or --find-interpreter to use all found; " +
  "install one with your package manager or `pyenv install 3.12`";

interface CacheEntry {
  key: string;
  info: InterpreterInfo;
}

function cacheKey(realExe: string): string {
  return `${SCRIPT_ID}:${realExe}:${fileStamp(realExe)}`;
}

/** Whether `exe` is the interpreter itself (or a link to it), not a wrapper or dispatcher that picks one. */
function isInterpreterItself(realExe: string, info: InterpreterInfo): boolean {
  try {
    return realpathSync(info.executable) === realExe;
  } catch {
    return false;
  }
}

/**
 * Describe the interpreter at `exe` (a path, already resolved from PATH and
 * pyenv shims). With `cacheDir`, a previous answer for the same file is
 * reused, but only for the interpreter itself: a version manager's shim (a
 * wrapper script, or a link to one dispatcher program) stays the same file
 * while the Python it runs changes with the selection, so an answer whose
 * `sys.executable` is another file is never kept, and such a shim is asked
 * every time (which also keeps the no-op replay from recording the run).
 */
export async function queryInterpreter(exe: string, opts: { cacheDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<InterpreterInfo> {
  let key: string | undefined;
  let file: string | undefined;
  let realExe: string | undefined;
  if (opts.cacheDir) {
    try {
      realExe = realpathSync(exe);
      key = cacheKey(realExe);
      file = join(opts.cacheDir, keyHash(exe) + ".json");
      const hit = JSON.parse(readFileSync(file, "utf8")) as CacheEntry;
      if (hit.key === key) return hit.info;
    } catch {
      // no or stale cache: ask the interpreter
    }
  }
  const info = parseQueryOutput(await run(exe, opts.env ?? process.env), exe);
  if (file && key && realExe) {
    try {
      if (!isInterpreterItself(realExe, info)) {
        rmSync(file, { force: true }); // (an answer kept by an older version)
        return info;
      }
      mkdirSync(opts.cacheDir as string, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ key, info } satisfies CacheEntry));
      renameSync(tmp, file);
    } catch {
      // a cache that cannot be written only costs time
    }
  }
  return info;
}
