/**
 * interpreters.ts: parsing what the discovery script prints (pure), choosing
 * the Pythons; and the script itself run in the real stand-in image.
 */
import { describe, expect, it } from "vitest";
import type { InterpreterInfo } from "../../../src/build/python/interpreter-info.js";
import { QUERY_SCRIPT } from "../../../src/build/python/interpreter-query.js";
import { InterpreterError } from "../../../src/errors.js";
import { DISCOVER_SCRIPT, parseDiscovery, parsePythonRequest, selectInterpreters } from "../../../src/manylinux/container/interpreters.js";
import { fakeInterpreter } from "../../helpers/interpreter-info.js";
import { requireContainers, runInImage, skipContainers } from "../helpers/containers.js";

/** The query script's JSON answer for a made-up Python. */
const answer = (minor: number, over: Partial<InterpreterInfo> = {}) => JSON.stringify(fakeInterpreter(minor, over));

// What a pypa image prints: /opt/python first, then the same Pythons on PATH.
const MANYLINUX = [
  "@@/opt/python/cp312-cp312/bin/python", answer(12),
  "@@/opt/python/cp39-cp39/bin/python", answer(9),
  "@@/opt/python/cp313-cp313t/bin/python", answer(13, { gilDisabled: true, extSuffix: ".cpython-313t-x86_64-linux-gnu.so" }),
  "@@/opt/python/pp310-pypy310_pp73/bin/python", answer(10, { implementation: "pypy", extSuffix: ".pypy310-pp73-x86_64-linux-gnu.so" }),
  "@@/usr/local/bin/python3.12", answer(12),
  "@@/usr/bin/python3.6", "@@failed",
  "@@/usr/bin/python2.7-ish", answer(7, { major: 2 }),
].join("\n");

describe("parseDiscovery", () => {
  const found = parseDiscovery(MANYLINUX);
  it("keeps each Python once, at its first (/opt/python) path, CPython by version, then free-threaded, then PyPy", () => {
    expect(found.map((i) => i.executable)).toEqual([
      "/opt/python/cp39-cp39/bin/python",
      "/opt/python/cp312-cp312/bin/python",
      "/opt/python/cp313-cp313t/bin/python",
      "/opt/python/pp310-pypy310_pp73/bin/python",
    ]);
  });
  it("drops candidates that failed or are not Python 3", () => {
    expect(found.some((i) => i.major !== 3)).toBe(false);
  });
});

describe("parsePythonRequest", () => {
  it.each([
    ["3.9", { implementation: "cpython", minor: 9, freeThreaded: false }],
    ["cp39", { implementation: "cpython", minor: 9, freeThreaded: false }],
    ["python3.12", { implementation: "cpython", minor: 12, freeThreaded: false }],
    ["3.13t", { implementation: "cpython", minor: 13, freeThreaded: true }],
    ["cp313t", { implementation: "cpython", minor: 13, freeThreaded: true }],
    ["pypy3.10", { implementation: "pypy", minor: 10, freeThreaded: false }],
    ["pp310", { implementation: "pypy", minor: 10, freeThreaded: false }],
  ])("%s", (s, want) => expect(parsePythonRequest(s)).toEqual(want));
  it("rejects what is not a version", () => {
    expect(parsePythonRequest("latest")).toBeUndefined();
    expect(parsePythonRequest("2.7")).toBeUndefined();
  });
});

describe("selectInterpreters", () => {
  const found = parseDiscovery(MANYLINUX);
  it("default: every CPython with the GIL", () => {
    expect(selectInterpreters(found, [], "img").map((i) => i.minor)).toEqual([9, 12]);
  });
  it("asked ones, in the order asked, once each", () => {
    expect(selectInterpreters(found, ["3.12", "pp310", "cp312"], "img").map((i) => `${i.implementation}${i.minor}`)).toEqual(["cpython12", "pypy10"]);
  });
  it("a Python the image lacks: the error lists what it has", () => {
    const e = (() => {
      try {
        selectInterpreters(found, ["3.6"], "quay.io/pypa/manylinux2014_x86_64");
      } catch (x) {
        return x as InterpreterError;
      }
    })();
    expect(e).toBeInstanceOf(InterpreterError);
    expect(e?.message).toBe("image quay.io/pypa/manylinux2014_x86_64 has no CPython 3.6; it has CPython 3.9, CPython 3.12, CPython 3.13t, PyPy 3.10");
  });
  it("an image without CPython", () => {
    expect(() => selectInterpreters([], [], "alpine")).toThrow("image alpine has no CPython 3 interpreter (it has no Python 3 interpreter at all)");
  });
});

describe.skipIf(skipContainers())("DISCOVER_SCRIPT in the real stand-in image", () => {
  it("finds python3.9 on PATH (once, though /bin and /usr/bin are the same folder there)", () => {
    const setup = requireContainers();
    const out = runInImage(setup, ["-e", `PYTS_QUERY=${QUERY_SCRIPT}`], ["sh", "-c", DISCOVER_SCRIPT]);
    const found = parseDiscovery(out);
    expect(found.map((i) => [i.executable, i.minor, i.extSuffix])).toEqual([["/usr/bin/python3.9", 9, ".cpython-39-x86_64-linux-gnu.so"]]);
  });
});
