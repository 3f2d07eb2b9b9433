/**
 * The environment cargo gets inside the build container (issue 14): the same
 * plan as on the host (src/build/cargo/cargo-env.ts), and nothing else of the
 * host's. test/fixtures/cargo-env-probe records what its build script sees
 * into the extension; the test reads it back from the manylinux wheel, and
 * imports the wheel in the container.
 *
 * In CI (CI=true) this fails when the engine cannot run; elsewhere it skips.
 */
import { cpSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { parseRecord, recordInWheel } from "../../helpers/cargo-env-record.js";
import { freshDir, ROOT } from "../../helpers/env.js";
import { requireContainers, runInImage, skipContainers } from "../helpers/containers.js";

describe.skipIf(skipContainers())("pyts-build manylinux: the cargo environment inside the container", () => {
  it("an extension for the image's Python 3.9: PYO3_BUILD_EXTENSION_MODULE, its interpreter and signature; the host's own PyO3 variables stay out", () => {
    const setup = requireContainers();
    const project = join(freshDir("ml-env-probe"), "cargo-env-probe");
    cpSync(join(ROOT, "test/fixtures/cargo-env-probe"), project, { recursive: true, filter: (p) => !/\/(target|Cargo\.lock)$/.test(p) });
    // a host PYO3_PYTHON / PYO3_NO_PYTHON must not reach cargo in the container
    const r = runCli(["manylinux", "--python", "3.9", "--image", setup.image, "--engine", "podman", "-o", "dist"], {
      cwd: project,
      env: { ...setup.env, PYO3_PYTHON: "/host/only/python", PYO3_NO_PYTHON: "1" },
    });
    expect(r.code, r.stderr).toBe(0);
    const wheel = r.stdout.trim();
    expect(basename(wheel)).toMatch(/^cargo_env_probe-0\.1\.0-cp39-cp39-manylinux_2_\d+_x86_64\.whl$/);
    const python = /==> Building for CPython 3\.9 \((\S+)\)/.exec(r.stderr)?.[1];
    expect(python, r.stderr).toMatch(/^\/.*python3\.9$/);
    const record = recordInWheel(wheel);
    expect(record).toEqual({
      PYO3_BUILD_EXTENSION_MODULE: "1",
      PYO3_PYTHON: python,
      PYTHON_SYS_EXECUTABLE: python,
      PYO3_ENVIRONMENT_SIGNATURE: "cpython-3.9-64bit",
    });
    // the wheel imports in the image, and the module carries the same record
    const out = runInImage(setup, ["-v", `${wheel}:/w/${basename(wheel)}:ro`], [
      "sh",
      "-c",
      `python3.9 -m venv /tmp/v && /tmp/v/bin/pip install -q --no-index /w/${basename(wheel)} && /tmp/v/bin/python -c "import cargo_env_probe as m; print(m.env(), end='')"`,
    ]);
    expect(parseRecord(out)).toEqual(record);
  });
});
