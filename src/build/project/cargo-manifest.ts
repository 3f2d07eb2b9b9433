/**
 * Cargo.toml, read for what a wheel needs: the package metadata (with
 * `field.workspace = true` resolved through the workspace root), the library
 * target (name, crate types) and the dependencies (pyo3 / pyo3-ffi and their
 * features, for bindings and abi3 detection).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import { Fields, isTable } from "./fields.js";
import { readToml, type TomlTable } from "./toml.js";

export interface CargoPackage {
  name: string;
  /** SemVer as written (converted to PEP 440 by config.ts). */
  version: string;
  description?: string;
  license?: string;
  /** Absolute path. */
  licenseFile?: string;
  authors: string[];
  /** Absolute path; `false` when `readme = false`; undefined when not set (cargo then looks for README.md etc.). */
  readme?: string | false;
  homepage?: string;
  repository?: string;
  documentation?: string;
  keywords: string[];
}

export interface CargoLib {
  /** The lib target name (`[lib] name`, else the package name with `-` as `_`). */
  name: string;
  crateTypes: string[];
}

/** How pyo3 (or pyo3-ffi) is depended on; `key` differs from the package name when renamed. */
export type Pyo3Dependency = Dependency;

export interface CargoManifest {
  path: string;
  dir: string;
  package: CargoPackage;
  /** undefined: the crate has no library target. */
  lib?: CargoLib;
  /** `[[bin]]` names and the implicit src/main.rs binary. */
  bins: string[];
  features: Record<string, string[]>;
  pyo3?: Pyo3Dependency;
  /** pyo3-ffi as a direct dependency (an extension written on the C API bindings alone). */
  pyo3Ffi?: Pyo3Dependency;
  /** Package names of the normal dependencies (bindings detection). */
  dependencyPackages: string[];
  /** The workspace root folder (the crate's own folder when it is the root). */
  workspaceRoot?: string;
  /** `[package.metadata]` as read, kept so nothing needs to parse Cargo.toml again (maturin's old table lives there). */
  packageMetadata?: Fields;
}

interface Workspace {
  dir: string;
  path: string;
  package?: Fields;
  dependencies?: Fields;
}

function findWorkspace(manifestDir: string, pkg: Fields, own: TomlTable, ownPath: string): Workspace | undefined {
  const asWorkspace = (path: string, doc: TomlTable): Workspace | undefined => {
    if (!isTable(doc.workspace)) return undefined;
    const ws = new Fields(path, "workspace", doc.workspace);
    return { dir: dirname(path), path, package: ws.table("package"), dependencies: ws.table("dependencies") };
  };
  const own_ = asWorkspace(ownPath, own);
  if (own_) return own_;
  const explicit = pkg.string("workspace");
  if (explicit !== undefined) {
    const p = join(resolve(manifestDir, explicit), "Cargo.toml");
    const ws = asWorkspace(p, readToml(p));
    if (!ws) pkg.fail("workspace", `points at ${p}, which has no [workspace]`);
    return ws;
  }
  for (let d = dirname(manifestDir); ; d = dirname(d)) {
    const p = join(d, "Cargo.toml");
    if (existsSync(p)) {
      const ws = asWorkspace(p, readToml(p));
      if (ws) return ws;
    }
    if (dirname(d) === d) return undefined;
  }
}

/** A package field, following `field.workspace = true` to [workspace.package]. */
interface Inherited {
  value: unknown;
  base: string;
  from: Fields;
}

function inherited(pkg: Fields, ws: Workspace | undefined, key: string): Inherited | undefined {
  const v = pkg.raw[key];
  if (v === undefined) return undefined;
  if (isTable(v) && v.workspace === true) {
    const wv = ws?.package?.raw[key];
    if (!ws || wv === undefined) {
      pkg.fail(key, "inherits from the workspace, but no [workspace.package] " + key + " was found", "define it in the workspace root's Cargo.toml");
    }
    return { value: wv, base: ws.dir, from: ws.package as Fields };
  }
  return { value: v, base: dirname(pkg.file), from: pkg };
}

function str(pkg: Fields, ws: Workspace | undefined, key: string): string | undefined {
  const h: Inherited | undefined = inherited(pkg, ws, key);
  if (!h) return undefined;
  const v = h.value;
  return typeof v === "string" ? v : h.from.fail(key, "must be a string");
}

function strs(pkg: Fields, ws: Workspace | undefined, key: string): string[] {
  const h: Inherited | undefined = inherited(pkg, ws, key);
  if (!h) return [];
  if (!Array.isArray(h.value) || h.value.some((x) => typeof x !== "string")) h.from.fail(key, "must be an array of strings");
  return h.value as string[];
}

function readPackage(pkg: Fields, ws: Workspace | undefined): CargoPackage {
  const name = pkg.string("name");
  if (name === undefined) pkg.fail("name", "is missing");
  const version = str(pkg, ws, "version") ?? "0.0.0"; // cargo's default since 1.75
  const out: CargoPackage = { name, version, authors: strs(pkg, ws, "authors"), keywords: strs(pkg, ws, "keywords") };
  for (const k of ["description", "license", "homepage", "repository", "documentation"] as const) {
    const v = str(pkg, ws, k);
    if (v !== undefined) out[k] = v;
  }
  const lf: Inherited | undefined = inherited(pkg, ws, "license-file");
  if (lf) {
    const v = lf.value;
    out.licenseFile = resolve(lf.base, typeof v === "string" ? v : lf.from.fail("license-file", "must be a string"));
  }
  const rd: Inherited | undefined = inherited(pkg, ws, "readme");
  if (rd) {
    if (rd.value === false) out.readme = false;
    else if (rd.value === true) out.readme = resolve(rd.base, "README.md");
    else if (typeof rd.value === "string") out.readme = resolve(rd.base, rd.value);
    else rd.from.fail("readme", "must be a path, true or false");
  }
  return out;
}

function readLib(doc: Fields, dir: string, pkgName: string): CargoLib | undefined {
  const lib = doc.table("lib");
  const autolib = doc.table("package")?.bool("autolib") !== false;
  if (!lib && !(autolib && existsSync(join(dir, "src/lib.rs")))) return undefined;
  const name = lib?.string("name") ?? pkgName.replace(/-/g, "_");
  // cargo accepts both spellings
  const crateTypes = lib?.strings("crate-type") ?? lib?.strings("crate_type") ?? ["lib"];
  if (lib && lib.string("path") === undefined && !existsSync(join(dir, "src/lib.rs"))) {
    lib.fail("path", "is not set and src/lib.rs does not exist", "add src/lib.rs or set [lib] path");
  }
  return { name, crateTypes };
}

function readBins(doc: Fields, dir: string, pkgName: string): string[] {
  const bins = (doc.tables("bin") ?? []).map((b) => b.string("name") ?? b.fail("name", "is missing"));
  const autobins = doc.table("package")?.bool("autobins") !== false;
  if (autobins && existsSync(join(dir, "src/main.rs")) && !bins.includes(pkgName)) bins.push(pkgName);
  return bins;
}

function dependencyTables(doc: Fields): Fields[] {
  const out: Fields[] = [];
  const deps = doc.table("dependencies");
  if (deps) out.push(deps);
  const target = doc.table("target");
  for (const cfg of target?.keys() ?? []) {
    const d = target?.table(cfg)?.table("dependencies");
    if (d) out.push(d);
  }
  return out;
}

/** A dependency as declared, resolved through `{ workspace = true }` and `package = "..."` renames. */
export interface Dependency {
  /** The key under [dependencies] (the name the crate's code and features use). */
  key: string;
  /** The crate's real package name. */
  package: string;
  features: string[];
  optional: boolean;
}

function readDependencies(doc: Fields, ws: Workspace | undefined): Dependency[] {
  const out: Dependency[] = [];
  for (const deps of dependencyTables(doc)) {
    for (const key of deps.keys()) {
      const v = deps.raw[key];
      if (typeof v === "string") {
        out.push({ key, package: key, features: [], optional: false });
        continue;
      }
      if (!isTable(v)) continue; // cargo reports malformed entries itself
      const t = deps.table(key) as Fields;
      const features = [...(t.strings("features") ?? [])];
      let pkg = typeof v.package === "string" ? v.package : undefined;
      if (t.bool("workspace")) {
        const wsDep = ws?.dependencies?.raw[key];
        if (isTable(wsDep)) {
          if (Array.isArray(wsDep.features)) features.push(...(wsDep.features as string[]));
          if (pkg === undefined && typeof wsDep.package === "string") pkg = wsDep.package;
        }
      }
      out.push({ key, package: pkg ?? key, features, optional: t.bool("optional") ?? false });
    }
  }
  return out;
}

function readFeatures(doc: Fields): Record<string, string[]> {
  const t = doc.table("features");
  const out: Record<string, string[]> = {};
  for (const k of t?.keys() ?? []) out[k] = t?.strings(k) ?? [];
  return out;
}

/** Read a Cargo.toml (a package, possibly inside a workspace). */
export function readCargoManifest(path: string): CargoManifest {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new ConfigError(`${abs} does not exist`, "run in the crate's folder or pass -m/--manifest-path path/to/Cargo.toml");
  }
  const raw = readToml(abs);
  const doc = new Fields(abs, "", raw);
  const dir = dirname(abs);
  const pkg = doc.table("package");
  if (!pkg) {
    throw new ConfigError(`${abs} has no [package]: it is a virtual workspace manifest`, "point -m/--manifest-path at the Cargo.toml of the crate to build");
  }
  const ws = findWorkspace(dir, pkg, raw, abs);
  const p = readPackage(pkg, ws);
  const deps = readDependencies(doc, ws);
  const m: CargoManifest = { path: abs, dir, package: p, bins: readBins(doc, dir, p.name), features: readFeatures(doc), dependencyPackages: [...new Set(deps.map((d) => d.package))] };
  // cargo allows any value there; only a table can hold what pyts-build reads
  if (isTable(pkg.raw.metadata)) m.packageMetadata = pkg.table("metadata") as Fields;
  const lib = readLib(doc, dir, p.name);
  if (lib) m.lib = lib;
  const pyo3 = deps.find((d) => d.package === "pyo3");
  if (pyo3) m.pyo3 = pyo3;
  const ffi = deps.find((d) => d.package === "pyo3-ffi");
  if (ffi) m.pyo3Ffi = ffi;
  if (ws) m.workspaceRoot = ws.dir;
  return m;
}

export interface FeatureSelection {
  features?: string[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
}

/**
 * The pyo3 (and pyo3-ffi) features a build turns on: their own `features = [...]`
 * plus every `pyo3/<f>` (`pyo3-ffi/<f>`) reached through the crate features
 * selected (default, -F, --all-features). Both crates name abi3 the same way.
 */
export function enabledPyo3Features(m: CargoManifest, sel: FeatureSelection = {}): Set<string> {
  const deps = [m.pyo3, m.pyo3Ffi].filter((d): d is Pyo3Dependency => d !== undefined);
  const out = new Set(deps.flatMap((d) => d.features));
  if (deps.length === 0) return out;
  const keys = new Set(deps.map((d) => d.key));
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    const slash = f.indexOf("/");
    if (slash > 0) {
      if (keys.has(f.slice(0, slash).replace(/\?$/, ""))) out.add(f.slice(slash + 1));
      return;
    }
    for (const sub of m.features[f] ?? []) visit(sub);
  };
  const selected = sel.allFeatures ? Object.keys(m.features) : [...(sel.features ?? [])];
  if (!sel.noDefaultFeatures && m.features.default) selected.push("default");
  for (const f of selected) visit(f);
  return out;
}

/**
 * abi3 from pyo3's features: undefined when off; the lowest minor from
 * `abi3-py3X` (each implies the newer ones); "current" for plain `abi3`
 * (the target interpreter's own minor).
 */
export function abi3FromFeatures(features: Iterable<string>): number | "current" | undefined {
  let abi3 = false;
  let minor: number | undefined;
  for (const f of features) {
    if (f === "abi3") abi3 = true;
    const m = /^abi3-py3(\d+)$/.exec(f);
    if (m) {
      abi3 = true;
      const n = Number(m[1]);
      if (minor === undefined || n < minor) minor = n;
    }
  }
  if (!abi3) return undefined;
  return minor ?? "current";
}
