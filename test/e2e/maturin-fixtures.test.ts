/**
 * maturin-configured projects (test/fixtures/maturin/, written here) build
 * unchanged with `pyts-build wheel`, install with the real installer, import
 * and run; the file lists and METADATA are maturin's. Every expected list and
 * METADATA text below was checked against the real maturin 1.15
 * (`maturin build -i python3.11 --compatibility linux`, offline CARGO_HOME) on
 * these fixtures; the only entry maturin writes that pyts-build does not is its
 * `.dist-info/sboms/*.cyclonedx.json` (see docs/configuration.md).
 *
 * The fixtures are extensions on pyo3-ffi alone (maturin detects "pyo3-ffi"
 * bindings from the dependency): pyo3-ffi builds in seconds, all of them share
 * one target dir and one interpreter, so its build script runs once.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON, WORK } from "../helpers/env.js";
import type { BuiltWheel } from "../../src/build/build-wheel.js";
import { fixture, wheelNames, wheelText } from "./wheel-helpers.js";

const PY311 = cpython("3.11");
const TARGET = join(WORK, "cargo-target-maturin");

/** `pyts-build wheel --json` on a fixture; `--compatibility linux` unless the fixture's config is what is tested (compat = false). */
function build(manifest: string, extra: string[] = [], compat = true): { wheel: BuiltWheel; stderr: string } {
  const c = compat ? ["--compatibility", "linux"] : [];
  const r = runCliOk(["wheel", "-m", fixture(join("maturin", manifest)), "-i", PY311 as string, ...c, "--json", "-o", freshDir("maturin-out"), ...extra], {
    env: { CARGO_TARGET_DIR: TARGET },
  });
  const wheels = JSON.parse(r.stdout) as BuiltWheel[];
  expect(wheels).toHaveLength(1);
  return { wheel: wheels[0] as BuiltWheel, stderr: r.stderr };
}

/** METADATA as a sorted list of lines: maturin orders headers differently, the set is what must match. */
function metadataLines(wheel: BuiltWheel, dist: string): string[] {
  const text = wheelText(SYSTEM_PYTHON, wheel.path, `${dist}.dist-info/METADATA`);
  const cut = text.indexOf("\n\n");
  const head = cut < 0 ? text.trimEnd() : text.slice(0, cut);
  const body = cut < 0 ? "" : text.slice(cut + 2);
  return [...head.split("\n").sort(), ...(body !== "" ? ["", body] : [])];
}

function installed(wheel: BuiltWheel): string {
  const venv = makeVenv(PY311 as string, join(freshDir("maturin-venv"), "v"));
  installWheel(venv, wheel.path);
  return venv;
}

describe.skipIf(!PY311)("maturin projects build unchanged", () => {
  beforeAll(() => {
    // warm the shared target dir once (pyo3-ffi's build script) so the tests below do not race on it
    build("up-one/rust/Cargo.toml");
  });

  it("mixed python/ source, module-name, python-packages, include/exclude with formats, data dir, [project] without version", () => {
    const { wheel, stderr } = build("mixed-python/Cargo.toml");
    const dist = "mixed_python-1.2.3b1";
    expect(wheel.fileName).toBe(`${dist}-cp311-cp311-linux_x86_64.whl`);
    expect(stderr).toMatch(/project\.version is required unless "version" is in project\.dynamic; using 1\.2\.3b1 from .*Cargo\.toml/);
    // maturin: the same files; dev_only.py is excluded for wheels, docs/sdist-only.txt only goes to the sdist
    expect(wheelNames(SYSTEM_PYTHON, wheel.path).sort()).toEqual(
      [
        "docs/guide.txt",
        "helper/__init__.py",
        "mixed_python/__init__.py",
        "mixed_python/_native.cpython-311-x86_64-linux-gnu.so",
        `${dist}.data/data/mixed-python.txt`,
        `${dist}.data/scripts/mixed-python-hello`,
        `${dist}.dist-info/METADATA`,
        `${dist}.dist-info/WHEEL`,
        `${dist}.dist-info/sboms/mixed-python.cyclonedx.json`,
        `${dist}.dist-info/RECORD`,
      ].sort(),
    );
    expect(metadataLines(wheel, dist)).toEqual(["Metadata-Version: 2.4", "Name: mixed-python", "Requires-Dist: attrs>=20", "Requires-Python: >=3.8", "Version: 1.2.3b1"]);
    const venv = installed(wheel);
    expect(py(venv, "import mixed_python, helper; print(mixed_python.answer(), mixed_python.doubled())")).toBe("7 14");
    expect(readFileSync(join(venv, "..", "mixed-python-hello"), "utf8")).toContain("hello from mixed-python");
    expect(existsSync(join(venv, "..", "..", "mixed-python.txt"))).toBe(true);
  });

  it("the sdist of that project takes the sdist-only include and keeps the wheel-only exclude", () => {
    const out = runCliOk(["sdist", "-m", fixture("maturin/mixed-python/Cargo.toml"), "-o", freshDir("maturin-sdist")], { env: { CARGO_TARGET_DIR: TARGET } }).stdout.trim();
    const names = py(SYSTEM_PYTHON, `import tarfile; print("\\n".join(tarfile.open(${JSON.stringify(out)}).getnames()))`).split("\n");
    expect(names).toContain("mixed_python-1.2.3b1/docs/sdist-only.txt");
    expect(names).toContain("mixed_python-1.2.3b1/python/mixed_python/dev_only.py");
  });

  it("mixed src/ package found without python-source; metadata fields listed in dynamic come from Cargo.toml", () => {
    // skip-auditwheel = true reaches the audit step: the plain linux tag without --compatibility
    const { wheel } = build("mixed-src/Cargo.toml", [], false);
    const dist = "mixed_src-0.3.0";
    expect(wheel.fileName).toBe(`${dist}-cp311-cp311-linux_x86_64.whl`);
    expect(build("mixed-src/Cargo.toml", ["--auditwheel", "repair"], false).wheel.fileName).toMatch(/-cp311-cp311-manylinux_2_\d+_x86_64\.whl$/);
    expect(wheelNames(SYSTEM_PYTHON, wheel.path).sort()).toEqual(
      ["mixed_src/__init__.py", "mixed_src/mixed_src.cpython-311-x86_64-linux-gnu.so", `${dist}.dist-info/METADATA`, `${dist}.dist-info/WHEEL`, `${dist}.dist-info/sboms/mixed-src.cyclonedx.json`, `${dist}.dist-info/RECORD`].sort(),
    );
    // maturin writes the same lines except (deliberate, docs/configuration.md): it keeps the
    // summary's newline (invalid in a header), writes Home-Page, "License: MIT OR Apache-2.0"
    // instead of License-Expression, and puts Charles Babbage (no address) into Author-email too.
    expect(metadataLines(wheel, dist)).toEqual([
      "Author-email: Ada Lovelace <ada@example.org>",
      "Author: Ada Lovelace <ada@example.org>, Charles Babbage",
      "Classifier: Programming Language :: Rust",
      "Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM",
      "Keywords: maturin,fixture",
      "License-Expression: MIT OR Apache-2.0",
      "Metadata-Version: 2.4",
      "Name: mixed-src",
      "Project-URL: Documentation, https://docs.example.org/mixed-src",
      "Project-URL: Homepage, https://example.org/mixed-src",
      "Project-URL: Source Code, https://example.org/mixed-src.git",
      "Summary: A mixed project whose Python package sits in src/ next to the crate's sources",
      "Version: 0.3.0",
      "",
      "# mixed-src\n\nA fixture.\n",
    ]);
    expect(py(installed(wheel), "import mixed_src; print(mixed_src.plus_one())")).toBe("12");
  });

  it("pyproject.toml one folder above the manifest (-m rust/Cargo.toml), from another cwd", () => {
    // no --compatibility: [tool.maturin] compatibility = "linux" reaches the audit step
    const r = runCliOk(["wheel", "-m", fixture("maturin/up-one/rust/Cargo.toml"), "-i", PY311 as string, "--json", "-o", freshDir("maturin-out")], {
      env: { CARGO_TARGET_DIR: TARGET },
      cwd: freshDir("elsewhere"),
    });
    const wheel = (JSON.parse(r.stdout) as BuiltWheel[])[0] as BuiltWheel;
    const dist = "up_one-0.1.0";
    expect(wheel.fileName).toBe(`${dist}-cp311-cp311-linux_x86_64.whl`);
    expect(wheelNames(SYSTEM_PYTHON, wheel.path).sort()).toEqual(
      ["up_one/__init__.py", "up_one/_core.cpython-311-x86_64-linux-gnu.so", `${dist}.dist-info/METADATA`, `${dist}.dist-info/WHEEL`, `${dist}.dist-info/sboms/up-one.cyclonedx.json`, `${dist}.dist-info/RECORD`].sort(),
    );
    expect(metadataLines(wheel, dist)).toEqual(["Metadata-Version: 2.4", "Name: up-one", "Version: 0.1.0"]);
    expect(py(installed(wheel), "import up_one; print(up_one.answer())")).toBe("5");
  });

  it("[package.metadata.maturin] name and python-source, with the deprecation warning", () => {
    const { wheel, stderr } = build("package-metadata/Cargo.toml");
    const dist = "package_metadata-2.0.0";
    expect(stderr).toMatch(/\[package\.metadata\.maturin\] is deprecated \(maturin 1\.x no longer reads it\)/);
    // maturin 1.15 ignores this table (and then refuses the module name "package-metadata"); the
    // list is what it writes with the same keys in [tool.maturin] (module-name, python-source)
    expect(wheelNames(SYSTEM_PYTHON, wheel.path).sort()).toEqual(
      ["pkg_meta/__init__.py", "pkg_meta/_ext.cpython-311-x86_64-linux-gnu.so", `${dist}.dist-info/METADATA`, `${dist}.dist-info/WHEEL`, `${dist}.dist-info/sboms/package-metadata.cyclonedx.json`, `${dist}.dist-info/RECORD`].sort(),
    );
    // maturin: "License: MIT" where pyts-build writes License-Expression (PEP 639)
    expect(metadataLines(wheel, dist)).toEqual([
      "License-Expression: MIT",
      "Metadata-Version: 2.4",
      "Name: package-metadata",
      "Summary: Configured the old way: [package.metadata.maturin] in Cargo.toml, no pyproject.toml",
      "Version: 2.0.0",
    ]);
    expect(py(installed(wheel), "import pkg_meta; print(pkg_meta.answer())")).toBe("3");
  });

  it("pyo3-ffi's abi3 feature (reached through a crate feature) makes an abi3 wheel", () => {
    const { wheel } = build("ffi-abi3/Cargo.toml");
    const dist = "ffi_abi3-0.1.0";
    expect(wheel.fileName).toBe(`${dist}-cp38-abi3-linux_x86_64.whl`);
    expect(wheel.abi3).toBe(true);
    expect(metadataLines(wheel, dist)).toEqual(["Metadata-Version: 2.4", "Name: ffi-abi3", "Version: 0.1.0"]);
    // maturin 1.x's pure-Rust layout: the module wrapped in a package of the same name
    expect(wheelNames(SYSTEM_PYTHON, wheel.path).filter((n) => !n.includes(".dist-info/"))).toEqual(["ffi_abi3/__init__.py", "ffi_abi3/ffi_abi3.abi3.so"]);
    expect(py(installed(wheel), "import ffi_abi3; print(ffi_abi3.answer())")).toBe("38");
  });

  it("a workspace member with a renamed, workspace-inherited pyo3-ffi and a path dependency", () => {
    const { wheel } = build("workspace/crates/ws-py/Cargo.toml");
    const dist = "ws_py-0.4.0";
    expect(wheel.fileName).toBe(`${dist}-cp311-cp311-linux_x86_64.whl`);
    expect(metadataLines(wheel, dist)).toEqual([
      "License-Expression: MIT", // maturin: "License: MIT"
      "Metadata-Version: 2.4",
      "Name: ws-py",
      "Summary: A workspace member with a path dependency, configured for maturin",
      "Version: 0.4.0",
    ]);
    expect(wheelNames(SYSTEM_PYTHON, wheel.path).filter((n) => !n.includes(".dist-info/"))).toEqual(["ws_py/__init__.py", "ws_py/ws_py.cpython-311-x86_64-linux-gnu.so"]);
    expect(py(installed(wheel), "import ws_py; print(ws_py.answer())")).toBe("42");
  });

  it("[tool.maturin] cargo keys reach cargo: features, no-default-features, config, rustc-args, unstable-flags", () => {
    // ffi-min answers 40, +2 with its default feature "base", +1 with "plus-one", +100 with --cfg ffi_min_extra
    const crate = (maturin: string): string => {
      const d = freshDir("maturin-cargo-keys");
      cpSync(fixture("ffi-min"), d, { recursive: true });
      writeFileSync(join(d, "pyproject.toml"), `[project]\nname = "ffi-min"\nversion = "0.2.0"\n[tool.maturin]\nbindings = "pyo3"\nfeatures = ["plus-one"]\nno-default-features = true\n${maturin}`);
      return d;
    };
    const answer = (d: string) => {
      const r = runCliOk(["wheel", "-i", PY311 as string, "--compatibility", "linux", "--json", "-o", freshDir("maturin-out")], { cwd: d, env: { CARGO_TARGET_DIR: join(d, "target") } });
      return py(installed((JSON.parse(r.stdout) as BuiltWheel[])[0] as BuiltWheel), "import ffi_min; print(ffi_min.answer())");
    };
    expect(answer(crate(`config = ["build.rustflags = ['--cfg', 'ffi_min_extra']"]\n`))).toBe("141");
    expect(answer(crate('rustc-args = ["--cfg", "ffi_min_extra"]\n'))).toBe("141");
    const z = runCli(["wheel", "-i", PY311 as string, "--compatibility", "linux", "-o", freshDir("maturin-out")], { cwd: crate('unstable-flags = ["unstable-options"]\n') });
    expect(z.code).not.toBe(0);
    expect(z.stderr).toMatch(/-Z.*nightly|nightly.*-Z/); // stable cargo refuses -Z: the flag got there
  });

  it('bindings = "uniffi" is a one-line error that leaves no wheel', () => {
    const out = freshDir("maturin-uniffi");
    const d = freshDir("maturin-uniffi-src");
    mkdirSync(join(d, "src"));
    writeFileSync(join(d, "Cargo.toml"), '[package]\nname = "u"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n');
    writeFileSync(join(d, "src/lib.rs"), "");
    writeFileSync(join(d, "pyproject.toml"), '[project]\nname = "u"\nversion = "1"\n[tool.maturin]\nbindings = "uniffi"\n');
    const r = runCli(["wheel", "-m", join(d, "Cargo.toml"), "-o", out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")[0]).toMatch(/tool\.maturin\.bindings "uniffi" is not supported yet by pyts-build/);
    expect(readdirSync(out)).toEqual([]);
  });
});
