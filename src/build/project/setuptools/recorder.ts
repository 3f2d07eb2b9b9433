/**
 * Run a project's setup.py (as pip would) with stand-ins for setuptools and
 * setuptools_rust that record the setup() call (recorder-script.ts), in the
 * build interpreter, with a clean environment and a time limit. No
 * setuptools is needed, and nothing of setuptools' build runs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseTemp, trackTemp } from "../../../cleanup.js";
import { ConfigError, InterpreterError } from "../../../errors.js";
import { envValue } from "../../../host.js";
import { isTable } from "../fields.js";
import { RECORDER_SCRIPT } from "./recorder-script.js";
import type { RecordedSetup } from "./setup-keywords.js";

export const SETUP_PY_TIMEOUT_VARIABLE = "PYTS_BUILD_SETUP_PY_TIMEOUT";
const DEFAULT_TIMEOUT_S = 60;

/**
 * The only variables setup.py sees: enough to run Python and find files, nothing of the caller's
 * configuration. Windows' Python cannot start without SYSTEMROOT, which a copied environment spells
 * `SystemRoot` (and PATH `Path`): names are matched as Windows matches them.
 */
const PASSED = ["PATH", "PATHEXT", "HOME", "USERPROFILE", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "WINDIR", "COMSPEC", "SOURCE_DATE_EPOCH"];

export function recorderEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PYTHONDONTWRITEBYTECODE: "1", PYTHONIOENCODING: "utf-8" };
  for (const k of PASSED) {
    const v = envValue(env, k, platform);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function timeoutSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env[SETUP_PY_TIMEOUT_VARIABLE];
  if (raw === undefined || raw === "") return DEFAULT_TIMEOUT_S;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${SETUP_PY_TIMEOUT_VARIABLE}="${raw}" is not a positive number of seconds`, `set it to e.g. 120, or unset it for the default ${DEFAULT_TIMEOUT_S}`);
  return n;
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").pop()?.trim() ?? "";
  return line.length > 200 ? line.slice(0, 197) + "..." : line;
}

/** Validate the recorder's JSON (`file` is the file it came from, for messages). */
export function parseRecording(text: string, file: string): RecordedSetup {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file}: the setup() call could not be recorded (no readable answer)`, "run `python setup.py --version` to see whether setup.py works");
  }
  if (!isTable(raw) || !isTable(raw.setup)) throw new ConfigError(`${file}: the setup() call could not be recorded`, "run `python setup.py --version` to see whether setup.py works");
  const cfg: RecordedSetup["cfg"] = {};
  if (isTable(raw.cfg)) for (const [k, v] of Object.entries(raw.cfg)) if (isTable(v)) cfg[k] = Object.fromEntries(Object.entries(v).map(([a, b]) => [a, String(b)]));
  return { setup: raw.setup, setupPy: raw.setup_py === true, cfg };
}

/**
 * Record the setup() call of `projectDir`'s setup.py (or, without one, what
 * setup.cfg says) with `python`. Errors name setup.py and its last line of output.
 */
export function recordSetup(projectDir: string, python: string, env: NodeJS.ProcessEnv = process.env): RecordedSetup {
  const seconds = timeoutSeconds(env);
  const scratch = trackTemp(mkdtempSync(join(tmpdir(), "pyts-setup-")));
  const out = join(scratch, "setup.json");
  const file = join(projectDir, "setup.py");
  try {
    const r = spawnSync(python, ["-I", "-c", RECORDER_SCRIPT, projectDir, out], {
      cwd: projectDir,
      env: recorderEnv(env),
      encoding: "utf8",
      timeout: seconds * 1000,
      killSignal: "SIGKILL",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 16 << 20,
    });
    const err = r.error as NodeJS.ErrnoException | undefined;
    if (err?.code === "ENOENT") throw new InterpreterError(`cannot run ${python} to read ${file}: not found`, "pass the build interpreter with -i, e.g. -i python3.12");
    if (err?.code === "ETIMEDOUT" || r.signal === "SIGKILL") {
      throw new ConfigError(`${file} did not call setup() within ${seconds} s`, `does it wait for input or download something? ${SETUP_PY_TIMEOUT_VARIABLE}=SECONDS gives it more time`);
    }
    if (r.status !== 0) {
      const said = lastLine(`${r.stdout ?? ""}\n${r.stderr ?? ""}`);
      throw new ConfigError(`${file} failed before calling setup()${said ? `: ${said}` : ""}`, "run `python setup.py --version` in the project folder to see the whole error");
    }
    let text: string;
    try {
      text = readFileSync(out, "utf8");
    } catch {
      throw new ConfigError(`${file} exited without calling setup()`, "setup.py must call setuptools.setup(...)");
    }
    return parseRecording(text, file);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    releaseTemp(scratch);
  }
}
