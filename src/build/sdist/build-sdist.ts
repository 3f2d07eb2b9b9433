/**
 * `buildSdist(options)`: the typed API behind `pyts-build sdist`. Loads the
 * project once, selects the files (sdist-files.ts), and writes
 * `{dist}-{version}.tar.gz` with PKG-INFO on top, deterministically.
 */
import { checkOutputDir } from "../../output-dir.js";
import { join, resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import { type Logger, silentLogger } from "../../log.js";
import { renderMetadata } from "../../wheel/metadata.js";
import { wheelDistName } from "../../wheel/names.js";
import { type TarEntry, writeTarGz } from "../../wheel/tar.js";
import { loadProjectConfig, type ProjectConfig } from "../project/config.js";
import { selectSdistFiles } from "./sdist-files.js";
import { selectSetuptoolsSdistFiles } from "./setuptools-sdist.js";
import { tarFingerprint, writeUnlessCurrent } from "../cache/wheel-reuse.js";
import { sourceDateEpoch } from "../../wheel/zip.js";

export interface BuildSdistOptions {
  /** -m/--manifest-path: the crate's Cargo.toml (or its folder). */
  manifestPath?: string;
  cwd?: string;
  /** -o/--out; default `<cargo target dir>/wheels`, like the wheels. */
  outDir?: string;
  logger?: Logger;
  /** Environment for cargo (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Seconds for every entry; default SOURCE_DATE_EPOCH, else 1980-01-01. */
  epoch?: number;
  /** An already loaded config (skips loading). */
  config?: ProjectConfig;
  /** `--strict`: PEP 621 without maturin's leniency (config.ts). */
  strictMetadata?: boolean;
  /**
   * "pyts-build": a setuptools-rust project's sdist names pyts-build's backend
   * (else it keeps the project's own pyproject.toml and stays a setuptools sdist).
   */
  backend?: "pyts-build";
}

export interface SdistResult {
  /** Absolute path of the .tar.gz. */
  path: string;
  /** Member paths, sorted, including the top folder. */
  members: string[];
  /** The folder the sdist's top folder stands for. */
  root: string;
  /** The project folder relative to the sdist's top folder ("" when the same). */
  projectRel: string;
}

/** A pyproject.toml without `[build-system] build-backend` makes an sdist pip would build with setuptools. */
function checkBuildSystem(pyprojectPath: string, bs: Record<string, unknown> | undefined): void {
  if (!bs || typeof bs["build-backend"] !== "string") {
    throw new ConfigError(
      `${pyprojectPath}: [build-system] build-backend is not set, so pip could not build this sdist with pyts-build`,
      'add [build-system] with requires = ["pyts-build"] and build-backend = "pyts_build"',
    );
  }
}

export async function buildSdist(o: BuildSdistOptions = {}): Promise<SdistResult> {
  const log = o.logger ?? silentLogger;
  const cwd = resolve(o.cwd ?? process.cwd());
  const cfg = o.config ?? loadProjectConfig({ cwd, ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}), ...(o.strictMetadata ? { strictMetadata: true } : {}) });
  if (!o.config) for (const w of cfg.warnings) log.warn(w);
  // a setuptools project's sdist is built by its own backend (or by pyts-build's with backend: "pyts-build")
  if (cfg.pyprojectPath !== undefined && cfg.setuptools === undefined) checkBuildSystem(cfg.pyprojectPath, cfg.buildSystem);
  const distName = wheelDistName(cfg.metadata.name);
  const base = `${distName}-${cfg.metadata.version}`;
  log.step(`Building sdist for ${cfg.metadata.name} ${cfg.metadata.version}`);

  // Rendering validates the metadata: do it before any file is written.
  // setuptools names the license files in PKG-INFO (License-File), as the wheel's METADATA does
  const licenseLines = cfg.setuptools !== undefined ? cfg.licenseFiles.map((l) => l.path) : [];
  const pkgInfo = renderMetadata({ ...cfg.metadata, licenseFiles: [...new Set([...cfg.metadata.licenseFiles, ...licenseLines])] });
  const outArg = o.outDir === undefined ? undefined : resolve(cwd, o.outDir);
  const selectOptions = { distName, cwd, ...(outArg !== undefined ? { outDir: outArg } : {}), ...(o.env ? { env: o.env } : {}) };
  const sel =
    cfg.setuptools !== undefined
      ? await selectSetuptoolsSdistFiles({ ...cfg, setuptools: cfg.setuptools }, { ...selectOptions, pkgInfo, ...(o.backend ? { backend: o.backend } : {}) })
      : await selectSdistFiles(cfg, selectOptions);
  for (const w of sel.warnings) log.warn(w);
  const outDir = outArg ?? join(sel.targetDirectory, "wheels");

  const entries: TarEntry[] = [{ path: `${base}/PKG-INFO`, content: { kind: "bytes", data: Buffer.from(pkgInfo) } }];
  for (const f of sel.files) {
    entries.push({
      path: `${base}/${f.path}`,
      content: "file" in f.source ? { kind: "file", path: f.source.file } : { kind: "bytes", data: f.source.bytes },
    });
  }
  for (const e of entries) log.debug(`  ${e.path}`);
  await checkOutputDir(outDir);
  // an unchanged sdist is kept (wheel-reuse.ts): the writer is deterministic, a rewrite gives the same bytes
  const epoch = o.epoch ?? sourceDateEpoch();
  const target = join(resolve(outDir), `${base}.tar.gz`);
  const noteDir = join(sel.targetDirectory, "pyts-build", "sdist-notes");
  const { path, reused } = await writeUnlessCurrent(target, tarFingerprint(entries, epoch), noteDir, () => writeTarGz(target, entries, { epoch }));
  if (reused) log.debug(`${base}.tar.gz is unchanged since it was written: kept`);
  log.info(`Built sdist ${path}`);
  return { path, members: entries.map((e) => e.path).sort(), root: sel.root, projectRel: sel.projectRel };
}
