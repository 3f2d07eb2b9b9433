/**
 * Starting cargo for a captured answer (`cargo metadata`, `cargo add`,
 * `cargo package --list`, `cargo vendor`): one place that names the cargo
 * program, puts it in its own registered process group (an interrupt of
 * pyts-build reaches it, src/cleanup.ts) and words "cargo is missing".
 * Builds stream their output instead: src/build/cargo/cargo.ts runCargoJson.
 */
import { spawn } from "node:child_process";
import { trackChild } from "../../cleanup.js";
import { groupSpawnOptions, spawnSpec } from "../../host.js";
import { CargoError, ToolMissingError } from "../../errors.js";

/** The cargo program: `$CARGO` (as cargo itself sets for build scripts and subcommands), else `cargo` on PATH. */
export function cargoCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARGO || "cargo";
}

export interface CargoCapture {
  /** cargo's exit status; -1 when a signal ended it. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CaptureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Said after "<cargo> was not found" (e.g. " on the host"). */
  missingWhere?: string;
  /** The hint when cargo is missing. */
  missingHint?: string;
}

/**
 * Run cargo with `args` and collect its output. Resolves with any exit status
 * (the caller words a failure for its command); rejects only when cargo
 * cannot be started: missing -> ToolMissingError, else CargoError.
 */
export function captureCargo(args: string[], o: CaptureOptions = {}): Promise<CargoCapture> {
  const env = o.env ?? process.env;
  const cargo = cargoCommand(env);
  const cmd = spawnSpec(cargo, args); // CARGO may name a .cmd wrapper on Windows
  return new Promise((resolvePromise, reject) => {
    const child = trackChild(spawn(cmd.command, cmd.args, { cwd: o.cwd, env, ...groupSpawnOptions(), ...(cmd.verbatim ? { windowsVerbatimArguments: true } : {}), stdio: ["ignore", "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "ENOENT"
          ? new ToolMissingError(`${cargo} was not found${o.missingWhere ?? ""}`, o.missingHint ?? "install Rust (https://rustup.rs) or put cargo on PATH (or set CARGO)")
          : new CargoError(`cannot run ${cargo}: ${e.message}`),
      ),
    );
    child.on("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}
