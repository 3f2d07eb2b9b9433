/**
 * A simulated host (src/host.ts `Host`) for the systems this machine is not: a Windows or macOS file
 * tree held in memory, with that system's path rules (`path.win32` on Windows, where names ignore
 * case) and canned answers for the programs pyts-build asks (the `py` launcher). Tests that use it say
 * so: they check pyts-build's rules against the layouts those systems have, which no program here can
 * confirm; the layouts are written from the installers' documented folders.
 */
import { posix, win32 } from "node:path";
import type { Host } from "../../src/host.js";

export type SimFile =
  /** an executable file */
  | "x"
  /** a plain file with this text */
  | { text: string }
  /** another name of the file at this path (a symlink or hard link): one file, counted once */
  | { sameAs: string };

export interface SimOptions {
  home: string;
  /** Answers of programs: `output("py", ["-0p"])` -> the text, or undefined when the program is missing. */
  programs?: Record<string, (args: string[], env: NodeJS.ProcessEnv) => string | undefined>;
}

/** A host of `platform` whose files are exactly `files` (absolute paths in that system's syntax; folders follow from them). */
export function simulatedHost(platform: "win32" | "darwin" | "linux", files: Record<string, SimFile>, o: SimOptions): Host & { calls: string[] } {
  const path = platform === "win32" ? win32 : posix;
  const key = (p: string) => {
    const n = path.normalize(p).replace(/[\\/]+$/, "");
    return platform === "win32" ? n.toLowerCase() : n;
  };
  const table = new Map<string, { name: string; file: SimFile }>();
  const dirs = new Map<string, Set<string>>();
  for (const [p, file] of Object.entries(files)) {
    table.set(key(p), { name: p, file });
    let child = path.normalize(p);
    for (let d = path.dirname(child); ; d = path.dirname(d)) {
      const entries = dirs.get(key(d)) ?? new Set<string>();
      entries.add(path.basename(child));
      dirs.set(key(d), entries);
      if (path.dirname(d) === d) break;
      child = d;
    }
  }
  const resolveLink = (p: string): string => {
    const f = table.get(key(p))?.file;
    return f !== undefined && typeof f === "object" && "sameAs" in f ? resolveLink(f.sameAs) : key(p);
  };
  const calls: string[] = [];
  return {
    platform,
    path,
    home: o.home,
    calls,
    isFile: (p) => table.has(key(p)),
    isDir: (p) => dirs.has(key(p)),
    // Windows has no executable bit: PATHEXT decides by name
    isExecutable: (p) => {
      const target = table.get(resolveLink(p))?.file;
      return target !== undefined && (platform === "win32" || target === "x");
    },
    listDir: (p) => [...(dirs.get(key(p)) ?? [])].sort(),
    readText: (p) => {
      const f = table.get(resolveLink(p))?.file;
      return f !== undefined && typeof f === "object" && "text" in f ? f.text : undefined;
    },
    fileId: (p) => (table.has(key(p)) ? resolveLink(p) : undefined),
    output: (command, args, env) => {
      calls.push([command, ...args].join(" "));
      return o.programs?.[command]?.(args, env);
    },
  };
}
