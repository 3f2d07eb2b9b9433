/**
 * Test plumbing for the container tests: the podman that .ci/containers.sh
 * configured (project-local containers.conf/storage.conf, a local stand-in
 * build image), a podman socket for the docker CLI, and the rule that these
 * tests FAIL in CI when the engine cannot run (they may skip only outside CI).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../helpers/env.js";

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

export interface ContainerSetup {
  /** Variables podman needs (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF). */
  env: Record<string, string>;
  /** The stand-in build image (bullseye: glibc 2.31, python3.9, gcc). */
  image: string;
  /** The cross stand-in (bookworm x86-64 with Debian's rustc, cargo, the arm64 std and the aarch64 gcc). */
  crossImage: string;
  /** The emulated stand-in (arm64 bookworm with python3, Debian's rustc + cargo, gcc), run under qemu binfmt. */
  emulatedImage: string;
}

const VARS = ["PYTS_CONTAINERS_DIR", "CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "PYTS_STANDIN_IMAGE", "PYTS_CROSS_STANDIN_IMAGE", "PYTS_EMULATED_STANDIN_IMAGE"];

/** From the environment (.ci/run sources the setup) or the file the setup writes in the checkout. */
function readSetupVars(): Record<string, string> {
  const out: Record<string, string> = {};
  const file = join(process.env.PYTS_CONTAINERS_DIR ?? join(ROOT, ".containers"), "env.sh");
  if (existsSync(file)) {
    for (const m of readFileSync(file, "utf8").matchAll(/^export (\w+)='([^']*)'$/gm)) out[m[1] as string] = m[2] as string;
  }
  for (const k of VARS) if (process.env[k]) out[k] = process.env[k] as string;
  return out;
}

function probe(): ContainerSetup | string {
  const vars = readSetupVars();
  if (!vars.CONTAINERS_CONF || !existsSync(vars.CONTAINERS_CONF)) {
    return "podman is not configured for the tests: run `bash .ci/containers.sh` (it writes .containers/env.sh)";
  }
  const env = { CONTAINERS_CONF: vars.CONTAINERS_CONF, CONTAINERS_STORAGE_CONF: vars.CONTAINERS_STORAGE_CONF ?? "" };
  const image = vars.PYTS_STANDIN_IMAGE ?? "localhost/pyts-build-standin:bullseye";
  const crossImage = vars.PYTS_CROSS_STANDIN_IMAGE ?? "localhost/pyts-build-cross-standin:aarch64";
  const emulatedImage = vars.PYTS_EMULATED_STANDIN_IMAGE ?? "localhost/pyts-build-emulated-standin:aarch64";
  for (const i of [image, crossImage, emulatedImage]) {
    const r = spawnSync("podman", ["image", "exists", i], { env: { ...process.env, ...env }, encoding: "utf8" });
    if (r.error) return `podman cannot be run: ${r.error.message}`;
    if (r.status !== 0) return `podman has no image ${i}: run \`bash .ci/containers.sh\` to build it (${r.stderr.trim()})`;
  }
  if (!existsSync("/proc/sys/fs/binfmt_misc/qemu-aarch64")) return "qemu-aarch64 is not registered with binfmt_misc: run `bash .ci/containers.sh` (as root)";
  return { env, image, crossImage, emulatedImage };
}

let cached: ContainerSetup | string | undefined;

/** The setup, or why there is none. */
export function containerSetup(): ContainerSetup | string {
  cached ??= probe();
  return cached;
}

/**
 * For `describe.skipIf(skipContainers())`: true only outside CI when the
 * engine is unusable (and says why on stderr). In CI it is false, and
 * `requireContainers()` in beforeAll then fails the tests loudly.
 */
export function skipContainers(): boolean {
  const s = containerSetup();
  if (typeof s !== "string") return false;
  if (IN_CI) return false;
  process.stderr.write(`[container tests skipped outside CI] ${s}\n`);
  return true;
}

export function requireContainers(): ContainerSetup {
  const s = containerSetup();
  if (typeof s === "string") throw new Error(`the container engine cannot run, so the manylinux container tests cannot: ${s}`);
  return s;
}

/** `podman system service` on a socket in `dir`, for the docker CLI (DOCKER_HOST). */
export interface PodmanSocket {
  dockerHost: string;
  socket: string;
  stop(): Promise<void>;
}

export async function startPodmanSocket(setup: ContainerSetup, dir: string): Promise<PodmanSocket> {
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, "podman.sock");
  const dockerHost = `unix://${socket}`;
  const child: ChildProcess = spawn("podman", ["system", "service", "--time=0", dockerHost], {
    env: { ...process.env, ...setup.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (err += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (existsSync(socket)) {
      const r = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { env: { ...process.env, DOCKER_HOST: dockerHost }, encoding: "utf8" });
      if (r.status === 0) break;
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`podman system service did not come up on ${socket}: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dockerHost,
    socket,
    stop: () =>
      new Promise<void>((resolvePromise) => {
        if (child.exitCode !== null) return resolvePromise();
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(force);
          resolvePromise();
        });
        child.kill("SIGTERM"); // this process's child, by its PID
      }),
  };
}

/** Run a command in a throwaway container of `image` (no network), returning stdout. */
export function runInImage(setup: ContainerSetup, args: string[], command: string[]): string {
  return execFileSync("podman", ["run", "--rm", "--network", "none", ...args, setup.image, ...command], {
    env: { ...process.env, ...setup.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}
