/**
 * A setuptools + setuptools-rust project as pyts-build reads it: the Python
 * side as setuptools resolves it (packages found, package_dir, py_modules,
 * package data, data files) and the Rust side as setuptools-rust's
 * RustExtension / RustBin describe it. Read from pyproject.toml
 * (`[tool.setuptools]`, `[tool.setuptools-rust]`), setup.cfg or setup.py
 * (recorded, see recorder.ts); the wheel and the sdist are built from it.
 * Paths are '/'-separated and relative to the project folder unless named absolute.
 */

/** setuptools-rust's Binding values pyts-build builds (RustCPython is refused). */
export type RustBinding = "PyO3" | "NoBinding" | "Exec";

/** setuptools-rust's Strip: No, Debug (`strip -S`), All (`strip -x`); only for release builds. */
export type StripMode = "No" | "Debug" | "All";

/** What RustExtension and RustBin share (their keyword arguments, snake_case in setup.py, kebab-case in pyproject.toml). */
export interface RustTargetOptions {
  /** Absolute path of the crate's Cargo.toml (`path`, default "Cargo.toml"). */
  manifestPath: string;
  /** Extra cargo arguments (`args`), e.g. ["--profile", "release-lto"]. */
  args: string[];
  /** Arguments for every cargo command (`cargo-manifest-args`), e.g. ["--locked"]. */
  cargoManifestArgs: string[];
  features: string[];
  /** Required rustc version (`rust-version`, a semantic_version SimpleSpec such as ">=1.70"). */
  rustVersion?: string;
  /** undefined: release, as setuptools-rust builds wheels; true: a debug build. */
  debug?: boolean;
  strip: StripMode;
  quiet: boolean;
  /** A failing build leaves this target out instead of failing the wheel. */
  optional: boolean;
  /** Environment for cargo; setuptools-rust uses it instead of the process environment. */
  env?: Record<string, string>;
  /** Where it is configured, for messages: `pyproject.toml: tool.setuptools-rust.ext-modules[0]`. */
  where: string;
}

/** A RustExtension with a library binding: one cdylib installed as a Python module. */
export interface RustExtensionSpec extends RustTargetOptions {
  kind: "extension";
  /** Dotted module name: the prefix places it inside a package, the last part is its PyInit name. */
  target: string;
  binding: "PyO3" | "NoBinding";
  /** Extra rustc flags (`rustc-flags`, after `cargo rustc --lib --`). */
  rustcFlags: string[];
  /** The deprecated per-extension `py-limited-api`: "auto" follows bdist_wheel's py_limited_api. */
  pyLimitedApi: "auto" | boolean;
  /** `generated-files`: a file or folder of the build script's OUT_DIR -> the dotted package it is copied into. */
  generatedFiles: Array<{ source: string; package: string }>;
}

/** A RustExtension with `binding = "Exec"`: programs placed inside Python packages. */
export interface RustExecSpec extends RustTargetOptions {
  kind: "exec";
  /** Binary name -> dotted place (`pkg.tool` installs `pkg/tool`). */
  targets: Array<{ binary: string; module: string }>;
}

/** A RustBin: a program installed as a script (`<dist>.data/scripts/<target>`). */
export interface RustBinSpec extends RustTargetOptions {
  kind: "bin";
  /** The cargo binary target's name. */
  target: string;
}

export type RustTargetSpec = RustExtensionSpec | RustExecSpec | RustBinSpec;

/** Where the project's setuptools configuration was read from. */
export type SetuptoolsSource = "pyproject.toml" | "setup.cfg" | "setup.py";

export interface SetuptoolsProject {
  /** The files the configuration came from, in the order setuptools applies them. */
  sources: SetuptoolsSource[];
  /** Dotted package names as setuptools resolved them (`find` expanded, automatic discovery applied). */
  packages: string[];
  /** setuptools' package_dir: dotted package ("" = the root) -> folder relative to the project. */
  packageDir: Record<string, string>;
  /** Top-level modules (`py_modules`), dotted. */
  pyModules: string[];
  /** package_data: package ("" = every package) -> globs relative to the package folder. */
  packageData: Record<string, string[]>;
  excludePackageData: Record<string, string[]>;
  /** Data files the sdist's manifest lists inside the packages also go in (pyproject.toml's default: true). */
  includePackageData: boolean;
  /** data_files: installed under the environment's prefix (`<dist>.data/data/<dir>/`). */
  dataFiles: Array<{ dir: string; files: string[] }>;
  /** ext-modules then bins (setup.py: rust_extensions in its order). */
  rustTargets: RustTargetSpec[];
  /** setup(zip_safe=...) / `[tool.setuptools] zip-safe`: only egg-info's not-zip-safe / zip-safe file in the sdist shows it. */
  zipSafe?: boolean;
  /** bdist_wheel's py_limited_api (`cp38`...): the abi3 wheel tag and pyo3's abi3-py3X feature. */
  pyLimitedApi?: string;
}

/** The folder of a dotted package under package_dir (setuptools' find_package_path), relative to the project. */
export function packageFolder(project: Pick<SetuptoolsProject, "packageDir">, pkg: string): string {
  const parts = pkg === "" ? [] : pkg.split(".");
  for (let i = parts.length; i >= 0; i--) {
    const base = project.packageDir[parts.slice(0, i).join(".")];
    if (base === undefined) continue;
    return joinRel(base, ...parts.slice(i));
  }
  return joinRel(...parts);
}

/** '/'-joined relative path without empty or "." parts ("" is the project folder itself). */
export function joinRel(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split("/"))
    .filter((p) => p !== "" && p !== ".")
    .join("/");
}
