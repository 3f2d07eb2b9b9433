/**
 * One build container: started once (idle, no network), commands exec'd in
 * it, removed at the end. Everything it writes goes to bind mounts of host
 * folders, as the host user, so nothing on the host ends up owned by root.
 */
import { spawnSync } from "node:child_process";
import { onInterrupt } from "../../cleanup.js";
import { ContainerError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { type Engine, type EngineResult, type RunOptions, runEngine, runEngineOk } from "./engine.js";

export interface Mount {
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface HostUser {
  uid: number;
  gid: number;
}

export interface ContainerSpec {
  image: string;
  mounts: Mount[];
  env: Record<string, string>;
  workdir?: string;
  /** Who the build runs as on the host side (default: this process's user). */
  user: HostUser;
  /** false: the default network (only for installing Rust with rustup). */
  networkNone: boolean;
  /** `--platform linux/arm64`: an image of another architecture, run under the engine's emulation (--emulate). */
  platform?: string;
}

/** The calling process's user. */
export function currentUser(): HostUser {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/**
 * How the container's processes map to the host user, per engine mode:
 * - rootful docker/podman: run as uid:gid directly (files land as that user);
 * - rootless podman: container ids are shifted; keep-id maps the host user to
 *   the same uid inside, so --user uid:gid lands as the host user again;
 * - rootless Docker: container root *is* the host user; any other uid would
 *   land as a subordinate id, so stay root inside.
 */
export function userArgs(engine: Pick<Engine, "kind" | "rootless">, user: HostUser): string[] {
  if (engine.rootless && engine.kind === "podman") return ["--userns=keep-id", "--user", `${user.uid}:${user.gid}`];
  if (engine.rootless) return ["--user", "0:0"];
  return ["--user", `${user.uid}:${user.gid}`];
}

/**
 * An idle process to keep the container up between execs (sh + sleep exist in
 * every build image). As PID 1 it must handle SIGTERM itself, else `rm --force`
 * waits out the engine's stop timeout (10 s with podman) before killing it.
 */
export const IDLE_COMMAND = ["sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

/** The `run` arguments for a build container (pure, for tests and --verbose). */
export function runArgs(engine: Pick<Engine, "kind" | "rootless">, spec: ContainerSpec, command: string[] = IDLE_COMMAND, detach = true): string[] {
  const a = ["run", "--rm", "--pull", "never", "--label", "org.pyts-build.role=build"];
  if (detach) a.push("--detach");
  if (spec.platform) a.push("--platform", spec.platform);
  if (spec.networkNone) a.push("--network", "none");
  // Bind mounts of ordinary host folders: SELinux relabelling (:z) would touch
  // the user's files (their Rust toolchain!), so confinement is lifted instead.
  a.push("--security-opt", "label=disable");
  a.push(...userArgs(engine, spec.user));
  for (const m of spec.mounts) a.push("--volume", `${m.host}:${m.container}${m.readOnly ? ":ro" : ""}`);
  for (const [k, v] of Object.entries(spec.env)) a.push("--env", `${k}=${v}`);
  if (spec.workdir) a.push("--workdir", spec.workdir);
  a.push(spec.image, ...command);
  return a;
}

/** An argument for a --verbose line: multi-line scripts shortened to their first line. */
export function shortArg(a: string): string {
  return a.includes("\n") ? `${a.trim().split("\n")[0] ?? ""} …` : a;
}

export interface ExecOptions extends RunOptions {
  env?: Record<string, string>;
  workdir?: string;
}

export class ContainerSession {
  private stopped = false;
  private readonly forget: () => void;

  private constructor(
    readonly engine: Engine,
    readonly id: string,
    readonly spec: ContainerSpec,
    private readonly log: Logger,
  ) {
    // An interrupt must not leave an idle container behind (see src/cleanup.ts).
    this.forget = onInterrupt(() => this.stopSync());
  }

  static async start(engine: Engine, spec: ContainerSpec, log: Logger): Promise<ContainerSession> {
    const args = runArgs(engine, spec);
    log.debug(`running: ${engine.command} ${args.map(shortArg).join(" ")}`);
    const r = await runEngineOk(engine, args, `start a container from ${spec.image}`, { image: spec.image });
    const id = r.stdout.trim().split("\n").pop() ?? "";
    if (!/^[0-9a-f]{12,}$/.test(id)) throw new ContainerError(`${engine.command} run did not print a container id (got "${id}")`, "run with --verbose and check the engine");
    return new ContainerSession(engine, id, spec, log);
  }

  /** `exec` a command (argv, no shell) in the container. */
  exec(command: string[], o: ExecOptions = {}): Promise<EngineResult> {
    const a = ["exec"];
    for (const [k, v] of Object.entries(o.env ?? {})) a.push("--env", `${k}=${v}`);
    if (o.workdir) a.push("--workdir", o.workdir);
    a.push(this.id, ...command);
    this.log.debug(`running: ${this.engine.command} ${a.map(shortArg).join(" ")}`);
    return runEngine(this.engine, a, o);
  }

  /** `exec` that must succeed; its stderr tail goes into the error. */
  async execOk(command: string[], what: string, o: ExecOptions = {}): Promise<EngineResult> {
    const r = await this.exec(command, o);
    if (r.code !== 0) {
      const tail = (r.stderr || r.stdout).trim().split("\n").slice(-15).join("\n");
      throw new ContainerError(`${what} failed inside the container (exit code ${r.code})${tail ? `:\n${tail}` : ""}`, `the image is ${this.spec.image}; run it with ${this.engine.kind} to investigate`);
    }
    return r;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.forget();
    const r = await runEngine(this.engine, ["rm", "--force", this.id]);
    if (r.code !== 0) this.log.warn(`could not remove container ${this.id.slice(0, 12)}: ${r.stderr.trim()}`);
  }

  /** On an interrupt: remove the container (the interrupt handler then ends the process). */
  private stopSync(): void {
    if (this.stopped) return;
    this.stopped = true;
    spawnSync(this.engine.command, ["rm", "--force", this.id], { env: this.engine.env, stdio: "ignore" });
  }
}
