import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSdist } from "../../../src/build/sdist/build-sdist.js";
import { cargoFileAnswers } from "../../../src/build/cargo/cargo-files-cache.js";
import { freshDir, testEnv } from "../../helpers/env.js";
import { writeTree } from "../sdist/sdist-fixtures.js";

/**
 * A project (crate + pyproject) in its own folder, a cargo that logs each call
 * (then runs the real one), and a private user cache. Everything is dated a
 * minute back, as an untouched project would be: an answer is remembered only
 * when no input changed within 2 s of cargo's start.
 */
function setup(extra: Record<string, string> = {}) {
  const base = freshDir("sdist-cache");
  const dir = join(base, "proj");
  writeTree(dir, {
    "pyproject.toml": '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "cached"\nversion = "0.1.0"\n',
    "Cargo.toml": '[package]\nname = "cached"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n',
    "src/lib.rs": "mod other;\n",
    "src/other.rs": "\n",
    "data/a.txt": "a\n",
    ...extra,
  });
  mkdirSync(join(dir, "target")); // built before, as a project usually is (cargo makes it on its first run)
  const log = join(base, "cargo.log");
  const cargo = join(base, "logging-cargo.sh");
  writeFileSync(cargo, `#!/bin/sh\necho "$1" >> "${log}"\nexec cargo "$@"\n`);
  chmodSync(cargo, 0o755);
  const env = testEnv({ CARGO: cargo, PYTS_BUILD_CACHE_DIR: join(base, "cache") });
  const out = join(base, "out");
  return {
    base,
    dir,
    env,
    /** How many times cargo ran so far. */
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").length : 0),
    /** The sdist's members below its top folder. */
    sdist: async (e: NodeJS.ProcessEnv = env) => {
      const r = await buildSdist({ cwd: dir, outDir: out, env: e });
      return tarList(r.path);
    },
    git: (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: dir, stdio: "pipe" }),
    backdate: () => backdate(base),
  };
}

function tarList(archive: string): string[] {
  const names = execFileSync("tar", ["-tzf", archive], { encoding: "utf8" }).trim().split("\n");
  return names.map((n) => n.replace(/^[^/]+\//, "")).sort();
}

/** Every file and folder below `dir` a minute old (utimes moves no folder's own mtime). */
function backdate(dir: string): void {
  const t = new Date(Date.now() - 60_000);
  const visit = (p: string) => {
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    utimesSync(p, t, t);
  };
  visit(dir);
}

const BASE = ["Cargo.toml", "PKG-INFO", "data/a.txt", "pyproject.toml", "src/lib.rs", "src/other.rs"];

/** Records an answer, checks it is reused (no cargo), and returns the number of cargo calls so far. */
async function recorded(p: ReturnType<typeof setup>, expected: string[] = BASE): Promise<number> {
  p.backdate();
  expect(await p.sdist()).toEqual(expected);
  const n = p.calls();
  expect(n).toBe(2); // cargo metadata and cargo package --list
  expect(await p.sdist()).toEqual(expected);
  expect(p.calls()).toBe(n);
  return n;
}

describe("sdist: cargo's answers remembered", () => {
  it("an unchanged project asks cargo once; the answer is kept in the user cache, not the project", async () => {
    const p = setup();
    await recorded(p);
    expect(await p.sdist()).toEqual(BASE);
    expect(p.calls()).toBe(2);
    expect(readdirSync(join(p.base, "cache", "sdist-cargo"))).toHaveLength(1);
    expect(readdirSync(p.dir).sort()).toEqual(["Cargo.toml", "data", "pyproject.toml", "src", "target"]);
  });

  it("a new source file is seen", async () => {
    const p = setup();
    const n = await recorded(p);
    writeFileSync(join(p.dir, "src", "new.rs"), "\n");
    expect(await p.sdist()).toEqual([...BASE, "src/new.rs"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("a deleted source file is seen", async () => {
    const p = setup();
    const n = await recorded(p);
    unlinkSync(join(p.dir, "src", "other.rs"));
    expect(await p.sdist()).toEqual(BASE.filter((f) => f !== "src/other.rs"));
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("a file in a new subfolder is seen", async () => {
    const p = setup();
    const n = await recorded(p);
    writeTree(p.dir, { "src/deep/er/mod.rs": "\n" });
    expect(await p.sdist()).toEqual([...BASE, "src/deep/er/mod.rs"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("an edited include/exclude in Cargo.toml is seen", async () => {
    const p = setup();
    const n = await recorded(p);
    const manifest = join(p.dir, "Cargo.toml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("[lib]", 'exclude = ["data/*"]\n\n[lib]'));
    expect(await p.sdist()).toEqual(BASE.filter((f) => f !== "data/a.txt"));
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("an edited file that cargo's configuration includes asks cargo again", async () => {
    // (a file outside the project: cargo includes it relative to the including file's folder)
    const p = setup({ ".cargo/config.toml": 'include = ["../../extra.toml"]\n', "../extra.toml": "" });
    const n = await recorded(p, [...BASE, ".cargo/config.toml"].sort());
    writeFileSync(join(p.base, "extra.toml"), "[term]\nverbose = false\n");
    await p.sdist();
    expect(p.calls()).toBe(n + 2);
  });

  it("a changed environment variable asks cargo again", async () => {
    const p = setup();
    const n = await recorded(p);
    expect(await p.sdist({ ...p.env, SOME_UNRELATED_SETTING: "1" })).toEqual(BASE);
    expect(p.calls()).toBe(n + 2);
  });

  it("PYTS_BUILD_ALWAYS_RUN_CARGO=1 asks cargo every time", async () => {
    const p = setup();
    const n = await recorded(p);
    const always = { ...p.env, PYTS_BUILD_ALWAYS_RUN_CARGO: "1" };
    expect(await p.sdist(always)).toEqual(BASE);
    expect(await p.sdist(always)).toEqual(BASE);
    expect(p.calls()).toBe(n + 4);
  });

  it("remembers nothing when an input changed within 2 s of cargo's start", async () => {
    const p = setup();
    p.backdate();
    // dated ahead, so it counts as just edited however slow the machine is
    const ahead = new Date(Date.now() + 60_000);
    utimesSync(join(p.dir, "Cargo.toml"), ahead, ahead);
    expect(await p.sdist()).toEqual(BASE);
    expect(await p.sdist()).toEqual(BASE);
    expect(p.calls()).toBe(4);
  });
});

/** A project in a git checkout (everything committed); cargo then lists tracked and untracked-not-ignored files. */
async function gitProject(extra: Record<string, string> = {}, expected: string[] = []) {
  const p = setup({ ".gitignore": "target/\nscratch/\n", "scratch/notes.txt": "ignored\n", ...extra });
  p.git("init", "-q", ".");
  p.git("add", ".");
  p.git("commit", "-qm", "init");
  const n = await recorded(p, [".gitignore", ...BASE, ...expected].sort());
  return { p, n };
}

describe("sdist: cargo's answers in a git checkout", () => {

  it("an edited .gitignore is seen", async () => {
    const { p, n } = await gitProject();
    writeFileSync(join(p.dir, ".gitignore"), "target/\n");
    expect(await p.sdist()).toEqual([".gitignore", ...BASE, "scratch/notes.txt"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("an edited .gitignore in a subfolder is seen", async () => {
    const { p, n } = await gitProject({ "data/.gitignore": "b.txt\n", "data/b.txt": "b\n" }, ["data/.gitignore"]);
    writeFileSync(join(p.dir, "data", ".gitignore"), "# b.txt no more\n");
    expect(await p.sdist()).toEqual([".gitignore", ...BASE, "data/.gitignore", "data/b.txt"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("`git add` of an ignored file (only the index changes) is seen", async () => {
    const { p, n } = await gitProject();
    p.git("add", "-f", "scratch/notes.txt");
    expect(await p.sdist()).toEqual([".gitignore", ...BASE, "scratch/notes.txt"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("a new untracked file is seen", async () => {
    const { p, n } = await gitProject();
    writeFileSync(join(p.dir, "src", "untracked.rs"), "\n");
    expect(await p.sdist()).toEqual([".gitignore", ...BASE, "src/untracked.rs"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("an edited global excludes file (core.excludesFile, set in an included git config) is seen", async () => {
    const p = setup({ "secret.txt": "not for git\n" });
    const xdg = join(p.base, "xdg");
    writeTree(xdg, { "git/config": "[include]\n\tpath = more.inc\n", "git/more.inc": `[core]\n\texcludesFile = ${join(p.base, "my-ignore")} # ours\n` });
    writeFileSync(join(p.base, "my-ignore"), "secret.txt\n");
    p.env.XDG_CONFIG_HOME = xdg;
    p.git("init", "-q", ".");
    p.git("add", "Cargo.toml", "src");
    p.git("commit", "-qm", "init");
    const n = await recorded(p);
    writeFileSync(join(p.base, "my-ignore"), "nothing.txt\n");
    expect(await p.sdist()).toEqual([...BASE, "secret.txt"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("a nested checkout (its own index decides) is never remembered", async () => {
    const p = setup();
    mkdirSync(join(p.dir, "vendored"));
    execFileSync("git", ["init", "-q", "."], { cwd: join(p.dir, "vendored") });
    p.backdate();
    await p.sdist();
    await p.sdist();
    expect(p.calls()).toBe(4);
  });

  it("a symlink to a folder (cargo may list through it) is never remembered", async () => {
    const p = setup();
    mkdirSync(join(p.base, "elsewhere"));
    symlinkSync(join(p.base, "elsewhere"), join(p.dir, "linked"));
    p.backdate();
    await p.sdist();
    await p.sdist();
    expect(p.calls()).toBe(4);
  });
});

describe("sdist: big folders the sdist never carries", () => {
  it("a virtualenv's content is not stamped (no re-ask when it changes), its pyvenv.cfg is", async () => {
    // in git, untracked (so listed by cargo, but dropped by the sdist as a virtualenv)
    const { p, n } = await gitProject();
    writeTree(p.dir, { ".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/lib/site.py": "\n" });
    p.backdate();
    await p.sdist();
    const m = p.calls();
    expect(m).toBe(n + 2);
    writeTree(p.dir, { ".venv/lib/new/pkg.py": "\n" });
    expect(await p.sdist()).toEqual([".gitignore", ...BASE].sort());
    expect(p.calls()).toBe(m);
    rmSync(join(p.dir, ".venv", "pyvenv.cfg"));
    // no longer a virtualenv: cargo lists its files and the sdist carries them
    expect(await p.sdist()).toEqual([".gitignore", ...BASE, ".venv/lib/new/pkg.py", ".venv/lib/site.py"].sort());
    expect(p.calls()).toBeGreaterThan(n);
  });

  it("an output folder inside the project, written by each sdist, does not spoil the answer", async () => {
    const p = setup();
    p.backdate();
    const inside = async () => tarList((await buildSdist({ cwd: p.dir, outDir: join(p.dir, "dist"), env: p.env })).path);
    await inside();
    p.backdate(); // the first sdist made dist/ in the project folder
    await inside();
    const n = p.calls();
    expect(await inside()).toEqual(BASE);
    expect(p.calls()).toBe(n);
  });

  it("a folder that is only .gitignore'd (node_modules) is stamped: a change in it asks cargo again", async () => {
    const p = setup({ ".gitignore": "node_modules/\n", "node_modules/x/index.js": "\n" });
    const n = await recorded(p);
    writeTree(p.dir, { "node_modules/x/lib/more.js": "\n" });
    expect(await p.sdist()).toEqual(BASE);
    expect(p.calls()).toBeGreaterThan(n);
  });
});

describe("cargoFileAnswers", () => {
  it("answers with the crate set and each crate's listing, traced per cargo question", async () => {
    const p = setup();
    p.backdate();
    const asked: string[] = [];
    const o = { env: p.env, cwd: p.dir, cacheDir: join(p.base, "c2"), trace: (w: string) => asked.push(w) };
    const a = await cargoFileAnswers(join(p.dir, "Cargo.toml"), o);
    expect(a.set.crates.map((c) => c.name)).toEqual(["cached"]);
    expect(a.lists[0]).toContain("src/other.rs");
    expect(asked.sort()).toEqual(["metadata", "package-list"]);
    expect(await cargoFileAnswers(join(p.dir, "Cargo.toml"), o)).toEqual(a);
    expect(asked).toHaveLength(2);
  });
});
