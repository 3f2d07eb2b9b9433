/**
 * Output places checked before the work starts, and file-system errors worded
 * for people: `cannot write <path>: read-only file system` instead of a raw
 * EROFS (which the CLI would otherwise report as a bug).
 */
import { mkdir, open, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { releaseTemp, trackTemp } from "./cleanup.js";
import { OutputError } from "./errors.js";

const WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EEXIST: "a file is in the way",
  EISDIR: "it is a folder, not a file",
  ENOTDIR: "a part of the path is a file, not a folder",
};

const HINT = "choose another output folder (-o/-w), or free or fix the one given";

/** The errno code when `e` is a file-system error this module words, else undefined. */
export function writeErrnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code in WORDS ? code : undefined;
}

// Calls that only read: their EACCES is not about an output (`open` can be either).
const READING = new Set(["read", "scandir", "opendir", "stat", "lstat", "readlink", "access"]);

/**
 * `e` as an OutputError naming `path` (given by a writer; else the error's own
 * path and call) when it is one of the errno errors above; else `e`.
 */
export function asOutputError(e: unknown, path?: string): unknown {
  const code = writeErrnoCode(e);
  if (code === undefined) return e;
  const { path: own, syscall } = e as NodeJS.ErrnoException;
  const verb = path !== undefined ? "write" : READING.has(syscall ?? "") ? "read" : syscall === "open" && ["EACCES", "EPERM"].includes(code) ? "open" : "write";
  return new OutputError(`cannot ${verb} ${path ?? own ?? "the output"}: ${WORDS[code]}`, verb === "write" ? HINT : "check the permissions of the path", { cause: e });
}

/**
 * A recursive mkdir on a read-only file system says ENOENT; one level at a
 * time gives the real cause (EROFS, EACCES, ...).
 */
async function mkdirStepwise(dir: string): Promise<void> {
  const parent = dirname(dir);
  if (parent !== dir && !(await stat(parent).then(() => true, () => false))) await mkdirStepwise(parent);
  await mkdir(dir);
}

/**
 * Make `dir` (and its parents) if needed and prove it takes a new file, so a
 * bad -o fails before a long compile rather than after it.
 */
export async function checkOutputDir(dir: string): Promise<void> {
  try {
    const s = await stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw e;
    });
    if (s && !s.isDirectory()) throw new OutputError(`cannot write ${dir}: it is a file, not a folder`, "give -o/-w a folder (it is made if missing)");
    if (!s) await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? mkdirStepwise(dir) : Promise.reject(e)));
    const probe = trackTemp(join(dir, `.pyts-build-probe-${process.pid}`));
    await (await open(probe, "wx")).close();
    await unlink(probe);
    releaseTemp(probe);
  } catch (e) {
    throw asOutputError(e, dir);
  }
}
