/**
 * Where the upload goes and as whom, in the reference clients' order: command-line
 * flags, then the environment (PYTS_BUILD_*, then TWINE_*, then MATURIN_*), then
 * ~/.pypirc, then trusted publishing inside GitHub Actions, then a prompt (only on
 * a terminal, never with --non-interactive). Values are never logged, only where
 * each came from.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { mintUploadToken, trustedPublishingAvailable, type Fetch } from "./oidc.js";
import { PYPI_UPLOAD_URL, pypircRepositories } from "./pypirc.js";
import { UploadError } from "./upload-error.js";

export interface TargetFlags {
  /** --repository NAME: a .pypirc section */
  repository?: string;
  /** --repository-url URL */
  repositoryUrl?: string;
  username?: string;
  password?: string;
  /** --config-file (default ~/.pypirc) */
  configFile?: string;
  nonInteractive?: boolean;
}

export interface Target {
  url: string;
  username: string;
  password: string;
  /** Where each came from, for --verbose ("--repository-url", "PYTS_BUILD_PASSWORD", ".pypirc [pypi]", ...). */
  sources: { url: string; username: string; password: string };
}

export interface ResolveContext {
  env?: NodeJS.ProcessEnv;
  /** Asks for a value on the terminal (hidden input for the password); absent = not a terminal. */
  prompt?: (question: string, hidden: boolean) => Promise<string>;
  fetch?: Fetch;
  debug?: (m: string) => void;
  /** Each trusted-publishing request's time limit (the upload's --timeout); default DEFAULT_TIMEOUT_S. */
  timeoutSeconds?: number;
}

/** Environment prefixes, strongest first. */
export const ENV_PREFIXES = ["PYTS_BUILD_", "TWINE_", "MATURIN_"] as const;

function fromEnv(env: NodeJS.ProcessEnv, names: string[]): { value: string; source: string } | undefined {
  for (const p of ENV_PREFIXES) {
    for (const n of names) {
      const v = env[p + n];
      if (v !== undefined && v !== "") return { value: v, source: p + n };
    }
  }
  return undefined;
}

function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const v = fromEnv(env, [name])?.value;
  return v !== undefined && !["0", "false", "no"].includes(v.toLowerCase());
}

function checkUrl(url: string, source: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${source}: "${url}" is not a URL`, "give the index's upload URL, e.g. https://upload.pypi.org/legacy/");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new ConfigError(`${source}: "${url}" is not an http(s) URL`, "give the index's upload URL, e.g. https://upload.pypi.org/legacy/");
  if (u.username || u.password) throw new ConfigError(`${source}: the URL carries credentials`, "give them with -u/-p or the environment instead, so they stay out of logs");
  return url;
}

function readPypirc(path: string, explicit: boolean): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if (!explicit && (e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "check --config-file");
  }
}

export async function resolveTarget(flags: TargetFlags, ctx: ResolveContext = {}): Promise<Target> {
  const env = ctx.env ?? process.env;
  const explicitConfig = flags.configFile !== undefined;
  const pypircPath = flags.configFile ?? join(env.HOME || homedir(), ".pypirc");
  // read only when a section is needed: a URL from flags or the environment works whatever the file holds
  let parsed: ReturnType<typeof pypircRepositories> | undefined;
  const repos = () => (parsed ??= pypircRepositories(readPypirc(pypircPath, explicitConfig), pypircPath));

  // where: a URL beats a section name; flags beat the environment
  const envUrl = fromEnv(env, ["REPOSITORY_URL"]);
  const envRepo = fromEnv(env, ["REPOSITORY"]);
  let url: string;
  let urlSource: string;
  let section: string | undefined;
  if (flags.repositoryUrl !== undefined) [url, urlSource] = [checkUrl(flags.repositoryUrl, "--repository-url"), "--repository-url"];
  else if (flags.repository === undefined && envUrl) [url, urlSource] = [checkUrl(envUrl.value, envUrl.source), envUrl.source];
  else {
    section = flags.repository ?? envRepo?.value ?? "pypi";
    const r = repos().get(section);
    if (!r) {
      throw new ConfigError(`there is no repository "${section}" in ${pypircPath}`, `add it to [distutils] index-servers and give it a [${section}] section with repository = URL, or use --repository-url`);
    }
    if (!r.repository) throw new ConfigError(`${pypircPath}: [${section}] has no repository URL`, `add repository = https://... to [${section}]`);
    url = checkUrl(r.repository, `${pypircPath} [${section}]`);
    urlSource = flags.repository !== undefined ? `--repository ${section}` : envRepo ? `${envRepo.source}=${section}` : "default (pypi)";
  }
  const file = section !== undefined ? repos().get(section) : undefined;
  const fileSrc = `${pypircPath} [${section ?? ""}]`;

  // who
  const nonInteractive = flags.nonInteractive === true || envFlag(env, "NON_INTERACTIVE");
  const envUser = fromEnv(env, ["USERNAME"]);
  const envPass = fromEnv(env, ["PASSWORD", "PYPI_TOKEN"]);
  let username: { value: string; source: string } | undefined =
    flags.username !== undefined ? { value: flags.username, source: "--username" } : envUser ?? (file?.username !== undefined ? { value: file.username, source: fileSrc } : undefined);
  let password: { value: string; source: string } | undefined =
    flags.password !== undefined ? { value: flags.password, source: "--password" } : envPass ?? (file?.password !== undefined ? { value: file.password, source: fileSrc } : undefined);

  if (envPass?.source.endsWith("PYPI_TOKEN") && password === envPass && (!username || username === envUser)) {
    // an API token is always the password of __token__
    username = { value: "__token__", source: envPass.source };
  }
  if (!password && trustedPublishingAvailable(env)) {
    const token = await mintUploadToken(url, env, ctx.fetch, ctx.debug, ctx.timeoutSeconds !== undefined ? ctx.timeoutSeconds * 1000 : undefined);
    password = { value: token, source: "trusted publishing (GitHub Actions OIDC)" };
    username = { value: "__token__", source: "trusted publishing (GitHub Actions OIDC)" };
  }
  const ask = !nonInteractive ? ctx.prompt : undefined;
  if (!username) {
    if (ask && !password) username = { value: await ask("Enter your username (__token__ for an API token): ", false), source: "prompt" };
    else username = { value: "__token__", source: "default for a token" };
  }
  if (!password) {
    if (!ask) {
      throw new UploadError(
        `no password or token for ${url}`,
        "set PYTS_BUILD_PYPI_TOKEN (or TWINE_PASSWORD), give -p, add password to ~/.pypirc, or in GitHub Actions grant `id-token: write` for trusted publishing",
      );
    }
    password = { value: await ask(`Enter your password for ${url}: `, true), source: "prompt" };
  }
  return { url, username: username.value, password: password.value, sources: { url: urlSource, username: username.source, password: password.source } };
}
