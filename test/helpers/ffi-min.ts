/** Shared by the tests of the no-op paths (cargo-fresh, replay) on the ffi-min fixture. */
import { readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { py } from "./env.js";

/**
 * Date the files of `dir` changed in the last 10 s a minute back, as if they were
 * edited long ago (the no-op paths remember nothing younger than 2 s). Only those:
 * moving a date is a change too. Cargo judges by dates as well, so an edit must be
 * built once before it is dated back, or cargo would not see it.
 */
export function dateBack(dir: string): void {
  const past = new Date(Date.now() - 60_000);
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const f = join(e.parentPath, e.name);
    if (e.isFile() && statSync(f).mtimeMs > Date.now() - 10_000) utimesSync(f, past, past);
  }
}

/** What `ffi_min.answer()` returns from the wheel, unpacked into a fresh folder under `scratch`. */
export function ffiMinAnswer(python: string, wheel: string, scratch: string): string {
  const site = join(scratch, `site-${Math.random().toString(36).slice(2)}`);
  py(python, `import zipfile; zipfile.ZipFile(${JSON.stringify(wheel)}).extractall(${JSON.stringify(site)})`);
  return py(python, "import ffi_min; print(ffi_min.answer())", { PYTHONPATH: site }).trim();
}
