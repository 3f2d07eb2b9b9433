import { describe, expect, it } from "vitest";
import { Fields } from "../../../../src/build/project/fields.js";
import { profileOf, readBin, readExtension, readSetuptoolsRustTable } from "../../../../src/build/project/setuptools/rust-targets.js";

const f = (raw: Record<string, unknown>, prefix = "tool.setuptools-rust") => new Fields("/p/pyproject.toml", prefix, raw);

describe("[tool.setuptools-rust]", () => {
  it("ext-modules with setuptools-rust's defaults: PyO3, Cargo.toml beside pyproject.toml, release, no strip", () => {
    const [e] = readSetuptoolsRustTable(f({ "ext-modules": [{ target: "pkg._lib" }] }), "/p");
    expect(e).toEqual({
      kind: "extension",
      target: "pkg._lib",
      binding: "PyO3",
      manifestPath: "/p/Cargo.toml",
      args: [],
      cargoManifestArgs: [],
      features: [],
      rustcFlags: [],
      strip: "No",
      quiet: false,
      optional: false,
      pyLimitedApi: "auto",
      generatedFiles: [],
      where: "/p/pyproject.toml: tool.setuptools-rust.ext-modules[0]",
    });
  });

  it("every key of an ext-module, and bins after ext-modules", () => {
    const targets = readSetuptoolsRustTable(
      f({
        bins: [{ target: "tool", path: "rust/Cargo.toml", args: ["--profile", "release-lto"], strip: "All", env: { A: "1" }, debug: true }],
        "ext-modules": [
          {
            target: "pkg.sub._lib",
            path: "rust/Cargo.toml",
            binding: "NoBinding",
            features: ["x"],
            args: ["--no-default-features"],
            "cargo-manifest-args": ["--locked"],
            "rustc-flags": ["-Copt-level=2"],
            "rust-version": ">=1.60",
            quiet: true,
            optional: true,
            "py-limited-api": true,
            env: { RUSTFLAGS: "-Cdebuginfo=0" },
            "generated-files": { "out.txt": "pkg.sub" },
          },
        ],
      }),
      "/p",
    );
    expect(targets.map((t) => t.kind)).toEqual(["extension", "bin"]);
    expect(targets[0]).toMatchObject({ binding: "NoBinding", manifestPath: "/p/rust/Cargo.toml", features: ["x"], args: ["--no-default-features"], cargoManifestArgs: ["--locked"], rustcFlags: ["-Copt-level=2"], rustVersion: ">=1.60", quiet: true, optional: true, pyLimitedApi: true, env: { RUSTFLAGS: "-Cdebuginfo=0" }, generatedFiles: [{ source: "out.txt", package: "pkg.sub" }] });
    expect(targets[1]).toMatchObject({ kind: "bin", target: "tool", manifestPath: "/p/rust/Cargo.toml", strip: "All", debug: true, env: { A: "1" } });
  });

  it("binding Exec: a table of binary -> dotted place, or one dotted name whose last part is the binary", () => {
    const e = readExtension(f({ target: { "hello-world": "pkg.hello-world", other: "pkg.bin.other" }, binding: "Exec" }, "x"), "kebab", "/p");
    expect(e).toMatchObject({ kind: "exec", targets: [{ binary: "hello-world", module: "pkg.hello-world" }, { binary: "other", module: "pkg.bin.other" }] });
    expect(readExtension(f({ target: "pkg.tool", binding: "Exec" }, "x"), "kebab", "/p")).toMatchObject({ targets: [{ binary: "tool", module: "pkg.tool" }] });
  });

  it("setup.py's snake_case keywords (a recorded RustExtension call) read the same", () => {
    const e = readExtension(new Fields("/p/setup.py", "rust_extensions[0]", { target: "pkg._lib", path: "rust/Cargo.toml", cargo_manifest_args: ["--frozen"], rust_version: null, debug: null, binding: "PyO3", strip: "Debug", generated_files: null, env: null }), "snake", "/p");
    expect(e).toMatchObject({ target: "pkg._lib", manifestPath: "/p/rust/Cargo.toml", cargoManifestArgs: ["--frozen"], strip: "Debug" });
    expect("debug" in e).toBe(false);
  });

  it.each([
    [{ "ext-modules": [{ target: "x", binding: "RustCPython" }] }, 'ext-modules[0].binding "RustCPython" is not supported by pyts-build'],
    [{ "ext-modules": [{ target: "x", binding: "Cffi" }] }, 'ext-modules[0].binding "Cffi" is not supported'],
    [{ "ext-modules": [{ target: "x", strip: "Some" }] }, 'strip "Some" is not one of No, Debug, All'],
    [{ "ext-modules": [{ path: "Cargo.toml" }] }, "ext-modules[0].target is missing"],
    [{ "ext-modules": [{ target: "x", script: true, binding: "Exec" }] }, "script (a Python wrapper script for an Exec binary) is not supported"],
    [{ "ext-modules": [{ target: "x", featurs: ["a"] }] }, 'unknown key "featurs" in [tool.setuptools-rust.ext-modules[0]] (did you mean "features"?)'],
    [{ "ext-modules": [{ target: "x", args: ["--profile"] }] }, "args end with --profile and no profile name"],
    [{ "ext-modules": [{ target: "x", "generated-files": { "../up.txt": "x" } }] }, 'generated-files "../up.txt" must be a path inside the build script\'s OUT_DIR'],
    [{ bins: [{ target: "t", binding: "PyO3" }] }, 'unknown key "binding" in [tool.setuptools-rust.bins[0]]'],
    [{ modules: [] }, 'unknown key "modules" in [tool.setuptools-rust]'],
  ])("refuses %j: %s", (raw, message) => {
    expect(() => readSetuptoolsRustTable(f(raw), "/p")).toThrow(message);
  });

  it("profileOf reads --profile X and --profile=X like setuptools-rust's get_cargo_profile", () => {
    expect(profileOf(["--profile", "release-lto"])).toBe("release-lto");
    expect(profileOf(["--locked", "--profile=checked"])).toBe("checked");
    expect(profileOf(["--release"])).toBeUndefined();
    expect(() => profileOf(["--profile="])).toThrow("no profile name");
  });

  it("a bin needs a target", () => {
    expect(() => readBin(f({ path: "Cargo.toml" }, "tool.setuptools-rust.bins[0]"), "kebab", "/p")).toThrow("bins[0].target is missing");
  });
});
