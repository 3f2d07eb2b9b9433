import { describe, expect, it } from "vitest";
import { closest, editDistance, Fields } from "../../../src/build/project/fields.js";

const f = (raw: Record<string, unknown>) => new Fields("/p/pyproject.toml", "tool.x", raw);

describe("Fields", () => {
  it("reads typed values", () => {
    const t = f({ s: "a", b: true, l: ["x", "y"], m: { k: "v" }, ts: [{ n: "1" }] });
    expect(t.string("s")).toBe("a");
    expect(t.bool("b")).toBe(true);
    expect(t.strings("l")).toEqual(["x", "y"]);
    expect(t.strings("s", true)).toEqual(["a"]);
    expect(t.stringMap("m")).toEqual({ k: "v" });
    expect(t.tables("ts")?.[0]?.string("n")).toBe("1");
    expect(t.string("missing")).toBeUndefined();
  });

  it("names file, key and the expected type on a wrong type", () => {
    expect(() => f({ s: 1 }).string("s")).toThrow('/p/pyproject.toml: tool.x.s must be a string, not a number (1)');
    expect(() => f({ l: ["a", 2] }).strings("l")).toThrow("tool.x.l[1] must be a string");
    expect(() => f({ m: "x" }).table("m")).toThrow("tool.x.m must be a table");
  });

  it("rejects unknown keys with the closest valid one and the full list", () => {
    try {
      f({ "modul-name": "x" }).onlyKeys(["module-name", "features"]);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('/p/pyproject.toml: unknown key "modul-name" in [tool.x] (did you mean "module-name"?)');
      expect((e as { hint: string }).hint).toBe("valid keys are: module-name, features");
    }
  });
});

describe("closest", () => {
  it("suggests near keys only", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(closest("python_source", ["python-source", "data"])).toBe("python-source");
    expect(closest("completely-else", ["data", "strip"])).toBeUndefined();
  });
});
