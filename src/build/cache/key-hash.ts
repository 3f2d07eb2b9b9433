/**
 * A short stable hash of a text for cache file names and remembered keys (the
 * interpreter query, the target folder lookup): 64-bit FNV-1a over the text's
 * UTF-16 code units, as 16 hex digits. Not for content integrity or anything an
 * attacker chooses. It exists so the no-op path needs no node:crypto, whose
 * loading costs ~10 ms, more than the whole lookup it names.
 */
export function keyHash(text: string): string {
  // the 64-bit state as two 32-bit halves; the FNV prime is 2^40 + 0x1b3
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    lo ^= text.charCodeAt(i);
    const low = (lo >>> 0) * 0x1b3; // < 2^41: exact
    hi = (Math.imul(hi, 0x1b3) + ((lo << 8) >>> 0) + Math.floor(low / 0x100000000)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}
