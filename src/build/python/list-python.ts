/**
 * `pyts-build list-python`: every interpreter the discovery of
 * --find-interpreter finds (PATH, pyenv, conda env, the Windows `py`
 * launcher), each described by asking it once.
 */
import type { Logger } from "../../log.js";
import { silentLogger } from "../../log.js";
import { platformTag, pythonAbiTag } from "../../wheel/tags.js";
import type { InterpreterInfo } from "./interpreter-info.js";
import { queryInterpreter } from "./interpreter-query.js";
import { discoverInterpreters } from "./interpreter.js";

export interface ListedPython {
  implementation: string;
  /** `major.minor` */
  version: string;
  /** The wheel tags a version-specific build for it gets, e.g. `cp311-cp311`, `pp39-pypy39_pp73`. */
  tag: string;
  platform: string;
  path: string;
  /** Whether pyts-build builds for it (Python 3.7+; --find-interpreter takes the first of equal ones). */
  supported: boolean;
}

const PRETTY: Record<string, string> = { cpython: "CPython", pypy: "PyPy", graalpy: "GraalPy" };

function describe(i: InterpreterInfo, path: string): ListedPython {
  const supported = i.major === 3 && i.minor >= 7;
  let tag = "";
  try {
    const t = pythonAbiTag(i);
    tag = `${t.python}-${t.abi}`;
  } catch {
    tag = `${i.implementation}${i.major}${i.minor}`; // an implementation without a known wheel tag
  }
  return { implementation: PRETTY[i.implementation] ?? i.implementation, version: `${i.major}.${i.minor}`, tag, platform: platformTag(i), path, supported };
}

export async function listPythons(o: { env?: NodeJS.ProcessEnv; log?: Logger } = {}): Promise<ListedPython[]> {
  const env = o.env ?? process.env;
  const log = o.log ?? silentLogger;
  const paths = discoverInterpreters(env);
  const infos = await Promise.all(
    paths.map((p) =>
      queryInterpreter(p, { env }).catch((e: Error) => {
        log.debug(`skipping ${p}: ${e.message}`);
        return undefined;
      }),
    ),
  );
  const rank = (p: ListedPython) => Object.values(PRETTY).indexOf(p.implementation) >>> 0; // unknown ones last
  const minor = (p: ListedPython) => Number(p.version.split(".")[1]);
  // CPython first, then by version; equal ones keep discovery order (the one --find-interpreter takes first)
  return infos.flatMap((i, n) => (i ? [describe(i, paths[n] as string)] : [])).sort((a, b) => rank(a) - rank(b) || minor(a) - minor(b));
}

/** Aligned text columns, one interpreter per line. */
export function formatPythonList(list: ListedPython[]): string {
  const rows = list.map((p) => [`${p.implementation} ${p.version}`, p.tag, p.platform, p.path + (p.supported ? "" : "  (not supported)")]);
  const widths = [0, 1, 2].map((c) => Math.max(0, ...rows.map((r) => (r[c] as string).length)));
  return rows.map((r) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] as number) : cell)).join("  ")).join("\n") + (rows.length ? "\n" : "");
}
