import { describe, expect, it } from "vitest";
import { isInside, isStrictlyInside } from "../src/paths.js";

describe("isInside", () => {
  it("is true for the folder itself and what lies below it", () => {
    expect(isInside("/p/proj", "/p/proj")).toBe(true);
    expect(isInside("/p/proj", "/p/proj/src/lib.rs")).toBe(true);
    expect(isInside("/p/proj/", "/p/proj/src")).toBe(true);
  });
  it("is false for siblings sharing a name prefix, parents and other trees", () => {
    expect(isInside("/p/proj", "/p/project/x")).toBe(false);
    expect(isInside("/p/proj", "/p")).toBe(false);
    expect(isInside("/p/proj", "/q/proj")).toBe(false);
    expect(isInside("/p/proj", "/p/proj/../other")).toBe(false);
  });
  it("compares paths that are not normalized", () => {
    expect(isInside("/p/./proj", "/p/proj/a")).toBe(true);
    expect(isInside("/p/proj", "/p/x/../proj/a")).toBe(true);
  });
  it("counts a child whose name begins with two dots as inside", () => {
    expect(isInside("/p/proj", "/p/proj/..cache/f")).toBe(true);
    expect(isInside("/p/proj", "/p/proj/..")).toBe(false);
  });
});

describe("isStrictlyInside", () => {
  it("leaves out the folder itself", () => {
    expect(isStrictlyInside("/p/proj", "/p/proj")).toBe(false);
    expect(isStrictlyInside("/p/proj", "/p/proj/")).toBe(false);
    expect(isStrictlyInside("/p/proj", "/p/proj/a")).toBe(true);
    expect(isStrictlyInside("/p/proj", "/p/projx")).toBe(false);
  });
});
