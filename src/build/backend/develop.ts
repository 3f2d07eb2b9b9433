/**
 * `pyts-build develop`: build for the active virtualenv and install into it,
 * like maturin develop. The wheel is the editable kind (a mixed project's
 * extension lands in its source tree, a .pth points there), installed by the
 * venv's own pip without touching dependencies or any index.
 */
import { spawnSync } from "node:child_process";
import { makeTempDir, removeTemp } from "../../cleanup.js";
import { checkOutputDir } from "../../output-dir.js";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, InterpreterError, PytsError } from "../../errors.js";
import { type Host, thisHost } from "../../host.js";
import { type Logger, silentLogger } from "../../log.js";
import { type BuiltWheel, buildWheels, type BuildWheelsOptions } from "../build-wheel.js";
import { loadProjectConfig } from "../project/config.js";
import { editableLayout } from "./editable.js";
import { buildTarget } from "../target/cross.js";

export interface DevelopOptions extends Omit<BuildWheelsOptions, "interpreters" | "findInterpreter" | "out" | "layout"> {
  /** Default: $VIRTUAL_ENV, else `.venv` in the current folder. */
  venv?: string;
}

export interface DevelopResult {
  venv: string;
  python: string;
  wheel: BuiltWheel;
}

/** A virtualenv's python: `Scripts\\python.exe` on Windows, `bin/python` elsewhere. */
export function venvPython(venv: string, host: Host = thisHost()): string {
  return host.platform === "win32" ? host.path.join(venv, "Scripts", "python.exe") : host.path.join(venv, "bin", "python");
}

/** The virtualenv to install into: explicit, $VIRTUAL_ENV, or `.venv` in the project (or here); a clear error otherwise. */
export function findVirtualenv(o: { venv?: string; cwd: string; env: NodeJS.ProcessEnv; projectDir?: string; host?: Host }): string {
  const host = o.host ?? thisHost();
  const { path } = host;
  const isVenv = (dir: string) => host.isFile(venvPython(dir, host)) && host.isFile(path.join(dir, "pyvenv.cfg"));
  const named = o.venv !== undefined ? { dir: path.resolve(o.cwd, o.venv), from: "--venv" } : o.env.VIRTUAL_ENV ? { dir: path.resolve(o.env.VIRTUAL_ENV), from: "VIRTUAL_ENV" } : undefined;
  if (named) {
    if (isVenv(named.dir)) return named.dir;
    throw new InterpreterError(`${named.dir} (from ${named.from}) is not a virtualenv (no ${venvPython(named.dir, host)} or pyvenv.cfg)`, "point it at a folder made by python -m venv");
  }
  const local = [o.projectDir, o.cwd].filter((d): d is string => d !== undefined).map((d) => path.join(d, ".venv")).find(isVenv);
  if (local) return local;
  throw new InterpreterError(
    "no virtualenv is active (VIRTUAL_ENV is not set and there is no .venv here)",
    host.platform === "win32" ? "activate one (.venv\\Scripts\\activate), or create it: python -m venv .venv" : "activate one (source .venv/bin/activate), or create it: python3 -m venv .venv",
  );
}

export async function develop(o: DevelopOptions = {}): Promise<DevelopResult> {
  const log: Logger = o.log ?? silentLogger;
  const env = o.env ?? process.env;
  const cwd = resolve(o.cwd ?? process.cwd());
  const project = o.project ?? loadProjectConfig({ cwd, ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}), ...(o.strictMetadata ? { strictMetadata: true } : {}) });
  const target = buildTarget(o.target ?? project.tool.target, env);
  if (target?.foreign) {
    throw new ConfigError(`develop installs into this machine's virtualenv, which cannot load a build for ${target.triple}`, `build it with \`pyts-build wheel --target ${target.triple}\` and install the wheel on the target`);
  }
  const venv = findVirtualenv({ cwd, env, projectDir: project.projectDir, ...(o.venv !== undefined ? { venv: o.venv } : {}) });
  const python = venvPython(venv);

  const pipCheck = spawnSync(python, ["-m", "pip", "--version"], { env, encoding: "utf8" });
  if (pipCheck.status !== 0) {
    throw new PytsError(`the virtualenv ${venv} has no pip`, `install it there (${python} -m ensurepip), or build with \`pyts-build wheel\` and install the wheel yourself`);
  }

  await checkOutputDir(venv);
  const tmp = await makeTempDir(join(tmpdir(), "pyts-build-develop-"));
  try {
    const { venv: _v, ...build } = o;
    void _v;
    const [wheel] = await buildWheels({ ...build, project, cwd, env, interpreters: [python], out: tmp, temporaryOut: true, layout: editableLayout, log });
    if (!wheel) throw new Error("internal: no wheel was built");
    log.step(`Installing ${wheel.fileName} into ${venv}`);
    const pip = spawnSync(python, ["-m", "pip", "install", "--force-reinstall", "--no-deps", "--no-index", "--disable-pip-version-check", wheel.path], {
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (pip.status !== 0) {
      throw new PytsError(`pip could not install ${wheel.fileName} into ${venv}: ${(pip.stderr || pip.stdout).trim().split("\n").pop() ?? ""}`, `run ${python} -m pip install ${wheel.path} to see pip's full output`);
    }
    log.info(`Installed ${wheel.fileName} into ${venv}`);
    return { venv, python, wheel };
  } finally {
    await removeTemp(tmp);
  }
}
