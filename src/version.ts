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

// The CommonJS bundle injected into the standalone executable (src/build/backend/standalone.ts) sets this.
declare const __PYTS_BUILD_STANDALONE__: boolean | undefined;

/** True inside the standalone executable (Node's single-executable application), which needs no Node.js installed. */
export const STANDALONE: boolean = typeof __PYTS_BUILD_STANDALONE__ === "boolean" && __PYTS_BUILD_STANDALONE__;

/** What `--version` prints: the version, and for the standalone executable the Node.js built into it. */
export const VERSION_TEXT: string = STANDALONE ? `${VERSION} (standalone executable, Node.js ${process.versions.node} built in)` : VERSION;
