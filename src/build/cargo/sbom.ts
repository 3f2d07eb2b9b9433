/**
 * The Rust SBOM of a wheel (PEP 770: `<dist-info>/sboms/<crate>.cyclonedx.json`):
 * a CycloneDX 1.5 document of the crate's dependency graph, from `cargo metadata`
 * with the dependencies resolved. The shape is the one maturin 1.15 writes
 * (through cargo-cyclonedx 0.5.9): every package the crate reaches through
 * normal and build dependencies (dev-dependencies left out) is a component,
 * `bom-ref` = cargo's package id, purl `pkg:cargo/<name>@<version>`, `scope`
 * `required` for what the built code links and `excluded` for build-only
 * crates, the crate itself as `metadata.component` with its targets inside.
 * Pure: the caller reads the lock file's checksums and license files.
 * Deterministic: no clock and no random serial number (see `rustSbomText`).
 */
import { createHash } from "node:crypto";
import { spdxExpressionError } from "../project/project-metadata.js";

/** The parts of one `cargo metadata` package the document uses. */
export interface SbomPackage {
  id: string;
  name: string;
  version: string;
  source: string | null;
  manifest_path: string;
  description?: string | null;
  authors?: string[];
  license?: string | null;
  license_file?: string | null;
  homepage?: string | null;
  documentation?: string | null;
  repository?: string | null;
  links?: string | null;
  targets?: Array<{ name: string; kind: string[]; src_path: string }>;
}

export interface SbomNode {
  id: string;
  deps: Array<{ pkg: string; dep_kinds: Array<{ kind: string | null }> }>;
}

/** `cargo metadata --format-version 1` without `--no-deps`, the parts used here. */
export interface ResolvedMetadata {
  packages: SbomPackage[];
  resolve: { nodes: SbomNode[] } | null;
  workspace_root: string;
}

export interface RustSbomInput {
  metadata: ResolvedMetadata;
  /** Package id of the crate the wheel is built from. */
  root: string;
  /** Cargo.lock's `checksum` by package id (registry crates). */
  checksums?: ReadonlyMap<string, string>;
  /** Text of the license file of a package that names one and no `license`, by package id. */
  licenseTexts?: ReadonlyMap<string, string>;
  /** SOURCE_DATE_EPOCH, when set: the document's timestamp. */
  epoch?: number;
  tool: { name: string; version: string };
}

type Json = Record<string, unknown>;

const RUNTIME = 2;
const BUILD = 1;

/** Kind of one dependency edge: normal 2, build 1, dev 0. */
function edgeStrength(kind: string | null): number {
  return kind === null || kind === "normal" ? RUNTIME : kind === "build" ? BUILD : 0;
}

/** The edges that matter for what ships: every kind but dev. */
function shippedDeps(node: SbomNode): string[] {
  return node.deps.filter((d) => d.dep_kinds.some((k) => edgeStrength(k.kind) > 0)).map((d) => d.pkg);
}

/** Packages reached from the root through non-dev edges, each with its strongest path kind. */
export function reachedPackages(root: string, nodes: ReadonlyMap<string, SbomNode>): Map<string, number> {
  const strength = new Map<string, number>([[root, RUNTIME]]);
  const queue = [root];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    const here = strength.get(id) as number;
    for (const d of nodes.get(id)?.deps ?? []) {
      const edge = Math.max(0, ...d.dep_kinds.map((k) => edgeStrength(k.kind)));
      if (edge === 0) continue;
      const via = Math.min(here, edge);
      if ((strength.get(d.pkg) ?? 0) < via) {
        strength.set(d.pkg, via);
        queue.push(d.pkg);
      }
    }
  }
  return strength;
}

// Percent-encoding of purl parts, as the purl crate cargo-cyclonedx uses writes them.
function encodeWith(s: string, extra: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x21 || code >= 0x7f || `"<>${extra}`.includes(ch)) out += [...Buffer.from(ch, "utf8")].map((b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join("");
    else out += ch;
  }
  return out;
}
const segment = (s: string) => encodeWith(s, "#?`{}@/");
const query = (s: string) => encodeWith(s, "#@?");
const fragment = (s: string) => encodeWith(s, "`@?#");

function relativeDir(from: string, to: string): string {
  const a = from.split("/").filter(Boolean);
  const b = to.split("/").filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rel = [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
  return rel === "" ? "." : rel;
}

const dirOf = (manifest: string) => manifest.replace(/\/[^/]*$/, "");

/** A git source as SPDX's download location: query dropped, `#commit` as `@commit`. */
export function vcsUrl(source: string): string {
  const q = source.indexOf("?");
  const f = source.indexOf("#");
  if (q >= 0 && f >= 0) return `${source.slice(0, q)}@${source.slice(f + 1)}`;
  if (f >= 0) return source.replace("#", "@");
  if (q >= 0) {
    const ref = source.slice(q + 1).split("&").map((p) => /^(?:branch|tag|rev)=(.*)$/.exec(p)?.[1]).find((v) => v !== undefined);
    return `${source.slice(0, q)}@${ref ?? source.slice(q + 1)}`;
  }
  return source;
}

const CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index";

/** `pkg:cargo/<name>@<version>` with the qualifier naming where a crate not from crates.io comes from. */
export function cargoPurl(p: SbomPackage, root: SbomPackage, workspaceRoot: string, subpath?: string): string {
  let purl = `pkg:cargo/${segment(p.name)}@${segment(p.version)}`;
  if (p.source !== null) {
    if (p.source !== CRATES_IO && p.source !== "sparse+https://index.crates.io/") {
      const plus = p.source.indexOf("+");
      const kind = p.source.slice(0, plus);
      if (kind === "git") purl += `?vcs_url=${query(vcsUrl(p.source))}`;
      else if (kind === "registry" || kind === "sparse") purl += `?repository_url=${query(p.source.slice(plus + 1))}`;
    }
  } else {
    // a local package: its folder relative to the built crate's when inside the workspace
    let dir = dirOf(p.manifest_path);
    if (dir === workspaceRoot || dir.startsWith(workspaceRoot.replace(/\/?$/, "/"))) dir = relativeDir(dirOf(root.manifest_path), dir);
    purl += `?download_url=${query(`file://${dir}`)}`;
  }
  if (subpath !== undefined) purl += `#${fragment(subpath)}`;
  return purl;
}

/** A URI reference (RFC 3986) as far as cyclonedx checks one: no spaces or characters a URI never holds. */
function isUriReference(s: string): boolean {
  return s !== "" && !/[\s"<>\\^`{|}]/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s);
}

function externalReferences(p: SbomPackage): Json[] | undefined {
  const refs: Json[] = [];
  const add = (type: string, url: string | null | undefined) => {
    if (url && isUriReference(url)) refs.push({ type, url });
  };
  add("documentation", p.documentation);
  add("website", p.homepage);
  add("other", p.links);
  add("vcs", p.repository);
  return refs.length > 0 ? refs : undefined;
}

/** Cargo's `license`: an SPDX expression (the old `A/B` read as `A OR B`), else a named license. */
function licenses(p: SbomPackage, licenseText: string | undefined): Json[] | undefined {
  if (p.license) {
    const lax = p.license.replace(/\//g, " OR ");
    return [spdxExpressionError(lax) === undefined ? { expression: lax } : { license: { name: p.license } }];
  }
  if (licenseText !== undefined) return [{ license: { name: "Unknown", text: { content: licenseText } } }];
  return undefined;
}

const oneLine = (s: string) => s.replace(/\r\n/g, " ").replace(/[\r\n\t]/g, " ");

function component(p: SbomPackage, root: SbomPackage, input: RustSbomInput, scope: "required" | "excluded"): Json {
  const c: Json = { type: "library", "bom-ref": p.id };
  if (p.authors && p.authors.length > 0) c.author = oneLine(p.authors.join(", "));
  c.name = p.name.trim();
  c.version = p.version;
  if (p.description) c.description = oneLine(p.description);
  c.scope = scope;
  const sum = input.checksums?.get(p.id);
  if (sum) c.hashes = [{ alg: "SHA-256", content: sum }];
  const lic = licenses(p, input.licenseTexts?.get(p.id));
  if (lic) c.licenses = lic;
  c.purl = cargoPurl(p, root, input.metadata.workspace_root);
  const refs = externalReferences(p);
  if (refs) c.externalReferences = refs;
  return c;
}

/** `Name <email>` -> a CycloneDX contact (an entry with a malformed email is left out, as cargo-cyclonedx does). */
export function authorContact(author: string): Json | undefined {
  const m = /^([^<]+)\s*(?:<([^>]+)>)?$/.exec(author);
  if (!m) return { name: author };
  const email = m[2];
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) return undefined;
  return email !== undefined ? { name: (m[1] as string).trim(), email } : { name: (m[1] as string).trim() };
}

/** The crate itself, with the targets that make up what is built (no tests, benches, examples, build script). */
function topComponent(p: SbomPackage, input: RustSbomInput): Json {
  const c = component(p, p, input, "required");
  const targets = (p.targets ?? []).filter((t) => !t.kind.some((k) => k === "bench" || k === "example" || k === "test" || k === "custom-build"));
  if (targets.some((t) => t.kind.includes("bin"))) c.type = "application";
  const dir = dirOf(p.manifest_path);
  const parts: Json[] = [];
  for (const t of targets) {
    const type = t.kind.includes("bin") ? "application" : t.kind.some((k) => k === "proc-macro" || k.includes("lib")) ? "library" : undefined;
    if (type === undefined) continue;
    const sub: Json = { type, "bom-ref": `${p.id} bin-target-${parts.length}`, name: t.name, version: p.version };
    if (t.src_path.startsWith(dir + "/")) sub.purl = cargoPurl(p, p, input.metadata.workspace_root, t.src_path.slice(dir.length + 1));
    parts.push(sub);
  }
  // `components` goes last, after purl and externalReferences (the serialisation's field order)
  c.components = parts;
  return c;
}

/** ISO 8601 in cargo-cyclonedx's form (nanosecond digits). */
export function sbomTimestamp(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, ".000000000Z");
}

/** The document, without `serialNumber` (rustSbomText derives it from the rest). */
export function rustSbom(input: RustSbomInput): Json {
  const { metadata: m, root } = input;
  const packages = new Map(m.packages.map((p) => [p.id, p]));
  const nodes = new Map((m.resolve?.nodes ?? []).map((n) => [n.id, n]));
  const rootPackage = packages.get(root);
  if (!rootPackage) throw new Error(`cargo metadata has no package ${root}`);
  const reached = reachedPackages(root, nodes);
  const ids = [...reached.keys()].filter((id) => packages.has(id)).sort(byPackageId);
  const metadata: Json = {};
  if (input.epoch !== undefined) metadata.timestamp = sbomTimestamp(input.epoch);
  metadata.tools = [{ name: input.tool.name, version: input.tool.version }];
  const authors = (rootPackage.authors ?? []).map(authorContact).filter((a): a is Json => a !== undefined);
  if (authors.length > 0) metadata.authors = authors;
  metadata.component = topComponent(rootPackage, input);
  metadata.properties = [{ name: "cdx:rustc:sbom:target:all_targets", value: "true" }];
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    version: 1,
    metadata,
    components: ids.filter((id) => id !== root).map((id) => component(packages.get(id) as SbomPackage, rootPackage, input, reached.get(id) === RUNTIME ? "required" : "excluded")),
    dependencies: ids.map((id) => {
      const on = nodes.has(id) ? shippedDeps(nodes.get(id) as SbomNode) : [];
      return on.length > 0 ? { ref: id, dependsOn: on } : { ref: id };
    }),
  };
}

/** Rust's ordering of package ids (byte order of the strings). */
function byPackageId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The file's text: serde_json's pretty form (what maturin writes), with a
 * `serialNumber` derived from the rest of the document (a UUID from its
 * sha256, version 8), so the same crate graph and SOURCE_DATE_EPOCH give the
 * same bytes. cargo-cyclonedx writes a random one, or none when
 * SOURCE_DATE_EPOCH is set; a wheel that changes on every build could not be
 * reproduced or kept by the no-op rebuild.
 */
export function rustSbomText(input: RustSbomInput): string {
  const doc = rustSbom(input);
  const h = createHash("sha256").update(JSON.stringify(doc)).digest("hex");
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const { bomFormat, specVersion, version, ...rest } = doc;
  return JSON.stringify({ bomFormat, specVersion, version, serialNumber: `urn:uuid:${uuid}`, ...rest }, null, 2);
}
