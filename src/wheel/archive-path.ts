/** Rules for member paths inside a wheel (shared by the writers and the reader). */

/**
 * Why `path` cannot be a member of a wheel, or undefined when it can:
 * relative, `/`-separated, no empty, `.` or `..` segments, no drive letter, no NUL.
 */
export function archivePathError(path: string): string | undefined {
  if (path === "") return "it is empty";
  if (path.includes("\0")) return "it contains a NUL byte";
  if (path.includes("\\")) return "it contains a backslash (use '/')";
  if (path.startsWith("/")) return "it is absolute";
  if (/^[A-Za-z]:/.test(path)) return "it starts with a drive letter";
  if (path.endsWith("/")) return "it names a directory";
  for (const seg of path.split("/")) {
    if (seg === "") return "it has an empty segment ('//')";
    if (seg === "..") return "it contains '..'";
    if (seg === ".") return "it contains '.'";
  }
  return undefined;
}
