/**
 * Interrupts (src/cleanup.ts) through the real CLI: the node process alone (not
 * its group, as a CI runner's timeout or `kill PID` does) gets SIGINT, SIGTERM
 * or SIGHUP in the middle of each command's work; it must end with 128 + the
 * signal number, leave no temporary file or folder behind, and leave no child
 * running. The middle of the work is made deterministic where the code allows:
 * a build script that sleeps (cargo and what it starts), a FIFO the sdist
 * writer waits on, a patchelf that signals its parent (repair). The wheel
 * writer (which peeks at every file with positioned reads, so no FIFO) and
 * audit (no program, regular files only) are caught by watching for their
 * temporaries while they write 64 MB / extract 4000 entries; losing that race
 * fails the test (the run completes), it cannot pass wrongly.
 */
import { randomBytes } from "node:crypto";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, cpython, freshDir, makeVenv, ROOT, testEnv } from "../helpers/env.js";
import { buildCLib, buildPyext, makeWheel } from "../manylinux/helpers/build.js";

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Start the CLI as its own process (same group as the test: only `kill(pid)` reaches it alone). */
function start(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: testEnv(env), stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const ended = new Promise<Ended>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })));
  return { child, ended };
}

/** Poll until `pred` holds; fail with `what` (and the CLI's stderr so far) after `ms`. */
async function waitFor(pred: () => boolean, what: string, ended: Promise<Ended>, ms = 60_000, everyMs = 10): Promise<void> {
  let done: Ended | undefined;
  void ended.then((e) => (done = e));
  const until = Date.now() + ms;
  while (!pred()) {
    if (done) throw new Error(`the CLI ended (${done.code ?? done.signal}) before ${what}:\n${done.stderr}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What is left in `dir` (recursively, hidden names included). */
function leftIn(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]) : [];
}

/** Ended by the signal (a shell's 128 + n), after its handler ran: without one there is no message. */
function expectInterrupted(e: Ended, signal: NodeJS.Signals): void {
  expect(e.signal, e.stderr).toBe(signal);
  expect(e.stderr).toContain(`interrupted by ${signal}; temporary files removed`);
  expect(e.stderr).not.toMatch(/^error:/m);
}

/**
 * A copy of the ffi-min fixture whose build script, when PYTS_TEST_MARKER is set,
 * writes its pid there and sleeps: cargo (and its children) are mid-work.
 */
function sleepyCrate(name: string): string {
  const dir = join(freshDir(name), "crate");
  cpSync(join(ROOT, "test/fixtures/ffi-min"), dir, { recursive: true });
  writeFileSync(
    join(dir, "build.rs"),
    `fn main() {
    println!("cargo:rerun-if-env-changed=PYTS_TEST_MARKER");
    if let Ok(marker) = std::env::var("PYTS_TEST_MARKER") {
        std::fs::write(&marker, std::process::id().to_string()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(300));
    }
}
`,
  );
  return dir;
}

/** A copy of ffi-min whose wheel/sdist includes `slow.txt`. */
function includingCrate(name: string, format: "wheel" | "sdist"): string {
  const dir = join(freshDir(name), "crate");
  cpSync(join(ROOT, "test/fixtures/ffi-min"), dir, { recursive: true });
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n[project]\nname = "ffi-min"\ndynamic = ["version"]\n\n[tool.pyts-build]\ninclude = [{ path = "slow.txt", format = ["${format}"] }]\n`,
  );
  return dir;
}

/** `slow.txt` is a FIFO: the sdist writer waits on it (with the archive's temporary file open). */
function fifoCrate(name: string, format: "wheel" | "sdist"): string {
  const dir = includingCrate(name, format);
  execFileSync("mkfifo", [join(dir, "slow.txt")]);
  return dir;
}

/** `slow.txt` is 64 MB that deflate cannot shrink: writing it takes a while (seen: over a second). */
function bigFileCrate(name: string, format: "wheel" | "sdist"): string {
  const dir = includingCrate(name, format);
  writeFileSync(join(dir, "slow.txt"), randomBytes(64 * 1024 * 1024));
  return dir;
}

const py311 = cpython("3.11");

/** A wheel (Python's zipfile) with the extension and `n` small data files: extracting it takes a while. */
function manyEntryWheel(dir: string, so: string, n: number): string {
  const wheel = join(dir, "adem-1.0-cp311-cp311-linux_x86_64.whl");
  const script = String.raw`
import base64, hashlib, sys, zipfile
wheel, so, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = [("adem/pyext.so", open(so, "rb").read())]
files += [("adem/data/f%d.bin" % i, bytes([i % 251]) * 4096) for i in range(n)]
files.append(("adem-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: adem\nVersion: 1.0\n"))
files.append(("adem-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n"))
rows = ["%s,sha256=%s,%d" % (p, base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode(), len(d)) for p, d in files]
rows.append("adem-1.0.dist-info/RECORD,,")
files.append(("adem-1.0.dist-info/RECORD", ("\n".join(rows) + "\n").encode()))
with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
    for p, d in files:
        z.writestr(p, d)
`;
  execFileSync("/usr/bin/python3", ["-c", script, wheel, so, String(n)]);
  return wheel;
}

describe("an interrupt leaves nothing behind", () => {
  it("wheel: SIGINT while cargo runs a build script stops cargo's whole group", async () => {
    const crate = sleepyCrate("int-wheel-cargo");
    const out = join(crate, "..", "out");
    const tmp = freshDir("int-wheel-cargo-tmp");
    const marker = join(crate, "..", "build-script.pid");
    const { child, ended } = start(["wheel", "-m", join(crate, "Cargo.toml"), "-o", out, "-i", py311!, "--compatibility", "linux"], {
      PYTS_TEST_MARKER: marker,
      CARGO_TARGET_DIR: join(crate, "..", "target"),
      TMPDIR: tmp,
    });
    await waitFor(() => existsSync(marker) && readFileSync(marker, "utf8") !== "", "the build script to start", ended);
    const script = Number(readFileSync(marker, "utf8"));
    expect(alive(script)).toBe(true);
    child.kill("SIGINT");
    expectInterrupted(await ended, "SIGINT");
    expect(alive(script)).toBe(false);
    expect(leftIn(out)).toEqual([]);
    expect(leftIn(tmp)).toEqual([]);
  }, 120_000);

  it("wheel: SIGTERM while the wheel is being written removes its temporary file", async () => {
    // (a FIFO cannot hold the writer here: the layout peeks at every file with a positioned read)
    const crate = bigFileCrate("int-wheel-write", "wheel");
    const out = join(crate, "..", "out");
    const { child, ended } = start(["wheel", "-m", join(crate, "Cargo.toml"), "-o", out, "-i", py311!, "--compatibility", "linux"], {
      CARGO_TARGET_DIR: join(crate, "..", "target"),
    });
    await waitFor(() => leftIn(out).some((n) => /^\.ffi_min-.*\.whl\.tmp-\d+$/.test(n)), "the temporary wheel", ended, 60_000, 2);
    child.kill("SIGTERM");
    expectInterrupted(await ended, "SIGTERM");
    expect(leftIn(out)).toEqual([]);
  }, 120_000);

  it.each(["SIGTERM", "SIGHUP"] as const)("sdist: %s while the archive is being written removes its temporary file", async (signal) => {
    const crate = fifoCrate(`int-sdist-${signal}`, "sdist");
    const out = join(crate, "..", "out");
    const { child, ended } = start(["sdist", "-m", join(crate, "Cargo.toml"), "-o", out], { CARGO_TARGET_DIR: join(crate, "..", "target") });
    await waitFor(() => leftIn(out).some((n) => /^\.ffi_min-.*\.tar\.gz\.tmp-\d+$/.test(n)), "the temporary sdist", ended);
    child.kill(signal);
    expectInterrupted(await ended, signal);
    expect(leftIn(out)).toEqual([]);
  }, 120_000);

  it("repair: SIGTERM during patchelf removes the scratch folders in -w", async () => {
    const dir = freshDir("int-repair");
    const libDir = join(dir, "lib");
    buildCLib(libDir, "libintdep.so.1", "long pyext_answer(void) { return 9; }\n", ["-Wl,-soname,libintdep.so.1"]);
    execFileSync("ln", ["-s", "libintdep.so.1", join(libDir, "libintdep.so")]);
    const so = buildPyext({ variant: "interrupt-extlib", features: ["extlib"], linkLib: "intdep", linkDir: libDir });
    const wheel = makeWheel(dir, "idemo", "1.0", "cp311-cp311-linux_x86_64", [{ path: "idemo/pyext.so", data: readFileSync(so) }]);
    // a patchelf that signals pyts-build (its parent) and then does the real work
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const realPatchelf = execFileSync("sh", ["-c", "command -v patchelf"], { encoding: "utf8" }).trim();
    writeFileSync(join(bin, "patchelf"), `#!/bin/sh\nkill -TERM $PPID\nexec ${realPatchelf} "$@"\n`);
    chmodSync(join(bin, "patchelf"), 0o755);
    const out = join(dir, "wheelhouse");
    const { ended } = start(["repair", wheel, "-w", out], { PATH: `${bin}:${process.env.PATH ?? ""}`, LD_LIBRARY_PATH: libDir });
    expectInterrupted(await ended, "SIGTERM");
    expect(leftIn(out)).toEqual([]);
  }, 120_000);

  it("audit: SIGTERM while the wheel is extracted removes the scratch folder", async () => {
    const dir = freshDir("int-audit");
    const so = buildPyext({ variant: "interrupt-plain" });
    const wheel = manyEntryWheel(dir, so, 4000);
    const tmp = freshDir("int-audit-tmp");
    const { child, ended } = start(["audit", wheel], { TMPDIR: tmp });
    await waitFor(() => leftIn(tmp).some((n) => n.startsWith("pyts-audit-")), "the scratch folder", ended);
    child.kill("SIGTERM");
    expectInterrupted(await ended, "SIGTERM");
    expect(leftIn(tmp)).toEqual([]);
  }, 120_000);

  it("new: SIGTERM while cargo resolves pyo3 stops cargo and removes the scratch crate", async () => {
    const dir = freshDir("int-new");
    const tmp = join(dir, "tmp");
    mkdirSync(tmp);
    // a cargo that records its pid, signals pyts-build (its parent) and then takes its time
    const marker = join(dir, "cargo.pid");
    const fakeCargo = join(dir, "cargo");
    writeFileSync(fakeCargo, `#!/bin/sh\necho $$ > ${marker}\nkill -TERM $PPID\nexec sleep 300\n`);
    chmodSync(fakeCargo, 0o755);
    const { ended } = start(["new", join(dir, "proj")], { CARGO: fakeCargo, TMPDIR: tmp });
    expectInterrupted(await ended, "SIGTERM");
    expect(leftIn(tmp)).toEqual([]);
    expect(existsSync(join(dir, "proj"))).toBe(false);
    const pid = Number(readFileSync(marker, "utf8"));
    expect(alive(pid)).toBe(false);
  }, 120_000);

  it("develop: SIGTERM during the build stops cargo and removes the temporary wheel folder", async () => {
    const crate = sleepyCrate("int-develop");
    const venv = join(crate, "..", "venv");
    makeVenv(py311!, venv, true);
    const tmp = freshDir("int-develop-tmp");
    const marker = join(crate, "..", "build-script.pid");
    const { child, ended } = start(["develop", "-m", join(crate, "Cargo.toml"), "--venv", venv], {
      PYTS_TEST_MARKER: marker,
      CARGO_TARGET_DIR: join(crate, "..", "target"),
      TMPDIR: tmp,
    });
    await waitFor(() => existsSync(marker) && readFileSync(marker, "utf8") !== "", "the build script to start", ended);
    const script = Number(readFileSync(marker, "utf8"));
    child.kill("SIGTERM");
    expectInterrupted(await ended, "SIGTERM");
    expect(alive(script)).toBe(false);
    expect(leftIn(tmp)).toEqual([]);
  }, 120_000);
});
