import { describe, expect, it } from "vitest";
import { validationErrorOf } from "./helpers.js";
import {
  isValidVersion,
  normalizeVersion,
  parseSpecifier,
  parseVersion,
  semverToPep440,
  specifierSetError,
  specifierSetIsValid,
  validateSpecifierSet,
} from "../../src/wheel/pep440.js";

describe("normalizeVersion", () => {
  it.each([
    ["1.0", "1.0"],
    ["1.0.0-ALPHA1", "1.0.0a1"],
    ["1.0a", "1.0a0"],
    ["1.0.0.beta.2", "1.0.0b2"],
    ["1.0c1", "1.0rc1"],
    ["1.0-pre3", "1.0rc3"],
    ["1.0preview_4", "1.0rc4"],
    ["1.0_beta_", "1.0b0"],
    ["1.0RC1", "1.0rc1"],
    ["1.0-post1", "1.0.post1"],
    ["1.0post", "1.0.post0"],
    ["1.0-r4", "1.0.post4"],
    ["1.0.rev5", "1.0.post5"],
    ["1.0-1", "1.0.post1"],
    ["v1.0", "1.0"],
    ["V2", "2"],
    ["1.0.dev", "1.0.dev0"],
    ["1.0-dev-7", "1.0.dev7"],
    ["1.0.DEV3", "1.0.dev3"],
    ["  1.0  ", "1.0"],
    ["01.002.0030", "1.2.30"],
    ["0!1.0", "1.0"],
    ["2!1.0", "2!1.0"],
    ["1.0a1.post2.dev3", "1.0a1.post2.dev3"],
    ["1.0+AbC-1_2", "1.0+abc.1.2"],
    ["1.0+ubuntu.01", "1.0+ubuntu.1"],
    ["20240101.1", "20240101.1"],
    ["123456789012345678901234567890.1", "123456789012345678901234567890.1"],
  ])("%s -> %s", (input, out) => {
    expect(normalizeVersion(input)).toBe(out);
    expect(isValidVersion(input)).toBe(true);
  });

  it.each(["", "1.", ".1", "1..0", "abc", "1.0+", "1.0+a..b", "1.0-", "1.0.0.x", "1.0 beta", "1!", "-1.0", "1.0+a b"])(
    "rejects %j with a ValidationError naming the value",
    (bad) => {
      expect(isValidVersion(bad)).toBe(false);
      const e = validationErrorOf(() => normalizeVersion(bad, "project.version"));
      expect(e.message).toContain(`project.version ${JSON.stringify(bad)}`);
      expect(e.hint).toMatch(/PEP 440/);
    },
  );

  it("parses the parts", () => {
    expect(parseVersion("3!1.2rc4.post5.dev6+x.7")).toEqual({
      epoch: 3,
      release: ["1", "2"],
      pre: { kind: "rc", number: "4" },
      post: "5",
      dev: "6",
      local: ["x", "7"],
    });
  });
});

describe("semverToPep440", () => {
  it.each([
    ["1.0.0", "1.0.0"],
    ["1.0.0-alpha.1", "1.0.0a1"],
    ["1.0.0-alpha1", "1.0.0a1"],
    ["1.0.0-beta", "1.0.0b0"],
    ["1.0.0-beta.2", "1.0.0b2"],
    ["1.0.0-rc.2", "1.0.0rc2"],
    ["1.0.0-RC3", "1.0.0rc3"],
    ["0.1.0-dev.3", "0.1.0.dev3"],
    ["0.1.0-dev", "0.1.0.dev0"],
    ["1.0.0-alpha.1.dev.2", "1.0.0a1.dev2"],
    ["1.2.3+abc", "1.2.3+abc"],
    ["1.2.3-rc.1+build.5", "1.2.3rc1+build.5"],
    ["1.2.3+Git-Deadbeef", "1.2.3+git.deadbeef"],
  ])("%s -> %s", (input, out) => {
    expect(semverToPep440(input)).toBe(out);
  });

  it.each([
    ["1.0", /not a SemVer/],
    ["01.0.0", /not a SemVer/],
    ["1.0.0-", /not a SemVer/],
    ["1.0.0-x.7.z", /pre-release "x\.7\.z" has no PEP 440 equivalent/],
    ["1.0.0-1", /pre-release "1"/],
    ["1.0.0-post.1", /pre-release "post\.1"/],
    ["1.0.0-alpha.beta", /pre-release/],
    ["1.0.0+a..b", /not a SemVer/],
  ])("rejects %s", (input, why) => {
    const e = validationErrorOf(() => semverToPep440(input));
    expect(e.message).toMatch(why);
    expect(e.message).toContain(JSON.stringify(input));
    expect(e.hint).toBeTruthy();
  });
});

describe("specifier sets", () => {
  it.each([">=3.8", ">=3.7,<4", "~=3.9", "==3.*", "!=3.9.1", ">= 3.8 , < 4.0", "==3.11.*,!=3.11.2", "===foobar", "==1.0+local", ">3.8.0rc1", "<=3.12.dev0"])(
    "accepts %s",
    (s) => {
      expect(specifierSetIsValid(s)).toBe(true);
      expect(() => validateSpecifierSet(s)).not.toThrow();
    },
  );

  it.each([
    ["", /empty/],
    ["3.8", /comparison operator/],
    [">=", /no version/],
    ["=>3.8", /comparison operator/],
    [">=3.8,", /empty specifier/],
    ["~=3", /at least two release numbers/],
    [">=3.*", /only allowed with == and !=/],
    [">=1.0+local", /local version/],
    ["==1.0+local.*", /local version cannot be combined/],
    [">=three", /not a valid PEP 440 version/],
    [">=v3.8", /not a valid version/],
  ])("rejects %j: %s", (s, why) => {
    expect(specifierSetIsValid(s)).toBe(false);
    expect(specifierSetError(s)).toMatch(why);
    expect(() => validateSpecifierSet(s, "requires-python")).toThrow(/requires-python/);
  });

  it("parses one specifier", () => {
    expect(parseSpecifier(" == 3.* ")).toEqual({ operator: "==", version: "3.*", wildcard: true });
  });
});
