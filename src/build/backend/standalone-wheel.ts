/**
 * The standalone backend wheel, `pyts_build-<v>-py3-none-<platform>.whl`: the
 * shim, the bundle (for `PYTS_BUILD_NODE`) and the standalone executable as the
 * `pyts-build` script (`.data/scripts/`), which the shim runs. Its platform tag
 * is pyts-build's own audit of the executable (the official node binary:
 * glibc 2.28, libstdc++ -> manylinux_2_28_<arch>).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { releaseTemp, trackTemp } from "../../cleanup.js";
import { PytsError } from "../../errors.js";
import { auditElfFiles } from "../../manylinux/audit/audit.js";
import { chooseCompatibility } from "../../manylinux/audit/compatibility.js";
import { VERSION } from "../../version.js";
import { dataDirName, writeWheel } from "../../wheel/wheel.js";
import { BUNDLE_NAME, type BackendSources, backendMetadata, backendSources, shimFiles } from "./backend-wheel.js";
import { buildStandaloneExecutable, type StandaloneOptions } from "./standalone.js";

export interface StandaloneWheelOptions {
  /** A standalone executable already built (e.g. a release artifact); default: build one now. */
  executable?: string;
  /** Options for building it when `executable` is not given (its `out` is a temp file). */
  build?: Omit<StandaloneOptions, "out">;
  epoch?: number;
  sources?: BackendSources;
}

/** The wheel's platform tags: the best manylinux policy the executable meets as it is, else `linux_<arch>`. */
export function standalonePlatformTags(executable: string): string[] {
  const report = auditElfFiles([{ path: "pyts-build", file: executable }]);
  if (!report.arch) throw new PytsError(`${executable} is not an executable for a machine pyts-build knows`, "pass the standalone executable that `pyts-build standalone` wrote");
  // "check": a node binary that would need outside libraries bundled is not one to ship.
  return chooseCompatibility(report, { compatibility: "auto", auditwheel: "check", linuxTag: `linux_${report.arch}` }).platformTags;
}

/** Write the standalone backend wheel into `outDir`; returns its path. */
export async function buildStandaloneWheel(outDir: string, opts: StandaloneWheelOptions = {}): Promise<string> {
  const src = opts.sources ?? backendSources();
  if (!existsSync(src.bundle)) {
    throw new PytsError(`the CLI bundle ${src.bundle} is missing`, "run `npm run build` (tsc, then python/bundle.mjs) first");
  }
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const work = opts.executable ? undefined : trackTemp(mkdtempSync(join(out, ".standalone-")));
  try {
    const exe = opts.executable ? resolve(opts.executable) : buildStandaloneExecutable({ ...opts.build, out: join(work!, "pyts-build") });
    if (!existsSync(exe)) throw new PytsError(`the standalone executable ${exe} does not exist`, "build it with `pyts-build standalone -o FILE` or leave out --executable");
    const tags = standalonePlatformTags(exe).map((platform) => ({ python: "py3", abi: "none", platform }));
    const files = shimFiles(src.pythonPackage);
    files.push({ path: `pyts_build/_bundle/${BUNDLE_NAME}`, source: { file: src.bundle }, executable: false });
    files.push({ path: `${dataDirName("pyts-build", VERSION)}/scripts/pyts-build`, source: { file: exe }, executable: true });
    const spec = { metadata: backendMetadata(true), tags, files, rootIsPurelib: false };
    return await writeWheel(spec, out, opts.epoch !== undefined ? { epoch: opts.epoch } : {});
  } finally {
    if (work) {
      rmSync(work, { recursive: true, force: true });
      releaseTemp(work);
    }
  }
}
