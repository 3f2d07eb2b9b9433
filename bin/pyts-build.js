#!/usr/bin/env node
// The executable. `npm install` / `npm run build` compile src/ to dist/src and
// also bundle it into one file, dist/bundle/pyts-build.mjs (what the PEP 517
// backend ships). The bundle starts faster (one module to load instead of ~100,
// which matters for no-op rebuilds), so it is used when it was made after the
// last tsc run; otherwise (only tsc was run) the compiled tree is.
import { statSync } from "node:fs";

function mtime(rel) {
  try {
    return statSync(new URL(rel, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
}

const bundle = mtime("../dist/bundle/pyts-build.mjs");
if (bundle > 0 && bundle >= mtime("../dist/src/cli/main.js")) {
  await import("../dist/bundle/pyts-build.mjs"); // runs the CLI itself
} else {
  const { main } = await import("../dist/src/cli/main.js");
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: ${e?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
