/**
 * The PEP 517 shim (python/pyts_build/_runner.py) reads the CLI's output as UTF-8, which Node.js writes
 * whatever the locale. On Windows, Python's default for a pipe is the ANSI code page (cp1252 and the
 * like); that host is SIMULATED here by an ASCII locale (LC_ALL=C without PEP 538's coercion), which
 * fails on the same bytes: a non-ASCII path in the CLI's error line. A stand-in CLI (a Python script
 * named by PYTS_BUILD_CLI, run by PYTS_BUILD_NODE) prints it.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDir, ROOT, SYSTEM_PYTHON } from "../../helpers/env.js";

describe("the backend shim's reading of the CLI", () => {
  it("a non-ASCII path in the CLI's error reaches the frontend's message under a non-UTF-8 locale", () => {
    const d = freshDir("shim-encoding");
    const cli = join(d, "fake_cli.py");
    writeFileSync(cli, 'import sys\nsys.stderr.buffer.write("error: cannot write C:\\\\Users\\\\Jos\\u00e9\\\\wheelhouse: permission denied\\n".encode("utf-8"))\nsys.exit(1)\n');
    const out = execFileSync(SYSTEM_PYTHON, ["-c", `import pyts_build._runner as r\ntry:\n    r.run_hook("build_sdist", ${JSON.stringify(d)})\nexcept SystemExit as e:\n    print(ascii(str(e)))\n`], {
      env: { PATH: process.env.PATH, LC_ALL: "C", PYTHONCOERCECLOCALE: "0", PYTHONUTF8: "0", PYTHONPATH: join(ROOT, "python"), PYTS_BUILD_NODE: SYSTEM_PYTHON, PYTS_BUILD_CLI: cli },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out.trim()).toBe(String.raw`'pyts-build: build_sdist failed (exit code 1): cannot write C:\\Users\\Jos\xe9\\wheelhouse: permission denied'`);
  });
});
