/** session.ts and build-root.ts: the `run` command line of a build container (pure). */
import { describe, expect, it } from "vitest";
import { buildRootSpec, cacheDirs, imageSlug } from "../../../src/manylinux/container/build-root.js";
import { hostRustSetup } from "../../../src/manylinux/container/rust.js";
import { runArgs, userArgs } from "../../../src/manylinux/container/session.js";

const rootful = { kind: "podman" as const, rootless: false };
const user = { uid: 1000, gid: 100 };

describe("userArgs: files land as the host user in every engine mode", () => {
  it("rootful docker/podman: run as the user", () => {
    expect(userArgs(rootful, user)).toEqual(["--user", "1000:100"]);
    expect(userArgs({ kind: "docker", rootless: false }, user)).toEqual(["--user", "1000:100"]);
  });
  it("rootless podman: keep-id maps the user to itself", () => {
    expect(userArgs({ kind: "podman", rootless: true }, user)).toEqual(["--userns=keep-id", "--user", "1000:100"]);
  });
  it("rootless docker: container root is the host user", () => {
    expect(userArgs({ kind: "docker", rootless: true }, user)).toEqual(["--user", "0:0"]);
  });
});

describe("runArgs", () => {
  it("no pull, no network, mounts, env and workdir, then the image and command", () => {
    const a = runArgs(rootful, {
      image: "img:1",
      mounts: [
        { host: "/p", container: "/p", readOnly: true },
        { host: "/c", container: "/c" },
      ],
      env: { A: "1", PATH: "/x:/y" },
      workdir: "/p",
      user,
      networkNone: true,
    }, ["true"]);
    expect(a).toEqual([
      "run", "--rm", "--pull", "never", "--label", "org.pyts-build.role=build", "--detach",
      "--network", "none", "--security-opt", "label=disable", "--user", "1000:100",
      "--volume", "/p:/p:ro", "--volume", "/c:/c",
      "--env", "A=1", "--env", "PATH=/x:/y", "--workdir", "/p", "img:1", "true",
    ]);
  });
  it("the networked rustup step is neither detached nor isolated", () => {
    const a = runArgs(rootful, { image: "i", mounts: [], env: {}, user, networkNone: false }, ["sh"], false);
    expect(a).not.toContain("--detach");
    expect(a).not.toContain("--network");
  });
});

describe("build root", () => {
  it("imageSlug is readable and tells images apart", () => {
    expect(imageSlug("quay.io/pypa/manylinux2014_x86_64")).toMatch(/^pypa_manylinux2014_x86_64-[0-9a-f]{8}$/);
    expect(imageSlug("a/b:1")).not.toBe(imageSlug("a/b:2"));
  });

  it("sources read-only (outermost only), the cache read-write after them, the toolchain at a fixed path", () => {
    const cache = cacheDirs("/proj/target", "img");
    const spec = buildRootSpec({
      engine: { kind: "docker", command: "docker", version: "28", rootless: false, env: {} },
      image: { name: "img", env: { PATH: "/usr/bin:/bin" } },
      sourceDirs: ["/proj", "/proj/sub", "/elsewhere/dep"],
      cache,
      rust: hostRustSetup({ sysroot: "/home/u/.rustup/toolchains/stable", host: "x86_64-unknown-linux-gnu", version: "rustc 1.95.0" }),
      user,
      workdir: "/proj",
    });
    expect(spec.mounts).toEqual([
      { host: "/elsewhere/dep", container: "/elsewhere/dep", readOnly: true },
      { host: "/proj", container: "/proj", readOnly: true },
      { host: "/proj/target/pyts-build/manylinux", container: "/proj/target/pyts-build/manylinux" },
      { host: "/home/u/.rustup/toolchains/stable", container: "/opt/pyts-build/rust", readOnly: true },
    ]);
    expect(spec.env.PATH).toBe("/opt/pyts-build/rust/bin:/usr/bin:/bin");
    expect(spec.env.CARGO_HOME).toBe(cache.cargoHome);
    expect(spec.env.HOME).toBe(cache.home);
    expect(spec.networkNone).toBe(true);
    expect(cache.target("cpython-3.9")).toBe(`${cache.image}/target/cpython-3.9`);
  });
});
