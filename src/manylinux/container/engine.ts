/**
 * The container engine: find docker or podman (or the one `--engine` names),
 * make sure it can run containers, and run its commands. Every failure the
 * user can fix becomes a ContainerError (see engine-errors.ts).
 */
import { spawn } from "node:child_process";
import { trackChild } from "../../cleanup.js";
import { basename } from "node:path";
import { ContainerError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { silentLogger } from "../../log.js";
import { engineError, type EngineKind } from "./engine-errors.js";

export type { EngineKind } from "./engine-errors.js";

export interface Engine {
  kind: EngineKind;
  /** What is spawned: a name found on PATH, or a path. */
  command: string;
  /** Server (docker) or podman version, for progress lines. */
  version: string;
  /**
   * Containers run in a user namespace owned by the calling user (rootless
   * podman or rootless Docker): container root is the host user there.
   */
  rootless: boolean;
  /** The environment the engine runs with (DOCKER_HOST, CONTAINERS_CONF, ... honoured as given). */
  env: NodeJS.ProcessEnv;
}

export interface EngineResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Called with each chunk of stdout / stderr as it arrives (output is still collected). */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Kill the command after this many ms (code -1 then). */
  timeoutMs?: number;
}

/** Thrown (internally) when the engine's executable itself cannot be started. */
class NotInstalled extends Error {}

/** Spawn `command args` with output collected; ENOENT/EACCES -> NotInstalled. */
function spawnCollect(command: string, args: string[], env: NodeJS.ProcessEnv, o: RunOptions = {}): Promise<EngineResult> {
  return new Promise((resolvePromise, reject) => {
    const child = trackChild(spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      o.onStdout?.(c);
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      o.onStderr?.(c);
    });
    const timer = o.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), o.timeoutMs) : undefined;
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (e.code === "ENOENT" || e.code === "EACCES") reject(new NotInstalled(e.code));
      else reject(e);
    });
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Run an engine command; the caller decides what a non-zero exit means. */
export async function runEngine(engine: Engine, args: string[], o: RunOptions = {}): Promise<EngineResult> {
  try {
    return await spawnCollect(engine.command, args, engine.env, o);
  } catch (e) {
    if (e instanceof NotInstalled) throw notInstalled(engine.command);
    throw e;
  }
}

/** Run an engine command that must succeed; a failure becomes the matching ContainerError. */
export async function runEngineOk(engine: Engine, args: string[], action: string, o: RunOptions & { image?: string } = {}): Promise<EngineResult> {
  const r = await runEngine(engine, args, o);
  if (r.code !== 0) {
    throw engineError(r.stderr, { kind: engine.kind, command: engine.command, action, env: engine.env, ...(o.image ? { image: o.image } : {}) });
  }
  return r;
}

function notInstalled(command: string): ContainerError {
  const named = command.includes("/") ? `container engine ${command} does not exist or cannot be run` : `container engine \`${command}\` is not installed (not found on PATH)`;
  return new ContainerError(
    named,
    "install Docker (https://docs.docker.com/engine/install/) or podman (`sudo apt-get install podman`, `sudo dnf install podman`), or pass --engine with the path of one",
  );
}

/**
 * docker or podman, from `--version`. Docker says "Docker version 28.2.2, build x";
 * podman names itself after argv[0], so podman installed as `docker` says
 * "docker version 4.3.1" (lower case, no build).
 */
export function kindFromVersionOutput(out: string): EngineKind | undefined {
  if (/^Docker version .*, build /m.test(out)) return "docker";
  if (/^\S+ version \d+\.\d+\S*\s*$/m.test(out)) return "podman";
  return undefined;
}

const PROBE_TIMEOUT_MS = 60_000;

/** Check that `command` is an engine that can run containers now; describe it. */
export async function probeEngine(command: string, env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  let versionOut: EngineResult;
  try {
    versionOut = await spawnCollect(command, ["--version"], env, { timeoutMs: PROBE_TIMEOUT_MS });
  } catch (e) {
    if (e instanceof NotInstalled) throw notInstalled(command);
    throw e;
  }
  const kind = kindFromVersionOutput(versionOut.stdout + versionOut.stderr) ?? (basename(command).includes("podman") ? "podman" : "docker");
  const base: Engine = { kind, command, version: "", rootless: false, env };
  // `info` talks to the daemon / storage: the cheapest call that fails the way a build would.
  const format = kind === "podman" ? "{{.Version.Version}}|{{.Host.Security.Rootless}}" : "{{.ServerVersion}}|{{json .SecurityOptions}}";
  const info = await runEngine(base, ["info", "--format", format], { timeoutMs: PROBE_TIMEOUT_MS });
  const [version = "", extra = ""] = info.stdout.trim().split("|");
  if (info.code !== 0 || version === "") {
    throw engineError(info.stderr || info.stdout, { kind, command, action: "report its state (`info`)", env });
  }
  const rootless = kind === "podman" ? extra.trim() === "true" : /rootless/.test(extra);
  return { ...base, version, rootless };
}

export interface DetectOptions {
  /** `--engine`: docker, podman, or a path to either. Undefined: auto-detect. */
  engine?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

/**
 * The engine to use. With `--engine`, exactly that one (its problems are the
 * error). Otherwise the first of docker and podman that can run containers;
 * when none can, the error of the first one installed (docker is tried first:
 * a machine with a docker CLI but no daemon still finds a working podman).
 */
export async function detectEngine(o: DetectOptions = {}): Promise<Engine> {
  const env = o.env ?? process.env;
  const log = o.log ?? silentLogger;
  if (o.engine !== undefined && o.engine !== "" && o.engine !== "auto") return probeEngine(o.engine, env);
  const order = ["docker", "podman"];
  const failures: ContainerError[] = [];
  let installed = 0;
  for (const command of order) {
    try {
      return await probeEngine(command, env);
    } catch (e) {
      if (!(e instanceof ContainerError)) throw e;
      if (!/is not installed/.test(e.message)) installed++;
      log.debug(`engine ${command} not usable: ${e.message}`);
      failures.push(e);
    }
  }
  if (installed === 0) {
    throw new ContainerError(
      "no container engine found: neither docker nor podman is on PATH",
      "install Docker (https://docs.docker.com/engine/install/) or podman (`sudo apt-get install podman`), or pass --engine with the path of one",
    );
  }
  // the first engine that exists but failed says the most useful thing
  const first = failures.find((f) => !/is not installed/.test(f.message)) as ContainerError;
  const others = failures.filter((f) => f !== first && !/is not installed/.test(f.message)).map((f) => f.message);
  throw new ContainerError(first.message + (others.length ? `; also: ${others.join("; ")}` : ""), first.hint);
}
