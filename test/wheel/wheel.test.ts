import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { VERSION } from "../../src/version.js";
import { MemoryWriter } from "../../src/wheel/writer.js";
import { addWheelContents, renderWheelFile, wheelFileName, writeWheel } from "../../src/wheel/wheel.js";
import { freshDir, installWheel, makeVenv, py, ROOT, SYSTEM_PYTHON, twineCheck, WORK } from "../helpers/env.js";
import { sampleSpec } from "./fixtures/sample-wheel.js";
import { baseMetadata } from "./helpers.js";

const sha256 = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

describe("wheel names and WHEEL", () => {
  it("composes the file name", () => {
    const tags = [
      { python: "cp37", abi: "abi3", platform: "manylinux_2_17_x86_64" },
      { python: "cp37", abi: "abi3", platform: "manylinux2014_x86_64" },
    ];
    expect(wheelFileName("Word.Count", "1.0.0-rc.1", tags)).toBe("word_count-1.0.0rc1-cp37-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl");
    expect(wheelFileName("x", "1.0+local", tags.slice(0, 1), "3abc")).toBe("x-1.0+local-3abc-cp37-abi3-manylinux_2_17_x86_64.whl");
    expect(() => wheelFileName("x", "1.0", tags, "abc")).toThrow(/build tag "abc"/);
  });
  it("renders WHEEL", () => {
    expect(
      renderWheelFile({ generator: "g 1", rootIsPurelib: false, tags: [{ python: "py2.py3", abi: "none", platform: "any" }].flatMap(() => [
        { python: "py3", abi: "none", platform: "any" },
        { python: "py2", abi: "none", platform: "any" },
      ]), buildTag: "1" }),
    ).toBe("Wheel-Version: 1.0\nGenerator: g 1\nRoot-Is-Purelib: false\nTag: py2-none-any\nTag: py3-none-any\nBuild: 1\n");
  });
});

describe("wheel contents", () => {
  const minimal = (files: Array<{ path: string }>) => ({
    metadata: baseMetadata({ name: "p", version: "1" }),
    tags: [{ python: "py3", abi: "none", platform: "any" }],
    files: files.map((f) => ({ path: f.path, source: { bytes: "" } })),
  });
  it.each([
    ["p-1.dist-info/METADATA", /written by pyts-build/],
    ["p-1.dist-info/licenses/LICENSE", /written by pyts-build/],
    ["other-1.dist-info/METADATA", /exactly one .dist-info/],
    ["p-1.data/bogus/x", /must be under one of data, headers, platlib, purelib, scripts/],
    ["p-1.data/scripts", /must be under one of/],
    ["other-2.data/scripts/x", /another distribution's .data/],
    ["/abs.py", /absolute/],
    ["pkg/../x.py", /'\.\.'/],
  ])("rejects %s", (path, why) => {
    expect(() => addWheelContents(new MemoryWriter(), minimal([{ path }]))).toThrow(ValidationError);
    expect(() => addWheelContents(new MemoryWriter(), minimal([{ path }]))).toThrow(why);
  });
  it("accepts .data categories and extra dist-info files", () => {
    const w = new MemoryWriter();
    addWheelContents(w, minimal([{ path: "p-1.data/scripts/tool" }, { path: "p-1.data/headers/x.h" }, { path: "p-1.dist-info/sboms/x.json" }]));
  });
  it("rejects duplicates and License-File names without a file", () => {
    expect(() => addWheelContents(new MemoryWriter(), minimal([{ path: "a.py" }, { path: "a.py" }]))).toThrow(/twice/);
    const spec = { ...minimal([]), metadata: baseMetadata({ name: "p", version: "1", licenseFiles: ["LICENSE"] }) };
    expect(() => addWheelContents(new MemoryWriter(), spec)).toThrow(/License-File "LICENSE" has no file/);
  });
  it("writes License-File lines for license files and Root-Is-Purelib false for platform wheels", async () => {
    const dir = freshDir("wheel-lic");
    const spec = sampleSpec(dir);
    spec.metadata = { ...spec.metadata, license: undefined, licenseExpression: "MIT" };
    delete spec.metadata.license;
    spec.licenseFiles = [{ path: "LICENSE", file: join(dir, "LICENSE") }];
    spec.tags = [{ python: "cp311", abi: "cp311", platform: "linux_x86_64" }];
    const w = new MemoryWriter({ recordPath: "spam_eggs-1.0.0a1.dist-info/RECORD" });
    addWheelContents(w, spec);
    await w.finish();
    const meta = w.text("spam_eggs-1.0.0a1.dist-info/METADATA");
    expect(meta).toMatch(/^Metadata-Version: 2\.4\n/);
    expect(meta).toContain("License-Expression: MIT\nLicense-File: LICENSE\n");
    expect(w.text("spam_eggs-1.0.0a1.dist-info/licenses/LICENSE")).toContain("Permission is granted.");
    expect(w.text("spam_eggs-1.0.0a1.dist-info/WHEEL")).toBe(
      `Wheel-Version: 1.0\nGenerator: pyts-build ${VERSION}\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n`,
    );
  });
});

describe("a real pure-Python wheel", () => {
  it("passes twine check --strict, installs with installer (RECORD verified), imports and runs its script", async () => {
    const dir = freshDir("wheel-e2e");
    const whl = await writeWheel(sampleSpec(join(dir, "src")), join(dir, "out"), { epoch: 1700000000 });
    expect(basename(whl)).toBe("spam_eggs-1.0.0a1-py3-none-any.whl");

    twineCheck(whl);

    const names = py(SYSTEM_PYTHON, `import zipfile; print("\\n".join(zipfile.ZipFile(${JSON.stringify(whl)}).namelist()))`).split("\n");
    expect(names).toEqual([
      "spam/__init__.py",
      "spam/cli.py",
      "spam/data.txt",
      "spam_eggs-1.0.0a1.dist-info/METADATA",
      "spam_eggs-1.0.0a1.dist-info/WHEEL",
      "spam_eggs-1.0.0a1.dist-info/entry_points.txt",
      "spam_eggs-1.0.0a1.dist-info/RECORD",
    ]);

    const venvPy = makeVenv(SYSTEM_PYTHON, join(dir, "venv"));
    installWheel(venvPy, whl);
    expect(py(venvPy, "import spam; print(spam.add(40, 2))")).toBe("42");
    expect(execFileSync(join(dir, "venv/bin/spam-cli"), { encoding: "utf8" }).trim()).toBe("spam says 5");
    expect(py(venvPy, "from importlib.metadata import version, metadata; print(version('spam.eggs'), metadata('spam-eggs')['Summary'])")).toBe(
      "1.0.0a1 A tiny test package",
    );
  });

  it("is byte-identical across TZ values with the same SOURCE_DATE_EPOCH, and differs with another epoch", async () => {
    const dir = freshDir("wheel-tz");
    const script = join(WORK, `sample-wheel-${process.pid}.mjs`);
    // Bundle the current sources (not a possibly stale dist/) into a script for child processes.
    await build({
      stdin: {
        contents:
          'import { sampleSpec } from "./fixtures/sample-wheel.ts"; import { writeWheel } from "../../src/wheel/wheel.ts";\n' +
          "const [out, src] = process.argv.slice(2); writeWheel(sampleSpec(src), out).then((p) => console.log(p));",
        resolveDir: join(ROOT, "test/wheel"),
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outfile: script,
      logLevel: "silent",
    });
    const run = (tz: string, epoch: string, out: string) =>
      execFileSync(process.execPath, [script, join(dir, out), join(dir, "src-" + out)], {
        env: { ...process.env, TZ: tz, SOURCE_DATE_EPOCH: epoch },
        encoding: "utf8",
      }).trim();
    // 2021-03-14T02:30:00Z is 02:30 UTC, a local time New York skips (DST gap) on that day.
    const epoch = "1615689000";
    const a = run("UTC", epoch, "utc");
    const b = run("Asia/Kolkata", epoch, "kolkata");
    const c = run("America/New_York", epoch, "newyork");
    const d = run("UTC", "1615689002", "later");
    expect(sha256(a)).toBe(sha256(b));
    expect(sha256(a)).toBe(sha256(c));
    expect(sha256(a)).not.toBe(sha256(d));
    // The DOS time inside is the UTC time of SOURCE_DATE_EPOCH.
    const dateTime = (whl: string) => py(SYSTEM_PYTHON, `import zipfile; print(zipfile.ZipFile(${JSON.stringify(whl)}).infolist()[0].date_time)`);
    expect(dateTime(b)).toBe("(2021, 3, 14, 2, 30, 0)");
    // Near the DOS minimum: 1980-01-01T02:00Z is before 1980-01-01 00:00 New York time; no clamping to 00:00.
    expect(dateTime(run("America/New_York", "315540000", "early"))).toBe("(1980, 1, 1, 2, 0, 0)");
    expect(dateTime(run("Asia/Kolkata", "", "default"))).toBe("(1980, 1, 1, 0, 0, 0)");
  });
});
