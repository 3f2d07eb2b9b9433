/**
 * What differs between the systems pyts-build runs on (Linux, macOS, Windows),
 * in one place and with the system as a parameter, so the tests can simulate a
 * host this machine is not (test/host.test.ts): the path rules, how PATH is
 * split and searched (PATHEXT on Windows), environment variable names (Windows
 * ignores their case; a copied env object does not), and how a program is
 * started (a Windows batch file only through cmd.exe, since Node refuses to
 * spawn `.cmd`/`.bat` directly: CVE-2024-27980).
 */
import { type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { posix, type PlatformPath, win32 } from "node:path";
import { PytsError } from "./errors.js";

/** A system's view of files and programs: the real one (`thisHost()`), or a simulated one in tests. */
export interface Host {
  platform: NodeJS.Platform;
  /** The system's path rules (`path.win32` on Windows). */
  path: PlatformPath;
  home: string;
  isFile(p: string): boolean;
  isDir(p: string): boolean;
  /** A file this host would run: the executable bit on POSIX; any file on Windows, where PATHEXT decides by name. */
  isExecutable(p: string): boolean;
  /** A folder's entries ([] when it cannot be read). */
  listDir(p: string): string[];
  /** A text file's content, undefined when it cannot be read. */
  readText(p: string): string | undefined;
  /** The identity of a file (device and inode), so two paths to one file count once; undefined when missing. */
  fileId(p: string): string | undefined;
  /** A program's stdout, or undefined when it cannot run, fails or takes over 30 s. */
  output(command: string, args: string[], env: NodeJS.ProcessEnv): string | undefined;
}

export const pathOf = (platform: NodeJS.Platform): PlatformPath => (platform === "win32" ? win32 : posix);

/** This machine. */
export function thisHost(platform: NodeJS.Platform = process.platform): Host {
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  return {
    platform,
    path: pathOf(platform),
    home: homedir(),
    isFile,
    isDir: (p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    isExecutable: (p) => {
      if (!isFile(p)) return false;
      if (platform === "win32") return true;
      try {
        accessSync(p, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    listDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    },
    readText: (p) => {
      try {
        return readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
    fileId: (p) => {
      try {
        const st = statSync(p);
        return `${st.dev}:${st.ino}`;
      } catch {
        return undefined;
      }
    },
    output: (command, args, env) => {
      try {
        const s = spawnSpec(command, args, platform);
        return execFileSync(s.command, s.args, { env, encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "ignore"], windowsHide: true, ...(s.verbatim ? { windowsVerbatimArguments: true } : {}) });
      } catch {
        return undefined;
      }
    },
  };
}

/** An environment variable as the system reads it: on Windows `Path`, `PATH` and `path` are one variable. */
export function envValue(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env[name] !== undefined || platform !== "win32") return env[name];
  const upper = name.toUpperCase();
  const key = Object.keys(env).find((k) => k.toUpperCase() === upper);
  return key === undefined ? undefined : env[key];
}

/** The folders of PATH in order: `;`-separated on Windows (an entry may be quoted there), `:` elsewhere; empty ones dropped. */
export function pathDirs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] {
  const raw = envValue(env, "PATH", platform) ?? "";
  if (platform !== "win32") return raw.split(":").filter((d) => d !== "");
  return raw
    .split(";")
    .map((d) => d.trim().replace(/^"(.*)"$/, "$1"))
    .filter((d) => d !== "");
}

const DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD";

/** The file names a command `name` may have: itself on POSIX; on Windows itself if it carries a PATHEXT extension, else each PATHEXT extension added. */
export function commandFileNames(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] {
  if (platform !== "win32") return [name];
  const exts = (envValue(env, "PATHEXT", platform) || DEFAULT_PATHEXT).split(";").filter((e) => e.startsWith("."));
  const lower = name.toLowerCase();
  if (exts.some((e) => lower.endsWith(e.toLowerCase()))) return [name];
  return exts.map((e) => name + e.toLowerCase());
}

/** The first file on PATH that runs as `name` on `host`, as a shell finds it. */
export function findProgram(name: string, env: NodeJS.ProcessEnv, host: Host = thisHost()): string | undefined {
  for (const dir of pathDirs(env, host.platform)) {
    for (const file of commandFileNames(name, env, host.platform)) {
      const p = host.path.join(dir, file);
      if (host.isExecutable(p)) return p;
    }
  }
  return undefined;
}

/** Whether `command` names a path (rather than a program looked up on PATH): any separator of the system, or a drive. */
export function isPathLike(command: string, platform: NodeJS.Platform = process.platform): boolean {
  return command.includes("/") || (platform === "win32" && (command.includes("\\") || /^[A-Za-z]:/.test(command)));
}

/** A Windows batch file, which only cmd.exe runs. */
export const isBatchFile = (command: string): boolean => /\.(cmd|bat)$/i.test(command);

/**
 * One argument for a batch file's command line under `cmd.exe /s /c "..."`,
 * after Rust's std (its BatBadBut fix): quoted unless plainly safe, `"` doubled
 * so cmd's quote state never flips (its `& | < > ^ ( )` stay inside quotes),
 * `%` broken up with an empty substring expansion (`%%cd:~,%`) so no
 * `%VARIABLE%` expands, backslashes before a quote doubled. A line break or
 * NUL cannot be passed to a batch file at all.
 */
export function batchArgument(arg: string): string {
  if (/[\0\r\n]/.test(arg)) throw new PytsError(`an argument for a Windows batch file holds a line break or NUL, which cmd.exe cannot pass on: ${JSON.stringify(arg)}`, "use the program's .exe instead of its .cmd/.bat wrapper");
  if (arg !== "" && /^[A-Za-z0-9_\-.,:/\\=+@]+$/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      backslashes++;
      continue;
    }
    if (ch === '"') out += "\\".repeat(backslashes * 2) + '""';
    else out += "\\".repeat(backslashes) + (ch === "%" ? "%%cd:~,%" : ch);
    backslashes = 0;
  }
  return out + "\\".repeat(backslashes * 2) + '"';
}

export interface SpawnSpec {
  command: string;
  args: string[];
  /** Pass `args` to Windows as written (Node must not quote them again): `windowsVerbatimArguments`. */
  verbatim?: true;
}

/**
 * How to start `command` with `args` on `platform`: as it is, except a Windows
 * batch file (a `.cmd` wrapper of a Python or of cargo), which goes through
 * `cmd.exe /d /s /c "..."` with each part quoted by batchArgument.
 */
export function spawnSpec(command: string, args: readonly string[], platform: NodeJS.Platform = process.platform): SpawnSpec {
  if (platform !== "win32" || !isBatchFile(command)) return { command, args: [...args] };
  const line = [command, ...args].map(batchArgument).join(" ");
  return { command: "cmd.exe", args: ["/e:ON", "/v:OFF", "/d", "/s", "/c", `"${line}"`], verbatim: true };
}

/** spawn()'s options for a child in its own process group: POSIX `detached`; on Windows, where that opens a new console the user's Ctrl+C never reaches, the same console with no window. */
export function groupSpawnOptions(platform: NodeJS.Platform = process.platform): { detached: boolean; windowsHide: true } {
  return { detached: platform !== "win32", windowsHide: true };
}

/** Signal a child and what it started: its process group on POSIX; on Windows, which has no groups, the child itself. */
export function signalTree(child: ChildProcess, signal: NodeJS.Signals, platform: NodeJS.Platform = process.platform): void {
  try {
    if (platform === "win32") child.kill(signal);
    else if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * `to` relative to `from` with `/` between its parts, as archive members (wheel, RECORD, sdist tar) and
 * globs name files on every system: `relative()` answers with the system's separator, `\` on Windows.
 */
export function relativePosix(from: string, to: string, path: PlatformPath = pathOf(process.platform)): string {
  return path.relative(from, to).split(path.sep).join("/");
}
