/**
 * Which virtualenv `develop` installs into, and its python, on a SIMULATED Windows host (this machine is
 * Linux: test/helpers/simulated-host.ts holds a Windows file tree), where a venv keeps its python in
 * `Scripts\python.exe`, not `bin/python`; and on this machine for real.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findVirtualenv, venvPython } from "../../../src/build/backend/develop.js";
import { InterpreterError } from "../../../src/errors.js";
import { freshDir, SYSTEM_PYTHON } from "../../helpers/env.js";
import { simulatedHost } from "../../helpers/simulated-host.js";

describe("develop's virtualenv", () => {
  const win = simulatedHost(
    "win32",
    { "C:\\proj\\.venv\\Scripts\\python.exe": "x", "C:\\proj\\.venv\\pyvenv.cfg": { text: "home = C:\\Python312\n" }, "C:\\envs\\other\\Scripts\\python.exe": "x", "C:\\envs\\other\\pyvenv.cfg": { text: "" }, "C:\\envs\\posix-layout\\bin\\python": "x", "C:\\envs\\posix-layout\\pyvenv.cfg": { text: "" } },
    { home: "C:\\Users\\me" },
  );

  it("Windows (simulated): Scripts\\python.exe, from VIRTUAL_ENV, --venv or the project's .venv", () => {
    expect(venvPython("C:\\proj\\.venv", win)).toBe("C:\\proj\\.venv\\Scripts\\python.exe");
    expect(findVirtualenv({ cwd: "C:\\proj\\sub", env: {}, projectDir: "C:\\proj", host: win })).toBe("C:\\proj\\.venv");
    expect(findVirtualenv({ cwd: "C:\\proj", env: { VIRTUAL_ENV: "C:\\envs\\other" }, host: win })).toBe("C:\\envs\\other");
    expect(findVirtualenv({ cwd: "C:\\envs", venv: "other", env: {}, host: win })).toBe("C:\\envs\\other");
  });

  it("Windows (simulated): a folder with bin/python is no Windows venv, and the hint names Windows' activate", () => {
    expect(() => findVirtualenv({ cwd: "C:\\", venv: "C:\\envs\\posix-layout", env: {}, host: win })).toThrow(/no C:\\envs\\posix-layout\\Scripts\\python\.exe or pyvenv\.cfg/);
    let err: unknown;
    try {
      findVirtualenv({ cwd: "C:\\elsewhere", env: {}, host: win });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InterpreterError);
    expect((err as InterpreterError).hint).toBe("activate one (.venv\\Scripts\\activate), or create it: python -m venv .venv");
  });

  it("this machine, for real: bin/python", () => {
    const d = freshDir("develop-venv");
    mkdirSync(join(d, ".venv", "bin"), { recursive: true });
    symlinkSync(SYSTEM_PYTHON, join(d, ".venv", "bin", "python"));
    writeFileSync(join(d, ".venv", "pyvenv.cfg"), "");
    expect(findVirtualenv({ cwd: d, env: {} })).toBe(join(d, ".venv"));
    expect(venvPython(join(d, ".venv"))).toBe(join(d, ".venv", "bin", "python"));
  });
});
