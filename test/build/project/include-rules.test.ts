import { describe, expect, it } from "vitest";
import { Fields } from "../../../src/build/project/fields.js";
import { patternError, readIncludeRules } from "../../../src/build/project/include-rules.js";
import { parseToml } from "../../../src/build/project/toml.js";
import { thrown } from "../../helpers/thrown.js";

const FILE = "/p/pyproject.toml";
const read = (toml: string, k: "include" | "exclude" = "include") => {
  const warnings: string[] = [];
  const r = readIncludeRules(new Fields(FILE, "tool.maturin", parseToml(toml, FILE)), k, warnings);
  return { ...r, warnings };
};
const errorOf = (toml: string): string => thrown(() => read(toml)).message;

describe("readIncludeRules (maturin's include/exclude grammar)", () => {
  it("globs, {path, format} and {path, from = out-dir, to, crate-name}", () => {
    const r = read(`include = [
  "a/*.txt",
  { path = "docs/**", format = "sdist" },
  { path = "x", format = ["sdist", "wheel"] },
  { path = "generated_info.txt", from = "out-dir", to = "pkg/" },
  { path = "gen/*.py", from = "out-dir", to = "pkg", crate-name = "other-crate" },
]`);
    expect(r.rules).toEqual([
      { path: "a/*.txt", formats: ["sdist", "wheel"] },
      { path: "docs/**", formats: ["sdist"] },
      { path: "x", formats: ["sdist", "wheel"] },
    ]);
    expect(r.outDir).toEqual([
      { path: "generated_info.txt", to: "pkg/" },
      { path: "gen/*.py", to: "pkg", crateName: "other-crate" },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("keys it does not know are a warning naming them, not an error", () => {
    const r = read('include = [{ path = "a", format = "wheel", priority = 3, note = "x" }]');
    expect(r.rules).toEqual([{ path: "a", formats: ["wheel"] }]);
    expect(r.warnings).toEqual(["/p/pyproject.toml: tool.maturin.include[0] keys ignored by pyts-build: priority, note"]);
  });

  it.each([
    ['include = ["../secret.txt"]', 'tool.maturin.include[0] "../secret.txt" must not contain `..`'],
    ['include = [{ path = "a/../../b" }]', 'tool.maturin.include[0].path "a/../../b" must not contain `..`'],
    ['include = ["/etc/passwd"]', 'tool.maturin.include[0] "/etc/passwd" must be a relative path'],
    ['include = [{ path = "x", from = "out-dir", to = "../up" }]', 'tool.maturin.include[0].to "../up" must not contain `..`'],
    ['include = [{ path = "x", from = "out-dir" }]', "tool.maturin.include[0].to is missing"],
    ['include = [{ path = "x", from = "target" , to = "p"}]', 'tool.maturin.include[0].from "target" is not supported'],
    ['include = [{ path = "x", from = "out-dir", to = "p", format = "sdist" }]', 'tool.maturin.include[0].format does not go with from = "out-dir"'],
    ['include = [{ path = "x", to = "p" }]', 'tool.maturin.include[0].to goes only with from = "out-dir"'],
    ['include = [{ format = "wheel" }]', "tool.maturin.include[0].path is missing"],
  ])("%s -> %s", (toml, msg) => {
    expect(errorOf(toml).startsWith(`${FILE}: ${msg}`)).toBe(true);
  });

  it("from = out-dir in exclude is ignored with a warning, as maturin ignores it", () => {
    expect(read('exclude = [{ path = "x", from = "out-dir", to = "p" }, "y"]', "exclude")).toEqual({
      rules: [{ path: "y", formats: ["sdist", "wheel"] }],
      outDir: [],
      warnings: [`${FILE}: tool.maturin.exclude[0] (from = "out-dir") is ignored: an exclude names files of the project`],
    });
  });

  it("patternError", () => {
    expect(patternError("pkg/*.txt")).toBeUndefined();
    expect(patternError("./pkg/x")).toBeUndefined();
    expect(patternError("C:/x")).toMatch(/relative/);
    expect(patternError("a/..")).toMatch(/`\.\.`/);
  });
});
