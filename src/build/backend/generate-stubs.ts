/**
 * `pyts-build generate-stubs` (maturin's `generate-stubs`): build the extension
 * for one interpreter, with the arguments `wheel` would use (so a later `wheel`
 * finds it compiled), read its stubs, and write them into the source tree:
 * beside the extension in a mixed project (where a develop build puts it and the
 * layout ships it), else next to pyproject.toml, or into `out`. One stub file is
 * written as `<module>.pyi`; several (submodules) into a folder `<module>/`.
 * Each file is written through a temporary name; other files are left alone.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { makeTempDir, removeTemp } from "../../cleanup.js";
import { type Logger, silentLogger } from "../../log.js";
import { buildWheels, type BuildWheelsOptions } from "../build-wheel.js";
import { replaceFile } from "./editable.js";
import { loadProjectConfig, type ProjectConfig } from "../project/config.js";
import { stubsBesideModule } from "../stubs/stub-layout.js";

export interface GenerateStubsOptions extends Omit<BuildWheelsOptions, "out" | "findInterpreter" | "temporaryOut" | "layout" | "generateStubs" | "afterWrite" | "platformTags"> {
  /** The folder to write into (default: the module's folder in the source tree). */
  out?: string;
}

export interface GeneratedStubs {
  dir: string;
  /** the files written, absolute */
  files: string[];
}

/** Where the stubs of `config`'s extension belong in its source tree. */
export function defaultStubDir(config: ProjectConfig): string {
  if (!config.pythonSource) return config.projectDir;
  const parts = config.moduleName.split(".");
  return join(config.pythonSource, ...(parts.length > 1 ? parts.slice(0, -1) : parts));
}

export async function generateStubs(o: GenerateStubsOptions = {}): Promise<GeneratedStubs> {
  const log: Logger = o.log ?? silentLogger;
  const cwd = resolve(o.cwd ?? process.cwd());
  const project = o.project ?? loadProjectConfig({ cwd, ...(o.manifestPath !== undefined ? { manifestPath: o.manifestPath } : {}) });
  const { out, ...build } = o;
  let stubs: Map<string, string> | undefined;
  const tmp = await makeTempDir(join(tmpdir(), "pyts-build-stubs-"));
  try {
    // the layout step hands over the stubs; the wheel itself (metadata only) goes to a temporary folder
    await buildWheels({
      ...build,
      ...(o.interpreters ? { interpreters: o.interpreters.slice(0, 1) } : {}),
      project,
      cwd,
      out: tmp,
      temporaryOut: true,
      generateStubs: true,
      log: { ...log, step: (m: string) => (m.startsWith("Built ") ? undefined : log.step(m)) },
      layout: (input) => {
        stubs = input.stubs;
        return [];
      },
    });
  } finally {
    await removeTemp(tmp);
  }
  if (!stubs) throw new Error("internal: the build handed over no stubs");
  const dir = out !== undefined ? resolve(cwd, out) : defaultStubDir(project);
  const leaf = project.moduleName.split(".").pop() as string;
  const files: string[] = [];
  for (const { path, text } of stubsBesideModule(stubs, leaf, "")) {
    const file = join(dir, ...path.split("/"));
    mkdirSync(dirname(file), { recursive: true });
    replaceFile({ bytes: text }, file);
    files.push(file);
  }
  for (const f of files) log.info(`Wrote ${f}`);
  return { dir, files };
}
