/**
 * Test plumbing shared by all test files: where the offline crate source is,
 * which interpreters this machine has, hermetic environments for cargo and pip.
 * None of this is known to the tool itself.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { homedir } from "node:os";

export const ROOT = resolve(import.meta.dirname, "../..");
export const WORK = join(ROOT, "test/.work");
export const CLI = join(ROOT, "bin/pyts-build.js");
export const DEBIAN_REGISTRY = "/usr/share/cargo/registry";
export const OFFLINE_CARGO_HOME = join(WORK, "cargo-home");

/** A CARGO_HOME whose config replaces crates.io by Debian's crate directory. */
export function ensureOfflineCargoHome(): string {
  mkdirSync(OFFLINE_CARGO_HOME, { recursive: true });
  const cfg = join(OFFLINE_CARGO_HOME, "config.toml");
  if (!existsSync(cfg)) {
    writeFileSync(
      cfg,
      `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "${DEBIAN_REGISTRY}"\n` +
        `[net]\noffline = true\n`,
    );
  }
  return OFFLINE_CARGO_HOME;
}

/** Environment for running the CLI / cargo / pip hermetically. */
export function testEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  env.CARGO_HOME = ensureOfflineCargoHome();
  env.RUSTUP_HOME = process.env.RUSTUP_HOME ?? join(homedir(), ".rustup");
  env.PIP_CONFIG_FILE = "/dev/null";
  env.PIP_NO_INDEX = "1";
  env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
  // This machine sets PIP_FIND_LINKS=/opt/wheels: a local wheel folder must not feed "offline" tests.
  delete env.PIP_FIND_LINKS;
  env.NO_COLOR = "1";
  delete env.VIRTUAL_ENV;
  delete env.PYO3_PYTHON;
  const cargoBin = join(homedir(), ".cargo/bin");
  if (!(env.PATH ?? "").split(":").includes(cargoBin)) env.PATH = `${cargoBin}:${env.PATH ?? ""}`;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function pyenvRoot(): string | undefined {
  if (process.env.PYENV_ROOT) return process.env.PYENV_ROOT;
  const guess = join(homedir(), ".pyenv");
  return existsSync(guess) ? guess : undefined;
}

/** Real path of a CPython `major.minor` from pyenv (or PATH), undefined if absent. */
export function cpython(minor: string): string | undefined {
  const root = pyenvRoot();
  if (root && existsSync(join(root, "versions"))) {
    const hit = readdirSync(join(root, "versions"))
      .filter((v) => v === minor || v.startsWith(minor + "."))
      .sort()
      .pop();
    if (hit) {
      const p = join(root, "versions", hit, "bin", "python" + minor);
      if (existsSync(p)) return p;
    }
  }
  for (const dir of ["/usr/bin", "/usr/local/bin"]) {
    const p = join(dir, "python" + minor);
    if (existsSync(p)) return p;
  }
  return undefined;
}

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
