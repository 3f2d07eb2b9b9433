/**
 * `pyts-build wheel --sdist`: write the sdist, unpack it into a temporary
 * folder and build the wheels FROM there, which proves the sdist holds
 * everything a build needs. Cargo's target folder of the original project is
 * reused (CARGO_TARGET_DIR), so registry dependencies are not compiled again;
 * cargo tells the unpacked crates apart from the originals by their path.
 */
import { makeTempDir, removeTemp } from "../../cleanup.js";
import { join, resolve } from "node:path";
import { extract } from "tar";
import { type Logger, silentLogger } from "../../log.js";
import { buildSdist, type SdistResult } from "../sdist/build-sdist.js";
import { type BuiltWheel, buildWheels, type BuildWheelsOptions } from "../build-wheel.js";
import { cargoMetadata } from "../cargo/cargo.js";
import { loadProjectConfig } from "../project/config.js";
import { touchTree } from "../cache/touch.js";

export interface SdistAndWheels {
  sdist: SdistResult;
  wheels: BuiltWheel[];
}

export async function buildSdistThenWheels(o: BuildWheelsOptions = {}): Promise<SdistAndWheels> {
  const log: Logger = o.log ?? silentLogger;
  const env = o.env ?? process.env;
  const cwd = resolve(o.cwd ?? process.cwd());
  const config = loadProjectConfig({ cwd, ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}), ...(o.strictMetadata ? { strictMetadata: true } : {}) });
  const meta = await cargoMetadata(config.cargo.path, { env });
  const outDir = resolve(cwd, o.out ?? join(meta.targetDirectory, "wheels"));
  const sdist = await buildSdist({ config, cwd, outDir, logger: log, env });

  const tmp = await makeTempDir(join(meta.targetDirectory, "pyts-build-sdist-"));
  try {
    await extract({ file: sdist.path, cwd: tmp, strict: true });
    const top = sdist.members[0]?.split("/")[0] as string;
    touchTree(join(tmp, top)); // the shared target must not take the copy for an older build
    log.step(`Building wheels from the unpacked sdist ${join(tmp, top)}`);
    const rest: BuildWheelsOptions = { ...o };
    delete rest.manifestPath; // a path into the checkout: the unpacked copy is found from its top instead
    const wheels = await buildWheels({
      ...rest,
      cwd: join(tmp, top), // the config loader finds the project (and follows the sdist's stub)
      out: outDir,
      env: { ...env, CARGO_TARGET_DIR: env.CARGO_TARGET_DIR ?? meta.targetDirectory },
    });
    return { sdist, wheels };
  } finally {
    await removeTemp(tmp);
  }
}
