/** `pyts-build upload [FILES...]`: send wheels and sdists to PyPI or another index. */
import { type Command, InvalidArgumentError } from "commander";
import { DEFAULT_TIMEOUT_S } from "../publish/http.js";
import type { TargetFlags } from "../publish/credentials.js";
import type { UploadOptions } from "../publish/upload.js";
import { loggerFor } from "./main.js";

/** commander's names for the flags are the API's own. */
export interface UploadFlags extends TargetFlags {
  skipExisting?: boolean;
  timeout?: number;
  strict?: boolean;
}

/** `--timeout SECONDS`: a positive number. */
function parseSeconds(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n > 0)) throw new InvalidArgumentError("give a number of seconds greater than 0, e.g. --timeout 60");
  return n;
}

/** The flags `upload` and `publish` share. */
export function addUploadOptions(cmd: Command, shortRepository = true): Command {
  const htmlStrict = "an index's success answer that is an HTML page (a proxy's or sign-in page) fails instead of warning";
  // publish also builds: its --strict (PEP 621 metadata, from the compile options) then means both
  const strict = cmd.options.find((o) => o.long === "--strict");
  if (strict) strict.description += `; and ${htmlStrict.replace(/ instead of warning$/, "")}`;
  cmd
    .option(`${shortRepository ? "-r, " : ""}--repository <name>`, "a repository section of ~/.pypirc (default: pypi) [env PYTS_BUILD_REPOSITORY]")
    .option("--repository-url <url>", "the index's upload URL, e.g. https://test.pypi.org/legacy/ [env PYTS_BUILD_REPOSITORY_URL]")
    .option("-u, --username <name>", "user name; __token__ for an API token [env PYTS_BUILD_USERNAME]")
    .option("-p, --password <secret>", "password or API token; prefer the environment [env PYTS_BUILD_PASSWORD, PYTS_BUILD_PYPI_TOKEN]")
    .option("--config-file <path>", "the .pypirc to read (default ~/.pypirc)")
    .option("--non-interactive", "never prompt for credentials [env PYTS_BUILD_NON_INTERACTIVE]")
    .option("--skip-existing", "a file the index already has is not an error")
    .option("--timeout <seconds>", `give up an attempt after this long without progress (connecting, sending, waiting for the answer); one such attempt is retried (default ${DEFAULT_TIMEOUT_S})`, parseSeconds);
  if (!strict) cmd.option("--strict", htmlStrict);
  return cmd;
}

export function uploadOptionsFrom(f: UploadFlags): UploadOptions {
  const o: UploadOptions = {};
  for (const k of ["repository", "repositoryUrl", "username", "password", "configFile"] as const) if (f[k] !== undefined) o[k] = f[k];
  if (f.nonInteractive) o.nonInteractive = true;
  if (f.skipExisting) o.skipExisting = true;
  if (f.timeout !== undefined) o.timeoutSeconds = f.timeout;
  if (f.strict) o.strict = true;
  return o;
}

const ENV_HELP = `
Credentials, strongest first: flags; PYTS_BUILD_* then TWINE_* then MATURIN_*
environment variables (REPOSITORY_URL, REPOSITORY, USERNAME, PASSWORD, PYPI_TOKEN);
~/.pypirc; in GitHub Actions with \`permissions: id-token: write\`, trusted publishing;
a prompt on a terminal. Secrets are never printed, also not with --verbose.`;

export function registerUpload(program: Command): void {
  addUploadOptions(
    program
      .command("upload")
      .description("check, then upload wheels and sdists to PyPI or another index (the legacy upload API, as twine)")
      .argument("[files...]", "distributions to upload (default: the .whl and .tar.gz files in target/wheels)"),
  )
    .addHelpText(
      "after",
      `
Examples:
  PYTS_BUILD_PYPI_TOKEN=pypi-... pyts-build upload       everything in target/wheels, to PyPI
  pyts-build upload -r testpypi dist/*                   the [testpypi] section of ~/.pypirc
  pyts-build upload --repository-url http://localhost:8080/ --skip-existing dist/*
${ENV_HELP}`,
    )
    .action(async (files: string[], flags: UploadFlags, c: Command) => {
      const [{ uploadFiles }, { terminalPrompt, terminalProgress }] = await Promise.all([import("../publish/upload.js"), import("../publish/prompt.js")]);
      const log = loggerFor(c);
      const prompt = terminalPrompt();
      const onProgress = terminalProgress(log.verbosity === "quiet");
      const results = await uploadFiles({ ...uploadOptionsFrom(flags), files, log, ...(prompt ? { prompt } : {}), ...(onProgress ? { onProgress } : {}) });
      for (const r of results) log.info(`${r.status === "uploaded" ? "Uploaded" : "Skipped (already there)"} ${r.file}`);
      process.stdout.write(results.map((r) => `${r.status} ${r.file}\n`).join(""));
    });
}
