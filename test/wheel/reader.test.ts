import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ArchiveError, ValidationError } from "../../src/errors.js";
import { extractEntries, rewriteWheel, writeEditedWheel } from "../../src/wheel/edit.js";
import { openWheel, parseWheelInfo, retagWheelInfo, WheelReader, wheelConsistencyProblems } from "../../src/wheel/reader.js";
import { parseRecord, recordHash } from "../../src/wheel/record.js";
import { writeWheel } from "../../src/wheel/wheel.js";
import { freshDir, installWheel, makeVenv, py, SYSTEM_PYTHON, twineCheck } from "../helpers/env.js";
import { sampleSpec } from "./fixtures/sample-wheel.js";

/**
 * Hostile archives made with Python's zipfile, then patched where zipfile
 * refuses to lie (sizes). Each kind is one small zip in `dir`.
 */
const CRAFT = String.raw`
import sys, zipfile, struct, os
d = sys.argv[1]
def z(name, entries, method=zipfile.ZIP_DEFLATED):
    p = os.path.join(d, name)
    with zipfile.ZipFile(p, "w", method) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return p
def info(name, mode=None, method=zipfile.ZIP_DEFLATED):
    i = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
    i.compress_type = method
    if mode is not None:
        i.create_system = 3
        i.external_attr = mode << 16
    return i
import warnings; warnings.simplefilter("ignore")
z("slip-1.0-py3-none-any.whl", [(info("../evil.py"), "x")])
z("abs-1.0-py3-none-any.whl", [(info("/etc/evil"), "x")])
z("dup-1.0-py3-none-any.whl", [(info("a.py"), "1"), (info("a.py"), "2")])
z("link-1.0-py3-none-any.whl", [(info("lib.so", 0o120777), "/etc/passwd")])
z("bzip-1.0-py3-none-any.whl", [(info("a.py", method=zipfile.ZIP_BZIP2), "x" * 100)])
z("dotseg-1.0-py3-none-any.whl", [(info("a/./b.py"), "x")])
def patch_sizes(name, new_size, data):
    p = z(name, [(info("a.txt"), data)])
    b = bytearray(open(p, "rb").read())
    lh = b.find(b"PK\x03\x04"); struct.pack_into("<I", b, lh + 22, new_size)
    cd = b.find(b"PK\x01\x02"); struct.pack_into("<I", b, cd + 24, new_size)
    open(p, "wb").write(b)
patch_sizes("lie-small-1.0-py3-none-any.whl", 100, os.urandom(50000).hex())
patch_sizes("lie-big-1.0-py3-none-any.whl", 200000, os.urandom(50000).hex())
patch_sizes("bomb-1.0-py3-none-any.whl", 0xFFFFFFF0, "a" * 100000)
open(os.path.join(d, "notzip-1.0-py3-none-any.whl"), "wb").write(b"this is not a zip file at all" * 10)
p = z("trunc-1.0-py3-none-any.whl", [(info("a.txt"), os.urandom(5000).hex())])
b = open(p, "rb").read(); open(p, "wb").write(b[: len(b) // 2])
`;

let hostile: string;
beforeAll(() => {
  hostile = freshDir("hostile");
  execFileSync(SYSTEM_PYTHON, ["-c", CRAFT, hostile]);
});

async function openAndReadAll(path: string, limits = {}): Promise<void> {
  const r = await WheelReader.open(path, limits);
  try {
    for (const n of r.fileNames) await r.readBytes(n);
  } finally {
    r.close();
  }
}

describe("hostile archives give ArchiveError", () => {
  it.each([
    ["slip", /"\.\.\/evil\.py"|invalid relative path/],
    ["abs", /absolute path|is unsafe/],
    ["dup", /appears twice/],
    ["link", /symbolic link/],
    ["bzip", /compression method 12/],
    ["dotseg", /is unsafe: it contains '\.'/],
    ["lie-small", /holds more data than it declares|too many bytes/],
    ["lie-big", /not enough bytes/],
    ["bomb", /claims 4294967280 bytes/],
    ["notzip", /end of central directory/i],
    ["trunc", /not a usable wheel/],
  ])("%s", async (kind, why) => {
    const path = join(hostile, `${kind}-1.0-py3-none-any.whl`);
    const err = await openAndReadAll(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).toContain(`${kind}-1.0-py3-none-any.whl`);
  });

  it("enforces configurable limits before reading", async () => {
    const dir = freshDir("limits");
    const whl = await writeWheel(sampleSpec(join(dir, "src")), dir);
    await expect(openAndReadAll(whl, { maxEntries: 3 })).rejects.toThrow(/entries \(limit 3\)/);
    await expect(openAndReadAll(whl, { maxEntrySize: 10 })).rejects.toThrow(/claims \d+ bytes \(limit 10\)/);
    await expect(openAndReadAll(whl, { maxTotalSize: 100 })).rejects.toThrow(/more than 100 bytes in total/);
  });
});

describe("reading and rewriting our wheels", () => {
  it("opens a wheel: entries, WHEEL, RECORD", async () => {
    const dir = freshDir("read");
    const whl = await writeWheel(sampleSpec(join(dir, "src")), dir);
    const w = await openWheel(whl);
    try {
      expect(w.distInfoDir).toBe("spam_eggs-1.0.0a1.dist-info");
      expect(w.fileName.dist).toBe("spam_eggs");
      expect(w.wheel.tags).toEqual([{ python: "py3", abi: "none", platform: "any" }]);
      expect(w.wheel.rootIsPurelib).toBe(true);
      expect(w.record.map((r) => r.path)).toEqual(w.reader.fileNames);
      expect(await w.reader.readText("spam/data.txt")).toBe("some data\n");
      expect(w.record.find((r) => r.path === "spam/data.txt")?.hash).toBe(recordHash("some data\n"));
      await expect(w.reader.readBytes("nope")).rejects.toThrow(ArchiveError);
    } finally {
      w.reader.close();
    }
  });

  it("hashEntry streams an entry's RECORD hash; wheelConsistencyProblems: none for ours, one line per kind of defect", async () => {
    const dir = freshDir("read-consistency");
    const whl = await writeWheel(sampleSpec(join(dir, "src")), dir);
    const w = await openWheel(whl);
    try {
      expect(await w.reader.hashEntry("spam/data.txt")).toEqual({ hash: recordHash("some data\n"), size: 10 });
      expect(await wheelConsistencyProblems(w)).toEqual([]);
    } finally {
      w.reader.close();
    }
    // another file's bytes under a kept RECORD, and a name whose tags WHEEL does not declare: both found, one line each
    const bad = join(freshDir("read-consistency"), "spam_eggs-1.0.0a1-py2-none-any.whl");
    execFileSync(SYSTEM_PYTHON, [
      "-c",
      "import sys,zipfile; src=zipfile.ZipFile(sys.argv[1]); dst=zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_DEFLATED)\n" +
        "for i in src.infolist():\n    d=src.read(i)\n    dst.writestr(i, b'SOME data\\n' if i.filename=='spam/data.txt' else d)\ndst.close()",
      whl,
      bad,
    ]);
    const b = await openWheel(bad);
    try {
      expect(await wheelConsistencyProblems(b)).toEqual([
        "spam_eggs-1.0.0a1-py2-none-any.whl: spam_eggs-1.0.0a1.dist-info/RECORD: the hash of spam/data.txt does not match its content",
        "spam_eggs-1.0.0a1-py2-none-any.whl: the file name's tags (py2-none-any) differ from spam_eggs-1.0.0a1.dist-info/WHEEL's Tag lines (py3-none-any)",
      ]);
    } finally {
      b.reader.close();
    }
  });

  it("parses and retags WHEEL keeping other fields", () => {
    const text = "Wheel-Version: 1.0\nGenerator: x 1\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\nX-Custom: y\n";
    const info = parseWheelInfo(text);
    expect(info.tags).toEqual([{ python: "cp311", abi: "cp311", platform: "linux_x86_64" }]);
    expect(
      retagWheelInfo(
        text,
        [
          { python: "cp311", abi: "cp311", platform: "manylinux_2_17_x86_64" },
          { python: "cp311", abi: "cp311", platform: "manylinux2014_x86_64" },
        ],
        "2",
      ),
    ).toBe(
      "Wheel-Version: 1.0\nGenerator: x 1\nRoot-Is-Purelib: false\nX-Custom: y\n" +
        "Tag: cp311-cp311-manylinux2014_x86_64\nTag: cp311-cp311-manylinux_2_17_x86_64\nBuild: 2\n",
    );
    expect(() => parseWheelInfo("Generator: x\n")).toThrow(/no Wheel-Version/);
    expect(() => parseWheelInfo("Wheel-Version: 2.0\nRoot-Is-Purelib: true\n")).toThrow(/only 1.x/);
    expect(() => parseWheelInfo("garbage line\n")).toThrow(ArchiveError);
  });

  it("rewriteWheel retags, replaces and adds files with a recomputed RECORD; the result installs", async () => {
    const dir = freshDir("rewrite");
    const whl = await writeWheel(sampleSpec(join(dir, "src")), join(dir, "in"));
    const before = readFileSync(whl);
    const lib = join(dir, "libextra.so.1");
    writeFileSync(lib, "not really a library\n");
    const out = await rewriteWheel(whl, join(dir, "out"), {
      tags: [
        { python: "py3", abi: "none", platform: "manylinux_2_17_x86_64" },
        { python: "py3", abi: "none", platform: "manylinux2014_x86_64" },
      ],
      replace: [{ path: "spam/data.txt", source: { bytes: "patched data\n" } }],
      add: [{ path: "spam_eggs.libs/libextra-1a2b3c4d.so.1", source: { file: lib } }],
      remove: ["spam/cli.py"],
      epoch: 1700000000,
    });
    expect(basename(out)).toBe("spam_eggs-1.0.0a1-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl");
    expect(readFileSync(whl).equals(before)).toBe(true); // input untouched
    expect(readdirSync(join(dir, "out"))).toEqual([basename(out)]); // no temporary leftovers

    const w = await openWheel(out);
    try {
      expect(w.reader.fileNames).toEqual([
        "spam/__init__.py",
        "spam/data.txt",
        "spam_eggs.libs/libextra-1a2b3c4d.so.1",
        "spam_eggs-1.0.0a1.dist-info/METADATA",
        "spam_eggs-1.0.0a1.dist-info/WHEEL",
        "spam_eggs-1.0.0a1.dist-info/entry_points.txt",
        "spam_eggs-1.0.0a1.dist-info/RECORD",
      ]);
      expect(w.wheel.tags.map((t) => t.platform)).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
      const rec = parseRecord(await w.reader.readText("spam_eggs-1.0.0a1.dist-info/RECORD"));
      expect(rec.find((r) => r.path === "spam/data.txt")).toEqual({ path: "spam/data.txt", hash: recordHash("patched data\n"), size: 13 });
    } finally {
      w.reader.close();
    }
    twineCheck(out);
    const venvPy = makeVenv(SYSTEM_PYTHON, join(dir, "venv"));
    installWheel(venvPy, out); // installer verifies every RECORD hash
    expect(py(venvPy, "import spam, importlib.resources as r; print(spam.add(1, 2), r.files('spam').joinpath('data.txt').read_text().strip())")).toBe(
      "3 patched data",
    );
  });

  it("extractEntries + writeEditedWheel (one extraction, reused by the repair path) write what rewriteWheel writes, and still verify RECORD", async () => {
    const dir = freshDir("rewrite-extracted");
    const whl = await writeWheel(sampleSpec(join(dir, "src")), join(dir, "in"));
    const edits = { tags: [{ python: "py3", abi: "none", platform: "manylinux_2_17_x86_64" }], replace: [{ path: "spam/data.txt", source: { bytes: "new\n" } }], epoch: 1700000000 };
    const viaRewrite = await rewriteWheel(whl, join(dir, "a"), edits);
    const w = await openWheel(whl);
    try {
      const entries = await extractEntries(w, (_, i) => join(dir, "x", String(i)));
      expect([...entries.keys()]).toEqual(w.reader.fileNames);
      const viaEntries = await writeEditedWheel(w, entries, join(dir, "b"), edits);
      expect(basename(viaEntries)).toBe(basename(viaRewrite));
      expect(readFileSync(viaEntries).equals(readFileSync(viaRewrite))).toBe(true);
      // an extracted kept file that no longer matches RECORD is refused, as a tampered archive is
      writeFileSync(entries.get("spam/__init__.py")!.file, "changed");
      entries.set("spam/__init__.py", { ...entries.get("spam/__init__.py")!, hash: recordHash("changed") });
      await expect(writeEditedWheel(w, entries, join(dir, "c"), {})).rejects.toThrow(/hash of spam\/__init__\.py does not match/);
    } finally {
      w.reader.close();
    }
  });

  it("rewriteWheel refuses bad edits and tampered input", async () => {
    const dir = freshDir("rewrite-bad");
    const whl = await writeWheel(sampleSpec(join(dir, "src")), join(dir, "in"));
    await expect(rewriteWheel(whl, join(dir, "o1"), { replace: [{ path: "spam/nope.py", source: { bytes: "" } }] })).rejects.toThrow(ValidationError);
    await expect(rewriteWheel(whl, join(dir, "o1"), { add: [{ path: "spam/cli.py", source: { bytes: "" } }] })).rejects.toThrow(/already has it/);
    await expect(rewriteWheel(whl, join(dir, "o1"), { remove: ["spam_eggs-1.0.0a1.dist-info/RECORD"] })).rejects.toThrow(/maintained by rewriteWheel/);
    await expect(rewriteWheel(whl, join(dir, "o1"), { add: [{ path: "../escape", source: { bytes: "" } }] })).rejects.toThrow(/'\.\.'/);

    // Tamper: change a file's content but keep RECORD (same length, so only the hash differs).
    const tampered = join(dir, "spam_eggs-1.0.0a1-py3-none-any.whl");
    execFileSync(SYSTEM_PYTHON, [
      "-c",
      "import sys,zipfile; src=zipfile.ZipFile(sys.argv[1]); dst=zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_DEFLATED)\n" +
        "for i in src.infolist():\n    d=src.read(i)\n    dst.writestr(i, b'SOME data\\n' if i.filename=='spam/data.txt' else d)\ndst.close()",
      whl,
      tampered,
    ]);
    await expect(rewriteWheel(tampered, join(dir, "o2"), {})).rejects.toThrow(/hash of spam\/data\.txt does not match/);
    expect(readdirSync(join(dir, "o2"))).toEqual([]);
  });
});
