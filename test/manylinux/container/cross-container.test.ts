/**
 * cross-container.ts, the part that needs no container: PYO3_CONFIG_FILE is written under the cargo
 * target folder, which the container need not see (CARGO_TARGET_DIR outside the project); the build
 * gets a copy under the mounted cache. (The container questions run in cross.test.ts.)
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stagePyo3Config } from "../../../src/manylinux/container/cross-container.js";
import { freshDir } from "../../helpers/env.js";

describe("stagePyo3Config", () => {
  it("copies the file under the cache, same content-named file, and points the variable at it", () => {
    const dir = freshDir("stage-pyo3");
    const outside = join(dir, "elsewhere/pyts-build/pyo3-config");
    mkdirSync(outside, { recursive: true });
    const file = join(outside, "pyo3-config-0123456789abcdef.txt");
    writeFileSync(file, "implementation=CPython\nversion=3.11\n");
    const cache = join(dir, "cache");
    const vars = stagePyo3Config({ PYO3_CONFIG_FILE: file, PYO3_BUILD_EXTENSION_MODULE: "1" }, cache);
    const staged = join(cache, "pyo3-config/pyo3-config-0123456789abcdef.txt");
    expect(vars).toEqual({ PYO3_CONFIG_FILE: staged, PYO3_BUILD_EXTENSION_MODULE: "1" });
    expect(readFileSync(staged, "utf8")).toBe("implementation=CPython\nversion=3.11\n");
    // named by its content: an existing copy is kept as it is (PyO3 reruns its build script when the date moves)
    const before = statSync(staged).mtimeMs;
    stagePyo3Config({ PYO3_CONFIG_FILE: file }, cache);
    expect(statSync(staged).mtimeMs).toBe(before);
  });

  it("a build without one (a native interpreter) is left alone", () => {
    const cache = join(freshDir("stage-none"), "cache");
    expect(stagePyo3Config({ PYO3_PYTHON: "/usr/bin/python3.11" }, cache)).toEqual({ PYO3_PYTHON: "/usr/bin/python3.11" });
    expect(existsSync(cache)).toBe(false);
  });
});
