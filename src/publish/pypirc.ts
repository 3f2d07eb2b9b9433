/**
 * ~/.pypirc (https://packaging.python.org/specifications/pypirc/): an INI file
 * whose `[distutils] index-servers` lists the repository sections; each may set
 * `repository`, `username`, `password`. `pypi` and `testpypi` have default URLs.
 * Read like the reference client (configparser rules: `key = value` or
 * `key: value`, `#`/`;` comment lines, indented continuation lines). Pure.
 */
import { ConfigError } from "../errors.js";

export const PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/";
export const TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/";

export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string, what = ".pypirc"): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (/^\s*([#;].*)?$/.test(raw)) return;
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey) ?? ""}\n${raw.trim()}`.replace(/^\n/, ""));
      return;
    }
    const sec = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      const name = sec[1] as string;
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      lastKey = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || !current) {
      throw new ConfigError(`${what} line ${i + 1}: ${current ? "expected key = value" : "a key before any [section]"}`, "see https://packaging.python.org/specifications/pypirc/");
    }
    lastKey = (kv[1] as string).trim().toLowerCase();
    current.set(lastKey, (kv[2] as string).trim());
  });
  return sections;
}

export interface PypircRepository {
  repository?: string;
  username?: string;
  password?: string;
}

/** The repositories `.pypirc` defines, by section name (as the reference client reads them). */
export function pypircRepositories(text: string | undefined, what = ".pypirc"): Map<string, PypircRepository> {
  const ini = text === undefined ? new Map() : parseIni(text, what);
  const login = ini.get("server-login");
  const defaults: PypircRepository = {};
  if (login?.has("username")) defaults.username = login.get("username") as string;
  if (login?.has("password")) defaults.password = login.get("password") as string;
  const servers = (ini.get("distutils")?.get("index-servers") ?? "pypi testpypi").split(/\s+/).filter(Boolean);
  const out = new Map<string, PypircRepository>();
  const entry = (name: string) => out.get(name) ?? out.set(name, { ...defaults }).get(name)!;
  entry("pypi").repository = PYPI_UPLOAD_URL;
  if (servers.includes("testpypi")) entry("testpypi").repository = TESTPYPI_UPLOAD_URL;
  for (const s of servers) {
    const e = entry(s);
    const sec = ini.get(s);
    for (const k of ["repository", "username", "password"] as const) {
      const v = sec?.get(k);
      if (v !== undefined) e[k] = v;
    }
  }
  return out;
}
