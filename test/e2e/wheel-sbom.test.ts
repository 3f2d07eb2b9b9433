/**
 * PEP 770 SBOMs (issue 21 point 9): every wheel carries
 * `.dist-info/sboms/<crate>.cyclonedx.json`, the crate's Rust dependency graph
 * (maturin's document shape), listed in RECORD, the same bytes for the same
 * SOURCE_DATE_EPOCH; `[tool.maturin.sbom]` / `[tool.pyts-build.sbom]` turn it
 * off or add files. The fixture is ffi-min (no pyo3: fast) with a registry
 * dependency, a local path dependency, a build-dependency and a
 * dev-dependency, written here.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, makeVenv, py, testEnv } from "../helpers/env.js";
import { dateBack } from "../helpers/ffi-min.js";
import { fixture, runPy, sha256, wheelNames, wheelText } from "./wheel-helpers.js";

const PY = cpython("3.11") as string;
const DIST = "sbom_demo-0.3.0";
const SBOM = `${DIST}.dist-info/sboms/ffi-min.cyclonedx.json`;

/** ffi-min with dependencies of every kind, and `tool` as pyproject.toml's tool table. */
function project(tool = ""): string {
  const d = join(freshDir("sbom"), "p");
  cpSync(fixture("ffi-min"), d, { recursive: true, filter: (p) => !/\/(target|Cargo\.lock)$/.test(p) });
  const cargo = readFileSync(join(d, "Cargo.toml"), "utf8").replace(/\n\[lib\]/, '\nauthors = ["Ann <ann@example.org>"]\nrepository = "https://example.org/sbom-demo"\n\n[lib]');
  writeFileSync(
    join(d, "Cargo.toml"),
    `${cargo}\n[dependencies]\ncfg-if = "1"\nhelper = { path = "helper" }\n\n[build-dependencies]\neither = "1"\n\n[dev-dependencies]\nautocfg = "1"\n`,
  );
  writeFileSync(join(d, "build.rs"), 'fn main() { println!("cargo:rerun-if-changed=build.rs"); }\n');
  mkdirSync(join(d, "helper", "src"), { recursive: true });
  writeFileSync(join(d, "helper", "Cargo.toml"), '[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\nlicense-file = "COPYING"\n');
  writeFileSync(join(d, "helper", "COPYING"), "Helper license text.\n");
  writeFileSync(join(d, "helper", "src", "lib.rs"), "pub fn one() -> i32 { 1 }\n");
  writeFileSync(join(d, "pyproject.toml"), `[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "sbom-demo"\nversion = "0.3.0"\n\n${tool}`);
  writeFileSync(join(d, "vendor.cdx.json"), '{"bomFormat": "CycloneDX"}\n');
  return d;
}

function build(dir: string, out: string, env: Record<string, string> = {}): BuiltWheel {
  const r = runCliOk(["wheel", "-i", PY, "-o", out, "--json", "--compatibility", "linux"], { cwd: dir, env: { CARGO_TARGET_DIR: join(dir, "target"), ...env } });
  return (JSON.parse(r.stdout) as BuiltWheel[])[0] as BuiltWheel;
}

interface Component {
  "bom-ref": string;
  name: string;
  version: string;
  scope?: string;
  purl: string;
  hashes?: Array<{ alg: string; content: string }>;
  licenses?: unknown[];
  components?: Component[];
  type: string;
}

describe("SBOM in every wheel", () => {
  let dir: string;
  let wheel: BuiltWheel;
  beforeAll(() => {
    dir = project();
    wheel = build(dir, join(dir, "out"), { SOURCE_DATE_EPOCH: "1700000000" });
  });

  it("the wheel lists it in RECORD; pip installs the wheel and the module imports", () => {
    expect(wheelNames(PY, wheel.path)).toEqual([
      "ffi_min/__init__.py",
      "ffi_min/ffi_min.cpython-311-x86_64-linux-gnu.so",
      `${DIST}.dist-info/METADATA`,
      `${DIST}.dist-info/WHEEL`,
      SBOM,
      `${DIST}.dist-info/RECORD`,
    ]);
    expect(wheelText(PY, wheel.path, `${DIST}.dist-info/METADATA`)).toBe("Metadata-Version: 2.4\nName: sbom-demo\nVersion: 0.3.0\n");
    const record = wheelText(PY, wheel.path, `${DIST}.dist-info/RECORD`);
    const text = wheelText(PY, wheel.path, SBOM);
    const digest = runPy(PY, "import sys, hashlib, base64; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).rstrip(b'=').decode())", [text]).trim();
    expect(record).toContain(`${SBOM},sha256=${digest},${Buffer.byteLength(text)}\n`);
    const venv = makeVenv(PY, join(freshDir("sbom-venv"), "v"), true);
    execFileSync(venv, ["-m", "pip", "install", "--no-index", wheel.path], { env: testEnv({ PIP_CONFIG_FILE: "/dev/null" }), stdio: "pipe" });
    expect(py(venv, "import ffi_min; print(ffi_min.answer())")).toBe("42");
    expect(py(venv, "import importlib.metadata as m; print(sorted(str(f) for f in m.files('sbom-demo') if 'sboms' in str(f)))")).toBe(`['${SBOM}']`);
  });

  it("is maturin's CycloneDX 1.5 document of the graph: build-only crates excluded, dev-dependencies left out", () => {
    const doc = JSON.parse(wheelText(PY, wheel.path, SBOM)) as {
      bomFormat: string;
      specVersion: string;
      serialNumber: string;
      metadata: { timestamp: string; component: Component; authors: unknown[]; tools: Array<{ name: string }> };
      components: Component[];
      dependencies: Array<{ ref: string; dependsOn?: string[] }>;
    };
    expect([doc.bomFormat, doc.specVersion]).toEqual(["CycloneDX", "1.5"]);
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.metadata.timestamp).toBe("2023-11-14T22:13:20.000000000Z");
    expect(doc.metadata.tools[0]?.name).toBe("pyts-build");
    expect(doc.metadata.authors).toEqual([{ name: "Ann", email: "ann@example.org" }]);
    const top = doc.metadata.component;
    expect([top.name, top.version, top.purl, top.type]).toEqual(["ffi-min", "0.2.0", "pkg:cargo/ffi-min@0.2.0?download_url=file://.", "library"]);
    expect(top.components?.map((c) => [c.name, c.type, c.purl])).toEqual([["ffi_min", "library", "pkg:cargo/ffi-min@0.2.0?download_url=file://.#src/lib.rs"]]);
    const byName = Object.fromEntries(doc.components.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(["cfg-if", "either", "helper"]); // not autocfg (dev-dependency)
    expect(byName["cfg-if"]?.scope).toBe("required");
    expect(byName["cfg-if"]?.purl).toBe("pkg:cargo/cfg-if@1.0.0");
    expect(byName["cfg-if"]?.hashes?.[0]?.alg).toBe("SHA-256");
    expect(byName.either?.scope).toBe("excluded"); // build-dependency
    expect(byName.helper?.purl).toBe("pkg:cargo/helper@0.1.0?download_url=file://helper");
    expect(byName.helper?.licenses).toEqual([{ license: { name: "Unknown", text: { content: "Helper license text.\n" } } }]);
    const root = doc.dependencies.find((d) => d.ref === top["bom-ref"]);
    expect(root?.dependsOn?.map((r) => doc.components.find((c) => c["bom-ref"] === r)?.name).sort()).toEqual(["cfg-if", "either", "helper"]);
  });

  it("the same SOURCE_DATE_EPOCH gives the same bytes; the no-op rebuild reads the remembered SBOM (no cargo metadata run)", () => {
    const log = join(dir, "cargo-runs.log");
    const cargo = join(dir, "cargo-wrapper");
    writeFileSync(cargo, `#!/bin/sh\necho "$1" >> ${JSON.stringify(log)}\nexec cargo "$@"\n`, { mode: 0o755 });
    dateBack(dir); // the no-op paths remember nothing younger than 2 s (the wrapper is the toolchain's cargo here)
    const env = { SOURCE_DATE_EPOCH: "1700000000", CARGO: cargo, PYTS_BUILD_NO_CODE_CACHE: "1" };
    build(dir, join(dir, "again"), env); // remembers with this CARGO
    writeFileSync(log, "");
    const again = build(dir, join(dir, "again2"), env);
    expect(sha256(again.path)).toBe(sha256(wheel.path));
    expect(readFileSync(log, "utf8")).toBe("");
  });

  it("[tool.maturin.sbom] rust = false: none; include: the named files; a missing include is an error naming the key", () => {
    const off = build(project('[tool.maturin]\nbindings = "pyo3"\n[tool.maturin.sbom]\nrust = false\n'), freshDir("sbom-off"));
    expect(wheelNames(PY, off.path).filter((n) => n.includes("/sboms/"))).toEqual([]);
    const incDir = project('[tool.pyts-build.sbom]\ninclude = ["vendor.cdx.json"]\n');
    const inc = build(incDir, freshDir("sbom-inc"));
    expect(wheelNames(PY, inc.path).filter((n) => n.includes("/sboms/"))).toEqual([SBOM, `${DIST}.dist-info/sboms/vendor.cdx.json`]);
    // the sdist carries the included file, so a wheel built from it ships it too
    const sdist = runCliOk(["sdist", "-o", freshDir("sbom-sdist")], { cwd: incDir }).stdout.trim();
    expect(runPy(PY, "import sys, tarfile; print('\\n'.join(tarfile.open(sys.argv[1]).getnames()))", [sdist]).split("\n")).toContain("sbom_demo-0.3.0/vendor.cdx.json");
    const bad = runCli(["wheel", "-i", PY, "-o", freshDir("sbom-bad")], { cwd: project('[tool.maturin]\nbindings = "pyo3"\n[tool.maturin.sbom]\ninclude = ["nope.json"]\n') });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/error: .*pyproject\.toml: tool\.maturin\.sbom\.include "nope\.json" does not exist/);
    expect(bad.stderr).toMatch(/hint: /);
  });
});

describe("a repair that grafts a library adds auditwheel's SBOM of the OS packages", () => {
  let dir: string;
  beforeAll(() => {
    // ffi-min calling into libbz2 (Debian's libbz2-1.0), which no manylinux policy allows: a repair bundles it
    dir = project();
    writeFileSync(join(dir, "build.rs"), 'fn main() { println!("cargo:rerun-if-changed=build.rs"); println!("cargo:rustc-link-lib=dylib=bz2"); }\n');
    const lib = readFileSync(join(dir, "src", "lib.rs"), "utf8");
    writeFileSync(join(dir, "src", "lib.rs"), `${lib}\nextern "C" {\n    fn BZ2_bzlibVersion() -> *const c_char;\n}\n\n#[no_mangle]\npub extern "C" fn ffi_min_bz2_version() -> *const c_char {\n    unsafe { BZ2_bzlibVersion() }\n}\n`);
  });

  it.skipIf(!existsSync("/usr/bin/dpkg"))("sboms/auditwheel.cdx.json names the package (dpkg) of the bundled file; pip installs it and it imports", () => {
    const r = runCliOk(["wheel", "-i", PY, "-o", join(dir, "out"), "--json"], { cwd: dir, env: { CARGO_TARGET_DIR: join(dir, "target") } });
    const w = (JSON.parse(r.stdout) as BuiltWheel[])[0] as BuiltWheel;
    expect(w.fileName).toMatch(/^sbom_demo-0\.3\.0-cp311-cp311-manylinux_2_\d+_x86_64(\.manylinux_2_\d+_x86_64)*\.whl$/);
    const names = wheelNames(PY, w.path);
    expect(names.filter((n) => n.startsWith("sbom_demo.libs/"))).toEqual([expect.stringMatching(/^sbom_demo\.libs\/libbz2-[0-9a-f]{8}\.so\.1\.0\.\d+$/)]);
    expect(names.filter((n) => n.includes("/sboms/")).sort()).toEqual([`${DIST}.dist-info/sboms/auditwheel.cdx.json`, SBOM]);
    const owner = execFileSync("dpkg", ["-S", "/lib/x86_64-linux-gnu/libbz2.so.1.0"], { encoding: "utf8" }).split(":")[0] as string;
    const version = /^Version: (\S+)/m.exec(execFileSync("dpkg", ["-s", owner], { encoding: "utf8" }))?.[1] as string;
    const doc = JSON.parse(wheelText(PY, w.path, `${DIST}.dist-info/sboms/auditwheel.cdx.json`)) as { specVersion: string; metadata: { component: { purl: string } }; components: Array<{ name: string; version: string; purl: string; "bom-ref": string }>; dependencies: Array<{ ref: string; dependsOn?: string[] }> };
    expect(doc.specVersion).toBe("1.4");
    const wheelPurl = `pkg:pypi/sbom_demo@0.3.0?file_name=${encodeURIComponent(w.fileName)}`;
    expect(doc.metadata.component.purl).toBe(wheelPurl);
    const pkg = doc.components[1] as { name: string; version: string; purl: string; "bom-ref": string };
    expect([pkg.name, pkg.version]).toEqual([owner, version]);
    expect(pkg.purl).toBe(`pkg:deb/debian/${owner}@${encodeURIComponent(version)}`);
    expect(pkg["bom-ref"]).toMatch(new RegExp(`^${pkg.purl.replace(/[.+?]/g, "\\$&")}#[0-9a-f]{64}$`));
    expect(doc.dependencies).toEqual([{ ref: wheelPurl, dependsOn: [pkg["bom-ref"]] }, { ref: pkg["bom-ref"] }]);
    const venv = makeVenv(PY, join(freshDir("sbom-graft-venv"), "v"), true);
    execFileSync(venv, ["-m", "pip", "install", "--no-index", w.path], { env: testEnv({ PIP_CONFIG_FILE: "/dev/null" }), stdio: "pipe" });
    expect(py(venv, "import ffi_min, ctypes; lib = ctypes.CDLL(ffi_min.ffi_min.__file__); lib.ffi_min_bz2_version.restype = ctypes.c_char_p; print(ffi_min.answer(), lib.ffi_min_bz2_version().decode()[:2])")).toMatch(/^42 1\./);
  });
});
