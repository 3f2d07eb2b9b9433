/**
 * `pyts-build manylinux` end to end against a REAL engine: podman configured by
 * .ci/containers.sh, and the docker CLI over podman's Docker-compatible socket.
 * The build image is the local stand-in (Debian bullseye: glibc 2.31,
 * python3.9, gcc), since no registry is reachable here.
 *
 * In CI (CI=true) these tests fail when the engine cannot run; elsewhere they
 * skip, saying why on stderr.
 */
import { type SpawnSyncReturns, execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { CLI, ensureOfflineCargoHome, freshDir, ROOT, SYSTEM_PYTHON, testEnv } from "../../helpers/env.js";
import { type ContainerSetup, type PodmanSocket, requireContainers, runInImage, skipContainers, startPodmanSocket } from "../helpers/containers.js";

const FIXTURES = join(ROOT, "test/manylinux/container/fixtures");

/** A scratch copy of a project (the tests build in it). */
function copyProject(src: string, name: string): string {
  const dir = join(freshDir(`ml-${name}`), name);
  cpSync(src, dir, { recursive: true, filter: (p) => !/\/(target|__pycache__)(\/|$)/.test(p) });
  return dir;
}

/** Highest GLIBC_2.X the ELF file needs, from binutils' readelf. */
function highestGlibcMinor(file: string): number {
  const out = execFileSync("readelf", ["-V", "-W", file], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  const minors = [...out.matchAll(/Name: GLIBC_2\.(\d+)/g)].map((m) => Number(m[1]));
  expect(minors.length).toBeGreaterThan(0);
  return Math.max(...minors);
}

/** Extract a wheel (Python's zipfile) and return the extension module's path. */
function extractExtension(wheel: string): string {
  const dir = freshDir("ml-unzip");
  execFileSync(SYSTEM_PYTHON, ["-m", "zipfile", "-e", wheel, dir]);
  const find = (d: string): string | undefined => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && !e.name.endsWith(".libs")) {
        const hit = find(p);
        if (hit) return hit;
      } else if (/\.cpython-39-x86_64-linux-gnu\.so$/.test(e.name)) return p;
    }
    return undefined;
  };
  const ext = find(dir);
  if (!ext) throw new Error(`no cp39 extension module in ${wheel}`);
  return ext;
}

/** Files and folders under `dir` not owned by `uid` (find's -uid test). */
function notOwnedBy(dir: string, uid: number): string[] {
  return execFileSync("find", [dir, "!", "-uid", String(uid)], { encoding: "utf8" }).split("\n").filter(Boolean);
}

/** The single wheel path the CLI printed on stdout. */
function wheelFrom(stdout: string): string {
  const lines = stdout.trim().split("\n").filter(Boolean);
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

function expectCp39Manylinux(wheel: string, dist: string): number {
  const m = new RegExp(`^${dist}-0\\.1\\.0-cp39-cp39-manylinux_2_(\\d+)_x86_64\\.whl$`).exec(basename(wheel));
  expect(m, basename(wheel)).not.toBeNull();
  const x = Number(m![1]);
  expect(x).toBeLessThanOrEqual(31); // bullseye's glibc
  const need = highestGlibcMinor(extractExtension(wheel));
  expect(need).toBeLessThanOrEqual(31);
  expect(need).toBeLessThanOrEqual(x); // the tag covers what the extension needs
  return x;
}

const STANDIN_FLAGS = (s: ContainerSetup) => ["--image", s.image];

describe.skipIf(skipContainers())("pyts-build manylinux against a real engine", () => {
  let setup: ContainerSetup;
  let sock: PodmanSocket;
  const envFor = (extra: Record<string, string | undefined> = {}) => ({ ...setup.env, ...extra });

  beforeAll(async () => {
    setup = requireContainers();
    sock = await startPodmanSocket(setup, join(freshDir("ml-sock"), "s"));
  });
  afterAll(async () => {
    await sock?.stop();
  });

  describe("examples/word-count (pyo3 + rayon) with podman", () => {
    let project: string;
    let out: string;
    let first: ReturnType<typeof runCli>;

    beforeAll(() => {
      project = copyProject(join(ROOT, "examples/word-count"), "word-count");
      out = join(project, "dist");
      first = runCli(["manylinux", "--python", "3.9", ...STANDIN_FLAGS(setup), "--engine", "podman", "-r", "-o", out], { cwd: project, env: envFor() });
    });

    it("builds a cp39 manylinux_2_X wheel (X <= 31) whose extension needs no newer glibc", () => {
      expect(first.code, first.stderr).toBe(0);
      const wheel = wheelFrom(first.stdout);
      expect(wheel.startsWith(out + "/")).toBe(true);
      expectCp39Manylinux(wheel, "word_count");
      expect(readdirSync(out).filter((f) => f.endsWith(".whl"))).toEqual([basename(wheel)]); // the linux_x86_64 intermediate is gone
    });

    it("says which engine, image and interpreter it is working on", () => {
      expect(first.stderr).toContain("==> Using podman");
      expect(first.stderr).toContain(`with image ${setup.image}`);
      expect(first.stderr).toContain(`==> ${setup.image} has CPython 3.9`);
      expect(first.stderr).toContain("==> Building for CPython 3.9 (/usr/bin/python3.9)");
      expect(first.stderr).toMatch(/Compiling rayon v/); // cargo's own progress reaches the user
    });

    it("the wheel installs and imports inside that container, with no network", () => {
      const wheel = wheelFrom(first.stdout);
      const out = runInImage(setup, ["-v", `${wheel}:/w/${basename(wheel)}:ro`], [
        "sh",
        "-c",
        `python3.9 -m venv /tmp/v && /tmp/v/bin/pip install -q --no-index /w/${basename(wheel)} && ` +
          `/tmp/v/bin/python -c "import word_count as w; t='a b a c a ' * 1000; print(w.search(t, 'a'), w.search_sequential(t, 'a'), w.search_py(t, 'a'))"`,
      ]);
      expect(out.trim()).toBe("3000 3000 3000");
    });

    it("a second run reuses the compiled crates (nothing is compiled again)", () => {
      const again = runCli(["manylinux", "--python", "3.9", ...STANDIN_FLAGS(setup), "--engine", "podman", "-r", "-o", out], { cwd: project, env: envFor() });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(/Compiling /);
      expect(again.stderr).toMatch(/Finished `release` profile/);
      expect(again.stderr).not.toContain("Vendoring"); // the vendored crates are current too
      expect(wheelFrom(again.stdout)).toBe(wheelFrom(first.stdout));
    });

    it("a new interpreter's target folder is seeded from a built one, which cargo in the container takes as fresh", () => {
      // the stand-in has one CPython: make its folder look like another interpreter's, so the next run must seed its own
      const targets = execFileSync("find", [join(project, "target", "pyts-build", "manylinux"), "-maxdepth", "2", "-name", "target", "-type", "d"], { encoding: "utf8" }).trim();
      renameSync(join(targets, "cpython-3.9"), join(targets, "cpython-3.10"));
      const again = runCli(["manylinux", "--python", "3.9", ...STANDIN_FLAGS(setup), "--engine", "podman", "-r", "-o", out], { cwd: project, env: envFor() });
      expect(again.code, again.stderr).toBe(0);
      expect(readdirSync(targets).sort()).toEqual(["cpython-3.10", "cpython-3.9"]);
      expect(again.stderr).not.toMatch(/Compiling /);
      expect(wheelFrom(again.stdout)).toBe(wheelFrom(first.stdout));
    });

    it("leaves no build container behind", () => {
      const r = spawnSync("podman", ["ps", "-a", "--filter", "label=org.pyts-build.role=build", "--format", "{{.Mounts}}"], { env: { ...process.env, ...setup.env }, encoding: "utf8" });
      expect(r.status).toBe(0);
      expect(r.stdout).not.toContain(project);
    });
  });

  describe("an abi3 crate (test/fixtures/pyo3-abi3)", () => {
    it("one cp37-abi3 wheel for the image's CPythons, which imports there", () => {
      const project = copyProject(join(ROOT, "test/fixtures/pyo3-abi3"), "pyo3-abi3");
      const r = runCli(["manylinux", ...STANDIN_FLAGS(setup), "--engine", "podman", "-o", "dist"], { cwd: project, env: envFor() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("==> Building for abi3 (Python >= 3.7) with CPython 3.9");
      const wheel = wheelFrom(r.stdout);
      expect(basename(wheel)).toMatch(/^pyo3_abi3-1\.0\.0-cp37-abi3-manylinux_2_\d+_x86_64\.whl$/);
      const out = runInImage(setup, ["-v", `${wheel}:/w/${basename(wheel)}:ro`], [
        "sh",
        "-c",
        `python3.9 -m venv /tmp/v && /tmp/v/bin/pip install -q --no-index /w/${basename(wheel)} && /tmp/v/bin/python -c "import pyo3_abi3 as m; print(m.triple(14), m.version_info())"`,
      ]);
      expect(out.trim()).toBe("42 3.9");
    });
  });

  describe("docker CLI over podman's socket, as a non-root user", () => {
    // The tool runs as uid 4321 (setpriv; the one extra capability only lets it
    // read root's rustup toolchain and the checkout), talking to the engine
    // through the docker CLI like a docker-group user would. Every file it or
    // the container leaves in the project must be that user's, none root's.
    const UID = 4321;
    let project: string;
    let run: SpawnSyncReturns<string>;

    beforeAll(() => {
      project = copyProject(join(FIXTURES, "mpdec-ext"), "mpdec-ext");
      const base = join(project, "..");
      const home = join(base, "home");
      const cargoHome = join(base, "cargo-home");
      mkdirSync(home);
      cpSync(ensureOfflineCargoHome(), cargoHome, { recursive: true, filter: (p) => !p.includes("registry") && !p.includes(".package-cache") });
      execFileSync("chown", ["-R", `${UID}:${UID}`, base]);
      chmodSync(sock.socket, 0o666); // this test's own socket: let the user in
      run = spawnSync(
        "setpriv",
        [`--reuid=${UID}`, `--regid=${UID}`, "--clear-groups", "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", process.execPath, CLI, "manylinux", "--python", "3.9", ...STANDIN_FLAGS(setup), "--engine", "docker", "-o", "dist"],
        { cwd: project, env: testEnv({ ...envFor(), DOCKER_HOST: sock.dockerHost, HOME: home, CARGO_HOME: cargoHome }), encoding: "utf8" },
      );
    });

    it("builds, bundling a library that only the image has (copied out of the container)", () => {
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain("==> Using docker");
      const wheel = wheelFrom(run.stdout);
      expect(wheel).toBe(join(project, "dist", basename(wheel)));
      expectCp39Manylinux(wheel, "mpdec_ext");
      expect(run.stderr).toMatch(/bundled libmpdec\.so\.3 as mpdec_ext\.libs\/libmpdec-[0-9a-f]{8}\.so\.[\d.]+ \(manylinux_2_\d+/);
      expect(existsSync("/usr/lib/x86_64-linux-gnu/libmpdec.so.3")).toBe(false); // so it cannot have come from the host
    });

    it("leaves no file in the project that is not the user's", () => {
      expect(existsSync(join(project, "target/pyts-build/manylinux"))).toBe(true);
      expect(notOwnedBy(project, UID)).toEqual([]);
    });

    it("the bundled library is the one that loads (the image's own copy removed)", () => {
      const wheel = wheelFrom(run.stdout);
      const out = runInImage(setup, ["-v", `${wheel}:/w/${basename(wheel)}:ro`], [
        "sh",
        "-c",
        `rm /usr/lib/x86_64-linux-gnu/libmpdec.so* && python3.9 -m venv /tmp/v && /tmp/v/bin/pip install -q --no-index /w/${basename(wheel)} && ` +
          `/tmp/v/bin/python -c "import mpdec_ext; print(mpdec_ext.MPDEC_VERSION)"`,
      ]);
      expect(out.trim()).toMatch(/^2\.\d+\.\d+$/);
    });
  });

  describe("error paths", () => {
    let project: string;
    beforeAll(() => {
      project = copyProject(join(FIXTURES, "mpdec-ext"), "errors");
    });
    const run = (args: string[], extra: Record<string, string | undefined> = {}, cwd = project) => runCli(["manylinux", ...args], { cwd, env: envFor(extra) });
    const firstLines = (stderr: string) => stderr.trim().split("\n").filter((l) => l.startsWith("error:") || l.startsWith("  hint:"));

    it("no engine installed: --engine pointing at a missing binary", () => {
      const r = run(["--engine", "/nonexistent/bin/docker", ...STANDIN_FLAGS(setup)]);
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)[0]).toBe("error: container engine /nonexistent/bin/docker does not exist or cannot be run");
      expect(r.stderr).toMatch(/hint: install Docker/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });

    it("no engine installed: neither docker nor podman on PATH", () => {
      const r = run(STANDIN_FLAGS(setup), { PATH: freshDir("ml-empty-path") });
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)[0]).toBe("error: no container engine found: neither docker nor podman is on PATH");
    });

    it("engine present but not running: docker CLI with DOCKER_HOST at a dead socket", () => {
      const dead = `unix://${join(freshDir("ml-dead"), "docker.sock")}`;
      const r = run(["--engine", "docker", ...STANDIN_FLAGS(setup)], { DOCKER_HOST: dead });
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)[0]).toBe(`error: the docker CLI cannot reach a Docker daemon at DOCKER_HOST=${dead} (Cannot connect to the Docker daemon at ${dead}. Is the docker daemon running?)`);
      expect(r.stderr).toMatch(/hint: start Docker/);
    });

    it("image missing and not pullable", () => {
      const r = run(["--engine", "podman", "--image", "localhost/pyts-build-missing:nope"]);
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)[0]).toMatch(/^error: container image localhost\/pyts-build-missing:nope is not available locally and could not be pulled \(.+\)$/);
      expect(r.stderr).toContain("hint: check the name, then `podman pull localhost/pyts-build-missing:nope`");
    });

    it("a Python the image does not have: the error lists what it has", () => {
      const r = run(["--engine", "podman", "--python", "3.6", ...STANDIN_FLAGS(setup)]);
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)).toEqual([
        `error: image ${setup.image} has no CPython 3.6; it has CPython 3.9`,
        "  hint: pick one of those with --python, or another image with --image",
      ]);
    });

    it("--rust image with an image that has no cargo", () => {
      const r = run(["--engine", "podman", "--rust", "image", ...STANDIN_FLAGS(setup)]);
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)).toEqual([
        `error: cargo was not found inside the ${setup.image} container`,
        "  hint: use --rust host (mount the host's rustup toolchain, the default) or --rust rustup, or an image with cargo on PATH",
      ]);
    });

    it("--rust rustup where rustup cannot be fetched (this image has no curl or wget; no network here anyway)", () => {
      // The networked install step itself cannot succeed offline; this runs its
      // container for real and checks that the failure is reported with the fix.
      const r = run(["--engine", "podman", "--rust", "rustup", ...STANDIN_FLAGS(setup)]);
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)).toEqual([
        `error: installing Rust with rustup inside ${setup.image} failed: the image has neither curl nor wget to fetch rustup`,
        "  hint: --rust rustup downloads from static.rust-lang.org; without network use the default --rust host, or an image with cargo (--rust image, see docker/)",
      ]);
    });

    it("import safety: a module-name the library built in the container does not export is refused, no wheel", () => {
      const d = copyProject(join(ROOT, "test/fixtures/ffi-min"), "ffi-min-misnamed");
      writeFileSync(join(d, "pyproject.toml"), '[project]\nname = "ffi-min"\nversion = "0.2.0"\n[tool.pyts-build]\nmodule-name = "fast"\n');
      const r = run(["--engine", "podman", ...STANDIN_FLAGS(setup), "-o", "dist"], {}, d);
      expect(r.code).toBe(1);
      expect(firstLines(r.stderr)[0]).toBe('error: libffi_min.so exports PyInit_ffi_min but not PyInit_fast, so "import fast" would fail');
      expect(r.stderr).toContain("#[pymodule] fn fast");
      expect(existsSync(join(d, "dist")) ? readdirSync(join(d, "dist")).filter((f) => f.endsWith(".whl")) : []).toEqual([]);
    });

    it("a cargo failure inside the container: cargo's message is shown, no wheel", () => {
      const broken = copyProject(join(FIXTURES, "broken"), "broken");
      const r = run(["--engine", "podman", ...STANDIN_FLAGS(setup), "-o", "dist"], {}, broken);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("pyts-build container test: this crate fails to compile on purpose");
      // cargo's own "error: ..." lines come first; pyts-build's one-line error closes the output
      expect(firstLines(r.stderr).slice(-2)).toEqual([
        `error: cargo failed inside the ${setup.image} container (exit code 101)`,
        "  hint: see cargo's messages above; fix the crate, then build again",
      ]);
      expect(existsSync(join(broken, "dist")) ? readdirSync(join(broken, "dist")).filter((f) => f.endsWith(".whl")) : []).toEqual([]);
    });
  });
});
