/**
 * Editable wheels (PEP 660, `pip install -e`, `pyts-build develop`). For a
 * mixed project the freshly built extension goes INTO the Python source tree,
 * next to the package's .py files, and the wheel holds only a `.pth` naming
 * the python-source folder: Python then imports the sources in place, and a
 * rebuild is seen at the next import. The extension is written to a temporary
 * name and renamed over the old one, so a process that has the old library
 * loaded keeps its (unchanged) mapping instead of crashing on a file rewritten
 * under it. A project without Python sources gets an ordinary wheel.
 */
import { copyFileSync, mkdirSync, readdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, posix, win32 } from "node:path";
import { wheelDistName } from "../../wheel/names.js";
import { dataDirName, type WheelFile } from "../../wheel/wheel.js";
import { type LayoutInput, layoutWheel } from "../layout.js";

/** The file operations replaceFile uses: node:fs, or a simulated Windows file system in tests. */
export interface ReplaceOps {
  copyFileSync(from: string, to: string): void;
  writeFileSync(to: string, data: string | Uint8Array): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  readdirSync(dir: string): string[];
}
const NODE_OPS: ReplaceOps = { copyFileSync, writeFileSync, renameSync, unlinkSync, readdirSync: (d) => readdirSync(d) };

const tryUnlink = (ops: ReplaceOps, p: string) => {
  try {
    ops.unlinkSync(p);
  } catch {
    // still in use (Windows), or gone
  }
};

/**
 * Copy `from` (a file, or the bytes to write) to `to` through a temporary name
 * in the same folder, then rename (atomic replace). Windows refuses to replace
 * a library a running Python has loaded (EPERM/EACCES/EBUSY) but lets it be
 * renamed: the old one is moved aside to `.<name>.<stamp>.old` and removed
 * once nothing holds it (at the next replace, if not at once).
 */
export function replaceFile(from: string | { bytes: string | Uint8Array }, to: string, o: { platform?: NodeJS.Platform; ops?: ReplaceOps } = {}): void {
  const ops = o.ops ?? NODE_OPS;
  const win = (o.platform ?? process.platform) === "win32";
  const path = win ? win32 : posix;
  const [dir, name] = [path.dirname(to), path.basename(to)];
  const stamp = `${Date.now().toString(36)}-${process.pid}`;
  const tmp = path.join(dir, `.${stamp}.tmp`);
  try {
    if (typeof from === "string") ops.copyFileSync(from, tmp);
    else ops.writeFileSync(tmp, from.bytes);
    if (win) {
      for (const left of ops.readdirSync(dir).filter((n) => n.startsWith(`.${name}.`) && n.endsWith(".old"))) tryUnlink(ops, path.join(dir, left));
    }
    try {
      ops.renameSync(tmp, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!win || !["EPERM", "EACCES", "EBUSY"].includes(code ?? "")) throw e;
      const old = path.join(dir, `.${name}.${stamp}.old`);
      ops.renameSync(to, old); // a loaded DLL may be renamed, not replaced
      ops.renameSync(tmp, to);
      tryUnlink(ops, old);
    }
  } catch (e) {
    tryUnlink(ops, tmp);
    throw e;
  }
}

/** The `.pth` line: one absolute folder, put on sys.path by site.py at start-up. */
export function pthContent(folder: string): string {
  return folder + "\n";
}

/**
 * A LayoutInput -> editable wheel files. Uses the regular layout to learn where
 * the extension belongs, installs it there in the source tree, and keeps only
 * what cannot be served from the sources (the `.data` folder).
 */
export function editableLayout(input: LayoutInput): WheelFile[] {
  const regular = layoutWheel(input);
  const ps = input.config.pythonSource;
  if (ps === undefined || input.artifact === undefined) return regular;
  const ext = regular.find((f) => "file" in f.source && f.source.file === input.artifact);
  if (!ext) throw new Error("internal: the layout has no place for the extension");
  // with it what the build made beside it: cffi's loader __init__.py and ffi.py, generated stubs (--generate-stubs)
  const dir = ext.path.slice(0, ext.path.lastIndexOf("/") + 1);
  const generated = regular.filter((f) => f === ext || (f.path.startsWith(dir) && "bytes" in f.source));
  // build-script output (out-dir includes) is not in the sources either: it goes beside them, as maturin's develop does
  const installed = [...generated.map((f) => ({ path: f.path, from: "file" in f.source ? f.source.file : f.source })), ...(input.outDirFiles ?? []).map((f) => ({ path: f.path, from: f.file }))];
  for (const f of installed) {
    const to = join(ps, ...f.path.split("/"));
    mkdirSync(dirname(to), { recursive: true });
    replaceFile(f.from, to);
  }
  const meta = input.config.metadata;
  const data = dataDirName(meta.name, meta.version) + "/";
  const kept = regular.filter((f) => f.path.startsWith(data));
  kept.push({ path: `${wheelDistName(meta.name)}_editable.pth`, source: { bytes: pthContent(ps) } });
  return kept;
}
