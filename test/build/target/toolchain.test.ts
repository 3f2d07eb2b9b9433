/**
 * The linker of a foreign Linux target and the missing-std hint (src/build/target/toolchain.ts):
 * real files on a temporary PATH and in temporary .cargo folders, no cargo needed.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { chooseLinker, configNamesLinker, crossStripEnv, configuredLinker, crossGccPrefix, debianArch, missingStdHint, usesRustup } from "../../../src/build/target/toolchain.js";
import { parseTriple } from "../../../src/build/target/triple.js";

const scratch = mkdtempSync(join(tmpdir(), "toolchain-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const aarch64 = parseTriple("aarch64-unknown-linux-gnu");
const bin = join(scratch, "bin");
mkdirSync(bin);
writeFileSync(join(bin, "aarch64-linux-gnu-gcc"), "#!/bin/sh\n");
chmodSync(join(bin, "aarch64-linux-gnu-gcc"), 0o755);
const project = join(scratch, "project");
mkdirSync(project);
const home = join(scratch, "cargo-home"); // no config in it
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: bin, CARGO_HOME: home, ...extra });

describe("names", () => {
  it("the cross gcc and Debian's architecture of a target", () => {
    expect(crossGccPrefix(parseTriple("armv7-unknown-linux-gnueabihf"))).toBe("arm-linux-gnueabihf");
    expect(crossGccPrefix(parseTriple("powerpc64le-unknown-linux-gnu"))).toBe("powerpc64le-linux-gnu");
    expect(crossGccPrefix(parseTriple("aarch64-unknown-linux-musl"))).toBe("aarch64-linux-musl");
    expect(debianArch(parseTriple("armv7-unknown-linux-gnueabihf"))).toBe("armhf");
    expect(debianArch(parseTriple("powerpc64le-unknown-linux-gnu"))).toBe("ppc64el");
    expect(debianArch(parseTriple("aarch64-unknown-linux-musl"))).toBeUndefined();
  });

  it("the missing-std hint: rustup's command when rustup is in use, else the distribution's package", () => {
    expect(missingStdHint("aarch64-unknown-linux-gnu", aarch64, true)).toBe("add it with `rustup target add aarch64-unknown-linux-gnu`");
    expect(missingStdHint("aarch64-unknown-linux-gnu", aarch64, false)).toMatch(/dpkg --add-architecture arm64, then apt-get install libstd-rust-dev:arm64, or libstd-rust-web-dev:arm64 for rustc-web/);
    // universal2 builds two targets: one command adds both
    const both = ["x86_64-apple-darwin", "aarch64-apple-darwin"];
    expect(missingStdHint(both, undefined, true)).toBe("add them with `rustup target add x86_64-apple-darwin aarch64-apple-darwin`");
    expect(missingStdHint(both, undefined, false)).toBe(
      "install your distribution's Rust standard library for x86_64-apple-darwin and aarch64-apple-darwin, or use rustup and `rustup target add x86_64-apple-darwin aarch64-apple-darwin`",
    );
  });

  it("rustup is in use when the rustc cargo runs sits beside rustup (its proxies) or inside a rustup toolchain", () => {
    const proxies = join(scratch, "cargo-bin");
    const distro = join(scratch, "usr-bin");
    for (const [d, names] of [[proxies, ["rustc", "rustup"]], [distro, ["rustc"]]] as const) {
      mkdirSync(d, { recursive: true });
      for (const n of names) {
        writeFileSync(join(d, n), "#!/bin/sh\n");
        chmodSync(join(d, n), 0o755);
      }
    }
    expect(usesRustup({ PATH: proxies })).toBe(true);
    expect(usesRustup({ PATH: proxies, RUSTC: join(distro, "rustc") })).toBe(false);
    expect(usesRustup({ PATH: distro })).toBe(false);
    expect(usesRustup({ PATH: "" })).toBe(false);
  });
});

describe("linker", () => {
  it("a config text names a linker for the triple, or for a cfg() table", () => {
    expect(configNamesLinker('[target.aarch64-unknown-linux-gnu]\nlinker = "x-gcc"\n', "aarch64-unknown-linux-gnu")).toBe(true);
    expect(configNamesLinker("[target.'cfg(target_os = \"linux\")']\nlinker = \"x\"\n", "aarch64-unknown-linux-gnu")).toBe(true);
    expect(configNamesLinker('target.aarch64-unknown-linux-gnu.linker = "x"', "aarch64-unknown-linux-gnu")).toBe(true);
    expect(configNamesLinker('[target.armv7-unknown-linux-gnueabihf]\nlinker = "x"\n', "aarch64-unknown-linux-gnu")).toBe(false);
    expect(configNamesLinker('[target.aarch64-unknown-linux-gnu]\nrunner = "qemu"\n# linker = "x"\n', "aarch64-unknown-linux-gnu")).toBe(false);
  });

  it("nothing configured and the cross gcc on PATH: that one, as cargo's variable", () => {
    expect(chooseLinker(aarch64, { env: env(), cwd: project })).toEqual({ name: "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", value: "aarch64-linux-gnu-gcc" });
  });

  it("the user's choice wins: variable, --config, RUSTFLAGS, a .cargo/config.toml above the working folder", () => {
    expect(chooseLinker(aarch64, { env: env({ CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: "clang" }), cwd: project })).toBeUndefined();
    expect(chooseLinker(aarch64, { env: env(), cwd: project, config: ['target.aarch64-unknown-linux-gnu.linker="clang"'] })).toBeUndefined();
    expect(chooseLinker(aarch64, { env: env({ RUSTFLAGS: "-C linker=clang" }), cwd: project })).toBeUndefined();
    const nested = join(scratch, "ws", "crate");
    mkdirSync(join(scratch, "ws", ".cargo"), { recursive: true });
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(scratch, "ws", ".cargo", "config.toml"), '[target.aarch64-unknown-linux-gnu]\nlinker = "/opt/cross/bin/gcc"\n');
    expect(configuredLinker("aarch64-unknown-linux-gnu", { env: env(), cwd: nested })).toBe(join(scratch, "ws", ".cargo", "config.toml"));
    expect(chooseLinker(aarch64, { env: env(), cwd: nested })).toBeUndefined();
  });

  it("no linker anywhere: a one-line ConfigError naming the package and the variable", () => {
    const arm = parseTriple("armv7-unknown-linux-gnueabihf");
    expect(() => chooseLinker(arm, { env: env(), cwd: project })).toThrow(ConfigError);
    try {
      chooseLinker(arm, { env: env(), cwd: project });
    } catch (e) {
      expect((e as ConfigError).message).toBe("no linker for armv7-unknown-linux-gnueabihf: cargo would link with this machine's cc, and arm-linux-gnueabihf-gcc is not on PATH");
      expect((e as ConfigError).hint).toMatch(/apt-get install gcc-arm-linux-gnueabihf libc6-dev-armhf-cross\) or set CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER/);
    }
  });

  it("--strip of a foreign file: the target's strip from PATH, unless STRIP is set", () => {
    writeFileSync(join(bin, "aarch64-linux-gnu-strip"), "#!/bin/sh\n");
    chmodSync(join(bin, "aarch64-linux-gnu-strip"), 0o755);
    expect(crossStripEnv(aarch64, env()).STRIP).toBe(join(bin, "aarch64-linux-gnu-strip"));
    expect(crossStripEnv(aarch64, env({ STRIP: "llvm-strip" })).STRIP).toBe("llvm-strip");
    expect(crossStripEnv(parseTriple("armv7-unknown-linux-gnueabihf"), env()).STRIP).toBeUndefined();
  });

  it("macOS and Windows targets: the user's SDK setup, nothing chosen", () => {
    expect(chooseLinker(parseTriple("aarch64-apple-darwin"), { env: env(), cwd: project })).toBeUndefined();
  });
});
