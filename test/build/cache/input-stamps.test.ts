import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allOlderThan, ancestors, environmentKey, stampAll, stampsMatch, toolchainFiles } from "../../../src/build/cache/input-stamps.js";

const dir = mkdtempSync(join(tmpdir(), "pyts-stamps-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stampAll / stampsMatch", () => {
  it("match until a file changes, appears or a folder gains an entry", () => {
    const f = join(dir, "a.rs");
    writeFileSync(f, "fn a() {}");
    const missing = join(dir, "later.rs");
    const stamps = stampAll([f, missing, dir]);
    expect(stamps[missing]).toBe("-");
    expect(stampsMatch(stamps)).toBe(true);
    writeFileSync(f, "fn a() { }");
    expect(stampsMatch(stamps)).toBe(false);
    const again = stampAll([f, missing, dir]);
    writeFileSync(missing, "");
    expect(stampsMatch(again)).toBe(false); // appeared, and the folder gained an entry
    const third = stampAll([dir]);
    mkdirSync(join(dir, "sub"));
    expect(stampsMatch(third)).toBe(false);
  });
});

describe("allOlderThan", () => {
  it("refuses a file changed within the margin before the start, or a missing one", () => {
    const f = join(dir, "old.rs");
    writeFileSync(f, "");
    const now = Date.now();
    expect(allOlderThan([f], now)).toBe(false); // just written
    utimesSync(f, new Date(now - 10_000), new Date(now - 10_000));
    expect(allOlderThan([f], now)).toBe(true);
    expect(allOlderThan([f, join(dir, "nope")], now)).toBe(false);
  });
});

describe("environmentKey", () => {
  it("changes with any variable but not with the shell's bookkeeping or pyts-build's settings", () => {
    const base = { PATH: "/bin", RUSTFLAGS: "-Cx" };
    expect(environmentKey({ ...base, OLDPWD: "/a", _: "/usr/bin/x", SHLVL: "2" })).toBe(environmentKey(base));
    expect(environmentKey({ ...base, RUSTFLAGS: "-Cy" })).not.toBe(environmentKey(base));
    expect(environmentKey({ ...base, SOMETHING_A_BUILD_SCRIPT_READS: "1" })).not.toBe(environmentKey(base));
    expect(environmentKey({ ...base, PYTS_BUILD_CACHE_DIR: "/c" })).toBe(environmentKey(base)); // pyts-build's own

  });
});

describe("toolchainFiles", () => {
  it("names the cargo and rustc a spawn finds, rustup's toolchains and rust-toolchain files above the folders", () => {
    const bin = join(dir, "bin");
    const rustup = join(dir, "rustup");
    mkdirSync(bin, { recursive: true });
    mkdirSync(join(rustup, "toolchains", "stable-x", "bin"), { recursive: true });
    writeFileSync(join(bin, "cargo"), "", { mode: 0o755 }); // what a spawn finds: executable
    const files = toolchainFiles({ PATH: `${join(dir, "empty")}:${bin}`, RUSTUP_HOME: rustup, RUSTC: "/opt/rustc" }, [join(dir, "crate")]);
    expect(files).toContain(join(bin, "cargo"));
    expect(files).toContain("/opt/rustc");
    expect(files).toContain(join(rustup, "settings.toml"));
    expect(files).toContain(join(rustup, "toolchains"));
    expect(files).toContain(join(rustup, "toolchains", "stable-x", "bin", "rustc"));
    expect(files).toContain(join(dir, "crate", "rust-toolchain.toml"));
    expect(files).toContain(join(dir, "rust-toolchain"));
  });
});

describe("ancestors", () => {
  it("lists the folder up to the root, innermost first", () => {
    expect(ancestors("/a/b")).toEqual(["/a/b", "/a", "/"]);
  });
});
