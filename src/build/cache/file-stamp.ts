/** A file's identity and last change, to tell cheaply whether it may have changed since. */
import { type BigIntStats, statSync } from "node:fs";

/** The stamp of stats already taken (bigint): inode, size, mtime and ctime in nanoseconds. */
export function statsStamp(s: BigIntStats): string {
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** inode, size, mtime and ctime in nanoseconds (ctime also moves on chmod), or "-" when absent. */
export function fileStamp(path: string): string {
  try {
    return statsStamp(statSync(path, { bigint: true }));
  } catch {
    return "-";
  }
}
