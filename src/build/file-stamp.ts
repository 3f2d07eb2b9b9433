/** A file's identity and last change, to tell cheaply whether it may have changed since. */
import { statSync } from "node:fs";

/** inode, size, mtime and ctime in nanoseconds (ctime also moves on chmod), or "-" when absent. */
export function fileStamp(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return "-";
  }
}
