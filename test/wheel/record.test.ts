import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ArchiveError } from "../../src/errors.js";
import { parseRecord, recordHash, recordHashFromDigest, renderRecord } from "../../src/wheel/record.js";

describe("recordHash", () => {
  it("is sha256 in urlsafe base64 without padding", () => {
    // sha256("") = e3b0c442... ; base64url without '='
    expect(recordHash("")).toBe("sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    const h = recordHash(new Uint8Array([0xfb, 0xff]));
    expect(h).not.toMatch(/[=+/]$/);
    expect(h.slice(7)).not.toMatch(/[+/=]/);
    expect(recordHashFromDigest(createHash("sha256").update("x").digest())).toBe(recordHash("x"));
  });
});

describe("RECORD", () => {
  const entries = [
    { path: "pkg/__init__.py", hash: recordHash("a"), size: 1 },
    { path: 'odd,name "q".py', hash: recordHash("b"), size: 1 },
    { path: "pkg-1.0.dist-info/RECORD", hash: "" },
  ];
  it("renders with csv quoting and round-trips", () => {
    const text = renderRecord(entries);
    expect(text).toBe(
      `pkg/__init__.py,${recordHash("a")},1\n"odd,name ""q"".py",${recordHash("b")},1\npkg-1.0.dist-info/RECORD,,\n`,
    );
    expect(parseRecord(text)).toEqual(entries);
  });
  it("reads the same as Python's csv module", () => {
    const text = renderRecord(entries);
    const out = execFileSync("/usr/bin/python3", ["-c", "import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin))))"], {
      input: text,
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual(entries.map((e) => [e.path, e.hash, e.size === undefined ? "" : String(e.size)]));
  });
  it("parses CRLF and blank lines", () => {
    expect(parseRecord("a,sha256=x,1\r\n\r\nb,,\r\n")).toEqual([
      { path: "a", hash: "sha256=x", size: 1 },
      { path: "b", hash: "" },
    ]);
  });
  it.each([
    ["a,sha256=x\n", /expected 3 fields/],
    ["a,sha256=x,1,2\n", /expected 3 fields/],
    ['"a,sha256=x,1\n', /unterminated/],
    ['"a"x,sha256=x,1\n', /after a closing quote/],
    ["a,notahash,1\n", /not a hash/],
    ["a,sha256=x,big\n", /not a number/],
    [",sha256=x,1\n", /empty path/],
  ])("rejects %j", (text, why) => {
    expect(() => parseRecord(text)).toThrow(ArchiveError);
    expect(() => parseRecord(text)).toThrow(why);
  });
});
