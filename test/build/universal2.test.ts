/**
 * universal2 wheels (src/build/universal2.ts): two macOS builds joined into one Mach-O universal file.
 *
 * This machine has no macOS standard library and no macOS linker, so real cargo cannot build for
 * x86_64-apple-darwin or aarch64-apple-darwin here. The builds therefore run through a stand-in for
 * cargo (CARGO, as cargo itself names the program to its subcommands): for `rustc`/`build` with an
 * apple --target it "builds" by copying a REAL thin Mach-O file made in beforeAll (llvm-mc assembles a
 * `_PyInit_<module>` or `_main` for each architecture, rust-lld's ld64 links it into a dylib or a
 * program), writes cargo's dep-info beside it and prints cargo's JSON messages; everything else
 * (`cargo metadata` for the build and the SBOM) goes to the real cargo. All of pyts-build runs as it
 * does for real cargo: the two target folders, the environments, cargo-fresh's no-op notes, the join,
 * the layout, the tags, the wheel writer and its reuse. The fat members are read back with our reader
 * and cross-checked with llvm-lipo; Debian's installer checks RECORD. (.ci/cross.sh installs LLVM 22
 * with rustc-web; rust-lld comes with rustup's toolchain.)
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWheels } from "../../src/build/build-wheel.js";
import { ConfigError } from "../../src/errors.js";
import { which } from "../../src/fs-util.js";
import { CPU_TYPE_ARM64, CPU_TYPE_X86_64, readFatMachO } from "../../src/wheel/macho-fat.js";
import { openWheel, wheelConsistencyProblems } from "../../src/wheel/reader.js";
import { dateBack } from "../helpers/ffi-min.js";
import { freshDir, installWheel, makeVenv, ROOT, SYSTEM_PYTHON, testEnv } from "../helpers/env.js";
import { writeTree } from "../helpers/tree.js";

const tool = (name: string) => [name, `${name}-22`, `${name}-14`].map((n) => which(n)).find((p) => p !== undefined);
const MC = tool("llvm-mc");
const LIPO = tool("llvm-lipo");
const sysroot = (() => {
  try {
    return execFileSync("rustc", ["--print", "sysroot"], { encoding: "utf8", env: testEnv() }).trim();
  } catch {
    return undefined;
  }
})();
const LLD = sysroot && [join(sysroot, "lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld")].find((p) => existsSync(p));
const missing = !MC ? "llvm-mc" : !LIPO ? "llvm-lipo" : !LLD ? "rust-lld" : undefined;
if (missing && process.env.CI) throw new Error(`${missing} missing in CI (.ci/cross.sh installs rustc-web with LLVM 22; rust-lld is rustup's)`);

const U2 = "universal2-apple-darwin";
const PARTS = [
  { triple: "x86_64-apple-darwin", mc: "x86_64-apple-macos10.12", arch: "x86_64", version: "10.12", cpu: CPU_TYPE_X86_64 },
  { triple: "aarch64-apple-darwin", mc: "arm64-apple-macos11", arch: "arm64", version: "11.0", cpu: CPU_TYPE_ARM64 },
] as const;

const work = freshDir("universal2");
const fixtures = join(work, "fixtures");
const cargoLog = join(work, "cargo-starts.jsonl");

/** A real thin Mach-O dylib (exporting `symbols`) or program for one architecture, made by llvm-mc and ld64.lld. */
function machO(part: (typeof PARTS)[number], out: string, o: { symbols?: string[]; program?: boolean }): void {
  const names = o.program ? ["_main"] : (o.symbols ?? []);
  const obj = `${out}.o`;
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(MC as string, ["-triple", part.mc, "-filetype=obj", "-o", obj], { input: names.map((n) => `.globl ${n}\n${n}:\n  ret\n`).join("") });
  const kind = o.program ? ["-execute"] : ["-dylib", "-install_name", `@rpath/${out.split("/").pop()}`];
  execFileSync(LLD as string, ["-flavor", "darwin", "-arch", part.arch, "-platform_version", "macos", part.version, part.version, ...kind, "-o", out, obj]);
  rmSync(obj);
}

const fixture = (triple: string, file: string) => join(fixtures, triple, file);

/** The stand-in for cargo (see the header): its starts are logged with the environment pyts-build gave each. */
const FAKE_CARGO = `
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
const args = process.argv.slice(2);
const at = (flag) => { const i = args.indexOf(flag); return i < 0 ? undefined : args[i + 1]; };
const target = at("--target");
if (!["rustc", "build"].includes(args[0]) || !/-apple-darwin$/.test(target ?? "")) {
  const r = spawnSync(process.env.REAL_CARGO_FOR_TEST, args, { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
const e = process.env;
appendFileSync(${JSON.stringify(cargoLog)}, JSON.stringify({ target, args, dir: e.CARGO_TARGET_DIR, pyo3: e.PYO3_CONFIG_FILE, macos: e.MACOSX_DEPLOYMENT_TARGET }) + "\\n");
const manifest = at("--manifest-path");
const crate = dirname(manifest);
const name = /^name\\s*=\\s*"([^"]+)"/m.exec(readFileSync(manifest, "utf8"))[1];
const out = join(e.CARGO_TARGET_DIR, target, args.includes("--release") ? "release" : "debug");
mkdirSync(out, { recursive: true });
const id = "path+file://" + crate + "#" + name + "@0.1.0";
const built = (file, from, source, artifact, executable) => {
  // the fixture, plus a trailer naming the build's Python, so each build's file differs from another interpreter's
  writeFileSync(file, Buffer.concat([readFileSync(join(${JSON.stringify(fixtures)}, target, from)), Buffer.from(e.PYO3_ENVIRONMENT_SIGNATURE ?? "")]));
  writeFileSync(file.replace(/(\\.dylib)?$/, ".d"), file + ": " + join(crate, source) + "\\n");
  console.log(JSON.stringify({ reason: "compiler-artifact", package_id: id, manifest_path: manifest, target: artifact, filenames: [file], executable, fresh: false }));
};
const lib = name.replace(/-/g, "_");
if (args[0] === "rustc") built(join(out, "lib" + lib + ".dylib"), "lib" + lib + ".dylib", "src/lib.rs", { kind: ["cdylib"], crate_types: ["cdylib"], name: lib }, null);
else built(join(out, name), "bin/" + name, "src/main.rs", { kind: ["bin"], crate_types: ["bin"], name }, join(out, name));
console.log(JSON.stringify({ reason: "build-finished", success: true }));
`;
const fakeCargo = join(work, "cargo-for-apple-targets.mjs");

/** The cargo runs logged since `from` (a line count). */
function starts(from = 0): { target: string; args: string[]; dir: string; pyo3?: string; macos?: string }[] {
  if (!existsSync(cargoLog)) return [];
  return readFileSync(cargoLog, "utf8").split("\n").filter(Boolean).slice(from).map((l) => JSON.parse(l));
}

function copyOf(name: string): string {
  const dir = join(freshDir(`u2-${name}`), "p");
  cpSync(join(ROOT, "test/fixtures", name), dir, { recursive: true, filter: (f) => !/[\\/](target|Cargo\.lock)$/.test(f) });
  return dir;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return testEnv({ CARGO: fakeCargo, REAL_CARGO_FOR_TEST: which("cargo", testEnv()) as string, ...extra });
}

const build = (project: string, o: { interpreters?: string[]; out: string; env?: NodeJS.ProcessEnv; targetDir?: string }) =>
  buildWheels({
    manifestPath: join(project, "Cargo.toml"),
    target: U2,
    release: true,
    out: o.out,
    env: { ...(o.env ?? env()), CARGO_TARGET_DIR: o.targetDir ?? join(project, "target") },
    ...(o.interpreters ? { interpreters: o.interpreters } : {}),
  });

/** A member of a wheel, by our reader, which also checks RECORD against every file. */
async function member(wheel: string, name: string): Promise<{ bytes: Buffer; names: string[]; record: string }> {
  const opened = await openWheel(wheel);
  try {
    expect(await wheelConsistencyProblems(opened)).toEqual([]);
    const names = opened.reader.fileNames;
    return { bytes: await opened.reader.readBytes(name), names, record: await opened.reader.readText(`${opened.distInfoDir}/RECORD`) };
  } finally {
    opened.reader.close();
  }
}

type Start = ReturnType<typeof starts>[number];

/**
 * The fat file's two slices are exactly the files the two cargo runs `runs` built (each the fixture of
 * its architecture, `file` under fixtures/<triple>/, with its trailer); llvm-lipo (another implementation) agrees.
 */
function expectJoinOf(fat: Buffer, runs: Start[], file: string): void {
  expect(runs.map((r) => r.target)).toEqual(["x86_64-apple-darwin", "aarch64-apple-darwin"]);
  const thins = runs.map((r) => join(r.dir, r.target, "release", file.replace(/^bin\//, ""))) as [string, string];
  runs.forEach((r, i) => expect(readFileSync(thins[i] as string).subarray(0, statSync(fixture(r.target, file)).size).equals(readFileSync(fixture(r.target, file)))).toBe(true));
  const slices = readFatMachO(fat, "member");
  expect(slices.map((s) => s.cputype)).toEqual([CPU_TYPE_X86_64, CPU_TYPE_ARM64]);
  slices.forEach((s, i) => expect(s.bytes.equals(readFileSync(thins[i] as string))).toBe(true));
  const copy = join(work, `fat-${Math.random().toString(36).slice(2)}`);
  writeFileSync(copy, fat);
  expect(execFileSync(LIPO as string, ["-info", copy], { encoding: "utf8" })).toMatch(/are: x86_64 arm64/);
  execFileSync(LIPO as string, ["-thin", "arm64", copy, "-output", `${copy}.arm64`]);
  expect(readFileSync(`${copy}.arm64`).equals(readFileSync(thins[1]))).toBe(true);
}

describe.skipIf(missing !== undefined)(`universal2 wheels${missing ? ` (skipped: no ${missing})` : ""}`, () => {
  beforeAll(() => {
    for (const p of PARTS) {
      for (const m of ["ffi_min", "pyo3_abi3"]) machO(p, fixture(p.triple, `lib${m}.dylib`), { symbols: [`_PyInit_${m}`] });
      machO(p, fixture(p.triple, "bin/bin-hello"), { program: true });
    }
    writeFileSync(fakeCargo, `#!${process.execPath}\n${FAKE_CARGO}`, { mode: 0o755 });
  });

  let ffi: string;
  let first: Awaited<ReturnType<typeof buildWheels>>;
  let firstStarts: ReturnType<typeof starts>;
  beforeAll(async () => {
    ffi = copyOf("ffi-min");
    const before = starts().length;
    first = await build(ffi, { interpreters: ["python3.11"], out: join(ffi, "out") });
    firstStarts = starts(before);
  }, 120_000);

  it("one cargo run per macOS target, each in its own folder and environment; one wheel tagged for both Macs and universal2", () => {
    expect(firstStarts.map((s) => s.target)).toEqual(["x86_64-apple-darwin", "aarch64-apple-darwin"]);
    const [x86, arm] = firstStarts as [(typeof firstStarts)[0], (typeof firstStarts)[0]];
    expect(x86.dir).not.toBe(arm.dir);
    expect(x86.dir).toMatch(/targets\/x86_64-apple-darwin-cpython-3\.11-64bit-/);
    expect(arm.dir).toMatch(/targets\/aarch64-apple-darwin-cpython-3\.11-64bit-/);
    // the same description of CPython 3.11 for PyO3; Rust's own minimum macOS for each architecture
    expect(x86.pyo3).toBeDefined();
    expect(arm.pyo3).toBe(x86.pyo3);
    expect([x86.macos, arm.macos]).toEqual(["10.12", "11.0"]);
    expect(x86.args).toContain("link-arg=dynamic_lookup");
    const [w] = first;
    expect(first.length).toBe(1);
    expect(w?.fileName).toBe("ffi_min-0.2.0-cp311-cp311-macosx_10_12_universal2.macosx_10_12_x86_64.macosx_11_0_arm64.whl");
  });

  it("the extension member is a fat file whose slices are the two thin builds; RECORD holds its hash", async () => {
    const w = first[0]?.path as string;
    const so = "ffi_min/ffi_min.cpython-311-darwin.so";
    const { bytes, names, record } = await member(w, so);
    expect(names).toContain(so);
    expectJoinOf(bytes, firstStarts, "libffi_min.dylib");
    const hash = `sha256=${(await import("node:crypto")).createHash("sha256").update(bytes).digest("base64url")}`;
    expect(record).toContain(`${so},${hash},${bytes.length}\n`);
    // an installer checks RECORD too (Debian's installer does not look at the platform tag)
    installWheel(makeVenv(SYSTEM_PYTHON, join(freshDir("u2-venv"), "v")), w);
  });

  it("nothing changed: no cargo started, the joined file and the wheel kept; a changed arm64 build is joined again", async () => {
    dateBack(ffi); // the no-op notes take no input younger than 2 s (Cargo.lock was just written by cargo metadata)
    const out = join(ffi, "out");
    await build(ffi, { interpreters: ["python3.11"], out }); // cargo runs, its runs are remembered
    const wheel = first[0]?.path as string;
    const stamp = () => `${statSync(wheel).ino}:${statSync(wheel).mtimeMs}`;
    const kept = stamp();
    const before = starts().length;
    const again = await build(ffi, { interpreters: ["python3.11"], out });
    expect(starts(before)).toEqual([]);
    expect(again[0]?.path).toBe(wheel);
    expect(stamp()).toBe(kept);
    // a source edit, and cargo's arm64 library with another symbol: only then the member changes
    const armLib = fixture("aarch64-apple-darwin", "libffi_min.dylib");
    const original = readFileSync(armLib);
    try {
      machO(PARTS[1], armLib, { symbols: ["_PyInit_ffi_min", "_more"] });
      writeFileSync(join(ffi, "src/lib.rs"), readFileSync(join(ffi, "src/lib.rs"), "utf8") + "\n// edited\n");
      const changed = await build(ffi, { interpreters: ["python3.11"], out });
      expect(stamp()).not.toBe(kept);
      const { bytes } = await member(changed[0]?.path as string, "ffi_min/ffi_min.cpython-311-darwin.so");
      expectJoinOf(bytes, starts(before), "libffi_min.dylib");
    } finally {
      writeFileSync(armLib, original);
    }
  }, 120_000);

  it("an arm64 build without the init function: refused by the import check of the joined file, naming the slice; no wheel", async () => {
    const p = copyOf("ffi-min");
    const armLib = fixture("aarch64-apple-darwin", "libffi_min.dylib");
    const original = readFileSync(armLib);
    try {
      machO(PARTS[1], armLib, { symbols: ["_PyInit_other"] });
      await expect(build(p, { interpreters: ["python3.11"], out: join(p, "out") })).rejects.toThrow(/^libffi_min\.dylib \(its arm64 part\) exports PyInit_other but not PyInit_ffi_min/);
      expect(existsSync(join(p, "out")) ? readdirSync(join(p, "out")) : []).toEqual([]);
    } finally {
      writeFileSync(armLib, original);
    }
  }, 120_000);

  it("same input and SOURCE_DATE_EPOCH, another target folder: the same bytes", async () => {
    const epoch = { SOURCE_DATE_EPOCH: "1700000000" };
    const [a] = await build(ffi, { interpreters: ["python3.12"], out: join(work, "epoch-a"), env: env(epoch), targetDir: join(work, "t-a") });
    const [b] = await build(ffi, { interpreters: ["python3.12"], out: join(work, "epoch-b"), env: env(epoch), targetDir: join(work, "t-b") });
    expect(a?.fileName).toBe("ffi_min-0.2.0-cp312-cp312-macosx_10_12_universal2.macosx_10_12_x86_64.macosx_11_0_arm64.whl");
    expect(readFileSync(a?.path as string).equals(readFileSync(b?.path as string))).toBe(true);
  }, 120_000);

  it("three interpreters (the later ones compile side by side): six runs in six folders, three wheels each joining its own pair", async () => {
    const p = copyOf("ffi-min");
    const before = starts().length;
    const wheels = await build(p, { interpreters: ["python3.11", "python3.12", "python3.13"], out: join(p, "out") });
    expect(wheels.map((w) => w.fileName.split("-")[2])).toEqual(["cp311", "cp312", "cp313"]);
    const runs = starts(before);
    expect(runs.length).toBe(6);
    expect(new Set(runs.map((r) => r.dir)).size).toBe(6);
    for (const [i, w] of wheels.entries()) {
      const { bytes } = await member(w.path, `ffi_min/ffi_min.cpython-31${i + 1}-darwin.so`);
      expectJoinOf(bytes, runs.filter((r) => r.dir.includes(`cpython-3.1${i + 1}-`)), "libffi_min.dylib");
    }
  }, 120_000);

  it("abi3 (pyo3's abi3-py37 feature, no -i): one pair of builds, a cp37-abi3 universal2 wheel; MACOSX_DEPLOYMENT_TARGET raises the tags", async () => {
    const p = copyOf("pyo3-abi3");
    const before = starts().length;
    const [w, ...rest] = await build(p, { out: join(p, "out"), env: env({ MACOSX_DEPLOYMENT_TARGET: "12.3" }) });
    expect(rest).toEqual([]);
    expect(starts(before).map((s) => [s.target, s.macos])).toEqual([["x86_64-apple-darwin", "12.3"], ["aarch64-apple-darwin", "12.3"]]);
    // macOS 12.3 is tagged 12.0: pip takes only N.0 from macOS 11 on
    expect(w?.fileName).toBe("pyo3_abi3-1.0.0-cp37-abi3-macosx_12_0_arm64.macosx_12_0_universal2.macosx_12_0_x86_64.whl");
    const { bytes } = await member(w?.path as string, "pyo3_abi3/pyo3_abi3.abi3.so");
    expectJoinOf(bytes, starts(before), "libpyo3_abi3.dylib");
  }, 120_000);

  it("a Rust program (bindings = bin): the script is one fat executable of both builds", async () => {
    const p = copyOf("bin-hello");
    const before = starts().length;
    const [w] = await build(p, { out: join(p, "out") });
    expect(w?.fileName).toBe("bin_hello-0.1.0-py3-none-macosx_10_12_universal2.macosx_10_12_x86_64.macosx_11_0_arm64.whl");
    const script = "bin_hello-0.1.0.data/scripts/bin-hello";
    const { bytes } = await member(w?.path as string, script);
    expectJoinOf(bytes, starts(before), "bin/bin-hello");
    const opened = await openWheel(w?.path as string);
    expect(opened.reader.entries.find((e) => e.name === script)?.executable).toBe(true);
    opened.reader.close();
  }, 120_000);
});

describe("universal2 refusals: one line, before any cargo build", () => {
  const oneLine = async (p: Promise<unknown>, message: RegExp) => {
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(message);
    expect((e as Error).message).not.toContain("\n");
  };

  it("a setuptools-rust project", async () => {
    const d = writeTree("u2-setuptools", {
      "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61", "setuptools-rust>=1.7"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "s"\nversion = "0.1.0"\n\n[[tool.setuptools-rust.ext-modules]]\ntarget = "s"\n',
      "Cargo.toml": '[package]\nname = "s"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n',
      "src/lib.rs": "",
    });
    await oneLine(buildWheels({ cwd: d, target: U2, env: testEnv() }), /universal2-apple-darwin is built for maturin-style projects only, not for the setuptools-rust project/);
  });

  it("a manylinux container build", async () => {
    const d = writeTree("u2-container", { "Cargo.toml": '[package]\nname = "c"\nversion = "0.1.0"\n[lib]\ncrate-type = ["cdylib"]\n', "src/lib.rs": "" });
    let ran = false;
    const runCargo = async () => ((ran = true), { artifacts: [] });
    await oneLine(buildWheels({ cwd: d, target: U2, env: testEnv(), runCargo, interpreterSource: async () => [] }), /universal2-apple-darwin wheels are macOS wheels: a manylinux container cannot build them/);
    expect(ran).toBe(false);
  });
});
