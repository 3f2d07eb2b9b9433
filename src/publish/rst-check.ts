/**
 * reStructuredText descriptions are rendered by the index with docutils
 * (readme_renderer); there is no faithful renderer in Node, so the check asks a
 * Python that has readme_renderer (twine's dependency) and says so when none has it.
 */
import { spawn } from "node:child_process";

export type RstVerdict = { ok: true } | { ok: false; problems: string } | { unavailable: string };

// reads the description on stdin; exit 3 = readme_renderer missing, 1 = does not render
const SCRIPT = `
import io, sys
try:
    import readme_renderer.rst as r
except Exception as e:
    sys.stderr.write(str(e)); sys.exit(3)
s = io.StringIO()
out = r.render(sys.stdin.read(), stream=s)
sys.stderr.write(s.getvalue())
sys.exit(0 if out is not None else 1)
`;

/** Render `text` as the index would; `python` is a name on PATH or a path. */
export function checkRst(text: string, python = "python3", env: NodeJS.ProcessEnv = process.env): Promise<RstVerdict> {
  return new Promise((resolve) => {
    const child = spawn(python, ["-c", SCRIPT], { env: { ...env, PYTHONIOENCODING: "utf-8" }, stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => {
      if (err.length < 64 * 1024) err += c.toString("utf8");
    });
    child.on("error", (e: NodeJS.ErrnoException) => resolve({ unavailable: `${python} not found (${e.code ?? e.message})` }));
    child.on("close", (code) => {
      if (code === 0) resolve({ ok: true });
      else if (code === 1) resolve({ ok: false, problems: rstProblems(err) });
      else resolve({ unavailable: `${python} has no readme_renderer (${err.trim().split("\n").pop() ?? ""})` });
    });
    child.stdin.on("error", () => {}); // the child may exit before reading everything
    child.stdin.end(text);
  });
}

/** docutils' `<string>:LINE: (LEVEL/N) message` lines as `line LINE: Level: message`. */
export function rstProblems(stderr: string): string {
  return stderr
    .split("\n")
    .map((l) => /^<string>:(\d*): \((\w+)\/\d+\) (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `line ${m[1]}: ${(m[2] as string).charAt(0)}${(m[2] as string).slice(1).toLowerCase()}: ${m[3]}`)
    .join("; ");
}
