/** Rust target triples -> architecture, system, C library, machine, PLATFORM_TRIPLET and platform tags (src/build/target/triple.ts). */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { cargoTargetVar, hostTriple, isForeign, KNOWN_TARGETS, macosVersionFor, parseTriple, platformTriplet, sysconfigPlatform, targetPlatformTags } from "../../../src/build/target/triple.js";

describe("parseTriple", () => {
  it("reads every listed target; each has exactly the platform tags of its kind", () => {
    const tags = Object.fromEntries(KNOWN_TARGETS.map((t) => [t, targetPlatformTags(parseTriple(t)).join(".")]));
    expect(tags).toEqual({
      "x86_64-unknown-linux-gnu": "linux_x86_64",
      "i686-unknown-linux-gnu": "linux_i686",
      "aarch64-unknown-linux-gnu": "linux_aarch64",
      "armv7-unknown-linux-gnueabihf": "linux_armv7l",
      "powerpc64le-unknown-linux-gnu": "linux_ppc64le",
      "s390x-unknown-linux-gnu": "linux_s390x",
      "x86_64-unknown-linux-musl": "linux_x86_64",
      "i686-unknown-linux-musl": "linux_i686",
      "aarch64-unknown-linux-musl": "linux_aarch64",
      "armv7-unknown-linux-musleabihf": "linux_armv7l",
      "x86_64-apple-darwin": "macosx_10_12_x86_64",
      "aarch64-apple-darwin": "macosx_11_0_arm64",
      "universal2-apple-darwin": "macosx_10_12_x86_64.macosx_11_0_arm64.macosx_10_12_universal2",
      "x86_64-pc-windows-msvc": "win_amd64",
      "aarch64-pc-windows-msvc": "win_arm64",
      "i686-pc-windows-msvc": "win32",
      "x86_64-pc-windows-gnu": "win_amd64",
    });
  });

  it("knows the C library, pointer width and platform.machine() of the target", () => {
    expect(parseTriple("armv7-unknown-linux-gnueabihf")).toEqual({ triple: "armv7-unknown-linux-gnueabihf", arch: "armv7", system: "linux", env: "gnueabihf", libc: "glibc", pointerWidth: 32, machine: "armv7l" });
    expect(parseTriple("aarch64-unknown-linux-musl")).toMatchObject({ libc: "musl", pointerWidth: 64, machine: "aarch64" });
    expect(parseTriple("aarch64-apple-darwin")).toMatchObject({ system: "darwin", machine: "arm64", env: "" });
    expect(parseTriple("aarch64-pc-windows-msvc")).toMatchObject({ system: "windows", machine: "ARM64", env: "msvc" });
    expect(parseTriple("i686-pc-windows-gnu")).toMatchObject({ pointerWidth: 32, machine: "x86" });
    expect(parseTriple("riscv64gc-unknown-linux-gnu")).toMatchObject({ arch: "riscv64", machine: "riscv64" });
  });

  it("a triple it cannot tag is a ConfigError naming the option", () => {
    expect(() => parseTriple("aarch64")).toThrow(ConfigError);
    expect(() => parseTriple("wasm32-unknown-unknown")).toThrow(/--target wasm32-unknown-unknown: pyts-build has no wheel platform for the architecture wasm32/);
    expect(() => parseTriple("x86_64-unknown-freebsd", "CARGO_BUILD_TARGET")).toThrow(/^CARGO_BUILD_TARGET x86_64-unknown-freebsd: .*Linux, macOS and Windows/);
    expect(() => parseTriple("universal2-unknown-linux-gnu")).toThrow(/only for macOS/);
  });
});

describe("CPython's PLATFORM_TRIPLET and sysconfig platform", () => {
  it("follows configure.ac's names (arm, i386, powerpc64le; musl variants)", () => {
    const triplet = (t: string) => platformTriplet(parseTriple(t));
    expect(triplet("aarch64-unknown-linux-gnu")).toBe("aarch64-linux-gnu");
    expect(triplet("armv7-unknown-linux-gnueabihf")).toBe("arm-linux-gnueabihf");
    expect(triplet("i686-unknown-linux-gnu")).toBe("i386-linux-gnu");
    expect(triplet("powerpc64le-unknown-linux-gnu")).toBe("powerpc64le-linux-gnu");
    expect(triplet("s390x-unknown-linux-gnu")).toBe("s390x-linux-gnu");
    expect(triplet("x86_64-unknown-linux-musl")).toBe("x86_64-linux-musl");
    expect(triplet("armv7-unknown-linux-musleabihf")).toBe("arm-linux-musleabihf");
    expect(triplet("x86_64-apple-darwin")).toBe("darwin");
    expect(triplet("x86_64-pc-windows-msvc")).toBeUndefined();
  });

  it("sysconfig.get_platform() per system; MACOSX_DEPLOYMENT_TARGET raises, never lowers, the macOS version", () => {
    expect(sysconfigPlatform(parseTriple("i686-pc-windows-msvc"))).toBe("win32");
    expect(sysconfigPlatform(parseTriple("aarch64-unknown-linux-gnu"))).toBe("linux-aarch64");
    // from macOS 11 on, pip takes only N.0 tags (packaging's mac_platforms), so 12.3 is described as 12.0
    expect(sysconfigPlatform(parseTriple("aarch64-apple-darwin"), "12.3")).toBe("macosx-12.0-arm64");
    expect(targetPlatformTags(parseTriple("universal2-apple-darwin"), "14.2")).toEqual(["macosx_14_0_x86_64", "macosx_14_0_arm64", "macosx_14_0_universal2"]);
    expect(macosVersionFor("aarch64", "10.9")).toBe("11.0");
    expect(macosVersionFor("x86_64", "10.15")).toBe("10.15");
    expect(targetPlatformTags(parseTriple("universal2-apple-darwin"), "11.0")).toEqual(["macosx_11_0_x86_64", "macosx_11_0_arm64", "macosx_11_0_universal2"]);
  });
});

describe("host and foreign", () => {
  it("names this machine the way rustc does", () => {
    expect(hostTriple("linux", "x64")).toBe("x86_64-unknown-linux-gnu");
    expect(hostTriple("linux", "arm64", true)).toBe("aarch64-unknown-linux-musl");
    expect(hostTriple("linux", "arm")).toBe("armv7-unknown-linux-gnueabihf");
    expect(hostTriple("darwin", "arm64")).toBe("aarch64-apple-darwin");
    expect(hostTriple("win32", "x64")).toBe("x86_64-pc-windows-msvc");
  });

  it("another architecture, system or C library is foreign; the host's own triple is not", () => {
    const host = parseTriple("x86_64-unknown-linux-gnu");
    expect(isForeign(parseTriple("x86_64-unknown-linux-gnu"), host)).toBe(false);
    expect(isForeign(parseTriple("aarch64-unknown-linux-gnu"), host)).toBe(true);
    expect(isForeign(parseTriple("x86_64-unknown-linux-musl"), host)).toBe(true);
    expect(isForeign(parseTriple("x86_64-pc-windows-msvc"), host)).toBe(true);
  });

  it("cargo's per-target variable names", () => {
    expect(cargoTargetVar("armv7-unknown-linux-gnueabihf", "LINKER")).toBe("CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER");
  });
});
