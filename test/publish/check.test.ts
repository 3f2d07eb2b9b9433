/** `check`: the verdicts of `twine check --strict` on the same files, plus the file-name/metadata checks. */
import { copyFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFile, passed } from "../../src/publish/check.js";
import { execFileSync, spawnSync } from "node:child_process";
import { freshDir, NEWER_PKGINFO, SYSTEM_PYTHON, testEnv } from "../helpers/env.js";
import { requireNewerPkginfo, runCliAsync, sampleSdist, sampleWheel } from "./helpers.js";
import { writeTarGz } from "../../src/wheel/tar.js";

const BAD_RST = "Title\n=====\n\n`unclosed\n\n.. unknown-directive:: x\n";

/** `twine check --strict` on all files in one run (it is slow to start): file -> passed. */
function twineVerdicts(files: string[]): Map<string, boolean> {
  requireNewerPkginfo();
  const r = spawnSync("twine", ["check", "--strict", ...files], { env: testEnv({ PYTHONPATH: NEWER_PKGINFO, NO_COLOR: "1", COLUMNS: "10000" }), encoding: "utf8" });
  const out = new Map<string, boolean>();
  for (const m of r.stdout.replace(/\x1b\[[0-9;]*m/g, "").matchAll(/Checking\s+(\S+):\s+(PASSED|FAILED)/g)) out.set(m[1] as string, m[2] === "PASSED");
  return out;
}

describe("checkFile", () => {
  it("agrees with twine check --strict: good, no content type, no description, reStructuredText that does not render", async () => {
    const d = freshDir("check");
    const cases = [
      [await sampleWheel(d), true],
      [await sampleSdist(freshDir("check"), { description: { body: "Fine\n====\n\ntext\n", contentType: "text/x-rst" } }), true],
      [await sampleWheel(freshDir("check"), { description: undefined }), false],
      [await sampleSdist(freshDir("check"), { description: { body: BAD_RST, contentType: "text/x-rst" } }), false],
    ] as const;
    const twine = twineVerdicts(cases.map(([f]) => f));
    for (const [file, ok] of cases) {
      const r = await checkFile(file, { python: SYSTEM_PYTHON });
      expect(passed(r), `${file}: ${JSON.stringify(r.errors.concat(r.warnings))}`).toBe(ok);
      expect(twine.get(file), file).toBe(ok);
      expect(r.notes).toEqual([]);
    }
    const noDescription = await checkFile(cases[2][0]);
    expect(noDescription.warnings).toEqual([
      "Description-Content-Type is missing (the index then renders the description as reStructuredText)",
      "the description (long_description, the readme) is missing",
    ]);
    expect(passed(noDescription, false)).toBe(true);
    const bad = await checkFile(cases[3][0], { python: SYSTEM_PYTHON });
    expect(bad.errors[0]).toMatch(/^the reStructuredText description does not render on the index: line \d+: Warning: Inline interpreted text or phrase reference start-string without end-string/);
  });

  it("without a Python that has readme_renderer, reStructuredText is noted as not verified, not failed", async () => {
    const file = await sampleSdist(freshDir("check"), { description: { body: BAD_RST, contentType: "text/x-rst" } });
    const r = await checkFile(file, { python: "no-such-python-xyz" });
    expect(r.errors).toEqual([]);
    expect(r.notes[0]).toMatch(/^reStructuredText description not verified: no-such-python-xyz not found/);
  });

  it("file name against metadata; an sdist without PKG-INFO; an unknown Metadata-Version", async () => {
    const d = freshDir("check");
    const wrongName = await sampleSdist(d, { name: "spam-eggs" }, "Metadata-Version: 2.1\nName: other\nVersion: 1.2.0\nDescription-Content-Type: text/plain\n\nx\n");
    expect((await checkFile(wrongName)).errors).toEqual([`the file name says "spam_eggs" but spam_eggs-1.2.0/PKG-INFO says Name: other`]);
    const future = await sampleSdist(freshDir("check"), {}, "Metadata-Version: 9.9\nName: Spam.Eggs\nVersion: 1.2.0\n");
    expect((await checkFile(future)).errors[0]).toBe("spam_eggs-1.2.0/PKG-INFO: Metadata-Version 9.9 is not one of 1.0, 1.1, 1.2, 2.1, 2.2, 2.3, 2.4, 2.5");
    // PEP 426's 2.0 was withdrawn and never used: twine 7 (packaging) refuses it before the upload
    const withdrawn = await sampleSdist(freshDir("check"), {}, "Metadata-Version: 2.0\nName: Spam.Eggs\nVersion: 1.2.0\n");
    expect((await checkFile(withdrawn)).errors[0]).toMatch(/^spam_eggs-1\.2\.0\/PKG-INFO: Metadata-Version 2\.0 is not one of /);
    const empty = join(freshDir("check"), "spam-1.0.tar.gz");
    await writeTarGz(empty, [{ path: "spam-1.0/setup.py", content: { kind: "bytes", data: Buffer.from("") } }]);
    expect((await checkFile(empty)).errors).toEqual(["spam-1.0.tar.gz has no spam-1.0/PKG-INFO"]);
  });

  it("a wheel whose RECORD does not match a file, and one whose file name's tags are not WHEEL's: one error line each", async () => {
    const d = freshDir("check");
    const good = await sampleWheel(d);
    // the same archive with one file's bytes changed (by Python's zipfile, not our writer); RECORD kept
    const tampered = join(freshDir("check"), basename(good));
    const py = "import sys, zipfile\nsrc, dst = sys.argv[1:]\nwith zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, 'w') as b:\n  for i in a.infolist(): b.writestr(i, b'ANSWER = 41\\n' if i.filename.endswith('__init__.py') else a.read(i))\n";
    execFileSync(SYSTEM_PYTHON, ["-c", py, good, tampered]);
    expect((await checkFile(tampered)).errors).toEqual([
      "spam_eggs-1.2.0-cp311-cp311-linux_x86_64.whl: spam_eggs-1.2.0.dist-info/RECORD: the hash of spam_eggs/__init__.py does not match its content",
    ]);
    // renamed to other tags: WHEEL still says cp311
    const renamed = join(d, "spam_eggs-1.2.0-cp312-cp312-linux_x86_64.whl");
    copyFileSync(good, renamed);
    expect((await checkFile(renamed)).errors).toEqual([
      "spam_eggs-1.2.0-cp312-cp312-linux_x86_64.whl: the file name's tags (cp312-cp312-linux_x86_64) differ from spam_eggs-1.2.0.dist-info/WHEEL's Tag lines (cp311-cp311-linux_x86_64)",
    ]);
    // the CLI: FAILED, one error line for each
    const r = await runCliAsync(["check", tampered, renamed]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `Checking ${tampered}: FAILED\n  error: ${(await checkFile(tampered)).errors[0]}\nChecking ${renamed}: FAILED\n  error: ${(await checkFile(renamed)).errors[0]}\n`,
    );
    expect(passed(await checkFile(good))).toBe(true);
  });

  it("not a zip, a bad wheel name, a missing file, not a tar.gz: each one error naming the file, no throw", async () => {
    const d = freshDir("check");
    writeFileSync(join(d, "spam-1.0-py3-none-any.whl"), "garbage");
    writeFileSync(join(d, "foo.whl"), "x");
    expect((await checkFile(join(d, "spam-1.0-py3-none-any.whl"))).errors[0]).toMatch(/^spam-1\.0-py3-none-any\.whl is not a usable wheel: /);
    expect((await checkFile(join(d, "foo.whl"))).errors).toEqual([`"foo.whl" is not a wheel file name: it has 1 '-'-separated parts, not 5 or 6`]);
    expect((await checkFile(join(d, "gone.tar.gz"))).errors).toEqual([`${join(d, "gone.tar.gz")}: cannot read (ENOENT)`]);
    writeFileSync(join(d, "spam-1.0.tar.gz"), "not a tar");
    expect((await checkFile(join(d, "spam-1.0.tar.gz"))).errors).toEqual(["spam-1.0.tar.gz is not a readable .tar.gz: TAR_BAD_ARCHIVE: Unrecognized archive format"]);
  });
});

describe("pyts-build check (CLI)", () => {
  it("prints a verdict per file; exit 1 with a one-line error when one fails", async () => {
    const good = await sampleWheel(freshDir("check-cli"));
    const bad = await sampleWheel(freshDir("check-cli"), { description: undefined });
    const ok = await runCliAsync(["check", good]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`Checking ${good}: PASSED\n`);
    const r = await runCliAsync(["check", good, bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Checking ${bad}: FAILED due to warnings\n  warning: Description-Content-Type is missing`);
    expect(r.stderr).toBe("error: 1 of 2 files failed the checks\n  hint: fix what is listed above and rebuild\n");
    const lax = await runCliAsync(["check", "--no-strict", bad]);
    expect([lax.code, lax.stdout.split("\n")[0]]).toEqual([0, `Checking ${bad}: PASSED with warnings`]);
  });
});
