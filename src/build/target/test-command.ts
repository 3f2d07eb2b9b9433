/**
 * `--test-command`: each built wheel installed into a throwaway environment of
 * its target interpreter, and the command run there (cibuildwheel's
 * test-command). The environment is a folder holding the wheel's files at
 * their install paths, on PYTHONPATH, and a `python` on PATH that runs the
 * interpreter: this machine's own for a host build, the target's under
 * `qemu-<arch>` (with the target's root folder as its `-L`) for a foreign
 * Linux build whose root is given; anything else is skipped with a note.
 * The command runs in the platform's shell, as cibuildwheel runs it: /bin/sh,
 * or cmd.exe on Windows (where `python` is a `.cmd` launcher found through PATHEXT).
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTempDir, removeTemp, trackChild } from "../../cleanup.js";
import { ConfigError, PytsError } from "../../errors.js";
import { isExecutableFile, which } from "../../fs-util.js";
import { envValue, groupSpawnOptions, pathOf } from "../../host.js";
import type { Logger } from "../../log.js";
import { WheelReader } from "../../wheel/reader.js";
import type { InterpreterInfo } from "../python/interpreter-info.js";
import { parseTriple, type TargetTriple } from "./triple.js";

export interface TestCommandOptions {
  command: string;
  /** Where the command runs, and what `{project}` stands for. */
  projectDir: string;
  /** A foreign Linux target's root folder (`--test-python-root`, PYTS_BUILD_TEST_PYTHON_ROOT). */
  pythonRoot?: string;
  /** The wheel is abi3: any CPython from the interpreter's version up may test it. */
  abi3?: boolean;
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** A failing test command: the wheel it tested is not kept. */
export class TestCommandError extends PytsError {}

/** qemu-user's name for the target's architecture. */
export function qemuArch(t: TargetTriple): string {
  return ({ armv7: "arm", arm: "arm", i686: "i386", ppc64le: "ppc64le", ppc64: "ppc64" } as Record<string, string>)[t.arch] ?? t.arch;
}

/** The command line that runs the target's interpreter here, or why it cannot (a one-line note). */
export function interpreterCommand(interp: InterpreterInfo, o: { pythonRoot?: string; env: NodeJS.ProcessEnv; abi3?: boolean }): { argv: string[] } | { skip: string } {
  if (interp.described === undefined) return { argv: [interp.executable] };
  const t = parseTriple(interp.described);
  if (t.system !== "linux") return { skip: `${t.triple} wheels cannot run on this machine` };
  const root = o.pythonRoot ?? (o.env.PYTS_BUILD_TEST_PYTHON_ROOT || undefined);
  if (root === undefined) return { skip: `no ${t.triple} Python to test with (give its root folder with --test-python-root)` };
  const qemu = [`qemu-${qemuArch(t)}-static`, `qemu-${qemuArch(t)}`].map((q) => which(q, o.env)).find((q) => q !== undefined);
  if (!qemu) return { skip: `no qemu-${qemuArch(t)}(-static) on PATH to run ${t.triple} programs (Debian/Ubuntu: apt-get install qemu-user-static)` };
  const name = `${interp.implementation === "pypy" ? "pypy" : "python"}${interp.major}.${interp.minor}`;
  const dirs = ["usr/bin", "usr/local/bin", "bin"].map((d) => join(root, d));
  // an abi3 wheel runs on its minimum version or any newer CPython: the newest the root has
  const names = o.abi3 ? Array.from({ length: 20 }, (_, i) => `python${interp.major}.${interp.minor + 19 - i}`) : [name];
  const exe = names.flatMap((n) => dirs.map((d) => join(d, n))).find(isExecutableFile);
  if (!exe) throw new ConfigError(`--test-python-root ${root} has no ${name}${o.abi3 ? " or newer" : ""} (looked in usr/bin, usr/local/bin, bin)`, `unpack the target's ${name} there, or point the option at the folder that has it`);
  return { argv: [qemu, "-L", root, exe] };
}

/** Where each wheel member goes in the throwaway environment: `site/` (purelib, platlib), `bin/` (scripts); headers and data are left out. */
export function installPath(name: string): string | undefined {
  const data = /^[^/]+\.data\/([^/]+)\/(.+)$/.exec(name);
  if (!data) return name.endsWith("/") ? undefined : `site/${name}`;
  const [, kind, rest] = data as unknown as [string, string, string];
  if (kind === "purelib" || kind === "platlib") return `site/${rest}`;
  if (kind === "scripts") return `bin/${rest}`;
  return undefined;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The `python` and `python3` launchers put first on PATH, running `argv` with the
 * command's arguments: sh scripts, or on Windows `.cmd` files (inside a batch
 * file `%` is written `%%`; a Windows path holds no `"`). Pure.
 */
export function interpreterShims(argv: readonly string[], platform: NodeJS.Platform = process.platform): Array<{ name: string; text: string }> {
  if (platform === "win32") {
    const line = `@${argv.map((a) => `"${a.replace(/%/g, "%%")}"`).join(" ")} %*\r\n`;
    return ["python.cmd", "python3.cmd"].map((name) => ({ name, text: line }));
  }
  const shim = `#!/bin/sh\nexec ${argv.map(quote).join(" ")} "$@"\n`;
  return ["python", "python3"].map((name) => ({ name, text: shim }));
}

/**
 * `env` for the test command: `bin` first on PATH and `site` first on PYTHONPATH, each
 * under the name the environment already uses (Windows reads `Path` and `PATH` as one,
 * and two spellings in one environment would leave which wins to chance). Pure.
 */
export function testEnv(env: NodeJS.ProcessEnv, bin: string, site: string, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const out = { ...env };
  const prepend = (name: string, dir: string) => {
    const keys = Object.keys(out).filter((k) => (platform === "win32" ? k.toUpperCase() === name : k === name));
    const old = envValue(env, name, platform);
    for (const k of keys) delete out[k];
    out[keys[0] ?? name] = old ? `${dir}${pathOf(platform).delimiter}${old}` : dir;
  };
  prepend("PATH", bin);
  prepend("PYTHONPATH", site);
  return out;
}

/** How the user's command line runs: `/bin/sh -c`, or on Windows `cmd.exe /d /s /c "<line>"` (passed verbatim: cmd.exe parses it itself). Pure. */
export function shellSpawn(command: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): { file: string; args: string[]; verbatim: boolean } {
  if (platform === "win32") return { file: envValue(env, "ComSpec", platform) || "cmd.exe", args: ["/d", "/s", "/c", `"${command}"`], verbatim: true };
  return { file: "/bin/sh", args: ["-c", command], verbatim: false };
}

async function unpack(wheel: string, dir: string): Promise<void> {
  const reader = await WheelReader.open(wheel);
  try {
    for (const e of reader.entries) {
      const to = installPath(e.name);
      if (to === undefined || e.isDirectory) continue;
      await reader.extractTo(e.name, join(dir, to));
      if (e.executable || to.startsWith("bin/")) chmodSync(join(dir, to), 0o755);
    }
  } finally {
    reader.close();
  }
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number | string> {
  return new Promise((resolveRun, reject) => {
    const shell = shellSpawn(command, env);
    // stdout is the command's result channel: the test's output goes to stderr
    const child = trackChild(spawn(shell.file, shell.args, { cwd, env, stdio: ["ignore", 2, 2], windowsVerbatimArguments: shell.verbatim, ...groupSpawnOptions() }));
    child.once("error", reject);
    child.once("exit", (code, signal) => resolveRun(signal ?? code ?? 1));
  });
}

/**
 * Test one wheel: "passed", or "skipped" (said in a note); a failing command is
 * a TestCommandError (the caller removes the wheel).
 */
export async function runTestCommand(wheel: string, interp: InterpreterInfo, o: TestCommandOptions): Promise<"passed" | "skipped"> {
  const how = interpreterCommand(interp, o);
  if ("skip" in how) {
    o.log.warn(`--test-command skipped for ${wheel.replace(/^.*[\\/]/, "")}: ${how.skip}`);
    return "skipped";
  }
  const dir = await makeTempDir(join(tmpdir(), "pyts-build-test-"));
  try {
    await unpack(wheel, dir);
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    for (const { name, text } of interpreterShims(how.argv)) {
      const p = join(bin, name);
      if (!existsSync(p)) {
        writeFileSync(p, text);
        chmodSync(p, 0o755);
      }
    }
    const site = join(dir, "site");
    const command = o.command.replaceAll("{project}", o.projectDir).replaceAll("{wheel}", wheel);
    const env = testEnv(o.env, bin, site);
    o.log.step(`Testing ${wheel.replace(/^.*[\\/]/, "")}: ${command}${interp.described ? ` (${interp.described} under ${how.argv[0]?.replace(/^.*\//, "")})` : ""}`);
    const result = await run(command, o.projectDir, env);
    if (result !== 0) {
      throw new TestCommandError(`the test command failed (${typeof result === "string" ? result : `exit code ${result}`}) for ${wheel.replace(/^.*[\\/]/, "")}: it is not kept`, "see the test's output above; fix the package or the test, then build again");
    }
    return "passed";
  } finally {
    await removeTemp(dir);
  }
}
