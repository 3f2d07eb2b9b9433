import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addCompileOptions, collectList, type CompileFlags, compileOptionsFrom } from "../../src/cli/options.js";

function parse(argv: string[]): { flags: CompileFlags; args: string[] } {
  let out: { flags: CompileFlags; args: string[] } = { flags: {}, args: [] };
  const cmd = addCompileOptions(new Command("x").argument("[rest...]")).action((args: string[], flags: CompileFlags) => {
    out = { flags, args };
  });
  cmd.parse(argv, { from: "user" });
  return out;
}

describe("compile options", () => {
  it("collectList splits comma and space lists across repeats", () => {
    expect(collectList("a,b", ["x"])).toEqual(["x", "a", "b"]);
    expect(collectList("a b,,c")).toEqual(["a", "b", "c"]);
  });

  it("parses maturin-style flags into the typed API options", () => {
    const { flags, args } = parse([
      "-m", "c/Cargo.toml", "-i", "python3.11", "--interpreter", "pypy3", "-r", "-F", "a,b", "--features", "c",
      "--no-default-features", "--target", "x86_64-unknown-linux-gnu", "--locked", "--offline", "--strip", "--", "-C", "opt-level=2",
    ]);
    expect(compileOptionsFrom(flags, args)).toEqual({
      manifestPath: "c/Cargo.toml",
      interpreters: ["python3.11", "pypy3"],
      release: true,
      features: ["a", "b", "c"],
      noDefaultFeatures: true,
      target: "x86_64-unknown-linux-gnu",
      locked: true,
      offline: true,
      strip: true,
      rustcArgs: ["-C", "opt-level=2"],
    });
  });

  it("no flags: no options (the config's defaults apply)", () => {
    const { flags, args } = parse([]);
    expect(compileOptionsFrom(flags, args)).toEqual({});
    expect(compileOptionsFrom(parse(["--find-interpreter", "--all-features", "--profile", "dist", "--frozen"]).flags, [])).toEqual({
      findInterpreter: true,
      allFeatures: true,
      profile: "dist",
      frozen: true,
    });
  });
});
