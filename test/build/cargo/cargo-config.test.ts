import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configuredSourceFolders, includedPaths, sourceFolders, withIncludes } from "../../../src/build/cargo/cargo-config.js";
import { freshDir } from "../../helpers/env.js";

describe("includedPaths", () => {
  it("takes strings and { path, optional } tables, relative to the including file's folder", () => {
    expect(includedPaths({ include: ["a.toml", { path: "/abs/b.toml", optional: true }, { path: "../c.toml" }] }, "/p/.cargo")).toEqual(["/p/.cargo/a.toml", "/abs/b.toml", "/p/c.toml"]);
  });
  it("ignores what is not a path (cargo reports it itself)", () => {
    expect(includedPaths({ include: [3, { optional: true }, ""] }, "/p")).toEqual([]);
    expect(includedPaths({}, "/p")).toEqual([]);
  });
});

describe("sourceFolders", () => {
  it("lists directory and local-registry sources, relative to the base", () => {
    const table = { source: { "crates-io": { "replace-with": "v" }, v: { directory: "vendor" }, l: { "local-registry": "/srv/reg" }, g: { git: "https://x" } } };
    expect(sourceFolders(table, "/p")).toEqual(["/p/vendor", "/srv/reg"]);
  });
});

describe("withIncludes and configuredSourceFolders (files on disk)", () => {
  it("follows includes recursively, keeps absent ones, survives a cycle and bad TOML", () => {
    const d = freshDir("cargo-config");
    mkdirSync(join(d, ".cargo"));
    const cfg = join(d, ".cargo", "config.toml");
    writeFileSync(cfg, 'include = ["one.toml", { path = "maybe.toml", optional = true }]\n');
    writeFileSync(join(d, ".cargo", "one.toml"), 'include = ["../two.toml", "broken.toml"]\n[source.v]\ndirectory = "vendor"\n');
    writeFileSync(join(d, "two.toml"), 'include = [".cargo/one.toml"]\n');
    writeFileSync(join(d, ".cargo", "broken.toml"), "include = [\n");
    const files = withIncludes([cfg]);
    expect(files).toEqual([cfg, join(d, ".cargo", "one.toml"), join(d, "two.toml"), join(d, ".cargo", "broken.toml"), join(d, ".cargo", "maybe.toml")]);
    // a path in a configuration file is relative to the folder holding its .cargo; in --config, to the working folder
    expect(configuredSourceFolders(files, ['source.w.directory="w"', "some/file.toml"], "/cwd")).toEqual([join(d, "vendor"), "/cwd/w"]);
  });
});
