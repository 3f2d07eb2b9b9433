import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Blake2b, blake2b256Hex } from "../../src/publish/blake2b.js";
import { SYSTEM_PYTHON } from "../helpers/env.js";

describe("BLAKE2b", () => {
  it("RFC 7693 appendix A: BLAKE2b-512 of 'abc' (and equals OpenSSL's)", () => {
    const ours = new Blake2b(64).update(Buffer.from("abc")).digest().toString("hex");
    expect(ours).toBe("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    expect(ours).toBe(createHash("blake2b512").update("abc").digest("hex"));
  });

  it("BLAKE2b-256 equals Python's hashlib at block edges and for random data fed in pieces", () => {
    const inputs = [0, 1, 127, 128, 129, 256, 1000].map((n) => Buffer.alloc(n, n & 0xff));
    inputs.push(randomBytes(70_000));
    const code = "import sys,hashlib\nfor h in sys.stdin.read().split():\n print(hashlib.blake2b(bytes.fromhex(h),digest_size=32).hexdigest())";
    const expected = execFileSync(SYSTEM_PYTHON, ["-c", code], { input: inputs.map((b) => b.toString("hex") || "").join("\n") + "\n", encoding: "utf8" }).trim().split("\n");
    // empty input: no line from split(), so compare it alone
    expect(blake2b256Hex(Buffer.alloc(0))).toBe("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    const nonEmpty = inputs.filter((b) => b.length > 0);
    expect(nonEmpty.map((b) => blake2b256Hex(b))).toEqual(expected);
    const big = nonEmpty.at(-1) as Buffer;
    const h = new Blake2b(32);
    for (let i = 0; i < big.length; i += 1000 + (i % 7)) h.update(big.subarray(i, i + 1000 + (i % 7)));
    expect(h.digest().toString("hex")).toBe(expected.at(-1));
  });
});
