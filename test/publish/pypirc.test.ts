import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { parseIni, PYPI_UPLOAD_URL, pypircRepositories, TESTPYPI_UPLOAD_URL } from "../../src/publish/pypirc.js";

describe(".pypirc", () => {
  it("no file: pypi and testpypi with their default URLs", () => {
    const r = pypircRepositories(undefined);
    expect(r.get("pypi")).toEqual({ repository: PYPI_UPLOAD_URL });
    expect(r.get("testpypi")).toEqual({ repository: TESTPYPI_UPLOAD_URL });
  });

  it("index-servers (continuation lines) select sections; [server-login] gives defaults; ':' and '=' both work", () => {
    const text = "# comment\n[distutils]\nindex-servers =\n  pypi\n  private\n\n[server-login]\nusername: everyone\n\n[pypi]\npassword = pypi-abc\n\n[private]\nrepository = https://example.org/up/\nusername = me\npassword=p=q\n[ignored]\nrepository = https://x/\n";
    const r = pypircRepositories(text);
    expect(r.get("pypi")).toEqual({ repository: PYPI_UPLOAD_URL, username: "everyone", password: "pypi-abc" });
    expect(r.get("private")).toEqual({ repository: "https://example.org/up/", username: "me", password: "p=q" });
    expect(r.has("testpypi")).toBe(false);
    expect(r.has("ignored")).toBe(false);
  });

  it("a line that is not key = value: ConfigError with its line number", () => {
    expect(() => parseIni("[a]\nnonsense\n", "/h/.pypirc")).toThrow(ConfigError);
    expect(() => parseIni("[a]\nnonsense\n", "/h/.pypirc")).toThrow("/h/.pypirc line 2");
  });
});
