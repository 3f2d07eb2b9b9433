/** Shared by the PEP 517 end-to-end tests: the backend wheel and venvs with pip. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runCliOk } from "../helpers/cli.js";
import { freshDir, makeVenv, ROOT, testEnv } from "../helpers/env.js";

let backendDir: string | undefined;

/** A folder holding pyts_build-<version>-py3-none-any.whl, made by `pyts-build backend-wheel`. */
export function backendWheelDir(): string {
  if (backendDir) return backendDir;
  if (!existsSync(join(ROOT, "dist/bundle/pyts-build.mjs"))) {
    throw new Error("dist/bundle/pyts-build.mjs is missing: run `npm run build` (tsc + python/bundle.mjs)");
  }
  const dir = freshDir("backend-wheel");
  runCliOk(["backend-wheel", "-o", dir]);
  backendDir = dir;
  return dir;
}

export function backendWheel(): string {
  const dir = backendWheelDir();
  const whl = readdirSync(dir).find((f) => f.endsWith(".whl"));
  if (!whl) throw new Error("no backend wheel");
  return join(dir, whl);
}

/** A venv with pip (about 4 s): the python path. */
export function venvWithPip(python: string, name: string, opts: { systemSitePackages?: boolean } = {}): string {
  const dir = join(freshDir(name), "venv");
  if (!opts.systemSitePackages) return makeVenv(python, dir, true);
  execFileSync(python, ["-m", "venv", "--system-site-packages", dir], { env: testEnv(), stdio: "pipe" });
  return join(dir, "bin", "python");
}

export interface Run {
  code: number;
  out: string;
}

/** Run a command hermetically; stdout and stderr together (pip mixes them). */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Run {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: testEnv(opts.env), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

export function runOk(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): string {
  const r = run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${r.out}`);
  return r.out;
}

/** `pip install` that never looks at an index or pip's cache: only the backend wheel folder. */
export function pipInstall(python: string, args: string[], opts: Parameters<typeof run>[2] = {}): string {
  return runOk(python, ["-m", "pip", "install", "--no-cache-dir", "--no-index", "--find-links", backendWheelDir(), ...args], opts);
}
