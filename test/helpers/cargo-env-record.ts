/**
 * Reading back what test/fixtures/cargo-env-probe recorded: its build script
 * writes the variables it received between PYTS-CARGO-ENV-BEGIN/-END lines,
 * and the extension module and program it builds embed that record.
 */
import { execFileSync } from "node:child_process";
import { SYSTEM_PYTHON, testEnv } from "./env.js";

/** The record between the fixture's markers, as `NAME -> value` (absent: unset). */
export function parseRecord(text: string): Record<string, string> {
  const m = /PYTS-CARGO-ENV-BEGIN\n([\s\S]*?)PYTS-CARGO-ENV-END/.exec(text);
  if (!m) throw new Error(`no cargo-env record in:\n${text.slice(0, 500)}`);
  const out: Record<string, string> = {};
  for (const line of (m[1] as string).split("\n").filter(Boolean)) {
    if (line.endsWith(" is unset")) continue;
    const eq = line.indexOf("=");
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** The record embedded in the wheel's extension module or script (read with Python's zipfile). */
export function recordInWheel(wheel: string): Record<string, string> {
  const code = `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    d = z.read(n)
    i = d.find(b"PYTS-CARGO-ENV-BEGIN")
    if i >= 0:
        sys.stdout.write(d[i:d.index(b"PYTS-CARGO-ENV-END", i) + 18].decode())
        break`;
  return parseRecord(execFileSync(SYSTEM_PYTHON, ["-c", code, wheel], { env: testEnv(), encoding: "utf8" }));
}

