/**
 * The cross-compilation setup .ci/cross.sh makes (Debian's cross rustc, cross gcc, qemu, an aarch64
 * CPython), found through the file it writes: `$PYTS_CROSS_DIR/env.sh`, else `.cross/env.sh` in the
 * checkout. In CI (CI=true) a missing setup is a failure; elsewhere the tests skip with the reason.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./env.js";

export interface CrossSetup {
  /** A rustc with the foreign standard libraries (RUSTC for cargo). */
  rustc: string;
  targets: string[];
  /** The folder holding an aarch64 usr/bin/python3.11. */
  aarch64Root: string;
}

/** The setup, or why there is none (a skip reason). Throws in CI. */
export function crossSetup(): CrossSetup | string {
  const file = join(process.env.PYTS_CROSS_DIR ?? join(ROOT, ".cross"), "env.sh");
  let why: string | undefined;
  let vars: Record<string, string> = {};
  if (!existsSync(file)) why = `no ${file}: run .ci/cross.sh (as root) for the cross-compilation tests`;
  else {
    vars = Object.fromEntries([...readFileSync(file, "utf8").matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1] as string, m[2] as string]));
    const rustc = vars.PYTS_CROSS_RUSTC ?? "";
    const root = vars.PYTS_CROSS_AARCH64_ROOT ?? "";
    if (!existsSync(rustc)) why = `${file} names rustc ${rustc}, which is missing: run .ci/cross.sh again`;
    else if (!existsSync(join(root, "usr/bin/python3.11"))) why = `${file} names an aarch64 root ${root} without usr/bin/python3.11: run .ci/cross.sh again`;
  }
  if (why !== undefined) {
    if (process.env.CI) throw new Error(`cross-compilation setup missing in CI: ${why}`);
    return why;
  }
  return { rustc: vars.PYTS_CROSS_RUSTC as string, targets: (vars.PYTS_CROSS_TARGETS ?? "").split(" ").filter(Boolean), aarch64Root: vars.PYTS_CROSS_AARCH64_ROOT as string };
}
