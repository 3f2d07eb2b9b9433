import { describe, expect, it } from "vitest";
import { cargoOptionsOf } from "../../../src/build/cargo/cargo-options.js";
import { Fields } from "../../../src/build/project/fields.js";
import { parseToml } from "../../../src/build/project/toml.js";
import { readToolConfig, type ToolConfig } from "../../../src/build/project/tool-config.js";

const FILE = "/p/pyproject.toml";

describe("cargoOptionsOf", () => {
  const tool = (t: string): ToolConfig => ({ ...readToolConfig(new Fields(FILE, "tool.pyts-build", parseToml(t, FILE))), bindings: "pyo3" });
  it("adds the config's cargo keys to the command line's; the command line wins for single values", () => {
    const t = tool('features = ["a"]\nprofile = "dist"\ntarget = "t1"\nall-features = true\nno-default-features = true\nlocked = true\nfrozen = true\nconfig = ["k=1"]\nunstable-flags = ["z1"]\nrustc-args = ["--cfg", "c"]\n');
    expect(cargoOptionsOf(t, {}, "/m/Cargo.toml")).toEqual({
      manifestPath: "/m/Cargo.toml",
      features: ["a"],
      profile: "dist",
      target: "t1",
      allFeatures: true,
      noDefaultFeatures: true,
      locked: true,
      frozen: true,
      config: ["k=1"],
      unstableFlags: ["z1"],
      rustcArgs: ["--cfg", "c"],
    });
    const both = cargoOptionsOf(t, { features: ["b", "a"], profile: "release", target: "t2", config: ["k=2"], rustcArgs: ["-g"] }, "/m/Cargo.toml");
    expect(both).toMatchObject({ features: ["a", "b"], profile: "release", target: "t2", config: ["k=1", "k=2"], rustcArgs: ["--cfg", "c", "-g"] });
    expect(cargoOptionsOf(tool(""), { release: true }, "/m/Cargo.toml")).toEqual({ manifestPath: "/m/Cargo.toml", features: [], release: true });
  });
});
