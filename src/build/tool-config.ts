/** `[tool.pyts-build]` in pyproject.toml: the build options of this tool. */
import { validateModuleName } from "../wheel/names.js";
import { Fields, isTable } from "./fields.js";

export type DistFormat = "sdist" | "wheel";

/** One include/exclude rule: a glob relative to the project root, for some formats. */
export interface GlobRule {
  path: string;
  formats: DistFormat[];
}

/** "pyo3-ffi" builds exactly like "pyo3"; "cffi" is a C-ABI cdylib loaded through cffi; "bin" ships programs. */
export type Bindings = "pyo3" | "pyo3-ffi" | "cffi" | "bin";

const BINDINGS: readonly Bindings[] = ["pyo3", "pyo3-ffi", "cffi", "bin"];

export interface ToolConfig {
  moduleName?: string;
  /** Folder (relative to pyproject.toml) holding the Python package of a mixed project. */
  pythonSource?: string;
  /** Extra top-level Python packages (names) to ship from python-source. */
  pythonPackages: string[];
  include: GlobRule[];
  exclude: GlobRule[];
  bindings: Bindings;
  features: string[];
  profile?: string;
  strip: boolean;
  /** Platform policy (manylinux...): consumed by the audit step. */
  compatibility?: string;
  /** Folder whose sub-folders (scripts, data, headers, purelib, platlib) become `<name>.data/`. */
  data?: string;
  /** Cargo.toml location relative to pyproject.toml. */
  manifestPath?: string;
}

export const TOOL_KEYS = [
  "module-name",
  "python-source",
  "python-packages",
  "include",
  "exclude",
  "bindings",
  "features",
  "profile",
  "strip",
  "compatibility",
  "data",
  "manifest-path",
] as const;

const FORMATS: readonly DistFormat[] = ["sdist", "wheel"];

function globRules(f: Fields, k: string): GlobRule[] {
  const raw = f.raw[k];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) f.fail(k, "must be an array of globs or {path, format} tables");
  return raw.map((item, i) => {
    if (typeof item === "string") return { path: item, formats: [...FORMATS] };
    if (!isTable(item)) f.fail(`${k}[${i}]`, "must be a glob string or a {path, format} table");
    const t: Fields = new Fields(f.file, `${f.key(k)}[${i}]`, item);
    t.onlyKeys(["path", "format"]);
    const path = t.string("path");
    if (path === undefined) t.fail("path", "is missing");
    const formats = (t.strings("format", true) ?? [...FORMATS]) as DistFormat[];
    for (const fm of formats) if (!FORMATS.includes(fm)) t.fail("format", `"${fm}" is not one of sdist, wheel`);
    return { path, formats };
  });
}

function relativePath(f: Fields, k: string): string | undefined {
  const v = f.string(k);
  if (v !== undefined && (v === "" || v.startsWith("/") || /^[A-Za-z]:[\\/]/.test(v))) {
    f.fail(k, `"${v}" must be a relative path`, "paths in [tool.pyts-build] are relative to pyproject.toml");
  }
  return v;
}

/** Read and validate `[tool.pyts-build]` (an absent table gives the defaults). */
export function readToolConfig(f: Fields | undefined): ToolConfig {
  const cfg: ToolConfig = { pythonPackages: [], include: [], exclude: [], bindings: "pyo3", features: [], strip: false };
  if (!f) return cfg;
  f.onlyKeys(TOOL_KEYS);
  const mod = f.string("module-name");
  if (mod !== undefined) {
    validateModuleName(mod, `${f.file}: tool.pyts-build.module-name`);
    cfg.moduleName = mod;
  }
  const ps = relativePath(f, "python-source");
  if (ps !== undefined) cfg.pythonSource = ps;
  cfg.pythonPackages = f.strings("python-packages") ?? [];
  for (const p of cfg.pythonPackages) validateModuleName(p, `${f.file}: tool.pyts-build.python-packages`);
  cfg.include = globRules(f, "include");
  cfg.exclude = globRules(f, "exclude");
  const b = f.string("bindings");
  if (b !== undefined) {
    if (!(BINDINGS as readonly string[]).includes(b)) {
      f.fail("bindings", `"${b}" is not supported`, 'use "pyo3" / "pyo3-ffi" (a Python extension), "cffi" (a C library loaded with cffi) or "bin" (a Rust program shipped as a script)');
    }
    cfg.bindings = b as Bindings;
  }
  cfg.features = (f.strings("features") ?? []).flatMap((x) => x.split(/[\s,]+/)).filter(Boolean);
  const profile = f.string("profile");
  if (profile !== undefined) cfg.profile = profile;
  cfg.strip = f.bool("strip") ?? false;
  const compat = f.string("compatibility");
  if (compat !== undefined) cfg.compatibility = compat;
  const data = relativePath(f, "data");
  if (data !== undefined) cfg.data = data;
  const mp = relativePath(f, "manifest-path");
  if (mp !== undefined) cfg.manifestPath = mp;
  return cfg;
}
