/**
 * Outputs that cannot be written, closed pipes and broken wheels through the
 * real CLI: one-line `error: cannot write <path>: <plain words>` before any
 * compile (not the "bug" hint), `| head` ends quietly with status 0, `repair`
 * never overwrites its input, a wheel whose zip directory under-declares an
 * entry is an ArchiveError in `audit`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { CLI, cpython, freshDir, ROOT, testEnv } from "../helpers/env.js";
import { buildPyext, makeWheel } from "../manylinux/helpers/build.js";

/** One error line naming the path in plain words, a hint, no stack, no "bug" hint, and no compile before it. */
function expectCannotWrite(r: { code: number; stderr: string }, path: string, words: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split("\n");
  const err = lines.findIndex((l) => l.startsWith("error: "));
  expect(lines[err]).toMatch(new RegExp(`^error: cannot write ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\S*: `));
  expect(lines[err]).toMatch(words);
  expect(lines[err + 1]).toMatch(/^ {2}hint: /);
  expect(r.stderr).not.toMatch(/looks like a bug/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/Compiling|Finished/);
}

const py311 = cpython("3.11")!;
const mounts: string[] = [];

function mount(args: string[], dir: string): string {
  execFileSync("mount", [...args, dir]);
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync("umount", [m]);
});

describe("outputs that cannot be written", () => {
  let crate: string;
  let target: string;

  beforeAll(() => {
    const dir = freshDir("out-errors");
    crate = join(dir, "crate");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), crate, { recursive: true });
    target = join(dir, "target");
  });
  const wheel = (out: string) => runCli(["wheel", "-m", join(crate, "Cargo.toml"), "-o", out, "-i", py311, "--compatibility", "linux"], { env: { CARGO_TARGET_DIR: target } });

  it("-o naming a file", () => {
    const file = join(freshDir("out-file"), "not-a-folder");
    writeFileSync(file, "x");
    expectCannotWrite(wheel(file), file, /it is a file, not a folder/);
    expectCannotWrite(runCli(["sdist", "-m", join(crate, "Cargo.toml"), "-o", file], { env: { CARGO_TARGET_DIR: target } }), file, /it is a file, not a folder/);
  });

  it("-o below a file", () => {
    const file = join(freshDir("out-below"), "file");
    writeFileSync(file, "x");
    expectCannotWrite(wheel(join(file, "wheels")), join(file, "wheels"), /a part of the path is a file, not a folder/);
  });

  it("a read-only folder", () => {
    const ro = mount(["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs"], freshDir("out-ro"));
    expectCannotWrite(wheel(ro), ro, /read-only file system/);
    expectCannotWrite(wheel(join(ro, "sub")), join(ro, "sub"), /read-only file system/);
  });

  it("a full disk while writing", () => {
    // room for the folder check, not for the wheel (the debug build of ffi-min is about 1 MB)
    const tiny = mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs"], freshDir("out-full"));
    const r = wheel(tiny);
    expect(r.stderr).toMatch(/Finished/); // this one is only found while writing
    const line = r.stderr.split("\n").find((l) => l.startsWith("error: "));
    expect(line).toMatch(new RegExp(`^error: cannot write ${tiny}/ffi_min-0\\.2\\.0-cp311-cp311-linux_x86_64\\.whl: no space left on the device$`));
    expect(r.stderr).not.toMatch(/looks like a bug|\n\s+at /);
    expect(readdirSync(tiny)).toEqual([]); // the temporary file went too
  });
});

describe("repair never overwrites its input", () => {
  it("refuses when the repaired name is the input itself", () => {
    const dir = freshDir("repair-self");
    const so = buildPyext({ variant: "out-errors-plain" });
    // already tagged as it would be repaired: the output name equals the input
    const plain = makeWheel(dir, "sdemo", "1.0", "cp311-cp311-linux_x86_64", [{ path: "sdemo/pyext.so", data: readFileSync(so) }]);
    const first = runCli(["repair", plain, "-w", join(dir, "house")]);
    expect(first.code, first.stderr).toBe(0);
    const repaired = first.stdout.trim();
    const before = readFileSync(repaired);
    const mtime = statSync(repaired).mtimeMs;
    const again = runCli(["repair", repaired, "-w", join(dir, "house")]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: cannot write \S+\.whl: it is the input wheel, which would be overwritten\n {2}hint: give -w\/--wheel-dir another folder/);
    expect(readFileSync(repaired).equals(before)).toBe(true);
    expect(statSync(repaired).mtimeMs).toBe(mtime);
    expect(readdirSync(join(dir, "house"))).toEqual([repaired.split("/").pop()]);
  });
});

describe("closed pipes and broken wheels", () => {
  let wheel: string;
  beforeAll(() => {
    const dir = freshDir("pipes");
    const so = buildPyext({ variant: "out-errors-plain" });
    wheel = makeWheel(dir, "pdemo", "1.0", "cp311-cp311-linux_x86_64", [{ path: "pdemo/pyext.so", data: readFileSync(so) }]);
  });

  it("audit --json into a pipe closed early ends quietly with status 0", () => {
    // many wheels: far more output than a pipe buffers, so writes meet the closed pipe
    const args = Array.from({ length: 40 }, () => wheel);
    const b = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI}" audit --json "$@" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`, "bash", ...args], {
      env: testEnv(),
      encoding: "utf8",
    });
    expect(b.stderr).toBe("");
    expect(b.stdout.trim()).toBe("0");
  });

  it("audit of a wheel whose zip directory declares a smaller size than the entry holds", () => {
    const dir = freshDir("lie-small");
    const so = readFileSync(buildPyext({ variant: "out-errors-plain" }));
    const good = makeWheel(dir, "ldemo", "1.0", "cp311-cp311-linux_x86_64", [{ path: "ldemo/pyext.so", data: so }]);
    // patch the local and central sizes of the first entry down to 100 bytes
    const b = readFileSync(good);
    const local = b.indexOf(Buffer.from("PK\x03\x04", "latin1"));
    const central = b.indexOf(Buffer.from("PK\x01\x02", "latin1"));
    b.writeUInt32LE(100, local + 22);
    b.writeUInt32LE(100, central + 24);
    writeFileSync(good, b);
    const tmp = freshDir("lie-small-tmp");
    for (const cmd of [["audit", good], ["repair", good, "-w", join(dir, "house")]]) {
      const r = runCli(cmd, { env: { TMPDIR: tmp } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: ldemo-1\.0-cp311-cp311-linux_x86_64\.whl: cannot read "ldemo\/pyext\.so": too many bytes in the stream\. expected 100\. got at least \d+\n {2}hint: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(join(dir, "house")) ? readdirSync(join(dir, "house")) : []).toEqual([]);
  });
});
