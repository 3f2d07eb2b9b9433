/**
 * The standalone backend wheel on an older system with no Node.js at all: the
 * container stand-in image (Debian bullseye, glibc 2.31, python3.9 with pip 20.3).
 * pip installs the py3-none-manylinux_2_28 wheel (so pip agrees the tag fits
 * glibc 2.31), and the installed `pyts-build` runs --version and audit there.
 * In CI this fails when podman cannot run; elsewhere it skips, saying why.
 */
import { describe, expect, it } from "vitest";
import { basename } from "node:path";
import { standaloneWheel, standaloneWheelDir } from "../../helpers/standalone.js";
import { requireContainers, runInImage, skipContainers } from "../helpers/containers.js";

describe.skipIf(skipContainers())("the standalone wheel in a glibc 2.31 image without node", () => {
  it("installs with the image's pip and runs pyts-build --version and audit", () => {
    const setup = requireContainers();
    const whl = basename(standaloneWheel());
    const script = [
      "set -e",
      // the image really has no node: the point of the standalone executable
      "if command -v node; then echo 'node found in the image' >&2; exit 3; fi",
      "ldd --version | head -n 1",
      "python3 -m pip install --no-index --no-cache-dir --disable-pip-version-check --prefix /tmp/p /w/" + whl,
      "/tmp/p/bin/pyts-build --version",
      "/tmp/p/bin/pyts-build audit /w/" + whl,
      // the backend shim finds the executable through the installation's RECORD
      "PYTHONPATH=/tmp/p/lib/python3.9/site-packages python3 -m pyts_build --version",
    ].join("\n");
    const out = runInImage(setup, ["-v", `${standaloneWheelDir()}:/w:ro`], ["sh", "-c", script]);
    expect(out).toMatch(/GLIBC 2\.31/);
    expect(out.match(/\(standalone executable, Node\.js 20\.\d+\.\d+ built in\)/g)).toHaveLength(2);
    expect(out).toMatch(/manylinux_2_28_x86_64/);
  });
});
