/**
 * buildSdist / selectSdistFiles on real project trees with real cargo
 * (`cargo metadata`, `cargo package --list`): the tarball's file list is
 * asserted exactly, and the unpacked sdist is checked to still be a loadable
 * project (cargo resolves the pruned workspace, the config loader follows the stub).
 */
import { describe, expect, it, vi } from "vitest";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSdist } from "../../../src/build/sdist/build-sdist.js";
import { loadProjectConfig } from "../../../src/build/project/config.js";
import { ConfigError } from "../../../src/errors.js";
import { buildWheels } from "../../../src/build/build-wheel.js";
import { memoryLogger, silentLogger } from "../../../src/log.js";
import { cpython, freshDir, SYSTEM_PYTHON, testEnv } from "../../helpers/env.js";
import { extensionSource, workspaceFixture, writeTree } from "./sdist-fixtures.js";

// a test-side spy on the one config loader: each command must load the project once
vi.mock("../../../src/build/project/config.js", async (original) => {
  const real = await original<typeof import("../../../src/build/project/config.js")>();
  return { ...real, loadProjectConfig: vi.fn(real.loadProjectConfig) };
});
const projectConfigLoads = (): number => vi.mocked(loadProjectConfig).mock.calls.length;

const env = testEnv();

/** Member names as GNU tar lists them. */
function tarList(archive: string): string[] {
  return execFileSync("tar", ["-tzf", archive], { encoding: "utf8" }).trim().split("\n").sort();
}

function unpack(archive: string, into: string): void {
  execFileSync("tar", ["-xzf", archive, "-C", into]);
}

const PY311 = cpython("3.11");

/**
 * Unpack the sdist into a fresh folder and build a wheel there with the real
 * buildWheels (cargo, CPython 3.11): the sdist must hold all a build needs.
 * Returns the wheel's member names.
 */
async function wheelFromSdist(archive: string): Promise<string[]> {
  if (!PY311) throw new Error("CPython 3.11 is needed (pyenv or /usr/bin)");
  const dir = freshDir("sdist-build");
  unpack(archive, dir);
  const [top] = readdirSync(dir);
  const [wheel] = await buildWheels({ cwd: join(dir, top as string), interpreters: [PY311], out: join(dir, "wheels"), env, log: silentLogger });
  expect(wheel?.fileName).toMatch(/-cp311-cp311-linux_x86_64\.whl$/);
  return execFileSync(SYSTEM_PYTHON, ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", wheel?.path as string], { encoding: "utf8" })
    .trim()
    .split("\n");
}

describe("sdist of a workspace member with a path dependency outside the Python project", () => {
  it("holds exactly the needed files, with the workspace narrowed and a stub pyproject at the top", async () => {
    const fx = workspaceFixture(freshDir("sdist-ws"), { lock: true });
    const out = freshDir("sdist-out");
    const log = memoryLogger();
    const r = await buildSdist({ cwd: fx.project, outDir: out, env, logger: log });
    expect(r.path).toBe(join(out, "fx-1.2.3.tar.gz"));
    expect(r.root).toBe(fx.repo);
    expect(r.projectRel).toBe("py");
    const top = "fx-1.2.3/";
    expect(tarList(r.path)).toEqual(
      [
        "Cargo.lock",
        "Cargo.toml",
        "LICENSE",
        "PKG-INFO",
        "README.md",
        "crates/core/Cargo.toml",
        "crates/core/src/lib.rs",
        "py/Cargo.toml",
        "py/pyproject.toml",
        "py/python/fx/__init__.py",
        "py/src/lib.rs",
        "pyproject.toml",
      ].map((p) => top + p),
    );
    expect(r.members).toEqual(tarList(r.path));
    expect(log.lines.filter((l) => l.startsWith("warn:"))).toEqual([]);

    const dir = freshDir("sdist-unpacked");
    unpack(r.path, dir);
    const root = join(dir, "fx-1.2.3");
    // The project's own pyproject.toml is unchanged; the top one points at it.
    expect(readFileSync(join(root, "py/pyproject.toml"), "utf8")).toBe(readFileSync(join(fx.project, "pyproject.toml"), "utf8"));
    const stub = readFileSync(join(root, "pyproject.toml"), "utf8");
    expect(stub).toMatch(/build-backend = "pyts_build"/);
    expect(stub).toMatch(/project-dir = "py"/);
    // The workspace lists only the members carried, and cargo loads it (inherited fields resolve).
    const ws = readFileSync(join(root, "Cargo.toml"), "utf8");
    expect(ws).toMatch(/members = \[\s*"crates\/core",\s*"py"\s*\]/);
    expect(ws).toMatch(/\[workspace\.dependencies\.fxcore\]|fxcore = \{/);
    const md = JSON.parse(
      execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--offline", "--manifest-path", join(root, "py/Cargo.toml")], { env, encoding: "utf8" }),
    ) as { packages: Array<{ name: string; version: string }> };
    expect(md.packages.map((p) => `${p.name} ${p.version}`).sort()).toEqual(["fx 1.2.3", "fxcore 1.2.3"]);
    // The config loader, started at the top, follows the stub to the project.
    const cfg = loadProjectConfig({ cwd: root });
    expect(cfg.projectDir).toBe(join(root, "py"));
    expect(cfg.metadata.version).toBe("1.2.3");
    expect(cfg.metadata.description?.body).toContain("The workspace readme");
    // PKG-INFO: core metadata 2.4 with the readme as its body.
    const pkgInfo = readFileSync(join(root, "PKG-INFO"), "utf8");
    expect(pkgInfo).toMatch(/^Metadata-Version: 2\.4\nName: fx\nVersion: 1\.2\.3\n/);
    expect(pkgInfo).toContain("The workspace readme, outside the crate.");
    // and a wheel builds from it
    expect(await wheelFromSdist(r.path)).toEqual(expect.arrayContaining(["fx/__init__.py", "fx/_native.cpython-311-x86_64-linux-gnu.so", "fx-1.2.3.dist-info/licenses/LICENSE"]));
  });

  it("gives byte-identical tarballs from two runs, and an sdist of the unpacked sdist has the same files", async () => {
    const fx = workspaceFixture(freshDir("sdist-ws"), { lock: true });
    const one = await buildSdist({ cwd: fx.project, outDir: freshDir("sdist-a"), env });
    // touch every source: mtimes on disk must not matter
    writeFileSync(join(fx.project, "src/lib.rs"), readFileSync(join(fx.project, "src/lib.rs")));
    const two = await buildSdist({ cwd: fx.project, outDir: freshDir("sdist-b"), env, config: undefined });
    expect(readFileSync(one.path).equals(readFileSync(two.path))).toBe(true);

    const dir = freshDir("sdist-again");
    unpack(one.path, dir);
    const again = await buildSdist({ cwd: join(dir, "fx-1.2.3"), outDir: freshDir("sdist-c"), env });
    expect(tarList(again.path)).toEqual(tarList(one.path));
  });

  it("warns about a missing Cargo.lock and builds without it", async () => {
    const fx = workspaceFixture(freshDir("sdist-ws"));
    const log = memoryLogger();
    const r = await buildSdist({ cwd: fx.project, outDir: freshDir("sdist-out"), env, logger: log });
    expect(tarList(r.path)).not.toContain("fx-1.2.3/Cargo.lock");
    expect(log.lines.some((l) => l.startsWith("warn:") && l.includes("no Cargo.lock"))).toBe(true);
    expect(await wheelFromSdist(r.path)).toContain("fx/_native.cpython-311-x86_64-linux-gnu.so");
  });
});

describe("sdist of a project whose crate sits beside it (manifest-path)", () => {
  it("roots the sdist at their common folder and builds from it", async () => {
    const base = join(freshDir("sdist-beside"), "proj");
    writeTree(base, {
      "python-pkg/pyproject.toml":
        '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "beside"\nversion = "0.1.0"\nreadme = "README.md"\n\n' +
        '[tool.pyts-build]\nmanifest-path = "../rust/Cargo.toml"\n',
      "python-pkg/README.md": "beside\n",
      "rust/Cargo.toml": '[package]\nname = "beside"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n',
      "rust/src/lib.rs": extensionSource("beside", "1"),
      "docs/unrelated.md": "not needed by the build\n",
    });
    const r = await buildSdist({ cwd: join(base, "python-pkg"), outDir: freshDir("sdist-out"), env });
    expect(r.projectRel).toBe("python-pkg");
    expect(tarList(r.path)).toEqual(
      ["PKG-INFO", "pyproject.toml", "python-pkg/README.md", "python-pkg/pyproject.toml", "rust/Cargo.toml", "rust/src/lib.rs"].map((p) => "beside-0.1.0/" + p),
    );
    expect(await wheelFromSdist(r.path)).toContain("beside/beside.cpython-311-x86_64-linux-gnu.so");
  });
});

describe("sdist of a single crate with its project beside it", () => {
  function simpleProject(base: string, extra: Record<string, string> = {}): string {
    const dir = join(base, "simple");
    writeTree(dir, {
      "pyproject.toml":
        '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "Simple.Ext"\nversion = "0.3.0"\nreadme = "README.md"\nlicense = "MIT"\n',
      "Cargo.toml": '[package]\nname = "simple-ext"\nversion = "0.3.0"\nedition = "2021"\ninclude = ["src/**", "Cargo.toml", "data/*.txt"]\n\n[lib]\nname = "simple_ext"\ncrate-type = ["cdylib"]\n',
      "src/lib.rs": extensionSource("simple_ext", "3"),
      "README.md": "simple\n",
      "LICENSE.txt": "MIT\n",
      "data/keep.txt": "kept by cargo's include\n",
      "data/skip.bin": "not in cargo's include\n",
      "target/release/libsimple_ext.so": "stale",
      "target/wheels/simple_ext-0.3.0-cp311-cp311-linux_x86_64.whl": "old",
      "simple_ext-0.2.0.tar.gz": "an earlier sdist lying in the project",
      ...extra,
    });
    return dir;
  }

  it("takes the crate's files from cargo's include list, plus readme and license", async () => {
    const dir = simpleProject(freshDir("sdist-simple"));
    const r = await buildSdist({ cwd: dir, outDir: join(dir, "dist"), env });
    expect(r.path).toBe(join(dir, "dist/simple_ext-0.3.0.tar.gz"));
    expect(r.projectRel).toBe("");
    expect(tarList(r.path)).toEqual(
      ["Cargo.toml", "LICENSE.txt", "PKG-INFO", "README.md", "data/keep.txt", "pyproject.toml", "src/lib.rs"].map((p) => "simple_ext-0.3.0/" + p),
    );
    // the output folder inside the project is never packed, even on a second run
    const again = await buildSdist({ cwd: dir, outDir: join(dir, "dist"), env });
    expect(tarList(again.path)).toEqual(tarList(r.path));
    expect(await wheelFromSdist(r.path)).toContain("simple_ext/simple_ext.cpython-311-x86_64-linux-gnu.so");
  });

  it("carries the files a .cargo/config.toml includes, so a build from the sdist gets the same configuration", async () => {
    const dir = simpleProject(freshDir("sdist-simple"), {
      ".cargo/config.toml": 'include = ["flags.toml", { path = "absent.toml", optional = true }]\n',
      // the crate refuses to compile without the included file's cfg: a build from an sdist without it fails
      ".cargo/flags.toml": '[build]\nrustflags = ["--cfg", "from_include", "--check-cfg", "cfg(from_include)"]\n',
      "src/lib.rs": `${extensionSource("simple_ext", "3")}\n#[cfg(not(from_include))]\ncompile_error!("built without .cargo/flags.toml");\n`,
    });
    const r = await buildSdist({ cwd: dir, outDir: freshDir("sdist-out"), env });
    expect(tarList(r.path)).toEqual(
      [".cargo/config.toml", ".cargo/flags.toml", "Cargo.toml", "LICENSE.txt", "PKG-INFO", "README.md", "data/keep.txt", "pyproject.toml", "src/lib.rs"].map((p) => "simple_ext-0.3.0/" + p),
    );
    expect(await wheelFromSdist(r.path)).toContain("simple_ext/simple_ext.cpython-311-x86_64-linux-gnu.so");
  });

  it("keeps an unchanged sdist (same bytes as a rewrite) and writes it again after any change", async () => {
    const dir = simpleProject(freshDir("sdist-simple"));
    const out = freshDir("sdist-keep");
    // inode and times: a rewrite through a temporary name may get the inode number a removed file had
    const ino = (p: string) => {
      const st = statSync(p, { bigint: true });
      return `${st.ino}:${st.mtimeNs}:${st.ctimeNs}`;
    };
    const first = await buildSdist({ cwd: dir, outDir: out, env, epoch: 1700000000 });
    const kept = await buildSdist({ cwd: dir, outDir: out, env, epoch: 1700000000 });
    expect(ino(kept.path)).toBe(ino(first.path)); // not rewritten
    const fresh = await buildSdist({ cwd: dir, outDir: freshDir("sdist-fresh"), env, epoch: 1700000000 });
    expect(readFileSync(kept.path).equals(readFileSync(fresh.path))).toBe(true);
    // another epoch, an edited source, an edited readme (PKG-INFO), a removed archive: written again
    const changes: Array<() => void> = [
      () => writeFileSync(join(dir, "src/lib.rs"), readFileSync(join(dir, "src/lib.rs"), "utf8") + "// edited\n"),
      () => writeFileSync(join(dir, "README.md"), "simple, edited\n"),
      () => rmSync(first.path),
    ];
    let before = ino(first.path);
    const again = await buildSdist({ cwd: dir, outDir: out, env, epoch: 1700000001 });
    expect(ino(again.path)).not.toBe(before);
    for (const change of changes) {
      before = existsSync(first.path) ? ino(first.path) : "-";
      change();
      const r = await buildSdist({ cwd: dir, outDir: out, env, epoch: 1700000001 });
      expect(ino(r.path)).not.toBe(before);
      const check = await buildSdist({ cwd: dir, outDir: freshDir("sdist-fresh"), env, epoch: 1700000001 });
      expect(readFileSync(r.path).equals(readFileSync(check.path))).toBe(true);
    }
  });

  it("loads the config once and keeps its bytes: same input and epoch, the archive pinned here", async () => {
    const dir = simpleProject(freshDir("sdist-simple"));
    const before = projectConfigLoads();
    const r = await buildSdist({ cwd: dir, outDir: freshDir("sdist-out"), env, epoch: 1700000000 });
    expect(projectConfigLoads() - before).toBe(1);
    const gz = readFileSync(r.path);
    // gzip header: deflate, no name, MTIME 0, best compression, OS unknown
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
    // The tar inside, byte for byte, and the .tar.gz as written before the writer was reworked
    // (should a Node upgrade change zlib's deflate output, only the second line would change).
    const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    // (re-pinned for issue 21's PKG-INFO: Description-Content-Type text/markdown; charset=UTF-8; variant=GFM)
    expect(sha256(gunzipSync(gz))).toBe("9dc2d8945c6325ea257017285f6c65fdbc27f453b995b0e92fb7b0b86dfeef70");
    expect(sha256(gz)).toBe("07ffef4a9df0c4d1b603b138804f28f7c1cd48aad0bd10c80dff1bee68942c15");
  });

  it("honours [tool.pyts-build] include/exclude entries marked for the sdist", async () => {
    const dir = simpleProject(freshDir("sdist-simple"), {
      "pyproject.toml":
        '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "simple-ext"\nversion = "0.3.0"\n\n' +
        '[tool.pyts-build]\ninclude = [{ path = "extra/**/*", format = "sdist" }, { path = "wheel-only.txt", format = "wheel" }]\nexclude = [{ path = "data/keep.txt", format = "sdist" }]\n',
      "extra/a/b.txt": "extra\n",
      "wheel-only.txt": "only for wheels\n",
    });
    const r = await buildSdist({ cwd: dir, outDir: freshDir("sdist-out"), env });
    expect(tarList(r.path)).toEqual(
      // README.md: cargo lists a crate's README.md by itself
      ["Cargo.toml", "LICENSE.txt", "PKG-INFO", "README.md", "extra/a/b.txt", "pyproject.toml", "src/lib.rs"].map((p) => "simple_ext-0.3.0/" + p),
    );
    expect(await wheelFromSdist(r.path)).toContain("simple_ext/simple_ext.cpython-311-x86_64-linux-gnu.so");
  });

  it("in a git checkout takes cargo's git view (tracked and untracked, .gitignore applied by git)", async () => {
    const dir = simpleProject(freshDir("sdist-git"), {
      "Cargo.toml": '[package]\nname = "simple-ext"\nversion = "0.3.0"\nedition = "2021"\n\n[lib]\nname = "simple_ext"\ncrate-type = ["cdylib"]\n',
      ".gitignore": "target/\n/dist/\n*.tar.gz\nscratch/\n",
      "scratch/notes.txt": "ignored by git\n",
    });
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "core.excludesFile=/dev/null", ...args], { cwd: dir, stdio: "pipe" });
    git("init", "-q", ".");
    git("add", ".");
    git("commit", "-qm", "init");
    writeTree(dir, { "src/new_untracked.rs": "// untracked but not ignored\n" });
    const r = await buildSdist({ cwd: dir, outDir: freshDir("sdist-out"), env });
    expect(tarList(r.path)).toEqual(
      [".gitignore", "Cargo.toml", "LICENSE.txt", "PKG-INFO", "README.md", "data/keep.txt", "data/skip.bin", "pyproject.toml", "src/lib.rs", "src/new_untracked.rs"].map(
        (p) => "simple_ext-0.3.0/" + p,
      ),
    );
    expect(await wheelFromSdist(r.path)).toContain("simple_ext/simple_ext.cpython-311-x86_64-linux-gnu.so");
  });
});

describe("sdist errors leave no tarball", () => {
  async function expectNoTarball(dir: string, out: string, re: RegExp): Promise<void> {
    await expect(buildSdist({ cwd: dir, outDir: out, env })).rejects.toThrow(re);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }

  it("a path dependency that does not exist", async () => {
    const fx = workspaceFixture(freshDir("sdist-bad"));
    writeTree(fx.project, {
      "Cargo.toml": readFileSync(join(fx.project, "Cargo.toml"), "utf8") + 'gone = { path = "../../nowhere/gone" }\n',
    });
    const err = await buildSdist({ cwd: fx.project, outDir: join(fx.project, "out"), env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/path dependency "gone" points at .*nowhere\/gone, which holds no Cargo.toml/);
    expect((err as Error).message).not.toContain("\n");
    expect(existsSync(join(fx.project, "out"))).toBe(false);
  });

  it("a readme that does not exist", async () => {
    const fx = workspaceFixture(freshDir("sdist-bad"));
    writeTree(fx.project, { "pyproject.toml": readFileSync(join(fx.project, "pyproject.toml"), "utf8").replace('readme = "../README.md"', 'readme = "MISSING.md"') });
    await expectNoTarball(fx.project, freshDir("sdist-out"), /MISSING\.md/);
  });

  it("a version that is not PEP 440", async () => {
    const fx = workspaceFixture(freshDir("sdist-bad"));
    writeTree(fx.project, {
      "pyproject.toml": readFileSync(join(fx.project, "pyproject.toml"), "utf8").replace('dynamic = ["version", "license"]', 'version = "1.0-banana"\ndynamic = ["license"]'),
    });
    await expectNoTarball(fx.project, freshDir("sdist-out"), /1\.0-banana/);
  });

  it("a pyproject.toml without a build backend", async () => {
    const fx = workspaceFixture(freshDir("sdist-bad"));
    writeTree(fx.project, { "pyproject.toml": readFileSync(join(fx.project, "pyproject.toml"), "utf8").replace(/\[build-system\][^[]*/, "") });
    await expectNoTarball(fx.project, freshDir("sdist-out"), /build-backend is not set/);
  });
});

describe("sdist keeps to its root folder", () => {
  /** outer/secret.txt beside outer/proj (a single crate: the sdist's root is proj/). */
  function project(extraPyproject = "", files: Record<string, string> = {}): { outer: string; dir: string } {
    const outer = freshDir("sdist-outside");
    const dir = join(outer, "proj");
    writeTree(outer, { "secret.txt": "not the project's\n", "other/pkg/__init__.py": "" });
    writeTree(dir, {
      "pyproject.toml": `[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "keep-in"\nversion = "0.1.0"\n${extraPyproject}`,
      "Cargo.toml": '[package]\nname = "keep-in"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nname = "keep_in"\ncrate-type = ["cdylib"]\n',
      "src/lib.rs": extensionSource("keep_in", "1"),
      ...files,
    });
    return { outer, dir };
  }

  async function refused(dir: string, re: RegExp): Promise<void> {
    const out = freshDir("sdist-out");
    const err = await buildSdist({ cwd: dir, outDir: out, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain("\n");
    expect(readdirSync(out)).toEqual([]);
  }

  it("python-source above the project: only the module's package comes from there (never the whole enclosing folder)", async () => {
    const { dir } = project('\n[tool.pyts-build]\npython-source = ".."\nmodule-name = "other.keep_in"\n');
    const r = await buildSdist({ cwd: dir, outDir: freshDir("sdist-out"), env });
    // the root widens to hold other/ (maturin 1.14+ does the same); proj/pyproject.toml keeps python-source = ".." valid
    expect(tarList(r.path)).toEqual(["PKG-INFO", "other/pkg/__init__.py", "proj/Cargo.toml", "proj/pyproject.toml", "proj/src/lib.rs", "pyproject.toml"].map((p) => "keep_in-0.1.0/" + p));
    expect(r.projectRel).toBe("proj");
  });

  it("copies a readme the project names outside beside the manifest naming it (pyproject.toml or Cargo.toml, reference rewritten); refuses license-files globs outside", async () => {
    const r = await buildSdist({ cwd: project('readme = "../secret.txt"\n').dir, outDir: freshDir("sdist-out"), env });
    expect(tarList(r.path)).toEqual(["Cargo.toml", "PKG-INFO", "pyproject.toml", "secret.txt", "src/lib.rs"].map((p) => "keep_in-0.1.0/" + p));
    const top = freshDir("sdist-unpacked");
    unpack(r.path, top);
    expect(readFileSync(join(top, "keep_in-0.1.0/pyproject.toml"), "utf8")).toMatch(/^# Written by pyts-build sdist: project\.readme named a file outside the project[^\n]*\n[^]*readme = "secret\.txt"/);
    expect(loadProjectConfig({ cwd: join(top, "keep_in-0.1.0") }).metadata.description?.body).toBe("not the project's\n");
    // the same for Cargo.toml's readme (cargo package does it too): beside Cargo.toml, package.readme rewritten
    const c = project('dynamic = ["readme"]\n', { "Cargo.toml": '[package]\nname = "keep-in"\nversion = "0.1.0"\nedition = "2021"\nreadme = "../secret.txt"\n\n[lib]\nname = "keep_in"\ncrate-type = ["cdylib"]\n' });
    const rc = await buildSdist({ cwd: c.dir, outDir: freshDir("sdist-out"), env });
    expect(tarList(rc.path)).toContain("keep_in-0.1.0/secret.txt");
    const topC = freshDir("sdist-unpacked");
    unpack(rc.path, topC);
    expect(readFileSync(join(topC, "keep_in-0.1.0/Cargo.toml"), "utf8")).toMatch(/^# Written by pyts-build sdist: package\.readme named [^]*readme = "secret\.txt"/);
    expect(loadProjectConfig({ cwd: join(topC, "keep_in-0.1.0") }).metadata.description?.body).toBe("not the project's\n");
    await refused(project('license-files = ["../secret.txt"]\n').dir, /license file .*secret\.txt is outside/);
    await refused(project('\n[tool.pyts-build]\ninclude = [{ path = "../secret.txt", format = "sdist" }]\n').dir, /include\[0\]\.path "\.\.\/secret\.txt" must not contain `\.\.`/);
  });

  it("refuses a symlink that leaves the root; leaves out a broken one", async () => {
    const a = project();
    symlinkSync("/etc/passwd", join(a.dir, "src/x.rs"));
    await refused(a.dir, /src\/x\.rs is a symlink to \/etc\/passwd, outside the folder the sdist stands for/);
    const b = project();
    symlinkSync(join(b.outer, "secret.txt"), join(b.dir, "NOTES.md"));
    await refused(b.dir, /NOTES\.md is a symlink to .*secret\.txt, outside/);
    const c = project();
    symlinkSync(join(c.dir, "gone.rs"), join(c.dir, "src/dangling.rs"));
    const r = await buildSdist({ cwd: c.dir, outDir: freshDir("sdist-out"), env });
    expect(tarList(r.path)).toEqual(["Cargo.toml", "PKG-INFO", "pyproject.toml", "src/lib.rs"].map((p) => "keep_in-0.1.0/" + p));
  });

  it("stores a symlink inside the root as the file it points to", async () => {
    const { dir } = project("", { "shared/consts.rs": "pub const X: i64 = 7;\n" });
    symlinkSync("../shared/consts.rs", join(dir, "src/consts.rs"));
    const r = await buildSdist({ cwd: dir, outDir: freshDir("sdist-out"), env });
    expect(tarList(r.path)).toContain("keep_in-0.1.0/src/consts.rs");
    const x = freshDir("sdist-unpack");
    unpack(r.path, x);
    const stored = join(x, "keep_in-0.1.0/src/consts.rs");
    expect(lstatSync(stored).isFile()).toBe(true);
    expect(readFileSync(stored, "utf8")).toBe("pub const X: i64 = 7;\n");
  });
});
