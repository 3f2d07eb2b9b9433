/**
 * BLAKE2b (RFC 7693) with a chosen digest length, streaming. The upload API wants
 * `blake2_256_digest`, and Node's OpenSSL binding only offers the fixed 512-bit
 * BLAKE2b, so the 256-bit variant (a different IV parameter block, not a truncation)
 * is computed here. 64-bit words are held as (low, high) 32-bit pairs for speed.
 */

const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
].map((row) => row.map((i) => i * 2));

// 64-bit words as (low, high) pairs at even indices; module-level so the hot loop has no property lookups
function add(v: Uint32Array, a: number, lo: number, hi: number): void {
  const sumLo = (v[a] as number) + lo;
  v[a + 1] = (v[a + 1] as number) + hi + (sumLo >= 0x100000000 ? 1 : 0);
  v[a] = sumLo;
}

/** v[d] = rotr64(v[d] ^ v[a], n) */
function xorRot(v: Uint32Array, d: number, a: number, n: number): void {
  const lo = (v[d] as number) ^ (v[a] as number);
  const hi = (v[d + 1] as number) ^ (v[a + 1] as number);
  if (n === 32) {
    v[d] = hi;
    v[d + 1] = lo;
  } else if (n < 32) {
    v[d] = (lo >>> n) | (hi << (32 - n));
    v[d + 1] = (hi >>> n) | (lo << (32 - n));
  } else {
    const k = n - 32;
    v[d] = (hi >>> k) | (lo << (32 - k));
    v[d + 1] = (lo >>> k) | (hi << (32 - k));
  }
}

function g(v: Uint32Array, m: Uint32Array, a: number, b: number, c: number, d: number, x: number, y: number): void {
  add(v, a, v[b] as number, v[b + 1] as number);
  add(v, a, m[x] as number, m[x + 1] as number);
  xorRot(v, d, a, 32);
  add(v, c, v[d] as number, v[d + 1] as number);
  xorRot(v, b, c, 24);
  add(v, a, v[b] as number, v[b + 1] as number);
  add(v, a, m[y] as number, m[y + 1] as number);
  xorRot(v, d, a, 16);
  add(v, c, v[d] as number, v[d + 1] as number);
  xorRot(v, b, c, 63);
}

export class Blake2b {
  private readonly h = new Uint32Array(16);
  private readonly v = new Uint32Array(32);
  private readonly m = new Uint32Array(32);
  private readonly block = new Uint8Array(128);
  private readonly words = new DataView(this.block.buffer);
  private fill = 0;
  /** Bytes compressed so far (< 2^53 is plenty for files). */
  private counter = 0;

  constructor(private readonly outLength = 32) {
    if (outLength < 1 || outLength > 64) throw new RangeError("BLAKE2b digest length must be 1..64 bytes");
    this.h.set(IV);
    this.h[0] = (this.h[0] as number) ^ (0x01010000 ^ outLength); // parameter block: no key, fanout 1, depth 1
  }

  update(data: Uint8Array): this {
    let i = 0;
    while (i < data.length) {
      // a full block is compressed only when more input follows: the last one is compressed in digest()
      if (this.fill === 128) {
        this.counter += 128;
        this.compress(false);
        this.fill = 0;
      }
      const n = Math.min(128 - this.fill, data.length - i);
      this.block.set(data.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
    }
    return this;
  }

  digest(): Buffer {
    this.counter += this.fill;
    this.block.fill(0, this.fill);
    this.compress(true);
    const out = Buffer.alloc(this.outLength);
    for (let i = 0; i < this.outLength; i++) out[i] = ((this.h[i >> 2] as number) >>> (8 * (i & 3))) & 0xff;
    return out;
  }

  private compress(last: boolean): void {
    const { v, m, h, words } = this;
    for (let i = 0; i < 16; i++) {
      v[i] = h[i] as number;
      v[i + 16] = IV[i] as number;
    }
    v[24] = (v[24] as number) ^ (this.counter >>> 0);
    v[25] = (v[25] as number) ^ Math.floor(this.counter / 0x100000000);
    if (last) {
      v[28] = ~(v[28] as number);
      v[29] = ~(v[29] as number);
    }
    for (let i = 0; i < 32; i++) m[i] = words.getUint32(i * 4, true);
    for (let r = 0; r < 12; r++) {
      const s = SIGMA[r % 10] as number[];
      g(v, m, 0, 8, 16, 24, s[0] as number, s[1] as number);
      g(v, m, 2, 10, 18, 26, s[2] as number, s[3] as number);
      g(v, m, 4, 12, 20, 28, s[4] as number, s[5] as number);
      g(v, m, 6, 14, 22, 30, s[6] as number, s[7] as number);
      g(v, m, 0, 10, 20, 30, s[8] as number, s[9] as number);
      g(v, m, 2, 12, 22, 24, s[10] as number, s[11] as number);
      g(v, m, 4, 14, 16, 26, s[12] as number, s[13] as number);
      g(v, m, 6, 8, 18, 28, s[14] as number, s[15] as number);
    }
    for (let i = 0; i < 16; i++) h[i] = (h[i] as number) ^ (v[i] as number) ^ (v[i + 16] as number);
  }
}

/** Hex BLAKE2b-256 of `data` (one shot). */
export function blake2b256Hex(data: Uint8Array): string {
  return new Blake2b(32).update(data).digest().toString("hex");
}
