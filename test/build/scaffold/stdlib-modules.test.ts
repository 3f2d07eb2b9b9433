/** The standard library's module names `new` refuses, against what the interpreters here say. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { STDLIB_MODULES } from "../../../src/build/scaffold/stdlib-modules.js";
import { cpython } from "../../helpers/env.js";

// sys.stdlib_module_names exists from 3.10; older ones' removed modules are listed by hand
const WITH_LIST = ["3.10", "3.11", "3.12", "3.13"].map((v) => [v, cpython(v)] as const).filter(([, p]) => p !== undefined);

describe("STDLIB_MODULES", () => {
  it.skipIf(WITH_LIST.length === 0).each(WITH_LIST)("holds every public module of CPython %s's sys.stdlib_module_names", (_v, python) => {
    const names = execFileSync(python as string, ["-c", "import sys; print('\\n'.join(n for n in sorted(sys.stdlib_module_names) if not n.startswith('_')))"], { encoding: "utf8" }).trim().split("\n");
    expect(names.length).toBeGreaterThan(150);
    expect(names.filter((n) => !STDLIB_MODULES.has(n))).toEqual([]);
  });

  it("has the test package and modules removed before 3.10; nothing private or third-party", () => {
    for (const n of ["test", "sys", "json", "formatter", "parser", "distutils", "imp"]) expect(STDLIB_MODULES.has(n), n).toBe(true);
    for (const n of ["pip", "setuptools", "numpy", "_thread", "my_project"]) expect(STDLIB_MODULES.has(n), n).toBe(false);
  });
});
