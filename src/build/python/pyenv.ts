/**
 * pyenv shims, resolved without running them: a shim is a bash script (a
 * `.bat` with pyenv-win) that costs ~0.1 s per call and whose answer depends
 * on PYENV_VERSION and `.python-version` files, so neither its path nor a
 * cache keyed by it is stable. We follow pyenv's own rules to the real
 * executable instead. pyenv-win keeps the same rules in another layout: its
 * root is `~\.pyenv\pyenv-win` (or PYENV_ROOT / PYENV), a version's
 * executables sit in `versions\<v>\` itself (no `bin\`), as `python.exe`.
 */
import { commandFileNames, type Host, pathDirs, thisHost } from "../../host.js";

export function pyenvRoot(env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string | undefined {
  const { path } = host;
  const root = host.platform === "win32" ? env.PYENV_ROOT || env.PYENV || path.join(host.home, ".pyenv", "pyenv-win") : env.PYENV_ROOT || path.join(host.home, ".pyenv");
  const trimmed = root.length > 1 ? root.replace(/[\\/]+$/, "") : root; // pyenv-win's variables end with a separator
  return host.isDir(trimmed) ? trimmed : undefined;
}

/** Whether `file` is a pyenv (or pyenv-virtualenv) shim. */
export function isPyenvShim(file: string, env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): boolean {
  const root = pyenvRoot(env, host);
  if (!root) return false;
  const { path } = host;
  const same = (a: string, b: string) => (host.platform === "win32" ? a.toLowerCase() === b.toLowerCase() : a === b);
  const dir = path.dirname(file);
  return same(dir, path.join(root, "shims")) || (same(dir.slice(0, path.join(root, "plugins").length), path.join(root, "plugins")) && path.basename(dir) === "shims");
}

/** The versions pyenv would try, in order: PYENV_VERSION, a .python-version up the tree, the global version file. */
export function pyenvVersionNames(root: string, cwd: string, env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string[] {
  const { path } = host;
  const parse = (text: string) =>
    text
      .split(/[\s:]+/)
      .map((s) => s.trim())
      .filter((s) => s !== "" && !s.startsWith("#"));
  if (env.PYENV_VERSION) return parse(env.PYENV_VERSION);
  for (let d = path.resolve(cwd); ; d = path.dirname(d)) {
    const text = host.readText(path.join(d, ".python-version"));
    if (text !== undefined) return parse(text);
    if (path.dirname(d) === d) break;
  }
  const global = host.readText(path.join(root, "version"));
  return global !== undefined ? parse(global) : ["system"];
}

/** `3.11` -> the newest installed `3.11.x` (pyenv's prefix resolution). */
function versionDir(root: string, name: string, host: Host): string | undefined {
  const versions = host.path.join(root, "versions");
  const entries = host.listDir(versions);
  if (entries.includes(name)) return host.path.join(versions, name);
  const hits = entries.filter((v) => v.startsWith(name + ".") && /^[\d.]+$/.test(v.slice(name.length + 1)));
  hits.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const best = hits.pop();
  return best ? host.path.join(versions, best) : undefined;
}

/** The folder holding an installed version's executables: `bin/`, or the version's folder itself with pyenv-win. */
export function pyenvBinDir(versionDir: string, host: Host): string {
  return host.platform === "win32" ? versionDir : host.path.join(versionDir, "bin");
}

/** The folders of every installed version's executables, sorted by version name. */
export function pyenvVersionBinDirs(root: string, host: Host = thisHost()): string[] {
  const versions = host.path.join(root, "versions");
  return host
    .listDir(versions)
    .sort()
    .map((v) => pyenvBinDir(host.path.join(versions, v), host));
}

/** The executable for `program` in a version's folder: pyenv-win's have `python.exe` (maybe no `python3.12.exe`). */
function programIn(dir: string, program: string, host: Host): string | undefined {
  if (host.platform !== "win32") {
    const p = host.path.join(dir, program);
    return host.isFile(p) ? p : undefined;
  }
  const names = [`${program}.exe`, ...(/^python3(\.\d+)?$/i.test(program) ? ["python.exe"] : [])];
  return names.map((n) => host.path.join(dir, n)).find((p) => host.isFile(p));
}

/**
 * The executable a shim named `program` would run, or undefined when pyenv's
 * rules give no answer here (then the caller runs the shim and asks Python).
 */
export function resolvePyenvShim(shim: string, cwd: string, env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string | undefined {
  const root = pyenvRoot(env, host);
  if (!root) return undefined;
  // pyenv-win's shims are `python.bat` (cmd) beside `python` (Git Bash)
  const program = host.platform === "win32" ? host.path.basename(shim).replace(/\.(bat|cmd|exe)$/i, "") : host.path.basename(shim);
  for (const name of pyenvVersionNames(root, cwd, env, host)) {
    if (name === "system") {
      const fold = (s: string) => (host.platform === "win32" ? s.toLowerCase() : s);
      for (const dir of pathDirs(env, host.platform)) {
        if (fold(dir).startsWith(fold(root))) continue;
        const p = commandFileNames(program, env, host.platform).map((n) => host.path.join(dir, n)).find((f) => host.isFile(f));
        if (p) return p;
      }
      continue;
    }
    const d = versionDir(root, name, host);
    const p = d ? programIn(pyenvBinDir(d, host), program, host) : undefined;
    if (p) return p;
  }
  return undefined;
}
