/** entry_points.txt (the entry points spec): INI-style groups of `name = module:object`. */
import { ValidationError } from "../errors.js";
import { isValidModuleName } from "./names.js";

/** group -> (name -> object reference), e.g. { console_scripts: { spam: "spam.cli:main" } } */
export type EntryPointGroups = Record<string, Record<string, string>>;

const SCRIPT_GROUPS = new Set(["console_scripts", "gui_scripts"]);

function validateObjectRef(group: string, name: string, ref: string): string {
  const r = ref.trim();
  const [mod, attr, more] = r.split(":").map((s) => s.trim());
  const bad = (why: string): never => {
    throw new ValidationError(
      `entry point "${name}" in [${group}]: "${ref}" ${why}`,
      'write it as "package.module:function" (the part after ":" may be dotted, e.g. "pkg.cli:App.main")',
    );
  };
  if (more !== undefined) bad("has more than one ':'");
  if (mod === undefined || !isValidModuleName(mod)) bad("does not start with a dotted module name");
  if (attr === undefined) {
    // Scripts need a callable; other groups may name a bare module.
    if (SCRIPT_GROUPS.has(group)) bad("names no function after ':'");
    return mod as string;
  }
  if (!isValidModuleName(attr)) bad(`has "${attr}" after ':', which is not a dotted Python name`);
  return `${mod}:${attr}`;
}

function validateName(group: string, name: string): void {
  const bad = (why: string): never => {
    throw new ValidationError(`entry point name ${JSON.stringify(name)} in [${group}] ${why}`, "use letters, digits, '-', '_' and '.'");
  };
  if (!/^[\w.-]+$/u.test(name)) bad("may only contain letters, digits, '-', '_' and '.'");
  if (SCRIPT_GROUPS.has(group) && (name === "." || name === "..")) bad("cannot be a file name");
}

function groupOrder(a: string, b: string): number {
  const rank = (g: string) => (g === "console_scripts" ? 0 : g === "gui_scripts" ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** console_scripts, gui_scripts, then other groups by name; entries sorted by name. "" when empty. */
export function renderEntryPoints(groups: EntryPointGroups): string {
  const sections: string[] = [];
  for (const group of Object.keys(groups).sort(groupOrder)) {
    if (!/^\w+(?:[.-]\w+)*$/u.test(group)) {
      throw new ValidationError(`entry point group ${JSON.stringify(group)} is not a valid group name`, "use dotted names like console_scripts or myapp.plugins");
    }
    const entries = Object.entries(groups[group] ?? {});
    if (entries.length === 0) continue;
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const lines = entries.map(([name, ref]) => {
      validateName(group, name);
      return `${name} = ${validateObjectRef(group, name, ref)}`;
    });
    sections.push(`[${group}]\n${lines.join("\n")}\n`);
  }
  return sections.join("\n");
}
