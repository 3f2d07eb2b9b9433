import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { batched, fileHeaders, paxRecord, splitUstarPath, tarBytes, writeTarGz, type TarEntry } from "../../src/wheel/tar.js";
import { ValidationError } from "../../src/errors.js";
import { freshDir, SYSTEM_PYTHON, testEnv } from "../helpers/env.js";

/** Python's tarfile as the reference reader: name, mode, uid, gid, uname, gname, mtime, type, content. */
function pyList(archive: string): Array<{ name: string; mode: number; uid: number; gid: number; uname: string; gname: string; mtime: number; type: string; data: string }> {
  const code = `
import json, sys, tarfile
out = []
with tarfile.open(sys.argv[1], "r:gz") as t:
    for m in t.getmembers():
        data = t.extractfile(m).read().decode("utf-8") if m.isfile() else ""
        out.append(dict(name=m.name, mode=m.mode, uid=m.uid, gid=m.gid, uname=m.uname, gname=m.gname, mtime=m.mtime, type=m.type.decode(), data=data))
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ["-c", code, archive], { encoding: "utf8", env: testEnv() })) as ReturnType<typeof pyList>;
}

const bytes = (s: string) => ({ kind: "bytes" as const, data: Buffer.from(s) });
const longDir = "pkg-1.0/" + "d".repeat(60) + "/" + "e".repeat(60);

describe("pax records", () => {
  it("count their own length digits, across a digit boundary", () => {
    for (const n of [1, 80, 88, 89, 90, 95, 96, 97, 98, 99, 100, 990, 995, 996, 1000]) {
      const r = paxRecord("path", "x".repeat(n));
      const declared = Number(r.slice(0, r.indexOf(" ")));
      expect(declared).toBe(Buffer.byteLength(r));
    }
    expect(paxRecord("path", "a")).toBe("9 path=a\n");
  });
});

describe("ustar path split", () => {
  it("keeps short ASCII paths in name", () => {
    expect(splitUstarPath("a/b.txt")).toEqual({ prefix: "", name: "a/b.txt" });
  });
  it("splits a long path at a slash into prefix and name", () => {
    const p = longDir + "/file.py";
    expect(p.length).toBeGreaterThan(100);
    expect(splitUstarPath(p)).toEqual({ prefix: longDir, name: "file.py" });
  });
  it("gives up on names over 100 bytes, prefixes over 155 and non-ASCII", () => {
    expect(splitUstarPath("a/" + "n".repeat(101))).toBeUndefined();
    expect(splitUstarPath("p".repeat(156) + "/x")).toBeUndefined();
    expect(splitUstarPath("caf\u00e9.txt")).toBeUndefined();
  });
  it("emits a pax header only when needed", () => {
    expect(fileHeaders("a.txt", 3, false, 0)).toHaveLength(1);
    expect(fileHeaders("caf\u00e9.txt", 3, false, 0).length).toBeGreaterThan(1);
  });
});

describe("batched", () => {
  it("joins chunks into buffers of at least the given size without changing a byte", async () => {
    const chunks = ["ab", "c", "defg", "h", "ij"].map((x) => Buffer.from(x));
    const collect = async (it: AsyncIterable<Buffer>) => {
      const out: string[] = [];
      for await (const b of it) out.push(String(b));
      return out;
    };
    expect(await collect(batched(chunks, 3))).toEqual(["abc", "defg", "hij"]);
    expect(await collect(batched(chunks, 100))).toEqual(["abcdefghij"]);
    expect(await collect(batched([], 3))).toEqual([]);
  });
});

describe("writeTarGz", () => {
  it("streams an archive larger than one batch: its gzip holds exactly the tar bytes", async () => {
    const dir = freshDir("tar");
    const big = join(dir, "big.bin");
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a));
    const entries: TarEntry[] = [
      { path: "p-1/big.bin", content: { kind: "file", path: big } },
      { path: "p-1/small.txt", content: bytes("small\n") },
    ];
    const out = join(dir, "p-1.tar.gz");
    await writeTarGz(out, entries, { epoch: 1234 });
    const gz = readFileSync(out);
    expect(gz[9]).toBe(255);
    expect(gunzipSync(gz).equals(await tarBytes(entries, { epoch: 1234 }))).toBe(true);
  });

  it("writes sorted entries with fixed owner, modes and mtime that Python's tarfile reads back", async () => {
    const dir = freshDir("tar");
    const exe = join(dir, "run.sh");
    writeFileSync(exe, "#!/bin/sh\necho hi\n");
    chmodSync(exe, 0o755);
    const plain = join(dir, "plain.txt");
    writeFileSync(plain, "plain\n");
    chmodSync(plain, 0o600); // the archive must not carry the source's odd permissions
    const veryLong = "pkg-1.0/" + "x".repeat(120) + "/" + "y".repeat(120) + "/z.txt";
    const entries: TarEntry[] = [
      { path: "pkg-1.0/src/run.sh", content: { kind: "file", path: exe } },
      { path: "pkg-1.0/PKG-INFO", content: bytes("Metadata-Version: 2.4\n") },
      { path: "pkg-1.0/plain.txt", content: { kind: "file", path: plain } },
      { path: longDir + "/file.py", content: bytes("long = 1\n") },
      { path: veryLong, content: bytes("very long\n") },
      { path: "pkg-1.0/caf\u00e9.txt", content: bytes("unicode\n") },
      { path: "pkg-1.0/empty", content: bytes("") },
    ];
    const out = join(dir, "pkg-1.0.tar.gz");
    expect(await writeTarGz(out, entries, { epoch: 1_700_000_000 })).toBe(out);
    const members = pyList(out);
    expect(members.map((m) => m.name)).toEqual([...entries.map((e) => e.path)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const m of members) {
      expect(m).toMatchObject({ uid: 0, gid: 0, uname: "", gname: "", mtime: 1_700_000_000, type: "0" });
    }
    const byName = new Map(members.map((m) => [m.name, m]));
    expect(byName.get("pkg-1.0/src/run.sh")?.mode).toBe(0o755);
    expect(byName.get("pkg-1.0/plain.txt")?.mode).toBe(0o644);
    expect(byName.get("pkg-1.0/plain.txt")?.data).toBe("plain\n");
    expect(byName.get(veryLong)?.data).toBe("very long\n");
    expect(byName.get("pkg-1.0/caf\u00e9.txt")?.data).toBe("unicode\n");
    // GNU tar agrees on the names, including the pax and prefix ones.
    const gnu = execFileSync("tar", ["-tzf", out], { encoding: "utf8" }).trim().split("\n");
    expect(gnu).toEqual(members.map((m) => m.name));
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("has a gzip header without a timestamp and with a fixed OS byte", async () => {
    const out = join(freshDir("tar"), "a.tar.gz");
    await writeTarGz(out, [{ path: "a/b", content: bytes("b") }], { epoch: 0 });
    const gz = readFileSync(out);
    expect([...gz.subarray(0, 3)]).toEqual([0x1f, 0x8b, 8]);
    expect(gz.readUInt32LE(4)).toBe(0);
    expect(gz[9]).toBe(255);
    // a whole number of 10240-byte records, as tar(1) writes them
    expect(gunzipSync(gz).length % 10240).toBe(0);
  });

  it("gives identical bytes for the same input in any order, and different bytes for another mtime", async () => {
    const dir = freshDir("tar");
    const entries: TarEntry[] = [
      { path: "p-1/b.txt", content: bytes("b") },
      { path: "p-1/a.txt", content: bytes("a") },
      { path: "p-1/sub/c.txt", content: bytes("c") },
    ];
    const one = join(dir, "one.tar.gz");
    const two = join(dir, "two.tar.gz");
    const three = join(dir, "three.tar.gz");
    await writeTarGz(one, entries, { epoch: 1234 });
    await writeTarGz(two, [...entries].reverse(), { epoch: 1234 });
    await writeTarGz(three, entries, { epoch: 1235 });
    expect(readFileSync(one).equals(readFileSync(two))).toBe(true);
    expect(readFileSync(one).equals(readFileSync(three))).toBe(false);
  });

  it("takes the mtime from SOURCE_DATE_EPOCH, else 1980-01-01", async () => {
    const dir = freshDir("tar");
    const saved = process.env.SOURCE_DATE_EPOCH;
    try {
      process.env.SOURCE_DATE_EPOCH = "1600000000";
      await writeTarGz(join(dir, "s.tar.gz"), [{ path: "a/b", content: bytes("b") }]);
      delete process.env.SOURCE_DATE_EPOCH;
      await writeTarGz(join(dir, "d.tar.gz"), [{ path: "a/b", content: bytes("b") }]);
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
    expect(pyList(join(dir, "s.tar.gz"))[0]?.mtime).toBe(1600000000);
    expect(pyList(join(dir, "d.tar.gz"))[0]?.mtime).toBe(315532800);
  });

  it("rejects duplicates and unsafe paths before writing anything", async () => {
    const dir = freshDir("tar");
    const out = join(dir, "x.tar.gz");
    await expect(writeTarGz(out, [{ path: "a/b", content: bytes("1") }, { path: "a/b", content: bytes("2") }])).rejects.toThrow(ValidationError);
    await expect(writeTarGz(out, [{ path: "a/../../etc/passwd", content: bytes("1") }])).rejects.toThrow(/'\.\.'/);
    await expect(writeTarGz(out, [{ path: "/abs", content: bytes("1") }])).rejects.toThrow(/absolute/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("leaves neither the archive nor a temporary file when a source file is missing", async () => {
    const dir = freshDir("tar");
    const out = join(dir, "x.tar.gz");
    await expect(writeTarGz(out, [{ path: "a/b", content: { kind: "file", path: join(dir, "nope") } }])).rejects.toThrow(/ENOENT/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("tarBytes gives the same uncompressed stream the .tar.gz holds", async () => {
    const entries: TarEntry[] = [{ path: "q-2/x", content: bytes("xyz") }];
    const out = join(freshDir("tar"), "q.tar.gz");
    await writeTarGz(out, entries, { epoch: 99 });
    expect(gunzipSync(readFileSync(out)).equals(await tarBytes(entries, { epoch: 99 }))).toBe(true);
  });
});
