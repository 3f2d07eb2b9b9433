/** Shared by test/publish: small distributions made by pyts-build's own writers, and async runs of the CLI and twine. */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CLI, NEWER_PKGINFO, SYSTEM_PYTHON, testEnv } from "../helpers/env.js";
import { type CoreMetadata, emptyMetadata, renderMetadata } from "../../src/wheel/metadata.js";
import { writeWheel } from "../../src/wheel/wheel.js";
import { writeTarGz } from "../../src/wheel/tar.js";
import { wheelDistName } from "../../src/wheel/names.js";

export function sampleMetadata(over: Partial<CoreMetadata> = {}): CoreMetadata {
  return {
    ...emptyMetadata("Spam.Eggs", "1.2.0"),
    summary: "A sample for the upload tests",
    description: { body: "# Spam\n\nEggs and *spam*.\n", contentType: "text/markdown" },
    requiresPython: ">=3.8",
    requiresDist: ["attrs>=22", 'tomli; python_version < "3.11"'],
    providesExtra: ["fast"],
    authors: [{ name: "Ann Author", email: "ann@example.org" }],
    keywords: ["spam", "eggs"],
    classifiers: ["Programming Language :: Python :: 3", "Programming Language :: Rust"],
    projectUrls: [
      ["Homepage", "https://example.org/spam"],
      ["Source", "https://example.org/spam.git"],
    ],
    licenseExpression: "MIT",
    ...over,
  };
}

/** A small platform wheel (no real extension: the upload does not care). */
export async function sampleWheel(dir: string, over: Partial<CoreMetadata> = {}, tag = { python: "cp311", abi: "cp311", platform: "linux_x86_64" }): Promise<string> {
  const m = sampleMetadata(over);
  return writeWheel({ metadata: m, tags: [tag], files: [{ path: `${wheelDistName(m.name)}/__init__.py`, source: { bytes: "ANSWER = 42\n" } }] }, dir);
}

/** A small sdist: {name}-{version}/PKG-INFO and pyproject.toml. */
export async function sampleSdist(dir: string, over: Partial<CoreMetadata> = {}, pkgInfo?: string): Promise<string> {
  const m = sampleMetadata({ dynamic: [], ...over });
  const top = `${wheelDistName(m.name)}-${m.version}`;
  const out = join(dir, `${top}.tar.gz`);
  await writeTarGz(out, [
    { path: `${top}/PKG-INFO`, content: { kind: "bytes", data: Buffer.from(pkgInfo ?? renderMetadata(m)) } },
    { path: `${top}/pyproject.toml`, content: { kind: "bytes", data: Buffer.from(`[project]\nname = "${m.name}"\nversion = "${m.version}"\n`) } },
  ]);
  return out;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process without blocking this process (the local index answers from here). */
export function runCliAsync(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: testEnv(opts.env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The newer pkginfo twine needs for Metadata-Version 2.4 (.ci/run fetches it); a clear failure without it. */
export function requireNewerPkginfo(): void {
  if (!existsSync(join(NEWER_PKGINFO, "pkginfo"))) {
    throw new Error(`${NEWER_PKGINFO} is missing: run \`bash -c 'source .ci/containers.sh; source .ci/pkginfo.sh; ci_fetch_pkginfo'\` (.ci/run does it)`);
  }
}

/** Debian's twine (with the newer pkginfo that reads Metadata-Version 2.4). */
export function twineUpload(url: string, user: string, password: string, files: string[]): Promise<Run> {
  requireNewerPkginfo();
  return new Promise((resolve) => {
    execFile(
      SYSTEM_PYTHON,
      ["-m", "twine", "upload", "--repository-url", url, "-u", user, "-p", password, "--non-interactive", "--disable-progress-bar", ...files],
      { env: testEnv({ PYTHONPATH: NEWER_PKGINFO }), timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
