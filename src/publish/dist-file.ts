/**
 * A distribution file as the upload sees it: its kind, its own core metadata
 * (a wheel's METADATA, an sdist's PKG-INFO) and its digests.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import * as tar from "tar";
import { ArchiveError } from "../errors.js";
import { openWheel, wheelConsistencyProblems } from "../wheel/reader.js";
import { Blake2b } from "./blake2b.js";
import type { FileFacts, Filetype } from "./upload-form.js";

export interface DistFile {
  path: string;
  fileName: string;
  filetype: Filetype;
  /** METADATA / PKG-INFO text. */
  metadataText: string;
  /** Where that text came from inside the archive. */
  metadataPath: string;
  facts: FileFacts;
  size: number;
  /** What an installer would refuse (a wheel's RECORD or tags), one line each. */
  problems: string[];
}

/** PKG-INFO larger than this is not metadata (a hostile or broken sdist). */
const MAX_PKG_INFO = 4 * 1024 * 1024;

export function filetypeOf(path: string): Filetype | undefined {
  if (path.endsWith(".whl")) return "bdist_wheel";
  if (path.endsWith(".tar.gz")) return "sdist";
  return undefined;
}

/** sha256 and BLAKE2b-256 (hex) of a file, in one pass (twine 6 dropped MD5, and so do we). */
export async function fileDigests(path: string): Promise<{ sha256: string; blake2_256: string; size: number }> {
  const sha = createHash("sha256");
  const b2 = new Blake2b(32);
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const b = chunk as Buffer;
    sha.update(b);
    b2.update(b);
    size += b.length;
  }
  return { sha256: sha.digest("hex"), blake2_256: b2.digest().toString("hex"), size };
}

async function wheelMetadata(path: string): Promise<{ text: string; where: string; pyversion: string; problems: string[] }> {
  const w = await openWheel(path);
  try {
    const where = `${w.distInfoDir}/METADATA`;
    if (!w.reader.has(where)) throw new ArchiveError(`${basename(path)} has no ${where}`, "rebuild the wheel; every wheel carries its core metadata there");
    return { text: await w.reader.readText(where), where, pyversion: w.fileName.pythonTags.join("."), problems: await wheelConsistencyProblems(w) };
  } finally {
    w.reader.close();
  }
}

/** Only `<top>/PKG-INFO` is read, and only up to MAX_PKG_INFO bytes; nothing is extracted to disk. */
async function sdistPkgInfo(path: string): Promise<{ text: string; where: string }> {
  const top = basename(path).slice(0, -".tar.gz".length);
  const where = `${top}/PKG-INFO`;
  const chunks: Buffer[] = [];
  let found = false;
  let tooBig = false;
  try {
    await tar.list({
      file: path,
      strict: true, // garbage is an error, not an empty archive
      onReadEntry: (entry) => {
        const p = entry.path.replace(/^\.\//, "");
        if (p !== where || found || entry.type !== "File") {
          entry.resume();
          return;
        }
        found = true;
        if ((entry.size ?? 0) > MAX_PKG_INFO) {
          tooBig = true;
          entry.resume();
          return;
        }
        entry.on("data", (c: Buffer) => chunks.push(c));
      },
    });
  } catch (e) {
    throw new ArchiveError(`${basename(path)} is not a readable .tar.gz: ${(e as Error).message}`, "rebuild the sdist", { cause: e });
  }
  if (tooBig) throw new ArchiveError(`${basename(path)}: ${where} is larger than ${MAX_PKG_INFO} bytes`, "rebuild the sdist");
  if (!found) throw new ArchiveError(`${basename(path)} has no ${where}`, "an sdist named NAME-VERSION.tar.gz must hold NAME-VERSION/PKG-INFO; rebuild it with `pyts-build sdist`");
  return { text: Buffer.concat(chunks).toString("utf8"), where };
}

/** Read a .whl or .tar.gz for upload. Throws ArchiveError for anything else. */
export async function readDistFile(path: string): Promise<DistFile> {
  const fileName = basename(path);
  const filetype = filetypeOf(fileName);
  if (!filetype) throw new ArchiveError(`${fileName}: not a distribution (expected a .whl or .tar.gz)`, "upload wheels and sdists, e.g. target/wheels/*");
  const digests = await fileDigests(path).catch((e: NodeJS.ErrnoException) => {
    throw new ArchiveError(`${path}: cannot read (${e.code ?? e.message})`, "check the path");
  });
  const m = filetype === "bdist_wheel" ? await wheelMetadata(path) : { ...(await sdistPkgInfo(path)), pyversion: undefined, problems: [] };
  const facts: FileFacts = { filetype, sha256: digests.sha256, blake2_256: digests.blake2_256 };
  if (m.pyversion !== undefined) facts.pyversion = m.pyversion;
  return { path, fileName, filetype, metadataText: m.text, metadataPath: m.where, facts, size: digests.size, problems: m.problems };
}
