/**
 * The standalone executable and its backend wheel, built ONCE per change of
 * what goes into them (a 99 MB copy of node takes ~6 s to inject and ~5 s to
 * zip): cached under test/.work/standalone/<hash of bundle, shim and node>/ and
 * shared by every test file (and bench/standalone.mjs) that needs them.
 * Also: a PATH with everything a build needs except Node.js.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runCliOk } from "./cli.js";
import { freshDir, ROOT, WORK } from "./env.js";

const BUNDLE_DIR = join(ROOT, "dist/bundle");
const SHIM_DIR = join(ROOT, "python/pyts_build");

/** Hash of everything the executable and wheel are made of. */
export function standaloneKey(): string {
  const h = createHash("sha256");
  for (const f of ["pyts-build-sea.cjs", "pyts-build.mjs"]) {
    const p = join(BUNDLE_DIR, f);
    if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run build\` (tsc + python/bundle.mjs)`);
    h.update(f).update(readFileSync(p));
  }
  for (const f of readdirSync(SHIM_DIR).filter((n) => n.endsWith(".py")).sort()) h.update(f).update(readFileSync(join(SHIM_DIR, f)));
  h.update(process.execPath).update(process.version);
  return h.digest("hex").slice(0, 16);
}

function cacheDir(): string {
  const key = standaloneKey();
  const root = join(WORK, "standalone");
  const d = join(root, key);
  if (!existsSync(d)) {
    // ~135 MB per key: drop the ones older bundles made
    if (existsSync(root)) for (const old of readdirSync(root)) if (old !== key) rmSync(join(root, old), { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  return d;
}

/** Build into a private temp folder, then rename into place: concurrent test files never see half a file. */
function cached(final: string, make: (tmpDir: string) => string): string {
  if (existsSync(final)) return final;
  const tmp = freshDir("standalone-tmp");
  try {
    const made = make(tmp);
    try {
      renameSync(made, final);
    } catch (e) {
      if (!existsSync(final)) throw e; // else another test file got there first
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return final;
}

/** The standalone executable, made by `pyts-build standalone`. */
export function standaloneExecutable(): string {
  return cached(join(cacheDir(), "pyts-build"), (tmp) => runCliOk(["standalone", "-o", join(tmp, "pyts-build")]).stdout.trim());
}

/** A folder holding only the standalone backend wheel, made by `pyts-build backend-wheel --standalone --executable`. */
export function standaloneWheelDir(): string {
  const exe = standaloneExecutable();
  return cached(join(cacheDir(), "wheelhouse"), (tmp) => {
    const dir = join(tmp, "wheelhouse");
    runCliOk(["backend-wheel", "--standalone", "--executable", exe, "-o", dir]);
    return dir;
  });
}

export function standaloneWheel(): string {
  const dir = standaloneWheelDir();
  const whl = readdirSync(dir).find((f) => f.endsWith(".whl"));
  if (!whl) throw new Error(`no wheel in ${dir}`);
  return join(dir, whl);
}

const NODE_NAMES = new Set(["node", "nodejs", "npm", "npx", "corepack"]);

/**
 * A PATH with rustup's cargo and every program of /usr/bin and /usr/local/bin
 * (cc, ld, sh ...) except Node.js (/bin is /usr/bin on Debian, so it cannot
 * simply be left on). Throws if node is still found through it.
 */
export function pathWithoutNode(): string {
  const farm = join(WORK, "no-node-bin");
  if (!existsSync(farm)) {
    const tmp = freshDir("no-node-bin");
    for (const dir of ["/usr/local/bin", "/usr/bin"]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (NODE_NAMES.has(name) || existsSync(join(tmp, name))) continue;
        symlinkSync(join(dir, name), join(tmp, name));
      }
    }
    try {
      renameSync(tmp, farm);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another test file made it first
    }
  }
  const path = `${join(homedir(), ".cargo/bin")}:${farm}`;
  const probe = spawnSync("/bin/sh", ["-c", "command -v node"], { env: { PATH: path }, encoding: "utf8" });
  if (probe.status === 0) throw new Error(`node is still on the PATH built without it: ${probe.stdout.trim()}`);
  return path;
}
