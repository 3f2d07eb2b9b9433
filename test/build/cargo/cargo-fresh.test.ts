import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { buildWheels } from "../../../src/build/build-wheel.js";
import { diagnosticLines } from "../../../src/build/cargo/cargo.js";
import { buildScriptWatches, depInfoOf, parseDepInfo } from "../../../src/build/cargo/cargo-fresh.js";
import { which } from "../../../src/fs-util.js";
import { isLocalPackage } from "../../../src/build/cargo/cargo-messages.js";
import { memoryLogger } from "../../../src/log.js";
import { cpython, freshDir, ROOT, testEnv } from "../../helpers/env.js";
import { dateBack, ffiMinAnswer } from "../../helpers/ffi-min.js";

describe("parseDepInfo", () => {
  it("reads the paths after the target, with escaped spaces, over several rules", () => {
    const text = "/t/release/libfoo.so: /src/a\\ b.rs /src/lib.rs\n\n/t/release/libfoo.d: /src/lib.rs /gen/out.rs\n";
    expect(parseDepInfo(text)).toEqual(["/src/a b.rs", "/src/lib.rs", "/gen/out.rs"]);
  });
  it("takes a Windows drive colon as part of the target", () => {
    expect(parseDepInfo("C:/t/foo.dll: C:/src/lib.rs\n")).toEqual(["C:/src/lib.rs"]);
  });
});

describe("depInfoOf", () => {
  it("is the artifact's name without its extension, plus .d", () => {
    expect(depInfoOf("/t/release/libfoo.so")).toBe("/t/release/libfoo.d");
    expect(depInfoOf("/t/release/foo.dll")).toBe("/t/release/foo.d");
    expect(depInfoOf("/t/release/hello")).toBe("/t/release/hello.d");
  });
});

describe("isLocalPackage", () => {
  it("tells path packages from registry ones in both id formats", () => {
    expect(isLocalPackage("path+file:///w/crate#ffi-min@0.2.0")).toBe(true);
    expect(isLocalPackage("ffi-min 0.2.0 (path+file:///w/crate)")).toBe(true);
    expect(isLocalPackage("registry+https://github.com/rust-lang/crates.io-index#libc@0.2.1")).toBe(false);
  });
});

const python = cpython("3.11") ?? cpython("3.12");


describe.skipIf(!python)("buildWheels skips cargo when nothing changed (real cargo, ffi-min)", () => {
  const d = freshDir("cargo-fresh");
  const crate = join(d, "crate");
  cpSync(join(ROOT, "test/fixtures/ffi-min"), crate, { recursive: true });
  dateBack(crate);
  const target = join(d, "target");
  const baseEnv = testEnv({ CARGO_TARGET_DIR: target, PYTS_BUILD_CACHE_DIR: join(d, "cache") });
  const build = async (env: NodeJS.ProcessEnv = baseEnv) => {
    const log = memoryLogger();
    const [w] = await buildWheels({ cwd: crate, env, out: join(d, "out"), interpreters: [python as string], log });
    return { skipped: log.lines.some((l) => l.includes("cargo not run")), lines: log.lines, wheel: w!.path };
  };
  const answer = (wheel: string) => ffiMinAnswer(python as string, wheel, d);
  const notes = () => (existsSync(join(target, "pyts-build", "cargo-runs")) ? readdirSync(join(target, "pyts-build", "cargo-runs")).filter((f) => f.endsWith(".json")) : []);

  const edit = (rel: string, from: string, to: string) => {
    const f = join(crate, rel);
    writeFileSync(f, readFileSync(f, "utf8").replace(from, to));
  };

  it("runs cargo, then skips it; an edited source, a new environment or the opt-out runs it again", async () => {
    expect((await build()).skipped).toBe(false);
    // cargo wrote Cargo.lock just now: that build is not remembered (see below); a build with it dated back is
    dateBack(crate);
    expect((await build()).skipped).toBe(false);
    const second = await build();
    expect(second.skipped).toBe(true);
    expect(answer(second.wheel)).toBe("42");

    // an edited source: cargo runs, and the wheel has the new code
    edit("src/lib.rs", "const ANSWER: c_long = 40", "const ANSWER: c_long = 50");
    const edited = await build();
    expect(edited.skipped).toBe(false);
    expect(answer(edited.wheel)).toBe("52");
    // edited just now: not remembered (a change within the mtime margin could hide), so cargo runs once more
    expect((await build()).skipped).toBe(false);
    dateBack(crate);
    expect((await build()).skipped).toBe(false); // the stamps moved with the new dates: cargo once more
    expect((await build()).skipped).toBe(true);

    // any environment variable, e.g. RUSTFLAGS carrying a cfg
    const flagged = await build({ ...baseEnv, RUSTFLAGS: "--cfg ffi_min_extra" });
    expect(flagged.skipped).toBe(false);
    expect(answer(flagged.wheel)).toBe("152");
    // back: the first environment's note is kept, but the library it names was rebuilt since: cargo runs and rebuilds
    const back = await build();
    expect(back.skipped).toBe(false);
    expect(answer(back.wheel)).toBe("52");

    // the built library replaced behind our back (e.g. by a plain cargo build with other flags)
    const lib = join(target, "debug", "libffi_min.so");
    expect((await build()).skipped).toBe(true);
    writeFileSync(lib, readFileSync(lib));
    expect((await build()).skipped).toBe(false);

    expect((await build({ ...baseEnv, PYTS_BUILD_ALWAYS_RUN_CARGO: "1" })).skipped).toBe(false);
    expect((await build()).skipped).toBe(true); // and the note of the builds without it is kept
  }, 240_000);

  it("a manifest edit runs cargo (a new feature default)", async () => {
    dateBack(crate);
    await build();
    expect((await build()).skipped).toBe(true);
    edit("Cargo.toml", 'default = ["base"]', 'default = ["base", "plus-one"]');
    const r = await build();
    expect(r.skipped).toBe(false);
    expect(answer(r.wheel)).toBe("53");
    edit("Cargo.toml", 'default = ["base", "plus-one"]', 'default = ["base"]');
  }, 240_000);

  it("remembers a build with warnings and prints them again without starting cargo, as cargo does on a no-op", async () => {
    rmSync(join(target, "pyts-build", "cargo-runs"), { recursive: true, force: true }); // the notes of the other environments above
    // a CARGO that logs each start, for this test's builds
    const cargoLog = join(d, "cargo-starts.log");
    const wrapper = join(d, "cargo-logging");
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${cargoLog}'\nexec '${which("cargo", baseEnv)}' "$@"\n`, { mode: 0o755 });
    const env = { ...baseEnv, CARGO: wrapper };
    const builds = () => (existsSync(cargoLog) ? readFileSync(cargoLog, "utf8").split("\n").filter((l) => l.startsWith("rustc --lib")).length : 0);
    const stderrOf = async (run: () => Promise<unknown>) => {
      const chunks: string[] = [];
      const spy = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
      try {
        await run();
      } finally {
        spy.mockRestore();
      }
      return chunks.join("");
    };
    // (dating files back hides an edit from cargo too: each edit is built once before it is dated back)
    edit("src/lib.rs", "use std::ptr;", "use std::ptr;\nfn unused_helper() {}");
    await build(env); // compiles, warns
    dateBack(crate);
    const cargoNoop = await stderrOf(() => build(env)); // cargo finds it fresh and repeats the warning
    expect(notes().length).toBe(1);
    const started = builds();
    let skipped = { skipped: false };
    const replayed = await stderrOf(async () => (skipped = await build(env)));
    expect(skipped.skipped).toBe(true);
    expect(builds()).toBe(started); // no cargo started
    expect(replayed).toContain("warning: function `unused_helper` is never used");
    expect(replayed).toContain("generated 1 warning");
    expect(replayed).toBe(diagnosticLines(cargoNoop)); // what cargo printed, without its status lines
    expect(replayed).not.toMatch(/Finished|Fresh/);
    edit("src/lib.rs", "\nfn unused_helper() {}", "");
    const clean = await stderrOf(() => build(env));
    expect(clean).not.toContain("unused_helper");
  }, 240_000);

  it("never remembers a build script that watches its whole package", async () => {
    rmSync(join(target, "pyts-build", "cargo-runs"), { recursive: true, force: true });
    // a build script with no rerun-if-changed: cargo reruns it when any file of the package changes
    writeFileSync(join(crate, "build.rs"), 'fn main() { let _ = std::fs::read_to_string("answer.txt"); }\n');
    writeFileSync(join(crate, "answer.txt"), "1\n");
    await build();
    dateBack(crate);
    await build();
    expect(notes()).toEqual([]);
    // with rerun-if-changed the watched files are in cargo's dep-info: remembered, and a change to them is seen
    writeFileSync(join(crate, "build.rs"), 'fn main() { println!("cargo::rerun-if-changed=answer.txt"); println!("cargo::rerun-if-changed=build.rs"); let _ = std::fs::read_to_string("answer.txt"); }\n');
    await build();
    dateBack(crate);
    const { lines } = await build();
    expect(notes().length, lines.join("\n")).toBe(1);
    expect((await build()).skipped).toBe(true);
    writeFileSync(join(crate, "answer.txt"), "2\n");
    expect((await build()).skipped).toBe(false);
  }, 240_000);
});

/**
 * A crate from a `directory` source (a vendor folder made here) whose build script
 * watches a file named by WATCHER_FILE (as pyo3's watches PYO3_CONFIG_FILE) and the
 * variable SHLVL, which the environment's key leaves out. BONUS = `base` + the
 * file's number + 10000 * SHLVL.
 */
function writeWatcherCrate(vendor: string, version: string, base: number): void {
  const dir = join(vendor, `watcher-${version}`);
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "Cargo.toml"), `[package]\nname = "watcher"\nversion = "${version}"\nedition = "2021"\n`);
  writeFileSync(
    join(dir, "build.rs"),
    `fn main() {
    let f = std::env::var("WATCHER_FILE").expect("WATCHER_FILE");
    println!("cargo:rerun-if-env-changed=WATCHER_FILE");
    println!("cargo:rerun-if-env-changed=SHLVL");
    println!("cargo:rerun-if-changed={}", f);
    let n: i64 = std::fs::read_to_string(&f).unwrap().trim().parse().unwrap();
    let shlvl: i64 = std::env::var("SHLVL").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("bonus.rs");
    std::fs::write(out, format!("pub const BONUS: i64 = {};", ${base} + n + 10000 * shlvl)).unwrap();
}
`,
  );
  writeFileSync(join(dir, "src", "lib.rs"), 'include!(concat!(env!("OUT_DIR"), "/bonus.rs"));\n');
  // a directory source's checksum file; `package: null` (no checksum in Cargo.lock), as cargo vendor writes for git crates
  writeFileSync(join(dir, ".cargo-checksum.json"), '{"files":{},"package":null}');
}

/** Date a folder (its own times, not its files) changed in the last 10 s a minute back, as dateBack does for files. */
function dateBackFolder(dir: string): void {
  const past = new Date(Date.now() - 60_000);
  if (statSync(dir).mtimeMs > Date.now() - 10_000) utimesSync(dir, past, past);
}

describe.skipIf(!python)("buildWheels runs cargo when an input only cargo's configuration or a build script names changed (real cargo, ffi-min)", () => {
  const d = freshDir("cargo-fresh-inputs");
  const crate = join(d, "crate");
  cpSync(join(ROOT, "test/fixtures/ffi-min"), crate, { recursive: true });
  const vendor = join(d, "vendor");
  writeWatcherCrate(vendor, "0.1.0", 0);
  const watched = join(d, "watched.txt");
  writeFileSync(watched, "7\n");
  // ffi-min with a registry dependency: answer() = 42 + watcher::BONUS
  writeFileSync(join(crate, "Cargo.toml"), readFileSync(join(crate, "Cargo.toml"), "utf8").replace("[features]", '[dependencies]\nwatcher = "0.1"\n\n[features]'));
  const lib = join(crate, "src", "lib.rs");
  writeFileSync(lib, readFileSync(lib, "utf8").replace("+ if cfg!(ffi_min_extra) { 100 } else { 0 };", "+ if cfg!(ffi_min_extra) { 100 } else { 0 }\n    + watcher::BONUS as c_long;"));
  // a parent folder's configuration: crates.io replaced by the vendor folder (relative to the folder holding .cargo),
  // and includes, one optional, one nested
  mkdirSync(join(d, ".cargo"));
  writeFileSync(
    join(d, ".cargo", "config.toml"),
    'include = ["extra.toml", { path = "optional.toml", optional = true }]\n\n[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "vendor"\n',
  );
  writeFileSync(join(d, ".cargo", "extra.toml"), 'include = ["more.toml"]\n');
  writeFileSync(join(d, ".cargo", "more.toml"), "");
  const target = join(d, "target");
  const baseEnv = testEnv({ CARGO_TARGET_DIR: target, PYTS_BUILD_CACHE_DIR: join(d, "cache"), WATCHER_FILE: watched, SHLVL: "0" });
  const build = async (o: { env?: NodeJS.ProcessEnv; locked?: boolean } = {}) => {
    const log = memoryLogger();
    const [w] = await buildWheels({ cwd: crate, env: o.env ?? baseEnv, out: join(d, "out"), interpreters: [python as string], log, ...(o.locked ? { locked: true } : {}) });
    return { skipped: log.lines.some((l) => l.includes("cargo not run")), lines: log.lines, wheel: w!.path };
  };
  const answer = (wheel: string) => ffiMinAnswer(python as string, wheel, d);
  /**
   * The edits dated back once built; not the target folder: a build script's `output` dated back to its
   * watched file's time is stale to cargo (equal times), so cargo would run it on every build.
   */
  const dateBackInputs = () => {
    for (const dir of [crate, join(d, ".cargo"), vendor]) dateBack(dir);
    dateBackFolder(vendor);
    if (statSync(watched).mtimeMs > Date.now() - 10_000) utimesSync(watched, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  };
  /** Build until cargo is skipped, then return that build's answer. */
  const settle = async (o: Parameters<typeof build>[0] = {}) => {
    for (let i = 0; i < 4; i++) {
      const r = await build(o);
      if (r.skipped) return answer(r.wheel);
      dateBackInputs();
    }
    throw new Error(`cargo was never skipped:\n${(await build(o)).lines.join("\n")}`);
  };

  it("a file a configuration file includes (nested, optional) is an input", async () => {
    expect(await settle()).toBe("49");
    writeFileSync(join(d, ".cargo", "more.toml"), '[build]\nrustflags = ["--cfg", "ffi_min_extra"]\n');
    const nested = await build();
    expect(nested.skipped).toBe(false);
    expect(answer(nested.wheel)).toBe("149");
    expect(await settle()).toBe("149");
    writeFileSync(join(d, ".cargo", "more.toml"), "");
    expect(await settle()).toBe("49");
    // the optional include appears
    writeFileSync(join(d, ".cargo", "optional.toml"), '[build]\nrustflags = ["--cfg", "ffi_min_extra"]\n');
    const optional = await build();
    expect(optional.skipped).toBe(false);
    expect(answer(optional.wheel)).toBe("149");
    rmSync(join(d, ".cargo", "optional.toml"));
    expect(await settle()).toBe("49");
  }, 240_000);

  it("a file a registry crate's build script watches is an input, and so is a watched variable the key leaves out", async () => {
    expect(await settle()).toBe("49");
    writeFileSync(watched, "9\n");
    const edited = await build();
    expect(edited.skipped).toBe(false);
    expect(answer(edited.wheel)).toBe("51");
    expect(await settle()).toBe("51");
    const shell = await build({ env: { ...baseEnv, SHLVL: "1" } });
    expect(shell.skipped).toBe(false);
    expect(answer(shell.wheel)).toBe("10051");
    writeFileSync(watched, "7\n");
    expect(await settle()).toBe("49");
  }, 240_000);

  it("the listing of the directory source is an input: a replaced crate version is seen", async () => {
    expect(await settle()).toBe("49"); // (writes Cargo.lock)
    expect(await settle({ locked: true })).toBe("49");
    // the locked 0.1.0 replaced by 0.1.1: cargo refuses (locked to 0.1.0), with or without --locked
    const old = join(d, "watcher-0.1.0.old");
    renameSync(join(vendor, "watcher-0.1.0"), old);
    writeWatcherCrate(vendor, "0.1.1", 1000);
    dateBackInputs();
    await expect(build({ locked: true })).rejects.toThrow(/cargo failed/);
    await expect(build()).rejects.toThrow(/cargo failed/);
    // and once the lock file follows, the new version is built
    rmSync(join(crate, "Cargo.lock"));
    const relocked = await build();
    expect(relocked.skipped).toBe(false);
    expect(answer(relocked.wheel)).toBe("1049");
    rmSync(join(vendor, "watcher-0.1.1"), { recursive: true });
    renameSync(old, join(vendor, "watcher-0.1.0"));
    rmSync(join(crate, "Cargo.lock"));
    expect(await settle()).toBe("49");
  }, 240_000);
});

describe("buildScriptWatches", () => {
  it("reads both instruction prefixes, paths and variables, and nothing else", () => {
    const output = "cargo:rerun-if-changed=/etc/pyo3.cfg\ncargo::rerun-if-changed=build.rs\r\ncargo:rerun-if-env-changed=PYO3_CONFIG_FILE\ncargo:rustc-cfg=Py_3_11\nnot cargo:rerun-if-changed=x\n";
    expect(buildScriptWatches(output)).toEqual({ paths: ["/etc/pyo3.cfg", "build.rs"], vars: ["PYO3_CONFIG_FILE"] });
  });
});
