import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cargoMetadataJson, metadataArgs, metadataError } from "../../../src/build/cargo/cargo-metadata.js";
import { CargoError, ConfigError, ToolMissingError } from "../../../src/errors.js";
import { freshDir, testEnv } from "../../helpers/env.js";

const crate = (toml: string) => {
  const d = freshDir("cargo-metadata");
  writeFileSync(join(d, "Cargo.toml"), toml);
  writeFileSync(join(d, "lib.rs"), "");
  return d;
};
const PKG = '[package]\nname = "m"\nversion = "0.1.0"\nedition = "2021"\n[lib]\npath = "lib.rs"\n';

describe("metadataArgs", () => {
  it("--no-deps by default; offline and --config when asked", () => {
    expect(metadataArgs("/c/Cargo.toml")).toEqual(["metadata", "--format-version", "1", "--no-deps", "--manifest-path", "/c/Cargo.toml"]);
    expect(metadataArgs("C", { noDeps: false, offline: true, config: ["v.toml"] })).toEqual(["metadata", "--format-version", "1", "--offline", "--config", "v.toml", "--manifest-path", "C"]);
  });
});

describe("metadataError: one wording for every caller", () => {
  it("a missing path dependency is the project's ConfigError", () => {
    const e = metadataError("/w/Cargo.toml", "error: failed to load manifest for dependency `dep`\n\nCaused by:\n  failed to read `/w/dep/Cargo.toml`\n");
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('/w/Cargo.toml: path dependency "dep" points at /w/dep, which holds no Cargo.toml');
  });
  it("anything else: cargo's condensed message, named after the manifest", () => {
    const e = metadataError("/w/Cargo.toml", "error: failed to parse manifest at `/w/Cargo.toml`\n\nCaused by:\n  missing field `name`\n");
    expect(e).toBeInstanceOf(CargoError);
    expect(e.message).toBe("cargo metadata failed for /w/Cargo.toml: failed to parse manifest at `/w/Cargo.toml`: missing field `name`");
    expect(e.hint).toMatch(/cargo metadata --manifest-path \/w\/Cargo.toml/);
  });
});

describe("cargoMetadataJson (real cargo)", () => {
  it("answers with the packages, the workspace root and the target folder", async () => {
    const d = crate(PKG);
    const m = await cargoMetadataJson(join(d, "Cargo.toml"), { env: testEnv() });
    expect(m.workspace_root).toBe(d);
    expect(m.target_directory).toBe(join(d, "target"));
    expect(m.packages.map((p) => [p.name, p.source])).toEqual([["m", null]]);
  });
  it("a broken manifest: the one-line CargoError", async () => {
    const d = crate('[package]\nversion = "0.1.0"\n');
    await expect(cargoMetadataJson(join(d, "Cargo.toml"), { env: testEnv() })).rejects.toThrow(new RegExp(`^cargo metadata failed for ${join(d, "Cargo.toml")}: .*name`));
  });
  it("a missing path dependency: ConfigError", async () => {
    const d = crate(PKG + '[dependencies]\ngone = { path = "gone" }\n');
    // --no-deps does not load path dependencies; a resolving query (as the container build makes) does
    const e = await cargoMetadataJson(join(d, "Cargo.toml"), { env: testEnv(), noDeps: false, offline: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(/path dependency "gone" points at .*gone, which holds no Cargo.toml/);
  });
  it("no cargo: ToolMissingError", async () => {
    const d = crate(PKG);
    await expect(cargoMetadataJson(join(d, "Cargo.toml"), { env: testEnv({ CARGO: "/no/cargo" }) })).rejects.toBeInstanceOf(ToolMissingError);
  });
});
