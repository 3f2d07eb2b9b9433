/**
 * Running cargo: the command line for a build, progress and diagnostics
 * straight to the user's stderr, artifacts read from cargo's JSON messages
 * (never guessed from paths).
 */
import { spawn } from "node:child_process";
import { trackChild } from "../../cleanup.js";
import { groupSpawnOptions, spawnSpec } from "../../host.js";
import { createInterface } from "node:readline";
import { CargoError, ToolMissingError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { silentLogger } from "../../log.js";
import { classifyCargoFailure, TailBuffer } from "./cargo-failure.js";
import { usesRustup } from "../target/toolchain.js";
import { type BuildScriptRun, type CargoArtifact, parseCargoLine } from "./cargo-messages.js";
import { cargoCommand } from "./cargo-process.js";
import type { CargoOptions } from "./cargo-options.js";


/** What to build: the library (an extension module) or the binaries (bindings = "bin"). */
export type BuildKind = "lib" | "bins";

export { cargoCommand };

/** Flags shared by every cargo call of one build (selection of package, profile, features, lock mode). */
export function commonCargoFlags(o: CargoOptions): string[] {
  const a = ["--manifest-path", o.manifestPath];
  if (o.profile !== undefined) a.push("--profile", o.profile);
  else if (o.release) a.push("--release");
  if (o.features && o.features.length > 0) a.push("--features", o.features.join(","));
  if (o.allFeatures) a.push("--all-features");
  if (o.noDefaultFeatures) a.push("--no-default-features");
  if (o.target !== undefined) a.push("--target", o.target);
  if (o.locked) a.push("--locked");
  if (o.frozen) a.push("--frozen");
  if (o.offline) a.push("--offline");
  for (const c of o.config ?? []) a.push("--config", c);
  for (const z of o.unstableFlags ?? []) a.push("-Z", z);
  return a;
}

/**
 * `cargo rustc --lib` (not `--crate-type cdylib`: for a crate that declares
 * cdylib this leaves cargo's fingerprint equal to a plain `cargo build`, so
 * switching between the two does not recompile).
 */
export function cargoBuildArgs(o: CargoOptions, kind: BuildKind, verbosity: Logger["verbosity"] = "normal"): string[] {
  const a = kind === "lib" ? ["rustc", "--lib"] : ["build", "--bins"];
  a.push("--message-format=json-render-diagnostics", ...commonCargoFlags(o));
  if (verbosity === "quiet") a.push("--quiet");
  if (verbosity === "verbose") a.push("--verbose");
  // `cargo build` takes no rustc arguments; the caller refuses them for binaries.
  if (kind === "lib" && o.rustcArgs && o.rustcArgs.length > 0) a.push("--", ...o.rustcArgs);
  return a;
}

export interface CargoRun {
  artifacts: CargoArtifact[];
  /** Build scripts cargo ran or found fresh. */
  buildScripts?: BuildScriptRun[];
  /** stdout had lines that are not cargo's JSON messages (passed on to stderr; not kept). */
  printed?: boolean;
  /**
   * What cargo printed on stderr besides its status and progress lines: the
   * warnings (and their summary) that cargo prints again on a no-op build, so a
   * remembered run shows them again too (cargo-fresh.ts). Absent when there was
   * none or more than MAX_DIAGNOSTICS.
   */
  diagnostics?: string;
  /** The diagnostics were over MAX_DIAGNOSTICS characters: not kept, so the run is not remembered. */
  diagnosticsDropped?: boolean;
}

/** Beyond this, a run's diagnostics are not kept (nor the run remembered). */
export const MAX_DIAGNOSTICS = 1 << 20;

/** cargo's status verbs, right-aligned in 12 columns (`   Compiling x`, `    Finished ...`), and its progress bar. */
const STATUS_LINE = /^\s*(Compiling|Checking|Finished|Fresh|Running|Dirty|Blocking|Building|Downloading|Downloaded|Updating|Locking|Adding|Removing|Unpacking|Packaging|Documenting|Waiting|Ignored|Installing|Vendoring|Scraping|Packaged|Archiving|Verifying|Uploading)\b/;

/**
 * The diagnostic lines of cargo's stderr text (pure): per line what stays on
 * screen (after the last carriage return, which a progress bar redraws over),
 * without cargo's status lines and progress bar, colour codes kept.
 */
export function diagnosticLines(stderr: string): string {
  const out: string[] = [];
  const lines = stderr.split("\n");
  lines.forEach((line, i) => {
    const shown = line.slice(line.lastIndexOf("\r") + 1);
    const plain = shown.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    // after the last newline: nothing, or a progress bar being drawn
    if (i === lines.length - 1 && plain.trim() === "") return;
    if (!STATUS_LINE.test(plain)) out.push(shown.replace(/^(\x1b\[[0-9;?]*K)+/, ""));
  });
  return out.length === 0 ? "" : out.join("\n") + "\n";
}

/** Run cargo with `args`; stderr passes through, stdout JSON is parsed. Throws CargoError on failure. */
export function runCargoJson(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; log?: Logger } = {}): Promise<CargoRun> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? silentLogger;
  const cargo = cargoCommand(env);
  log.debug(`running: ${cargo} ${args.join(" ")}${env.PYO3_PYTHON ? ` (PYO3_PYTHON=${env.PYO3_PYTHON})` : ""}`);
  const cmd = spawnSpec(cargo, args); // CARGO may name a .cmd wrapper on Windows
  return new Promise((resolvePromise, reject) => {
    // Own process group: an interrupt reaches rustc too. stderr is passed through and its
    // tail kept, to tell a registry failure from a crate's.
    const child = trackChild(spawn(cmd.command, cmd.args, { env: ttyCargoEnv(env), cwd: opts.cwd, ...groupSpawnOptions(), ...(cmd.verbatim ? { windowsVerbatimArguments: true } : {}), stdio: ["ignore", "pipe", "pipe"] }));
    const tail = new TailBuffer();
    let printed = false;
    // stderr kept whole up to the limit, for its diagnostics (split into lines at the end: a chunk may cut one)
    let stderr = "";
    let dropped = false;
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      process.stderr.write(d);
      tail.push(d);
      if (dropped) return;
      stderr += d;
      if (stderr.length > 4 * MAX_DIAGNOSTICS) {
        stderr = "";
        dropped = true;
      }
    });
    const artifacts: CargoArtifact[] = [];
    const buildScripts: BuildScriptRun[] = [];
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const m = parseCargoLine(line);
      if (m === undefined) {
        process.stderr.write(line + "\n"); // build script noise etc.: the user's to see
        printed = true;
      } else if (m.reason === "compiler-artifact") artifacts.push(m.artifact);
      else if (m.reason === "build-script-executed") buildScripts.push(m.script);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") reject(new ToolMissingError(`${cargo} was not found`, "install Rust (https://rustup.rs) or put cargo on PATH (or set CARGO)"));
      else reject(new CargoError(`cannot run ${cargo}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      if (code === 0) {
        const diagnostics = dropped ? "" : diagnosticLines(stderr);
        const over = dropped || diagnostics.length > MAX_DIAGNOSTICS;
        resolvePromise({ artifacts, buildScripts, printed, ...(over ? { diagnosticsDropped: true } : diagnostics ? { diagnostics } : {}) });
      }
      else if (signal) reject(new CargoError(`cargo was stopped by ${signal}`, "see cargo's messages above; fix the crate, then build again"));
      else {
        // rustc's own note always names rustup; whether it fits is judged from the rustc that ran
        const f = classifyCargoFailure(tail.toString(), { rustup: () => usesRustup(opts.env ?? process.env) });
        reject(new CargoError(`cargo failed with exit code ${code}${f.detail ? `: ${f.detail}` : ""}`, f.hint, { backendHint: f.backendHint }));
      }
    });
  });
}

/** Piping stderr hides the terminal from cargo: keep its colours and progress bar when ours is one. */
function ttyCargoEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!process.stderr.isTTY) return env;
  const e = { ...env };
  if (!e.NO_COLOR) e.CARGO_TERM_COLOR ??= "always";
  if (e.CARGO_TERM_PROGRESS_WHEN === undefined) {
    e.CARGO_TERM_PROGRESS_WHEN = "always";
    e.CARGO_TERM_PROGRESS_WIDTH ??= String(process.stderr.columns || 80);
  }
  return e;
}

// The target folder lookup (cached) and the one `cargo metadata` runner live in their own files.
export { cargoMetadata, type CargoMetadata } from "./cargo-target.js";
