/**
 * One remembered answer in the user cache: a JSON file named by a hash of its
 * key, holding the answer and the stamps (input-stamps.ts) of the inputs it
 * came from. Used only while every stamp matches; written through a temporary
 * name, and a cache that cannot be read or written only costs a recomputation.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Stamps, stampsMatch } from "./input-stamps.js";
import { keyHash } from "./key-hash.js";

interface Remembered<T> {
  stamps: Stamps;
  answer: T;
}

/** The file in `dir` that holds the answer to `key` (any JSON value). */
export function rememberedFile(dir: string, key: unknown): string {
  return join(dir, keyHash(JSON.stringify(key)) + ".json");
}

/** The remembered answer when it is well-formed (`valid`) and every stamp still matches, else undefined. */
export function recallAnswer<T>(file: string, valid: (answer: T) => boolean): T | undefined {
  let r: Remembered<T>;
  try {
    r = JSON.parse(readFileSync(file, "utf8")) as Remembered<T>;
  } catch {
    return undefined;
  }
  if (!r || typeof r.stamps !== "object" || r.stamps === null || r.answer === undefined || r.answer === null || !valid(r.answer)) return undefined;
  return stampsMatch(r.stamps) ? r.answer : undefined;
}

/** Keep `answer` with the stamps it stands on; false when the file cannot be written. */
export function rememberAnswer<T>(file: string, stamps: Stamps, answer: T): boolean {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ stamps, answer } satisfies Remembered<T>));
    renameSync(tmp, file);
    return true;
  } catch {
    return false; // a cache that cannot be written only costs the next run a recomputation
  }
}
