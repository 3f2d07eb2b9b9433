/**
 * MANIFEST.in with setuptools' meaning, as pure functions: the template's
 * lines become directives (parseManifestIn), and directives applied to a list
 * of files give the selected list (applyManifestIn). The caller lists the
 * project's files; nothing here touches the file system.
 *
 * The rules are setuptools' (setuptools.command.egg_info.FileList, and the
 * template reader of distutils' sdist), which differ per directive:
 * - `include`, `recursive-include`, `graft` find files with setuptools' glob:
 *   `*`/`?` stay within one path part but DO match hidden names (setuptools'
 *   copy of glob does not skip them), `**` in recursive-include spans folders;
 * - `exclude`, `recursive-exclude`, `prune`, `global-*` match the list with
 *   setuptools' own translation, where `[...]` holds literal characters only
 *   (no ranges) and the whole path must match.
 * See docs/sdist.md, "setuptools projects".
 */

export type ManifestAction =
  | "include"
  | "exclude"
  | "global-include"
  | "global-exclude"
  | "recursive-include"
  | "recursive-exclude"
  | "graft"
  | "prune";

export interface ManifestDirective {
  action: ManifestAction;
  /** recursive-*: the folder (itself a pattern); graft/prune: the folder pattern. */
  dir?: string;
  /** The file patterns (empty for graft/prune). */
  patterns: string[];
  /** 1-based line of the template where the directive starts. */
  line: number;
}

export interface ManifestProblem {
  line: number;
  message: string;
}

export interface ParsedManifest {
  directives: ManifestDirective[];
  /** Lines setuptools warns about and skips (unknown action, missing words). */
  problems: ManifestProblem[];
}

/**
 * distutils' convert_path on POSIX today: `pathlib.PurePath(p)` — repeated
 * and trailing slashes and `.` parts go away (`src/` is `src`).
 */
export function normalizeManifestPath(p: string): string {
  const abs = p.startsWith("/");
  const parts = p.split("/").filter((s) => s !== "" && s !== ".");
  const out = parts.join("/");
  if (abs) return "/" + out;
  return out === "" ? "." : out;
}

/**
 * The template's logical lines, as distutils' TextFile reads them: `#` starts
 * a comment unless escaped as `\#`, a line ending in `\` continues on the next
 * (whose leading blanks are dropped), blank lines are skipped, and each line
 * is stripped.
 */
export function manifestLines(text: string): Array<{ line: number; text: string }> {
  const raw = text.replace(/\r\n?/g, "\n").split("\n");
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  const out: Array<{ line: number; text: string }> = [];
  let buildup: string | undefined;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i] as string;
    const pos = line.indexOf("#");
    if (pos === 0 || (pos > 0 && line[pos - 1] !== "\\")) {
      line = line.slice(0, pos);
      if (line.trim() === "") continue;
    } else if (pos > 0) line = line.replace(/\\#/g, "#");
    if (buildup !== undefined) {
      line = buildup + line.trimStart();
      buildup = undefined;
    } else start = i + 1;
    line = line.trim();
    if (line === "") continue;
    if (line.endsWith("\\")) {
      buildup = line.slice(0, -1);
      continue;
    }
    out.push({ line: start, text: line });
  }
  // a continuation at the end of the file: TextFile warns and returns what it has
  if (buildup !== undefined && buildup.trim() !== "") out.push({ line: start, text: buildup.trim() });
  return out;
}

const PATTERN_ACTIONS = new Set(["include", "exclude", "global-include", "global-exclude"]);

/** Parse MANIFEST.in's text into directives; malformed lines become problems (setuptools warns and skips them). */
export function parseManifestIn(text: string): ParsedManifest {
  const directives: ManifestDirective[] = [];
  const problems: ManifestProblem[] = [];
  for (const { line, text: t } of manifestLines(text)) {
    const words = t.split(/\s+/).filter(Boolean);
    const action = words[0] as string;
    if (PATTERN_ACTIONS.has(action)) {
      if (words.length < 2) problems.push({ line, message: `'${action}' expects <pattern1> <pattern2> ...` });
      else directives.push({ action: action as ManifestAction, patterns: words.slice(1).map(normalizeManifestPath), line });
    } else if (action === "recursive-include" || action === "recursive-exclude") {
      if (words.length < 3) problems.push({ line, message: `'${action}' expects <dir> <pattern1> <pattern2> ...` });
      else directives.push({ action, dir: normalizeManifestPath(words[1] as string), patterns: words.slice(2).map(normalizeManifestPath), line });
    } else if (action === "graft" || action === "prune") {
      if (words.length !== 2) problems.push({ line, message: `'${action}' expects a single <dir_pattern>` });
      else directives.push({ action, dir: normalizeManifestPath(words[1] as string), patterns: [], line });
    } else problems.push({ line, message: `unknown action '${action}'` });
  }
  return { directives, problems };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * One path part with `*`, `?` and `[...]` (an unclosed `[` is literal; a `]`
 * right after `[` or `[!` belongs to the class); `cls` turns a class's inside
 * into a regular expression, which is where fnmatch and setuptools differ.
 */
function wildcardPart(part: string, any: string, cls: (inside: string) => string): string {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i] as string;
    if (c === "*") re += `${any}*`;
    else if (c === "?") re += any;
    else if (c === "[") {
      let j = i + 1;
      if (part[j] === "!") j++;
      if (part[j] === "]") j++;
      while (j < part.length && part[j] !== "]") j++;
      if (j >= part.length) re += "\\[";
      else {
        re += cls(part.slice(i + 1, j));
        i = j;
      }
    } else re += escapeRe(c);
  }
  return re;
}

/** fnmatch's class: ranges and `!` negation; `[!]` is any character. */
function fnmatchClass(inside: string, any: string): string {
  if (inside === "!") return any;
  const neg = inside.startsWith("!");
  const body = (neg ? inside.slice(1) : inside).replace(/[\\\]^[]/g, "\\$&");
  return neg ? `(?!/)[^${body}]` : `[${body}]`;
}

/** One path part of a glob as fnmatch reads it. */
function fnmatchPart(part: string): string {
  return wildcardPart(part, "[^/]", (inside) => fnmatchClass(inside, "[^/]"));
}

/** setuptools' class: its inside goes through re.escape, so every character is literal (no ranges). */
function literalClass(inside: string): string {
  const neg = inside.startsWith("!");
  return `[${neg ? "^" : ""}${[...(neg ? inside.slice(1) : inside)].map((x) => x.replace(/[\\\]^[-]/, "\\$&")).join("")}]`;
}

const MAGIC = /[*?[]/;

/**
 * setuptools' glob of `pattern` over a file list, as a test on one listed
 * file: matches when globbing the pattern in the project folder would return
 * that file. `recursive`: a whole `**` part spans zero or more folders (a
 * final `**` everything below). Hidden names are not special in setuptools'
 * glob; `skipHidden` gives Python's glob (package data, tests/test*.py).
 */
export function globMatcher(pattern: string, recursive: boolean, o: { skipHidden?: boolean } = {}): (path: string) => boolean {
  const parts = pattern.split("/");
  // Python's own glob (not setuptools' copy) skips hidden names unless the pattern part starts with "."
  const name = o.skipHidden ? "(?!\\.)[^/]+" : "[^/]+";
  let re = "";
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    if (recursive && p === "**") {
      re += last ? `${name}(?:/${name})*` : `(?:${name}/)*`;
      return;
    }
    if (!MAGIC.test(p)) re += escapeRe(p);
    else re += (o.skipHidden && !p.startsWith(".") ? "(?!\\.)" : "") + fnmatchPart(p);
    if (!last) re += "/";
  });
  const rx = safeRegExp(`^${re}$`);
  return (path) => rx !== undefined && rx.test(path);
}

/**
 * setuptools' translate_pattern (for exclude, recursive-exclude, prune and
 * global-*): `*`/`?` within one part, a `**` part any number of folders (a
 * final `**` anything), `[...]` literal characters only (setuptools escapes the
 * class's inside, so `[a-z]` means `a`, `-` or `z`), the whole path matching.
 */
export function translatePattern(glob: string): (path: string) => boolean {
  const chunks = glob.split("/");
  let re = "";
  chunks.forEach((chunk, c) => {
    const last = c === chunks.length - 1;
    if (chunk === "**") {
      re += last ? ".*" : "(?:[^/]+/)*";
      return;
    }
    re += wildcardPart(chunk, "[^/]", literalClass);
    if (!last) re += "/";
  });
  const rx = safeRegExp(`^${re}$`, "s");
  return (path) => rx !== undefined && rx.test(path);
}

/** A class like `[z-a]` is an error for JavaScript (Python's fnmatch drops it): such a pattern matches nothing. */
function safeRegExp(src: string, flags = "s"): RegExp | undefined {
  try {
    return new RegExp(src, flags);
  } catch {
    return undefined;
  }
}

/** The folders holding `path`, nearest last (`a/b/c` -> `a`, `a/b`). */
function folders(path: string): string[] {
  const parts = path.split("/");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

export interface ApplyResult {
  /** The selected files, in setuptools' order of addition (duplicates kept; the caller sorts and dedupes). */
  files: string[];
  /** setuptools' "no files found matching ..." warnings, each naming its line. */
  warnings: Array<{ line: number; message: string }>;
}

/**
 * Apply `directives` to the list `start` (setuptools' defaults, already
 * chosen), with `all` every file below the project folder ('/'-separated,
 * relative; hidden files included, as setuptools' findall sees them).
 */
export function applyManifestIn(start: readonly string[], directives: readonly ManifestDirective[], all: readonly string[]): ApplyResult {
  let files = [...start];
  const warnings: ApplyResult["warnings"] = [];
  const include = (test: (p: string) => boolean) => {
    const found = all.filter(test);
    files.push(...found);
    return found.length > 0;
  };
  const exclude = (test: (p: string) => boolean) => {
    const before = files.length;
    files = files.filter((f) => !test(f));
    return files.length !== before;
  };
  for (const d of directives) {
    const dir = d.dir ?? ".";
    const warn = (message: string) => warnings.push({ line: d.line, message });
    switch (d.action) {
      case "include":
        for (const p of d.patterns) if (!include(globMatcher(p, false))) warn(`no files found matching '${p}'`);
        break;
      case "exclude":
        for (const p of d.patterns) if (!exclude(translatePattern(p))) warn(`no previously-included files found matching '${p}'`);
        break;
      case "global-include":
        for (const p of d.patterns) if (!include(translatePattern(`**/${p}`))) warn(`no files found matching '${p}' anywhere in distribution`);
        break;
      case "global-exclude":
        for (const p of d.patterns) {
          if (!exclude(translatePattern(`**/${p}`))) warn(`no previously-included files matching '${p}' found anywhere in distribution`);
        }
        break;
      case "recursive-include":
        for (const p of d.patterns) {
          // glob("./**/p") answers "./src/x": later excludes see that spelling, as in setuptools
          const found = dir === "." ? all.filter(globMatcher(`**/${p}`, true)).map((f) => `./${f}`) : all.filter(globMatcher(`${dir}/**/${p}`, true));
          files.push(...found);
          if (found.length === 0) warn(`no files found matching '${p}' under directory '${dir}'`);
        }
        break;
      case "recursive-exclude":
        for (const p of d.patterns) {
          if (!exclude(translatePattern(`${dir}/**/${p}`))) warn(`no previously-included files matching '${p}' found under directory '${dir}'`);
        }
        break;
      case "graft": {
        // glob(dir) names folders; every file below each of them (hidden ones too)
        const isDir = globMatcher(dir, false);
        if (!include((f) => dir === "." || folders(f).some(isDir))) warn(`no directories found matching '${dir}'`);
        break;
      }
      case "prune":
        if (!exclude(translatePattern(`${dir}/**`))) warn(`no previously-included directories found matching '${dir}'`);
        break;
    }
  }
  return { files, warnings };
}

/**
 * setuptools' FileList.sort then remove_duplicates: sorted by (folder, name),
 * which is not plain string order (`a/b` before `a-b/c`? no: `a` < `a-b`).
 */
export function sortFileList(files: readonly string[]): string[] {
  const key = (f: string): [string, string] => {
    const i = f.lastIndexOf("/");
    return i < 0 ? ["", f] : [f.slice(0, i), f.slice(i + 1)];
  };
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...new Set(files)].sort((x, y) => {
    const [dx, nx] = key(x);
    const [dy, ny] = key(y);
    return cmp(dx, dy) || cmp(nx, ny);
  });
  return sorted;
}
