import { describe, expect, it } from "vitest";
import { keyHash } from "../../../src/build/cache/key-hash.js";

/** The same hash with BigInt arithmetic, straight from the definition. */
function reference(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}

describe("keyHash", () => {
  it("is 64-bit FNV-1a: the published vectors for ASCII text", () => {
    expect(keyHash("")).toBe("cbf29ce484222325");
    expect(keyHash("a")).toBe("af63dc4c8601ec8c");
    expect(keyHash("foobar")).toBe("85944171f73967e8");
  });

  it("agrees with the BigInt definition on long and non-ASCII text", () => {
    for (const t of ["/root/.pyenv/versions/3.11.7/bin/python3.11", "é€😀\u0000\uffff", "x".repeat(5000), JSON.stringify({ PATH: "/usr/bin:/bin", HOME: "/root" })]) {
      expect(keyHash(t)).toBe(reference(t));
    }
  });

  it("differs for texts that differ in one character", () => {
    expect(keyHash("python3.11")).not.toBe(keyHash("python3.12"));
  });
});
