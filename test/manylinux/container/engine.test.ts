/**
 * engine.ts against the real engines: podman (configured by .ci/containers.sh)
 * and the docker CLI talking to podman's Docker-compatible socket. The failure
 * cases are produced for real: a missing binary, a dead socket, a socket the
 * user may not open (the docker CLI run as `nobody` through setpriv).
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerError } from "../../../src/errors.js";
import { detectEngine, kindFromVersionOutput, probeEngine } from "../../../src/manylinux/container/engine.js";
import { freshDir } from "../../helpers/env.js";
import { type ContainerSetup, type PodmanSocket, requireContainers, skipContainers, startPodmanSocket } from "../helpers/containers.js";

describe("kindFromVersionOutput", () => {
  it("tells docker from podman (also podman installed as `docker`)", () => {
    expect(kindFromVersionOutput("Docker version 28.2.2, build e6534b4\n")).toBe("docker");
    expect(kindFromVersionOutput("podman version 4.3.1\n")).toBe("podman");
    // podman names itself after argv[0]: podman-docker's `docker`
    expect(kindFromVersionOutput("docker version 4.3.1\n")).toBe("podman");
    expect(kindFromVersionOutput("something else")).toBeUndefined();
  });
});

describe("engine not installed (no container engine needed)", () => {
  it("--engine naming a missing binary says so and how to install one", async () => {
    const e = await detectEngine({ engine: "/nonexistent/bin/docker" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ContainerError);
    expect((e as ContainerError).message).toBe("container engine /nonexistent/bin/docker does not exist or cannot be run");
    expect((e as ContainerError).hint).toMatch(/install Docker .* or podman/);
  });

  it("auto-detection with neither docker nor podman on PATH", async () => {
    const empty = freshDir("no-engines");
    const e = await detectEngine({ env: { PATH: empty } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ContainerError);
    expect((e as ContainerError).message).toBe("no container engine found: neither docker nor podman is on PATH");
  });

  it("--engine podman when podman is not on PATH", async () => {
    const e = await detectEngine({ engine: "podman", env: { PATH: freshDir("no-engines") } }).catch((x: unknown) => x);
    expect((e as ContainerError).message).toBe("container engine `podman` is not installed (not found on PATH)");
  });
});

describe.skipIf(skipContainers())("real engines", () => {
  let setup: ContainerSetup;
  let sock: PodmanSocket;
  let dir: string;
  const envWith = (extra: Record<string, string>) => ({ ...process.env, ...setup.env, ...extra });

  beforeAll(async () => {
    setup = requireContainers();
    dir = freshDir("engine");
    sock = await startPodmanSocket(setup, join(dir, "sock"));
  });
  afterAll(async () => {
    await sock?.stop();
  });

  it("podman: found, described, rootful here", async () => {
    const e = await detectEngine({ engine: "podman", env: envWith({}) });
    expect(e.kind).toBe("podman");
    expect(e.version).toMatch(/^\d+\.\d+/);
    expect(e.rootless).toBe(false);
  });

  it("docker CLI over podman's socket honours DOCKER_HOST", async () => {
    const e = await detectEngine({ engine: "docker", env: envWith({ DOCKER_HOST: sock.dockerHost }) });
    expect(e.kind).toBe("docker");
    expect(e.version).toMatch(/^\d+\.\d+/);
  });

  it("a `docker` that is really podman is driven as podman", async () => {
    const bin = join(dir, "shim");
    mkdirSync(bin, { recursive: true });
    symlinkSync("/usr/bin/podman", join(bin, "docker"));
    const e = await probeEngine(join(bin, "docker"), envWith({}));
    expect(e.kind).toBe("podman");
  });

  it("docker with DOCKER_HOST at a dead socket: not running, with the fix", async () => {
    const dead = `unix://${join(dir, "nothing-here.sock")}`;
    const e = await detectEngine({ engine: "docker", env: envWith({ DOCKER_HOST: dead }) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ContainerError);
    expect((e as ContainerError).message).toBe(
      `the docker CLI cannot reach a Docker daemon at DOCKER_HOST=${dead} (Cannot connect to the Docker daemon at ${dead}. Is the docker daemon running?)`,
    );
    expect((e as ContainerError).hint).toMatch(/podman system service/);
  });

  it("auto-detection passes over a docker whose daemon is down and takes podman", async () => {
    const e = await detectEngine({ env: envWith({ DOCKER_HOST: `unix://${join(dir, "nothing-here.sock")}` }) });
    expect(e.kind).toBe("podman");
  });

  it("a socket the user may not open: permission denied, with the fix", async () => {
    // The docker CLI run as `nobody` (setpriv drops root) against podman's root-owned socket.
    const wrapper = join(dir, "docker-as-nobody");
    writeFileSync(wrapper, `#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups docker "$@"\n`);
    chmodSync(wrapper, 0o755);
    const e = await detectEngine({ engine: wrapper, env: envWith({ DOCKER_HOST: sock.dockerHost, HOME: "/tmp" }) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ContainerError);
    expect((e as ContainerError).message).toMatch(/^permission denied talking to the Docker daemon \(.*connect: permission denied\)$/);
    expect((e as ContainerError).hint).toMatch(/usermod -aG docker/);
  });
});
