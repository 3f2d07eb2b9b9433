import { describe, expect, it } from "vitest";
import type { InterpreterInfo } from "../../src/build/python/interpreter-info.js";
import { ValidationError } from "../../src/errors.js";
import {
  compressedTagSet,
  expandTagSet,
  noAbiTag,
  parseWheelFileName,
  platformTag,
  platformTagFromSysconfig,
  pythonAbiTag,
  supportsAbi3,
  tagsToString,
  wheelTagLines,
  withPlatforms,
} from "../../src/wheel/tags.js";
import { fakeInterpreter } from "../helpers/interpreter-info.js";

function interp(over: Partial<InterpreterInfo>): InterpreterInfo {
  return fakeInterpreter(11, { executable: "/usr/bin/python3.11", ...over });
}

describe("python/abi tags", () => {
  it("CPython 3.8+", () => {
    expect(pythonAbiTag(interp({}))).toEqual({ python: "cp311", abi: "cp311" });
    expect(pythonAbiTag(interp({ minor: 8 }))).toEqual({ python: "cp38", abi: "cp38" });
  });
  it("CPython 3.7 and older carry abiflags", () => {
    expect(pythonAbiTag(interp({ minor: 7, abiflags: "m" }))).toEqual({ python: "cp37", abi: "cp37m" });
    expect(pythonAbiTag(interp({ minor: 6, abiflags: "dm" }))).toEqual({ python: "cp36", abi: "cp36dm" });
  });
  it("free-threaded CPython", () => {
    expect(pythonAbiTag(interp({ minor: 13, gilDisabled: true, abiflags: "t" }))).toEqual({ python: "cp313", abi: "cp313t" });
    expect(pythonAbiTag(interp({ minor: 13, gilDisabled: true, abiflags: "" }))).toEqual({ python: "cp313", abi: "cp313t" });
    // abi3 does not exist for free-threaded builds: version-specific instead
    expect(pythonAbiTag(interp({ minor: 13, gilDisabled: true, abiflags: "t" }), 8)).toEqual({ python: "cp313", abi: "cp313t" });
  });
  it("abi3 uses the minimum minor", () => {
    expect(pythonAbiTag(interp({}), 7)).toEqual({ python: "cp37", abi: "abi3" });
    expect(pythonAbiTag(interp({ minor: 7, abiflags: "m" }), 7)).toEqual({ python: "cp37", abi: "abi3" });
    // an older interpreter only lends its platform: the build runs without it (PYO3_NO_PYTHON)
    expect(pythonAbiTag(interp({ minor: 8 }), 10)).toEqual({ python: "cp310", abi: "abi3" });
  });
  it("PyPy from SOABI, also when abi3 was asked for", () => {
    const pp = interp({
      implementation: "pypy",
      minor: 9,
      soabi: "pypy39-pp73-x86_64-linux-gnu",
      extSuffix: ".pypy39-pp73-x86_64-linux-gnu.so",
    });
    expect(supportsAbi3(pp)).toBe(false);
    expect(pythonAbiTag(pp)).toEqual({ python: "pp39", abi: "pypy39_pp73" });
    expect(pythonAbiTag(pp, 7)).toEqual({ python: "pp39", abi: "pypy39_pp73" });
    expect(pythonAbiTag({ ...pp, soabi: null })).toEqual({ python: "pp39", abi: "pypy39_pp73" });
    expect(() => pythonAbiTag({ ...pp, soabi: "weird" })).toThrow(ValidationError);
  });
  it("GraalPy", () => {
    expect(
      pythonAbiTag(interp({ implementation: "graalpy", minor: 10, soabi: "graalpy240-310-native-x86_64-linux" })),
    ).toEqual({ python: "graalpy310", abi: "graalpy240_310_native" });
  });
  it("py3-none", () => {
    expect(noAbiTag()).toEqual({ python: "py3", abi: "none" });
  });
});

describe("platform tags", () => {
  it.each([
    ["linux-x86_64", undefined, "linux_x86_64"],
    ["linux-i686", undefined, "linux_i686"],
    ["linux-x86_64", 32, "linux_i686"],
    ["linux-aarch64", 32, "linux_armv7l"],
    ["macosx-11.0-arm64", undefined, "macosx_11_0_arm64"],
    ["macosx-10.9-universal2", undefined, "macosx_10_9_universal2"],
    ["win-amd64", undefined, "win_amd64"],
    ["win32", undefined, "win32"],
    ["win-arm64", undefined, "win_arm64"],
  ] as const)("%s (%s-bit) -> %s", (p, w, out) => {
    expect(platformTagFromSysconfig(p, w)).toBe(out);
  });
  it("from an interpreter", () => {
    expect(platformTag(interp({ platform: "linux-x86_64", pointerWidth: 32 }))).toBe("linux_i686");
  });
});

describe("tag sets", () => {
  const t = (s: string) => {
    const [python, abi, platform] = s.split("-") as [string, string, string];
    return { python, abi, platform };
  };
  it("compresses sorted and joined per kind", () => {
    expect(compressedTagSet([t("cp311-cp311-manylinux2014_x86_64"), t("cp311-cp311-manylinux_2_17_x86_64")])).toBe(
      "cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64",
    );
    expect(compressedTagSet([t("py3-none-any"), t("py2-none-any")])).toBe("py2.py3-none-any");
    expect(() => compressedTagSet([])).toThrow(ValidationError);
  });
  it("expands into Tag lines", () => {
    expect(expandTagSet("py2.py3-none-any").map(tagsToString)).toEqual(["py2-none-any", "py3-none-any"]);
    expect(wheelTagLines([t("cp37-abi3-manylinux_2_17_x86_64"), t("cp37-abi3-manylinux2014_x86_64")])).toEqual([
      "Tag: cp37-abi3-manylinux2014_x86_64",
      "Tag: cp37-abi3-manylinux_2_17_x86_64",
    ]);
    expect(() => expandTagSet("cp311-cp311")).toThrow(ValidationError);
    expect(() => expandTagSet("cp311..x-cp311-any")).toThrow(ValidationError);
  });
});

describe("parseWheelFileName", () => {
  it("parses names with and without a build tag", () => {
    expect(parseWheelFileName("/x/word_count-0.1.0-cp37-abi3-manylinux1_x86_64.manylinux_2_5_x86_64.whl")).toEqual({
      dist: "word_count",
      version: "0.1.0",
      pythonTags: ["cp37"],
      abiTags: ["abi3"],
      platformTags: ["manylinux1_x86_64", "manylinux_2_5_x86_64"],
      tags: [
        { python: "cp37", abi: "abi3", platform: "manylinux1_x86_64" },
        { python: "cp37", abi: "abi3", platform: "manylinux_2_5_x86_64" },
      ],
    });
    const b = parseWheelFileName("foo-1.0-1local-py3-none-any.whl");
    expect(b.build).toBe("1local");
    expect(b.tags).toEqual([{ python: "py3", abi: "none", platform: "any" }]);
  });
  it.each([
    ["foo-1.0-py3-none-any.zip", /does not end in .whl/],
    ["foo-py3-none-any.whl", /4 '-'-separated parts/],
    ["foo-1.0-x-py3-none-any.whl", /build tag "x" must start with a digit/],
    ["foo-1.0-py3..x-none-any.whl", /not a tag set/],
  ])("rejects %s", (n, why) => {
    expect(() => parseWheelFileName(n)).toThrow(why);
  });
});

describe("withPlatforms", () => {
  it("pairs every (python, abi) with each platform, in order, without repeats", () => {
    const tags = [
      { python: "cp311", abi: "cp311", platform: "linux_x86_64" },
      { python: "cp311", abi: "cp311", platform: "linux_i686" },
      { python: "pp39", abi: "pypy39_pp73", platform: "linux_x86_64" },
    ];
    expect(withPlatforms(tags, ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]).map(tagsToString)).toEqual([
      "cp311-cp311-manylinux_2_17_x86_64",
      "cp311-cp311-manylinux2014_x86_64",
      "pp39-pypy39_pp73-manylinux_2_17_x86_64",
      "pp39-pypy39_pp73-manylinux2014_x86_64",
    ]);
  });
});
