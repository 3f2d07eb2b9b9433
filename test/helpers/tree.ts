/** Write a small file tree into a fresh work folder: { "src/lib.rs": "...", ... } -> the folder. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { freshDir } from "./env.js";

export function writeTree(name: string, files: Record<string, string>): string {
  const d = freshDir(name);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, p)), { recursive: true });
    writeFileSync(join(d, p), text);
  }
  return d;
}
