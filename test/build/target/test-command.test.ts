/**
 * `--test-command` (src/build/target/test-command.ts): the pure parts (Windows hosts simulated), and a host build of the
 * dependency-free ffi-min fixture tested natively (a passing and a failing command). Foreign targets
 * under qemu are in test/e2e/cross.test.ts.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installPath, interpreterCommand, interpreterShims, qemuArch, shellSpawn, testEnv } from "../../../src/build/target/test-command.js";
import { describeTargetPython } from "../../../src/build/target/target-python.js";
import { parseTriple } from "../../../src/build/target/triple.js";
import { runCli } from "../../helpers/cli.js";
import { cpython, freshDir, ROOT } from "../../helpers/env.js";
import { fakeInterpreter } from "../../helpers/interpreter-info.js";
import { expectUserError } from "../../e2e/wheel-helpers.js";

describe("pieces", () => {
  it("install paths: the root and purelib/platlib on PYTHONPATH, scripts on PATH, the rest left out", () => {
    expect(installPath("m/__init__.py")).toBe("site/m/__init__.py");
    expect(installPath("m-1.0.dist-info/METADATA")).toBe("site/m-1.0.dist-info/METADATA");
    expect(installPath("m-1.0.data/platlib/x.so")).toBe("site/x.so");
    expect(installPath("m-1.0.data/scripts/tool")).toBe("bin/tool");
    expect(installPath("m-1.0.data/headers/m.h")).toBeUndefined();
  });

  it("the python launchers and the shell: sh on POSIX; on a Windows host (simulated: this machine is Linux) .cmd files and cmd.exe", () => {
    expect(interpreterShims(["/usr/bin/qemu-aarch64-static", "-L", "/r oot", "/r oot/usr/bin/python3.11"], "linux")).toEqual(
      ["python", "python3"].map((name) => ({ name, text: `#!/bin/sh\nexec '/usr/bin/qemu-aarch64-static' '-L' '/r oot' '/r oot/usr/bin/python3.11' "$@"\n` })),
    );
    // cmd finds python.cmd through PATHEXT; inside a batch file % is doubled
    expect(interpreterShims(["C:\\Program Files\\Python 100%\\python.exe"], "win32")).toEqual(
      ["python.cmd", "python3.cmd"].map((name) => ({ name, text: '@"C:\\Program Files\\Python 100%%\\python.exe" %*\r\n' })),
    );
    expect(shellSpawn("python -m pytest tests", {}, "linux")).toEqual({ file: "/bin/sh", args: ["-c", "python -m pytest tests"], verbatim: false });
    expect(shellSpawn('python -c "import m"', { COMSPEC: "C:\\Windows\\system32\\cmd.exe" }, "win32")).toEqual({
      file: "C:\\Windows\\system32\\cmd.exe",
      args: ["/d", "/s", "/c", '"python -c "import m""'],
      verbatim: true,
    });
    expect(shellSpawn("python -V", {}, "win32").file).toBe("cmd.exe");
  });

  it("the environment: the launchers first on PATH and the wheel first on PYTHONPATH, under the name the environment uses", () => {
    expect(testEnv({ PATH: "/usr/bin", HOME: "/h" }, "/t/bin", "/t/site", "linux")).toEqual({ PATH: "/t/bin:/usr/bin", PYTHONPATH: "/t/site", HOME: "/h" });
    expect(testEnv({}, "/t/bin", "/t/site", "linux")).toEqual({ PATH: "/t/bin", PYTHONPATH: "/t/site" });
    // a copied Windows environment spells it Path: one variable, never Path and PATH side by side
    expect(testEnv({ Path: "C:\\Windows", PythonPath: "C:\\lib" }, "C:\\t\\bin", "C:\\t\\site", "win32")).toEqual({ Path: "C:\\t\\bin;C:\\Windows", PythonPath: "C:\\t\\site;C:\\lib" });
  });

  it("qemu's architecture names", () => {
    expect(["aarch64-unknown-linux-gnu", "armv7-unknown-linux-gnueabihf", "i686-unknown-linux-gnu", "powerpc64le-unknown-linux-gnu"].map((t) => qemuArch(parseTriple(t)))).toEqual(["aarch64", "arm", "i386", "ppc64le"]);
  });

  it("how the interpreter runs: the host's directly; a foreign one under qemu with its root, or a one-line reason to skip", () => {
    expect(interpreterCommand(fakeInterpreter(12), { env: {} })).toEqual({ argv: ["/py/3.12"] });
    const win = describeTargetPython("python3.11", parseTriple("x86_64-pc-windows-msvc"));
    expect(interpreterCommand(win, { env: {} })).toEqual({ skip: "x86_64-pc-windows-msvc wheels cannot run on this machine" });
    const arm = describeTargetPython("python3.11", parseTriple("aarch64-unknown-linux-gnu"));
    expect(interpreterCommand(arm, { env: {} })).toEqual({ skip: "no aarch64-unknown-linux-gnu Python to test with (give its root folder with --test-python-root)" });
    const root = freshDir("test-command-root");
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    const bin = freshDir("test-command-bin");
    expect(interpreterCommand(arm, { env: { PATH: bin }, pythonRoot: root })).toMatchObject({ skip: expect.stringMatching(/^no qemu-aarch64\(-static\) on PATH/) });
    writeFileSync(join(bin, "qemu-aarch64-static"), "#!/bin/sh\n");
    chmodSync(join(bin, "qemu-aarch64-static"), 0o755);
    expect(() => interpreterCommand(arm, { env: { PATH: bin }, pythonRoot: root })).toThrow(/--test-python-root .* has no python3\.11 \(looked in usr\/bin/);
    writeFileSync(join(root, "usr/bin/python3.13"), "");
    chmodSync(join(root, "usr/bin/python3.13"), 0o755);
    expect(interpreterCommand(arm, { env: { PATH: bin }, pythonRoot: root, abi3: true })).toEqual({ argv: [join(bin, "qemu-aarch64-static"), "-L", root, join(root, "usr/bin/python3.13")] });
  });
});

const python = cpython("3.11");
describe.skipIf(!python)("a host build tested natively", () => {
  const project = join(freshDir("test-command"), "p");
  cpSync(join(ROOT, "test/fixtures/ffi-min"), project, { recursive: true, filter: (f) => !/[\\/](target|Cargo\.lock)$/.test(f) });
  const out = join(project, "out");
  const wheel = (command: string) => runCli(["wheel", "-m", join(project, "Cargo.toml"), "-i", python as string, "-o", out, "--test-command", command]);

  it("the command runs with the wheel importable and python being the build's interpreter; the wheel is kept", () => {
    const r = wheel(`python -c "import ffi_min, sys; print('answer', ffi_min.answer(), sys.version_info[:2] == (3, 11))"`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("answer 42 True");
    expect(r.stdout.trim()).toMatch(/ffi_min-0\.2\.0-cp311-cp311-.*\.whl$/);
    expect(existsSync(r.stdout.trim())).toBe(true);
  });

  it("a failing command fails the build and leaves no wheel", () => {
    const r = wheel("python -c 'import ffi_min; raise SystemExit(2)'");
    expectUserError(r, /the test command failed \(exit code 2\) for ffi_min-0\.2\.0-cp311-cp311-.*\.whl: it is not kept/);
    expect(readdirSync(out).filter((f) => f.endsWith(".whl"))).toEqual([]);
  });
});
