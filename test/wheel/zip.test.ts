import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { dosDate, sourceDateEpoch, tempPathFor, writeZip, ZIP_EPOCH_MIN } from "../../src/wheel/zip.js";
import { freshDir } from "../helpers/env.js";

/** Read the zip with Python's zipfile: names, DOS date_time, unix mode, flag bits. */
function inspect(file: string): Array<{ name: string; date_time: number[]; mode: number; data: string }> {
  const out = execFileSync(
    "/usr/bin/python3",
    [
      "-c",
      "import sys,json,zipfile; z=zipfile.ZipFile(sys.argv[1]); " +
        "print(json.dumps([dict(name=i.filename, date_time=list(i.date_time), mode=i.external_attr>>16, data=z.read(i).decode()) for i in z.infolist()]))",
      file,
    ],
    { encoding: "utf8" },
  );
  return JSON.parse(out) as Array<{ name: string; date_time: number[]; mode: number; data: string }>;
}

describe("sourceDateEpoch", () => {
  it("defaults to 1980-01-01 and reads SOURCE_DATE_EPOCH", () => {
    expect(sourceDateEpoch({})).toBe(ZIP_EPOCH_MIN);
    expect(new Date(ZIP_EPOCH_MIN * 1000).toISOString()).toBe("1980-01-01T00:00:00.000Z");
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: "1700000000" })).toBe(1700000000);
    expect(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: "yesterday" })).toThrow(ValidationError);
    expect(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: "-5" })).toThrow(/SOURCE_DATE_EPOCH "-5"/);
  });
  it("gives yazl local-time getters that answer with UTC fields, clamped to the DOS range", () => {
    const d = dosDate(1700000000); // 2023-11-14T22:13:20Z
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([2023, 10, 14, 22, 13, 20]);
    expect(dosDate(0).getFullYear()).toBe(1980);
    expect(dosDate(0).getHours()).toBe(0);
  });
});

describe("writeZip", () => {
  it("writes entries in the given order with fixed modes and UTC DOS times", async () => {
    const dir = freshDir("zip");
    const out = join(dir, "a.zip");
    await writeZip(
      out,
      [
        { path: "b.txt", executable: false, content: { kind: "bytes", data: Buffer.from("bee") } },
        { path: "a/run", executable: true, content: { kind: "stream", open: () => Readable.from([Buffer.from("#!/bin/sh\n")]) } },
        { path: "z/last", executable: false, content: { kind: "lazy", get: () => Buffer.from("lazy") } },
      ],
      { epoch: 1700000001 },
    );
    expect(inspect(out)).toEqual([
      { name: "b.txt", date_time: [2023, 11, 14, 22, 13, 20], mode: 0o100644, data: "bee" },
      { name: "a/run", date_time: [2023, 11, 14, 22, 13, 20], mode: 0o100755, data: "#!/bin/sh\n" },
      { name: "z/last", date_time: [2023, 11, 14, 22, 13, 20], mode: 0o100644, data: "lazy" },
    ]);
    expect(readdirSync(dir)).toEqual(["a.zip"]);
  });

  it("leaves no output and no temporary file when a source fails", async () => {
    const dir = freshDir("zip-fail");
    const out = join(dir, "bad.zip");
    const failing = () =>
      new Readable({
        read() {
          this.destroy(new Error("disk on fire"));
        },
      });
    await expect(
      writeZip(out, [
        { path: "ok", executable: false, content: { kind: "bytes", data: Buffer.from("x") } },
        { path: "boom", executable: false, content: { kind: "stream", open: failing } },
      ]),
    ).rejects.toThrow(/disk on fire/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(tempPathFor(out))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("is byte-identical for the same input", async () => {
    const dir = freshDir("zip-same");
    const entries = () => [{ path: "x", executable: false, content: { kind: "bytes" as const, data: Buffer.from("same") } }];
    await writeZip(join(dir, "1.zip"), entries(), { epoch: 1234567890 });
    await writeZip(join(dir, "2.zip"), entries(), { epoch: 1234567890 });
    await writeZip(join(dir, "3.zip"), entries(), { epoch: 1234567892 });
    expect(readFileSync(join(dir, "1.zip")).equals(readFileSync(join(dir, "2.zip")))).toBe(true);
    expect(readFileSync(join(dir, "1.zip")).equals(readFileSync(join(dir, "3.zip")))).toBe(false);
  });
});
