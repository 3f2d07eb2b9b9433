/**
 * The fields of one legacy-API upload (`POST` multipart, `:action=file_upload`),
 * from a distribution's own METADATA / PKG-INFO, named and filled as twine 7
 * (the reference client) sends them, so an index sees the same form from either
 * tool: only the fields the file has (none sent empty), a repeatable field once
 * per value, `Keywords` as a ", "-joined list, `Project-URL` as "label, URL",
 * PEP 639's `License-File` as `license_file`, an sdist's `pyversion` "source",
 * the sha256 and BLAKE2b-256 digests (no MD5). Two deliberate differences, both
 * for old files twine 7 would refuse or mangle: a field newer than the file's
 * Metadata-Version is not read (twine 7 refuses the file), and "UNKNOWN" (old
 * setuptools' placeholder) counts as absent. Pure.
 */
import { headerValue, headerValues, type MetadataHeaders } from "./metadata-headers.js";

export type Filetype = "bdist_wheel" | "sdist";

export interface FileFacts {
  filetype: Filetype;
  /** The wheel's python tag part (`cp311`, `py2.py3`); undefined for an sdist (sent as "source"). */
  pyversion?: string;
  sha256: string;
  blake2_256: string;
}

/** How a field's values become form values. */
type Kind = "single" | "multiple" | "keywords" | "project-url";

/** One row of the field map: form name, core-metadata field, kind, first Metadata-Version that has it. */
export type FormField = readonly [form: string, header: string, kind: Kind, since: number];

/**
 * Core metadata -> form fields, in twine 7's order (its `_RAW_TO_PACKAGE_METADATA`,
 * read through packaging's field names). The description is the body when there
 * is one, else the `Description` field (packaging's rule).
 */
export const FORM_FIELDS: readonly FormField[] = [
  // Metadata 1.0
  ["metadata_version", "Metadata-Version", "single", 1.0],
  ["name", "Name", "single", 1.0],
  ["version", "Version", "single", 1.0],
  ["platform", "Platform", "multiple", 1.0],
  ["summary", "Summary", "single", 1.0],
  ["description", "Description", "single", 1.0],
  ["keywords", "Keywords", "keywords", 1.0],
  ["home_page", "Home-page", "single", 1.0],
  ["author", "Author", "single", 1.0],
  ["author_email", "Author-email", "single", 1.0],
  ["license", "License", "single", 1.0],
  // 1.1
  ["supported_platform", "Supported-Platform", "multiple", 1.1],
  ["download_url", "Download-URL", "single", 1.1],
  ["classifiers", "Classifier", "multiple", 1.1],
  ["requires", "Requires", "multiple", 1.1],
  ["provides", "Provides", "multiple", 1.1],
  ["obsoletes", "Obsoletes", "multiple", 1.1],
  // 1.2
  ["maintainer", "Maintainer", "single", 1.2],
  ["maintainer_email", "Maintainer-email", "single", 1.2],
  ["requires_dist", "Requires-Dist", "multiple", 1.2],
  ["provides_dist", "Provides-Dist", "multiple", 1.2],
  ["obsoletes_dist", "Obsoletes-Dist", "multiple", 1.2],
  ["requires_python", "Requires-Python", "single", 1.2],
  ["requires_external", "Requires-External", "multiple", 1.2],
  ["project_urls", "Project-URL", "project-url", 1.2],
  // 2.1
  ["description_content_type", "Description-Content-Type", "single", 2.1],
  ["provides_extra", "Provides-Extra", "multiple", 2.1],
  // 2.2
  ["dynamic", "Dynamic", "multiple", 2.2],
  // 2.4 (PEP 639)
  ["license_expression", "License-Expression", "single", 2.4],
  ["license_file", "License-File", "multiple", 2.4],
];

/** Metadata-Version as a number for the field table; unknown newer versions read as the newest known. */
function versionNumber(v: string | undefined): number {
  const m = /^(\d+)\.(\d+)$/.exec(v ?? "");
  if (!m) return 0;
  const n = Number(m[1]) + Number(m[2]) / 10;
  return Math.min(n, 2.4);
}

/** The distribution name as the index's form wants it: runs of characters other than [A-Za-z0-9.] become '-'. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, "-");
}

/** `a,b , c` -> `a, b, c`: the keywords as a list, sent joined by ", ". */
function keywordsValue(v: string): string {
  return v
    .split(",")
    .map((k) => k.trim())
    .join(", ");
}

/** `Label,URL` -> `Label, URL`. */
function projectUrlValue(v: string): string {
  const comma = v.indexOf(",");
  return comma < 0 ? v.trim() : `${v.slice(0, comma).trim()}, ${v.slice(comma + 1).trim()}`;
}

/** The form values of one field; [] when the file does not have it. */
function valuesOf(h: MetadataHeaders, [form, header, kind]: FormField): string[] {
  if (form === "description") {
    if (h.body !== "") return [h.body];
  }
  if (kind === "multiple" || kind === "project-url") {
    const all = headerValues(h, header);
    return kind === "project-url" ? all.map(projectUrlValue) : all;
  }
  const v = headerValue(h, header);
  if (v === undefined || v === "UNKNOWN") return [];
  return [kind === "keywords" ? keywordsValue(v) : v];
}

/** The form fields in order, each `[name, value]`; the file itself (`content`) is added by the caller. */
export function uploadFields(h: MetadataHeaders, file: FileFacts): Array<[string, string]> {
  const version = versionNumber(headerValue(h, "Metadata-Version"));
  const out: Array<[string, string]> = [];
  for (const field of FORM_FIELDS) {
    const [form, , , since] = field;
    if (version < since && form !== "metadata_version") continue;
    const values = valuesOf(h, field);
    for (const v of values) out.push([form, form === "name" ? safeName(v) : v]);
  }
  out.push(["pyversion", file.filetype === "sdist" ? "source" : (file.pyversion ?? "")]);
  out.push(["filetype", file.filetype]);
  out.push(["sha256_digest", file.sha256], ["blake2_256_digest", file.blake2_256]);
  out.push([":action", "file_upload"], ["protocol_version", "1"]);
  return out;
}
