/** PYO3_CONFIG_FILE for a target Python that cannot run here (src/build/target/pyo3-config.ts). */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pyo3ConfigFor, renderPyo3Config, writePyo3Config } from "../../../src/build/target/pyo3-config.js";
import { describeTargetPython } from "../../../src/build/target/target-python.js";
import { parseTriple } from "../../../src/build/target/triple.js";
import { DEBIAN_REGISTRY } from "../../helpers/env.js";

const aarch64 = parseTriple("aarch64-unknown-linux-gnu");
const scratch = mkdtempSync(join(tmpdir(), "pyo3-config-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("renderPyo3Config", () => {
  it("a version-specific CPython build", () => {
    expect(renderPyo3Config(pyo3ConfigFor(describeTargetPython("python3.11", aarch64)))).toBe(
      "implementation=CPython\nversion=3.11\nshared=true\nabi3=false\npointer_width=64\nbuild_flags=\nsuppress_build_script_link_lines=false\n",
    );
  });

  it("abi3 needs only the minimum version; PyPy stays version-specific; 32-bit targets say so", () => {
    const arm = parseTriple("armv7-unknown-linux-gnueabihf");
    expect(renderPyo3Config(pyo3ConfigFor(describeTargetPython("python3.12", arm), 8))).toMatch(/^implementation=CPython\nversion=3\.8\nshared=true\nabi3=true\npointer_width=32\n/);
    expect(renderPyo3Config(pyo3ConfigFor(describeTargetPython("pypy3.10", aarch64), 8))).toMatch(/^implementation=PyPy\nversion=3\.10\nshared=true\nabi3=false\n/);
    expect(renderPyo3Config(pyo3ConfigFor(describeTargetPython("python3.13t", aarch64)))).toMatch(/\nbuild_flags=Py_GIL_DISABLED\n/);
    expect(renderPyo3Config(pyo3ConfigFor(describeTargetPython("python3.11", aarch64), undefined, "/sysroot/usr/lib"))).toMatch(/\nabi3=false\nlib_dir=\/sysroot\/usr\/lib\npointer_width=64\n/);
  });

  it("writes only keys pyo3-build-config reads (it refuses unknown ones)", () => {
    const dir = readdirSync(DEBIAN_REGISTRY).find((d) => d.startsWith("pyo3-build-config-"));
    if (!dir) throw new Error(`no pyo3-build-config in ${DEBIAN_REGISTRY} (see .ci/run)`);
    const impl = readFileSync(join(DEBIAN_REGISTRY, dir, "src", "impl_.rs"), "utf8");
    const text = renderPyo3Config(pyo3ConfigFor(describeTargetPython("python3.11", aarch64), undefined, "/x"));
    for (const key of text.trim().split("\n").map((l) => l.split("=")[0])) expect(impl).toContain(`"${key}" =>`);
  });
});

describe("writePyo3Config", () => {
  it("one file per content, absolute, never rewritten (PyO3 reruns its build script on a new date)", () => {
    const c = pyo3ConfigFor(describeTargetPython("python3.11", aarch64));
    const a = writePyo3Config(join(scratch, "cfg"), c);
    const before = statSync(a).mtimeMs;
    expect(writePyo3Config(join(scratch, "cfg"), c)).toBe(a);
    expect(statSync(a).mtimeMs).toBe(before);
    expect(a.startsWith("/")).toBe(true);
    const b = writePyo3Config(join(scratch, "cfg"), pyo3ConfigFor(describeTargetPython("python3.12", aarch64)));
    expect(b).not.toBe(a);
    expect(existsSync(a) && readFileSync(b, "utf8")).toContain("version=3.12");
    expect(readdirSync(join(scratch, "cfg")).sort()).toHaveLength(2); // no temporary left
  });
});
