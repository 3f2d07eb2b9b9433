/**
 * The GitHub Actions workflow of `pyts-build generate-ci github`, as text: a
 * pure function of what the project's configuration says (name, bindings,
 * abi3, requires-python) and the chosen platforms. Every job installs Node 20
 * and pyts-build and runs pyts-build itself; the release job uploads with
 * `pyts-build upload` through trusted publishing.
 */
import { pythonVersionAllowed } from "../build/python/interpreter.js";
import { describeInstallSource, type InstallSource } from "./install-from.js";
import { CI_PLATFORMS, type CiPlatform } from "./platforms.js";

export { CI_PLATFORMS, type CiPlatform } from "./platforms.js";

/** CPython releases a new workflow builds for (setup-python and the manylinux images have them all). */
export const CI_PYTHONS: readonly string[] = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"];

export interface CiProject {
  /** `[project] name`. */
  name: string;
  bindings: "pyo3" | "bin" | string;
  /** A `bin` that uses pyo3 (embeds Python): it links libpython, so its wheel is tagged for each CPython. */
  embedsPython?: boolean;
  /** pyo3's abi3: the lowest minor (`abi3-py39` -> 9), or "current" for plain `abi3`. */
  abi3?: number | "current";
  requiresPython?: string;
}

export interface CiOptions {
  platforms: CiPlatform[];
  /** A job that installs the Linux x86_64 wheels and runs pytest. */
  pytest: boolean;
  /** The pyts-build release that generated the workflow. */
  pytsBuildVersion: string;
  /** Where each job installs pyts-build from; default `pyts-build@<pytsBuildVersion>` from the npm registry. */
  install?: InstallSource;
}

/** How the wheels are built: one per Python, one abi3 wheel, or one `py3-none` wheel (a bin that does not embed Python). */
export type BuildKind = "per-python" | "abi3" | "bin";

export interface CiPlan {
  kind: BuildKind;
  /** The Pythons the build jobs use (one for abi3 and bin). */
  buildPythons: string[];
  /** The Pythons the pytest job tests with. */
  testPythons: string[];
}

/** Which Pythons to build and test with, from the project's configuration. */
export function planCi(p: CiProject): CiPlan {
  const allowed = CI_PYTHONS.filter((v) => {
    const minor = Number(v.split(".")[1]);
    return p.requiresPython === undefined || pythonVersionAllowed(p.requiresPython, 3, minor);
  });
  if (allowed.length === 0) return { kind: "per-python", buildPythons: [], testPythons: [] };
  if (p.bindings === "bin" && !p.embedsPython) {
    // the program does not depend on the Python version: one wheel per platform
    const one = allowed[allowed.length - 1] as string;
    return { kind: "bin", buildPythons: [one], testPythons: [one] };
  }
  if (p.abi3 !== undefined) {
    const min = p.abi3;
    const first = min === "current" ? allowed[0] : (allowed.find((v) => Number(v.split(".")[1]) >= min) ?? allowed[0]);
    // one stable-ABI wheel per platform, built with the oldest Python it supports; tested on all
    return { kind: "abi3", buildPythons: [first as string], testPythons: allowed };
  }
  return { kind: "per-python", buildPythons: allowed, testPythons: allowed };
}

const ACTIONS = {
  checkout: "actions/checkout@v4",
  setupNode: "actions/setup-node@v4",
  setupPython: "actions/setup-python@v5",
  upload: "actions/upload-artifact@v4",
  download: "actions/download-artifact@v4",
  qemu: "docker/setup-qemu-action@v3",
} as const;

/** A YAML scalar: plain when that is unambiguous, else double-quoted (JSON strings are valid YAML). */
export function yamlString(s: string): string {
  const plain = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s) && !/^(true|false|yes|no|on|off|null|[\d.]+)$/i.test(s);
  return plain ? s : JSON.stringify(s);
}

const indent = (text: string, n: number) =>
  text
    .split("\n")
    .map((l) => (l === "" ? l : " ".repeat(n) + l))
    .join("\n");

function step(lines: string[]): string {
  return "- " + lines.join("\n  ");
}

const checkoutStep = () => step([`uses: ${ACTIONS.checkout}`]);
/**
 * Node 20, then pyts-build from the workflow's env (PYTS_BUILD_INSTALL, or PYTS_BUILD_GIT[_REF]). Under bash on every
 * runner: Windows' default shell (pwsh) reads `${NAME}` as its own variable, not the environment's.
 */
function nodeSteps(install: InstallSource): string[] {
  const setup = step([`uses: ${ACTIONS.setupNode}`, "with:", "  node-version: 20"]);
  if (install.kind !== "git") return [setup, step(["name: Install pyts-build", "shell: bash", 'run: npm install --global "$PYTS_BUILD_INSTALL"'])];
  // npm's own git install runs only `prepare`, and pyts-build builds its dist/ in `prepack`: pack it here
  const script = [
    'git clone --quiet "$PYTS_BUILD_GIT" "$RUNNER_TEMP/pyts-build"',
    'cd "$RUNNER_TEMP/pyts-build"',
    ...(install.ref !== undefined ? ['git checkout --quiet "$PYTS_BUILD_GIT_REF"'] : []),
    "npm ci --no-audit --no-fund",
    'npm install --global "./$(npm pack --silent | tail -n 1)"',
  ];
  return [setup, step(["name: Install pyts-build (from git)", "shell: bash", "run: |", ...script.map((l) => `  ${l}`)])];
}
const uploadStep = (name: string) => step([`uses: ${ACTIONS.upload}`, "with:", `  name: ${yamlString(name)}`, "  path: dist"]);

function setupPythonStep(pythons: string[], extra: string[] = []): string {
  const versions = pythons.length === 1 ? [`  python-version: ${yamlString(pythons[0] as string)}`] : ["  python-version: |", ...pythons.map((v) => `    ${v}`)];
  return step([`uses: ${ACTIONS.setupPython}`, "id: python", "with:", ...versions, ...extra]);
}

function job(name: string, head: string[], steps: string[]): string {
  return `${name}:\n` + indent([...head, "steps:", indent(steps.join("\n"), 2)].join("\n"), 2);
}

function linuxJob(name: "linux" | "musllinux", plan: CiPlan, install: InstallSource): string {
  const policy = name === "linux" ? "manylinux2014" : "musllinux_1_2";
  // x86_64: the policy's own image (manylinux: the runner's Rust mounted; musl: rustup's, the runner's glibc Rust cannot run there).
  // aarch64, manylinux: cross-compiled on the x86_64 runner in rust-cross's manylinux2014-cross:aarch64 with the runner's
  // Rust and its aarch64 std (docs/cross.md); musllinux: the aarch64 image itself under QEMU (--emulate), with rustup's Rust.
  const rows: [string, string, string, string][] =
    name === "linux"
      ? [["x86_64", "host", "", ""], ["aarch64", "host", "aarch64-unknown-linux-gnu", "--target aarch64-unknown-linux-gnu"]]
      : [["x86_64", "rustup", "", ""], ["aarch64", "rustup", "", "--target aarch64-unknown-linux-musl --emulate"]];
  const head = [
    "runs-on: ubuntu-latest",
    "strategy:",
    "  fail-fast: false",
    "  matrix:",
    "    include:",
    ...rows.flatMap(([arch, rust, target, flags]) => [`      - arch: ${arch}`, `        rust: ${rust}`, ...(target ? [`        target: ${target}`] : []), `        flags: ${yamlString(flags)}`]),
  ];
  const build = `pyts-build manylinux --release --policy ${policy} \${{ matrix.flags }} --rust \${{ matrix.rust }} --python ${plan.buildPythons.join(",")} -o dist`;
  const cross = rows.some(([, , target]) => target !== "");
  const emulated = rows.some(([, , , flags]) => flags.includes("--emulate"));
  return job(name, head, [
    checkoutStep(),
    ...nodeSteps(install),
    ...(cross ? [step(["name: Add the Rust target", "if: matrix.target", "run: rustup target add ${{ matrix.target }}"])] : []),
    ...(emulated ? [step(["name: Set up QEMU", "if: contains(matrix.flags, '--emulate')", `uses: ${ACTIONS.qemu}`, "with:", "  platforms: arm64"])] : []),
    step([`name: Build ${policy} wheels`, `run: ${build}`]),
    uploadStep(`wheels-${name}-\${{ matrix.arch }}`),
  ]);
}

/** macOS and Windows: the runner's own Pythons, one job per architecture. */
function nativeJob(name: "windows" | "macos", plan: CiPlan, install: InstallSource): string {
  const rows = name === "windows" ? [["windows-latest", "x64"]] : [["macos-15-intel", "x86_64"], ["macos-latest", "arm64"]];
  const head = [
    "runs-on: ${{ matrix.runner }}",
    "strategy:",
    "  fail-fast: false",
    "  matrix:",
    "    include:",
    ...rows.flatMap(([runner, arch]) => [`      - runner: ${runner}`, `        arch: ${arch}`]),
  ];
  // per-Python: every interpreter setup-python installed; abi3/bin: just the one
  const which = plan.kind === "per-python" ? "--find-interpreter" : '-i "${{ steps.python.outputs.python-path }}"';
  return job(name, head, [
    checkoutStep(),
    setupPythonStep(plan.buildPythons, name === "windows" ? ["  architecture: ${{ matrix.arch }}"] : []),
    ...nodeSteps(install),
    step(["name: Build wheels", `run: pyts-build wheel --release ${which} -o dist`]),
    uploadStep(`wheels-${name}-\${{ matrix.arch }}`),
  ]);
}

function sdistJob(install: InstallSource): string {
  return job("sdist", ["runs-on: ubuntu-latest"], [checkoutStep(), ...nodeSteps(install), step(["name: Build the sdist", "run: pyts-build sdist -o dist"]), uploadStep("wheels-sdist")]);
}

function pytestJob(p: CiProject, plan: CiPlan): string {
  const head = ["needs: [linux]", "runs-on: ubuntu-latest", "strategy:", "  fail-fast: false", "  matrix:", `    python-version: [${plan.testPythons.map((v) => JSON.stringify(v)).join(", ")}]`];
  return job("pytest", head, [
    checkoutStep(),
    setupPythonStep(["${{ matrix.python-version }}"]),
    step([`uses: ${ACTIONS.download}`, "with:", "  name: wheels-linux-x86_64", "  path: dist"]),
    step([
      "name: Install the wheel and run the tests",
      "run: |",
      // the built wheel, never an index's copy; then its dependencies from the index
      `  python -m pip install --no-index --no-deps --find-links dist ${p.name}`,
      `  python -m pip install ${p.name} pytest`,
      "  python -m pytest tests",
    ]),
  ]);
}

function releaseJob(p: CiProject, needs: string[], install: InstallSource): string {
  const head = [
    "name: Release",
    "if: startsWith(github.ref, 'refs/tags/')",
    `needs: [${needs.join(", ")}]`,
    "runs-on: ubuntu-latest",
    "environment:",
    "  name: pypi",
    `  url: https://pypi.org/p/${p.name}`,
    "permissions:",
    "  # trusted publishing: pyts-build upload exchanges the job's OIDC token for a PyPI token",
    "  id-token: write",
    "  contents: read",
  ];
  return job("release", head, [
    step([`uses: ${ACTIONS.download}`, "with:", "  pattern: wheels-*", "  merge-multiple: true", "  path: dist"]),
    ...nodeSteps(install),
    step(["name: Publish to PyPI", "run: pyts-build upload --skip-existing dist/*"]),
  ]);
}

/** The workflow file's text. */
export function renderGithubWorkflow(p: CiProject, o: CiOptions): string {
  const plan = planCi(p);
  const install = o.install ?? { kind: "npm", spec: `pyts-build@${o.pytsBuildVersion}` };
  const what = plan.kind === "abi3" ? `one abi3 wheel per platform (built with Python ${plan.buildPythons[0]})` : plan.kind === "bin" ? "one py3-none wheel per platform (a Rust program)" : `a wheel per platform and CPython ${plan.buildPythons.join(", ")}`;
  const jobs: string[] = [];
  const names: string[] = [];
  for (const platform of CI_PLATFORMS.filter((x) => o.platforms.includes(x))) {
    jobs.push(platform === "linux" || platform === "musllinux" ? linuxJob(platform, plan, install) : nativeJob(platform, plan, install));
    names.push(platform);
  }
  jobs.push(sdistJob(install));
  names.push("sdist");
  if (o.pytest) {
    jobs.push(pytestJob(p, plan));
    names.push("pytest");
  }
  jobs.push(releaseJob(p, names, install));
  return (
    `# Generated by pyts-build ${o.pytsBuildVersion} (pyts-build generate-ci github) for ${p.name}:\n` +
    `# ${what}, an sdist, and on a tag a release to PyPI with trusted publishing.\n` +
    `name: CI\n\n` +
    `on:\n  push:\n    branches: [main, master]\n    tags: ["*"]\n  pull_request:\n  workflow_dispatch:\n\n` +
    `permissions:\n  contents: read\n\n` +
    `env:\n${indent(installEnv(install), 2)}\n\n` +
    `jobs:\n` +
    jobs.map((j) => indent(j, 2)).join("\n\n") +
    "\n"
  );
}

/** The workflow's env lines that say where pyts-build comes from, with a comment on what that needs. */
function installEnv(install: InstallSource): string {
  const needs =
    install.kind === "npm"
      ? ["that release must be published there; until it is, regenerate with `--install-from` a", "release tarball URL (made by `npm pack`) or a git URL"]
      : install.kind === "tarball"
        ? ["the URL must stay reachable (a release asset, say); `--install-from pyts-build@VERSION`", "installs a release published on npm instead"]
        : ["the repository must be reachable, and each job builds pyts-build (npm ci, npm pack) first"];
  const lines = [`# Every job installs pyts-build with npm: ${describeInstallSource(install)};`, ...needs.map((l) => `# ${l}`)];
  if (install.kind === "git") {
    lines.push(`PYTS_BUILD_GIT: ${JSON.stringify(install.url)}`);
    if (install.ref !== undefined) lines.push(`PYTS_BUILD_GIT_REF: ${JSON.stringify(install.ref)}`);
  } else lines.push(`PYTS_BUILD_INSTALL: ${JSON.stringify(install.kind === "npm" ? install.spec : install.url)}`);
  return lines.join("\n");
}
