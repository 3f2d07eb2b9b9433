/**
 * engine-errors.ts: the engines' own messages (captured verbatim from docker 28.2
 * and podman 4.3 on this machine, and docker's documented permission error)
 * become one ContainerError with the fix.
 */
import { describe, expect, it } from "vitest";
import { ContainerError } from "../../../src/errors.js";
import { classifyEngineOutput, engineError, lastErrorLine } from "../../../src/manylinux/container/engine-errors.js";

const DOCKER_DEAD = "Cannot connect to the Docker daemon at unix:///tmp/dead.sock. Is the docker daemon running?\n";
const DOCKER_PERMISSION =
  'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/info": dial unix /var/run/docker.sock: connect: permission denied\n';
const PODMAN_REMOTE_DEAD =
  "Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\n" +
  'Error: unable to connect to Podman socket: Get "http://d/v4.3.1/libpod/_ping": dial unix /tmp/dead.sock: connect: no such file or directory\n';
const PODMAN_PULL_FAILED =
  "Trying to pull localhost/nope:1...\n" +
  'time="2026-11-24T10:54:14Z" level=warning msg="Failed, retrying in 1s ... (1/3). Error: initializing source docker://localhost/nope:1: pinging container registry localhost: Get \\"https://localhost/v2/\\": dial tcp 127.0.0.1:443: connect: connection refused"\n' +
  'Error: initializing source docker://localhost/nope:1: pinging container registry localhost: Get "https://localhost/v2/": dial tcp 127.0.0.1:443: connect: connection refused\n';
const PODMAN_NOT_KNOWN = "Error: quay.io/pypa/manylinux2014_x86_64: image not known\n";
const DOCKER_RUN_NO_IMAGE = "docker: Error response from daemon: no such image: localhost/nope:1: image not known\n\nRun 'docker run --help' for more information\n";
const PODMAN_ROOTLESS = 'Error: cannot find UID/GID for user alice: no subuid ranges found for user "alice" in /etc/subuid\n';

describe("classifyEngineOutput", () => {
  it.each([
    [DOCKER_DEAD, "not-running"],
    [PODMAN_REMOTE_DEAD, "not-running"],
    [DOCKER_PERMISSION, "permission"],
    [PODMAN_PULL_FAILED, "image-missing"],
    [PODMAN_NOT_KNOWN, "image-missing"],
    [DOCKER_RUN_NO_IMAGE, "image-missing"],
    [PODMAN_ROOTLESS, "rootless-setup"],
    ["Error: OCI runtime error: something odd\n", "other"],
  ])("%j -> %s", (text, kind) => {
    expect(classifyEngineOutput(text)).toBe(kind);
  });
});

describe("lastErrorLine", () => {
  it("skips retries, warnings and the --help footer", () => {
    expect(lastErrorLine(PODMAN_PULL_FAILED)).toMatch(/^initializing source docker:\/\/localhost\/nope:1: pinging container registry/);
    expect(lastErrorLine(DOCKER_RUN_NO_IMAGE)).toBe("no such image: localhost/nope:1: image not known");
  });
});

describe("engineError", () => {
  it("docker not running names DOCKER_HOST and how to start a daemon or use podman", () => {
    const e = engineError(DOCKER_DEAD, { kind: "docker", command: "docker", action: "probe", env: { DOCKER_HOST: "unix:///tmp/dead.sock" } });
    expect(e).toBeInstanceOf(ContainerError);
    expect(e.message).toContain("DOCKER_HOST=unix:///tmp/dead.sock");
    expect(e.hint).toMatch(/systemctl start docker/);
    expect(e.hint).toMatch(/--engine podman/);
  });

  it("docker without DOCKER_HOST names the default socket", () => {
    expect(engineError(DOCKER_DEAD, { kind: "docker", command: "docker", action: "probe", env: {} }).message).toContain("/var/run/docker.sock");
  });

  it("permission denied says how to get access", () => {
    const e = engineError(DOCKER_PERMISSION, { kind: "docker", command: "docker", action: "probe", env: {} });
    expect(e.message).toMatch(/^permission denied talking to the Docker daemon/);
    expect(e.hint).toMatch(/usermod -aG docker/);
  });

  it("a missing image names the image and how to get it", () => {
    const e = engineError(PODMAN_PULL_FAILED, { kind: "podman", command: "podman", action: "pull", image: "localhost/nope:1" });
    expect(e.message).toMatch(/^container image localhost\/nope:1 is not available locally and could not be pulled \(initializing source/);
    expect(e.hint).toContain("podman pull localhost/nope:1");
    expect(e.hint).toContain("--image");
  });

  it("rootless podman without subordinate ids names the fix", () => {
    expect(engineError(PODMAN_ROOTLESS, { kind: "podman", command: "podman", action: "probe" }).hint).toMatch(/--add-subuids/);
  });

  it("an unrecognised failure keeps the engine's last line, or what the caller says it means", () => {
    const text = "Error: something new\n";
    expect(engineError(text, { kind: "podman", command: "/usr/bin/podman", action: "start a container" }).message).toBe("/usr/bin/podman failed to start a container: something new");
    expect(engineError(text, { kind: "podman", command: "podman", action: "pull x", image: "x", otherwise: "image-missing" }).message).toMatch(/^container image x is not available/);
  });
});
