import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { archivePathError } from "../../src/wheel/archive-path.js";
import { parseRecord, recordHash } from "../../src/wheel/record.js";
import { FolderWriter, MemoryWriter, WheelZipWriter, wheelEntryOrder } from "../../src/wheel/writer.js";
import { freshDir } from "../helpers/env.js";
import { execFileSync } from "node:child_process";

describe("archive paths", () => {
  it.each([
    ["", /empty/],
    ["/etc/passwd", /absolute/],
    ["a/../b", /'\.\.'/],
    ["..", /'\.\.'/],
    ["a/./b", /'\.'/],
    ["a//b", /empty segment/],
    ["C:/x", /drive letter/],
    ["a\\b", /backslash/],
    ["dir/", /directory/],
    ["a\0b", /NUL/],
  ])("rejects %j", (p, why) => {
    expect(archivePathError(p)).toMatch(why);
  });
  it("accepts normal paths", () => {
    expect(archivePathError("pkg/sub/__init__.py")).toBeUndefined();
    expect(archivePathError("a..b/c")).toBeUndefined();
  });
});

describe("wheelEntryOrder", () => {
  it("sorts, puts .dist-info last and RECORD at the very end", () => {
    expect(
      wheelEntryOrder(["z.py", "x-1.dist-info/RECORD", "x-1.dist-info/METADATA", "a/b.py", "x-1.dist-info/WHEEL", "A.py"], "x-1.dist-info", "x-1.dist-info/RECORD"),
    ).toEqual(["A.py", "a/b.py", "z.py", "x-1.dist-info/METADATA", "x-1.dist-info/WHEEL", "x-1.dist-info/RECORD"]);
  });
});

describe("writers", () => {
  it("MemoryWriter validates, hashes and writes RECORD last", async () => {
    const dir = freshDir("memw");
    const src = join(dir, "tool.sh");
    writeFileSync(src, "#!/bin/sh\necho hi\n");
    chmodSync(src, 0o755);
    const w = new MemoryWriter({ recordPath: "p-1.dist-info/RECORD", distInfoDir: "p-1.dist-info" });
    w.addBytes("p-1.dist-info/METADATA", "Name: p\n");
    w.addBytes("pkg/__init__.py", "x = 1\n");
    w.addFile("p-1.data/scripts/tool", src);
    expect(() => w.addBytes("pkg/__init__.py", "again")).toThrow(/added to the wheel twice/);
    expect(() => w.addBytes("PKG/__init__.py", "again")).toThrow(/differ only in case/);
    expect(() => w.addBytes("/abs", "")).toThrow(ValidationError);
    expect(() => w.addBytes("../up", "")).toThrow(/'\.\.'/);
    expect(() => w.addBytes("p-1.dist-info/RECORD", "")).toThrow(/twice/);
    await w.finish();
    expect([...w.files.keys()]).toEqual(["p-1.data/scripts/tool", "pkg/__init__.py", "p-1.dist-info/METADATA", "p-1.dist-info/RECORD"]);
    expect(w.files.get("p-1.data/scripts/tool")?.executable).toBe(true);
    expect(w.files.get("pkg/__init__.py")?.executable).toBe(false);
    expect(parseRecord(w.text("p-1.dist-info/RECORD"))).toEqual([
      { path: "p-1.data/scripts/tool", hash: recordHash("#!/bin/sh\necho hi\n"), size: 18 },
      { path: "pkg/__init__.py", hash: recordHash("x = 1\n"), size: 6 },
      { path: "p-1.dist-info/METADATA", hash: recordHash("Name: p\n"), size: 8 },
      { path: "p-1.dist-info/RECORD", hash: "" },
    ]);
    await expect(w.finish()).rejects.toThrow(/already finished/);
  });

  it("FolderWriter writes the tree with modes and RECORD", async () => {
    const dir = freshDir("folderw");
    const w = new FolderWriter(join(dir, "site"), { recordPath: "p-1.dist-info/RECORD" });
    w.addBytes("pkg/__init__.py", "x = 1\n");
    w.addBytes("bin/run", "#!/bin/sh\n", true);
    expect(await w.finish()).toBe(join(dir, "site"));
    expect(readFileSync(join(dir, "site/pkg/__init__.py"), "utf8")).toBe("x = 1\n");
    expect(statSync(join(dir, "site/bin/run")).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, "site/pkg/__init__.py")).mode & 0o777).toBe(0o644);
    expect(parseRecord(readFileSync(join(dir, "site/p-1.dist-info/RECORD"), "utf8")).map((e) => e.path)).toEqual([
      "bin/run",
      "pkg/__init__.py",
      "p-1.dist-info/RECORD",
    ]);
    expect(readdirSync(join(dir, "site/pkg"))).toEqual(["__init__.py"]); // no temporary files left
  });

  it("WheelZipWriter streams files, hashes them into RECORD, and leaves nothing on failure", async () => {
    const dir = freshDir("zipw");
    const big = join(dir, "big.bin");
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeFileSync(big, data);
    const out = join(dir, "p-1-py3-none-any.whl");
    const w = new WheelZipWriter(out, { recordPath: "p-1.dist-info/RECORD", distInfoDir: "p-1.dist-info", epoch: 1700000000 });
    w.addFile("p/big.bin", big);
    w.addBytes("p-1.dist-info/WHEEL", "Wheel-Version: 1.0\n");
    await w.finish();
    const record = execFileSync("/usr/bin/python3", ["-c", "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.namelist()); sys.stdout.write(z.read('p-1.dist-info/RECORD').decode())", out], {
      encoding: "utf8",
    });
    expect(record).toBe(
      `['p/big.bin', 'p-1.dist-info/WHEEL', 'p-1.dist-info/RECORD']\n` +
        `p/big.bin,${recordHash(data)},${data.length}\np-1.dist-info/WHEEL,${recordHash("Wheel-Version: 1.0\n")},19\np-1.dist-info/RECORD,,\n`,
    );

    const out2 = join(dir, "q-1-py3-none-any.whl");
    const w2 = new WheelZipWriter(out2, { recordPath: "q-1.dist-info/RECORD" });
    w2.addFile("q/missing.py", join(dir, "does-not-exist.py"), false);
    await expect(w2.finish()).rejects.toThrow(/ENOENT/);
    expect(existsSync(out2)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith(".") || f.startsWith("q"))).toEqual([]);
  });
});
