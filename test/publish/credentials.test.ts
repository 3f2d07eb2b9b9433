import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { resolveTarget } from "../../src/publish/credentials.js";
import { PYPI_UPLOAD_URL } from "../../src/publish/pypirc.js";
import { UploadError } from "../../src/publish/upload-error.js";
import { freshDir } from "../helpers/env.js";

function home(pypirc?: string): string {
  const d = freshDir("creds");
  if (pypirc !== undefined) writeFileSync(join(d, ".pypirc"), pypirc);
  return d;
}

describe("resolveTarget", () => {
  it("environment order: PYTS_BUILD_* > TWINE_* > MATURIN_*, each above ~/.pypirc", async () => {
    const HOME = home("[pypi]\nusername = file-user\npassword = file-pass\n");
    const all = { HOME, PYTS_BUILD_PASSWORD: "p1", TWINE_PASSWORD: "p2", MATURIN_PASSWORD: "p3", TWINE_USERNAME: "u2", MATURIN_USERNAME: "u3" };
    let t = await resolveTarget({}, { env: all });
    expect([t.url, t.username, t.password, t.sources.password]).toEqual([PYPI_UPLOAD_URL, "u2", "p1", "PYTS_BUILD_PASSWORD"]);
    t = await resolveTarget({}, { env: { HOME, MATURIN_PASSWORD: "p3", MATURIN_USERNAME: "u3" } });
    expect([t.username, t.password]).toEqual(["u3", "p3"]);
    t = await resolveTarget({}, { env: { HOME } });
    expect([t.username, t.password, t.sources.password]).toEqual(["file-user", "file-pass", `${HOME}/.pypirc [pypi]`]);
  });

  it("an API token from the environment is the password of __token__; flags beat everything", async () => {
    const env = { HOME: home(), MATURIN_PYPI_TOKEN: "pypi-tok" };
    let t = await resolveTarget({}, { env });
    expect([t.username, t.password]).toEqual(["__token__", "pypi-tok"]);
    t = await resolveTarget({ username: "me", password: "pw", repositoryUrl: "https://example.org/legacy/" }, { env: { ...env, PYTS_BUILD_REPOSITORY_URL: "https://other.example/" } });
    expect([t.url, t.username, t.password, t.sources.url]).toEqual(["https://example.org/legacy/", "me", "pw", "--repository-url"]);
  });

  it("--repository beats a repository URL from the environment; TWINE_REPOSITORY names a section", async () => {
    const HOME = home("[distutils]\nindex-servers = pypi mine\n[mine]\nrepository = https://mine.example/up/\npassword = x\n");
    let t = await resolveTarget({ repository: "mine" }, { env: { HOME, TWINE_REPOSITORY_URL: "https://env.example/" } });
    expect(t.url).toBe("https://mine.example/up/");
    t = await resolveTarget({}, { env: { HOME, TWINE_REPOSITORY: "mine" } });
    expect([t.url, t.sources.url]).toEqual(["https://mine.example/up/", "TWINE_REPOSITORY=mine"]);
  });

  it("prompts only when it may: a prompt function and not --non-interactive", async () => {
    const env = { HOME: home() };
    const asked: string[] = [];
    const prompt = async (q: string, hidden: boolean) => (asked.push(`${hidden}:${q}`), hidden ? "typed-pass" : "typed-user");
    const t = await resolveTarget({}, { env, prompt });
    expect([t.username, t.password]).toEqual(["typed-user", "typed-pass"]);
    expect(asked).toEqual(["false:Enter your username (__token__ for an API token): ", `true:Enter your password for ${PYPI_UPLOAD_URL}: `]);
    await expect(resolveTarget({ nonInteractive: true }, { env, prompt })).rejects.toThrow(UploadError);
    await expect(resolveTarget({}, { env: { ...env, TWINE_NON_INTERACTIVE: "1" }, prompt })).rejects.toThrow("no password or token");
  });

  it("bad configuration: a URL with credentials, a non-http URL, a missing --config-file", async () => {
    const env = { HOME: home(), PYTS_BUILD_PASSWORD: "x" };
    await expect(resolveTarget({ repositoryUrl: "https://u:p@example.org/" }, { env })).rejects.toThrow(/--repository-url: the URL carries credentials/);
    await expect(resolveTarget({ repositoryUrl: "ftp://example.org/" }, { env })).rejects.toThrow(ConfigError);
    await expect(resolveTarget({ configFile: "/nonexistent/pypirc" }, { env })).rejects.toThrow("cannot read /nonexistent/pypirc: ENOENT");
  });
});

describe("resolveTarget and a broken ~/.pypirc", () => {
  it("is not read when the URL comes from a flag or the environment; is an error when a section is needed", async () => {
    const HOME = home("this is not ini\n");
    const t = await resolveTarget({ repositoryUrl: "https://example.org/legacy/" }, { env: { HOME, PYTS_BUILD_PASSWORD: "x" } });
    expect(t.url).toBe("https://example.org/legacy/");
    await expect(resolveTarget({}, { env: { HOME, PYTS_BUILD_PASSWORD: "x" } })).rejects.toThrow(`${HOME}/.pypirc line 1: a key before any [section]`);
  });
});
