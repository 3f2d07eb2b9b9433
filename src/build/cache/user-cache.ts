/** The per-user cache folder of pyts-build (never inside a project). */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** PYTS_BUILD_CACHE_DIR, else XDG_CACHE_HOME or the platform's cache folder, + `pyts-build`. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PYTS_BUILD_CACHE_DIR) return resolve(env.PYTS_BUILD_CACHE_DIR);
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === "darwin" ? join(homedir(), "Library", "Caches") : process.platform === "win32" ? (env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local")) : join(homedir(), ".cache"));
  return join(base, "pyts-build");
}
