/**
 * The fields of one legacy-API upload (`POST` multipart, `:action=file_upload`),
 * from a distribution's own METADATA / PKG-INFO. Names, order and values follow
 * twine (the reference client), so an index sees the same form from either tool:
 * a single-valued field that is absent is sent empty, a repeatable field once per
 * value (not at all when it has none), "UNKNOWN" counts as absent. Pure.
 */
import { headerValue, headerValues, type MetadataHeaders } from "./metadata-headers.js";

export type Filetype = "bdist_wheel" | "sdist";

export interface FileFacts {
  filetype: Filetype;
  /** The wheel's python tag part (`cp311`, `py2.py3`); undefined for an sdist (sent empty, as twine does). */
  pyversion?: string;
  sha256: string;
  md5: string;
  blake2_256: string;
}

type Field = readonly [form: string, header: string, multiple: boolean, since: number];

// form name, METADATA field, repeatable, first Metadata-Version that has it (older files are read
// with that version's field set, like the reference reader)
const FIELDS: readonly Field[] = [
  ["summary", "Summary", false, 1.0],
  ["home_page", "Home-page", false, 1.0],
  ["author", "Author", false, 1.0],
  ["author_email", "Author-email", false, 1.0],
  ["maintainer", "Maintainer", false, 1.2],
  ["maintainer_email", "Maintainer-email", false, 1.2],
  ["license", "License", false, 1.0],
  ["description", "Description", false, 1.0],
  ["keywords", "Keywords", false, 1.0],
  ["platform", "Platform", true, 1.0],
  ["classifiers", "Classifier", true, 1.1],
  ["download_url", "Download-URL", false, 1.1],
  ["supported_platform", "Supported-Platform", true, 1.0],
];
const FIELDS_AFTER_DIGEST: readonly Field[] = [
  ["provides", "Provides", true, 1.1],
  ["requires", "Requires", true, 1.1],
  ["obsoletes", "Obsoletes", true, 1.1],
  ["project_urls", "Project-URL", true, 1.2],
  ["provides_dist", "Provides-Dist", true, 1.2],
  ["obsoletes_dist", "Obsoletes-Dist", true, 1.2],
  ["requires_dist", "Requires-Dist", true, 1.2],
  ["requires_external", "Requires-External", true, 1.2],
  ["requires_python", "Requires-Python", false, 1.2],
  ["provides_extras", "Provides-Extra", true, 2.1],
  ["description_content_type", "Description-Content-Type", false, 2.1],
  ["dynamic", "Dynamic", true, 2.2],
  // PEP 639 (2.4): sent by newer twine (6.1+) under these names; twine 4 drops them
  ["license_expression", "License-Expression", false, 2.4],
  ["license_files", "License-File", true, 2.4],
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

/** The metadata values a form field takes: [] when absent. */
function valuesOf(h: MetadataHeaders, header: string, multiple: boolean): string[] {
  if (multiple) return headerValues(h, header);
  const v = headerValue(h, header);
  return v === undefined || v === "UNKNOWN" ? [] : [v];
}

/**
 * The description as the reference client reads it: a wheel's is always the body
 * (empty when there is none), an sdist's the body, else the Description field.
 */
function description(h: MetadataHeaders, filetype: Filetype, version: number): string | undefined {
  if (filetype === "bdist_wheel") return h.body;
  if (h.body !== "") return h.body;
  return version > 0 ? valuesOf(h, "Description", false)[0] : undefined;
}

/** The form fields in order, each `[name, value]`; the file itself (`content`) is added by the caller. */
export function uploadFields(h: MetadataHeaders, file: FileFacts): Array<[string, string]> {
  const mv = headerValue(h, "Metadata-Version");
  const version = versionNumber(mv);
  const out: Array<[string, string]> = [];
  const single = (name: string, value: string | undefined) => out.push([name, value ?? ""]);
  const table = (fields: readonly Field[]) => {
    for (const [form, header, multiple, since] of fields) {
      const known = version >= since;
      if (form === "description") {
        single(form, description(h, file.filetype, known ? version : 0));
        continue;
      }
      const values = known ? valuesOf(h, header, multiple) : [];
      if (multiple) for (const v of values) out.push([form, v]);
      else if (form === "license_expression") {
        // only a 2.4 field: sent when present, so older indexes see no unknown empty field
        if (values.length) single(form, values[0]);
      } else single(form, values[0]);
    }
  };
  const name = valuesOf(h, "Name", false)[0];
  single("name", name === undefined ? undefined : safeName(name));
  single("version", valuesOf(h, "Version", false)[0]);
  single("filetype", file.filetype);
  single("pyversion", file.pyversion);
  single("metadata_version", mv);
  table(FIELDS);
  single("comment", undefined);
  single("sha256_digest", file.sha256);
  table(FIELDS_AFTER_DIGEST);
  single("md5_digest", file.md5);
  single("blake2_256_digest", file.blake2_256);
  out.push([":action", "file_upload"], ["protocol_version", "1"]);
  return out;
}
