/**
 * Places interpreters live besides PATH and pyenv, for --find-interpreter and
 * list-python: the active conda environment (CONDA_PREFIX) and, on Windows,
 * the `py` launcher's list of registered Pythons (`py -0p`), where
 * interpreters are not named python3.X on PATH.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { isFile } from "../../fs-util.js";

/**
 * The executables in `py -0p` output. Two formats exist: the launcher of
 * Python 3.11+ (` -V:3.12 *        C:\...\python.exe`, companies other than
 * PythonCore as `-V:Company/Tag`) and the older one (` -3.9-64 *  C:\...`).
 * Paths may contain spaces; the `*` marks the default.
 */
export function parsePyLauncherList(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s*-(?:V:)?\S+\s+(?:\*\s+)?(\S.*?\.exe)\s*$/i.exec(line);
    if (m && !out.includes(m[1] as string)) out.push(m[1] as string);
  }
  return out;
}

/** The registered Pythons of the Windows `py` launcher (none elsewhere, or when it is missing). */
export function pyLauncherInterpreters(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  if (platform !== "win32") return [];
  try {
    return parsePyLauncherList(execFileSync("py", ["-0p"], { env, encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "ignore"] })).filter(isFile);
  } catch {
    return []; // no launcher installed
  }
}

/** The python of the active conda environment, when CONDA_PREFIX names one. */
export function condaInterpreter(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const prefix = env.CONDA_PREFIX;
  if (!prefix) return undefined;
  const p = platform === "win32" ? join(prefix, "python.exe") : join(prefix, "bin", "python");
  return isFile(p) ? p : undefined;
}
