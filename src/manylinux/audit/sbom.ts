/**
 * The SBOM a repair adds when it grafts libraries into a wheel
 * (`<dist-info>/sboms/auditwheel.cdx.json`): a CycloneDX 1.4 document naming
 * the OS packages the libraries came from, in the shape auditwheel 6.x writes
 * (its `sboms.py`): the wheel as `pkg:pypi/<name>@<version>?file_name=<wheel>`,
 * one component per grafted file with `bom-ref` = the package's purl + `#` +
 * the sha256 of the file's path, the wheel depending on each. Which package
 * owns a file is asked of the system's package manager, as auditwheel's
 * vendored `whichprovides` does (`dpkg -S` + `dpkg -s`, `rpm -qf`, `apk info
 * --who-owns`), with the distribution from /etc/os-release.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** The OS package that installed a file (`dpkg -S`, `rpm -qf`, `apk info --who-owns`). */
export interface ProvidedBy {
  /** purl type: deb, rpm, apk */
  type: string;
  name: string;
  version: string;
  /** /etc/os-release ID, e.g. debian */
  distro?: string;
}

/** Python's `urllib.parse.quote(s, safe="")`: everything but letters, digits and `_.-~` percent-encoded. */
export function quoteAll(s: string): string {
  return [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : "%" + b.toString(16).toUpperCase().padStart(2, "0"))).join("");
}

export function packagePurl(p: ProvidedBy): string {
  return `pkg:${p.type.toLowerCase()}/${p.distro ? `${quoteAll(p.distro)}/` : ""}${quoteAll(p.name)}@${quoteAll(p.version)}`;
}

/**
 * The document for a repaired wheel: `wheelFileName` (its final name), and for
 * each grafted library the path it was copied from with the package that
 * provides it (files no package owns are left out). Undefined when no file has
 * a known package: auditwheel then writes no SBOM either.
 */
export function graftedLibrariesSbom(wheelFileName: string, provided: ReadonlyArray<{ path: string; by: ProvidedBy }>, tool: { name: string; version: string }): Record<string, unknown> | undefined {
  if (provided.length === 0) return undefined;
  const m = /^([^-]+)-([^-]+)-/.exec(wheelFileName);
  if (!m) throw new Error(`not a wheel file name: ${wheelFileName}`);
  const [name, version] = [m[1] as string, m[2] as string];
  const purl = `pkg:pypi/${quoteAll(name)}@${quoteAll(version)}?file_name=${quoteAll(wheelFileName)}`;
  const wheel = { type: "library", "bom-ref": purl, name, version, purl };
  const components: Record<string, unknown>[] = [wheel];
  const dependsOn: string[] = [];
  const refs: Record<string, unknown>[] = [];
  for (const { path, by } of provided) {
    const ref = `${packagePurl(by)}#${createHash("sha256").update(path, "utf8").digest("hex")}`;
    components.push({ type: "library", "bom-ref": ref, name: by.name, version: by.version, purl: packagePurl(by) });
    dependsOn.push(ref);
    refs.push({ ref });
  }
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.4",
    version: 1,
    metadata: { component: wheel, tools: [tool] },
    components,
    dependencies: [{ ref: purl, dependsOn }, ...refs],
  };
}

/** JSON as Python's `json.dumps` writes it (auditwheel's file): `, ` and `: ` separators, non-ASCII escaped. */
export function pythonJsonDumps(value: unknown): string {
  const str = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  const walk = (v: unknown): string => {
    if (v === null) return "null";
    if (typeof v === "string") return str(v);
    if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(walk).join(", ")}]`;
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${str(k)}: ${walk(x)}`)
      .join(", ")}}`;
  };
  return walk(value);
}

/** `ID=` of an os-release file's text. Pure. */
export function osReleaseId(text: string): string | undefined {
  const m = /^ID=(?:"([^"]*)"|(.*))$/m.exec(text);
  const id = (m?.[1] ?? m?.[2])?.trim();
  return id ? id : undefined;
}

/** Runs a package-manager query: its stdout, or undefined when the program is missing or says no. */
export type AskPackageManager = (cmd: string, args: string[]) => Promise<string | undefined>;

/** A query on this machine. */
export function askHere(env: NodeJS.ProcessEnv = process.env): AskPackageManager {
  return async (cmd, args) => {
    const r = spawnSync(cmd, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
    return r.status === 0 ? r.stdout : undefined;
  };
}

type Provider = (file: string) => Promise<Omit<ProvidedBy, "distro"> | undefined>;

const providers: Array<[string, (ask: AskPackageManager) => Provider]> = [
  [
    "dpkg",
    (ask) => async (file) => {
      const name = /^([^:]+):/.exec((await ask("dpkg", ["-S", file])) ?? "")?.[1];
      const version = name ? /^Version: (\S+)/m.exec((await ask("dpkg", ["-s", name])) ?? "")?.[1] : undefined;
      return name && version ? { type: "deb", name, version } : undefined;
    },
  ],
  [
    "rpm",
    (ask) => async (file) => {
      const [name, version, release] = ((await ask("rpm", ["-qf", "--queryformat", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}", file])) ?? "").trim().split(" ");
      return name && version && release ? { type: "rpm", name, version: `${version}-${release}` } : undefined;
    },
  ],
  [
    "apk",
    (ask) => async (file) => {
      const m = / is owned by ([^\s-]+)-(\S+)$/m.exec((await ask("apk", ["info", "--who-owns", file])) ?? "");
      return m ? { type: "apk", name: m[1] as string, version: m[2] as string } : undefined;
    },
  ],
];

/** The path and, on a merged-/usr system, its other spelling (dpkg knows `/lib/...` where the file is `/usr/lib/...`). */
export function pathSpellings(file: string): string[] {
  const other = file.startsWith("/usr/lib") ? file.slice(4) : /^\/lib(32|64|x32)?\//.test(file) ? `/usr${file}` : undefined;
  return other ? [file, other] : [file];
}

/**
 * Which OS package provided each file (files no package owns are left out),
 * asked of the first package manager that answers; nothing without
 * /etc/os-release's ID, as auditwheel. `ask` runs the queries (default: on this
 * machine) and `osRelease` is that system's os-release text (default: this
 * machine's), so a container can be asked about its own files.
 */
export async function whichProvides(files: string[], o: { ask?: AskPackageManager; osRelease?: string } = {}): Promise<Array<{ path: string; by: ProvidedBy }>> {
  const ask = o.ask ?? askHere();
  let text = o.osRelease;
  if (text === undefined) {
    try {
      text = readFileSync("/etc/os-release", "utf8");
    } catch {
      return [];
    }
  }
  const distro = osReleaseId(text);
  if (!distro) return [];
  const out: Array<{ path: string; by: ProvidedBy }> = [];
  for (const [cmd, make] of providers) {
    if ((await ask(cmd, ["--version"])) === undefined) continue;
    const provider = make(ask);
    for (const path of files) {
      let by: Omit<ProvidedBy, "distro"> | undefined;
      for (const spelling of pathSpellings(path)) if ((by = await provider(spelling))) break;
      if (by) out.push({ path, by: { ...by, distro } });
    }
    break;
  }
  return out;
}
