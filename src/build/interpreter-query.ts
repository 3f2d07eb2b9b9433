/**
 * Ask an interpreter about itself, once: one small script prints everything
 * the build needs as JSON. Answers are cached on disk, keyed by the real path,
 * size and mtime of the executable, so later builds skip the ~50 ms start-up.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InterpreterError } from "../errors.js";
import type { InterpreterInfo } from "./interpreter-info.js";

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

const SCRIPT_ID = createHash("sha256").update(QUERY_SCRIPT).digest("hex").slice(0, 12);

/** Validate the script's answer (a foreign or broken "python" must not get through as garbage). */
export function parseQueryOutput(stdout: string, exe: string): InterpreterInfo {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
  } catch {
    throw new InterpreterError(`${exe} did not answer like a Python interpreter`, "pass a Python 3 executable with -i");
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
    throw new InterpreterError(`${exe} gave an incomplete description of itself`, "pass a Python 3 executable with -i");
  }
  return info;
}

function run(exe: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(exe, ["-c", QUERY_SCRIPT], { env, encoding: "utf8", timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EACCES") {
          reject(new InterpreterError(`interpreter ${exe} cannot be run (${code === "ENOENT" ? "not found" : "not executable"})`, INSTALL_HINT));
        } else {
          const detail = (stderr || err.message).trim().split("\n").slice(-1)[0];
          reject(new InterpreterError(`interpreter ${exe} failed to describe itself: ${detail}`, "check that it is a working Python 3 interpreter"));
        }
        return;
      }
      resolvePromise(stdout);
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
  const st = statSync(realExe);
  return `${SCRIPT_ID}:${realExe}:${st.size}:${st.mtimeMs}`;
}

/**
 * Describe the interpreter at `exe` (a path, already resolved from PATH and
 * shims). With `cacheDir`, a previous answer for the same file is reused.
 */
export async function queryInterpreter(exe: string, opts: { cacheDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<InterpreterInfo> {
  let key: string | undefined;
  let file: string | undefined;
  if (opts.cacheDir) {
    try {
      key = cacheKey(realpathSync(exe));
      file = join(opts.cacheDir, createHash("sha256").update(exe).digest("hex").slice(0, 24) + ".json");
      const hit = JSON.parse(readFileSync(file, "utf8")) as CacheEntry;
      if (hit.key === key) return hit.info;
    } catch {
      // no or stale cache: ask the interpreter
    }
  }
  const info = parseQueryOutput(await run(exe, opts.env ?? process.env), exe);
  if (file && key) {
    try {
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
