/**
 * src/host.ts: what differs between Linux, macOS and Windows. The Windows cases are SIMULATED (this
 * machine is Linux: no cmd.exe, no PATHEXT lookup by the system); they check the rules against
 * Windows' documented behaviour: `Path` as Windows spells it, `;` between folders, PATHEXT, Node's
 * refusal to spawn a `.cmd` without a shell (EINVAL since the CVE-2024-27980 fix) and cmd.exe's
 * quoting. The POSIX cases run for real here.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, posix, win32 } from "node:path";
import { describe, expect, it } from "vitest";
import { PytsError } from "../src/errors.js";
import { batchArgument, commandFileNames, envValue, findProgram, groupSpawnOptions, isPathLike, pathDirs, relativePosix, spawnSpec, thisHost } from "../src/host.js";
import { freshDir } from "./helpers/env.js";
import { simulatedHost } from "./helpers/simulated-host.js";

describe("environment and PATH", () => {
  it("Windows (simulated): `Path` in a copied env is PATH; `;` separates, quotes and empty entries go", () => {
    const env = { Path: 'C:\\Windows\\system32;"C:\\Program Files\\Git\\cmd";;C:\\tools\\' };
    expect(envValue(env, "PATH", "win32")).toBe(env.Path);
    expect(envValue(env, "PATH", "linux")).toBeUndefined(); // case matters elsewhere
    expect(pathDirs(env, "win32")).toEqual(["C:\\Windows\\system32", "C:\\Program Files\\Git\\cmd", "C:\\tools\\"]);
    expect(pathDirs({ PATH: "/usr/bin::/bin" }, "linux")).toEqual(["/usr/bin", "/bin"]);
  });

  it("Windows (simulated): PATHEXT gives the names a command may have; a name with one of its extensions stays", () => {
    expect(commandFileNames("cargo", {}, "win32")).toEqual(["cargo.com", "cargo.exe", "cargo.bat", "cargo.cmd"]);
    expect(commandFileNames("python", { PATHEXT: ".EXE;.PY" }, "win32")).toEqual(["python.exe", "python.py"]);
    expect(commandFileNames("Python.EXE", {}, "win32")).toEqual(["Python.EXE"]);
    expect(commandFileNames("python3.12", {}, "win32")).toEqual(["python3.12.com", "python3.12.exe", "python3.12.bat", "python3.12.cmd"]);
    expect(commandFileNames("python3", {}, "darwin")).toEqual(["python3"]);
  });

  it("Windows (simulated): findProgram takes the first folder, and in it PATHEXT's order (.exe before .cmd)", () => {
    const host = simulatedHost("win32", { "C:\\a\\npm.cmd": "x", "C:\\b\\npm.exe": "x", "C:\\b\\cargo.cmd": "x", "C:\\b\\cargo.exe": "x" }, { home: "C:\\Users\\me" });
    const env = { PATH: "C:\\a;C:\\b" };
    expect(findProgram("npm", env, host)).toBe("C:\\a\\npm.cmd");
    expect(findProgram("cargo", env, host)).toBe("C:\\b\\cargo.exe");
    expect(findProgram("CARGO", env, host)).toBe("C:\\b\\CARGO.exe"); // names ignore case there
    expect(findProgram("rustc", env, host)).toBeUndefined();
  });

  it("POSIX, for real: the executable bit decides", () => {
    const d = freshDir("host-which");
    mkdirSync(join(d, "bin"));
    writeFileSync(join(d, "bin", "tool"), "#!/bin/sh\n");
    writeFileSync(join(d, "bin", "data"), "");
    chmodSync(join(d, "bin", "tool"), 0o755);
    expect(findProgram("tool", { PATH: join(d, "bin") })).toBe(join(d, "bin", "tool"));
    expect(findProgram("data", { PATH: join(d, "bin") })).toBeUndefined();
    expect(thisHost("linux").isExecutable(join(d, "bin", "data"))).toBe(false);
  });

  it("what counts as a path rather than a command name", () => {
    expect(isPathLike("C:\\Python312\\python.exe", "win32")).toBe(true);
    expect(isPathLike("..\\venv\\python", "win32")).toBe(true);
    expect(isPathLike("D:python", "win32")).toBe(true);
    expect(isPathLike("python3.12", "win32")).toBe(false);
    expect(isPathLike("a\\b", "linux")).toBe(false); // a backslash is a file name character there
    expect(isPathLike("./python", "linux")).toBe(true);
  });
});

describe("archive paths", () => {
  it("Windows (simulated): relative paths get `/` between parts, as wheel, RECORD and sdist members need", () => {
    expect(relativePosix("C:\\proj", "C:\\proj\\python\\pkg\\__init__.py", win32)).toBe("python/pkg/__init__.py");
    expect(relativePosix("C:\\proj\\python", "C:\\proj\\python\\pkg\\_native.cp312-win_amd64.pyd", win32)).toBe("pkg/_native.cp312-win_amd64.pyd");
    expect(relativePosix("/proj", "/proj/python/pkg/a.py", posix)).toBe("python/pkg/a.py");
    // a file on another drive has no relative path: absolute, which the callers refuse or treat as outside
    expect(win32.isAbsolute(relativePosix("C:\\proj", "D:\\elsewhere\\LICENSE", win32).split("/").join("\\"))).toBe(true);
  });
});

describe("starting programs", () => {
  it("anything but a Windows batch file starts as it is", () => {
    expect(spawnSpec("cargo", ["build", "--message-format=json"], "linux")).toEqual({ command: "cargo", args: ["build", "--message-format=json"] });
    expect(spawnSpec("C:\\Python312\\python.exe", ["-"], "win32")).toEqual({ command: "C:\\Python312\\python.exe", args: ["-"] });
    expect(spawnSpec("/opt/x/run.cmd", ["-"], "darwin")).toEqual({ command: "/opt/x/run.cmd", args: ["-"] });
  });

  it("Windows (simulated): a .cmd/.bat goes through cmd.exe with every part quoted for it", () => {
    // Node 20.12.2+ refuses spawn("x.cmd") without a shell (EINVAL); cmd.exe /s /c runs the line between the outer quotes
    expect(spawnSpec("C:\\Program Files\\pyenv\\shims\\python.bat", ["-"], "win32")).toEqual({
      command: "cmd.exe",
      args: ["/e:ON", "/v:OFF", "/d", "/s", "/c", '""C:\\Program Files\\pyenv\\shims\\python.bat" -"'],
      verbatim: true,
    });
    expect(spawnSpec("C:\\tools\\cargo.CMD", ["build", "--features", "a b"], "win32").args.at(-1)).toBe('"C:\\tools\\cargo.CMD build --features "a b""');
  });

  it("Windows (simulated): cmd.exe's metacharacters stay inside quotes, no %VARIABLE% expands, quotes are doubled", () => {
    expect(batchArgument("plain-arg_1.0")).toBe("plain-arg_1.0");
    expect(batchArgument("C:\\dir\\file.txt")).toBe("C:\\dir\\file.txt");
    expect(batchArgument("")).toBe('""');
    expect(batchArgument("a&calc")).toBe('"a&calc"');
    expect(batchArgument("x|y>z^(w)")).toBe('"x|y>z^(w)"');
    expect(batchArgument("%PATH%")).toBe('"%%cd:~,%PATH%%cd:~,%"');
    expect(batchArgument('say "hi"')).toBe('"say ""hi"""');
    expect(batchArgument("C:\\dir with space\\")).toBe('"C:\\dir with space\\\\"'); // the closing quote is not escaped
    expect(batchArgument('back\\"quote')).toBe('"back\\\\""quote"');
    expect(() => batchArgument("two\nlines")).toThrow(PytsError);
    expect(() => batchArgument("two\nlines")).toThrow(/line break or NUL, which cmd\.exe cannot pass on/);
  });

  it("POSIX, for real: a child in its own process group; Windows (simulated) keeps the console and hides no window", async () => {
    expect(groupSpawnOptions("win32")).toEqual({ detached: false, windowsHide: true });
    expect(groupSpawnOptions("linux")).toEqual({ detached: true, windowsHide: true });
    const child = spawn("sh", ["-c", "ps -o pgid= -p $$"], { ...groupSpawnOptions("linux"), stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.once("close", r));
    expect(Number(out.trim())).toBe(child.pid);
  });
});
