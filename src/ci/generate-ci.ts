/**
 * `pyts-build generate-ci github`: read the project's configuration once and
 * write the workflow (github.ts renders it) to a file or return its text.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { abi3FromFeatures, enabledPyo3Features } from "../build/project/cargo-manifest.js";
import { loadProjectConfig } from "../build/project/config.js";
import { ConfigError } from "../errors.js";
import { VERSION } from "../version.js";
import { CI_PLATFORMS, type CiPlatform, type CiProject, planCi, renderGithubWorkflow } from "./github.js";

export interface GenerateCiOptions {
  manifestPath?: string;
  cwd?: string;
  /** Default: all of CI_PLATFORMS. */
  platforms?: string[];
  pytest?: boolean;
  /** Write the workflow here (else only return it). */
  outFile?: string;
}

export interface GenerateCiResult {
  text: string;
  project: CiProject;
  path?: string;
}

/** What the workflow needs to know about the project, from its validated configuration. */
export function ciProjectFrom(o: Pick<GenerateCiOptions, "manifestPath" | "cwd">): CiProject {
  const c = loadProjectConfig({ ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}), ...(o.cwd !== undefined ? { cwd: o.cwd } : {}) });
  const abi3 = c.tool.bindings === "bin" ? undefined : abi3FromFeatures(enabledPyo3Features(c.cargo, { features: c.tool.features }));
  return {
    name: c.metadata.name,
    bindings: c.tool.bindings,
    ...(abi3 !== undefined ? { abi3 } : {}),
    ...(c.metadata.requiresPython !== undefined ? { requiresPython: c.metadata.requiresPython } : {}),
  };
}

export function generateGithubCi(o: GenerateCiOptions = {}): GenerateCiResult {
  const platforms = (o.platforms ?? [...CI_PLATFORMS]) as CiPlatform[];
  for (const p of platforms) {
    if (!CI_PLATFORMS.includes(p)) throw new ConfigError(`--platform "${p}" is not one of ${CI_PLATFORMS.join(", ")}`, `pass some of: ${CI_PLATFORMS.join(" ")}`);
  }
  if (platforms.length === 0) throw new ConfigError("--platform names no platform", `pass some of: ${CI_PLATFORMS.join(" ")}`);
  if (o.pytest && !platforms.includes("linux")) throw new ConfigError("--pytest tests the Linux x86_64 wheels, but --platform leaves out linux", "add --platform linux, or drop --pytest");
  const project = ciProjectFrom(o);
  if (planCi(project).buildPythons.length === 0) {
    throw new ConfigError(`requires-python "${project.requiresPython}" allows none of the CPython releases the workflow can build for`, "fix [project] requires-python in pyproject.toml");
  }
  const text = renderGithubWorkflow(project, { platforms, pytest: o.pytest === true, pytsBuildVersion: VERSION });
  if (o.outFile === undefined) return { text, project };
  const path = resolve(o.cwd ?? process.cwd(), o.outFile);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return { text, project, path };
}
