/**
 * One cleanup discipline for every command. Temporary files and folders are
 * registered when made and forgotten once renamed or removed; child processes
 * that can run long (cargo and what it starts, the container engine) are
 * spawned in their own process group and registered too.
 *
 * The CLI installs the signal handlers (installInterruptHandlers): on SIGINT,
 * SIGTERM or SIGHUP the signal is forwarded to every registered child group
 * (a `kill PID` of pyts-build alone must not leave rustc running), the groups
 * are waited for (SIGKILL after a grace period), interrupt hooks run (the
 * build container is removed), the registered temporaries are deleted, and the
 * process ends by the same signal (status 130, 143, 129 in a shell). The temporaries
 * are also deleted on any other exit. Library callers that install nothing get
 * the default behaviour of Node.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { constants } from "node:os";
import { signalTree } from "./host.js";

const temps = new Set<string>();
const groups = new Set<ChildProcess>();
const hooks = new Set<() => void>();

/** Remember `path` (a file or folder) as temporary: it is deleted if the process ends before releaseTemp. */
export function trackTemp(path: string): string {
  temps.add(path);
  return path;
}

/** `path` was renamed to its final name or removed: no longer ours to delete. */
export function releaseTemp(path: string): void {
  temps.delete(path);
}

/** mkdtemp, registered. */
export async function makeTempDir(prefix: string): Promise<string> {
  return trackTemp(await mkdtemp(prefix));
}

/** Remove a registered temporary (file or folder) and forget it. */
export async function removeTemp(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  releaseTemp(path);
}

/** The temporaries still registered (tests). */
export function trackedTemps(): string[] {
  return [...temps];
}

function removeAllTempsSync(): void {
  for (const p of temps) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // nothing better to do while exiting
    }
  }
  temps.clear();
}

/**
 * Register a child spawned with `detached: true` (a new process group whose id
 * is its pid) until it exits, so an interrupt reaches everything it started.
 * Its stdin must not be the terminal: a background group reading it is stopped.
 */
export function trackChild<T extends ChildProcess>(child: T): T {
  if (child.pid === undefined) return child; // failed to start: its "error" event tells
  groups.add(child);
  child.once("exit", () => groups.delete(child));
  return child;
}

/** Run `fn` (synchronously, quickly) on an interrupt before the process ends; returns the unregister function. */
export function onInterrupt(fn: () => void): () => void {
  hooks.add(fn);
  return () => hooks.delete(fn);
}

function signalGroups(signal: NodeJS.Signals): void {
  for (const c of groups) signalTree(c, signal); // the group on POSIX; Windows has none: the child
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait until every registered group is empty, at most `ms`; true if they all are. */
async function waitForGroups(pids: number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!pids.some(groupAlive)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

let interruptedBy: NodeJS.Signals | undefined;

/** The signal being handled, if an interrupt is under way (the CLI then prints no error of its own). */
export function interruption(): NodeJS.Signals | undefined {
  return interruptedBy;
}

/** How long children get to end after the forwarded signal before SIGKILL. */
export const GRACE_MS = 5000;

async function interrupt(signal: NodeJS.Signals): Promise<void> {
  if (interruptedBy !== undefined) {
    // a second signal: no more waiting
    signalGroups("SIGKILL");
    finish(signal);
    return;
  }
  interruptedBy = signal;
  const pids = [...groups].map((c) => c.pid!);
  signalGroups(signal);
  for (const h of hooks) {
    try {
      h();
    } catch {
      // a failing hook must not keep the others from running
    }
  }
  if (!(await waitForGroups(pids, GRACE_MS))) {
    for (const p of pids) {
      try {
        process.kill(-p, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    await waitForGroups(pids, 1000);
  }
  finish(signal);
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function finish(signal: NodeJS.Signals): void {
  removeAllTempsSync();
  process.stderr.write(`pyts-build: interrupted by ${signal}; temporary files removed\n`, () => undefined);
  // End by the same signal, as an unhandled one would have: the parent sees it
  // (a shell reports 128 + its number: 130, 143, 129). process.exit() could
  // hang here, waiting for a worker thread stuck in a blocking read.
  for (const s of SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
  process.exit(128 + (constants.signals[signal] ?? 0)); // only if the signal is ignored
}

/** End now with `code` (the output pipe was closed): children get SIGTERM, temporaries go. */
export function exitQuietly(code: number): never {
  signalGroups("SIGTERM");
  process.exit(code);
}

let installed = false;

/** For the CLI: handle SIGINT/SIGTERM/SIGHUP as described above, and delete temporaries on any exit. */
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, () => void interrupt(s));
  process.on("exit", removeAllTempsSync);
}
