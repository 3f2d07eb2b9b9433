/**
 * Files the project's own configuration names outside the folder its sdist
 * stands for: a readme or license file given as `../../README.md` in
 * Cargo.toml (`package.readme`, `package.license-file`) or pyproject.toml
 * (`project.readme`, `project.license = { file }`). As cargo's and maturin's
 * (1.14+) sdists do, such a file is copied beside the manifest that names it,
 * and that manifest's copy in the sdist names the copy by its base name.
 * Nothing else from outside is packed: sdist-files.ts refuses it.
 */
import { readFileSync } from "node:fs";
import { basename, resolve, sep } from "node:path";
import { relativePosix } from "../../host.js";
import { stringify } from "smol-toml";
import { ConfigError } from "../../errors.js";
import type { ProjectConfig } from "../project/config.js";
import { parseToml } from "../project/toml.js";
import { isInside } from "../../paths.js";

/** Which manifest names a file, and the key that holds the path. */
export interface OutsideRef {
  manifest: "pyproject" | "cargo";
  /** Tables from the top, then the key: `["project", "readme"]` (a string, or a table with `file`). */
  key: string[];
  /** The file named (absolute). */
  file: string;
}

/** An outside file and where the sdist puts it (relative to the sdist's root, '/'-separated). */
export interface OutsideCopy extends OutsideRef {
  path: string;
}

/** The readme and license files the build reads, each with the manifest key naming it. */
export function namedFileRefs(cfg: ProjectConfig): OutsideRef[] {
  const refs: OutsideRef[] = [];
  const p = cfg.project;
  const cp = cfg.cargo.package;
  if (p?.readme && "file" in p.readme) refs.push({ manifest: "pyproject", key: ["project", "readme"], file: resolve(cfg.projectDir, p.readme.file) });
  else if (typeof cp.readme === "string" && cfg.readmeFile === cp.readme) refs.push({ manifest: "cargo", key: ["package", "readme"], file: cp.readme });
  if (p?.license && "file" in p.license) refs.push({ manifest: "pyproject", key: ["project", "license"], file: resolve(cfg.projectDir, p.license.file) });
  if (cp.licenseFile !== undefined && cfg.licenseFiles.some((l) => l.file === cp.licenseFile)) refs.push({ manifest: "cargo", key: ["package", "license-file"], file: cp.licenseFile });
  return refs;
}

/**
 * Where each named file outside `root` goes: beside the manifest naming it
 * (`dirs`: the project folder for pyproject.toml, the crate's for Cargo.toml,
 * both inside root), under its base name.
 */
export function planOutsideCopies(refs: readonly OutsideRef[], root: string, dirs: { pyproject: string; cargo: string }): OutsideCopy[] {
  const out: OutsideCopy[] = [];
  for (const r of refs) {
    if (isInside(root, resolve(r.file))) continue;
    const dir = relativePosix(root, dirs[r.manifest] as string);
    out.push({ ...r, path: dir === "" ? basename(r.file) : `${dir}/${basename(r.file)}` });
  }
  return out;
}

/**
 * `text` (a TOML file) with each `key` set to `value`; a key holding a table
 * with `file` (`readme = { file = ... }`) gets its `file` set. The file is
 * written anew (its comments are not kept), behind a first line saying why.
 */
export function rewriteTomlValues(text: string, file: string, edits: ReadonlyArray<{ key: string[]; value: string }>): string {
  const doc = parseToml(text, file);
  for (const e of edits) {
    let t: Record<string, unknown> = doc;
    for (const k of e.key.slice(0, -1)) t = t[k] as Record<string, unknown>;
    const last = e.key[e.key.length - 1] as string;
    const cur = t[last] as Record<string, unknown> | string | undefined;
    if (typeof cur === "object" && cur !== null && "file" in cur) cur.file = e.value;
    else t[last] = e.value;
  }
  const keys = edits.map((e) => e.key.join(".")).join(", ");
  return `# Written by pyts-build sdist: ${keys} named a file outside the project, copied in beside this file.\n${stringify(doc)}\n`;
}

type Entry = { path: string; source: { file: string } | { bytes: Uint8Array } };

/**
 * Put the copies into `files` (by archive path) and rewrite the manifests
 * naming them (`manifests`: their archive paths; the entries must be in
 * `files` already). A copy whose place another file holds is an error.
 */
export function addOutsideCopies(files: Map<string, Entry>, copies: readonly OutsideCopy[], manifests: { pyproject?: string; cargo: string }, where: string): void {
  for (const c of copies) {
    const held = files.get(c.path);
    if (held && !("file" in held.source && resolve(held.source.file) === resolve(c.file))) {
      throw new ConfigError(
        `${where}: ${c.key.join(".")} names ${c.file}, outside the project, whose copy in the sdist would replace ${c.path}`,
        "rename one of the two files, or move the named one into the project",
      );
    }
    files.set(c.path, { path: c.path, source: { file: c.file } });
  }
  for (const m of ["pyproject", "cargo"] as const) {
    const mine = copies.filter((c) => c.manifest === m);
    const at = manifests[m];
    const entry = at === undefined ? undefined : files.get(at);
    if (mine.length === 0 || entry === undefined) continue;
    const text = "file" in entry.source ? readFileSync(entry.source.file, "utf8") : Buffer.from(entry.source.bytes).toString("utf8");
    const rewritten = rewriteTomlValues(text, "file" in entry.source ? entry.source.file : entry.path, mine.map((c) => ({ key: c.key, value: basename(c.file) })));
    files.set(entry.path, { path: entry.path, source: { bytes: Buffer.from(rewritten) } });
  }
}
