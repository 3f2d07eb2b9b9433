/**
 * The offline, hermetic environment shared by the tests (test/helpers/env.ts)
 * and the benchmarks (bench/lib.mjs), so a benchmark measures what the tests
 * check. Plain JavaScript: the benchmarks run on bare Node, which cannot load
 * TypeScript. Test/CI plumbing only; the tool itself knows none of this.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Debian's crate directory (librust-*-dev), standing in for crates.io. */
export const DEBIAN_REGISTRY = "/usr/share/cargo/registry";

/**
 * Make `dir` a CARGO_HOME whose config replaces crates.io by DEBIAN_REGISTRY.
 * @param {string} dir
 * @returns {string} dir
 */
export function writeOfflineCargoHome(dir) {
  mkdirSync(dir, { recursive: true });
  const cfg = join(dir, "config.toml");
  if (!existsSync(cfg)) {
    writeFileSync(cfg, `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "${DEBIAN_REGISTRY}"\n[net]\noffline = true\n`);
  }
  return dir;
}

/**
 * process.env made hermetic: the given CARGO_HOME (unchanged when undefined),
 * pip offline and blind to machine-wide config, rustup's cargo first on PATH;
 * `extra` last (an undefined value removes the variable).
 * @param {string | undefined} cargoHome
 * @param {Record<string, string | undefined>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function hermeticEnv(cargoHome, extra = {}) {
  const env = { ...process.env };
  if (cargoHome) env.CARGO_HOME = cargoHome;
  env.RUSTUP_HOME = process.env.RUSTUP_HOME ?? join(homedir(), ".rustup");
  env.PIP_CONFIG_FILE = "/dev/null";
  env.PIP_NO_INDEX = "1";
  env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
  // Some machines set PIP_FIND_LINKS (a local wheel folder): it must not feed "offline" runs.
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

/** `3.12.10` -> [3, 12, 10]; undefined for names with a suffix (`3.13.0t`, `3.12-dev`). */
function releaseOf(name) {
  return /^\d+(\.\d+)*$/.test(name) ? name.split(".").map(Number) : undefined;
}

function newer(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

/**
 * Real path of CPython `major.minor`: the newest pyenv release of it (numeric
 * order, so 3.12.10 beats 3.12.9; free-threaded and other suffixed builds are
 * skipped), else /usr/bin or /usr/local/bin; undefined if none.
 * @param {string} minor e.g. "3.11"
 * @returns {string | undefined}
 */
export function findCPython(minor) {
  const versions = join(process.env.PYENV_ROOT || join(homedir(), ".pyenv"), "versions");
  if (existsSync(versions)) {
    let best;
    for (const name of readdirSync(versions)) {
      const v = releaseOf(name);
      if (!v || (name !== minor && !name.startsWith(minor + "."))) continue;
      const p = join(versions, name, "bin", "python" + minor);
      if (existsSync(p) && (!best || newer(v, best.v))) best = { v, p };
    }
    if (best) return best.p;
  }
  for (const dir of ["/usr/bin", "/usr/local/bin"]) {
    const p = join(dir, "python" + minor);
    if (existsSync(p)) return p;
  }
  return undefined;
}
