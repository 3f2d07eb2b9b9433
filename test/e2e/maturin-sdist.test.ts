/**
 * The sdist of a workspace member configured for maturin: its root sits above
 * the project (the workspace and the path dependency must be in it), so the
 * top pyproject.toml is a stub, and that stub must name pyts-build's backend
 * (maturin cannot read project-dir). pip installs it from the backend wheel alone.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliOk } from "../helpers/cli.js";
import { cpython, freshDir, py, SYSTEM_PYTHON } from "../helpers/env.js";
import { pipInstall, venvWithPip } from "./pep517-helpers.js";
import { fixture } from "./wheel-helpers.js";

const PY311 = cpython("3.11");

describe.skipIf(!PY311)("pip install of a maturin workspace member's sdist", () => {
  it("the stub names pyts_build, the project's own pyproject.toml is unchanged, and pip builds and installs it", () => {
    const sdist = runCliOk(["sdist", "-m", fixture("maturin/workspace/crates/ws-py/Cargo.toml"), "-o", freshDir("ws-sdist")]).stdout.trim();
    expect(sdist).toMatch(/ws_py-0\.4\.0\.tar\.gz$/);
    const read = (member: string) => py(SYSTEM_PYTHON, `import tarfile; print(tarfile.open(${JSON.stringify(sdist)}).extractfile(${JSON.stringify(member)}).read().decode())`);
    const stub = read("ws_py-0.4.0/pyproject.toml");
    expect(stub).toContain('build-backend = "pyts_build"');
    expect(stub).toContain('project-dir = "crates/ws-py"');
    expect(stub).not.toContain("maturin");
    expect(read("ws_py-0.4.0/crates/ws-py/pyproject.toml")).toContain('build-backend = "maturin"');
    const python = venvWithPip(PY311 as string, "ws-pip");
    const out = pipInstall(python, [sdist], { env: { PYTS_BUILD_CACHE_DIR: freshDir("ws-pip-cache") } });
    expect(out).toMatch(/Successfully installed ws-py-0\.4\.0/);
    expect(py(python, "import ws_py; print(ws_py.answer())")).toBe("42");
  });
});
