import { describe, expect, it } from "vitest";
import { renderMetadata } from "../../../../src/wheel/metadata.js";
import { checkSetupKeys, setupEntryPoints, setupMetadata, setupRustTargets } from "../../../../src/build/project/setuptools/setup-keywords.js";

const FILE = "/p/setup.py";

describe("checkSetupKeys", () => {
  it.each([
    [{ cmdclass: { build_py: { __class__: "class", name: "x.MyBuild" } } }, "setup() uses cmdclass, which pyts-build cannot build"],
    [{ ext_modules: [{ __class__: "Extension", name: "c_ext" }] }, "setup() uses ext_modules"],
    [{ cffi_modules: ["build_ffi.py:ffi"] }, "setup() uses cffi_modules"],
    [{ setup_requires: ["setuptools-rust", "cython"] }, "setup_requires lists cython"],
    [{ use_scm_version: true }, "setup() uses use_scm_version"],
  ])("refuses %j", (kw, message) => {
    expect(() => checkSetupKeys(kw, FILE, () => {})).toThrow(message);
  });

  it("empty values of those keys, known keys and setuptools' own requirements pass; unknown keys are warned about", () => {
    const warned: string[] = [];
    checkSetupKeys({ cmdclass: {}, ext_modules: [], setup_requires: ["setuptools>=61", "setuptools_rust", "wheel"], zip_safe: false, name: "x", frobnicate: 1 }, FILE, (m) => warned.push(m));
    expect(warned).toEqual([`${FILE}: setup() keyword frobnicate is not understood by pyts-build: ignored`]);
  });
});

describe("setupMetadata: METADATA the way setuptools writes it from setup() keywords", () => {
  it("the common fields", () => {
    const { metadata } = setupMetadata(
      {
        name: "My_Project",
        version: "1.0.0-alpha",
        description: "  short  ",
        long_description: "Long text",
        long_description_content_type: "text/markdown",
        author: "A. Person",
        author_email: "a@example.org",
        maintainer_email: "m@example.org",
        license: "MIT",
        url: "https://example.org",
        project_urls: { Source: "https://example.org/src" },
        keywords: "rust, python",
        classifiers: ["Programming Language :: Rust"],
        python_requires: ">=3.8",
        install_requires: "attrs>=21\n# a comment\nsix",
        extras_require: { Dev: ["pytest"], "test:python_version < '3.9'": ["importlib-resources"] },
      },
      FILE,
    );
    const text = renderMetadata(metadata);
    expect(text).toContain("Name: My_Project\nVersion: 1.0.0a0\n");
    for (const line of [
      "Summary: short",
      "Author: A. Person",
      "Author-email: a@example.org",
      "Maintainer-email: m@example.org",
      "License: MIT",
      "Home-page: https://example.org",
      "Project-URL: Source, https://example.org/src",
      "Keywords: rust,python",
      "Classifier: Programming Language :: Rust",
      "Requires-Python: >=3.8",
      "Requires-Dist: attrs>=21",
      "Requires-Dist: six",
      "Provides-Extra: dev",
      'Requires-Dist: pytest; extra == "dev"',
      "Provides-Extra: test",
      "Requires-Dist: importlib-resources; (python_version < '3.9') and extra == \"test\"",
      "Description-Content-Type: text/markdown",
    ]) {
      expect(text).toContain(line + "\n");
    }
    expect(text.endsWith("\n\nLong text\n")).toBe(true);
  });

  it("no version is 0.0.0, as setuptools says; no name is an error", () => {
    expect(setupMetadata({ name: "x" }, FILE).metadata.version).toBe("0.0.0");
    expect(() => setupMetadata({ version: "1" }, FILE)).toThrow("setup() has no name");
    expect(() => setupMetadata({ name: "x", version: "not a version" }, FILE)).toThrow("setup() version");
  });

  it("a long description without a content type is reST (what PyPI assumes)", () => {
    expect(setupMetadata({ name: "x", long_description: "t" }, FILE).metadata.description).toEqual({ body: "t", contentType: "text/x-rst" });
  });
});

describe("setupEntryPoints", () => {
  it("a dict of lists or an ini text", () => {
    expect(setupEntryPoints({ console_scripts: ["hello = pkg.cli:main", "other=pkg:run"] }, FILE)).toEqual({ console_scripts: { hello: "pkg.cli:main", other: "pkg:run" } });
    expect(setupEntryPoints("[console_scripts]\nhello = pkg:main\n\n[pkg.plugins]\na = pkg.a\n", FILE)).toEqual({ console_scripts: { hello: "pkg:main" }, "pkg.plugins": { a: "pkg.a" } });
    expect(() => setupEntryPoints({ console_scripts: ["broken"] }, FILE)).toThrow('"broken" is not "name = module:object"');
  });
});

describe("setupRustTargets", () => {
  it("recorded RustExtension and RustBin calls, in order", () => {
    const ext = { __class__: "RustExtension", target: "pkg._lib", path: "rust/Cargo.toml", args: [], cargo_manifest_args: [], features: [], rustc_flags: [], rust_version: null, quiet: false, debug: null, binding: "PyO3", strip: "No", script: false, native: false, optional: false, py_limited_api: "auto", env: null, generated_files: null };
    const bin = { ...ext, __class__: "RustBin", target: "tool", binding: "Exec", py_limited_api: false };
    const t = setupRustTargets({ rust_extensions: [ext, bin] }, FILE, "/p");
    expect(t.map((x) => x.kind)).toEqual(["extension", "bin"]);
    expect(t[0]).toMatchObject({ target: "pkg._lib", manifestPath: "/p/rust/Cargo.toml", where: `${FILE}: rust_extensions[0]` });
    expect(t[1]).toMatchObject({ target: "tool", manifestPath: "/p/rust/Cargo.toml" });
    expect(() => setupRustTargets({ rust_extensions: ["x"] }, FILE, "/p")).toThrow("rust_extensions[0] is not a RustExtension or RustBin");
  });
});
