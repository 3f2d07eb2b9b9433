import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { parseToml, readToml } from "../../../src/build/project/toml.js";
import { freshDir } from "../../helpers/env.js";

describe("parseToml", () => {
  it("parses tables", () => {
    expect(parseToml('[a]\nb = "c"\n', "x.toml")).toEqual({ a: { b: "c" } });
  });

  it("names file, line and column of a syntax error", () => {
    let err: unknown;
    try {
      parseToml('[project]\nname = "x"\nversion = [1,,]\n', "/p/pyproject.toml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^\/p\/pyproject\.toml:3:\d+: invalid TOML: /);
    expect((err as ConfigError).hint).toContain("line 3");
  });
});

describe("readToml", () => {
  it("reads a file", () => {
    const d = freshDir("toml");
    writeFileSync(join(d, "a.toml"), "x = 1\n");
    expect(readToml(join(d, "a.toml"))).toEqual({ x: 1 });
  });

  it("a missing file is a ConfigError naming it", () => {
    expect(() => readToml("/nonexistent/Cargo.toml")).toThrow(/cannot read \/nonexistent\/Cargo.toml: no such file/);
  });
});
