/**
 * A wheel from a WheelSpec: the package files plus `{dist}-{version}.dist-info/`
 * (METADATA, WHEEL, entry_points.txt, licenses/, RECORD), named
 * `{dist}-{version}(-{build})?-{tags}.whl`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ValidationError } from "../errors.js";
import { VERSION } from "../version.js";
import { type EntryPointGroups, renderEntryPoints } from "./entry-points.js";
import { type CoreMetadata, renderMetadata } from "./metadata.js";
import { wheelDistName } from "./names.js";
import { normalizeVersion } from "./pep440.js";
import { compressedTagSet, type WheelTag, wheelTagLines } from "./tags.js";
import { type ModuleWriter, WheelZipWriter } from "./writer.js";

export type WheelFileSource = { file: string } | { bytes: Uint8Array | string };

export interface WheelFile {
  /** Member path, `/`-separated, relative to the wheel root (may be under `{dist}-{version}.data/<category>/`). */
  path: string;
  source: WheelFileSource;
  /** Default: the source file's x bit (false for bytes). */
  executable?: boolean;
}

export interface WheelSpec {
  metadata: CoreMetadata;
  tags: WheelTag[];
  files: WheelFile[];
  entryPoints?: EntryPointGroups;
  /** Copied to `.dist-info/licenses/<path>`; each gets a License-File line. */
  licenseFiles?: Array<{ path: string; file: string }>;
  /** Default: true when every tag is `*-none-any`-like (platform `any`), false otherwise. */
  rootIsPurelib?: boolean;
  buildTag?: string;
  /** Default `pyts-build <version>`. */
  generator?: string;
}

export interface WriteWheelOptions {
  /** Seconds for every zip entry; default SOURCE_DATE_EPOCH, else 1980-01-01. */
  epoch?: number;
}

/** The `.data` categories an installer knows. */
export const DATA_CATEGORIES = ["data", "headers", "platlib", "purelib", "scripts"] as const;

export function distInfoDirName(name: string, version: string): string {
  return `${wheelDistName(name)}-${normalizeVersion(version)}.dist-info`;
}

export function dataDirName(name: string, version: string): string {
  return `${wheelDistName(name)}-${normalizeVersion(version)}.data`;
}

function validateBuildTag(build: string): void {
  if (!/^\d[A-Za-z0-9_.]*$/.test(build)) {
    throw new ValidationError(`wheel build tag ${JSON.stringify(build)} is invalid`, "a build tag starts with a digit and holds only letters, digits, '_' and '.'");
  }
}

/** `{dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl` */
export function wheelFileName(name: string, version: string, tags: WheelTag[], buildTag?: string): string {
  if (buildTag !== undefined) validateBuildTag(buildTag);
  const build = buildTag === undefined ? "" : `-${buildTag}`;
  return `${wheelDistName(name)}-${normalizeVersion(version)}${build}-${compressedTagSet(tags)}.whl`;
}

/** The WHEEL file. */
export function renderWheelFile(o: { generator: string; rootIsPurelib: boolean; tags: WheelTag[]; buildTag?: string }): string {
  const lines = ["Wheel-Version: 1.0", `Generator: ${o.generator}`, `Root-Is-Purelib: ${o.rootIsPurelib ? "true" : "false"}`, ...wheelTagLines(o.tags)];
  if (o.buildTag !== undefined) {
    validateBuildTag(o.buildTag);
    lines.push(`Build: ${o.buildTag}`);
  }
  return lines.join("\n") + "\n";
}

const GENERATED = ["METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses"];

/** Checks a package file's path against the wheel's own directories. */
function checkPlacement(path: string, distInfo: string, dataDir: string): void {
  const [top = "", second, ...rest] = path.split("/");
  const bad = (why: string, hint: string): never => {
    throw new ValidationError(`cannot put ${JSON.stringify(path)} into the wheel: ${why}`, hint);
  };
  const lowerTop = top.toLowerCase();
  if (lowerTop.endsWith(".dist-info")) {
    if (top !== distInfo) bad(`a wheel has exactly one .dist-info directory (${distInfo})`, "rename the folder");
    if (second !== undefined && GENERATED.some((g) => g.toLowerCase() === second.toLowerCase())) {
      bad(`${distInfo}/${second} is written by pyts-build`, "list license files in licenseFiles and entry points in entryPoints instead");
    }
  }
  if (lowerTop.endsWith(".data")) {
    if (top === dataDir) {
      if (second === undefined || !(DATA_CATEGORIES as readonly string[]).includes(second) || rest.length === 0) {
        bad(`files in ${dataDir}/ must be under one of ${DATA_CATEGORIES.join(", ")}`, `use ${dataDir}/scripts/<file> and the like`);
      }
    } else if (/^[^-]+-[^-]+\.data$/.test(top)) {
      bad(`it looks like another distribution's .data directory (this wheel's is ${dataDir})`, "rename the folder");
    }
  }
}

/** Adds the package files and the dist-info (all but RECORD, which the writer makes) to `writer`. */
export function addWheelContents(writer: ModuleWriter, spec: WheelSpec): void {
  const m = spec.metadata;
  const distInfo = distInfoDirName(m.name, m.version);
  const dataDir = dataDirName(m.name, m.version);
  for (const f of spec.files) {
    checkPlacement(f.path, distInfo, dataDir);
    if ("file" in f.source) writer.addFile(f.path, f.source.file, f.executable);
    else writer.addBytes(f.path, f.source.bytes, f.executable ?? false);
  }

  // License-File lines: what the metadata names plus the files given; every name needs a file.
  const licensePaths = (spec.licenseFiles ?? []).map((l) => l.path);
  for (const named of m.licenseFiles) {
    if (!licensePaths.includes(named)) {
      throw new ValidationError(`License-File ${JSON.stringify(named)} has no file to put into the wheel`, "pass it in licenseFiles with its source path");
    }
  }
  const metadata: CoreMetadata = { ...m, licenseFiles: [...new Set([...m.licenseFiles, ...licensePaths])] };
  writer.addBytes(`${distInfo}/METADATA`, renderMetadata(metadata));
  const rootIsPurelib = spec.rootIsPurelib ?? spec.tags.every((t) => t.platform === "any");
  const wheel: { generator: string; rootIsPurelib: boolean; tags: WheelTag[]; buildTag?: string } = {
    generator: spec.generator ?? `pyts-build ${VERSION}`,
    rootIsPurelib,
    tags: spec.tags,
  };
  if (spec.buildTag !== undefined) wheel.buildTag = spec.buildTag;
  writer.addBytes(`${distInfo}/WHEEL`, renderWheelFile(wheel));
  if (spec.entryPoints) {
    const text = renderEntryPoints(spec.entryPoints);
    if (text !== "") writer.addBytes(`${distInfo}/entry_points.txt`, text);
  }
  for (const l of spec.licenseFiles ?? []) writer.addFile(`${distInfo}/licenses/${l.path}`, l.file, false);
}

/** Write the wheel into `outDir` (created if needed); returns the full path of the `.whl`. */
export async function writeWheel(spec: WheelSpec, outDir: string, opts: WriteWheelOptions = {}): Promise<string> {
  const m = spec.metadata;
  const name = wheelFileName(m.name, m.version, spec.tags, spec.buildTag);
  const distInfo = distInfoDirName(m.name, m.version);
  await mkdir(outDir, { recursive: true });
  const zo: { recordPath: string; distInfoDir: string; epoch?: number } = { recordPath: `${distInfo}/RECORD`, distInfoDir: distInfo };
  if (opts.epoch !== undefined) zo.epoch = opts.epoch;
  const writer = new WheelZipWriter(join(outDir, name), zo);
  addWheelContents(writer, spec);
  return writer.finish();
}
