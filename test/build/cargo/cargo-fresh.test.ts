import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildWheels } from "../../../src/build/build-wheel.js";
import { depInfoOf, parseDepInfo } from "../../../src/build/cargo/cargo-fresh.js";
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

  it("never remembers a build with warnings (cargo repeats them) or a build script that watches its whole package", async () => {
    const notes = () => (existsSync(join(target, "pyts-build", "cargo-runs")) ? readdirSync(join(target, "pyts-build", "cargo-runs")).filter((f) => f.endsWith(".json")) : []);
    rmSync(join(target, "pyts-build", "cargo-runs"), { recursive: true, force: true }); // the notes of the other environments above
    // (dating files back hides an edit from cargo too: each edit is built once before it is dated back)
    edit("src/lib.rs", "use std::ptr;", "use std::ptr;\nfn unused_helper() {}");
    await build(); // compiles, warns
    dateBack(crate);
    await build(); // fresh, and cargo repeats the warning
    expect(notes()).toEqual([]);
    expect((await build()).skipped).toBe(false);
    edit("src/lib.rs", "\nfn unused_helper() {}", "");

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
