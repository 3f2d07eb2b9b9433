import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import {
  isValidModuleName,
  isValidProjectName,
  normalizeProjectName,
  validateModuleName,
  validateProjectName,
  wheelDistName,
} from "../../src/wheel/names.js";

describe("project names", () => {
  it.each(["a", "A1", "foo-bar", "Foo.Bar_baz", "word-count", "x.y-z_1"])("accepts %s", (n) => {
    expect(isValidProjectName(n)).toBe(true);
  });
  it.each(["", "-foo", "foo-", "foo bar", "foo/bar", "föö", "_x", "x."])("rejects %j", (n) => {
    expect(isValidProjectName(n)).toBe(false);
    expect(() => validateProjectName(n, "project.name")).toThrow(ValidationError);
    expect(() => validateProjectName(n, "project.name")).toThrow(/project\.name/);
  });
  it("normalizes per PEP 503 and for file names", () => {
    expect(normalizeProjectName("Foo.Bar__baz-_.Qux")).toBe("foo-bar-baz-qux");
    expect(wheelDistName("Foo.Bar__baz-_.Qux")).toBe("foo_bar_baz_qux");
    expect(wheelDistName("word-count")).toBe("word_count");
  });
});

describe("module names", () => {
  it.each(["foo", "pkg._native", "_x.y1", "match", "pkg.type", "café"])("accepts %s", (m) => {
    expect(isValidModuleName(m)).toBe(true);
  });
  it.each([
    ["", /empty part/],
    ["1pkg", /not a Python identifier/],
    ["pkg..x", /empty part/],
    ["pkg.class", /keyword/],
    ["my-pkg", /not a Python identifier/],
    ["pkg.", /empty part/],
    ["None", /keyword/],
  ])("rejects %j (%s)", (m, why) => {
    expect(isValidModuleName(m)).toBe(false);
    expect(() => validateModuleName(m)).toThrow(why);
  });
});
