/**
 * The no-op replay: bin/pyts-build.js answers a `wheel` command from the note
 * src/cli/replay.ts recorded while every path the recorded run looked at is
 * unchanged. Real CLI (the CommonJS bundle), real cargo, the ffi-min fixture.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startReplayTrace } from "../../src/cli/replay.js";
import { CLI, cpython, freshDir, py as runPy, ROOT, testEnv } from "../helpers/env.js";
import { dateBack, ffiMinAnswer } from "../helpers/ffi-min.js";

describe("startReplayTrace", () => {
  it("records nothing where its wrappers do not reach the code (ES modules bind node:fs at load)", () => {
    const d = freshDir("replay-unit");
    const trace = startReplayTrace({ key: "k", file: join(d, "note.json") });
    expect(trace?.finish(0)).toMatch(/cannot be traced/);
    expect(existsSync(join(d, "note.json"))).toBe(false);
  });
  it("is off unless bin asked for it", () => {
    expect(startReplayTrace(undefined)).toBeUndefined();
  });
});

const python = cpython("3.11") ?? cpython("3.12");


describe.skipIf(!python)("pyts-build wheel replays a no-op (real CLI and cargo, ffi-min)", () => {
  const d = freshDir("replay");
  const crate = join(d, "crate");
  cpSync(join(ROOT, "test/fixtures/ffi-min"), crate, { recursive: true });
  dateBack(crate);
  const log = join(d, "replay.log");
  const out = join(d, "out");
  const env = testEnv({ CARGO_TARGET_DIR: join(d, "target"), PYTS_BUILD_CACHE_DIR: join(d, "cache"), PYTS_BUILD_REPLAY_LOG: log });
  const replays = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("replayed")).length : 0);
  type Run = { replayed: boolean; stdout: string; stderr: string };
  const cli = (args: string[], extraEnv: Record<string, string> = {}): Run => {
    const before = replays();
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: crate, env: { ...env, ...extraEnv }, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return { replayed: replays() > before, stdout: r.stdout, stderr: r.stderr };
  };
  const wheel = (extraEnv: Record<string, string> = {}, args: string[] = []) => cli(["wheel", "-i", python as string, "-o", out, ...args], extraEnv);
  /**
   * Builds until one is replayed: cargo runs, then a build records, then one replays. Nothing
   * is recorded while an input is younger than 2 s (coarse file clocks), so edits are dated
   * back and the notes the last run wrote are waited for.
   */
  const settleWith = (run: () => Run) => {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const r = run();
      runs.push(r);
      if (r.replayed) return runs;
      dateBack(crate);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    }
    throw new Error(`never replayed:\n${readFileSync(log, "utf8")}`);
  };
  const settle = (extraEnv: Record<string, string> = {}, args: string[] = []) => settleWith(() => wheel(extraEnv, args));
  const answer = (wheel: string) => ffiMinAnswer(python as string, wheel, d);

  const edit = (rel: string, from: string, to: string) => {
    const f = join(crate, rel);
    writeFileSync(f, readFileSync(f, "utf8").replace(from, to));
  };

  it("prints what the recorded run printed, in the same order", () => {
    const runs = settle();
    // the first build started cargo: the tracer saw it (through the bundle's lazy child_process too) and kept no note
    expect(readFileSync(log, "utf8")).toMatch(/^not recorded: the run changed something: spawn\(/m);
    const [recorded, replayed] = runs.slice(-2);
    expect(recorded!.replayed).toBe(false);
    expect(replayed!.stdout).toBe(recorded!.stdout);
    expect(replayed!.stderr).toBe(recorded!.stderr);
    expect(replayed!.stdout.trim()).toMatch(/ffi_min-0\.2\.0-cp3\d+-cp3\d+-.*\.whl$/);
    expect(answer(replayed!.stdout.trim())).toBe("42");
    // --json and -q are other commands with their own notes; each one's write probe of the output folder
    // leaves the others' notes valid (the folder only has to be the same one)
    const json = settle({}, ["--json"]).pop()!;
    expect(JSON.parse(json.stdout)[0].path).toBe(replayed!.stdout.trim());
    settle({}, ["-q"]);
    expect(wheel().replayed).toBe(true);
    expect(wheel({}, ["--json"]).replayed).toBe(true);
  }, 240_000);

  it("does not replay after a source edit: the wheel has the new code", () => {
    settle();
    edit("src/lib.rs", "const ANSWER: c_long = 40", "const ANSWER: c_long = 60");
    const r = wheel();
    expect(r.replayed).toBe(false);
    expect(answer(r.stdout.trim())).toBe("62");
    edit("src/lib.rs", "const ANSWER: c_long = 60", "const ANSWER: c_long = 40");
    expect(answer(wheel().stdout.trim())).toBe("42");
  }, 240_000);

  it("a crate that warns is replayed too, with cargo's warnings as the recorded run printed them", () => {
    edit("src/lib.rs", "use std::ptr;", "use std::ptr;\nfn unused_helper() {}");
    const runs = settle();
    const [recorded, replayed] = runs.slice(-2);
    // the recorded run started no cargo (else nothing would have been recorded) and printed the warning
    expect(recorded!.stderr).toContain("warning: function `unused_helper` is never used");
    expect(replayed!.stderr).toBe(recorded!.stderr);
    edit("src/lib.rs", "\nfn unused_helper() {}", "");
    expect(wheel().stderr).not.toContain("unused_helper");
  }, 240_000);

  it("does not replay after a metadata edit, a removed wheel, or in another environment", () => {
    settle();
    edit("README.md", "", "A new first line.\n");
    const meta = wheel();
    expect(meta.replayed).toBe(false);
    const whl = meta.stdout.trim();
    const metadata = runPy(python as string, `import zipfile; z = zipfile.ZipFile(${JSON.stringify(whl)}); print(z.read("ffi_min-0.2.0.dist-info/METADATA").decode())`);
    expect(metadata).toContain("A new first line.");

    settle();
    rmSync(whl);
    const again = wheel();
    expect(again.replayed).toBe(false);
    expect(existsSync(whl)).toBe(true);

    settle();
    expect(wheel({ SOME_BUILD_SETTING: "1" }).replayed).toBe(false);
  }, 240_000);

  it("does not record a run during which an input was rewritten with its old mtime (cp -p; driven by a hook, not timing)", () => {
    settle();
    rmSync(join(d, "cache", "replay"), { recursive: true }); // the next run is a recording no-op, not a replay
    const readme = join(crate, "README.md");
    const rewritten = join(d, "README.rewritten");
    writeFileSync(rewritten, readFileSync(readme, "utf8") + "Rewritten while a build ran.\n");
    const old = statSync(readme).mtime;
    utimesSync(rewritten, old, old);
    // PYTS_BUILD_REPLAY_HOOK runs after the run's work, before its note is judged: README.md gets new
    // content with the mtime it had (as cp -p, rsync -a and tar x leave it)
    const raced = wheel({ PYTS_BUILD_REPLAY_HOOK: `cp -p '${rewritten}' '${readme}'` });
    expect(raced.replayed).toBe(false);
    expect(statSync(readme).mtimeMs).toBe(statSync(rewritten).mtimeMs); // the mtime kept
    expect(readFileSync(log, "utf8").trim().split("\n").pop()).toMatch(/^not recorded: .*README\.md changed/);
    const next = wheel();
    expect(next.replayed).toBe(false);
    const whl = next.stdout.trim();
    const metadata = runPy(python as string, `import zipfile; z = zipfile.ZipFile(${JSON.stringify(whl)}); print(z.read("ffi_min-0.2.0.dist-info/METADATA").decode())`);
    expect(metadata).toContain("Rewritten while a build ran.");
  }, 240_000);

  it.skipIf(!cpython("3.11") || !cpython("3.12"))("a version manager's shim: its runs are not recorded, and a switched selection builds for the new Python", () => {
    const selected = join(d, "selected-python");
    const shim = join(d, "shims", "python3");
    mkdirSync(join(d, "shims"), { recursive: true });
    // a wrapper script that never changes while the Python it runs does (asdf/pyenv style)
    writeFileSync(shim, `#!/bin/sh\nexec "$(cat '${selected}')" "$@"\n`, { mode: 0o755 });
    writeFileSync(selected, cpython("3.11") as string);
    const viaShim = () => cli(["wheel", "-i", shim, "-o", out]);
    for (let i = 0; i < 3; i++) {
      const r = viaShim();
      expect(r.replayed).toBe(false);
      expect(r.stdout.trim()).toMatch(/-cp311-cp311-/);
      dateBack(crate);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    }
    expect(readFileSync(log, "utf8").trim().split("\n").pop()).toMatch(/^not recorded: the run changed something: spawn\(/);
    writeFileSync(selected, cpython("3.12") as string);
    const switched = viaShim();
    expect(switched.replayed).toBe(false);
    expect(switched.stdout.trim()).toMatch(/-cp312-cp312-/);
    expect(ffiMinAnswer(cpython("3.12") as string, switched.stdout.trim(), d)).toBe("42");
  }, 240_000);

  it("a replay into a reader that went away (`| true`) ends with status 0 and no stack", () => {
    settle();
    const before = replays();
    const cmd = [process.execPath, CLI, "wheel", "-i", python as string, "-o", out].map((a) => `'${a}'`).join(" ");
    // stdin not a socket (node's default pipe is one): bash, started with a low SHLVL, would take that for rshd and read
    // ~/.bashrc, whose changes to the environment (e.g. pyenv's PATH) would make this another command
    const r = spawnSync("bash", ["-c", `set -o pipefail; ${cmd} | true`], { cwd: crate, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(replays()).toBe(before + 1);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\bat /);
  }, 240_000);

  it("a note it cannot read (cut short, an older format) means a normal build", () => {
    settle();
    const notes = join(d, "cache", "replay");
    for (const f of readdirSync(notes)) writeFileSync(join(notes, f), '{"key": ');
    const r = wheel();
    expect(r.replayed).toBe(false);
    expect(answer(r.stdout.trim())).toBe("42");
  }, 240_000);

  it("replays an unchanged sdist too, and not after an edit", () => {
    const sdist = () => cli(["sdist", "-o", join(d, "sdist")]);
    const last = settleWith(sdist).pop()!;
    expect(last.replayed).toBe(true);
    const archive = last.stdout.trim();
    expect(archive).toMatch(/ffi_min-0\.2\.0\.tar\.gz$/);
    edit("src/lib.rs", "const ANSWER: c_long = 40", "const ANSWER: c_long = 41");
    const edited = sdist();
    expect(edited.replayed).toBe(false);
    const lib = spawnSync("tar", ["-xzOf", archive, "ffi_min-0.2.0/src/lib.rs"], { encoding: "utf8" }).stdout;
    expect(lib).toContain("const ANSWER: c_long = 41");
    edit("src/lib.rs", "const ANSWER: c_long = 41", "const ANSWER: c_long = 40");
  }, 240_000);

  it("an sdist is not replayed after a file a .cargo/config.toml includes changes, or an optional include appears", () => {
    const sdist = () => cli(["sdist", "-o", join(d, "sdist-inc")]);
    const member = (archive: string, m: string) => spawnSync("tar", ["-xzOf", archive, `ffi_min-0.2.0/${m}`], { encoding: "utf8" });
    mkdirSync(join(crate, ".cargo"), { recursive: true });
    writeFileSync(join(crate, ".cargo/config.toml"), 'include = ["flags.toml", { path = "later.toml", optional = true }]\n');
    writeFileSync(join(crate, ".cargo/flags.toml"), "[env]\nFFI_MIN_FLAG = \"one\"\n");
    try {
      expect(settleWith(sdist).pop()!.replayed).toBe(true);
      writeFileSync(join(crate, ".cargo/flags.toml"), "[env]\nFFI_MIN_FLAG = \"two\"\n");
      const changed = sdist();
      expect(changed.replayed).toBe(false);
      expect(member(changed.stdout.trim(), ".cargo/flags.toml").stdout).toContain('"two"');
      expect(settleWith(sdist).pop()!.replayed).toBe(true);
      writeFileSync(join(crate, ".cargo/later.toml"), "[env]\nFFI_MIN_LATER = \"1\"\n");
      const appeared = sdist();
      expect(appeared.replayed).toBe(false);
      expect(member(appeared.stdout.trim(), ".cargo/later.toml").status).toBe(0);
    } finally {
      rmSync(join(crate, ".cargo"), { recursive: true, force: true });
    }
  }, 240_000);

  it("never records through the ES module bundle (not traced)", () => {
    for (let i = 0; i < 3; i++) expect(wheel({ PYTS_BUILD_NO_CODE_CACHE: "1" }).replayed).toBe(false);
  }, 240_000);
});

describe.skipIf(!python)("pyts-build wheel: a build script watching a variable the replay's key leaves out (real CLI and cargo)", () => {
  it("such a run is never recorded, so a changed value builds again", () => {
    const d = freshDir("replay-unkeyed");
    const crate = join(d, "crate");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), crate, { recursive: true });
    // SHLVL is shell bookkeeping: neither the replay's key nor cargo-fresh's environment key holds it
    writeFileSync(
      join(crate, "build.rs"),
      'fn main() { println!("cargo:rerun-if-changed=build.rs"); println!("cargo:rerun-if-env-changed=SHLVL"); if std::env::var("SHLVL").as_deref() == Ok("2") { println!("cargo:rustc-cfg=ffi_min_extra"); } }\n',
    );
    dateBack(crate);
    const log = join(d, "replay.log");
    const env = testEnv({ CARGO_TARGET_DIR: join(d, "target"), PYTS_BUILD_CACHE_DIR: join(d, "cache"), PYTS_BUILD_REPLAY_LOG: log });
    const replays = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("replayed")).length : 0);
    const wheel = (shlvl: string) => {
      const r = spawnSync(process.execPath, [CLI, "wheel", "-i", python as string, "-o", join(d, "out")], { cwd: crate, env: { ...env, SHLVL: shlvl }, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    for (let i = 0; i < 4; i++) {
      expect(ffiMinAnswer(python as string, wheel("1"), d)).toBe("42");
      dateBack(crate);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    }
    expect(replays()).toBe(0);
    expect(readFileSync(log, "utf8")).toMatch(/^not recorded: the run depends on SHLVL, which the key leaves out$/m);
    expect(ffiMinAnswer(python as string, wheel("2"), d)).toBe("142");
  }, 240_000);
});
