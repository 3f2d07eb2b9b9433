import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("upload / publish / check in the CLI", () => {
  it("are listed in --help, each with its own help naming the credential sources", () => {
    const r = runCli(["--help"]);
    for (const c of ["upload", "publish", "check"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
    const u = runCli(["upload", "--help"]);
    expect(u.stdout).toContain("PYTS_BUILD_* then TWINE_* then MATURIN_*");
    expect(u.stdout).toContain("--skip-existing");
    const p = runCli(["publish", "--help"]);
    expect(p.stdout).toMatch(/-r, --release/);
    expect(p.stdout).toMatch(/ {2}--repository <name>/);
    // publish builds and uploads: its one --strict is the metadata's (PEP 621) and the upload's (an HTML answer)
    expect(p.stdout.match(/--strict/g)).toHaveLength(1);
    expect(p.stdout).toMatch(/--strict\s+PEP 621[\s\S]*HTML page/);
  });

  it("no files and nothing in target/wheels: a one-line error", () => {
    const r = runCli(["upload", "--non-interactive"], { cwd: "/" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: nothing to upload: no .whl or .tar.gz in /target/wheels\n  hint: build first (pyts-build wheel / sdist), or name the files\n");
  });
});
