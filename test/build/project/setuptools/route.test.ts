import { describe, expect, it } from "vitest";
import { buildRoute, foreignRustTables } from "../../../../src/build/project/setuptools/route.js";
import { writeTree } from "../../../helpers/tree.js";

const ST = { "build-system": { requires: ["setuptools>=61", "setuptools-rust"], "build-backend": "setuptools.build_meta" } };
const route = (dir: string, raw: Record<string, unknown> | undefined, own = false) => buildRoute(dir, raw, "pyproject.toml", own);

describe("buildRoute: whose configuration a build follows", () => {
  const empty = writeTree("route-empty", {});

  it("setuptools-rust: a setuptools backend with setuptools-rust in requires, or [tool.setuptools-rust] with any backend", () => {
    expect(route(empty, ST).route).toBe("setuptools-rust");
    expect(route(empty, { "build-system": { "build-backend": "pyts_build" }, tool: { "setuptools-rust": {} } }).route).toBe("setuptools-rust");
    expect(route(empty, { "build-system": { requires: ["setuptools", "setuptools_rust>=1.7"], "build-backend": "setuptools.build_meta:__legacy__" } }).route).toBe("setuptools-rust");
  });

  it("a setup.py (or setup.cfg) that names setuptools_rust, with or without pyproject.toml", () => {
    const d = writeTree("route-setuppy", { "setup.py": "from setuptools_rust import RustExtension\n" });
    expect(route(d, undefined).route).toBe("setuptools-rust");
    expect(route(d, { "build-system": { requires: ["setuptools"] } }).route).toBe("setuptools-rust");
  });

  it("pyts-build's own table wins, with a warning that the setuptools-rust configuration is not read", () => {
    const r = route(empty, { ...ST, tool: { "pyts-build": { "module-name": "x" } } }, true);
    expect(r.route).toBe("pyts-build");
    expect(r.warnings[0]).toContain("[tool.pyts-build] is present, so the setuptools-rust configuration");
  });

  it("maturin's and pyts-build's backends, and no backend at all, keep pyts-build's rules", () => {
    expect(route(empty, { "build-system": { "build-backend": "maturin" } }).route).toBe("pyts-build");
    expect(route(empty, { "build-system": { "build-backend": "pyts_build" } }).route).toBe("pyts-build");
    expect(route(empty, { project: { name: "x" } }).route).toBe("pyts-build");
    expect(route(empty, undefined).route).toBe("pyts-build");
  });

  it.each([
    [{ "build-system": { requires: ["setuptools"], "build-backend": "setuptools.build_meta" } }, "a setuptools project without setuptools-rust"],
    [{ "build-system": { requires: ["scikit-build-core"], "build-backend": "scikit_build_core.build" } }, 'build-backend "scikit_build_core.build" is not understood by pyts-build'],
    [{ "build-system": { requires: ["hatchling"], "build-backend": "hatchling.build" } }, 'build-backend "hatchling.build" is not understood'],
    [{ tool: { "scikit-build": { cmake: { args: [] } }, "cargo-extensions": {} } }, "[tool.cargo-extensions] configures a Rust build pyts-build does not read"],
  ])("refuses %j", (raw, message) => {
    expect(() => route(empty, raw)).toThrow(message);
  });

  it("a setup.py without setuptools_rust beside a crate: refused, never a wheel from Cargo.toml alone", () => {
    const d = writeTree("route-plain-setuppy", { "setup.py": "from setuptools import setup\nsetup(name='x')\n" });
    expect(() => route(d, undefined)).toThrow("setup.py: a setuptools project without setuptools-rust");
  });

  it("beside a configuration pyts-build reads, another tool's Rust table is a warning", () => {
    const r = route(empty, { "build-system": { "build-backend": "maturin" }, tool: { maturin: {}, hatch: { build: { hooks: { "rust-ext": {} } } } } });
    expect(r.route).toBe("pyts-build");
    expect(r.warnings).toEqual(["pyproject.toml: [tool.hatch.build.hooks.rust-ext] is not read by pyts-build (it configures another tool's Rust build)"]);
  });

  it("foreignRustTables skips the tools pyts-build reads and tables that say nothing of Rust", () => {
    expect(foreignRustTables({ tool: { "pyts-build": {}, maturin: {}, "setuptools-rust": {}, pytest: { ini_options: {} }, ruff: { lint: {} }, pyo3_helper: {} } })).toEqual(["tool.pyo3_helper"]);
  });
});
