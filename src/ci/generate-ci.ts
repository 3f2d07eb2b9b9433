/**
 * `pyts-build generate-ci github`: read the project's configuration once and
 * write the workflow (github.ts renders it) to a file or return its text.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { releaseTemp, trackTemp } from "../cleanup.js";
import { abi3FromFeatures, enabledPyo3Features } from "../build/project/cargo-manifest.js";
import { loadProjectConfig } from "../build/project/config.js";
import { ConfigError, OutputError } from "../errors.js";
import { asOutputError } from "../output-dir.js";
import { VERSION } from "../version.js";
import { CI_PLATFORMS, CI_PYTHONS, type CiPlatform, type CiProject, planCi, renderGithubWorkflow } from "./github.js";
import { parseInstallFrom } from "./install-from.js";

export interface GenerateCiOptions {
  manifestPath?: string;
  cwd?: string;
  /** Default: all of CI_PLATFORMS. */
  platforms?: string[];
  pytest?: boolean;
  /** Write the workflow here (else only return it). */
  outFile?: string;
  /** Replace an existing outFile (else that is an error, unless it already holds this workflow). */
  force?: boolean;
  /** `--install-from`: an npm spec, tarball URL or git URL (default: this version from the npm registry). */
  installFrom?: string;
}

export interface GenerateCiResult {
  text: string;
  project: CiProject;
  path?: string;
  /** With outFile: false when the file already held this workflow. */
  written?: boolean;
}

/** What the workflow needs to know about the project, from its validated configuration. */
export function ciProjectFrom(o: Pick<GenerateCiOptions, "manifestPath" | "cwd">): CiProject {
  const c = loadProjectConfig({ ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}), ...(o.cwd !== undefined ? { cwd: o.cwd } : {}) });
  const abi3 = c.tool.bindings === "bin" ? undefined : abi3FromFeatures(enabledPyo3Features(c.cargo, { features: c.tool.features }));
  return {
    name: c.metadata.name,
    bindings: c.tool.bindings,
    ...(c.tool.bindings === "bin" && (c.cargo.pyo3 || c.cargo.pyo3Ffi) ? { embedsPython: true } : {}),
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
    throw new ConfigError(
      `requires-python "${project.requiresPython}" allows none of the CPython releases the workflow can build for (${CI_PYTHONS[0]} to ${CI_PYTHONS[CI_PYTHONS.length - 1]})`,
      "fix [project] requires-python in pyproject.toml",
    );
  }
  const install = o.installFrom !== undefined ? parseInstallFrom(o.installFrom) : undefined;
  const text = renderGithubWorkflow(project, { platforms, pytest: o.pytest === true, pytsBuildVersion: VERSION, ...(install ? { install } : {}) });
  if (o.outFile === undefined) return { text, project };
  const path = resolve(o.cwd ?? process.cwd(), o.outFile);
  return { text, project, path, written: writeWorkflow(path, text, o.outFile, o.force === true) };
}

/** Write `text` to `path` (temp name + rename); false when the file already holds it. A folder, or another file without `force`, is refused. */
function writeWorkflow(path: string, text: string, asGiven: string, force: boolean): boolean {
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new OutputError(`cannot write ${path}: it is a folder`, `give -o a file name, e.g. -o ${join(asGiven, "CI.yml")}`);
  if (existing) {
    if (readFileSync(path, "utf8") === text) return false;
    if (!force) throw new OutputError(`${path} already exists (nothing was written)`, "pass --force to replace it, or -o another file");
  }
  const tmp = trackTemp(join(dirname(path), `.${basename(path)}.tmp-${process.pid}`));
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw asOutputError(e, path);
  } finally {
    releaseTemp(tmp);
  }
  return true;
}
