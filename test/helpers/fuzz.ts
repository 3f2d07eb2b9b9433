/**
 * Seeded mutation fuzzing for the readers' tests: a small PRNG written here
 * (mulberry32) so a run is reproducible from its seed, which each test prints.
 * PYTS_FUZZ_SEED replays (or varies) a run; PYTS_FUZZ_COUNT changes its size.
 */
export function fuzzSeed(fallback: number): number {
  const s = process.env.PYTS_FUZZ_SEED;
  return s !== undefined && /^\d+$/.test(s) ? Number(s) >>> 0 : fallback;
}

export function fuzzCount(fallback: number): number {
  const n = process.env.PYTS_FUZZ_COUNT;
  return n !== undefined && /^\d+$/.test(n) ? Number(n) : fallback;
}

export type Rng = () => number;

/** mulberry32: 32-bit state, floats in [0, 1). */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Rng, n: number): number => Math.floor(r() * n);

/** Values that break length and offset arithmetic more often than random bytes do. */
const EDGES = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/**
 * One mutant of `base`: a few byte flips, edge values written as 1/2/4-byte
 * fields, a cut, a duplicated or deleted slice. `hot` ranges (headers, tables)
 * receive most of the point mutations, where a parser's trust lives.
 */
export function mutate(r: Rng, base: Uint8Array, hot: Array<[number, number]> = []): Buffer {
  let b = Buffer.from(base);
  const pos = () => {
    if (hot.length > 0 && r() < 0.8) {
      const [s, e] = hot[int(r, hot.length)]!;
      return Math.min(b.length - 1, s + int(r, Math.max(1, e - s)));
    }
    return int(r, b.length);
  };
  const rounds = 1 + int(r, 4);
  for (let i = 0; i < rounds && b.length > 0; i++) {
    const kind = int(r, 10);
    if (kind < 4) b[pos()] = int(r, 256);
    else if (kind < 7) {
      const at = pos();
      const v = EDGES[int(r, EDGES.length)]!;
      const width = [1, 2, 4][int(r, 3)]!;
      if (at + width <= b.length) {
        if (width === 1) b.writeUInt8(v & 0xff, at);
        else if (width === 2) b.writeUInt16LE(v & 0xffff, at);
        else b.writeUInt32LE(v >>> 0, at);
      }
    } else if (kind === 7) b = b.subarray(0, int(r, b.length));
    else if (kind === 8) {
      const s = int(r, b.length);
      const e = Math.min(b.length, s + int(r, 512));
      b = Buffer.concat([b.subarray(0, e), b.subarray(s, e), b.subarray(e)]);
    } else {
      const s = int(r, b.length);
      b = Buffer.concat([b.subarray(0, s), b.subarray(Math.min(b.length, s + 1 + int(r, 64)))]);
    }
  }
  return b;
}
