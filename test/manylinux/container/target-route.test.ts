/**
 * target-route.ts (pure): which route a `manylinux --target` build takes, its one-line refusals, the
 * defaults it picks (images, platform, policy), and the cross route's linker judgement from what the
 * container showed. The cross route runs for real in test/e2e/manylinux-cross.test.ts. The emulation
 * route's engine arguments are checked here and not run end to end (docs/cross.md says why).
 */
import { describe, expect, it } from "vitest";
import { buildTarget } from "../../../src/build/target/cross.js";
import { ConfigError, ContainerError } from "../../../src/errors.js";
import { checkImagePlatform, crossImageFor, policyFromImageEnv } from "../../../src/manylinux/container/image.js";
import { chooseImage, choosePolicy } from "../../../src/manylinux/container/orchestrate.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { rustupDirs, rustupHasTarget, rustupInstallScript, rustupTargetAddScript } from "../../../src/manylinux/container/rust.js";
import { freshDir } from "../../helpers/env.js";
import { runArgs } from "../../../src/manylinux/container/session.js";
import { containerLinker, crossPythonSpec, crossTargetKey, enginePlatform, linkerCandidates, parseLinkerProbe, planRoute, targetLibDirs } from "../../../src/manylinux/container/target-route.js";
import { thrown } from "../../helpers/thrown.js";

const HOST = "x86_64-unknown-linux-gnu";
const t = (triple: string) => buildTarget(triple, {}, HOST)!;
const aarch64 = t("aarch64-unknown-linux-gnu");

describe("planRoute", () => {
  it("no target: native; a foreign Linux target: cross by default, emulate when asked", () => {
    expect(planRoute(undefined, {})).toEqual({ kind: "native" });
    expect(planRoute(t(HOST), {})).toEqual({ kind: "native" });
    expect(planRoute(aarch64, {}).kind).toBe("cross");
    expect(planRoute(aarch64, { emulate: true, rust: "rustup" })).toEqual({ kind: "emulate", target: aarch64, platform: "linux/arm64" });
    expect(planRoute(t("armv7-unknown-linux-gnueabihf"), { emulate: true, rust: "image" })).toMatchObject({ platform: "linux/arm/v7" });
  });

  it("refusals, each one line with a hint: a non-Linux target, --emulate with the host's Rust, --emulate without a target", () => {
    const mac = thrown(() => planRoute(t("aarch64-apple-darwin"), {}));
    expect(mac).toBeInstanceOf(ConfigError);
    expect(mac.message).toBe("manylinux builds Linux wheels, and aarch64-apple-darwin is a macOS target");
    expect((mac as ConfigError).hint).toContain("pyts-build wheel --target aarch64-apple-darwin");
    expect(thrown(() => planRoute(t("x86_64-pc-windows-msvc"), {})).message).toContain("is a Windows target");

    for (const rust of [undefined, "host"] as const) {
      const e = thrown(() => planRoute(aarch64, { emulate: true, ...(rust ? { rust } : {}) }));
      expect(e).toBeInstanceOf(ContainerError);
      expect(e.message).toBe("--emulate runs aarch64 programs in the container, where this machine's Rust toolchain (--rust host) cannot run");
      expect((e as ContainerError).hint).toContain("--rust rustup");
    }
    const none = thrown(() => planRoute(undefined, { emulate: true }));
    expect(none).toBeInstanceOf(ConfigError);
    expect(none.message).not.toContain("\n");
  });

  it("engine platforms by Linux machine name", () => {
    expect(["x86_64", "aarch64", "armv7l", "i686", "ppc64le", "s390x"].map(enginePlatform)).toEqual(["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "linux/ppc64le", "linux/s390x"]);
    expect(enginePlatform("sparc")).toBeUndefined();
  });
});

describe("images and policy of a foreign target", () => {
  it("cross: rust-cross's <policy>-cross:<arch>; emulate: pypa's image of the target's architecture; --image wins", () => {
    const cross = planRoute(aarch64, {});
    const emulate = planRoute(aarch64, { emulate: true, rust: "rustup" });
    expect(chooseImage({}, cross)).toBe("ghcr.io/rust-cross/manylinux2014-cross:aarch64");
    expect(chooseImage({ policy: "manylinux_2_28" }, cross)).toBe("ghcr.io/rust-cross/manylinux_2_28-cross:aarch64");
    expect(chooseImage({}, planRoute(t("armv7-unknown-linux-gnueabihf"), {}))).toBe("ghcr.io/rust-cross/manylinux2014-cross:armv7l");
    expect(chooseImage({}, planRoute(t("aarch64-unknown-linux-musl"), {}))).toBe("ghcr.io/rust-cross/musllinux_1_2-cross:aarch64");
    expect(chooseImage({}, emulate)).toBe("quay.io/pypa/manylinux2014_aarch64");
    expect(chooseImage({ image: "mine" }, emulate)).toBe("mine");
    expect(() => crossImageFor("manylinux_2_34", "aarch64")).toThrow(ContainerError);
  });

  it("an aarch64 image's AUDITWHEEL_PLAT is read for the target's architecture, not this machine's", () => {
    const emulate = planRoute(aarch64, { emulate: true, rust: "rustup" });
    expect(choosePolicy({ image: "x" }, { name: "x", env: { AUDITWHEEL_PLAT: "manylinux_2_28_aarch64" } }, emulate)).toBe("manylinux_2_28");
    expect(policyFromImageEnv({ AUDITWHEEL_PLAT: "manylinux_2_28_aarch64" }, "x86_64")).toBe("manylinux_2_28_aarch64"); // the old reading
    expect(choosePolicy({}, { name: "ghcr.io/rust-cross/musllinux_1_2-cross:aarch64", env: {} }, planRoute(t("aarch64-unknown-linux-musl"), {}))).toBe("musllinux_1_2");
  });

  it("an image of another architecture than the emulated platform is refused in one line", () => {
    expect(() => checkImagePlatform("x", "arm64", "linux/arm64")).not.toThrow();
    expect(() => checkImagePlatform("x", "amd64", undefined)).not.toThrow();
    const e = thrown(() => checkImagePlatform("quay.io/pypa/manylinux2014_x86_64", "amd64", "linux/arm64"));
    expect(e).toBeInstanceOf(ContainerError);
    expect(e.message).toBe("image quay.io/pypa/manylinux2014_x86_64 is built for amd64, not arm64");
  });
});

describe("the engine arguments of each route", () => {
  const engine = { kind: "podman" as const, rootless: false };
  const spec = { image: "quay.io/pypa/manylinux2014_aarch64", mounts: [], env: {}, user: { uid: 1, gid: 1 }, networkNone: true };
  it("emulation runs the image with --platform; no platform otherwise", () => {
    const a = runArgs(engine, { ...spec, platform: "linux/arm64" });
    expect(a.slice(a.indexOf("--platform"), a.indexOf("--platform") + 2)).toEqual(["--platform", "linux/arm64"]);
    expect(a.indexOf("--platform")).toBeLessThan(a.indexOf(spec.image));
    expect(runArgs(engine, spec)).not.toContain("--platform");
  });
  it("rustup installs the cross target with the toolchain", () => {
    expect(rustupInstallScript(["aarch64-unknown-linux-gnu"])).toMatch(/--default-toolchain stable --target aarch64-unknown-linux-gnu\n/);
    expect(rustupInstallScript()).not.toContain("--target");
  });
  it("a toolchain rustup installed before without the target gets it added (the check reads the cache folder)", () => {
    const cache = freshDir("rustup-target");
    const toolchain = join(rustupDirs(cache).rustupHome, "toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib");
    mkdirSync(join(toolchain, "x86_64-unknown-linux-gnu/lib"), { recursive: true });
    expect(rustupHasTarget(cache, "aarch64-unknown-linux-gnu")).toBe(false);
    mkdirSync(join(toolchain, "aarch64-unknown-linux-gnu/lib"), { recursive: true });
    expect(rustupHasTarget(cache, "aarch64-unknown-linux-gnu")).toBe(true);
    expect(rustupHasTarget(join(cache, "none"), "aarch64-unknown-linux-gnu")).toBe(false);
    expect(rustupTargetAddScript("aarch64-unknown-linux-gnu")).toContain('"$CARGO_HOME/bin/rustup" target add aarch64-unknown-linux-gnu');
  });
});

describe("cross route helpers", () => {
  it("--python values become the target's Python requests", () => {
    expect(["3.11", "cp39", "cp313t", "pp310", "pypy3.10", "3.13t"].map(crossPythonSpec)).toEqual(["python3.11", "python3.9", "python3.13t", "pypy3.10", "pypy3.10", "python3.13t"]);
  });
  it("target folders per triple, native ones as before", () => {
    expect(crossTargetKey(planRoute(aarch64, {}), "cpython-3.11")).toBe("aarch64-unknown-linux-gnu-cpython-3.11");
    expect(crossTargetKey({ kind: "native" }, "abi3")).toBe("abi3");
  });
  it("the target's library folders: TARGET_SYSROOT's, the GNU cross layout, multiarch; never the image's own /lib or /usr/lib", () => {
    const dirs = targetLibDirs(aarch64, { TARGET_SYSROOT: "/usr/aarch64-unknown-linux-gnu/aarch64-unknown-linux-gnu/sysroot/" });
    expect(dirs.slice(0, 2)).toEqual(["/usr/aarch64-unknown-linux-gnu/aarch64-unknown-linux-gnu/sysroot/lib64", "/usr/aarch64-unknown-linux-gnu/aarch64-unknown-linux-gnu/sysroot/lib"]);
    expect(dirs).toContain("/usr/aarch64-linux-gnu/lib");
    expect(dirs).toContain("/usr/lib/aarch64-linux-gnu");
    expect(targetLibDirs(aarch64, {}).some((d) => ["/lib", "/usr/lib", "/lib64", "/usr/lib64"].includes(d))).toBe(false);
  });
});

describe("the linker, judged by what the container shows", () => {
  const probe = (text: string) => parseLinkerProbe(text);
  const env = { PATH: "/usr/bin" };
  it("parses the probe's configuration files and the linkers found", () => {
    const p = probe("@@config /w/.cargo/config.toml\n[target.aarch64-unknown-linux-gnu]\nlinker = \"x\"\n\n@@found aarch64-linux-gnu-gcc\n");
    expect(p.configs).toEqual([{ file: "/w/.cargo/config.toml", text: '[target.aarch64-unknown-linux-gnu]\nlinker = "x"\n\n' }]);
    expect(p.found).toEqual(["aarch64-linux-gnu-gcc"]);
  });
  it("nothing named: the container's <gnu-triple>-gcc; the image's variable, a config file or --config: left to cargo", () => {
    expect(containerLinker(aarch64, { env, probe: probe("@@found aarch64-linux-gnu-gcc\n"), image: "i" })).toEqual({ name: "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", value: "aarch64-linux-gnu-gcc" });
    expect(containerLinker(aarch64, { env: { ...env, CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: "aarch64-unknown-linux-gnu-gcc" }, probe: probe(""), image: "i" })).toBeUndefined();
    expect(containerLinker(aarch64, { env, probe: probe("@@config /p/.cargo/config.toml\n[target.aarch64-unknown-linux-gnu]\nlinker = \"cc-x\"\n"), image: "i" })).toBeUndefined();
    expect(containerLinker(aarch64, { env, probe: probe(""), image: "i", config: ["target.aarch64-unknown-linux-gnu.linker='z'"] })).toBeUndefined();
  });
  it("the image's TARGET_CC comes first among the candidates (rust-cross's crosstool names)", () => {
    const cross = { TARGET_CC: "aarch64-unknown-linux-gnu-gcc" };
    expect(linkerCandidates(aarch64, cross)).toEqual(["aarch64-unknown-linux-gnu-gcc", "aarch64-linux-gnu-gcc"]);
    // an image for another triple: its TARGET_CC is that triple's compiler
    const armv7 = t("armv7-unknown-linux-gnueabihf");
    expect(linkerCandidates(armv7, { ...cross, CARGO_BUILD_TARGET: "aarch64-unknown-linux-gnu" })).toEqual(["arm-linux-gnueabihf-gcc"]);
    expect(linkerCandidates(aarch64, { ...cross, CARGO_BUILD_TARGET: "aarch64-unknown-linux-gnu" })[0]).toBe("aarch64-unknown-linux-gnu-gcc");
    expect(containerLinker(aarch64, { env: cross, probe: probe("@@found aarch64-unknown-linux-gnu-gcc\n"), image: "i" })?.value).toBe("aarch64-unknown-linux-gnu-gcc");
  });
  it("no linker in the container: one line naming the image, even when this machine has a cross gcc", () => {
    const e = thrown(() => containerLinker(aarch64, { env, probe: probe(""), image: "localhost/plain" }));
    expect(e).toBeInstanceOf(ContainerError);
    expect(e.message).toBe("no linker for aarch64-unknown-linux-gnu in localhost/plain: cargo would link with the container's own cc, and aarch64-linux-gnu-gcc is not on its PATH");
  });
});
