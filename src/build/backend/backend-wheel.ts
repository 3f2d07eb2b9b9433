/**
 * The build backend's own wheel, `pyts_build-<version>-py3-none-any.whl`: the
 * Python package from python/pyts_build plus the one-file CLI bundle, written
 * by pyts-build's own wheel writer. This is what `requires = ["pyts-build"]`
 * installs into a build environment.
 *
 * Works from a checkout (dist/src/... next to python/ and dist/bundle/) and
 * from the bundle itself (pyts_build/_bundle/pyts-build.mjs inside an
 * installed backend), so an installed backend can rebuild its own wheel.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PytsError } from "../../errors.js";
import { type CoreMetadata, emptyMetadata } from "../../wheel/metadata.js";
import { STANDALONE, VERSION } from "../../version.js";
import { type WheelFile, writeWheel } from "../../wheel/wheel.js";

declare const __PYTS_BUILD_BUNDLED__: boolean | undefined;

export const BUNDLE_NAME = "pyts-build.mjs";

export interface BackendSources {
  /** The folder of the `pyts_build` Python package. */
  pythonPackage: string;
  /** The one-file CLI. */
  bundle: string;
}

/** Where the Python package and the bundle are, for this running copy of pyts-build. */
export function backendSources(): BackendSources {
  if (STANDALONE) {
    throw new PytsError("the standalone pyts-build does not carry the backend's Python package, so it cannot write backend wheels", "run `pyts-build backend-wheel` from the npm package (`npm install -g pyts-build`)");
  }
  const here = fileURLToPath(import.meta.url);
  if (typeof __PYTS_BUILD_BUNDLED__ === "boolean" && __PYTS_BUILD_BUNDLED__) {
    // installed: <site-packages>/pyts_build/_bundle/pyts-build.mjs
    if (basename(dirname(here)) === "_bundle") return { pythonPackage: dirname(dirname(here)), bundle: here };
    // a checkout's <root>/dist/bundle/pyts-build.mjs
    return { pythonPackage: resolve(dirname(here), "../../python/pyts_build"), bundle: here };
  }
  // a checkout's <root>/dist/src/build/backend/backend-wheel.js
  const root = resolve(dirname(here), "../../../..");
  return { pythonPackage: join(root, "python/pyts_build"), bundle: join(root, "dist/bundle", BUNDLE_NAME) };
}

const DESCRIPTION = `# pyts-build (PEP 517 backend)

Builds Python wheels and sdists for Rust (PyO3) extensions. In \`pyproject.toml\`:

\`\`\`toml
[build-system]
requires = ["pyts-build"]
build-backend = "pyts_build"
\`\`\`

The hooks run the pyts-build command-line tool, bundled in this wheel as one
JavaScript file, with Node.js 20 or newer (\`PYTS_BUILD_NODE\` names another node).
`;

const STANDALONE_DESCRIPTION = DESCRIPTION.replace(
  /The hooks run[^]*$/,
  `The hooks run the pyts-build command-line tool, built into this platform wheel as
one self-contained executable (the \`pyts-build\` command): no Node.js is needed.
With \`PYTS_BUILD_NODE\` set, that Node.js runs the JavaScript bundle also shipped here instead.
`,
);

/** The backend's core metadata; `standalone`: the platform wheel with the executable. */
export function backendMetadata(standalone: boolean): CoreMetadata {
  const metadata = emptyMetadata("pyts-build", VERSION);
  metadata.summary = standalone
    ? "PEP 517 build backend for Rust (PyO3) extensions, with the pyts-build CLI as a standalone executable (no Node.js needed)"
    : "PEP 517 build backend for Rust (PyO3) extensions, running the pyts-build CLI with Node.js";
  metadata.description = { body: standalone ? STANDALONE_DESCRIPTION : DESCRIPTION, contentType: "text/markdown" };
  metadata.requiresPython = ">=3.7";
  metadata.licenseExpression = "MIT";
  metadata.keywords = ["pep517", "build-backend", "rust", "pyo3"];
  metadata.classifiers = ["Programming Language :: Python :: 3", "Programming Language :: Rust", "Topic :: Software Development :: Build Tools"];
  return metadata;
}

/** The shim's Python files (pyts_build/*.py) as wheel entries. */
export function shimFiles(pythonPackage: string): WheelFile[] {
  const pyFiles = existsSync(pythonPackage) ? readdirSync(pythonPackage).filter((f) => f.endsWith(".py")).sort() : [];
  if (!pyFiles.includes("__init__.py")) {
    throw new PytsError(`the backend's Python package is missing from ${pythonPackage}`, "build the backend wheel from a pyts-build checkout or installation");
  }
  return pyFiles.map((f) => ({ path: `pyts_build/${f}`, source: { file: join(pythonPackage, f) }, executable: false }));
}

/** Write the backend wheel into `outDir`; returns its path. */
export async function buildBackendWheel(outDir: string, opts: { epoch?: number; sources?: BackendSources } = {}): Promise<string> {
  const src = opts.sources ?? backendSources();
  if (!existsSync(src.bundle)) {
    throw new PytsError(`the CLI bundle ${src.bundle} is missing`, "run `npm run build` (tsc, then python/bundle.mjs) first");
  }
  const files = shimFiles(src.pythonPackage);
  files.push({ path: `pyts_build/_bundle/${BUNDLE_NAME}`, source: { file: src.bundle }, executable: false });

  const spec = {
    metadata: backendMetadata(false),
    tags: [{ python: "py3", abi: "none", platform: "any" }],
    files,
    entryPoints: { console_scripts: { "pyts-build": "pyts_build._runner:main" } },
  };
  return writeWheel(spec, resolve(outDir), opts.epoch !== undefined ? { epoch: opts.epoch } : {});
}
