/**
 * The ProjectConfig of a setuptools-rust project: the model (load.ts), its
 * metadata the way setuptools writes it (never Cargo.toml's name or version),
 * its entry points; `cargo` is the first target's crate (for what needs one
 * crate: the sdist's cargo listing, messages).
 */
import type { ProjectConfig } from "../config.js";
import { readCargoManifest } from "../cargo-manifest.js";
import { ConfigError } from "../../../errors.js";
import { renderEntryPoints } from "../../../wheel/entry-points.js";
import { Fields } from "../fields.js";
import { buildMetadata } from "../project-metadata.js";
import { readProjectTable } from "../pyproject.js";
import { readToolConfig } from "../tool-config.js";
import { loadSetuptools } from "./load.js";

export interface SetuptoolsConfigOptions {
  projectDir: string;
  pyprojectPath?: string;
  raw?: Record<string, unknown>;
  python: string;
  env?: NodeJS.ProcessEnv;
  /** Notes already gathered (the route's warnings). */
  warnings: string[];
}

export function loadSetuptoolsConfig(o: SetuptoolsConfigOptions): ProjectConfig {
  const file = o.pyprojectPath ?? `${o.projectDir}/setup.py`;
  const pt = o.raw && o.pyprojectPath ? new Fields(o.pyprojectPath, "", o.raw).table("project") : undefined;
  const project = pt ? readProjectTable(pt) : undefined;
  const loaded = loadSetuptools({ projectDir: o.projectDir, ...(o.pyprojectPath ? { pyprojectPath: o.pyprojectPath } : {}), ...(o.raw ? { raw: o.raw } : {}), ...(project ? { project } : {}), python: o.python, ...(o.env ? { env: o.env } : {}) });
  const first = loaded.model.rustTargets.find((t) => !t.optional) ?? loaded.model.rustTargets[0];
  if (!first) throw new Error("internal: a setuptools-rust project without targets");
  let cargo;
  try {
    cargo = readCargoManifest(first.manifestPath);
  } catch (e) {
    if (e instanceof ConfigError && /cannot be read|does not exist|ENOENT/.test(e.message)) {
      throw new ConfigError(`${first.where}: path ${first.manifestPath} does not exist`, "set path to the crate's Cargo.toml, relative to the project folder");
    }
    throw e;
  }
  // setup.py's metadata goes through the same readme/license-file rules as [project]'s, then its own fields replace the rest
  const table = loaded.project ?? {
    name: loaded.setupMetadata?.name as string,
    version: loaded.setupMetadata?.version as string,
    dynamic: [],
    staticAndDynamic: [],
    ...(loaded.licenseGlobs ? { licenseFiles: loaded.licenseGlobs } : {}),
  };
  const md = buildMetadata({ project: table, cargo, projectDir: o.projectDir, ...(o.pyprojectPath ? { pyprojectPath: o.pyprojectPath } : {}) });
  const metadata = loaded.setupMetadata ? { ...loaded.setupMetadata, licenseFiles: md.metadata.licenseFiles } : md.metadata;
  try {
    renderEntryPoints(loaded.entryPoints);
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`, (e as ConfigError).hint, { cause: e });
  }
  const ext = loaded.model.rustTargets.find((t) => t.kind === "extension");
  const defaults = readToolConfig(undefined);
  const cfg: ProjectConfig = {
    projectDir: o.projectDir,
    // setuptools-rust writes no Rust SBOM: the wheel holds what setuptools' would (a repair's auditwheel SBOM stays)
    tool: { ...defaults, bindings: "pyo3", sbom: { ...defaults.sbom, rust: false } },
    toolTable: "tool.setuptools-rust",
    cargo,
    metadata,
    licenseFiles: md.licenseFiles,
    moduleName: ext?.kind === "extension" ? ext.target : (cargo.lib?.name ?? cargo.package.name.replace(/-/g, "_")),
    entryPoints: loaded.entryPoints,
    warnings: [...o.warnings, ...loaded.warnings],
    setuptools: loaded.model,
  };
  if (o.pyprojectPath) cfg.pyprojectPath = o.pyprojectPath;
  if (loaded.project) cfg.project = loaded.project;
  const bs = o.raw?.["build-system"];
  if (bs !== null && typeof bs === "object" && !Array.isArray(bs)) cfg.buildSystem = bs as Record<string, unknown>;
  if (md.readmeFile && loaded.project) cfg.readmeFile = md.readmeFile;
  return cfg;
}
