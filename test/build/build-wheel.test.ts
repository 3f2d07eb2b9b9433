import { describe, expect, it } from "vitest";
import { buildWheels, concurrentUnits, inBatches, planBuilds } from "../../src/build/build-wheel.js";
import { writeTree } from "../helpers/tree.js";
import type { InterpreterInfo } from "../../src/build/python/interpreter-info.js";
import { fakeInterpreter } from "../helpers/interpreter-info.js";

const cp = fakeInterpreter;
const pypy = cp(9, { executable: "/py/pypy", implementation: "pypy" });
const freeThreaded = cp(13, { executable: "/py/3.13t", gilDisabled: true });
const plan = (interps: InterpreterInfo[], abi3: number | "current" | undefined) =>
  planBuilds(interps, abi3).map((u) => `${u.interpreter.executable}${u.abi3Minor !== undefined ? ` abi3>=3.${u.abi3Minor}` : ""}`);

describe("planBuilds", () => {
  it("one build per interpreter without abi3", () => {
    expect(plan([cp(11), cp(12), pypy], undefined)).toEqual(["/py/3.11", "/py/3.12", "/py/pypy"]);
  });

  it("abi3-py3X: one build for all CPythons, with the oldest interpreter at or above X", () => {
    expect(plan([cp(12), cp(8), cp(11)], 9)).toEqual(["/py/3.11 abi3>=3.9"]);
    expect(plan([cp(12), cp(11)], 7)).toEqual(["/py/3.11 abi3>=3.7"]);
  });

  it("plain abi3: the oldest CPython's own minor", () => {
    expect(plan([cp(12), cp(10)], "current")).toEqual(["/py/3.10 abi3>=3.10"]);
  });

  it("PyPy and free-threaded CPython get version-specific builds next to the abi3 one", () => {
    expect(plan([cp(11), pypy, freeThreaded], 7)).toEqual(["/py/3.11 abi3>=3.7", "/py/pypy", "/py/3.13t"]);
    expect(plan([pypy], 7)).toEqual(["/py/pypy"]);
  });
});

describe("buildWheels refusals before any work", () => {
  it("cffi bindings in a container build (runCargo hook): a ConfigError, cargo never run", async () => {
    const d = writeTree("cffi-container", {
      "Cargo.toml": '[package]\nname = "c"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n',
      "src/lib.rs": "",
      "pyproject.toml": '[project]\nname = "c"\nversion = "0.1.0"\n[tool.pyts-build]\nbindings = "cffi"\n',
    });
    let ran = false;
    const runCargo = async () => {
      ran = true;
      throw new Error("not reached");
    };
    await expect(buildWheels({ cwd: d, runCargo })).rejects.toThrow('bindings = "cffi" cannot be built in a container yet');
    expect(ran).toBe(false);
  });
});

describe("concurrentUnits", () => {
  it("compiles side by side only from three units with a folder each, one per core", () => {
    expect(concurrentUnits(2, ["/a", "/b"], 8)).toBe(1);
    expect(concurrentUnits(3, ["/a", "/b", "/c"], 2)).toBe(2);
    expect(concurrentUnits(6, ["/a", "/b", "/c", "/d", "/e", "/f"], 2)).toBe(2);
    expect(concurrentUnits(4, ["/a", "/b", "/c", "/d"], 16)).toBe(3);
    expect(concurrentUnits(3, [undefined, undefined, undefined], 4)).toBe(1); // one shared folder: one at a time
    expect(concurrentUnits(3, ["/a", "/b", "/a"], 4)).toBe(1);
  });
});

describe("inBatches", () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));
  it("keeps the order of the results and at most `limit` tasks running", async () => {
    let running = 0;
    let most = 0;
    const task = (v: number) => async () => {
      most = Math.max(most, ++running);
      await tick();
      running--;
      return v;
    };
    expect(await inBatches([1, 2, 3, 4, 5].map(task), 2)).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });
  it("waits for the running tasks, starts no new one after a failure, then throws it", async () => {
    const done: number[] = [];
    const tasks = [
      async () => (await tick(), done.push(1), 1),
      async () => {
        throw new Error("cargo failed");
      },
      async () => (await tick(), await tick(), done.push(3), 3),
      async () => (done.push(4), 4),
    ];
    await expect(inBatches(tasks, 3)).rejects.toThrow("cargo failed");
    expect(done.sort()).toEqual([1, 3]); // the running ones finished; the fourth never started
  });
});
