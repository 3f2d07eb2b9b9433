/** orchestrate.ts: the pure decisions (image, policy, target folders). The flow runs in container-build.test.ts. */
import { describe, expect, it } from "vitest";
import type { InterpreterInfo } from "../../../src/build/python/interpreter-info.js";
import { chooseImage, choosePolicy, targetKey } from "../../../src/manylinux/container/orchestrate.js";

const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch;

describe("image and policy", () => {
  it("--policy picks the pypa image; nothing picks manylinux2014's", () => {
    expect(chooseImage({})).toBe(`quay.io/pypa/manylinux2014_${arch}`);
    expect(chooseImage({ policy: "manylinux_2_28" })).toBe(`quay.io/pypa/manylinux_2_28_${arch}`);
    expect(chooseImage({ image: "mine", policy: "manylinux_2_28" })).toBe("mine");
  });
  it("the policy: asked, else the image's AUDITWHEEL_PLAT, else auto for a custom image", () => {
    expect(choosePolicy({ policy: "manylinux_2_28", image: "x" }, { name: "x", env: { AUDITWHEEL_PLAT: `manylinux2014_${arch}` } })).toBe("manylinux_2_28");
    expect(choosePolicy({ image: "x" }, { name: "x", env: { AUDITWHEEL_PLAT: `manylinux2014_${arch}` } })).toBe("manylinux2014");
    expect(choosePolicy({ image: "x" }, { name: "x", env: {} })).toBe("auto");
    expect(choosePolicy({}, { name: "quay.io/pypa/manylinux2014_x86_64", env: {} })).toBe("manylinux2014");
  });
});

describe("targetKey: one cargo target folder per interpreter, one for abi3", () => {
  const i = { implementation: "cpython", major: 3, minor: 13, gilDisabled: false } as InterpreterInfo;
  it.each([
    [i, undefined, "cpython-3.13"],
    [{ ...i, gilDisabled: true }, undefined, "cpython-3.13t"],
    [{ ...i, implementation: "pypy", minor: 10 }, undefined, "pypy-3.10"],
    [i, 8, "abi3"],
  ])("%#", (interp, abi3, key) => expect(targetKey(interp, abi3)).toBe(key));
});
