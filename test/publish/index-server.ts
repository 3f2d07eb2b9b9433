/**
 * A local stand-in for a package index's upload endpoint (127.0.0.1, ephemeral
 * port), validating each upload as the real index does: basic auth, `:action`,
 * `protocol_version`, required fields, digests of the bytes received, name and
 * version against the file name, and "File already exists" for a repeat. It also
 * plays the trusted-publishing endpoints (`/_/oidc/audience`, `/_/oidc/mint-token`)
 * and GitHub's identity-token endpoint (`/github-oidc`), and can stand in for a
 * hung index (`stall`) or a proxy's sign-in page (`htmlPage`). It closes itself
 * after two minutes at the latest.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SYSTEM_PYTHON } from "../helpers/env.js";

export interface RecordedUpload {
  fileName: string;
  /** Every form field except `content`, in the order received. */
  fields: Array<[string, string]>;
  size: number;
}

export interface IndexOptions {
  /** user -> password accepted by basic auth */
  users?: Record<string, string>;
  /** Answer the first N upload attempts with 503. */
  failFirst?: number;
  /** A careless index: its 403 message repeats the credentials it got (the client must hide them). */
  echoAuth?: boolean;
  /** A hung index: read each upload request, then never answer. */
  stall?: boolean;
  /** A proxy's sign-in page: every upload answered 200 with this HTML (the file is not stored). */
  htmlPage?: string;
  /** Trusted publishing: the GitHub request token, and the identity token it yields. */
  oidc?: { requestToken: string; identityToken: string; mintedToken: string; audience: string };
}

export interface LocalIndex {
  url: string;
  origin: string;
  uploads: RecordedUpload[];
  /** Every request as `METHOD path`. */
  requests: string[];
  /** Authorization headers seen on uploads. */
  authorizations: string[];
  close(): Promise<void>;
}

// the same files are uploaded by several tests: Python is asked once per content
const blake2Cache = new Map<string, string>();

/** blake2b-256 from Python's hashlib: an implementation independent of the tool's own. */
function blake2b256(bytes: Buffer): string {
  const key = createHash("sha256").update(bytes).digest("hex");
  const hit = blake2Cache.get(key);
  if (hit) return hit;
  const value = blake2b256Python(bytes);
  blake2Cache.set(key, value);
  return value;
}

function blake2b256Python(bytes: Buffer): string {
  return execFileSync(SYSTEM_PYTHON, ["-c", "import sys,hashlib;print(hashlib.blake2b(sys.stdin.buffer.read(),digest_size=32).hexdigest())"], { input: bytes, encoding: "utf8" }).trim();
}

const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, "_");

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024 * 1024) throw new Error("upload too large for the test index");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, status: number, message: string): void {
  // the real index puts its message in the reason phrase and in an HTML body
  res.writeHead(status, message.replace(/[^\x20-\x7e]/g, "?"), { "Content-Type": "text/html" });
  res.end(`<html><head><title>${status} ${message}</title></head><body><h1>${status} ${message}</h1>\n${message}<br/></body></html>`);
}

export async function startIndex(o: IndexOptions = {}): Promise<LocalIndex> {
  const uploads: RecordedUpload[] = [];
  const requests: string[] = [];
  const authorizations: string[] = [];
  const seen = new Set<string>();
  let failures = o.failFirst ?? 0;
  const users = { ...(o.users ?? {}) };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(`${req.method} ${url.pathname}`);
    const raw = await body(req);
    if (o.oidc && url.pathname === "/_/oidc/audience" && req.method === "GET") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ audience: o.oidc.audience }));
      return;
    }
    if (o.oidc && url.pathname === "/github-oidc" && req.method === "GET") {
      const ok = req.headers.authorization === `bearer ${o.oidc.requestToken}` && url.searchParams.get("audience") === o.oidc.audience;
      res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" }).end(JSON.stringify(ok ? { value: o.oidc.identityToken } : { message: "bad request token" }));
      return;
    }
    if (o.oidc && url.pathname === "/_/oidc/mint-token" && req.method === "POST") {
      const token = (JSON.parse(raw.toString("utf8")) as { token?: string }).token;
      if (token !== o.oidc.identityToken) {
        res.writeHead(422, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "Token request failed", errors: [{ code: "invalid-publisher", description: "valid token, but no corresponding publisher" }] }));
        return;
      }
      users.__token__ = o.oidc.mintedToken;
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ success: true, token: o.oidc.mintedToken }));
      return;
    }
    if (req.method !== "POST" || url.pathname !== "/") return answer(res, 405, "Method Not Allowed");
    if (o.stall) return; // the request was read; no answer ever comes
    if (o.htmlPage !== undefined) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(o.htmlPage);
      return;
    }
    if (failures > 0) {
      failures--;
      return answer(res, 503, "Service Unavailable");
    }
    const auth = req.headers.authorization ?? "";
    authorizations.push(auth);
    const [user, ...pass] = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString("utf8").split(":");
    if (!auth.startsWith("Basic ") || user === undefined || users[user] === undefined || users[user] !== pass.join(":")) {
      const echoed = o.echoAuth ? ` (got ${auth} = ${user}:${pass.join(":")})` : "";
      return answer(res, 403, `Invalid or non-existent authentication information.${echoed} See http://127.0.0.1/help/#invalid-auth for more information.`);
    }
    const form = await new Request("http://127.0.0.1/", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: raw }).formData();
    const fields: Array<[string, string]> = [];
    let content: File | undefined;
    for (const [k, v] of form.entries()) {
      if (k === "content" && typeof v !== "string") content = v;
      else fields.push([k, String(v)]);
    }
    const get = (k: string) => fields.find(([n]) => n === k)?.[1];
    if (get(":action") !== "file_upload") return answer(res, 400, `Unknown action: ${get(":action")}`);
    if (get("protocol_version") !== "1") return answer(res, 400, `Unknown protocol version: ${get("protocol_version")}`);
    for (const k of ["name", "version", "filetype", "metadata_version", "sha256_digest"]) {
      if (!get(k)) return answer(res, 400, `Invalid value for ${k}. Error: This field is required.`);
    }
    if (!content) return answer(res, 400, "Upload payload does not have a file.");
    const bytes = Buffer.from(await content.arrayBuffer());
    const fileName = content.name;
    if (createHash("sha256").update(bytes).digest("hex") !== get("sha256_digest")) return answer(res, 400, "The digest supplied does not match a digest calculated from the uploaded file.");
    if (get("md5_digest") !== undefined && createHash("md5").update(bytes).digest("hex") !== get("md5_digest")) return answer(res, 400, "The md5 digest does not match.");
    if (get("blake2_256_digest") !== undefined && blake2b256(bytes) !== get("blake2_256_digest")) return answer(res, 400, "The blake2_256 digest does not match.");
    const isWheel = fileName.endsWith(".whl");
    if ((isWheel ? "bdist_wheel" : "sdist") !== get("filetype")) return answer(res, 400, `Invalid filetype for ${fileName}`);
    const stem = isWheel ? fileName.split("-").slice(0, 2) : [fileName.slice(0, fileName.lastIndexOf("-")), fileName.slice(fileName.lastIndexOf("-") + 1, -".tar.gz".length)];
    if (norm(stem[0] as string) !== norm(get("name") as string)) return answer(res, 400, `Start filename for '${get("name")}' with '${norm(get("name") as string)}'.`);
    if (stem[1] !== get("version")) return answer(res, 400, `Version in filename should be '${get("version")}' not '${stem[1]}'.`);
    if (isWheel && fileName.split("-").at(-3) !== get("pyversion")) return answer(res, 400, "Invalid pyversion for the wheel.");
    if (seen.has(fileName)) return answer(res, 400, "File already exists ('" + fileName + "', with blake2_256 hash '" + get("blake2_256_digest") + "'). See http://127.0.0.1/help/#file-name-reuse for more information.");
    seen.add(fileName);
    uploads.push({ fileName, fields, size: bytes.length });
    // as warehouse answers a stored upload (pyramid's bare Response()): 200, text/html, no body
    res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" }).end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) answer(res, 500, `test index failed: ${e.message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const stopper = setTimeout(() => server.close(), 120_000);
  stopper.unref();
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    origin: `http://127.0.0.1:${port}`,
    uploads,
    requests,
    authorizations,
    close: () =>
      new Promise<void>((r) => {
        clearTimeout(stopper);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
