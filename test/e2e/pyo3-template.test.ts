/**
 * A project laid out like today's `maturin new --bindings pyo3` template
 * (test/fixtures/pyo3-template: pyo3 with NO features, a #[pymodule], a
 * pyproject naming maturin), adapted to the PyO3 0.17 available here. 0.17
 * predates PYO3_BUILD_EXTENSION_MODULE, so without the extension-module
 * feature the module links libpython: the build must stop with the error
 * that says to enable the feature, and once the project does exactly what the
 * hint says, it builds and imports.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON } from "../helpers/env.js";
import { fixture, PYO3_TARGET } from "./wheel-helpers.js";

const PY = cpython("3.11") ?? SYSTEM_PYTHON;

describe("today's maturin template on PyO3 0.17", () => {
  it("without the feature: one error naming the pyo3 version and the feature; with it: builds and imports", () => {
    const project = join(freshDir("pyo3-template"), "pyo3-template");
    cpSync(fixture("pyo3-template"), project, { recursive: true, filter: (p) => !/\/(target|Cargo\.lock)$/.test(p) });
    const out = join(project, "out");
    const r = runCli(["wheel", "-i", PY, "-o", out], { cwd: project, env: { CARGO_TARGET_DIR: PYO3_TARGET } });
    expect(r.code).not.toBe(0);
    const error = r.stderr.split("\n").filter((l) => l.startsWith("error: ")).pop();
    expect(error).toMatch(/^error: libpyo3_template\.so links libpython3\.11\.so\.1\.0: a Python extension module must not link libpython$/);
    const hint = r.stderr.split("\n").find((l) => l.startsWith("  hint: "));
    // the resolved version (from Cargo.lock) decides which fix is named
    expect(hint).toMatch(/^ {2}hint: pyo3 0\.17\.\d+ needs its extension-module feature: in Cargo\.toml pyo3 = \{ version = "0\.17", features = \["extension-module"\] \} \(PyO3 0\.26 and newer need nothing: pyts-build sets PYO3_BUILD_EXTENSION_MODULE=1\)$/);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);

    // do what the hint says, literally
    const line = /in Cargo\.toml (pyo3 = \{.*?\}) \(/.exec(hint as string)?.[1] as string;
    const manifest = join(project, "Cargo.toml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace('pyo3 = "0.17"', line));
    const ok = runCliOk(["wheel", "-i", PY, "-o", out, "--json", "--compatibility", "linux"], { cwd: project, env: { CARGO_TARGET_DIR: PYO3_TARGET } });
    const [w] = JSON.parse(ok.stdout) as BuiltWheel[];
    expect(w?.fileName).toBe("pyo3_template-0.1.0-cp311-cp311-linux_x86_64.whl");
    const venv = makeVenv(PY, join(freshDir("pyo3-template-venv"), "v"));
    installWheel(venv, w?.path as string);
    expect(py(venv, "import pyo3_template as m; print(m.sum_as_string(2, 40))")).toBe("42");
  });
});
