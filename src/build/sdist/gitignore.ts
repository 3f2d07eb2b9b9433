/**
 * .gitignore semantics (gitignore(5)) without git: the sdist honours a
 * project's ignore files whether or not the project is a git checkout, and
 * only those inside the project (an enclosing folder's .gitignore is not ours).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDir as isDirectory } from "../../fs-util.js";

export interface IgnoreRule {
  /** Matches a path relative to the folder of the .gitignore that holds the rule. */
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** One glob segment-sequence of gitignore syntax to a regular-expression source. */
function globSource(glob: string): string {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "\\" && i + 1 < glob.length) {
      re += (glob[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else if (c === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/";
        const atEnd = i + 2 === glob.length || glob[i + 2] === "/";
        if (atStart && atEnd) {
          if (i + 2 === glob.length) {
            re += ".*"; // trailing "/**": everything inside
            i += 1;
          } else {
            re += "(?:.*/)?"; // "**/": zero or more folders
            i += 2;
          }
          continue;
        }
      }
      re += "[^/]*";
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) {
        re += "\\[";
        continue;
      }
      let body = glob.slice(i + 1, end);
      const neg = body.startsWith("!") || body.startsWith("^");
      if (neg) body = body.slice(1);
      re += `[${neg ? "^/" : ""}${body.replace(/\\/g, "\\\\").replace(/]/g, "\\]")}]`;
      i = end;
    } else {
      re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
    }
  }
  return re;
}

/** Parse the text of one .gitignore into rules (comments and blank lines dropped). */
export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    // Trailing spaces are dropped unless escaped with a backslash.
    let line = rawLine.replace(/(?<!\\)\s+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    let negate = false;
    if (line.startsWith("!")) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith("/")) {
      dirOnly = true;
      line = line.replace(/\/+$/, "");
    }
    if (line === "") continue;
    // A slash at the start or in the middle anchors the pattern to the .gitignore's folder;
    // otherwise it matches a name at any depth.
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    const body = globSource(line);
    rules.push({ re: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), negate, dirOnly });
  }
  return rules;
}

/**
 * Whether `relPath` (relative to the rules' folder) is ignored by `rules`:
 * true/false when some rule decides, undefined when none matches. The last
 * matching rule wins.
 */
export function matchRules(rules: IgnoreRule[], relPath: string, isDir: boolean): boolean | undefined {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i] as IgnoreRule;
    if (r.dirOnly && !isDir) continue;
    if (r.re.test(relPath)) return !r.negate;
  }
  return undefined;
}

/**
 * The .gitignore files below one root folder, read lazily. `ignored(rel)`
 * answers as git does for a path relative to the root: a deeper .gitignore
 * overrides a shallower one, and nothing inside an ignored folder comes back.
 * Ignore files above the root are never read.
 */
export class IgnoreTree {
  private readonly rulesByDir = new Map<string, IgnoreRule[]>();
  private readonly dirVerdict = new Map<string, boolean>();

  constructor(readonly root: string) {}

  private rulesOf(dirRel: string): IgnoreRule[] {
    let rules = this.rulesByDir.get(dirRel);
    if (rules === undefined) {
      let text = "";
      try {
        text = readFileSync(join(this.root, dirRel, ".gitignore"), "utf8");
      } catch {
        // no ignore file in this folder
      }
      rules = parseGitignore(text);
      this.rulesByDir.set(dirRel, rules);
    }
    return rules;
  }

  /** The verdict of the .gitignore files for this one path, its parents not considered. */
  private ownVerdict(rel: string, isDir: boolean): boolean {
    const parts = rel.split("/");
    // Deepest .gitignore first: the first file with a matching rule decides.
    for (let depth = parts.length - 1; depth >= 0; depth--) {
      const dirRel = parts.slice(0, depth).join("/");
      const verdict = matchRules(this.rulesOf(dirRel), parts.slice(depth).join("/"), isDir);
      if (verdict !== undefined) return verdict;
    }
    return false;
  }

  private dirIgnored(dirRel: string): boolean {
    if (dirRel === "") return false;
    let v = this.dirVerdict.get(dirRel);
    if (v === undefined) {
      const slash = dirRel.lastIndexOf("/");
      v = this.dirIgnored(slash < 0 ? "" : dirRel.slice(0, slash)) || this.ownVerdict(dirRel, true);
      this.dirVerdict.set(dirRel, v);
    }
    return v;
  }

  /** Is `rel` ('/'-separated, relative to the root) ignored? `isDir` defaults to asking the file system. */
  ignored(rel: string, isDir?: boolean): boolean {
    if (rel === "" || rel.startsWith("../")) return false;
    const dir = isDir ?? isDirectory(join(this.root, rel));
    const slash = rel.lastIndexOf("/");
    if (this.dirIgnored(slash < 0 ? "" : rel.slice(0, slash))) return true;
    return dir ? this.dirIgnored(rel) : this.ownVerdict(rel, false);
  }
}
