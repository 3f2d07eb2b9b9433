/**
 * pyenv shims, resolved without running them: a shim is a bash script that
 * costs ~0.1 s per call and whose answer depends on PYENV_VERSION and
 * `.python-version` files, so neither its path nor a cache keyed by it is
 * stable. We follow pyenv's own rules to the real executable instead.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

export function pyenvRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = env.PYENV_ROOT || join(homedir(), ".pyenv");
  return existsSync(root) ? root : undefined;
}

/** Whether `path` is a pyenv (or pyenv-virtualenv) shim. */
export function isPyenvShim(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const root = pyenvRoot(env);
  if (!root) return false;
  const dir = dirname(path);
  return dir === join(root, "shims") || (dir.startsWith(join(root, "plugins")) && basename(dir) === "shims");
}

/** The versions pyenv would try, in order: PYENV_VERSION, a .python-version up the tree, the global version file. */
export function pyenvVersionNames(root: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const parse = (text: string) =>
    text
      .split(/[\s:]+/)
      .map((s) => s.trim())
      .filter((s) => s !== "" && !s.startsWith("#"));
  if (env.PYENV_VERSION) return parse(env.PYENV_VERSION);
  for (let d = resolve(cwd); ; d = dirname(d)) {
    const f = join(d, ".python-version");
    if (existsSync(f)) return parse(readFileSync(f, "utf8"));
    if (dirname(d) === d) break;
  }
  const global = join(root, "version");
  return existsSync(global) ? parse(readFileSync(global, "utf8")) : ["system"];
}

/** `3.11` -> the newest installed `3.11.x` (pyenv's prefix resolution). */
function versionDir(root: string, name: string): string | undefined {
  const versions = join(root, "versions");
  if (existsSync(join(versions, name))) return join(versions, name);
  let entries: string[] = [];
  try {
    entries = readdirSync(versions);
  } catch {
    return undefined;
  }
  const hits = entries.filter((v) => v.startsWith(name + ".") && /^[\d.]+$/.test(v.slice(name.length + 1)));
  hits.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const best = hits.pop();
  return best ? join(versions, best) : undefined;
}

/**
 * The executable a shim named `program` would run, or undefined when pyenv's
 * rules give no answer here (then the caller runs the shim and asks Python).
 */
export function resolvePyenvShim(shim: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = pyenvRoot(env);
  if (!root) return undefined;
  const program = basename(shim);
  for (const name of pyenvVersionNames(root, cwd, env)) {
    if (name === "system") {
      for (const dir of (env.PATH ?? "").split(":")) {
        if (dir === "" || dir.startsWith(root)) continue;
        const p = join(dir, program);
        if (existsSync(p)) return p;
      }
      continue;
    }
    const d = versionDir(root, name);
    if (d && existsSync(join(d, "bin", program))) return join(d, "bin", program);
  }
  return undefined;
}
