/** Path relations shared by every layer. */
import { isAbsolute, relative, sep } from "node:path";

/**
 * Whether `child` is `parent` or below it. Built on `relative`, so paths that are
 * not normalized (`a/./b`, trailing separators) compare right, a folder whose name
 * begins with two dots (`..cache`) counts as inside, and a path on another Windows
 * drive (for which `relative` answers an absolute path) counts as outside.
 */
export function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === "" || (r !== ".." && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/** Like isInside, but `parent` itself does not count. */
export function isStrictlyInside(parent: string, child: string): boolean {
  return relative(parent, child) !== "" && isInside(parent, child);
}
