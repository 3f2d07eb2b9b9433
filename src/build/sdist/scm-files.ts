/**
 * setuptools-scm's file finder, which setuptools runs whenever setuptools-scm
 * is installed in the build environment (a build requirement): every file git
 * has committed at HEAD below the project folder, minus those whose
 * `export-ignore` attribute is set (setuptools-scm lists `git archive HEAD`),
 * and only those that exist on disk (it walks the folder). Outside a git
 * checkout, or before the first commit, it finds nothing.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { isFile } from "../../fs-util.js";

/** Whether the build requirements name setuptools-scm (any spelling PEP 503 normalizes to it). */
export function requiresSetuptoolsScm(requires: unknown): boolean {
  return Array.isArray(requires) && requires.some((r) => typeof r === "string" && /^\s*setuptools[-_.]+scm\b/i.test(r));
}

function git(args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): string | undefined {
  try {
    return execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["pipe", "pipe", "ignore"], maxBuffer: 256 * 1024 * 1024, ...(input !== undefined ? { input } : {}) });
  } catch {
    return undefined; // no git, not a checkout, no commit yet: the finder finds nothing
  }
}

/** `<path> NUL <attr> NUL <value> NUL`... (git check-attr -z) -> the paths whose value is `set`. Pure. */
export function exportIgnored(checkAttrZ: string): Set<string> {
  const parts = checkAttrZ.split("\0");
  const out = new Set<string>();
  for (let i = 0; i + 2 < parts.length; i += 3) if (parts[i + 2] === "set") out.add(parts[i] as string);
  return out;
}

/** The files setuptools-scm's git finder gives for `dir`, '/'-separated and relative to it; [] outside a checkout. */
export function gitScmFiles(dir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (git(["rev-parse", "--verify", "-q", "HEAD"], dir, env) === undefined) return [];
  // ls-tree run in `dir` lists only what lies below it, with paths relative to it
  const listed = git(["ls-tree", "-r", "-z", "--name-only", "HEAD"], dir, env);
  if (listed === undefined) return [];
  const names = listed.split("\0").filter((n) => n !== "");
  if (names.length === 0) return [];
  const ignored = exportIgnored(git(["check-attr", "-z", "--stdin", "export-ignore"], dir, env, `${names.join("\0")}\0`) ?? "");
  // a submodule is listed as one name (a folder): git archive leaves its content out, and so does isFile
  return names.filter((n) => !ignored.has(n) && isFile(join(dir, n)));
}
