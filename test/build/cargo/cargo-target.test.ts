import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cargoMetadata } from "../../../src/build/cargo/cargo-target.js";
import { ToolMissingError } from "../../../src/errors.js";
import { freshDir, testEnv } from "../../helpers/env.js";

const PKG = '[package]\nname = "t"\nversion = "0.1.0"\nedition = "2021"\n[lib]\npath = "lib.rs"\n';

/** A crate in its own folder (below a parent that can become a workspace) and a private cache folder. */
function setup() {
  const root = freshDir("cargo-target");
  const d = join(root, "crate");
  mkdirSync(d);
  writeFileSync(join(d, "Cargo.toml"), PKG);
  writeFileSync(join(d, "lib.rs"), "");
  return { root, d, manifest: join(d, "Cargo.toml"), cacheDir: join(root, "cache") };
}

// cargo cannot be found with this PATH: an answer then can only come from the cache
const noCargo = () => testEnv({ PATH: "/nonexistent", CARGO: undefined });

describe("cargoMetadata: the target folder, remembered", () => {
  it("asks cargo once; the second answer comes from the cache (cargo unreachable)", async () => {
    const s = setup();
    const first = await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir });
    expect(first).toEqual({ targetDirectory: join(s.d, "target"), workspaceRoot: s.d });
    expect(readdirSync(s.cacheDir)).toHaveLength(1);
    expect(await cargoMetadata(s.manifest, { env: noCargo(), cwd: s.d, cacheDir: s.cacheDir })).toEqual(first);
  });

  it("asks again when Cargo.toml changes", async () => {
    const s = setup();
    await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir });
    appendFileSync(s.manifest, "# changed\n");
    await expect(cargoMetadata(s.manifest, { env: noCargo(), cwd: s.d, cacheDir: s.cacheDir })).rejects.toBeInstanceOf(ToolMissingError);
  });

  it("a new .cargo/config.toml moving the target folder is seen", async () => {
    const s = setup();
    await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir });
    mkdirSync(join(s.root, ".cargo"));
    writeFileSync(join(s.root, ".cargo", "config.toml"), '[build]\ntarget-dir = "elsewhere"\n');
    expect((await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir })).targetDirectory).toBe(join(s.root, "elsewhere"));
  });

  it("a new workspace manifest above the crate is seen", async () => {
    const s = setup();
    await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir });
    writeFileSync(join(s.root, "Cargo.toml"), '[workspace]\nmembers = ["crate"]\nresolver = "2"\n');
    expect(await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir })).toEqual({ targetDirectory: join(s.root, "target"), workspaceRoot: s.root });
  });

  it("CARGO_TARGET_DIR and --config are part of the question", async () => {
    const s = setup();
    await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir });
    const t = join(s.root, "t2");
    expect((await cargoMetadata(s.manifest, { env: testEnv({ CARGO_TARGET_DIR: t }), cwd: s.d, cacheDir: s.cacheDir })).targetDirectory).toBe(t);
    const c = join(s.root, "t3");
    expect((await cargoMetadata(s.manifest, { env: testEnv(), cwd: s.d, cacheDir: s.cacheDir, config: [`build.target-dir="${c}"`] })).targetDirectory).toBe(c);
  });
});

/** The real cargo, with the same key variables as noCargo() (PATH is not part of the key). */
function noCargoButReal() {
  return testEnv({ CARGO: undefined });
}

describe("cargoMetadata: a --config file", () => {
  it("its content is an input too", async () => {
    const s = setup();
    const file = join(s.root, "extra.toml");
    writeFileSync(file, `[build]\ntarget-dir = "${join(s.root, "one")}"\n`);
    expect((await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir, config: [file] })).targetDirectory).toBe(join(s.root, "one"));
    writeFileSync(file, `[build]\ntarget-dir = "${join(s.root, "two")}"\n`);
    expect((await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir, config: [file] })).targetDirectory).toBe(join(s.root, "two"));
  });
});

describe("cargoMetadata: files a configuration file includes", () => {
  it("are inputs, nested and optional ones too", async () => {
    const s = setup();
    const cfg = join(s.root, ".cargo");
    mkdirSync(cfg);
    writeFileSync(join(cfg, "config.toml"), 'include = ["extra.toml", { path = "optional.toml", optional = true }]\n');
    writeFileSync(join(cfg, "extra.toml"), 'include = ["more.toml"]\n');
    writeFileSync(join(cfg, "more.toml"), '[build]\ntarget-dir = "one"\n');
    const ask = async () => (await cargoMetadata(s.manifest, { env: noCargoButReal(), cwd: s.d, cacheDir: s.cacheDir })).targetDirectory;
    // (a relative path in a configuration file is relative to the folder holding its .cargo)
    expect(await ask()).toBe(join(s.root, "one"));
    writeFileSync(join(cfg, "more.toml"), '[build]\ntarget-dir = "two"\n');
    expect(await ask()).toBe(join(s.root, "two"));
    writeFileSync(join(cfg, "more.toml"), "");
    expect(await ask()).toBe(join(s.d, "target"));
    writeFileSync(join(cfg, "optional.toml"), '[build]\ntarget-dir = "three"\n');
    expect(await ask()).toBe(join(s.root, "three"));
  });
});
