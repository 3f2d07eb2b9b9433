/**
 * The corpus of hostile and broken inputs: projects, wheels, ELF files,
 * arguments and environment, each run through the real CLI
 * (bin/pyts-build.js) and held to the promise of docs/cli.md: a non-zero
 * exit, exactly one `error:` line naming the cause, no stack trace.
 *
 * Kept fast: almost every case fails before cargo compiles anything; the one
 * that compiles uses a target folder shared by the file. Finer checks of each
 * failure live beside the code (reader.test.ts, elf.test.ts, sdist.test.ts,
 * interpreter.test.ts, cargo.test.ts ...); this table is the one place that
 * says what a user sees.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extensionSource, writeTree } from "../build/sdist/sdist-fixtures.js";
import { runCli } from "../helpers/cli.js";
import { cpython, freshDir, SYSTEM_PYTHON } from "../helpers/env.js";
import { buildElf, patchU32 } from "../manylinux/helpers/elf-builder.js";

const PY311 = cpython("3.11") ?? SYSTEM_PYTHON;
const TARGET = freshDir("corpus-target"); // the few cases that run cargo share it

interface Case {
  name: string;
  /** Another tool's messages (cargo's own `error:` lines) come first: pyts-build's line is the last. */
  passthrough?: boolean;
  /** Prepares the input in `dir` (a fresh folder); returns the CLI arguments. */
  make: (dir: string) => string[];
  env?: Record<string, string | undefined>;
  code?: number;
  /** The error line, without its "error: " prefix. */
  error: RegExp;
}

// ---------------------------------------------------------------- projects

const PYPROJECT = '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "hostile"\nversion = "0.1.0"\n';
const CARGO = '[package]\nname = "hostile"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n';

/** A buildable no-dependency project in `dir`, with `over` replacing or adding files. */
function project(dir: string, over: Record<string, string> = {}): string {
  writeTree(dir, { "pyproject.toml": PYPROJECT, "Cargo.toml": CARGO, "src/lib.rs": extensionSource("hostile", "1"), ...over });
  return dir;
}
const withPyproject = (extra: string) => ({ "pyproject.toml": PYPROJECT + extra });
const withTool = (extra: string) => withPyproject(`\n[tool.pyts-build]\n${extra}\n`);
const projectCase = (name: string, over: Record<string, string>, args: string[], error: RegExp, env?: Case["env"]): Case => ({
  name,
  ...(env?.CARGO_TARGET_DIR ? { passthrough: true } : {}),
  make: (dir) => [...args, "-m", join(project(dir, over), "Cargo.toml")],
  error,
  ...(env ? { env } : {}),
});

/** An executable shell script standing in for an interpreter. */
function script(dir: string, name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const PROJECTS: Case[] = [
  { name: "no project in the folder", make: () => ["wheel"], error: /no Cargo\.toml or pyproject\.toml in / },
  { name: "-m names a missing manifest", make: (dir) => ["wheel", "-m", join(dir, "nope/Cargo.toml")], error: /manifest .*nope\/Cargo\.toml does not exist/ },
  projectCase("Cargo.toml is not TOML", { "Cargo.toml": "[package\nname = 1\n" }, ["wheel"], /Cargo\.toml:1/),
  projectCase("pyproject.toml is not TOML", { "pyproject.toml": 'x = "unterminated\n' }, ["wheel"], /pyproject\.toml:1/),
  projectCase("Cargo.toml without [package] or [lib] name", { "Cargo.toml": "[dependencies]\n" }, ["wheel"], /Cargo\.toml/),
  projectCase("project name that is not PEP 508", { "pyproject.toml": PYPROJECT.replace('name = "hostile"', 'name = "-bad name-"') }, ["wheel"], /-bad name-/),
  projectCase("version that is not PEP 440", { "pyproject.toml": PYPROJECT.replace('version = "0.1.0"', 'version = "1.0-banana"') }, ["wheel"], /1\.0-banana/),
  projectCase("requires-python that is no specifier", withPyproject('requires-python = "3.8"\n'), ["wheel"], /requires-python.*3\.8/i),
  projectCase("dependency that is not PEP 508", withPyproject('dependencies = ["numpy >= = 1"]\n'), ["wheel"], /numpy >= = 1/),
  projectCase("[project] name not a string", { "pyproject.toml": PYPROJECT.replace('name = "hostile"', "name = 42") }, ["wheel"], /project\.name/),
  projectCase("module-name that is no Python identifier", withTool('module-name = "hostile.1bad"'), ["wheel"], /module-name.*1bad/),
  projectCase("python-source that is not a folder", withTool('python-source = "nowhere"'), ["wheel"], /python-source "nowhere" is not a folder/),
  projectCase("unknown bindings", withTool('bindings = "swig"'), ["wheel"], /bindings.*swig/),
  projectCase("unknown compatibility", withTool('compatibility = "manylinux1999"'), ["wheel"], /manylinux1999/),
  projectCase("include that is not a string or table", withTool("include = [42]"), ["wheel"], /include/),
  projectCase("readme that does not exist", withPyproject('readme = "MISSING.md"\n'), ["sdist"], /MISSING\.md/),
  projectCase("license-files glob that matches nothing", withPyproject('license-files = ["LICENSES/*.txt"]\n'), ["sdist"], /license-files "LICENSES\/\*\.txt" matches no file/),
  projectCase("entry point that is not module:object", withPyproject('\n[project.scripts]\nhostile = "not valid"\n'), ["wheel"], /not valid/),
  {
    name: "stub pyproject pointing above itself",
    make: (dir) => (writeTree(dir, { "pyproject.toml": '[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[tool.pyts-build]\nproject-dir = "../elsewhere"\n' }), ["sdist"]),
    error: /project-dir must be a relative path below this folder/,
  },
  projectCase("[tool.pyts-build] key that does not exist", withTool('modul-name = "hostile"'), ["wheel"], /unknown key "modul-name" in \[tool\.pyts-build\]/),
  projectCase("sdist of a pyproject without a build backend", { "pyproject.toml": PYPROJECT.replace(/\[build-system\][^[]*/, "") }, ["sdist"], /build-backend is not set/),
  projectCase("path dependency that does not exist", { "Cargo.toml": CARGO + '\n[dependencies]\ngone = { path = "../gone" }\n' }, ["sdist"], /path dependency "gone" points at .*gone, which holds no Cargo\.toml/),
  {
    // python-source above the project is allowed for the module's own package (maturin 1.14+), never the folder around it
    name: "sdist: python-source above the project without the module's package",
    make: (dir) => {
      writeTree(dir, { "outer/hostile/__init__.py": "" });
      return ["sdist", "-m", join(project(join(dir, "p"), withTool('python-source = ".."\nmodule-name = "missing.hostile"')), "Cargo.toml")];
    },
    error: /tool\.pyts-build\.python-source "\.\.": no Python package "missing" for the module missing\.hostile/,
  },
  {
    // a readme the project names outside is copied in (maturin 1.14+); a license-files glob may not reach out (PEP 639)
    name: "sdist: license-files glob outside the project",
    make: (dir) => {
      writeFileSync(join(dir, "LICENSE"), "outside\n");
      return ["sdist", "-m", join(project(join(dir, "p"), withPyproject('license-files = ["../LICENSE"]\n')), "Cargo.toml")];
    },
    error: /license file .*LICENSE is outside the folder the sdist stands for/,
  },
  {
    name: "sdist: include outside the project",
    make: (dir) => {
      writeFileSync(join(dir, "secret.txt"), "outside\n");
      return ["sdist", "-m", join(project(join(dir, "p"), withTool('include = [{ path = "../secret.txt", format = "sdist" }]')), "Cargo.toml")];
    },
    error: /include\[0\]\.path "\.\.\/secret\.txt" must not contain `\.\.`/,
  },
  {
    name: "sdist: a source file symlinked to /etc/passwd",
    make: (dir) => {
      project(dir);
      symlinkSync("/etc/passwd", join(dir, "src/x.rs"));
      return ["sdist", "-m", join(dir, "Cargo.toml")];
    },
    error: /src\/x\.rs is a symlink to \/etc\/passwd, outside the folder the sdist stands for/,
  },
  projectCase("SOURCE_DATE_EPOCH that is not a number", {}, ["sdist"], /SOURCE_DATE_EPOCH/, { SOURCE_DATE_EPOCH: "yesterday" }),
  // interpreters
  projectCase("-i an interpreter that does not exist", {}, ["wheel", "-i", "python3.99"], /interpreter python3\.99 was not found on PATH/),
  projectCase("-i a path that does not exist", {}, ["wheel", "-i", "/no/such/python"], /interpreter \/no\/such\/python does not exist/),
  projectCase("-i /bin/false", {}, ["wheel", "-i", "/bin/false"], /^interpreter \/bin\/false exited with status 1 instead of describing itself$/),
  projectCase("-i /bin/ls (the query script is not echoed)", {}, ["wheel", "-i", "/bin/ls"], /^interpreter \/bin\/ls exited with status 2 instead of describing itself \(.*cannot access '-'.*\)$/),
  projectCase("-i /bin/true (says nothing)", {}, ["wheel", "-i", "/bin/true"], /\/bin\/true did not answer like a Python interpreter/),
  {
    name: "-i a file that is not executable",
    make: (dir) => {
      const exe = script(dir, "python", "exit 0");
      chmodSync(exe, 0o644);
      return ["wheel", "-i", exe, "-m", join(project(join(dir, "p")), "Cargo.toml")];
    },
    error: /interpreter .*\/python cannot be run \(not executable\)/,
  },
  {
    name: "-i an interpreter that hangs (time limit from the environment)",
    make: (dir) => ["wheel", "-i", script(dir, "python", "sleep 600 &\nsleep 600"), "-m", join(project(join(dir, "p")), "Cargo.toml")],
    env: { PYTS_BUILD_INTERPRETER_TIMEOUT: "1" },
    error: /did not answer within 1 s \(it hangs, or is not a Python interpreter\)/,
  },
  {
    name: "-i an interpreter printing JSON that is not a description",
    make: (dir) => ["wheel", "-i", script(dir, "python", 'echo \'{"major": 3}\''), "-m", join(project(join(dir, "p")), "Cargo.toml")],
    error: /gave an incomplete description of itself/,
  },
  projectCase("interpreter time limit that is not a number", {}, ["wheel", "-i", PY311], /PYTS_BUILD_INTERPRETER_TIMEOUT="soon" is not a positive number of seconds/, { PYTS_BUILD_INTERPRETER_TIMEOUT: "soon" }),
  projectCase("-i outside requires-python", withPyproject('requires-python = ">=3.99"\n'), ["wheel", "-i", PY311], /\(CPython 3\.11\) does not satisfy the project's requires-python >=3\.99/),
  projectCase("--find-interpreter with nothing inside requires-python", withPyproject('requires-python = ">=3.99"\n'), ["wheel", "--find-interpreter"], /--find-interpreter found no usable Python 3 interpreter/),
  // cargo (no compile: resolution fails first)
  projectCase("a dependency the crate source lacks", { "Cargo.toml": CARGO + '\n[dependencies]\npyts-no-such-crate = "1"\n' }, ["wheel", "-i", PY311], /cargo failed with exit code 101: the dependency `pyts-no-such-crate` is not in the crate source it searched/, { CARGO_TARGET_DIR: TARGET }),
  {
    name: "crates.io unreachable (a cargo home without the offline source)",
    make: (dir) => ["wheel", "-i", PY311, "-m", join(project(join(dir, "p"), { "Cargo.toml": CARGO + '\n[dependencies]\nlibc = "0.2"\n' }), "Cargo.toml")],
    env: { CARGO_NET_RETRY: "0", CARGO_TARGET_DIR: TARGET },
    passthrough: true,
    error: /cargo failed with exit code 101: cannot reach the crate registry/,
  },
  // the one that compiles
  projectCase("a compile error", { "src/lib.rs": "fn broken( {}\n" }, ["wheel", "-i", PY311], /^cargo failed with exit code 101$/, { CARGO_TARGET_DIR: TARGET }),
];
// The unreachable-registry case needs its own empty cargo home.
const unreachable = PROJECTS.find((c) => c.name.startsWith("crates.io unreachable")) as Case;
unreachable.env = { ...unreachable.env, CARGO_HOME: freshDir("corpus-bare-cargo-home") };

// ---------------------------------------------------------------- arguments

const ARGUMENTS: Case[] = [
  { name: "unknown command", make: () => ["frobnicate"], error: /unknown command 'frobnicate'/ },
  { name: "unknown option", make: () => ["wheel", "--frobnicate"], error: /unknown option '--frobnicate'/ },
  { name: "--auditwheel with a bad mode", make: () => ["wheel", "--auditwheel", "bogus"], error: /'bogus' is invalid\. Allowed choices are repair, check, warn, skip/ },
  { name: "audit without a wheel", make: () => ["audit"], error: /missing required argument 'wheel'/ },
  { name: "repair without -w", make: () => ["repair", "x-1.0-py3-none-any.whl"], error: /required option '-w, --wheel-dir <dir>' not specified/ },
  { name: "backend-wheel without -o", make: () => ["backend-wheel"], error: /required option '-o, --out <dir>' not specified/ },
  { name: "audit a file that is not named like a wheel", make: () => ["audit", "/etc/hostname"], error: /"hostname" is not a wheel file name: it does not end in \.whl/ },
  { name: "audit a wheel that does not exist", make: (dir) => ["audit", join(dir, "gone-1.0-py3-none-any.whl")], error: /gone-1\.0-py3-none-any\.whl/ },
  { name: "audit --plat with an unknown policy", make: (dir) => ["audit", "--plat", "manylinux_9_99", join(dir, "gone-1.0-py3-none-any.whl")], error: /manylinux_9_99|gone-1\.0/ },
  { name: "manylinux with an unknown policy", make: () => ["manylinux", "--policy", "bogus"], error: /no default build image for policy bogus/ },
];

// ---------------------------------------------------------------- wheels and ELF files

/**
 * Zips written by Python's zipfile (an independent writer), then patched where
 * zipfile will not lie. Entries: [name, text | {file}, mode?]; `record` adds a
 * correct RECORD; `patch` rewrites a declared size.
 */
const CRAFT = String.raw`
import base64, hashlib, json, os, struct, sys, warnings, zipfile
warnings.simplefilter("ignore")
for spec in json.load(open(sys.argv[1])):
    rows = []
    with zipfile.ZipFile(spec["out"], "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content, mode, flags in spec["entries"]:
            data = open(content["file"], "rb").read() if isinstance(content, dict) else content.encode()
            zi = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_BZIP2 if flags == "bzip2" else zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = (mode or 0o100644) << 16
            zf.writestr(zi, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append(f"{name},sha256={digest},{len(data)}")
        if spec.get("record"):
            rows.append(spec["record"] + ",,")
            zf.writestr(zipfile.ZipInfo(spec["record"], (2020, 1, 1, 0, 0, 0)), "\n".join(rows) + "\n")
    b = bytearray(open(spec["out"], "rb").read())
    if spec.get("encrypt"):
        lh = b.find(b"PK\x03\x04"); b[lh + 6] |= 1
        cd = b.find(b"PK\x01\x02"); b[cd + 8] |= 1
    if spec.get("declare") is not None:
        lh = b.find(b"PK\x03\x04"); struct.pack_into("<I", b, lh + 22, spec["declare"])
        cd = b.find(b"PK\x01\x02"); struct.pack_into("<I", b, cd + 24, spec["declare"])
    if spec.get("truncate"):
        b = b[: len(b) // 2]
    open(spec["out"], "wb").write(b)
`;

type Entry = [string, string | { file: string }, number?, string?];
interface WheelSpec {
  file: string;
  entries: Entry[];
  /** true: a correct RECORD under the dist-info folder (default) */
  record?: boolean;
  encrypt?: boolean;
  declare?: number;
  truncate?: boolean;
  raw?: Buffer;
}

const DIST = "bad-1.0.dist-info";
const METADATA: Entry = [`${DIST}/METADATA`, "Metadata-Version: 2.1\nName: bad\nVersion: 1.0\n"];
const WHEEL_FILE: Entry = [`${DIST}/WHEEL`, "Wheel-Version: 1.0\nGenerator: corpus\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n"];
const PLAT = "bad-1.0-cp311-cp311-linux_x86_64.whl";

/** An x86_64 shared object, well formed, with `damage` applied to its bytes. */
function elf(damage: (b: Buffer, layout: ReturnType<typeof buildElf>["layout"]) => Buffer | void): Buffer {
  const { bytes, layout } = buildElf({
    cls: 64,
    endian: "little",
    machine: 62,
    needed: ["libc.so.6"],
    soname: "_bad.so",
    verneed: [{ file: "libc.so.6", versions: [{ name: "GLIBC_2.2.5" }] }],
    symbols: [{ name: "memcpy", defined: false, version: "GLIBC_2.2.5" }, { name: "PyInit__bad", defined: true }],
  });
  return damage(bytes, layout) ?? bytes;
}

const WHEELS: { name: string; wheel: WheelSpec; command?: "audit" | "repair"; error: RegExp }[] = [
  { name: "not a zip", wheel: { file: PLAT, entries: [], raw: Buffer.from("this is not a zip file".repeat(20)) }, error: /end of central directory|not a usable wheel/i },
  { name: "empty file", wheel: { file: PLAT, entries: [], raw: Buffer.alloc(0) }, error: /bad-1\.0/ },
  { name: "truncated zip", wheel: { file: PLAT, entries: [METADATA, WHEEL_FILE, ["bad/a.txt", "x".repeat(5000)]], truncate: true }, error: /bad-1\.0/ },
  { name: "zip-slip member", wheel: { file: PLAT, entries: [["../evil.py", "x"], METADATA, WHEEL_FILE] }, error: /\.\.\/evil\.py|invalid relative path/ },
  { name: "absolute member path", wheel: { file: PLAT, entries: [["/etc/evil", "x"], METADATA, WHEEL_FILE] }, error: /absolute path|is unsafe/ },
  { name: "'.' segment in a member path", wheel: { file: PLAT, entries: [["bad/./a.py", "x"], METADATA, WHEEL_FILE] }, error: /is unsafe: it contains '\.'/ },
  { name: "backslash in a member path", wheel: { file: PLAT, entries: [["bad\\..\\..\\evil.py", "x"], METADATA, WHEEL_FILE] }, error: /invalid characters in fileName: bad\\/ },
  { name: "duplicate member", wheel: { file: PLAT, entries: [["bad/a.py", "1"], ["bad/a.py", "2"], METADATA, WHEEL_FILE] }, error: /appears twice/ },
  { name: "symlink member", wheel: { file: PLAT, entries: [["bad/lib.so", "/etc/passwd", 0o120777], METADATA, WHEEL_FILE] }, error: /symbolic link/ },
  { name: "bzip2-compressed member", wheel: { file: PLAT, entries: [["bad/a.py", "x".repeat(100), 0, "bzip2"], METADATA, WHEEL_FILE] }, error: /compression method 12/ },
  { name: "encrypted member", wheel: { file: PLAT, entries: [["bad/a.py", "x"], METADATA, WHEEL_FILE], encrypt: true }, error: /encrypt/i },
  { name: "zip bomb (declared size over the limit)", wheel: { file: PLAT, entries: [["bad/a.txt", "a".repeat(100000)], METADATA, WHEEL_FILE], declare: 0xfffffff0 }, error: /claims 4294967280 bytes/ },
  { name: "declared size more than deflate can produce", wheel: { file: PLAT, entries: [["bad/a.txt", "b".repeat(10000)], METADATA, WHEEL_FILE], declare: 200000 }, error: /"bad\/a\.txt" claims 200000 bytes from \d+ compressed bytes, more than deflate can produce/ },
  { name: "no WHEEL file", wheel: { file: PLAT, entries: [METADATA] }, error: /WHEEL/ },
  { name: "no RECORD", wheel: { file: PLAT, entries: [METADATA, WHEEL_FILE], record: false }, error: /RECORD/ },
  { name: "WHEEL of an unknown major version", wheel: { file: PLAT, entries: [METADATA, [`${DIST}/WHEEL`, "Wheel-Version: 2.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n"]] }, error: /only 1\.x/ },
  { name: "WHEEL that is not key: value lines", wheel: { file: PLAT, entries: [METADATA, [`${DIST}/WHEEL`, "garbage line\n"]] }, error: /WHEEL|garbage/ },
  { name: "dist-info folder of another name", wheel: { file: PLAT, entries: [["other-2.0.dist-info/METADATA", "x"], ["other-2.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"]] }, error: /dist-info/ },
  { name: "file name with too few parts", wheel: { file: "bad-cp311.whl", entries: [METADATA, WHEEL_FILE] }, error: /"bad-cp311\.whl" is not a wheel file name/ },
  // ELF damage inside an otherwise good wheel
  { name: "ELF: truncated header", wheel: { file: PLAT, entries: [["bad/_bad.so", "\x7fELF\x02\x01", 0o100755], METADATA, WHEEL_FILE] }, error: /_bad\.so.*(too short|truncated|ELF)/ },
  { name: "ELF: unknown class", wheel: { file: PLAT, entries: [["bad/_bad.so", { file: "elf-class9.so" }, 0o100755], METADATA, WHEEL_FILE] }, error: /unknown ELF class 9/ },
  { name: "ELF: program headers beyond the end", wheel: { file: PLAT, entries: [["bad/_bad.so", { file: "elf-phoff.so" }, 0o100755], METADATA, WHEEL_FILE] }, error: /program header table.*beyond the end/ },
  { name: "ELF: section headers beyond the end", wheel: { file: PLAT, entries: [["bad/_bad.so", { file: "elf-shoff.so" }, 0o100755], METADATA, WHEEL_FILE] }, error: /section header table.*beyond the end/ },
  { name: "ELF: DT_NEEDED name outside the string table", wheel: { file: PLAT, entries: [["bad/_bad.so", { file: "elf-needed.so" }, 0o100755], METADATA, WHEEL_FILE] }, error: /DT_NEEDED name offset \d+ is outside the string table/ },
  { name: "ELF: repair of a damaged library", command: "repair", wheel: { file: PLAT, entries: [["bad/_bad.so", { file: "elf-phoff.so" }, 0o100755], METADATA, WHEEL_FILE] }, error: /program header table.*beyond the end/ },
  { name: "repair of a wheel without ELF files", command: "repair", wheel: { file: PLAT, entries: [["bad/a.py", "x"], METADATA, WHEEL_FILE] }, error: /cannot be repaired: no ELF files/ },
];

const ELF_FILES: Record<string, Buffer> = {
  "elf-class9.so": elf((b) => void (b[4] = 9)),
  "elf-phoff.so": elf((b) => patchU32(b, 32, b.length - 8, "little")),
  "elf-shoff.so": elf((b) => patchU32(b, 40, b.length + 4096, "little")),
  "elf-needed.so": elf((b, l) => patchU32(b, l.dynamic + 8, 0x7fffff, "little")),
};

// ---------------------------------------------------------------- the run

/** Exactly one `error:` line, matching; no stack trace; the expected exit code. */
function expectOneLineError(r: { code: number; stdout: string; stderr: string }, c: { code?: number; error: RegExp; passthrough?: boolean }): void {
  const lines = r.stderr.trimEnd().split("\n");
  let errors = lines.filter((l) => l.startsWith("error: "));
  const ctx = `exit ${r.code}\n${r.stderr}`;
  expect(r.code, ctx).toBe(c.code ?? 1);
  if (c.passthrough) {
    // cargo's messages stay visible above; ours is last, with at most its hint after it
    const last = lines.findLastIndex((l) => l.startsWith("error: "));
    expect(lines.slice(last + 1).every((l) => l.startsWith("  hint: ")), ctx).toBe(true);
    errors = errors.slice(-1);
  }
  expect(errors, ctx).toHaveLength(1);
  expect((errors[0] as string).slice("error: ".length), ctx).toMatch(c.error);
  expect(r.stderr, ctx).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$|^\s+at .*:\d+:\d+$/m);
  expect(r.stderr, ctx).not.toMatch(/looks like a bug/);
}

describe("hostile and broken inputs: one line, non-zero, no stack", () => {
  it("the corpus holds at least 60 cases", () => {
    expect(PROJECTS.length + ARGUMENTS.length + WHEELS.length).toBeGreaterThanOrEqual(60);
  });

  describe("arguments", () => {
    it.each(ARGUMENTS.map((c) => [c.name, c] as const))("%s", (_n, c) => {
      const dir = freshDir("corpus-arg");
      expectOneLineError(runCli(c.make(dir), { cwd: dir, ...(c.env ? { env: c.env } : {}) }), c);
    });
  });

  describe("projects", () => {
    it.each(PROJECTS.map((c) => [c.name, c] as const))("%s", (_n, c) => {
      const dir = freshDir("corpus-project");
      const args = c.make(dir);
      expectOneLineError(runCli(args, { cwd: dir, env: { ...c.env } }), c);
    });
  });

  describe("wheels and ELF files (audit, repair)", () => {
    let dir: string;
    beforeAll(() => {
      dir = freshDir("corpus-wheels");
      for (const [name, bytes] of Object.entries(ELF_FILES)) writeFileSync(join(dir, name), bytes);
      const specs = WHEELS.map((w, i) => {
        const sub = join(dir, String(i));
        mkdirSync(sub);
        const out = join(sub, w.wheel.file);
        if (w.wheel.raw) writeFileSync(out, w.wheel.raw);
        const entries = w.wheel.entries.map(([n, content, mode, flags]) => [n, typeof content === "string" ? content : { file: join(dir, content.file) }, mode ?? 0, flags ?? ""]);
        return w.wheel.raw ? undefined : { out, entries, record: w.wheel.record === false ? undefined : `${DIST}/RECORD`, encrypt: w.wheel.encrypt, declare: w.wheel.declare, truncate: w.wheel.truncate };
      });
      const specFile = join(dir, "specs.json");
      writeFileSync(specFile, JSON.stringify(specs.filter(Boolean)));
      execFileSync(SYSTEM_PYTHON, ["-c", CRAFT, specFile]);
    });

    it.each(WHEELS.map((w, i) => [w.name, w, i] as const))("%s", (_n, w, i) => {
      const wheel = join(dir, String(i), w.wheel.file);
      const args = w.command === "repair" ? ["repair", wheel, "-w", join(dir, String(i), "out")] : ["audit", wheel];
      expectOneLineError(runCli(args, { cwd: dir }), w);
    });
  });
});
