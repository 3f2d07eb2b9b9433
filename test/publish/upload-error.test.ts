import { describe, expect, it } from "vitest";
import { redact } from "../../src/publish/upload-error.js";

describe("redact", () => {
  it("hides a secret as written, URL-encoded and inside basic-auth base64", () => {
    const s = "p@ss/word+1";
    const text = `echo ${s} ${encodeURIComponent(s)} ${Buffer.from(s).toString("base64")}`;
    expect(redact(text, [s, undefined])).toBe("echo <hidden> <hidden> <hidden>");
  });

  it("leaves text alone when there is nothing (or nothing long enough) to hide", () => {
    expect(redact("a b c", [undefined, "", "ab"])).toBe("a b c");
  });
});
