/**
 * `publish`: build the sdist and the wheels (the wheels from the unpacked sdist,
 * which proves it complete), then upload exactly those files.
 */
import type { BuildWheelsOptions } from "../build/build-wheel.js";
import { type UploadOptions, type UploadResult, uploadFiles } from "./upload.js";

export interface PublishOptions {
  build: BuildWheelsOptions;
  /** Also build and upload the sdist (default true). */
  sdist?: boolean;
  upload: Omit<UploadOptions, "files">;
}

export interface PublishResult {
  built: string[];
  uploads: UploadResult[];
}

export async function publish(o: PublishOptions): Promise<PublishResult> {
  let built: string[];
  if (o.sdist === false) {
    const { buildWheels } = await import("../build/build-wheel.js");
    built = (await buildWheels(o.build)).map((w) => w.path);
  } else {
    const { buildSdistThenWheels } = await import("../build/backend/wheel-from-sdist.js");
    const r = await buildSdistThenWheels(o.build);
    built = [r.sdist.path, ...r.wheels.map((w) => w.path)];
  }
  const uploads = await uploadFiles({ ...o.upload, files: built, ...(o.build.cwd !== undefined ? { cwd: o.build.cwd } : {}) });
  return { built, uploads };
}
