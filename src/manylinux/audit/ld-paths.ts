/**
 * Where the dynamic loader would find a DT_NEEDED library, following glibc's
 * ld.so order: DT_RPATH (of the object, then of the objects that loaded it, only
 * when the object has no DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, the
 * directories of /etc/ld.so.conf (what ld.so.cache is built from), then the
 * default directories. `$ORIGIN` expands to the folder of the object carrying
 * the path. Candidates of another ELF class or machine are skipped, as ld.so does.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, posix } from "node:path";
import type { ElfFile } from "./elf.js";
import { hasElfMagic } from "./elf.js";
import { fileHead } from "./byte-source.js";

export type SearchSource = "rpath" | "LD_LIBRARY_PATH" | "runpath" | "ld.so.conf" | "default" | "path";

export interface SearchContext {
  ldLibraryPath: string[];
  confDirs: string[];
  /** the loader's built-in directories for this ELF class */
  defaultDirs: string[];
}

export interface Resolved {
  /** the path where the library was found (not symlink-resolved) */
  path: string;
  /** the file behind symlinks */
  realPath: string;
  via: SearchSource;
}

/** An object in the load chain: its file and parsed ELF (for RPATH/RUNPATH and class/machine). */
export interface Loader {
  file: string;
  elf: Pick<ElfFile, "rpath" | "runpath" | "elfClass" | "machine">;
}

/** Expand a path glob (`*`, `?`, `[...]` in any component) against the file system, sorted like glob(3). */
export function expandGlob(pattern: string): string[] {
  const parts = pattern.split("/");
  let bases = [pattern.startsWith("/") ? "/" : "."];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (!/[*?[]/.test(part)) {
      bases = bases.map((b) => join(b, part));
      continue;
    }
    const re = globToRegExp(part);
    const next: string[] = [];
    for (const b of bases) {
      let names: string[];
      try {
        names = readdirSync(b);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n) && !(n.startsWith(".") && !part.startsWith("."))) next.push(join(b, n));
    }
    bases = next;
  }
  return bases.filter((p) => existsSync(p));
}

function globToRegExp(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = part.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += "[" + body.replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

/**
 * The library directories named by an ld.so.conf file and the files it
 * includes (`include` lines take globs; relative ones are relative to the
 * including file's folder, as ldconfig does). `root` prefixes every path, for
 * inspecting another system tree (e.g. a container's).
 */
export function readLdSoConf(confFile = "/etc/ld.so.conf", root = "/"): string[] {
  const dirs: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, depth: number): void => {
    const real = join(root, file);
    if (seen.has(real) || depth > 32) return; // include loops end here
    seen.add(real);
    let text: string;
    try {
      text = readFileSync(real, "utf8");
    } catch {
      return;
    }
    for (const raw of text.split("\n")) {
      const line = raw.replace(/#.*/, "").trim();
      if (line === "") continue;
      const inc = /^include\s+(.+)$/.exec(line);
      if (inc) {
        for (const pat of inc[1]!.split(/\s+/)) {
          const abs = isAbsolute(pat) ? pat : posix.join(posix.dirname(file), pat);
          for (const hit of expandGlob(join(root, abs))) visit("/" + posix.relative(root, hit).split("\\").join("/"), depth + 1);
        }
        continue;
      }
      if (/^hwcap\s/.test(line)) continue;
      for (const d of line.split(/[\s,:]+/)) {
        const dir = d.replace(/=.*$/, ""); // old "dir=libtype" form
        if (dir !== "" && !dirs.includes(dir)) dirs.push(dir);
      }
    }
  };
  visit(confFile, 0);
  return dirs;
}

/**
 * glibc's built-in system directories: /lib64 and /usr/lib64 on 64-bit ports
 * (Red Hat style), /lib and /usr/lib everywhere (Debian's multiarch folders come
 * from ld.so.conf). A superset is harmless: candidates of the wrong class are skipped.
 */
export function defaultLibDirs(elfClass: 32 | 64): string[] {
  return elfClass === 64 ? ["/lib64", "/usr/lib64", "/lib", "/usr/lib"] : ["/lib", "/usr/lib"];
}

/** The search context of this process (or of a system tree at `root`). */
export function systemSearchContext(opts: { env?: NodeJS.ProcessEnv; root?: string; elfClass: 32 | 64 }): SearchContext {
  const root = opts.root ?? "/";
  const env = opts.env ?? process.env;
  const ldLibraryPath = (env.LD_LIBRARY_PATH ?? "").split(/[:;]/).filter((p) => p !== "");
  return {
    ldLibraryPath,
    confDirs: readLdSoConf("/etc/ld.so.conf", root).map((d) => join(root, d)),
    defaultDirs: defaultLibDirs(opts.elfClass).map((d) => join(root, d)),
  };
}

/** `$ORIGIN` / `${ORIGIN}` -> the folder of the object; `$LIB` / `$PLATFORM` are left (no portable meaning). */
export function expandOrigin(entry: string, objectFile: string): string {
  return entry.replace(/\$(\{ORIGIN\}|ORIGIN)(?=\/|$)/g, dirname(objectFile));
}

/** Class and machine of an ELF file from its first 20 bytes; undefined when not ELF or unreadable. */
export function elfIdentity(path: string): { elfClass: 32 | 64; machine: number } | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const b = fileHead(path, 20);
    if (b.length < 20 || !hasElfMagic(b)) return undefined;
    const le = b[5] === 1;
    return { elfClass: b[4] === 2 ? 64 : 32, machine: le ? b.readUInt16LE(18) : b.readUInt16BE(18) };
  } catch {
    return undefined;
  }
}

/**
 * Find `name` for `requester` (loaded by `loaders`, nearest first). Undefined
 * when the loader would not find it.
 */
export function resolveLibrary(name: string, requester: Loader, loaders: Loader[], ctx: SearchContext): Resolved | undefined {
  const want = requester.elf;
  const fits = (p: string): boolean => {
    const id = elfIdentity(p);
    return id !== undefined && id.elfClass === want.elfClass && id.machine === want.machine;
  };
  const hit = (path: string, via: SearchSource): Resolved => {
    let realPath = path;
    try {
      realPath = realpathSync(path);
    } catch {
      // keep the path as found
    }
    return { path, realPath, via };
  };
  if (name.includes("/")) return fits(name) ? hit(name, "path") : undefined;

  const tryDirs = (dirs: string[], via: SearchSource): Resolved | undefined => {
    for (const d of dirs) {
      const p = join(d, name);
      if (fits(p)) return hit(p, via);
    }
    return undefined;
  };
  const hasRunpath = requester.elf.runpath.length > 0;
  if (!hasRunpath) {
    // DT_RPATH of the requester, then of each loader whose own RUNPATH does not cut the chain
    for (const obj of [requester, ...loaders]) {
      if (obj.elf.runpath.length > 0) break;
      const found = tryDirs(
        obj.elf.rpath.map((e) => expandOrigin(e, obj.file)),
        "rpath",
      );
      if (found) return found;
    }
  }
  return (
    tryDirs(ctx.ldLibraryPath, "LD_LIBRARY_PATH") ??
    (hasRunpath ? tryDirs(requester.elf.runpath.map((e) => expandOrigin(e, requester.file)), "runpath") : undefined) ??
    tryDirs(ctx.confDirs, "ld.so.conf") ??
    tryDirs(ctx.defaultDirs, "default")
  );
}
