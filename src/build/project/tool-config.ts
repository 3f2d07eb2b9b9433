/**
 * The build options of this tool: `[tool.pyts-build]` in pyproject.toml, or
 * maturin's `[tool.maturin]` read with maturin 1.x's meaning (maturin-config.ts
 * picks the table; this file reads either).
 */
import type { AuditwheelMode } from "../../manylinux/audit/auditwheel-mode.js";
import { AUDITWHEEL_MODES } from "../../manylinux/audit/auditwheel-mode.js";
import { ConfigError } from "../../errors.js";
import { validateModuleName } from "../../wheel/names.js";
import { specifierSetError } from "../../wheel/pep440.js";
import { Fields, isTable } from "./fields.js";
import { type GlobRule, type OutDirRule, readIncludeRules } from "./include-rules.js";

export type { DistFormat, GlobRule, OutDirRule } from "./include-rules.js";

/**
 * What the library is: a PyO3 extension, an extension on pyo3-ffi alone (built
 * like pyo3), a cffi library, or Rust programs shipped as scripts.
 */
export type Bindings = "pyo3" | "pyo3-ffi" | "cffi" | "bin";
export const BINDINGS: readonly Bindings[] = ["pyo3", "pyo3-ffi", "cffi", "bin"];

/** Which table the options came from (for messages). */
export type ToolTableName = "pyts-build" | "maturin";

export interface ToolConfig {
  moduleName?: string;
  /** Folder (relative to pyproject.toml) holding the Python package of a mixed project. */
  pythonSource?: string;
  /** Extra top-level Python packages (names) to ship from python-source. */
  pythonPackages: string[];
  include: GlobRule[];
  /** `include = [{ path, from = "out-dir", to }]`: build-script output for the wheel. */
  outDirIncludes: OutDirRule[];
  exclude: GlobRule[];
  /** The configured bindings, else the ones detected from Cargo.toml (config.ts). */
  bindings: Bindings;
  features: string[];
  /** `features` entries `{ feature, python-version?, python-implementation? }`: on only for the interpreters they match. */
  conditionalFeatures: ConditionalFeature[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  profile?: string;
  strip: boolean;
  locked?: boolean;
  frozen?: boolean;
  /** cargo `--config` values (KEY=VALUE or a file). */
  cargoConfig: string[];
  /** cargo `-Z` flags (nightly cargo only). */
  unstableFlags: string[];
  /** Trailing rustc arguments (after `--`). */
  rustcArgs: string[];
  /** Rust target triple (cargo `--target`). */
  target?: string;
  /** `pyts-build wheel`'s test command (cibuildwheel's test-command), run against each built wheel. */
  testCommand?: string;
  /** Platform policy (manylinux...): consumed by the audit step. */
  compatibility?: string;
  /** What the audit step does (maturin's `auditwheel`, `skip-auditwheel = true` is "skip"). */
  auditwheel?: AuditwheelMode;
  /** Folder whose sub-folders (scripts, data, headers, purelib, platlib) become `<name>.data/`. */
  data?: string;
  /** Cargo.toml location relative to pyproject.toml. */
  manifestPath?: string;
  /** Ship the stubs pyo3's introspection data describes (`generate-stubs`, pyts-build's table only: maturin has only the flag). */
  generateStubs?: boolean;
  /** `strict-metadata = true`: PEP 621's rules without maturin's leniency (a field both static and dynamic is an error). */
  strictMetadata?: boolean;
  /** `[sbom]`: the SBOMs a wheel carries under `.dist-info/sboms/` (PEP 770). */
  sbom: SbomConfig;
}

/** maturin's conditional feature: enabled for an interpreter when every condition given matches. */
export interface ConditionalFeature {
  feature: string;
  /** PEP 440 specifier set matched against the interpreter's `major.minor`, e.g. `>=3.11`. */
  pythonVersion?: string;
  /** `cpython`, `pypy`, ... (case-insensitive). */
  pythonImplementation?: string;
}

export interface SbomConfig {
  /** The Rust dependency graph as `<crate>.cyclonedx.json` (default on, as in maturin). */
  rust: boolean;
  /** `auditwheel.cdx.json` naming the OS packages of the libraries a repair grafts (default on). */
  auditwheel: boolean;
  /** More SBOM files to ship, relative to pyproject.toml (or absolute). */
  include: string[];
  /** The dotted key `include` was read from (for messages). */
  includeKey: string;
}

/** A table as read: bindings only when it names them (else config.ts detects them). */
export type ToolTable = Omit<ToolConfig, "bindings"> & { bindings?: Bindings };

export const TOOL_KEYS = [
  "module-name",
  "python-source",
  "python-packages",
  "include",
  "exclude",
  "bindings",
  "features",
  "all-features",
  "no-default-features",
  "profile",
  "strip",
  "locked",
  "frozen",
  "config",
  "unstable-flags",
  "rustc-args",
  "target",
  "test-command",
  "compatibility",
  "auditwheel",
  "data",
  "manifest-path",
  "strict-metadata",
  "sbom",
] as const;

/** Keys of `[tool.pyts-build]` that maturin's table does not have (there, maturin has command-line flags). */
export const PYTS_BUILD_ONLY_KEYS = ["generate-stubs"] as const;

/** maturin 1.x's `[tool.maturin]` keys that pyts-build reads (others get a warning). */
export const MATURIN_KEYS = [...TOOL_KEYS, "skip-auditwheel", "sdist-generator"] as const;

/** `features`: names (comma- or space-separated) and maturin's `{ feature, python-version, python-implementation }` tables. */
function readFeatures(f: Fields, cfg: ToolTable): void {
  const raw = f.raw.features;
  if (raw === undefined) return;
  if (!Array.isArray(raw)) f.fail("features", "must be an array of feature names or {feature, python-version} tables");
  raw.forEach((item, i) => {
    if (typeof item === "string") {
      cfg.features.push(...item.split(/[\s,]+/).filter(Boolean));
      return;
    }
    if (!isTable(item)) f.fail(`features[${i}]`, "must be a feature name or a {feature, python-version, python-implementation} table");
    const t: Fields = new Fields(f.file, `${f.key("features")}[${i}]`, item);
    t.onlyKeys(["feature", "python-version", "python-implementation"]);
    const feature = t.string("feature");
    if (feature === undefined || feature.trim() === "") t.fail("feature", "is missing", 'name the cargo feature, e.g. { feature = "pyo3/abi3-py311", python-version = ">=3.11" }');
    const version = t.string("python-version");
    const why = version !== undefined ? specifierSetError(version) : undefined;
    if (why) t.fail("python-version", `"${version}" is not a PEP 440 specifier set: ${why}`, 'write e.g. ">=3.11" or ">=3.8,<3.11"');
    const impl = t.string("python-implementation");
    if (version === undefined && impl === undefined) cfg.features.push(feature);
    else cfg.conditionalFeatures.push({ feature, ...(version !== undefined ? { pythonVersion: version } : {}), ...(impl !== undefined ? { pythonImplementation: impl } : {}) });
  });
}

function relativePath(f: Fields, k: string): string | undefined {
  const v = f.string(k);
  if (v !== undefined && (v === "" || v.startsWith("/") || /^[A-Za-z]:[\\/]/.test(v))) {
    f.fail(k, `"${v}" must be a relative path`, `paths in [${f.prefix}] are relative to pyproject.toml`);
  }
  return v;
}

function readBindings(f: Fields, table: ToolTableName): Bindings | undefined {
  const b = f.string("bindings");
  if (b === undefined) return undefined;
  if (b === "uniffi") {
    throw new ConfigError(`${f.file}: ${f.key("bindings")} "uniffi" is not supported yet by pyts-build`, "build this project with maturin, or use pyo3 bindings");
  }
  if (!(BINDINGS as readonly string[]).includes(b)) {
    f.fail("bindings", `"${b}" is not supported`, `use one of ${BINDINGS.join(", ")}${table === "maturin" ? "" : ' ("bin": a Rust program shipped as a script)'}`);
  }
  return b as Bindings;
}

function optionalBool(f: Fields, k: string, out: ToolTable, key: "allFeatures" | "noDefaultFeatures" | "locked" | "frozen"): void {
  const v = f.bool(k);
  if (v !== undefined) out[key] = v;
}

/**
 * Read and validate `[tool.pyts-build]` or `[tool.maturin]` (an absent table
 * gives the defaults). Unknown keys are an error in pyts-build's own table; in
 * maturin's they are pushed to `warnings` (maturin has keys pyts-build lacks).
 */
export function readToolConfig(f: Fields | undefined, table: ToolTableName = "pyts-build", warnings: string[] = []): ToolTable {
  const cfg: ToolTable = { pythonPackages: [], include: [], outDirIncludes: [], exclude: [], features: [], conditionalFeatures: [], strip: false, cargoConfig: [], unstableFlags: [], rustcArgs: [], sbom: { rust: true, auditwheel: true, include: [], includeKey: "tool.pyts-build.sbom.include" } };
  if (!f) return cfg;
  if (table === "pyts-build") f.onlyKeys([...TOOL_KEYS, ...PYTS_BUILD_ONLY_KEYS]);
  else {
    const unknown = f.keys().filter((k) => !(MATURIN_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) warnings.push(`${f.file}: [${f.prefix}] keys ignored by pyts-build: ${unknown.join(", ")}`);
  }
  const mod = f.string("module-name");
  if (mod !== undefined) {
    validateModuleName(mod, `${f.file}: ${f.key("module-name")}`);
    cfg.moduleName = mod;
  }
  const ps = relativePath(f, "python-source");
  if (ps !== undefined) cfg.pythonSource = ps;
  cfg.pythonPackages = f.strings("python-packages") ?? [];
  for (const p of cfg.pythonPackages) validateModuleName(p, `${f.file}: ${f.key("python-packages")}`);
  const inc = readIncludeRules(f, "include", warnings);
  cfg.include = inc.rules;
  cfg.outDirIncludes = inc.outDir;
  cfg.exclude = readIncludeRules(f, "exclude", warnings).rules;
  const b = readBindings(f, table);
  if (b !== undefined) cfg.bindings = b;
  readFeatures(f, cfg);
  optionalBool(f, "all-features", cfg, "allFeatures");
  optionalBool(f, "no-default-features", cfg, "noDefaultFeatures");
  optionalBool(f, "locked", cfg, "locked");
  optionalBool(f, "frozen", cfg, "frozen");
  cfg.cargoConfig = f.strings("config") ?? [];
  cfg.unstableFlags = f.strings("unstable-flags") ?? [];
  cfg.rustcArgs = f.strings("rustc-args") ?? [];
  const target = f.string("target");
  if (target !== undefined) cfg.target = target;
  const testCommand = f.string("test-command");
  if (testCommand !== undefined) cfg.testCommand = testCommand;
  const profile = f.string("profile");
  if (profile !== undefined) cfg.profile = profile;
  cfg.strip = f.bool("strip") ?? false;
  const compat = f.string("compatibility");
  if (compat !== undefined) cfg.compatibility = compat;
  const aw = f.string("auditwheel");
  if (aw !== undefined) {
    if (!(AUDITWHEEL_MODES as readonly string[]).includes(aw)) f.fail("auditwheel", `"${aw}" is not one of ${AUDITWHEEL_MODES.join(", ")}`);
    cfg.auditwheel = aw as AuditwheelMode;
  }
  if (table === "maturin") readMaturinOnly(f, cfg, warnings);
  const stubs = table === "pyts-build" ? f.bool("generate-stubs") : undefined;
  if (stubs !== undefined) cfg.generateStubs = stubs;
  const data = relativePath(f, "data");
  if (data !== undefined) cfg.data = data;
  const strict = f.bool("strict-metadata");
  if (strict !== undefined) cfg.strictMetadata = strict;
  const mp = relativePath(f, "manifest-path");
  if (mp !== undefined) cfg.manifestPath = mp;
  const sbom = f.table("sbom");
  if (sbom) {
    sbom.onlyKeys(["rust", "auditwheel", "include"]);
    cfg.sbom = { rust: sbom.bool("rust") ?? true, auditwheel: sbom.bool("auditwheel") ?? true, include: sbom.strings("include") ?? [], includeKey: sbom.key("include") };
  }
  return cfg;
}

/** Keys only maturin's table has. */
function readMaturinOnly(f: Fields, cfg: ToolTable, warnings: string[]): void {
  if (f.bool("skip-auditwheel") === true && cfg.auditwheel === undefined) cfg.auditwheel = "skip";
  const gen = f.string("sdist-generator");
  if (gen !== undefined && gen !== "cargo" && gen !== "git") f.fail("sdist-generator", `"${gen}" is not one of cargo, git`);
  // pyts-build always selects sdist files from cargo's package list (plus include/exclude): see docs/configuration.md
  if (gen === "git") warnings.push(`${f.file}: ${f.key("sdist-generator")} = "git" is not supported: the sdist holds cargo's package files plus include/exclude, as with "cargo"`);
}
