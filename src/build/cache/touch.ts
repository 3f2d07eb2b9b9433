/** Fresh mtimes for an unpacked sdist (see touchTree). */
import { readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";

/**
 * Give every file below `dir` the current time. An sdist's files all carry one
 * fixed old mtime, and cargo records a path crate's sources relative to the crate,
 * so with a persistent target folder a rebuilt sdist of the same version at a new
 * place would look older than the last build and pass for fresh. Touched, the
 * project's own crates always compile again; registry crates stay reused.
 */
export function touchTree(dir: string, now = new Date()): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) touchTree(p, now);
    else if (e.isFile()) utimesSync(p, now, now);
  }
}
