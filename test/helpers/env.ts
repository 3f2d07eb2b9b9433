/**
 * Test plumbing shared by all test files: where the offline crate source is,
 * which interpreters this machine has, hermetic environments for cargo and pip.
 * None of this is known to the tool itself.
 */
import { existsSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { DEBIAN_REGISTRY, findCPython, hermeticEnv, writeOfflineCargoHome } from "./hermetic.mjs";

export const ROOT = resolve(import.meta.dirname, "../..");
export const WORK = join(ROOT, "test/.work");
export const CLI = join(ROOT, "bin/pyts-build.js");
export { DEBIAN_REGISTRY };
export const OFFLINE_CARGO_HOME = join(WORK, "cargo-home");

/** A CARGO_HOME whose config replaces crates.io by Debian's crate directory. */
export function ensureOfflineCargoHome(): string {
  return writeOfflineCargoHome(OFFLINE_CARGO_HOME);
}

/** Environment for running the CLI / cargo / pip hermetically. */
export function testEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // the user cache inside the work folder (vitest.config.ts sets the same for in-process calls)
  return hermeticEnv(ensureOfflineCargoHome(), { PYTS_BUILD_CACHE_DIR: join(WORK, "user-cache"), ...extra });
}

/** Real path of a CPython `major.minor` (the newest pyenv release, else /usr/bin), undefined if absent. */
export { findCPython as cpython };

export function pypy(): string | undefined {
  return ["/usr/bin/pypy3"].find((p) => existsSync(p));
}

/** Debian's python3 carries installer, build, twine, wheel. */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** Make a throwaway venv (no pip) fast; install wheels into it with `installWheel`. */
export function makeVenv(python: string, dir: string, withPip = false): string {
  const args = ["-m", "venv", ...(withPip ? [] : ["--without-pip"]), dir];
  execFileSync(python, args, { env: testEnv(), stdio: "pipe" });
  return join(dir, "bin", "python");
}

/** `python -m installer` (Debian's, verifies RECORD) into a venv made by makeVenv. */
export function installWheel(venvPython: string, wheel: string): void {
  execFileSync(venvPython, ["-m", "installer", wheel], {
    env: testEnv({ PYTHONPATH: "/usr/lib/python3/dist-packages" }),
    stdio: "pipe",
  });
}

/** Run Python code in an interpreter, return trimmed stdout. */
export function py(python: string, code: string, env: Record<string, string | undefined> = {}): string {
  return execFileSync(python, ["-c", code], { env: testEnv(env), encoding: "utf8" }).trim();
}

/**
 * pkginfo >= 1.10 for twine: Debian 12's twine reads metadata through pkginfo 1.8,
 * which rejects Metadata-Version 2.4 outright. .ci/pkginfo.sh fetches Debian
 * trixie's pkginfo here; twine picks it up from PYTHONPATH.
 */
export const NEWER_PKGINFO = join(WORK, "pkginfo/usr/lib/python3/dist-packages");

/** `twine check --strict` on a distribution; throws with twine's output on failure. */
export function twineCheck(file: string): void {
  if (!existsSync(join(NEWER_PKGINFO, "pkginfo"))) {
    throw new Error(`${NEWER_PKGINFO} is missing: run \`bash -c 'source .ci/containers.sh; source .ci/pkginfo.sh; ci_fetch_pkginfo'\` (.ci/run does it)`);
  }
  try {
    execFileSync("twine", ["check", "--strict", file], { env: testEnv({ PYTHONPATH: NEWER_PKGINFO }), encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`twine check --strict ${file} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

export function freshDir(name: string): string {
  const d = join(WORK, name + "-" + process.pid + "-" + Math.random().toString(36).slice(2, 8));
  mkdirSync(d, { recursive: true });
  return d;
}
