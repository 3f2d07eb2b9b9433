/**
 * Reading core metadata (METADATA / PKG-INFO) the way the upload clients do:
 * RFC 822-style header fields, continuation lines, then an optional body (the
 * description) after the first empty line. Pure.
 */

export interface MetadataHeaders {
  /** Field name as written, and its raw value lines (continuations keep their indentation). */
  fields: Array<{ name: string; lines: string[] }>;
  /** Everything after the first empty line ("" when there is none). */
  body: string;
}

export function parseMetadataHeaders(text: string): MetadataHeaders {
  const fields: MetadataHeaders["fields"] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "") {
      i++;
      break;
    }
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.lines.push(line);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) break; // not a header: the body starts here (as Python's email parser does)
    fields.push({ name: line.slice(0, colon), lines: [line.slice(colon + 1).replace(/^[ \t]+/, "")] });
  }
  const body = i < lines.length ? lines.slice(i).join("\n") : "";
  return { fields, body };
}

/** One field's value: continuation lines joined by spaces; Description keeps its lines (8-space indent removed). */
function collapse(name: string, lines: string[]): string {
  if (name.toLowerCase() === "description") {
    return lines
      .join("\n")
      .trim()
      .split("\n")
      .map((l) => (l.startsWith("        ") ? l.slice(8) : l))
      .join("\n");
  }
  return lines.map((l) => l.trim()).join(" ");
}

/** The first value of a field (case-insensitive name), or undefined. */
export function headerValue(h: MetadataHeaders, name: string): string | undefined {
  const f = h.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return f ? collapse(f.name, f.lines) : undefined;
}

/** Every value of a repeatable field, in order. */
export function headerValues(h: MetadataHeaders, name: string): string[] {
  return h.fields.filter((x) => x.name.toLowerCase() === name.toLowerCase()).map((f) => collapse(f.name, f.lines));
}
