/** Small file-system predicates that never throw (a missing path is just "no"). */
import { accessSync, constants, statSync } from "node:fs";
import { findProgram, type Host, thisHost } from "./host.js";

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `which`: the first executable `name` on PATH (with PATHEXT's extensions on Windows: host.ts), or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env, host: Host = thisHost()): string | undefined {
  return findProgram(name, env, host);
}
