import { readFileSync } from "node:fs";

/** The package version, read from package.json next to dist/ or src/. */
function readVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pyts-build" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}

// The bundle (python/bundle.mjs) has no package.json beside it: esbuild writes the version in here.
declare const __PYTS_BUILD_VERSION__: string | undefined;

export const VERSION: string = typeof __PYTS_BUILD_VERSION__ === "string" ? __PYTS_BUILD_VERSION__ : readVersion();
